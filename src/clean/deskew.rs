//! Skew detection by projection profiles, and the rotation that undoes it.
//!
//! Postl's method (1986), as used by Leptonica and unpaper: project the ink
//! onto the vertical axis along candidate angles; text lines give the
//! sharpest profile (largest sum of squared differences between adjacent
//! rows) at the true angle. A coarse sweep over ±15° on a ¼-scale point
//! cloud is refined to 0.05° at ½ scale. Pages without enough ink, or
//! without a clear peak, are left alone.

use crate::input::Dpi;
use image::GrayImage;

/// Largest skew searched for, in degrees.
pub const MAX_SKEW_DEG: f32 = 15.0;

/// The detected skew in degrees: positive when lines fall to the right
/// (clockwise on screen). `None` when the page gives no reliable answer.
pub fn detect(gray: &GrayImage, dpi: Dpi) -> Option<f32> {
    // Work at about 75 dpi for the sweep and 150 dpi for the refinement.
    let coarse_f = ((dpi.x.max(dpi.y) / 75.0).round() as u32).max(1);
    let fine_f = (coarse_f / 2).max(1);
    let coarse = Ink::of(&ink_points(gray, coarse_f));
    if coarse.pts.len() < 200 {
        return None;
    }
    let scores = sweep(&coarse, -MAX_SKEW_DEG, MAX_SKEW_DEG, 0.5);
    let (best, best_score) = scores
        .iter()
        .copied()
        .fold((0.0, f64::MIN), |b, s| if s.1 > b.1 { s } else { b });
    let flat = score(&coarse, 0.0);
    // A text page has a sharp peak; noise or pictures give a flat curve.
    let worst = scores.iter().map(|s| s.1).fold(f64::MAX, f64::min);
    if best_score < worst * 1.15 {
        return None;
    }
    let fine = Ink::of(&ink_points(gray, fine_f));
    let (angle, fine_score) = sweep(&fine, best - 0.6, best + 0.6, 0.05)
        .into_iter()
        .fold((0.0, f64::MIN), |b, s| if s.1 > b.1 { s } else { b });
    if fine_score <= score(&fine, 0.0) * 1.0001 && flat >= best_score {
        return Some(0.0);
    }
    Some(angle)
}

/// Rotate the page so that a skew of `angle` degrees becomes level
/// (bilinear, about the centre). New corners repeat the nearest edge pixel,
/// so paper stays paper and a dark scanner border still reaches the edge,
/// where border removal finds it.
pub fn rotate(gray: &GrayImage, angle_deg: f32) -> GrayImage {
    let (w, h) = gray.dimensions();
    GrayImage::from_raw(w, h, rotate_raw(gray.as_raw(), w, h, 1, angle_deg)).expect("same size")
}

/// [`rotate`] for colour pages.
pub fn rotate_rgb(rgb: &image::RgbImage, angle_deg: f32) -> image::RgbImage {
    let (w, h) = rgb.dimensions();
    image::RgbImage::from_raw(w, h, rotate_raw(rgb.as_raw(), w, h, 3, angle_deg))
        .expect("same size")
}

/// [`rotate`] over the page itself, for a caller done with the level
/// page: the same pixels, without a second page-sized buffer.
pub fn rotate_in_place(gray: &mut GrayImage, angle_deg: f32) {
    let (w, h) = gray.dimensions();
    rotate_raw_in_place(gray, w, h, 1, angle_deg);
}

/// [`rotate_rgb`] over the page itself (see [`rotate_in_place`]).
pub fn rotate_rgb_in_place(rgb: &mut image::RgbImage, angle_deg: f32) {
    let (w, h) = rgb.dimensions();
    rotate_raw_in_place(rgb, w, h, 3, angle_deg);
}

/// Counter-clockwise rotation of an interleaved 8-bit image by `angle_deg`.
/// Written out rather than taken from imageproc: source coordinates are
/// linear along each output row ([`Sources`]), which makes this several
/// times faster than a general projective warp.
fn rotate_raw(src: &[u8], w: u32, h: u32, ch: usize, angle_deg: f32) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let sources = Sources::new(w, h, sin, cos);
    let rows: Vec<&[u8]> = src.chunks_exact(w * ch).collect();
    let mut out = vec![0u8; src.len()];
    for (y, row) in out.chunks_exact_mut(w * ch).enumerate() {
        rotate_row(&sources, y, ch, &rows, 0, row);
    }
    out
}

