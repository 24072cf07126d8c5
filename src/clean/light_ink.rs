//! Light ink: text and lines in yellow (and other light, saturated
//! colours) that a threshold on luma cannot see.
//!
//! Luma weighs blue at 11 %, so printed yellow (255, 222, 0) has luma 206,
//! as light as a pale stain: the bilevel page and the grey page OCR reads
//! lose it. The darkest channel says what luma hides. A pixel's *hidden
//! ink* is how much darker its darkest channel makes it than its luma does:
//! `0.6 · (255 − min(r, g, b)) − (255 − luma)`, high for light saturated
//! colours (yellow, light green, cyan) and zero or less for black, grey,
//! red or blue ink, which the threshold finds already.
//!
//! On the white-balanced page, pixels with hidden ink of at least
//! [`THRESHOLD`] are candidates, and their 8-connected components are kept
//! when they are strokes, not areas: letters and lines are thin, so little
//! of them survives an erosion by [`STROKE_IN`]; a highlighter band or a
//! yellow box does survive it, and stays out (the colour layers keep
//! those in tone). Nothing here is a new classifier: it is the same
//! threshold-and-components reading of a page, on the channel that shows
//! the ink.

use super::bits::{BitImage, INK};
use super::colour::PaperBalance;
use super::components::{Labels, Run};
use super::mask::Mask;
use crate::input::Dpi;
use crate::rect::Rect;
use image::{GrayImage, RgbImage};

/// Hidden ink (see the module doc) that makes a pixel a candidate: printed
/// yellow has about 100, a cream or yellowish paper after white balance
/// under 10, the same paper before it up to about 25.
const THRESHOLD: i32 = 40;
/// Half the stroke width, in inches, beyond which a component is an area:
/// 0.02 in is 6 px at 300 dpi, thicker than the strokes of bold 24-pt type.
const STROKE_IN: f32 = 0.02;
/// A component is an area when more than this share of it survives the
/// erosion by [`STROKE_IN`].
const AREA_SHARE: f32 = 0.3;
/// Smallest component kept, in inches on a side (a period of 8-pt type).
const MIN_SIDE_IN: f32 = 0.008;
/// Pages with fewer candidate pixels than this share (in a sample of every
/// other pixel of every other row) are not searched.
const MIN_SHARE: f32 = 2e-4;
/// Luma from which coloured ink counts as light (darker ink, as red or
/// blue print, is found by the threshold whole).
const LIGHT_LUMA: i32 = 140;
/// How much darker than its surroundings a light coloured ink's darkest
/// channel is (light blue (110, 175, 235) on paper: 145 less the share of
/// paper around a stroke; a tinted box: about 0).
const COLOURED_DARK: i32 = 60;
/// How far apart a light coloured ink's channels lie (light blue 125, pale
/// red 115, a tinted box after white balance under 40).
const COLOURED_SPREAD: i32 = 40;
/// Largest component kept, in inches on either side (capitals of 60-pt
/// type): longer thin marks are rules or the edge of a tint, kept in tone
/// by the colour layers.
const MAX_SIDE_IN: f32 = 0.8;
/// Mean grey level around a light-ink pixel from which it is darkened in
/// the page OCR reads: on a dark ground (yellow letters on a dark blue
/// banner) the letters are already light on dark, which OCR reads as they
/// are, and darkening them would hide them.
const LIGHT_GROUND: u8 = 128;
/// Half the side of the window that measures a light-ink pixel's ground,
/// in inches: wider than the strokes of bold display type.
const GROUND_IN: f32 = 0.1;
/// Half the side of the window that measures a pixel's surroundings, in
/// inches (9 px at 300 dpi: a few stroke widths).
const AROUND_IN: f32 = 0.03;

/// Whether a pixel (white-balanced) is light ink: hidden ink of at least
/// [`THRESHOLD`], or a light but clearly coloured ink (light blue, pale
/// red, green) that the luma threshold finds only faint and breaks up:
/// luma lighter than [`LIGHT_LUMA`], its darkest channel at least
/// [`COLOURED_DARK`] darker than `around` (the mean darkness of that
/// channel nearby: a tinted box is as dark as its surroundings, a stroke
/// on it is not) and its channels [`COLOURED_SPREAD`] apart.
fn candidate(p: [u8; 3], around: u8) -> bool {
    match class(p) {
        Class::Ink => true,
        Class::IfLighterAround => {
            255 - i32::from(p[0].min(p[1]).min(p[2])) - i32::from(around) >= COLOURED_DARK
        }
        Class::Paper => false,
    }
}

