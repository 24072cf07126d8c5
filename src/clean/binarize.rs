//! Binarisation: grey page to ink and paper.
//!
//! Sauvola & Pietikäinen, "Adaptive document image binarization", Pattern
//! Recognition 33 (2000): threshold `T = m · (1 + k · (s / R − 1))` from the
//! local mean `m` and standard deviation `s` over a window, computed with
//! integral images (Shafait et al. 2008) so the cost is O(pixels) whatever the
//! window. Otsu's global threshold (1979) is offered for clean, evenly lit
//! scans. The default, [`Method::Intermeans`], sets each pixel's threshold
//! between the ink and paper levels measured around it, with a floor from
//! the page's own ink contrast (see [`intermeans`]); a page whose edges
//! measure blurred is first deconvolved (Richardson 1972, Lucy 1974; see
//! [`deblur`] and [`super::deconvolve`]).

use super::bits::{BitImage, INK, PAPER};
use crate::input::Dpi;
use crate::rect::Rect;
use image::GrayImage;
use std::borrow::Cow;

/// How to choose each pixel's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Method {
    /// Local ink and paper means with a page contrast floor: keeps faded
    /// ink, drops show-through.
    ///
    /// Each pixel's threshold lies between the ink and paper levels around
    /// it. The default: Sauvola's threshold falls to m·(1 − k) where the
    /// local spread is small, losing ink fainter than k·m (faded pages), and
    /// sits close to the paper beside thin strokes, drawing them fat.
    #[default]
    Intermeans,
    /// Sauvola's local adaptive threshold (k = 0.2, [`SAUVOLA_K`]).
    Sauvola,
    /// One global threshold from the histogram (Otsu).
    Otsu,
}

/// Sauvola's k as used here: 0.2 after background normalisation keeps thin
/// and faint strokes (0.5 in the paper is tuned for unnormalised scans).
pub const SAUVOLA_K: f64 = 0.2;

/// Dynamic range of the standard deviation for 8-bit images (Sauvola's R).
const R: f64 = 128.0;

/// Bilevel ink from a background-normalised grey page with `method`; `dpi`
/// sizes Sauvola's window.
pub fn binarize(gray: &GrayImage, dpi: Dpi, method: Method) -> BitImage {
    binarize_around(gray, dpi, method, &[])
}

/// [`binarize`] on a page where `pictures` may be photographs: their soft
/// edges do not measure the print's blur, and they are not deconvolved
/// (see [`deblur`]). A photo measures blurred, and deconvolving a page
/// for it costs seconds and sharpens print that was sharp.
pub fn binarize_around(gray: &GrayImage, dpi: Dpi, method: Method, pictures: &[Rect]) -> BitImage {
    match method {
        Method::Otsu => {
            let t = imageproc::contrast::otsu_level(gray);
            threshold_with(gray, |v| v <= t)
        }
        Method::Sauvola => sauvola(gray, window_for(dpi, 8.0), SAUVOLA_K),
        Method::Intermeans => intermeans(gray, dpi, pictures),
    }
}

/// A window of 1/`per_inch` inch (1/8: several strokes wide at body-text
/// sizes), at least 7 pixels, odd so it centres.
fn window_for(dpi: Dpi, per_inch: f32) -> u32 {
    ((dpi.x.max(dpi.y) / per_inch).round() as u32).max(7) | 1
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

/// Window of the local class means: 1/8 inch, like Sauvola's, holds a few
/// strokes and the paper between them at body-text sizes.
const WINDOW_PER_INCH: f32 = 8.0;
/// Where the threshold sits between the local paper mean (0) and the full
/// ink level (1). The true edge of a stroke, blurred by the optics, lies
/// half way to the level its core would reach unblurred; thin strokes never
/// reach it, so that level is estimated below the ink mean (next constant)
/// and the cut taken a little nearer the paper than half way.
const THRESHOLD_DEPTH: f64 = 0.4;
/// The full ink level is the local ink mean less this many of the ink
/// class's standard deviations: the spread of the ink class comes from the
/// blurred rims of strokes, so it grows just where the mean is too light.
const INK_SPREAD: f64 = 2.0;
/// Local ink must contrast with its paper by at least this share of the
/// page's own ink contrast. Show-through, stains and shadows are a fraction
/// of the page's ink (15–25% for bleed-through) and stay paper; on a page
/// whose ink is faded all over the page contrast is low, and so is the floor.
const CONTRAST_FLOOR: f64 = 0.4;
/// Below this many grey levels (about four times a scanner's noise) no
/// difference is ink, whatever the page.
const MIN_CONTRAST: f64 = 12.0;
/// Where fewer than 1/16 of a window's pixels are paper (inside a large
/// solid area), its paper mean is the page's.
const MIN_PAPER_SHARE: u64 = 16;

/// Local two-class means with a page contrast floor (`Method::Intermeans`).
///
/// 1. The page's ink and paper levels: the class means either side of
///    Otsu's global threshold. They give the page's ink contrast, and the
///    pixels below that threshold are the first guess at the ink.
/// 2. For each pixel, over a 1/8-inch window, the mean and spread of the
///    guessed ink and the mean of the rest (the paper); the pixel is ink
///    when it is darker than the cut [`THRESHOLD_DEPTH`] of the way from
///    the paper to the full ink level, and the window's ink contrast is at
///    least [`CONTRAST_FLOOR`] of the page's.
///
/// This is Ridler & Calvard's iterative intermeans ("Picture thresholding
/// using an iterative selection method", IEEE SMC 8, 1978) done once per
/// window, with Wolf & Jolion's normalisation by page-level statistics
/// (Wolf, Jolion & Chassaing, "Text localization, enhancement and
/// binarization in multimedia documents", ICPR 2002). Unlike Sauvola's
/// `m · (1 − k)` fallback, the cut follows the ink actually present: faint
/// strokes keep their full width when the whole page is faint, and strong
/// strokes are not drawn fat by a threshold close to the paper. Window sums
/// (Shafait et al. 2008) make the cost O(pixels).
///
/// The price of keeping show-through out: a window needs some pixels below
/// the page's Otsu split to hold ink at all, so marks much fainter than the
/// page's main ink (a light pencil note on a page of black print) stay paper.
fn intermeans(gray: &GrayImage, dpi: Dpi, pictures: &[Rect]) -> BitImage {
    match deblur(gray, pictures) {
        Some(sharp) => cut_between_means(&sharp, dpi, Cut::DEBLURRED),
        None => cut_between_means(gray, dpi, Cut::AS_SCANNED),
    }
}

/// Where [`cut_between_means`] sets its threshold.
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// Share of the way from the local paper to the full ink level.
    depth: f64,
    /// The full ink level is the local ink mean less this many of the ink
    /// class's standard deviations.
    spread: f64,
}

