//! Removal of dark scanner borders: the black bands a flatbed or feeder
//! leaves where the page did not cover the glass.
//!
//! Ink connected to the image edge is flood-filled (8-connected) from every
//! edge pixel; a component is a border when it is large (over 0.5% of the
//! page) or runs along a quarter of an edge. Letters that merely touch the
//! edge are far smaller and stay.

use super::bits::{BitImage, INK, PAPER};
use super::components::Labels;
use crate::rect::Rect;
use image::{GrayImage, Luma};

/// A component [`remove`] whitened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    /// Its bounding box.
    pub rect: Rect,
    /// Whether it lies along the edge it touches (as long along it as it
    /// reaches in from it), as a scanner's border does. A band across the
    /// page from edge to edge (a book fold's shadow, binarised) does not,
    /// and what it took with it is for the page check to look at.
    pub along: bool,
}

/// Whiten border components; returns them.
pub fn remove(bits: &mut BitImage) -> Vec<Removed> {
    let (w, h) = (bits.width() as usize, bits.height() as usize);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let raw: &mut [u8] = bits.gray_mut();
    let mut seen = vec![false; w * h];
    let mut removed = Vec::new();
    let edge: Vec<usize> = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]))
        .collect();
    let mut stack = Vec::new();
    let mut component = Vec::new();
    for start in edge {
        if raw[start] != INK || seen[start] {
            continue;
        }
        component.clear();
        stack.push(start);
        seen[start] = true;
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            component.push(i);
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if raw[j] == INK && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let big = component.len() * 200 > w * h;
        let along_edge = (x0 == 0 || x1 == w - 1) && (y1 - y0 + 1) * 4 >= h
            || (y0 == 0 || y1 == h - 1) && (x1 - x0 + 1) * 4 >= w;
        let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
        if (big || along_edge) && holes(&component, (x0, y0, cw, ch), w) < HOLES_OF_PRINT {
            for &i in &component {
                raw[i] = PAPER;
            }
            let along =
                (x0 == 0 || x1 == w - 1) && ch >= cw || (y0 == 0 || y1 == h - 1) && cw >= ch;
            removed.push(Removed {
                rect: Rect {
                    x0: x0 as u32,
                    y0: y0 as u32,
                    x1: x1 as u32 + 1,
                    y1: y1 as u32 + 1,
                },
                along,
            });
        }
    }
    removed
}

/// Holes a dark component may have and still be a scanner's border (dust
/// and light specks on the glass): a printed band holding light letters
/// (a banner run off the page's edge) has one or more per letter.
const HOLES_OF_PRINT: usize = 5;
/// Smallest hole that counts, in pixels (specks in a border are smaller;
/// the counter of a letter at 8 pt and 150 dpi is larger).
const HOLE_MIN: usize = 25;

/// How many holes of at least [`HOLE_MIN`] pixels the component (pixel
/// indices into a page `w` wide; `bbox` = x0, y0, width, height) encloses:
/// the paper inside its box, labelled as components of their own
/// ([`Labels`]), that does not reach the box's edge.
fn holes(component: &[usize], bbox: (usize, usize, usize, usize), w: usize) -> usize {
    let (x0, y0, bw, bh) = bbox;
    if bw < 3 || bh < 3 {
        return 0;
    }
    // The box with its paper as "ink", to label it.
    let mut paper = GrayImage::from_pixel(bw as u32, bh as u32, Luma([INK]));
    for &i in component {
        paper.put_pixel((i % w - x0) as u32, (i / w - y0) as u32, Luma([PAPER]));
    }
    let labels = Labels::new(&BitImage::from_levels(paper));
    let inside = |r: &Rect| r.x0 > 0 && r.y0 > 0 && (r.x1 as usize) < bw && (r.y1 as usize) < bh;
    labels
        .comps
        .iter()
        .filter(|c| inside(&c.rect) && c.area as usize >= HOLE_MIN)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_at_the_edges_go_and_text_stays() {
        let img = GrayImage::from_fn(400, 600, |x, y| {
            let left_band = x < 30;
            let bottom_wedge = y > 570 && x > 100;
            let letter = (200..210).contains(&x) && (100..140).contains(&y);
            let letter_at_edge = x > 390 && (300..320).contains(&y);
            Luma([if left_band || bottom_wedge || letter || letter_at_edge {
                0
            } else {
                255
            }])
        });
        let mut bits = BitImage::from_gray_threshold(img);
        let removed = remove(&mut bits);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(removed.iter().all(|r| r.along), "{removed:?}");
        assert!(!bits.is_ink(5, 300) && !bits.is_ink(300, 590));
        assert!(bits.is_ink(205, 120) && bits.is_ink(395, 310));
        assert_eq!(bits.ink_count(), 10 * 40 + 9 * 20);
    }

    #[test]
    fn all_black_page_becomes_white() {
        let mut bits = BitImage::from_gray_threshold(GrayImage::new(50, 50));
        let removed = remove(&mut bits);
        assert_eq!(removed.len(), 1);
        assert_eq!(bits.ink_count(), 0);
    }

    #[test]
    fn a_band_holding_light_letters_is_print_not_a_border() {
        // A black band along the top edge with ten 8 x 12 light "letters"
        // in it, and one along the bottom with only specks of dust.
        let img = GrayImage::from_fn(400, 600, |x, y| {
            let top = y < 60 && !((20..32).contains(&y) && x % 30 < 8 && (20..320).contains(&x));
            let bottom = y >= 560 && !(y == 580 && x % 50 == 0);
            Luma([if top || bottom { 0 } else { 255 }])
        });
        let mut bits = BitImage::from_gray_threshold(img);
        let removed = remove(&mut bits);
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert!(bits.is_ink(5, 5) && !bits.is_ink(5, 590));
    }

    #[test]
    fn a_band_across_the_page_is_removed_but_not_along_an_edge() {
        // A dark band from the top edge to the bottom one, inside the page.
        let img = GrayImage::from_fn(400, 600, |x, _| {
            Luma([if (250..330).contains(&x) { 0 } else { 255 }])
        });
        let mut bits = BitImage::from_gray_threshold(img);
        let removed = remove(&mut bits);
        assert_eq!(removed.len(), 1);
        assert!(!removed[0].along, "{removed:?}");
    }
}
