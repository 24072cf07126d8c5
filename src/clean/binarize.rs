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
    /// Local two-class means with a page-level contrast floor (the default).
    Intermeans,
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
        Method::Intermeans => intermeans(gray, dpi, &Tuning::from_env()),
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

/// Temporary tuning knobs (experiment only).
#[derive(Debug, Clone)]
pub struct Tuning {
    pub window_div: f32,
    pub iterations: usize,
    pub floor: f64,
    pub split: f64,
    pub min_abs: f64,
    pub lambda: f64,
}

impl Tuning {
    pub fn from_env() -> Self {
        let g = |n: &str, d: f64| {
            std::env::var(n)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        Tuning {
            window_div: g("BZ_WIN", 8.0) as f32,
            iterations: g("BZ_IT", 1.0) as usize,
            floor: g("BZ_FLOOR", 0.4),
            split: g("BZ_SPLIT", 0.5),
            min_abs: g("BZ_MINABS", 12.0),
            lambda: g("BZ_LAMBDA", 0.0),
        }
    }
}

/// Window sums of three per-pixel quantities, one row at a time, in O(1) per
/// pixel: per-column sums slid down the page, then a prefix over each row.
/// `visit(y, at)` gets, for row `y`, a function giving the sums and pixel
/// count of the window centred on column `x`; rows `skip(y)` is true of are
/// not visited (their prefixes are not built).
fn window_sums(
    (wu, hu): (usize, usize),
    half: usize,
    value: impl Fn(usize) -> [u32; 4],
    skip: impl Fn(usize) -> bool,
    mut visit: impl FnMut(usize, &dyn Fn(usize) -> ([u64; 4], u64)),
) {
    let mut col = vec![[0u32; 4]; wu];
    let mut pre = vec![[0u64; 4]; wu + 1];
    let add = |col: &mut [[u32; 4]], y: usize, sign_add: bool| {
        for (x, c) in col.iter_mut().enumerate() {
            let v = value(y * wu + x);
            for k in 0..4 {
                if sign_add {
                    c[k] += v[k];
                } else {
                    c[k] -= v[k];
                }
            }
        }
    };
    for y in 0..half.min(hu) {
        add(&mut col, y, true);
    }
    for y in 0..hu {
        if y + half < hu {
            add(&mut col, y + half, true);
        }
        if y > half {
            add(&mut col, y - half - 1, false);
        }
        if skip(y) {
            continue;
        }
        for x in 0..wu {
            for k in 0..4 {
                pre[x + 1][k] = pre[x][k] + col[x][k] as u64;
            }
        }
        let rows = ((y + half + 1).min(hu) - y.saturating_sub(half)) as u64;
        let at = |x: usize| {
            let (x0, x1) = (x.saturating_sub(half), (x + half + 1).min(wu));
            let (a, b) = (pre[x0], pre[x1]);
            ([b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3]], rows * (x1 - x0) as u64)
        };
        visit(y, &at);
    }
}

pub fn intermeans(gray: &GrayImage, dpi: Dpi, t: &Tuning) -> BitImage {
    let (w, h) = gray.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let raw = gray.as_raw();
    let blank = || BitImage::from_levels(GrayImage::from_pixel(w, h, image::Luma([PAPER])));
    if raw.is_empty() {
        return blank();
    }
    let split = imageproc::contrast::otsu_level(gray);
    let (mut n_ink, mut s_ink, mut n_pap, mut s_pap) = (0u64, 0u64, 0u64, 0u64);
    for &v in raw {
        if v <= split {
            n_ink += 1;
            s_ink += v as u64;
        } else {
            n_pap += 1;
            s_pap += v as u64;
        }
    }
    if n_ink == 0 || n_pap == 0 {
        return blank();
    }
    let page_paper = s_pap as f64 / n_pap as f64;
    let page_contrast = page_paper - s_ink as f64 / n_ink as f64;
    if page_contrast < t.min_abs {
        return blank();
    }
    let floor = (t.floor * page_contrast).max(t.min_abs);
    let half = ((((dpi.x.max(dpi.y) / t.window_div).round() as u32).max(7) | 1) / 2) as usize;
    let mut mask: Vec<u8> = raw.iter().map(|&v| u8::from(v <= split)).collect();
    let row_white = |y: usize| raw[y * wu..(y + 1) * wu].iter().all(|&v| v == 255);
    for _ in 0..t.iterations.max(1) {
        let mut next = vec![0u8; wu * hu];
        window_sums(
            (wu, hu),
            half,
            |i| {
                let v = raw[i] as u32;
                let m = mask[i] as u32;
                [v, m, m * v, m * v * v]
            },
            row_white,
            |y, at| {
                let row = &raw[y * wu..(y + 1) * wu];
                let out = &mut next[y * wu..(y + 1) * wu];
                for (x, (&v, o)) in row.iter().zip(out.iter_mut()).enumerate() {
                    if v == 255 {
                        continue;
                    }
                    let ([s, ni, si, qi], n) = at(x);
                    if ni == 0 {
                        continue;
                    }
                    let ink = si as f64 / ni as f64;
                    let sd = (qi as f64 / ni as f64 - ink * ink).max(0.0).sqrt();
                    let np = n - ni;
                    let paper = if np * 16 < n {
                        page_paper
                    } else {
                        (s - si) as f64 / np as f64
                    };
                    let c = paper - ink;
                    let full = paper - (ink - t.lambda * sd);
                    if c >= floor && (v as f64) <= paper - t.split * full {
                        *o = 1;
                    }
                }
            },
        );
        mask = next;
    }
    let out = mask.iter().map(|&m| if m == 1 { INK } else { PAPER }).collect();
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