impl Cut {
    /// A page as scanned: [`THRESHOLD_DEPTH`] and [`INK_SPREAD`].
    const AS_SCANNED: Cut = Cut {
        depth: THRESHOLD_DEPTH,
        spread: INK_SPREAD,
    };
    /// A page after [`deblur`]: its strokes' cores are back near the full
    /// ink level and the ink class's spread is their overshoot, not blurred
    /// rims, so the full level is the ink mean itself and the cut lies a
    /// little nearer the paper than half way (measured over blurs of σ
    /// 0.8–1.6 px, 9–14 pt at 150–300 dpi: 0.40–0.55 are within 0.3 points
    /// of F-measure of each other; the old cut draws the strokes too thin).
    const DEBLURRED: Cut = Cut {
        depth: 0.45,
        spread: 0.0,
    };
}

/// [`intermeans`] on a page taken as it is, cut as `cut` says.
fn cut_between_means(gray: &GrayImage, dpi: Dpi, cut: Cut) -> BitImage {
    let (w, h) = gray.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let raw = gray.as_raw();
    let mut out = vec![PAPER; wu * hu];
    let done = |out: Vec<u8>| {
        BitImage::from_levels(GrayImage::from_raw(w, h, out).expect("buffer matches dimensions"))
    };
    let Some(cut) = PageCut::of(gray, cut) else {
        return done(out);
    };
    let lightest_ink = cut.lightest_joined();
    let half = (window_for(dpi, WINDOW_PER_INCH) / 2) as usize;
    let reach = ridge_reach(dpi);
    let row = |y: usize| &raw[y * wu..(y + 1) * wu];
    window_sums(
        (wu, hu),
        half,
        |y, sums| {
            for (s, &v) in sums.iter_mut().zip(row(y)) {
                *s = cut.sums(v);
            }
        },
        |y| row(y).iter().all(|&v| v > lightest_ink),
        |y, win| {
            let out_row = &mut out[y * wu..(y + 1) * wu];
            for (x, (&v, o)) in row(y).iter().zip(out_row.iter_mut()).enumerate() {
                if v > lightest_ink {
                    continue;
                }
                let (sums, n) = win.at(x);
                *o = match cut.class(v, sums, n) {
                    FAINT if !is_ridge(raw, (wu, hu), (x, y), reach, cut.ridge_margin(sums, n)) => {
                        PAPER
                    }
                    class => class,
                };
            }
        },
    );
    join_faint(&mut out, (wu, hu));
    done(out)
}

/// A pixel lighter than the cut but within [`JOINED_DEPTH`] of it, which is
/// ink only where it touches ink (see [`join_faint`]).
const FAINT: u8 = 128;

/// Share of the cut's depth down to which a pixel touching ink is ink too:
/// hysteresis (Canny 1986), as in Leptonica's two-threshold
/// `pixThresholdSpreadNorm` seeding. The thin parts of faded letters
/// (hairlines, serifs, the bowl of an "a") fall just short of the cut and,
/// cut alone, break away from their stems ("tıonal", "cultivaed"); joined
/// to the strokes they belong to they stay, while faint marks that touch
/// no ink (paper fibres, noise, show-through between the lines) stay paper.
const JOINED_DEPTH: f64 = 0.5;
/// Faint ink is joined only on a faded page, whose ink contrasts with its
/// paper by less than this many grey levels (after normalisation; black
/// print measures 150 and more, faded print 40 to 90). On a page of
/// strong print the thin strokes are well below the cut already, and
/// joining would only add noise and JPEG ripples beside the letters.
const FADED_CONTRAST: f64 = 110.0;