/// What [`candidate`] says of a pixel before its surroundings are known.
enum Class {
    /// Hidden ink of at least [`THRESHOLD`]: a candidate wherever it is.
    Ink,
    /// Light and clearly coloured: a candidate if darker than around it.
    IfLighterAround,
    /// Not a candidate.
    Paper,
}

fn class(p: [u8; 3]) -> Class {
    let [r, g, b] = p.map(i32::from);
    let (lo, hi) = (r.min(g).min(b), r.max(g).max(b));
    let luma = (299 * r + 587 * g + 114 * b) / 1000;
    if hidden(p) >= THRESHOLD {
        Class::Ink
    } else if luma >= LIGHT_LUMA && 255 - lo >= COLOURED_DARK && hi - lo >= COLOURED_SPREAD {
        Class::IfLighterAround
    } else {
        Class::Paper
    }
}

/// Hidden ink of one pixel (see the module doc); negative when none.
fn hidden(p: [u8; 3]) -> i32 {
    let [r, g, b] = p.map(i32::from);
    let luma = (299 * r + 587 * g + 114 * b) / 1000;
    6 * (255 - r.min(g).min(b)) / 10 - (255 - luma)
}

/// Whether `rgb` (as decoded, balanced by its paper colour only) may hold
/// light ink: a quick sample, so pages without any skip the search. A
/// yellowed sheet is not yellow ink.
pub(crate) fn may_have(rgb: &RgbImage) -> bool {
    let (mut seen, mut hits) = (0u64, 0u64);
    for p in PaperBalance::of(rgb).samples(rgb) {
        seen += 1;
        hits += u64::from(candidate(p, 0));
    }
    seen > 0 && hits as f32 >= MIN_SHARE * seen as f32
}

