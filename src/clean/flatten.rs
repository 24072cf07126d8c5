//! The paper under the ink, for the page OCR reads: stains, bleed-through
//! halos, fold shadows and other sharp-edged changes of the paper's tone
//! are divided out, so a letter inside a coffee ring keeps its contrast and
//! the ring's edge is not a dark arc across the words.
//!
//! [`background::normalize`](super::background::normalize) already divides
//! by a paper level estimated on 1/12-inch blocks: it follows light falloff
//! and yellowing, but a stain's edge is sharper than its grid, and
//! Tesseract's own global threshold then turns the dark side of the edge
//! into ink that eats the letters it crosses. Here the paper is estimated
//! at stroke scale, under the ink the cleaned bilevel page has found: a
//! grey-level closing (dilation then erosion of the light paper, van Herk's
//! filters, see [`minmax`](super::minmax)) with a window a little wider
//! than a text stroke, the stored ink left out of the dilation so that
//! bold and large letters are not taken for paper. A closing keeps the
//! outline of every dark area wider than its window (a stain, a shadow) and
//! removes what is narrower (the strokes of letters the threshold missed,
//! which therefore stay on the page OCR reads). Each pixel is then divided
//! by that paper (Leptonica's `pixBackgroundNormMorph` works the same way,
//! on a reduced image and without the ink left out).

use super::bits::BitImage;
use super::minmax::{Extreme, filter};
use crate::input::Dpi;
use crate::rect::Rect;
use image::GrayImage;

/// Half the window of the closing, in inches (4 px at 300 dpi): wider than
/// the part of a body-text stroke the bilevel page may have missed (its
/// anti-aliased rim, a faded hairline), narrower than a stain.
const REACH_IN: f32 = 1.0 / 75.0;
/// Paper estimated at or above this level is already white: the page is
/// left as it is there (a clean page reads exactly as before).
const WHITE_ENOUGH: u8 = 250;
/// Pixels within this fraction of their paper become white, as in
/// [`background::normalize`](super::background::normalize).
const WHITE_POINT: f32 = 0.96;

/// Divide `gray` by its paper estimated under the ink of `bits` (the
/// cleaned bilevel page of the same size), outside `pictures`.
pub(crate) fn under_ink(gray: &mut GrayImage, bits: &BitImage, dpi: Dpi, pictures: &[Rect]) {
    let (w, h) = gray.dimensions();
    if (w, h) != (bits.width(), bits.height()) {
        return;
    }
    let r = (REACH_IN * dpi.x.max(dpi.y)).round().max(1.0) as usize;
    // Stored ink never counts as paper (0 never wins a dilation); other
    // pixels are at least 1, so "no paper in reach" is told apart.
    let paper: Vec<u8> = gray
        .iter()
        .zip(bits.as_gray().iter())
        .map(|(&g, &b)| if b == super::bits::INK { 0 } else { g.max(1) })
        .collect();
    let (wu, hu) = (w as usize, h as usize);
    let mut grown = filter(&paper, wu, hu, r, Extreme::Max);
    drop(paper);
    // Inside ink wider than the window the block estimate stands.
    grown.iter_mut().filter(|v| **v == 0).for_each(|v| *v = 255);
    let paper = filter(&grown, wu, hu, r, Extreme::Min);
    drop(grown);
    for (i, (g, &p)) in gray.iter_mut().zip(&paper).enumerate() {
        if p >= WHITE_ENOUGH {
            continue;
        }
        let (x, y) = ((i % wu) as u32, (i / wu) as u32);
        if pictures.iter().any(|r| r.contains(x, y)) {
            continue;
        }
        let v = f32::from(*g) / (f32::from(p) * WHITE_POINT);
        *g = if v >= 1.0 { 255 } else { (v * 255.0) as u8 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::{INK, PAPER};
    use image::Luma;

    const DPI: Dpi = Dpi { x: 300.0, y: 300.0 };

    /// Vertical strokes 4 px wide every 12 px on white paper, a stain
    /// (paper at 150) over the right half; `bits` marks the strokes.
    fn stained() -> (GrayImage, BitImage) {
        let (w, h) = (240, 60);
        let stroke = |x: u32, y: u32| (x % 12 < 4) && (10..50).contains(&y);
        let gray = GrayImage::from_fn(w, h, |x, y| {
            let paper: f32 = if x >= 120 { 150.0 } else { 250.0 };
            Luma([if stroke(x, y) {
                (paper * 0.25) as u8
            } else {
                paper as u8
            }])
        });
        let bits = BitImage::from_levels(GrayImage::from_fn(w, h, |x, y| {
            Luma([if stroke(x, y) { INK } else { PAPER }])
        }));
        (gray, bits)
    }

    #[test]
    fn a_stain_becomes_paper_and_its_letters_keep_their_contrast() {
        let (mut gray, bits) = stained();
        under_ink(&mut gray, &bits, DPI, &[]);
        // Paper inside the stain, between strokes and above them, is white.
        for &(x, y) in &[(126u32, 5u32), (180, 55), (130, 30), (202, 20)] {
            assert_eq!(gray.get_pixel(x, y).0[0], 255, "({x}, {y})");
        }
        // Strokes inside the stain are as dark, relative to white, as the
        // ones outside it were relative to their paper.
        let inside = gray.get_pixel(181, 30).0[0];
        assert!(inside < 80, "stroke in the stain at {inside}");
        // Clean paper and strokes outside the stain are untouched.
        assert_eq!(gray.get_pixel(61, 30).0[0], 62);
        assert_eq!(gray.get_pixel(65, 30).0[0], 250);
    }

    #[test]
    fn faint_strokes_the_threshold_missed_stay() {
        // A faint stroke (not in bits) 3 px wide inside the stain.
        let (mut gray, bits) = stained();
        for y in 10..50 {
            for x in 160..163 {
                gray.put_pixel(x, y, Luma([110]));
            }
        }
        under_ink(&mut gray, &bits, DPI, &[]);
        let v = gray.get_pixel(161, 30).0[0];
        assert!(v < 200, "faint stroke whitened to {v}");
    }

    #[test]
    fn pictures_are_left_as_they_are() {
        let (mut gray, bits) = stained();
        let before = gray.clone();
        under_ink(
            &mut gray,
            &bits,
            DPI,
            &[Rect {
                x0: 120,
                y0: 0,
                x1: 240,
                y1: 60,
            }],
        );
        for x in 120..240 {
            assert_eq!(gray.get_pixel(x, 5), before.get_pixel(x, 5));
        }
    }
}