/// How far either side of a pixel [`is_ridge`] looks: a hairline's width
/// (2 pixels at 300 dpi, 1 at 150 and below).
fn ridge_reach(dpi: Dpi) -> usize {
    ((dpi.x.max(dpi.y) / 150.0).round() as usize).max(1)
}

/// Whether the pixel at `(x, y)` is darker than both pixels `reach` away
/// on either side, across one of the four directions: the middle of a
/// thin stroke, not the edge of a wide one (darker on one side, lighter on
/// the other). Only such pixels of faint ink are joined, so strong strokes
/// keep their width.
fn is_ridge(
    raw: &[u8],
    (wu, hu): (usize, usize),
    (x, y): (usize, usize),
    reach: usize,
    margin: f64,
) -> bool {
    let v = raw[y * wu + x];
    let at = |dx: isize, dy: isize| -> Option<u8> {
        let (xx, yy) = (x as isize + dx, y as isize + dy);
        ((0..wu as isize).contains(&xx) && (0..hu as isize).contains(&yy))
            .then(|| raw[yy as usize * wu + xx as usize])
    };
    let r = reach as isize;
    [(1, 0), (0, 1), (1, 1), (1, -1)].iter().any(|&(dx, dy)| {
        let lighter = |o: Option<u8>| o.is_none_or(|o| f64::from(o) >= f64::from(v) + margin);
        lighter(at(r * dx, r * dy)) && lighter(at(-r * dx, -r * dy))
    })
}

/// A faint pixel's neighbours across a thin stroke must be lighter than it
/// by this share of the window's full ink depth: noise along the edge of a
/// wide stroke makes small dips, the middle of a hairline a clear one.
const RIDGE_MARGIN: f64 = 0.3;

/// Resolve the [`FAINT`] pixels of `out`: those 8-connected, through other
/// faint pixels, to [`INK`] become ink; the rest paper.
fn join_faint(out: &mut [u8], (wu, hu): (usize, usize)) {
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..out.len() {
        if out[i] != INK {
            continue;
        }
        stack.push(i);
        while let Some(j) = stack.pop() {
            let (x, y) = (j % wu, j / wu);
            for yy in y.saturating_sub(1)..(y + 2).min(hu) {
                for xx in x.saturating_sub(1)..(x + 2).min(wu) {
                    let k = yy * wu + xx;
                    if out[k] == FAINT {
                        out[k] = INK;
                        stack.push(k);
                    }
                }
            }
        }
    }
    for v in out.iter_mut().filter(|v| **v == FAINT) {
        *v = PAPER;
    }
}

/// The page-level part of [`cut_between_means`]: where the first guess at
/// the ink ends, the page's paper level and the contrast floor.
struct PageCut {
    split: u8,
    paper: f64,
    floor: f64,
    cut: Cut,
    /// Share of the cut's depth down to which faint ink joins ink:
    /// [`JOINED_DEPTH`] on a faded page, 1 (no faint ink) on the rest.
    joined: f64,
}

impl PageCut {
    /// `None` when the page has no ink to tell from its paper: one level,
    /// or less contrast than [`MIN_CONTRAST`].
    fn of(gray: &GrayImage, cut: Cut) -> Option<Self> {
        let raw = gray.as_raw();
        if raw.is_empty() {
            return None;
        }
        let split = imageproc::contrast::otsu_level(gray);
        let page = PageLevels::split_at(raw, split)?;
        let page_contrast = page.paper - page.ink;
        if page_contrast < MIN_CONTRAST {
            return None;
        }
        Some(PageCut {
            split,
            paper: page.paper,
            floor: (CONTRAST_FLOOR * page_contrast).max(MIN_CONTRAST),
            cut,
            joined: if page_contrast < FADED_CONTRAST {
                JOINED_DEPTH
            } else {
                1.0
            },
        })
    }

    /// No cut lies above this (paper ≤ 255, full depth ≥ the floor, the
    /// shallower cut of faint ink [`JOINED_DEPTH`] of it): pixels lighter
    /// than it are paper without looking at their window, which skips most
    /// of a page's noise and show-through.
    fn lightest_joined(&self) -> u8 {
        (255.0 - self.joined * self.cut.depth * self.floor).floor() as u8
    }

    /// A pixel's share of its windows' [`Sums`]: its level, and whether it
    /// is guessed ink, with that ink's level and squared level.
    #[inline]
    fn sums(&self, v: u8) -> Sums {
        let (v, m) = (u32::from(v), u32::from(v <= self.split));
        [v, m, m * v, m * v * v]
    }

    /// A pixel's class from its window's sums: [`INK`] below the cut,
    /// [`FAINT`] below the shallower cut of [`JOINED_DEPTH`], else
    /// [`PAPER`].
    #[inline]
    fn class(&self, v: u8, sums: [u64; 4], n: u64) -> u8 {
        let Some((paper, full)) = self.cut_depth(sums, n) else {
            return PAPER;
        };
        let v = f64::from(v);
        if v <= paper - self.cut.depth * full {
            INK
        } else if v <= paper - self.joined * self.cut.depth * full {
            FAINT
        } else {
            PAPER
        }
    }

    /// How much lighter than a faint pixel its neighbours across a thin
    /// stroke must be ([`is_ridge`]).
    fn ridge_margin(&self, sums: [u64; 4], n: u64) -> f64 {
        self.cut_depth(sums, n)
            .map_or(0.0, |(_, full)| RIDGE_MARGIN * full)
    }