/// Light ink found on `colour` (white-balanced, deskewed: aligned with
/// `bits`, the ink the threshold found), as runs of pixels; `None` when
/// there is none. Ink already in `bits` is left out, so a light stroke
/// that the threshold found in pieces gets only its gaps. The candidates
/// are held a bit a pixel and the result as runs: this runs beside the
/// colour page, the grey page and `bits`, at a colour page's memory peak.
pub(crate) fn find(colour: &RgbImage, bits: &BitImage, dpi: Dpi) -> Option<LightInk> {
    let (w, h) = colour.dimensions();
    let res = dpi.x.max(dpi.y);
    let (wu, hu) = (w as usize, h as usize);
    let mut cand = Mask::new(w, h);
    let mut any = false;
    // Rows holding a pixel that is a candidate only if its surroundings
    // say so (a light coloured ink): its darkest channel's mean nearby is
    // measured only in bands around those rows.
    let mut needs_around = vec![false; hu];
    let rows = colour
        .as_raw()
        .chunks_exact(3 * wu)
        .zip(bits.as_gray().as_raw().chunks_exact(wu));
    for (y, (src, ink)) in rows.enumerate() {
        for (x, (p, &b)) in src.chunks_exact(3).zip(ink).enumerate() {
            if b == INK {
                continue;
            }
            match class([p[0], p[1], p[2]]) {
                Class::Ink => {
                    cand.set(x as u32, y as u32);
                    any = true;
                }
                Class::IfLighterAround => needs_around[y] = true,
                Class::Paper => {}
            }
        }
    }
    let reach = (AROUND_IN * res).round().max(1.0) as usize;
    let rows_needing = (0..hu).filter(|&y| needs_around[y]).map(|y| (y, y + 1));
    for (b0, b1) in merge_spans(rows_needing, reach, hu) {
        let dark: Vec<u8> = colour.as_raw()[3 * b0 * wu..3 * b1 * wu]
            .chunks_exact(3)
            .map(|p| 255 - p[0].min(p[1]).min(p[2]))
            .collect();
        let mut around = GrayImage::from_raw(w, (b1 - b0) as u32, dark).expect("band size");
        super::boxmean::box_mean_in_place(&mut around, reach as u32);
        for y in inner_rows(b0, b1, reach, hu).filter(|&y| needs_around[y]) {
            let src = &colour.as_raw()[3 * y * wu..3 * (y + 1) * wu];
            let ink = bits.row(y as u32);
            let near = &around.as_raw()[(y - b0) * wu..(y - b0 + 1) * wu];
            for (x, ((p, &b), &a)) in src.chunks_exact(3).zip(ink).zip(near).enumerate() {
                if b != INK && candidate([p[0], p[1], p[2]], a) {
                    cand.set(x as u32, y as u32);
                    any = true;
                }
            }
        }
    }
    if !any {
        return None;
    }
    let mut runs = Vec::new();
    let mut row_start = Vec::with_capacity(hu + 1);
    for y in 0..h {
        row_start.push(runs.len());
        runs.extend(cand.row_runs(y).map(|(x0, x1)| Run { x0, x1 }));
    }
    row_start.push(runs.len());
    let labels = Labels::of_runs(runs, row_start);
    let min_side = (MIN_SIDE_IN * res).max(1.0) as u32;
    let sized = |c: &super::components::Comp| {
        let side = c.rect.width().max(c.rect.height());
        side >= min_side && side as f32 <= MAX_SIDE_IN * res
    };
    // Ink that survives an erosion, counted per component: eroded only in
    // bands of rows around the components of a letter's size (the rest of
    // a page is mostly without candidates).
    let r = (STROKE_IN * res).round().clamp(1.0, 255.0) as usize;
    let mut inner = vec![0u32; labels.comps.len()];
    let sized_rows = labels
        .comps
        .iter()
        .filter(|c| sized(c))
        .map(|c| (c.rect.y0 as usize, c.rect.y1 as usize));
    for (b0, b1) in merge_spans(sized_rows, r, h as usize) {
        let mut mask = vec![0u8; (b1 - b0) * wu];
        for (y, row) in (b0..b1).zip(mask.chunks_exact_mut(wu)) {
            for (x0, x1) in cand.row_runs(y as u32) {
                row[x0 as usize..x1 as usize].fill(255);
            }
        }
        let core = super::minmax::shrink(mask, w as usize, b1 - b0, r);
        // All of the sized components' rows are inner rows.
        for y in inner_rows(b0, b1, r, h as usize) {
            let row = &core[(y - b0) * w as usize..(y - b0 + 1) * w as usize];
            for i in labels.row_start[y]..labels.row_start[y + 1] {
                let run = labels.runs[i];
                inner[labels.comp[i] as usize] += row[run.x0 as usize..run.x1 as usize]
                    .iter()
                    .filter(|&&v| v == 255)
                    .count() as u32;
            }
        }
    }
    drop(cand);
    let keep: Vec<bool> = labels
        .comps
        .iter()
        .zip(&inner)
        .map(|(c, &n)| sized(c) && (n as f32) <= AREA_SHARE * c.area as f32)
        .collect();
    if !keep.iter().any(|&k| k) {
        return None;
    }
    let mut out = LightInk {
        width: w,
        runs: Vec::new(),
        row_start: Vec::with_capacity(hu + 1),
    };
    for y in 0..hu {
        out.row_start.push(out.runs.len());
        let kept = (labels.row_start[y]..labels.row_start[y + 1])
            .filter(|&i| keep[labels.comp[i] as usize])
            .map(|i| labels.runs[i]);
        out.runs.extend(kept);
    }
    out.row_start.push(out.runs.len());
    Some(out)
}

/// Light ink that [`find`] keeps: runs of pixels row by row.
pub(crate) struct LightInk {
    width: u32,
    /// `row_start[y]..row_start[y + 1]` are row y's runs, left to right.
    row_start: Vec<usize>,
    runs: Vec<Run>,
}

impl LightInk {
    /// Row `y`'s runs.
    fn row(&self, y: u32) -> &[Run] {
        &self.runs[self.row_start[y as usize]..self.row_start[y as usize + 1]]
    }

    fn height(&self) -> u32 {
        (self.row_start.len() - 1) as u32
    }

    /// Whether (`x`, `y`) is light ink.
    #[cfg(test)]
    pub(crate) fn is_ink(&self, x: u32, y: u32) -> bool {
        self.row(y).iter().any(|r| (r.x0..r.x1).contains(&x))
    }

    /// Make its pixels ink in `bits` (of the same size).
    pub(crate) fn add_to(&self, bits: &mut BitImage) {
        let w = self.width as usize;
        let g = bits.gray_mut();
        for y in 0..self.height() {
            let row = &mut g.as_mut()[y as usize * w..(y as usize + 1) * w];
            for r in self.row(y) {
                row[r.x0 as usize..r.x1 as usize].fill(INK);
            }
        }
    }

