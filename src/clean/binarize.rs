//! Binarisation: grey page to ink and paper.
//!
//! Sauvola & Pietikäinen, "Adaptive document image binarization", Pattern
//! Recognition 33 (2000): threshold `T = m · (1 + k · (s / R − 1))` from the
//! local mean `m` and standard deviation `s` over a window, computed with
//! integral images (Shafait et al. 2008) so the cost is O(pixels) whatever the
//! window. Otsu's global threshold (1979) is offered for clean, evenly lit
//! scans.

use super::bits::{BitImage, INK, PAPER};
use crate::input::Dpi;
use image::GrayImage;

/// How to choose each pixel's threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Local adaptive threshold; `k` weighs the local contrast.
    Sauvola { k: f32 },
    /// One global threshold from the histogram.
    Otsu,
}

impl Default for Method {
    fn default() -> Self {
        // k = 0.2 after background normalisation keeps thin and faint strokes
        // (0.5 in the paper is tuned for unnormalised scans).
        Method::Sauvola { k: 0.2 }
    }
}

/// Dynamic range of the standard deviation for 8-bit images (Sauvola's R).
const R: f64 = 128.0;

pub fn binarize(gray: &GrayImage, dpi: Dpi, method: Method) -> BitImage {
    match method {
        Method::Otsu => {
            let t = imageproc::contrast::otsu_level(gray);
            threshold_with(gray, |v| v <= t)
        }
        Method::Sauvola { k } => sauvola(gray, window_for(dpi), k as f64),
    }
}

/// About 1/8 inch: several strokes wide at body-text sizes, odd so it centres.
fn window_for(dpi: Dpi) -> u32 {
    ((dpi.x.max(dpi.y) / 8.0).round() as u32).max(7) | 1
}

fn threshold_with(gray: &GrayImage, is_ink: impl Fn(u8) -> bool) -> BitImage {
    let data = gray
        .as_raw()
        .iter()
        .map(|&v| if is_ink(v) { INK } else { PAPER })
        .collect();
    BitImage::from_levels(
        GrayImage::from_raw(gray.width(), gray.height(), data).expect("same size"),
    )
}

fn sauvola(gray: &GrayImage, window: u32, k: f64) -> BitImage {
    let (w, h) = gray.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let raw = gray.as_raw();
    let half = (window / 2) as usize;
    // Sums over the window's rows, per column, slid down one row at a time;
    // then a prefix over them for each row. O(1) per pixel like full
    // integral images, without their two page-sized u64 buffers.
    let mut col_sum = vec![0u32; wu];
    let mut col_sq = vec![0u32; wu];
    let mut pre_sum = vec![0u64; wu + 1];
    let mut pre_sq = vec![0u64; wu + 1];
    let row = |y: usize| &raw[y * wu..(y + 1) * wu];
    for y in 0..half.min(hu) {
        for (x, &v) in row(y).iter().enumerate() {
            col_sum[x] += v as u32;
            col_sq[x] += v as u32 * v as u32;
        }
    }
    let mut out = vec![PAPER; wu * hu];
    for y in 0..hu {
        // Window rows are y0..y1: add the row entering, drop the one leaving.
        if y + half < hu {
            for (x, &v) in row(y + half).iter().enumerate() {
                col_sum[x] += v as u32;
                col_sq[x] += v as u32 * v as u32;
            }
        }
        if y > half {
            for (x, &v) in row(y - half - 1).iter().enumerate() {
                col_sum[x] -= v as u32;
                col_sq[x] -= v as u32 * v as u32;
            }
        }
        let this = row(y);
        if this.iter().all(|&v| v == 255) {
            continue; // pure paper: nothing to decide
        }
        for x in 0..wu {
            pre_sum[x + 1] = pre_sum[x] + col_sum[x] as u64;
            pre_sq[x + 1] = pre_sq[x] + col_sq[x] as u64;
        }
        let rows = ((y + half + 1).min(hu) - y.saturating_sub(half)) as f64;
        let out_row = &mut out[y * wu..(y + 1) * wu];
        for (x, (&v, o)) in this.iter().zip(out_row.iter_mut()).enumerate() {
            if v == 255 {
                continue;
            }
            let (x0, x1) = (x.saturating_sub(half), (x + half + 1).min(wu));
            let n = rows * (x1 - x0) as f64;
            let mean = (pre_sum[x1] - pre_sum[x0]) as f64 / n;
            let sq = (pre_sq[x1] - pre_sq[x0]) as f64 / n;
            let sd = (sq - mean * mean).max(0.0).sqrt();
            if (v as f64) <= mean * (1.0 + k * (sd / R - 1.0)) {
                *o = INK;
            }
        }
    }
    BitImage::from_levels(GrayImage::from_raw(w, h, out).expect("buffer matches dimensions"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_with_faint_square(paper: u8, ink: u8) -> GrayImage {
        GrayImage::from_fn(200, 200, |x, y| {
            image::Luma([if (80..120).contains(&x) && (90..110).contains(&y) {
                ink
            } else {
                paper
            }])
        })
    }

    #[test]
    fn sauvola_finds_low_contrast_ink_and_leaves_paper_clean() {
        let img = page_with_faint_square(250, 170);
        let bits = binarize(&img, Dpi::uniform(300.0), Method::default());
        assert!(bits.is_ink(100, 100));
        assert!(!bits.is_ink(10, 10));
        assert_eq!(bits.ink_count(), 40 * 20);
    }

    #[test]
    fn otsu_splits_two_levels() {
        let img = page_with_faint_square(240, 30);
        let bits = binarize(&img, Dpi::uniform(300.0), Method::Otsu);
        assert_eq!(bits.ink_count(), 40 * 20);
    }

    #[test]
    fn flat_pages_have_no_ink() {
        for v in [255u8, 128] {
            let img = GrayImage::from_pixel(64, 64, image::Luma([v]));
            assert_eq!(
                binarize(&img, Dpi::uniform(300.0), Method::default()).ink_count(),
                0,
                "level {v}"
            );
        }
    }
}