    /// The window's paper level and full ink depth below it, from the sums
    /// of [`Self::sums`] over its `n` pixels; `None` where the window holds
    /// no ink, or too little contrast for any.
    #[inline]
    fn cut_depth(&self, [sum, n_ink, sum_ink, sq_ink]: [u64; 4], n: u64) -> Option<(f64, f64)> {
        if n_ink == 0 {
            return None; // no ink near: paper
        }
        let ni = n_ink as f64;
        let ink = sum_ink as f64 / ni;
        let n_paper = n - n_ink;
        let paper = if n_paper * MIN_PAPER_SHARE < n {
            self.paper
        } else {
            (sum - sum_ink) as f64 / n_paper as f64
        };
        if paper - ink < self.floor {
            return None;
        }
        let spread = (sq_ink as f64 / ni - ink * ink).max(0.0).sqrt();
        Some((paper, paper - (ink - self.cut.spread * spread)))
    }
}

/// Edge width (pixels) up to which a page counts as sharp. Measured by
/// [`edge_width`], a step blurred by a Gaussian of σ px is about 2.65·σ
/// wide once σ passes a pixel; below that the two-pixel central difference
/// dominates, and scans at 150–300 dpi with ordinary focus measure 1.5–1.9.
/// The intermeans cut is made for those; a phone photo in soft focus
/// (σ ≈ 1 px) measures 2.3 and more.
const SHARP_EDGE_WIDTH: f64 = 2.0;
/// [`edge_width`] of an unblurred, anti-aliased edge, and its growth per
/// pixel of Gaussian blur σ: measured on generated pages (DejaVu Serif
/// 9–14 pt at 150–300 dpi, σ 0.8–1.6 px) the width follows
/// `w² = w₀² + (b·σ)²` within 0.05 px. `b` is below the √(2π) ≈ 2.5 of a
/// full step because the width is taken against the page's class means,
/// about 0.7 of the full ink contrast on a page of text.
const UNBLURRED_EDGE_WIDTH: f64 = 1.27;
const EDGE_WIDTH_PER_SIGMA: f64 = 1.78;
/// Richardson–Lucy iterations per σ² (px²): restoring a wider blur takes
/// more of them, about in proportion to σ² (best over the pages above:
/// 12–14 at σ 1, 25–35 at σ 1.6; fewer leave the strokes soft, more
/// amplify noise and JPEG blocks).
const ITERATIONS_PER_SIGMA_SQ: f64 = 14.0;
/// At most this many iterations, whatever the blur (σ 1.7 px and beyond):
/// bounds the cost on a page of unreadable blur.
const MAX_ITERATIONS: usize = 40;
/// Mid-tones, for the edge width, lie within this share of the page's ink
/// contrast either side of half way: clear of paper noise and ink noise.
const MID_TONE_BAND: f64 = 0.25;
/// Mid-tone pixels whose gradient would make an edge wider than this are
/// shading, stains or photographs, not the edge of a printed stroke.
const MAX_EDGE_WIDTH: f64 = 8.0;
/// Edge width histogram bins per pixel.
const WIDTH_BINS: usize = 16;

/// Deconvolve a page whose strokes are blurred well beyond a sharp scan's
/// (soft focus on phone photos, worn scanner optics); `None` when the page
/// is sharp enough as it is.
///
/// A blurred stroke's grey profile no longer tells its true width: thin
/// strokes never reach the full ink level, so any cut between the local
/// ink and paper means draws them too wide or loses them, and no single
/// threshold of the blurred page recovers the sharp one (on a phone page
/// blurred by σ 1.1 px the best scores F 88 against the clean render).
/// The blur is taken as Gaussian with the σ its edges measure (see
/// [`edge_width`], [`UNBLURRED_EDGE_WIDTH`]) and undone by Richardson–Lucy
/// iterations ([`super::deconvolve`]); sharp pages are left as they are.
/// Unsharp masking, used before, steepens the edges but cannot refill the
/// cores of thin strokes: 3 points of F-measure less at σ 1.1 px, 7 at 1.6.
///
/// `pictures` are measured and deconvolved as paper, and come back as
/// they were.
fn deblur(gray: &GrayImage, pictures: &[Rect]) -> Option<GrayImage> {
    let print = if pictures.is_empty() {
        Cow::Borrowed(gray)
    } else {
        let mut print = gray.clone();
        for r in pictures {
            fill(&mut print, r, |_, _| 255);
        }
        Cow::Owned(print)
    };
    let width = edge_width(&print)?;
    if width <= SHARP_EDGE_WIDTH {
        return None;
    }
    let sigma =
        (width * width - UNBLURRED_EDGE_WIDTH * UNBLURRED_EDGE_WIDTH).sqrt() / EDGE_WIDTH_PER_SIGMA;
    let iterations =
        ((ITERATIONS_PER_SIGMA_SQ * sigma * sigma).round() as usize).clamp(1, MAX_ITERATIONS);
    let mut sharp = super::deconvolve::richardson_lucy(&print, sigma as f32, iterations);
    for r in pictures {
        fill(&mut sharp, r, |x, y| gray.get_pixel(x, y)[0]);
    }
    Some(sharp)
}