    /// The smallest rectangle holding all of it; `None` when empty.
    fn bounds(&self) -> Option<Rect> {
        let rows: Vec<u32> = (0..self.height())
            .filter(|&y| !self.row(y).is_empty())
            .collect();
        let (&y0, &y1) = (rows.first()?, rows.last()?);
        let (mut x0, mut x1) = (u32::MAX, 0);
        for &y in &rows {
            let row = self.row(y);
            x0 = x0.min(row[0].x0);
            x1 = x1.max(row[row.len() - 1].x1);
        }
        Some(Rect {
            x0,
            y0,
            x1,
            y1: y1 + 1,
        })
    }
}

/// How [`darken`] changes the page OCR reads, measured while the colour
/// page is at hand: per light-ink pixel (in raster order), the level its
/// hidden ink darkens it to and the mean level of its ground.
pub(crate) struct Darkening {
    light: LightInk,
    dark: Vec<u8>,
    ground: Vec<u8>,
}

/// Measure [`darken`]'s change: the hidden ink of `colour` under `light`
/// (doubled, so printed yellow reads as dark grey) and the ground around
/// each of its pixels on the grey page, whose rows `y0..y1` `gray_rows`
/// gives (the page may be held packed meanwhile). The ground's mean is
/// taken only where it is needed: around the light ink, from crops wide
/// enough that every window in them is whole (or meets the page's own
/// edge, as on the whole page), a band of rows at a time.
pub(crate) fn darkening(
    gray_rows: &dyn Fn(u32, u32) -> GrayImage,
    colour: &RgbImage,
    light: LightInk,
    dpi: Dpi,
) -> Darkening {
    let (w, h) = colour.dimensions();
    let mut out = Darkening {
        dark: Vec::new(),
        ground: Vec::new(),
        light,
    };
    let Some(ink) = out.light.bounds() else {
        return out;
    };
    let reach = (GROUND_IN * dpi.x.max(dpi.y)).round().max(1.0) as u32;
    let cx = ink.x0.saturating_sub(reach);
    let cw = (ink.x1 + reach).min(w) - cx;
    for b0 in (ink.y0..ink.y1).step_by(DARKEN_BAND as usize) {
        let b1 = (b0 + DARKEN_BAND).min(ink.y1);
        let cy = b0.saturating_sub(reach);
        let ch = (b1 + reach).min(h) - cy;
        let rows = gray_rows(cy, cy + ch);
        let mut around = image::imageops::crop_imm(&rows, cx, 0, cw, ch).to_image();
        drop(rows);
        super::boxmean::box_mean_in_place(&mut around, reach);
        for y in b0..b1 {
            for r in out.light.row(y) {
                for x in r.x0..r.x1 {
                    out.ground.push(around.get_pixel(x - cx, y - cy).0[0]);
                    let dark = 255 - 2 * hidden(colour.get_pixel(x, y).0).max(0);
                    out.dark.push(dark.clamp(0, 255) as u8);
                }
            }
        }
    }
    out
}

/// Darken `gray` (the page OCR reads) where the light ink of `d` is, as
/// [`darkening`] measured: cleanup and OCR then see light-ink letters as
/// they see dark ones. Returns the levels it changed on a dark ground
/// ([`LIGHT_GROUND`]), as (pixel index, level before), for
/// [`restore_on_dark`]: there the letters are already light on dark,
/// which OCR reads as they are.
pub(crate) fn darken(gray: &mut GrayImage, d: &Darkening) -> Vec<(usize, u8)> {
    let w = gray.width() as usize;
    let mut on_dark = Vec::new();
    let mut measured = d.dark.iter().zip(&d.ground);
    for y in 0..d.light.height() {
        for r in d.light.row(y) {
            for x in r.x0..r.x1 {
                let (&dark, &a) = measured.next().expect("a measure per pixel");
                let i = y as usize * w + x as usize;
                let g = &mut gray.as_mut()[i];
                if a < LIGHT_GROUND && dark < *g {
                    on_dark.push((i, *g));
                }
                *g = (*g).min(dark);
            }
        }
    }
    on_dark
}

impl Darkening {
    /// The light ink measured.
    pub(crate) fn light(&self) -> &LightInk {
        &self.light
    }
}

/// Rows of light ink whose ground [`darken`] measures at once.
const DARKEN_BAND: u32 = 512;