/// [`rotate_raw`] written over `img` itself. Output row `y` reads source
/// rows in a band around `y` whose lower end never decreases from one row
/// to the next (the band is the rows the row's source positions cross,
/// found from them). Each source row is copied aside just before its own
/// output row overwrites it and kept while a later row still reads it:
/// a band of rows (about `w · sin(angle)` of them), not a page.
fn rotate_raw_in_place(img: &mut [u8], w: u32, h: u32, ch: usize, angle_deg: f32) {
    let (w, h) = (w as usize, h as usize);
    if w == 0 || h == 0 {
        return;
    }
    let stride = w * ch;
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let sources = Sources::new(w, h, sin, cos);
    // Source rows `kept_from..y` copied aside (rows above y are output
    // already), and rows freed from it for reuse.
    let mut kept: std::collections::VecDeque<Vec<u8>> = std::collections::VecDeque::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut kept_from = 0usize;
    let mut out = vec![0u8; stride];
    for y in 0..h {
        let (lo, hi) = source_rows(&sources, y, h);
        // Rows above the band are read by no later output row.
        while kept_from < lo && !kept.is_empty() {
            spare.extend(kept.pop_front());
            kept_from += 1;
        }
        assert!(lo >= kept_from, "rotation band went back a row");
        let ahead = &mut img[y * stride..];
        let rows: Vec<&[u8]> = kept
            .iter()
            .map(Vec::as_slice)
            .chain(ahead[..((hi + 1).max(y) - y) * stride].chunks_exact(stride))
            .collect();
        rotate_row(&sources, y, ch, &rows, kept_from, &mut out);
        // Source row y is overwritten now: kept aside while it may be read.
        let mut row = spare.pop().unwrap_or_else(|| vec![0u8; stride]);
        row.copy_from_slice(&ahead[..stride]);
        ahead[..stride].copy_from_slice(&out);
        kept.push_back(row);
    }
}

/// The first and last source rows output row `y` of a page `h` rows high
/// reads (after clamping to the page, with the row below each position).
fn source_rows(sources: &Sources, y: usize, h: usize) -> (usize, usize) {
    let max_y = (h - 1) as f32;
    let (mut lo, mut hi) = (h - 1, 0);
    for (_, sy) in sources.row(y) {
        let iy = sy.clamp(0.0, max_y) as i32 as usize;
        lo = lo.min(iy);
        hi = hi.max((iy + 1).min(h - 1));
    }
    (lo, hi.max(lo))
}