/// Set the pixels of `r` (clipped to the image) to `level(x, y)`.
fn fill(img: &mut GrayImage, r: &Rect, level: impl Fn(u32, u32) -> u8) {
    let (w, h) = img.dimensions();
    for y in r.y0..r.y1.min(h) {
        for x in r.x0..r.x1.min(w) {
            img.put_pixel(x, y, image::Luma([level(x, y)]));
        }
    }
}

/// The page's edge width in pixels: the median, over mid-tone pixels, of
/// the page's ink contrast divided by the local gradient — the distance
/// the grey would take to go from ink to paper at that slope. This is
/// Marziliano et al.'s edge-width blur measure ("A no-reference perceptual
/// blur metric", ICIP 2002) in gradient form, which needs no edge tracing
/// and tolerates noise: the median ignores the few noisy and shaded pixels.
/// `None` on a page without ink contrast or mid-tones.
fn edge_width(gray: &GrayImage) -> Option<f64> {
    let (wu, hu) = (gray.width() as usize, gray.height() as usize);
    if wu < 3 || hu < 3 {
        return None;
    }
    let raw = gray.as_raw();
    let page = PageLevels::split_at(raw, imageproc::contrast::otsu_level(gray))?;
    let contrast = page.paper - page.ink;
    if contrast < MIN_CONTRAST {
        return None;
    }
    let mid = page.ink + 0.5 * contrast;
    let band = MID_TONE_BAND * contrast;
    let mut hist = vec![0u64; MAX_EDGE_WIDTH as usize * WIDTH_BINS];
    let at = |x: usize, y: usize| f64::from(raw[y * wu + x]);
    for y in 1..hu - 1 {
        for x in 1..wu - 1 {
            if (at(x, y) - mid).abs() > band {
                continue;
            }
            let gx = (at(x + 1, y) - at(x - 1, y)) / 2.0;
            let gy = (at(x, y + 1) - at(x, y - 1)) / 2.0;
            let slope = (gx * gx + gy * gy).sqrt();
            if slope * MAX_EDGE_WIDTH <= contrast {
                continue;
            }
            hist[(contrast / slope * WIDTH_BINS as f64) as usize] += 1;
        }
    }
    let n: u64 = hist.iter().sum();
    let mut seen = 0;
    let median = hist.iter().position(|&k| {
        seen += k;
        2 * seen >= n
    });
    median
        .filter(|_| n > 0)
        .map(|i| (i as f64 + 0.5) / WIDTH_BINS as f64)
}

/// Mean levels either side of a global threshold.
struct PageLevels {
    ink: f64,
    paper: f64,
}

impl PageLevels {
    /// `None` when one side is empty.
    fn split_at(raw: &[u8], split: u8) -> Option<Self> {
        let mut hist = [0u64; 256];
        raw.iter().for_each(|&v| hist[v as usize] += 1);
        let mean = |levels: std::ops::RangeInclusive<usize>| {
            let (n, s) = levels.fold((0u64, 0u64), |(n, s), v| {
                (n + hist[v], s + hist[v] * v as u64)
            });
            (n > 0).then(|| s as f64 / n as f64)
        };
        Some(PageLevels {
            ink: mean(0..=split as usize)?,
            paper: mean(split as usize + 1..=255)?,
        })
    }
}

/// Per-pixel quantities summed over windows.
type Sums = [u32; 4];

/// One row's window sums: prefixes over the row of the column sums.
struct WindowRow<'a> {
    pre: &'a [[u64; 4]],
    half: usize,
    rows: u64,
}

impl WindowRow<'_> {
    /// Sums over the window centred on column `x`, and its pixel count.
    #[inline]
    fn at(&self, x: usize) -> ([u64; 4], u64) {
        let (x0, x1) = (
            x.saturating_sub(self.half),
            (x + self.half + 1).min(self.pre.len() - 1),
        );
        let (a, b) = (self.pre[x0], self.pre[x1]);
        (
            [b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3]],
            self.rows * (x1 - x0) as u64,
        )
    }
}

