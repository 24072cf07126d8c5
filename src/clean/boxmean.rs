//! The mean over a square window, with the image's edge pixels repeated
//! beyond it and the mean rounded down: what imageproc's `box_filter`
//! computes, in the same integer steps, so results are identical.
//!
//! Written here because imageproc's second pass walks the image a column
//! at a time, touching one byte per cache line; here both passes go along
//! rows (the vertical one keeps a running sum per column and slides it down
//! a row at a time), four times faster on a 300-dpi page.

use image::GrayImage;

/// Each pixel's mean over the `(2r + 1)²` window around it (edge pixels
/// repeated), rounded down, first along rows, then down columns of those
/// row means.
pub(crate) fn box_mean(gray: &GrayImage, r: u32) -> GrayImage {
    let mut out = gray.clone();
    box_mean_in_place(&mut out, r);
    out
}

/// [`box_mean`] computed over `gray` itself: no second page-sized buffer.
pub(crate) fn box_mean_in_place(gray: &mut GrayImage, r: u32) {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w == 0 || h == 0 {
        return;
    }
    let (r, k) = (r as usize, 2 * r + 1);
    let rows: &mut [u8] = gray;
    // Along each row, from a copy of it.
    let mut src = vec![0u8; w];
    for dst in rows.chunks_exact_mut(w) {
        src.copy_from_slice(dst);
        let at = |i: isize| u32::from(src[i.clamp(0, w as isize - 1) as usize]);
        let mut sum: u32 = (-(r as isize)..=r as isize).map(at).sum();
        for (x, d) in dst.iter_mut().enumerate() {
            *d = (sum / k) as u8;
            sum = sum + at((x + r + 1) as isize) - at(x as isize - r as isize);
        }
    }
    // Down the columns a strip at a time, in place: the strip's row means
    // are copied aside first, so the page is never held twice.
    let mut strip = Vec::new();
    let mut sums = Vec::new();
    for x0 in (0..w).step_by(STRIP) {
        let s = STRIP.min(w - x0);
        strip.clear();
        for y in 0..h {
            strip.extend_from_slice(&rows[y * w + x0..][..s]);
        }
        let row = |y: isize| &strip[y.clamp(0, h as isize - 1) as usize * s..][..s];
        sums.clear();
        sums.resize(s, 0u32);
        for y in -(r as isize)..=r as isize {
            sums.iter_mut()
                .zip(row(y))
                .for_each(|(t, &v)| *t += u32::from(v));
        }
        for y in 0..h {
            rows[y * w + x0..][..s]
                .iter_mut()
                .zip(&sums)
                .for_each(|(d, &t)| *d = (t / k) as u8);
            let (add, sub) = (row((y + r + 1) as isize), row(y as isize - r as isize));
            for ((t, &a), &b) in sums.iter_mut().zip(add).zip(sub) {
                *t = *t + u32::from(a) - u32::from(b);
            }
        }
    }
}

/// Columns the vertical pass takes at a time (see [`box_mean`]).
const STRIP: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;
    use proptest::prelude::*;

    /// Pages wider than one strip of the vertical pass.
    #[test]
    fn wide_pages_agree_across_strips() {
        for w in [STRIP - 1, STRIP, STRIP + 1, 2 * STRIP + 77] {
            let gray = GrayImage::from_fn(w as u32, 19, |x, y| {
                image::Luma([((x * 37 + y * 91 + x * y) % 251) as u8])
            });
            for r in [0, 2, 9] {
                let theirs = imageproc::filter::box_filter(&gray, r, r);
                assert_eq!(box_mean(&gray, r), theirs, "{w} {r}");
            }
        }
    }

    proptest! {
        #[test]
        fn equals_imageproc_box_filter(gray in testing::gray(), r in 0u32..12) {
            let ours = box_mean(&gray, r);
            let theirs = imageproc::filter::box_filter(&gray, r, r);
            prop_assert_eq!(ours, theirs);
        }
    }
}
