//! Despeckling by connected-component size and isolation.
//!
//! A median filter would round letter corners and erase periods; instead
//! each 8-connected ink component is measured. The tiniest (scanner noise,
//! single dust pixels) go; small ones go only when no kept ink lies within a
//! short radius, so i-dots, periods, commas and diacritics, which always sit
//! next to letters, stay. Sizes scale with the resolution.

use super::bits::{BitImage, PAPER};
use crate::input::Dpi;

/// How hard to look for specks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Despeckle {
    Off,
    #[default]
    Normal,
    Aggressive,
}

struct Sizes {
    /// Components up to this many pixels always go.
    tiny: u32,
    /// Components up to this many pixels go when isolated.
    small: u32,
    /// "Isolated" means no kept ink within this many pixels (at least; it
    /// grows with the page's letter size, see [`isolation_radius`]).
    radius: u32,
}

fn sizes(level: Despeckle, dpi: Dpi) -> Option<Sizes> {
    let s = dpi.x.max(dpi.y) / 300.0;
    let area = |a: f32| (a * s * s).round().max(1.0) as u32;
    match level {
        Despeckle::Off => None,
        Despeckle::Normal => Some(Sizes {
            tiny: area(6.0),
            small: area(30.0),
            radius: (8.0 * s).round() as u32,
        }),
        Despeckle::Aggressive => Some(Sizes {
            tiny: area(12.0),
            small: area(80.0),
            radius: (5.0 * s).round() as u32,
        }),
    }
}

/// A horizontal run of ink in one row, `x0..x1`.
#[derive(Clone, Copy)]
struct Run {
    x0: u32,
    x1: u32,
}

/// Per-component statistics, indexed by the component's root run.
#[derive(Clone, Copy)]
struct Component {
    area: u32,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        parent[i as usize] = parent[parent[i as usize] as usize];
        i = parent[i as usize];
    }
    i
}

/// How far to look for the letter a small mark belongs to: at least
/// `base`, and a third of the page's median letter height, since punctuation
/// sits further from its letter in larger type (a period after a "g" in an
/// 11-point serif face is 9 px away at 300 dpi).
fn isolation_radius(comps: &[Component], root: &[u32], keep: &[bool], base: u32, dpi: Dpi) -> u32 {
    let (min_h, max_h) = ((dpi.y * 0.02) as u32, (dpi.y * 0.5) as u32);
    let mut heights: Vec<u32> = (0..comps.len())
        .filter(|&i| root[i] == i as u32 && keep[i])
        .map(|i| comps[i].y1 - comps[i].y0 + 1)
        .filter(|h| (min_h..=max_h).contains(h))
        .collect();
    if heights.is_empty() {
        return base;
    }
    let mid = heights.len() / 2;
    let median = *heights.select_nth_unstable(mid).1;
    (median / 3).clamp(base, 3 * base)
}