/// Bands of rows (`start..end`) covering each of `spans` and `r` rows
/// more on either side, within `h` rows, merged where they touch.
fn merge_spans(
    spans: impl Iterator<Item = (usize, usize)>,
    r: usize,
    h: usize,
) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = spans
        .map(|(a, b)| (a.saturating_sub(r), (b + r).min(h)))
        .collect();
    spans.sort_unstable();
    let mut bands: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match bands.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => bands.push((a, b)),
        }
    }
    bands
}

/// The rows of band `b0..b1` (of a page of `h` rows) whose window of `r`
/// rows either way lies inside the band or meets the page's own edge: a
/// filter run on the band alone gives them what it gives on the page.
fn inner_rows(b0: usize, b1: usize, r: usize, h: usize) -> std::ops::Range<usize> {
    let top = if b0 == 0 { 0 } else { b0 + r };
    let bottom = if b1 == h { b1 } else { b1.saturating_sub(r) };
    top..bottom.max(top)
}

/// Give OCR's page back the levels [`darken`] changed on a dark ground
/// (yellow letters on a dark blue banner: darkened, they would be dark on
/// dark and unreadable).
pub(crate) fn restore_on_dark(gray: &mut GrayImage, on_dark: Vec<(usize, u8)>) {
    let px: &mut [u8] = gray;
    for (i, v) in on_dark {
        px[i] = v;
    }
}

#[cfg(test)]
mod tests {
    use super::super::bits::PAPER;
    use super::*;
    use image::{Luma, Rgb};

    /// A 600 × 300 white page with a yellow "letter" grid of 3-px strokes
    /// at the left and a solid yellow 200 × 60 band at the right.
    fn page() -> RgbImage {
        RgbImage::from_fn(600, 300, |x, y| {
            let strokes = (50..250).contains(&x) && (100..140).contains(&y) && x % 12 < 3;
            let band = (350..550).contains(&x) && (100..160).contains(&y);
            Rgb(if strokes || band {
                [255, 222, 0]
            } else {
                [255, 255, 255]
            })
        })
    }

    #[test]
    fn yellow_strokes_are_ink_and_a_yellow_band_is_not() {
        let none = BitImage::from_levels(GrayImage::from_pixel(600, 300, Luma([PAPER])));
        let light = find(&page(), &none, Dpi::uniform(300.0)).expect("light ink");
        assert!(light.is_ink(61, 120));
        assert!(!light.is_ink(400, 130), "the band is an area");
        assert!(!light.is_ink(20, 20));
    }

    #[test]
    fn black_grey_red_and_blue_ink_are_not_hidden() {
        for ink in [[0, 0, 0], [128, 128, 128], [205, 35, 45], [30, 70, 180]] {
            assert!(hidden(ink) <= 0, "{ink:?}: {}", hidden(ink));
        }
        assert!(hidden([255, 222, 0]) >= 2 * THRESHOLD);
        assert!(hidden([248, 243, 228]) < THRESHOLD / 4, "cream paper");
    }

    #[test]
    fn a_page_without_light_ink_is_not_searched() {
        let plain = RgbImage::from_pixel(300, 300, Rgb([250, 245, 230]));
        assert!(!may_have(&plain));
        assert!(may_have(&page()));
    }

    proptest::proptest! {
        /// Filters run on a band of rows give its inner rows what they give
        /// on the whole page: the banded searches above rely on it.
        #[test]
        fn bands_agree_with_the_page_on_inner_rows(
            gray in crate::clean::testing::gray(),
            r in 1usize..6,
            a in 0usize..64,
            len in 1usize..64,
        ) {
            let (w, h) = (gray.width() as usize, gray.height() as usize);
            let (b0, b1) = merge_spans(std::iter::once((a.min(h - 1), (a + len).min(h))), r, h)[0];
            let band = image::imageops::crop_imm(&gray, 0, b0 as u32, w as u32, (b1 - b0) as u32).to_image();
            let (page_mean, band_mean) = (
                super::super::boxmean::box_mean(&gray, r as u32),
                super::super::boxmean::box_mean(&band, r as u32),
            );
            let page_core = super::super::minmax::shrink(gray.as_raw().clone(), w, h, r);
            let band_core = super::super::minmax::shrink(band.as_raw().clone(), w, b1 - b0, r);
            for y in inner_rows(b0, b1, r, h) {
                let (p, q) = (y * w..(y + 1) * w, (y - b0) * w..(y - b0 + 1) * w);
                proptest::prop_assert_eq!(&page_mean.as_raw()[p.clone()], &band_mean.as_raw()[q.clone()]);
                proptest::prop_assert_eq!(&page_core[p], &band_core[q]);
            }
        }
    }
}