/// Output row `y` of the rotation into `out`; `rows[i]` is source row
/// `base + i` (every row the output row reads is there).
fn rotate_row(sources: &Sources, y: usize, ch: usize, rows: &[&[u8]], base: usize, out: &mut [u8]) {
    let w = sources.along.len();
    let h = sources.h;
    let (max_x, max_y) = ((w - 1) as f32, (h - 1) as f32);
    for (px, (sx, sy)) in out.chunks_exact_mut(ch).zip(sources.row(y)) {
        let (fx, fy) = (sx.clamp(0.0, max_x), sy.clamp(0.0, max_y));
        // Through i32, which converts to and from f32 in one instruction
        // each (usize does not); positions are clamped to the image.
        let (ix, iy) = (fx as i32, fy as i32);
        let (tx, ty) = (fx - ix as f32, fy - iy as f32);
        let (x0, y0) = (ix as usize, iy as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (r0, r1) = (rows[y0 - base], rows[y1 - base]);
        for (c, v) in px.iter_mut().enumerate() {
            let (a, b) = (r0[x0 * ch + c] as f32, r0[x1 * ch + c] as f32);
            let (d, e) = (r1[x0 * ch + c] as f32, r1[x1 * ch + c] as f32);
            let top = a + (b - a) * tx;
            let bot = d + (e - d) * tx;
            *v = (top + (bot - top) * ty + 0.5) as u8;
        }
    }
}

/// Where the pixels of the output come from: centre + R(angle)·(x − cx,
/// y − cy). The part that depends on x alone is the same on every row, so
/// it is worked out once per column; each row adds its own start. Adding
/// the step pixel after pixel instead, in f32, rounds the same way at
/// every step, and drifted by 0.3 px across a 300-dpi A4 row, 1.2 px at
/// 600 dpi and 4.9 px at 1200 dpi.
struct Sources {
    /// (cos·dx, sin·dx) for dx = x − cx, per column.
    along: Vec<(f32, f32)>,
    /// Rows of the page.
    h: usize,
    cx: f32,
    cy: f32,
    sin: f32,
    cos: f32,
}

impl Sources {
    fn new(w: usize, h: usize, sin: f32, cos: f32) -> Self {
        let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
        let along = (0..w)
            .map(|x| {
                let dx = x as f32 - cx;
                (cos * dx, sin * dx)
            })
            .collect();
        Sources {
            along,
            h,
            cx,
            cy,
            sin,
            cos,
        }
    }

    /// Source positions of output row `y`, left to right.
    fn row(&self, y: usize) -> impl Iterator<Item = (f32, f32)> + '_ {
        let dy = y as f32 - self.cy;
        let (x0, y0) = (self.cx - self.sin * dy, self.cy + self.cos * dy);
        self.along.iter().map(move |&(ax, ay)| (x0 + ax, y0 + ay))
    }
}

/// Centres of ink blocks (any pixel < 128 in an f×f block), in block units.
fn ink_points(gray: &GrayImage, f: u32) -> Vec<(f32, f32)> {
    let (w, h) = gray.dimensions();
    let (bw, bh) = ((w / f) as usize, (h / f) as usize);
    let f = f as usize;
    let mut pts = Vec::new();
    let mut dark = vec![false; bw];
    for (by, band) in gray
        .as_raw()
        .chunks_exact(w as usize * f)
        .take(bh)
        .enumerate()
    {
        dark.iter_mut().for_each(|d| *d = false);
        for row in band.chunks_exact(w as usize) {
            for (d, cell) in dark.iter_mut().zip(row.chunks_exact(f)) {
                *d = *d || cell.iter().any(|&v| v < 128);
            }
        }
        pts.extend(
            dark.iter()
                .enumerate()
                .filter(|(_, d)| **d)
                .map(|(bx, _)| (bx as f32, by as f32)),
        );
    }
    pts
}

/// Ink points (block column, block row) as integers, with their extent:
/// what [`score`] needs at every angle, worked out once.
struct Ink {
    pts: Vec<(u32, u32)>,
    max_x: u32,
    max_y: u32,
}

impl Ink {
    fn of(pts: &[(f32, f32)]) -> Self {
        let pts: Vec<(u32, u32)> = pts.iter().map(|&(x, y)| (x as u32, y as u32)).collect();
        Ink {
            max_x: pts.iter().map(|p| p.0).max().unwrap_or(0),
            // Points come row by row: the last is the lowest.
            max_y: pts.last().map_or(0, |p| p.1),
            pts,
        }
    }
}

/// The profile score at every angle from `from` to `to` in `step`s.
fn sweep(ink: &Ink, from: f32, to: f32, step: f32) -> Vec<(f32, f64)> {
    let n = ((to - from) / step).round() as i32;
    (0..=n)
        .map(|i| from + i as f32 * step)
        .map(|a| (a, score(ink, a)))
        .collect()
}