/// Remove specks; returns the cleaned image.
///
/// Components are labelled on runs of ink rather than pixels (union-find
/// over runs that touch, 8-connected): a text page has a few hundred
/// thousand runs against millions of pixels.
pub fn despeckle(bits: &BitImage, dpi: Dpi, level: Despeckle) -> BitImage {
    let Some(sizes) = sizes(level, dpi) else {
        return bits.clone();
    };
    let h = bits.height();
    // Runs, row by row; row_start[y]..row_start[y + 1] are row y's runs.
    let mut runs: Vec<Run> = Vec::new();
    let mut row_start = Vec::with_capacity(h as usize + 1);
    for y in 0..h {
        row_start.push(runs.len());
        let row = bits.row(y);
        let mut x = 0;
        while x < row.len() {
            if row[x] == PAPER {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] != PAPER {
                x += 1;
            }
            runs.push(Run {
                x0: start as u32,
                x1: x as u32,
            });
        }
    }
    row_start.push(runs.len());

    let mut parent: Vec<u32> = (0..runs.len() as u32).collect();
    for y in 1..h as usize {
        let (prev, cur) = (
            row_start[y - 1]..row_start[y],
            row_start[y]..row_start[y + 1],
        );
        let mut p = prev.start;
        for c in cur {
            let run = runs[c];
            // Skip previous-row runs that end before this one can touch.
            while p < prev.end && runs[p].x1 < run.x0 {
                p += 1;
            }
            let mut q = p;
            while q < prev.end && runs[q].x0 <= run.x1 {
                let (a, b) = (find(&mut parent, c as u32), find(&mut parent, q as u32));
                if a != b {
                    parent[a.max(b) as usize] = a.min(b);
                }
                q += 1;
            }
        }
    }
    let mut comps: Vec<Component> = vec![
        Component {
            area: 0,
            x0: u32::MAX,
            y0: u32::MAX,
            x1: 0,
            y1: 0
        };
        runs.len()
    ];
    let mut root = vec![0u32; runs.len()];
    for y in 0..h as usize {
        for i in row_start[y]..row_start[y + 1] {
            let r = find(&mut parent, i as u32);
            root[i] = r;
            let c = &mut comps[r as usize];
            c.area += runs[i].x1 - runs[i].x0;
            c.x0 = c.x0.min(runs[i].x0);
            c.x1 = c.x1.max(runs[i].x1 - 1);
            c.y0 = c.y0.min(y as u32);
            c.y1 = c.y1.max(y as u32);
        }
    }
    let mut keep: Vec<bool> = comps.iter().map(|c| c.area > sizes.small).collect();
    let radius = isolation_radius(&comps, &root, &keep, sizes.radius, dpi);
    let candidates: Vec<usize> = (0..comps.len())
        .filter(|&i| {
            root[i] == i as u32 && comps[i].area > sizes.tiny && comps[i].area <= sizes.small
        })
        .collect();
    // A small mark next to kept ink is kept, and may in turn keep its
    // neighbours (an ellipsis after a word); repeat until nothing changes.
    loop {
        let mut changed = false;
        for &i in &candidates {
            if keep[i] {
                continue;
            }
            let c = comps[i];
            let r = radius;
            let (x0, x1) = (c.x0.saturating_sub(r), c.x1 + r);
            let (y0, y1) = (
                c.y0.saturating_sub(r) as usize,
                ((c.y1 + r) as usize).min(h as usize - 1),
            );
            let near = (y0..=y1).any(|y| {
                let row = &runs[row_start[y]..row_start[y + 1]];
                let first = row.partition_point(|run| run.x1 <= x0);
                let base = row_start[y];
                row[first..]
                    .iter()
                    .take_while(|run| run.x0 <= x1)
                    .enumerate()
                    .any(|(k, _)| {
                        let other = root[base + first + k] as usize;
                        other != i && keep[other]
                    })
            });
            if near {
                keep[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = bits.clone();
    let g = out.gray_mut();
    for y in 0..h as usize {
        for i in row_start[y]..row_start[y + 1] {
            if !keep[root[i] as usize] {
                for x in runs[i].x0..runs[i].x1 {
                    g.put_pixel(x, y as u32, image::Luma([PAPER]));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::INK;
    use image::{GrayImage, Luma};

    fn draw(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32) {
        for yy in y..y + h {
            for xx in x..x + w {
                img.put_pixel(xx, yy, Luma([INK]));
            }
        }
    }

    #[test]
    fn isolated_specks_go_and_dots_beside_letters_stay() {
        let mut img = GrayImage::from_pixel(300, 200, Luma([PAPER]));
        draw(&mut img, 50, 50, 6, 40); // a letter stem
        draw(&mut img, 51, 42, 4, 4); // its i-dot, 4 px above
        draw(&mut img, 60, 86, 4, 4); // a period after it
        draw(&mut img, 200, 150, 4, 4); // a lone speck of the same size
        draw(&mut img, 150, 20, 1, 1); // dust
        let bits = BitImage::from_gray_threshold(img);
        let out = despeckle(&bits, Dpi::uniform(300.0), Despeckle::Normal);
        assert!(out.is_ink(52, 43), "i-dot removed");
        assert!(out.is_ink(61, 87), "period removed");
        assert!(!out.is_ink(201, 151), "lone speck kept");
        assert!(!out.is_ink(150, 20), "dust kept");
        assert_eq!(out.ink_count(), 6 * 40 + 16 + 16);
    }

    #[test]
    fn off_changes_nothing() {
        let mut img = GrayImage::from_pixel(20, 20, Luma([PAPER]));
        draw(&mut img, 5, 5, 1, 1);
        let bits = BitImage::from_gray_threshold(img);
        assert_eq!(despeckle(&bits, Dpi::uniform(300.0), Despeckle::Off), bits);
    }
}
