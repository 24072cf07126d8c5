//! The check of a layered page: does what the PDF will show (the colour
//! layers composed over the mask) look like the page they were made from?
//!
//! Colour layers (`super::colour`) model a page as ink of a few colours
//! over paper with soft tints. Maps, charts and illustrations are not that:
//! thin coloured lines, hollow roads, areas of flat colour with hard
//! edges. Layered, they come out with dark blocks, missing strokes and
//! lost tints, and nothing else would notice. So the composed page is
//! compared with the white-balanced colour page the layers were cut from
//! (cleanup's intended changes, paper to white and stains and shading
//! gone, are already in it): both are reduced to cells of [`CELL_IN`] (so
//! a stroke edge that the bilevel mask moves by a pixel does not count),
//! converted to CIELAB (CIE 15:2004), and a tile of [`TILE_CELLS`]² cells
//! is *changed* when the mean colour difference ΔE*ab of its cells exceeds
//! [`TILE_DELTA_E`]. A page with more than [`MAX_CHANGED`] of its tiles
//! changed is stored as a colour image instead (it costs bytes, never
//! content), and says so with a warning.

use super::bits::BitImage;
use super::colour::{Layers, lab};
use crate::input::Dpi;
use crate::rect::Rect;
use image::RgbImage;

/// Side of a comparison cell, in inches (4 px at 300 dpi).
const CELL_IN: f32 = 4.0 / 300.0;
/// Side of a tile, in cells (about 1/9 inch).
const TILE_CELLS: u32 = 8;
/// Mean ΔE*ab of a tile's cells above which the tile is changed: ink that
/// keeps its place and colour stays under 5, a lost tint or stroke is 10
/// to 40.
const TILE_DELTA_E: f32 = 10.0;
/// Share of changed tiles above which the layers do not hold.
pub(crate) const MAX_CHANGED: f32 = 0.02;

/// Share of the page's tiles that the layers change (0–1); `colour` is the
/// white-balanced page the layers were made from, `mask` their mask.
/// Cells in `pictures` (stored on their own, over the layers) do not count.
pub(crate) fn layers_change(
    colour: &RgbImage,
    layers: &Layers,
    mask: &BitImage,
    pictures: &[Rect],
    dpi: Dpi,
) -> f32 {
    let (w, h) = colour.dimensions();
    let cell = (CELL_IN * dpi.x.max(dpi.y)).round().max(1.0) as u32;
    let (cw, ch) = (w / cell, h / cell);
    if cw == 0 || ch == 0 {
        return 0.0;
    }
    let composed = layers.compose(mask);
    let mean = |img: &RgbImage, cx: u32, cy: u32| {
        let mut sum = [0u32; 3];
        for y in cy * cell..(cy + 1) * cell {
            for x in cx * cell..(cx + 1) * cell {
                let p = img.get_pixel(x, y).0;
                (0..3).for_each(|k| sum[k] += u32::from(p[k]));
            }
        }
        sum.map(|s| (s / (cell * cell)) as u8)
    };
    let (tw, th) = (cw.div_ceil(TILE_CELLS), ch.div_ceil(TILE_CELLS));
    let mut tiles = vec![(0f32, 0u32); (tw * th) as usize];
    for cy in 0..ch {
        for cx in 0..cw {
            let (x0, y0) = (cx * cell, cy * cell);
            let covered = |r: &Rect| r.x0 < x0 + cell && x0 < r.x1 && r.y0 < y0 + cell && y0 < r.y1;
            if pictures.iter().any(covered) {
                continue;
            }
            let (a, b) = (lab(mean(colour, cx, cy)), lab(mean(&composed, cx, cy)));
            let de = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
            let t = &mut tiles[((cy / TILE_CELLS) * tw + cx / TILE_CELLS) as usize];
            t.0 += de;
            t.1 += 1;
        }
    }
    let counted = tiles.iter().filter(|&&(_, n)| n > 0).count();
    let changed = tiles
        .iter()
        .filter(|&&(sum, n)| n > 0 && sum / n as f32 > TILE_DELTA_E)
        .count();
    changed as f32 / counted.max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::{INK, PAPER};
    use image::{GrayImage, Luma, Rgb};

    fn layers(fg: [u8; 3], bg: [u8; 3]) -> Layers {
        Layers {
            foreground: RgbImage::from_pixel(10, 10, Rgb(fg)),
            background: RgbImage::from_pixel(30, 30, Rgb(bg)),
            fg_cell: 6,
            bg_cell: 2,
        }
    }

    /// A 60 × 60 page with a 3-px stroke grid in `ink` on white, and its
    /// mask.
    fn page(ink: [u8; 3]) -> (RgbImage, BitImage) {
        let on = |x: u32, y: u32| x % 10 < 3 || y % 10 < 3;
        let img = RgbImage::from_fn(60, 60, |x, y| Rgb(if on(x, y) { ink } else { [255; 3] }));
        let mask = GrayImage::from_fn(60, 60, |x, y| Luma([if on(x, y) { INK } else { PAPER }]));
        (img, BitImage::from_gray_threshold(mask))
    }

    #[test]
    fn faithful_layers_change_nothing() {
        let (img, mask) = page([200, 30, 40]);
        let l = layers([200, 30, 40], [255, 255, 255]);
        assert_eq!(
            layers_change(&img, &l, &mask, &[], Dpi::uniform(300.0)),
            0.0
        );
    }

    #[test]
    fn a_lost_tint_or_a_wrong_ink_changes_the_page() {
        let (img, mask) = page([200, 30, 40]);
        // The ink drawn black.
        let l = layers([0, 0, 0], [255, 255, 255]);
        assert_eq!(
            layers_change(&img, &l, &mask, &[], Dpi::uniform(300.0)),
            1.0
        );
        // A green area turned white.
        let green = RgbImage::from_pixel(60, 60, Rgb([180, 220, 170]));
        let none = BitImage::from_gray_threshold(GrayImage::from_pixel(60, 60, Luma([PAPER])));
        let l = layers([0, 0, 0], [255, 255, 255]);
        assert_eq!(
            layers_change(&green, &l, &none, &[], Dpi::uniform(300.0)),
            1.0
        );
        // Unless the area is a picture, stored on its own.
        let all = [Rect {
            x0: 0,
            y0: 0,
            x1: 60,
            y1: 60,
        }];
        assert_eq!(
            layers_change(&green, &l, &none, &all, Dpi::uniform(300.0)),
            0.0
        );
    }
}