/// Sum of squared differences between adjacent rows of the profile taken
/// along `angle_deg` (Postl 1986; Bloomberg, Kopec & Dasari 1995). A point
/// in block column x and row y lands in row y + round(offset − x·tan a):
/// every point of a column moves by the same whole number of rows, so the
/// shift is worked out once per column, not once per point.
fn score(ink: &Ink, angle_deg: f32) -> f64 {
    let t = f64::from(angle_deg.to_radians().tan());
    let offset = (f64::from(ink.max_x) * t.abs()).ceil() + 1.0;
    let rows = ink.max_y as usize + 2 * offset as usize + 2;
    // offset − x·t lies in 1 ..= 2·offset, so every shift is positive and
    // every row inside the histogram.
    let shift: Vec<u32> = (0..=ink.max_x)
        .map(|x| (offset - f64::from(x) * t + 0.5).floor() as u32)
        .collect();
    let mut hist = vec![0u32; rows];
    for &(x, y) in &ink.pts {
        hist[(y + shift[x as usize]) as usize] += 1;
    }
    hist.windows(2)
        .map(|w| (w[1] as f64 - w[0] as f64).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Parallel "text lines" of dashes, sheared by `deg`.
    fn lines_page(deg: f32) -> GrayImage {
        let t = deg.to_radians().tan();
        GrayImage::from_fn(1200, 1200, |x, y| {
            let yy = y as f32 - (x as f32 - 600.0) * t;
            let on_line = (yy as i32).rem_euclid(40) < 12
                && (200..1000).contains(&x)
                && (150.0..1050.0).contains(&yy);
            let in_word = (x / 25) % 5 != 4;
            Luma([if on_line && in_word { 0 } else { 255 }])
        })
    }

    #[test]
    fn detects_known_skews_within_a_tenth_of_a_degree() {
        for deg in [-7.3f32, -1.0, 0.0, 0.4, 2.5, 11.0] {
            let got = detect(&lines_page(deg), Dpi::uniform(300.0)).expect("text page");
            assert!((got - deg).abs() <= 0.1, "true {deg}, got {got}");
        }
    }

    #[test]
    fn rotation_levels_the_lines() {
        let page = lines_page(3.0);
        let fixed = rotate(&page, detect(&page, Dpi::uniform(300.0)).unwrap());
        let again = detect(&fixed, Dpi::uniform(300.0)).unwrap();
        assert!(again.abs() <= 0.1, "after rotation: {again}");
    }

    #[test]
    fn blank_and_noise_pages_are_left_alone() {
        assert_eq!(
            detect(
                &GrayImage::from_pixel(500, 500, Luma([255])),
                Dpi::uniform(300.0)
            ),
            None
        );
        let mut s = 12345u32;
        let noise = GrayImage::from_fn(800, 800, |_, _| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            Luma([if (s >> 16).is_multiple_of(7) { 0 } else { 255 }])
        });
        let got = detect(&noise, Dpi::uniform(300.0));
        assert!(got.is_none() || got == Some(0.0), "noise gave {got:?}");
    }
}

