//! Even grounds stored as pictures are paper to OCR.
//!
//! A band of grey shading under lines of text (a table header, a marker
//! highlight, a shaded panel) that is dark enough for the threshold to take
//! it for ink leaves no letters in the bilevel page, so it is found and
//! stored as a picture, in tone, as it looks. OCR reads the grey page, but
//! Tesseract thresholds that page once, globally (Otsu 1979), and on a page
//! of white paper a ground of 100 or 150 falls on the ink side with every
//! letter on it: nothing is read there. So in the page OCR reads, a
//! picture whose pixels mostly sit at one level (a ground, not a
//! photograph's spread of tones) is divided by that level, as the paper
//! itself was: the ground becomes white and its letters keep their
//! contrast. What is stored does not change.

use crate::rect::Rect;
use image::GrayImage;

/// Half-width of the band of levels around the commonest level that holds
/// the ground (noise and JPEG ringing of an even print).
const BAND: usize = 10;
/// Share of a picture's pixels in that band for it to be a ground: letters
/// on it take at most a third; a photograph's tones spread far wider.
const GROUND_SHARE: f32 = 0.6;
/// Grounds lighter than this are paper to Tesseract already; darker ones
/// than [`DARKEST`] hold no dark letters to read.
const LIGHTEST: usize = 230;
const DARKEST: usize = 60;

/// Divide each even ground among `pictures` by its level, in `gray`.
pub(crate) fn lighten(gray: &mut GrayImage, pictures: &[Rect]) {
    let w = gray.width() as usize;
    for r in pictures {
        let mut hist = [0u32; 256];
        for y in r.y0..r.y1 {
            let row = &gray.as_raw()[y as usize * w..][r.x0 as usize..r.x1 as usize];
            row.iter().for_each(|&v| hist[v as usize] += 1);
        }
        let Some(level) = ground_level(&hist) else {
            continue;
        };
        let scale = 255.0 / level as f32;
        let lut: Vec<u8> = (0..256)
            .map(|v| (v as f32 * scale).round().min(255.0) as u8)
            .collect();
        for y in r.y0..r.y1 {
            let row = &mut gray.as_mut()[y as usize * w..][r.x0 as usize..r.x1 as usize];
            row.iter_mut().for_each(|v| *v = lut[*v as usize]);
        }
    }
}

/// The ground's level when [`GROUND_SHARE`] of the pixels lie within
/// [`BAND`] of the commonest level and that level is a mid grey: the
/// lightest tenth of the ground's noise is taken as its level, so that
/// dividing by it makes nearly all of the ground white.
fn ground_level(hist: &[u32; 256]) -> Option<usize> {
    let n: u32 = hist.iter().sum();
    let mode = (0..256).max_by_key(|&v| (hist[v], std::cmp::Reverse(v)))?;
    let (lo, hi) = (mode.saturating_sub(BAND), (mode + BAND).min(255));
    let held: u32 = hist[lo..=hi].iter().sum();
    if !(DARKEST..=LIGHTEST).contains(&mode) || (held as f32) < GROUND_SHARE * n as f32 {
        return None;
    }
    let mut above = 0;
    (lo..=hi).rev().find(|&v| {
        above += hist[v];
        above as f32 >= 0.1 * held as f32
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn a_grey_ground_under_letters_turns_white_and_keeps_them() {
        // A 200 x 60 ground at 110 with a letter-like bar at 25, and a
        // photograph-like ramp beside it.
        let mut g = GrayImage::from_fn(420, 60, |x, y| {
            Luma([if x < 200 {
                if (40..50).contains(&x) && (10..50).contains(&y) {
                    25
                } else {
                    110
                }
            } else if x >= 220 {
                (x - 220) as u8
            } else {
                255
            }])
        });
        let ground = Rect {
            x0: 0,
            y0: 0,
            x1: 200,
            y1: 60,
        };
        let photo = Rect {
            x0: 220,
            y0: 0,
            x1: 420,
            y1: 60,
        };
        lighten(&mut g, &[ground, photo]);
        assert_eq!(g.get_pixel(100, 30).0[0], 255);
        assert_eq!(g.get_pixel(45, 30).0[0], 58);
        // The photograph's tones spread: left as they were.
        assert_eq!(g.get_pixel(320, 30).0[0], 100);
    }
}