/// Window sums of [`Sums`] for every pixel, one row at a time, in O(1) per
/// pixel: per-column sums slid down the page, then a prefix over each row.
/// `fill(y, row)` writes row `y`'s per-pixel quantities; `visit(y, win)`
/// gets the window sums of row `y`. Rows for which `skip(y)` holds are not
/// visited, which saves their prefix.
fn window_sums(
    (wu, hu): (usize, usize),
    half: usize,
    fill: impl Fn(usize, &mut [Sums]),
    skip: impl Fn(usize) -> bool,
    mut visit: impl FnMut(usize, &WindowRow),
) {
    let mut col = vec![[0u32; 4]; wu];
    let mut vals = vec![[0u32; 4]; wu];
    let mut pre = vec![[0u64; 4]; wu + 1];
    let mut slide = |col: &mut [Sums], y: usize, add: bool| {
        fill(y, &mut vals);
        for (c, v) in col.iter_mut().zip(&vals) {
            for k in 0..4 {
                c[k] = if add { c[k] + v[k] } else { c[k] - v[k] };
            }
        }
    };
    for y in 0..half.min(hu) {
        slide(&mut col, y, true);
    }
    for y in 0..hu {
        if y + half < hu {
            slide(&mut col, y + half, true);
        }
        if y > half {
            slide(&mut col, y - half - 1, false);
        }
        if skip(y) {
            continue;
        }
        for x in 0..wu {
            for k in 0..4 {
                pre[x + 1][k] = pre[x][k] + u64::from(col[x][k]);
            }
        }
        let rows = ((y + half + 1).min(hu) - y.saturating_sub(half)) as u64;
        visit(
            y,
            &WindowRow {
                pre: &pre,
                half,
                rows,
            },
        );
    }
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

    /// Horizontal strokes three pixels thick, `gap` apart, at `ink` on `paper`,
    /// in rows `rows` of a 200 × 200 page.
    fn strokes(img: &mut GrayImage, rows: std::ops::Range<u32>, gap: u32, ink: u8) -> usize {
        let mut n = 0;
        for y in rows.filter(|y| y % gap < 3) {
            for x in 40..160 {
                img.put_pixel(x, y, image::Luma([ink]));
                n += 1;
            }
        }
        n
    }

    #[test]
    fn faint_strokes_on_a_faded_page_are_ink() {
        // Ink at 11% contrast over the whole page (after normalisation).
        let mut img = GrayImage::from_pixel(200, 200, image::Luma([255]));
        let n = strokes(&mut img, 20..180, 12, 228);
        let dpi = Dpi::uniform(300.0);
        let bits = binarize(&img, dpi, Method::Intermeans);
        assert_eq!(bits.ink_count(), n);
        assert!(bits.is_ink(100, 24) && !bits.is_ink(100, 30));
        // Sauvola's threshold falls below them: m · (1 − k) with s small.
        assert!(binarize(&img, dpi, Method::Sauvola).ink_count() < n / 10);
    }

    #[test]
    fn bleed_through_beside_strong_ink_stays_paper() {
        // Strong ink above, show-through at 18% of its contrast below and
        // in the gaps between the strong strokes.
        let mut img = GrayImage::from_pixel(200, 200, image::Luma([255]));
        strokes(&mut img, 100..190, 10, 215);
        strokes(&mut img, 26..100, 12, 215);
        let n = strokes(&mut img, 20..100, 12, 30);
        let bits = binarize(&img, Dpi::uniform(300.0), Method::Intermeans);
        assert_eq!(bits.ink_count(), n);
        assert!(bits.is_ink(100, 24) && !bits.is_ink(100, 150));
    }

    #[test]
    fn a_blurred_stroke_is_cut_near_half_way() {
        // A vertical stroke blurred into ramps of ten pixels each side:
        // Sauvola's threshold, close to the paper beside a thin stroke,
        // takes most of each ramp; the cut here falls about half way
        // (level 142, reached between x = 104 and 105).
        let img = GrayImage::from_fn(200, 200, |x, _| {
            let v = match x {
                100..110 => 255 - (x - 99) * 22,
                110..113 => 30,
                113..123 => 255 - (122 - x) * 22,
                _ => 255,
            };
            image::Luma([v as u8])
        });
        let dpi = Dpi::uniform(300.0);
        let first_ink = |bits: BitImage| (90..112).find(|&x| bits.is_ink(x, 100)).unwrap();
        let ink_from = |m| first_ink(binarize(&img, dpi, m));
        // The cut alone: these linear ramps measure blurred, and their
        // deconvolution (made for a Gaussian blur) is not the point here.
        let cut = first_ink(cut_between_means(&img, dpi, Cut::AS_SCANNED));
        assert!((103..=105).contains(&cut), "cut at {cut}");
        let sauvola = ink_from(Method::Sauvola);
        assert!(sauvola < cut, "Sauvola from {sauvola}, here from {cut}");
    }

    /// Vertical strokes `width` pixels wide every 24.3 pixels (so their
    /// edges fall at all sub-pixel phases, as on a scan), ink 30 on paper
    /// 255, blurred by a Gaussian of `sigma` pixels.
    fn blurred_strokes(width: u32, sigma: f32) -> GrayImage {
        let img = GrayImage::from_fn(240, 200, |x, _| {
            let coverage: f32 = (0..8)
                .map(|i| {
                    let left = 24.0 + 24.3 * i as f32;
                    let (a, b) = (
                        left.max(x as f32),
                        (left + width as f32).min(x as f32 + 1.0),
                    );
                    (b - a).max(0.0)
                })
                .sum();
            image::Luma([(255.0 - 225.0 * coverage).round() as u8])
        });
        imageproc::filter::gaussian_blur_f32(&img, sigma)
    }

    /// Mean ink run across the strokes, over the middle rows.
    fn mean_stroke_width(bits: &BitImage) -> f64 {
        let (mut ink, mut runs) = (0, 0);
        for y in 50..150 {
            let mut was_ink = false;
            for x in 0..240 {
                let is = bits.is_ink(x, y);
                ink += usize::from(is);
                runs += usize::from(is && !was_ink);
                was_ink = is;
            }
        }
        ink as f64 / runs.max(1) as f64
    }

    #[test]
    fn edge_width_follows_the_blur() {
        let sharp = edge_width(&blurred_strokes(3, 0.6)).unwrap();
        let soft = edge_width(&blurred_strokes(3, 1.4)).unwrap();
        assert!(sharp < SHARP_EDGE_WIDTH, "sharp edges {sharp} px");
        assert!(soft > SHARP_EDGE_WIDTH, "soft edges {soft} px");
        assert!(deblur(&blurred_strokes(3, 0.6), &[]).is_none());
        assert!(deblur(&blurred_strokes(3, 1.4), &[]).is_some());
    }

    #[test]
    fn a_soft_photograph_beside_sharp_print_is_not_deconvolved() {
        // Sharp strokes on the left, a soft-edged "photo" (strokes blurred
        // by σ 2 px) on the right: the photo alone measures blurred.
        let sharp = blurred_strokes(3, 0.6);
        let soft = blurred_strokes(3, 2.0);
        let (w, h) = sharp.dimensions();
        let page = GrayImage::from_fn(2 * w, h, |x, y| {
            if x < w {
                *sharp.get_pixel(x, y)
            } else {
                *soft.get_pixel(x - w, y)
            }
        });
        let photo = Rect {
            x0: w,
            y0: 0,
            x1: 2 * w,
            y1: h,
        };
        assert!(
            deblur(&soft, &[]).is_some(),
            "the photo alone measures blurred"
        );
        assert!(deblur(&page, &[photo]).is_none(), "the print is sharp");
        // On a blurred page the photo comes back as it was.
        let blurred = blurred_strokes(3, 1.4);
        let page = GrayImage::from_fn(2 * w, h, |x, y| {
            if x < w {
                *blurred.get_pixel(x, y)
            } else {
                *soft.get_pixel(x - w, y)
            }
        });
        let out = deblur(&page, &[photo]).expect("blurred print");
        assert!((w..2 * w).all(|x| (0..h).all(|y| out.get_pixel(x, y) == page.get_pixel(x, y))));
        assert_ne!(
            image::imageops::crop_imm(&out, 0, 0, w, h).to_image(),
            blurred
        );
    }

    #[test]
    fn a_soft_focus_stroke_is_cut_close_to_its_true_width() {
        // Three-pixel strokes blurred by σ = 1.4 px (a phone photo's soft
        // focus): cut as they are they come out about two pixels too wide.
        let img = blurred_strokes(3, 1.4);
        let dpi = Dpi::uniform(200.0);
        let plain = mean_stroke_width(&cut_between_means(&img, dpi, Cut::AS_SCANNED));
        let got = mean_stroke_width(&binarize(&img, dpi, Method::Intermeans));
        assert!((got - 3.0).abs() <= 0.75, "width {got}, {plain} as blurred");
        assert!((got - 3.0).abs() < (plain - 3.0).abs(), "{got} vs {plain}");
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

/// The window sums, and the shortcuts past pure paper, against sums taken
/// pixel by pixel over each window.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use proptest::prelude::*;

    /// The pixels of the window of half-side `half` around (`x`, `y`),
    /// clipped to the image: the border rule of every windowed stage here.
    fn window(
        (w, h): (usize, usize),
        half: usize,
        x: usize,
        y: usize,
    ) -> impl Iterator<Item = (usize, usize)> {
        let ys = y.saturating_sub(half)..(y + half + 1).min(h);
        ys.flat_map(move |yy| {
            (x.saturating_sub(half)..(x + half + 1).min(w)).map(move |xx| (xx, yy))
        })
    }

    /// Sauvola's threshold at every pixel, straight from the formula.
    fn sauvola_naive(gray: &GrayImage, window_px: u32, k: f64) -> BitImage {
        let (w, h) = (gray.width() as usize, gray.height() as usize);
        let raw = gray.as_raw();
        let data = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let (mut sum, mut sq, mut n) = (0u64, 0u64, 0u64);
                for (xx, yy) in window((w, h), window_px as usize / 2, x, y) {
                    let v = u64::from(raw[yy * w + xx]);
                    (sum, sq, n) = (sum + v, sq + v * v, n + 1);
                }
                let n = n as f64;
                let (mean, sq) = (sum as f64 / n, sq as f64 / n);
                let sd = (sq - mean * mean).max(0.0).sqrt();
                let t = mean * (1.0 + k * (sd / R - 1.0));
                if f64::from(raw[i]) <= t { INK } else { PAPER }
            })
            .collect();
        BitImage::from_levels(GrayImage::from_raw(w as u32, h as u32, data).unwrap())
    }

    /// The intermeans cut at every pixel, from sums over its window.
    fn intermeans_naive(gray: &GrayImage, dpi: Dpi, cut: Cut) -> BitImage {
        let (w, h) = (gray.width() as usize, gray.height() as usize);
        let raw = gray.as_raw();
        let half = (window_for(dpi, WINDOW_PER_INCH) / 2) as usize;
        let cut = PageCut::of(gray, cut);
        let reach = ridge_reach(dpi);
        let mut data: Vec<u8> = (0..w * h)
            .map(|i| {
                let Some(cut) = &cut else { return PAPER };
                let (mut sums, mut n) = ([0u64; 4], 0u64);
                for (xx, yy) in window((w, h), half, i % w, i / w) {
                    let s = cut.sums(raw[yy * w + xx]);
                    (0..4).for_each(|k| sums[k] += u64::from(s[k]));
                    n += 1;
                }
                match cut.class(raw[i], sums, n) {
                    FAINT
                        if !is_ridge(
                            raw,
                            (w, h),
                            (i % w, i / w),
                            reach,
                            cut.ridge_margin(sums, n),
                        ) =>
                    {
                        PAPER
                    }
                    class => class,
                }
            })
            .collect();
        join_faint(&mut data, (w, h));
        BitImage::from_levels(GrayImage::from_raw(w as u32, h as u32, data).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Sliding column sums and row prefixes, and the rows and pixels
        /// of pure paper skipped, give Sauvola's threshold exactly (for
        /// k > 0, where paper at 255 is never below it).
        #[test]
        fn sauvola_matches_the_formula(
            gray in testing::gray(),
            half in 0u32..=24,
            k in 0.01f64..=1.0,
        ) {
            let window_px = 2 * half + 1;
            prop_assert_eq!(sauvola(&gray, window_px, k), sauvola_naive(&gray, window_px, k));
        }

        /// The intermeans cut with window sums and the shortcut past
        /// pixels lighter than any cut equals the cut taken pixel by pixel.
        #[test]
        fn intermeans_cut_matches_direct_sums(
            gray in testing::gray(),
            dpi in 20f32..=400.0,
            deblurred in any::<bool>(),
        ) {
            let dpi = Dpi::uniform(dpi);
            let cut = if deblurred { Cut::DEBLURRED } else { Cut::AS_SCANNED };
            prop_assert_eq!(cut_between_means(&gray, dpi, cut), intermeans_naive(&gray, dpi, cut));
        }

        /// No window makes a pixel lighter than [`PageCut::lightest_joined`]
        /// ink, so skipping those pixels unseen changes nothing. Windows
        /// of pixels at a paper and an ink level (often pure white), and
        /// the pixel itself.
        #[test]
        fn no_cut_lies_above_the_lightest_ink(
            (split, paper_above, floor) in (0u8..=254, 0f64..=1.0, MIN_CONTRAST..=255.0),
            (paper, n_paper) in (prop_oneof![Just(255u8), any::<u8>()], 0u64..60),
            (ink, n_ink) in (any::<u8>(), 0u64..60),
            v in any::<u8>(),
            deblurred in any::<bool>(),
            faded in any::<bool>(),
        ) {
            let split_f = f64::from(split);
            let kind = if deblurred { Cut::DEBLURRED } else { Cut::AS_SCANNED };
            let cut = PageCut {
                split,
                paper: split_f + 1.0 + paper_above * (254.0 - split_f),
                floor,
                cut: kind,
                joined: if faded { JOINED_DEPTH } else { 1.0 },
            };
            let mut sums = [0u64; 4];
            for (level, count) in [(paper, n_paper), (ink, n_ink), (v, 1)] {
                let s = cut.sums(level);
                (0..4).for_each(|k| sums[k] += count * u64::from(s[k]));
            }
            let n = n_paper + n_ink + 1;
            if v > cut.lightest_joined() {
                prop_assert_eq!(cut.class(v, sums, n), PAPER, "{} is ink, lightest {}", v, cut.lightest_joined());
            }
        }

        /// `window_sums` hands every row not skipped, in order, the sums
        /// over each pixel's clipped window and its pixel count.
        #[test]
        fn window_sums_are_the_sums_over_each_window(
            ((w, h), vals, skipped) in testing::dims().prop_flat_map(|(w, h)| {
                let n = (w * h) as usize;
                (
                    Just((w as usize, h as usize)),
                    proptest::collection::vec(any::<[u8; 4]>(), n),
                    proptest::collection::vec(any::<bool>(), h as usize),
                )
            }),
            half in 0usize..=45,
        ) {
            let mut seen = Vec::new();
            window_sums(
                (w, h),
                half,
                |y, row| {
                    for (s, v) in row.iter_mut().zip(&vals[y * w..(y + 1) * w]) {
                        *s = v.map(u32::from);
                    }
                },
                |y| skipped[y],
                |y, win| seen.push((y, (0..w).map(|x| win.at(x)).collect::<Vec<_>>())),
            );
            let expected: Vec<_> = (0..h)
                .filter(|&y| !skipped[y])
                .map(|y| {
                    let at = (0..w)
                        .map(|x| {
                            let (mut sums, mut n) = ([0u64; 4], 0u64);
                            for (xx, yy) in window((w, h), half, x, y) {
                                (0..4).for_each(|k| sums[k] += u64::from(vals[yy * w + xx][k]));
                                n += 1;
                            }
                            (sums, n)
                        })
                        .collect::<Vec<_>>();
                    (y, at)
                })
                .collect();
            prop_assert_eq!(seen, expected);
        }

        /// The page levels from the histogram are the plain means of the
        /// pixels either side of the split.
        #[test]
        fn page_levels_are_the_means_either_side(gray in testing::gray(), split in any::<u8>()) {
            let (ink, paper): (Vec<u8>, Vec<u8>) = gray.as_raw().iter().partition(|&&v| v <= split);
            let mean = |v: &[u8]| {
                (!v.is_empty()).then(|| v.iter().map(|&p| u64::from(p)).sum::<u64>() as f64 / v.len() as f64)
            };
            let got = PageLevels::split_at(gray.as_raw(), split).map(|p| (p.ink, p.paper));
            prop_assert_eq!(got, mean(&ink).zip(mean(&paper)));
        }
    }
}