/// The rotation and the block reduction against per-pixel formulas.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use proptest::prelude::*;

    /// Distance from a rounding boundary of the exact bilinear value
    /// beyond which the rotation must round the same way. On images of at
    /// most 40 pixels its f32 source positions are off by under 10⁻⁵ px,
    /// and its f32 interpolation by under 10⁻³ levels, which moves the
    /// value by under 10⁻² levels even across a 0-to-255 edge.
    const ROUNDING_MARGIN: f64 = 0.02;

    /// Largest error allowed in a source position, in pixels: a few f32
    /// roundings of coordinates up to 13 200 (ulp 2⁻¹⁰).
    const MAX_DRIFT_PX: f64 = 0.005;

    /// The rotation's source position and bilinear value worked out for
    /// each output pixel on its own, in f64: the value before truncation.
    fn rotate_naive(src: &[u8], w: usize, h: usize, ch: usize, angle_deg: f32) -> Vec<f64> {
        let (sin, cos) = f64::from(angle_deg).to_radians().sin_cos();
        let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
        let mut out = Vec::with_capacity(src.len());
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                let sx = (cx + cos * dx - sin * dy).clamp(0.0, (w - 1) as f64);
                let sy = (cy + sin * dx + cos * dy).clamp(0.0, (h - 1) as f64);
                let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
                let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
                let (tx, ty) = (sx - x0 as f64, sy - y0 as f64);
                for c in 0..ch {
                    let at = |x: usize, y: usize| f64::from(src[(y * w + x) * ch + c]);
                    let top = at(x0, y0) * (1.0 - tx) + at(x1, y0) * tx;
                    let bot = at(x0, y1) * (1.0 - tx) + at(x1, y1) * tx;
                    out.push(top * (1.0 - ty) + bot * ty + 0.5);
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The rotation row by row gives the value of the bilinear
        /// rotation worked out at each pixel, rounded the same way except within
        /// [`ROUNDING_MARGIN`] of a rounding boundary (then within a level).
        #[test]
        fn rotation_matches_the_per_pixel_formula(
            gray in testing::gray(),
            channels in prop_oneof![Just(1usize), Just(3)],
            angle in prop_oneof![Just(0f32), -45f32..=45.0],
        ) {
            let (w, h) = (gray.width() as usize, gray.height() as usize);
            let src: Vec<u8> = gray
                .as_raw()
                .iter()
                .flat_map(|&v| [v, 255 - v, v / 3].into_iter().take(channels))
                .collect();
            let fast = rotate_raw(&src, w as u32, h as u32, channels, angle);
            let naive = rotate_naive(&src, w, h, channels, angle);
            for (i, (&f, &n)) in fast.iter().zip(&naive).enumerate() {
                let near_boundary = (n.fract() - 0.5).abs() > 0.5 - ROUNDING_MARGIN;
                let ok = if near_boundary {
                    (f64::from(f) - n.floor()).abs() <= 1.0
                } else {
                    f64::from(f) == n.floor()
                };
                prop_assert!(ok, "sample {} at {}°: {} for {}", i, angle, f, n);
            }
            if angle == 0.0 {
                prop_assert_eq!(fast, src, "no rotation");
            }
        }

        /// Rotating over the page itself gives the rotated copy's pixels.
        #[test]
        fn rotation_in_place_matches_the_copy(
            gray in testing::gray(),
            channels in prop_oneof![Just(1usize), Just(3)],
            angle in prop_oneof![Just(0f32), -45f32..=45.0],
        ) {
            let (w, h) = gray.dimensions();
            let src: Vec<u8> = gray
                .as_raw()
                .iter()
                .flat_map(|&v| [v, 255 - v, v / 3].into_iter().take(channels))
                .collect();
            let copy = rotate_raw(&src, w, h, channels, angle);
            let mut turned = src;
            rotate_raw_in_place(&mut turned, w, h, channels, angle);
            prop_assert_eq!(turned, copy);
        }

        /// Source positions stay within [`MAX_DRIFT_PX`] of the exact
        /// rotation across rows as wide as a 1200-dpi page.
        #[test]
        fn source_positions_do_not_drift_along_wide_rows(
            w in 1usize..=10_200,
            h in 1usize..=13_200,
            y in any::<prop::sample::Index>(),
            angle in -MAX_SKEW_DEG..=MAX_SKEW_DEG,
        ) {
            let y = y.index(h);
            let (sin, cos) = angle.to_radians().sin_cos();
            let (sin64, cos64) = (f64::from(sin), f64::from(cos));
            let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
            let dy = y as f64 - cy;
            for (x, (sx, sy)) in Sources::new(w, h, sin, cos).row(y).enumerate() {
                let dx = x as f64 - cx;
                let (ex, ey) = (cx + cos64 * dx - sin64 * dy, cy + sin64 * dx + cos64 * dy);
                let drift = (f64::from(sx) - ex).abs().max((f64::from(sy) - ey).abs());
                prop_assert!(drift <= MAX_DRIFT_PX, "{} px off at x = {} of {} at {}°", drift, x, w, angle);
            }
        }

        /// A block is an ink point when any of its pixels is darker than
        /// 128; partial blocks at the right and bottom are left out.
        #[test]
        fn ink_points_are_the_blocks_holding_ink(gray in testing::gray(), f in 1u32..=9) {
            let (w, h) = gray.dimensions();
            let want: Vec<(f32, f32)> = (0..h / f)
                .flat_map(|by| (0..w / f).map(move |bx| (bx, by)))
                .filter(|&(bx, by)| {
                    (by * f..(by + 1) * f)
                        .any(|y| (bx * f..(bx + 1) * f).any(|x| gray.get_pixel(x, y).0[0] < 128))
                })
                .map(|(bx, by)| (bx as f32, by as f32))
                .collect();
            prop_assert_eq!(ink_points(&gray, f), want);
        }
    }
}
