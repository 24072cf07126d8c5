//! Despeckling by connected-component size and isolation.
//!
//! A median filter would round letter corners and erase periods; instead
//! each 8-connected ink component is measured. The tiniest (scanner noise,
//! single dust pixels) go; small ones go only when no kept ink lies within a
//! short radius, so i-dots, periods, commas and diacritics, which always sit
//! next to letters, stay. Sizes scale with the resolution.

use super::bits::{BitImage, PAPER};
use crate::input::Dpi;
use image::Luma;
use imageproc::region_labelling::{Connectivity, connected_components};

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
    /// "Isolated" means no kept ink within this many pixels.
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

#[derive(Clone, Copy)]
struct Component {
    area: u32,
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

/// Remove specks; returns the cleaned image.
pub fn despeckle(bits: &BitImage, dpi: Dpi, level: Despeckle) -> BitImage {
    let Some(sizes) = sizes(level, dpi) else {
        return bits.clone();
    };
    let labels = connected_components(bits.as_gray(), Connectivity::Eight, Luma([PAPER]));
    let (w, h) = labels.dimensions();
    let mut comps: Vec<Component> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if comps.len() < l {
            comps.resize(
                l,
                Component {
                    area: 0,
                    x0: u32::MAX,
                    y0: u32::MAX,
                    x1: 0,
                    y1: 0,
                },
            );
        }
        let c = &mut comps[l - 1];
        c.area += 1;
        c.x0 = c.x0.min(x);
        c.y0 = c.y0.min(y);
        c.x1 = c.x1.max(x);
        c.y1 = c.y1.max(y);
    }
    // keep[l-1]: true for ink that stays.
    let mut keep: Vec<bool> = comps.iter().map(|c| c.area > sizes.small).collect();
    let candidates: Vec<usize> = (0..comps.len())
        .filter(|&i| comps[i].area > sizes.tiny && comps[i].area <= sizes.small)
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
            let r = sizes.radius;
            let (x0, y0) = (c.x0.saturating_sub(r), c.y0.saturating_sub(r));
            let (x1, y1) = ((c.x1 + r).min(w - 1), (c.y1 + r).min(h - 1));
            'scan: for y in y0..=y1 {
                for x in x0..=x1 {
                    let l = labels.get_pixel(x, y).0[0] as usize;
                    if l != 0 && l - 1 != i && keep[l - 1] {
                        keep[i] = true;
                        changed = true;
                        break 'scan;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = bits.clone();
    let g = out.gray_mut();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l != 0 && !keep[l - 1] {
            g.put_pixel(x, y, Luma([PAPER]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::INK;
    use image::GrayImage;

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
