//! Curved book pages made flat from their text lines (issue 25, point 2).
//!
//! Leptonica's page dewarper (Bloomberg, `dewarp1.c`–`dewarp4.c`; the
//! method in D. S. Bloomberg, "Textline-based page dewarping", Leptonica
//! notes 2013) through `leptonica-sys`, which Tesseract already links:
//! it finds the centre curve of every text line on a binarized page, fits
//! each with a quadratic, interpolates a vertical disparity field over
//! the page from them, and moves every column's pixels up or down by it —
//! one resampling pass, lines made straight and parallel. Tried first as
//! the issue asks, and kept: on the generated cylinder pages of
//! `tests/phone.rs` (lines bent 12–21 px at 300 dpi) it leaves 1.2–1.7 px
//! (the target is 2; the same pages scanned flat measure 0.5–0.7
//! by the same baseline fit), and OCR reads the dewarped pages as well
//! as the flat renders. What is left grows with the bend (2.3 px on a
//! page bent 21 px): the bend of a real book steepens towards the spine
//! faster than its one quadratic per line follows. A flat page is left
//! alone because the page is only resampled when its lines measure
//! curved. Not changed by Leptonica's knobs (its curvature limits only
//! accept or refuse a model, both disparity arrays add a horizontal
//! model, and a second pass fits the quadratic part of a residual the
//! first fit left none of).
//!
//! Only vertical disparity is applied (`useboth` off): Leptonica's
//! horizontal model straightens slanted margins, which a page already
//! flattened by its outline or a book page seen from above does not have,
//! and a wrong one would shear the text.
//!
//! A page is changed only when its lines are measurably curved: the
//! model's most curved line must sag [`MIN_SAG`] of the line pitch over
//! the text's width (2 px for 12-point text at 300 dpi, whose lines are
//! 60 px apart; measured against the pitch because a photo's resolution
//! is a guess); otherwise the page is given back untouched
//! (byte-identical), as it is when Leptonica finds too few lines
//! ([`MIN_LINES`]) to build a model from.

use crate::input::Pixels;
use image::{GrayImage, RgbImage};
use leptonica_sys as lept;

/// Least text lines for a model (Leptonica's default is 15, for full
/// pages; a book page of a few paragraphs has fewer, and six lines
/// spread over the page already tie the field down).
const MIN_LINES: i32 = 6;
/// Shortest side, in pixels, of an image that may hold [`MIN_LINES`] lines.
const MIN_SIDE: u32 = 200;
/// Longest side over shortest beyond which an image is a strip, not a page.
const MAX_ASPECT: u32 = 8;
/// Least sag of the most curved line over the text's width, as a share
/// of the line pitch, for the page to be dewarped: a flat page's lines,
/// fitted with a quadratic, sag well under a pixel.
pub const MIN_SAG: f64 = 2.0 / 60.0;
/// Largest line curvature Leptonica may model (see [`dewarp`]).
const MAX_LINE_CURV: i32 = 400;
/// Largest difference of curvature between the page's lines.
const MAX_DIFF_CURV: i32 = 600;
/// Threshold of the background-normalized page for the binary image the
/// lines are found on (Leptonica's `dewarpSinglePage` uses the same
/// pair: background normalization, then a fixed threshold).
const THRESHOLD: i32 = 130;

/// What dewarping found on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dewarp {
    /// Text lines the model was built from.
    pub lines: u32,
    /// Sag of the most curved line over the text's width, pixels.
    pub sag: f64,
    /// The median distance between lines, pixels.
    pub pitch: f64,
    /// Its lines were curved enough to dewarp (see the module doc).
    pub curved: bool,
    /// The page was resampled (curved, and Leptonica's model of it valid).
    pub applied: bool,
}

/// Owned Leptonica images, destroyed on drop.
struct Pix(*mut lept::PIX);
impl Drop for Pix {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { lept::pixDestroy(&mut self.0) }
        }
    }
}

struct Dewa(*mut lept::L_DEWARPA);
impl Drop for Dewa {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { lept::dewarpaDestroy(&mut self.0) }
        }
    }
}

/// An 8-bit grey or 32-bit RGB Leptonica image of `pixels` (Leptonica
/// keeps a pixel's bytes most significant first in 32-bit words).
fn to_pix(pixels: &Pixels) -> Option<Pix> {
    let (w, h) = pixels.dimensions();
    let depth = match pixels {
        Pixels::Gray(_) => 8,
        Pixels::Rgb(_) => 32,
    };
    let pix = Pix(unsafe { lept::pixCreate(w as i32, h as i32, depth) });
    if pix.0.is_null() {
        return None;
    }
    let wpl = unsafe { lept::pixGetWpl(pix.0) } as usize;
    let data = unsafe { std::slice::from_raw_parts_mut(lept::pixGetData(pix.0), wpl * h as usize) };
    match pixels {
        Pixels::Gray(g) => {
            for (y, row) in g.as_raw().chunks_exact(w as usize).enumerate() {
                let line = &mut data[y * wpl..(y + 1) * wpl];
                for (word, px) in line.iter_mut().zip(row.chunks(4)) {
                    let mut b = [0u8; 4];
                    b[..px.len()].copy_from_slice(px);
                    *word = u32::from_be_bytes(b);
                }
            }
        }
        Pixels::Rgb(c) => {
            for (y, row) in c.as_raw().chunks_exact(3 * w as usize).enumerate() {
                let line = &mut data[y * wpl..(y + 1) * wpl];
                for (word, p) in line.iter_mut().zip(row.chunks_exact(3)) {
                    *word = u32::from_be_bytes([p[0], p[1], p[2], 0]);
                }
            }
        }
    }
    Some(pix)
}

/// The pixels of a Leptonica image made by [`to_pix`] (same depth).
fn from_pix(pix: &Pix, colour: bool) -> Option<Pixels> {
    let (w, h, depth) = unsafe {
        (
            lept::pixGetWidth(pix.0) as u32,
            lept::pixGetHeight(pix.0) as u32,
            lept::pixGetDepth(pix.0),
        )
    };
    let wpl = unsafe { lept::pixGetWpl(pix.0) } as usize;
    let data = unsafe { std::slice::from_raw_parts(lept::pixGetData(pix.0), wpl * h as usize) };
    let rows = data.chunks_exact(wpl);
    if colour && depth == 32 {
        let mut raw = Vec::with_capacity(3 * (w * h) as usize);
        for line in rows {
            for word in &line[..w as usize] {
                let b = word.to_be_bytes();
                raw.extend_from_slice(&b[..3]);
            }
        }
        RgbImage::from_raw(w, h, raw).map(Pixels::Rgb)
    } else if !colour && depth == 8 {
        let mut raw = Vec::with_capacity((w * h) as usize);
        for line in rows {
            let bytes = line.iter().flat_map(|word| word.to_be_bytes());
            raw.extend(bytes.take(w as usize));
        }
        GrayImage::from_raw(w, h, raw).map(Pixels::Gray)
    } else {
        None
    }
}

/// Measure the page's line curvature and, when its lines are curved
/// (see the module doc), dewarp it: the measure, and the dewarped page
/// when it was. `None` when no model could be built (too few lines, no
/// text): the page stays as it is.
pub fn dewarp(pixels: &Pixels) -> Option<(Dewarp, Option<Pixels>)> {
    // A strip is no page of text lines, and Leptonica's background pass
    // takes minutes on one a pixel high and 100 000 wide.
    let (w, h) = pixels.dimensions();
    if w.min(h) < MIN_SIDE || w.max(h) > MAX_ASPECT * w.min(h) {
        return None;
    }
    let colour = matches!(pixels, Pixels::Rgb(_));
    let pixs = to_pix(pixels)?;
    unsafe {
        // Leptonica reports a page it has no model for on stderr; that is
        // an answer here (the OCR engine silences it the same way).
        lept::setMsgSeverity(lept::L_SEVERITY_NONE as i32);
        let gray = match pixels {
            Pixels::Gray(_) => None,
            Pixels::Rgb(_) => Some(Pix(lept::pixConvertRGBToLuminance(pixs.0))),
        };
        let g = gray.as_ref().map_or(pixs.0, |p| p.0);
        if g.is_null() {
            return None;
        }
        // Background-normalized, so a spine's shadow or light falling off
        // is not taken for ink.
        let norm = Pix(lept::pixBackgroundNormSimple(
            g,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ));
        if norm.0.is_null() {
            return None;
        }
        let binary = Pix(lept::pixThresholdToBinary(norm.0, THRESHOLD));
        if binary.0.is_null() {
            return None;
        }
        // One page, default sampling (30 px), full resolution, no
        // reference models.
        let dewa = Dewa(lept::dewarpaCreate(1, 0, 1, MIN_LINES, -1));
        if dewa.0.is_null() {
            return None;
        }
        lept::dewarpaUseBothArrays(dewa.0, 0);
        // Leptonica's limits on line curvature (its quadratic coefficient
        // × 10⁶: at most 150, top to bottom differing by at most 170) are
        // set for full pages scanned at 300 dpi or more; a book page
        // photographed at 150 dpi bends twice as much per pixel, its top
        // and bottom lines in opposite directions. Wider limits, the
        // other checks (margins) as they are.
        lept::dewarpaSetCurvatures(dewa.0, MAX_LINE_CURV, -1, MAX_DIFF_CURV, -1, -1, -1);
        lept::dewarpaSetCheckColumns(dewa.0, 0);
        let dew = lept::dewarpCreate(binary.0, 0);
        if dew.is_null() {
            return None;
        }
        // The dewarpa owns the dewarp from here.
        lept::dewarpaInsertDewarp(dewa.0, dew);
        if lept::dewarpBuildPageModel(dew, std::ptr::null()) != 0 || (*dew).vsuccess == 0 {
            return None;
        }
        let lines = (*dew).nlines.max(0) as u32;
        // Curvature is Leptonica's quadratic coefficient times 10⁶ (pixels
        // over squared pixels); the sag of y = a·x² over a line of width
        // L is a·(L/2)².
        let curv = (*dew).mincurv.abs().max((*dew).maxcurv.abs()) as f64 * 1e-6;
        let width = text_width(pixels).unwrap_or(pixels.dimensions().0 as f64);
        let sag = curv * (width / 2.0).powi(2);
        let pitch = line_pitch((*dew).namidys)?;
        let mut found = Dewarp {
            lines,
            sag,
            pitch,
            curved: sag >= MIN_SAG * pitch,
            applied: false,
        };
        if !found.curved {
            return Some((found, None));
        }
        let mut out: *mut lept::PIX = std::ptr::null_mut();
        let failed =
            lept::dewarpaApplyDisparity(dewa.0, 0, pixs.0, 255, 0, 0, &mut out, std::ptr::null());
        let out = Pix(out);
        if failed != 0 || out.0.is_null() {
            return Some((found, None));
        }
        let flat = from_pix(&out, colour);
        found.applied = flat.is_some();
        Some((found, flat))
    }
}

/// The median distance between successive line centres of Leptonica's
/// model (`namidys`, in order down the page).
unsafe fn line_pitch(ys: *mut lept::NUMA) -> Option<f64> {
    if ys.is_null() {
        return None;
    }
    let n = unsafe { lept::numaGetCount(ys) };
    let mut v = Vec::with_capacity(n.max(0) as usize);
    for i in 0..n {
        let mut y = 0f32;
        unsafe { lept::numaGetFValue(ys, i, &mut y) };
        v.push(f64::from(y));
    }
    v.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = v
        .windows(2)
        .map(|p| p[1] - p[0])
        .filter(|g| *g > 0.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    gaps.get(gaps.len() / 2).copied()
}

/// The width of the page's text: the span of columns holding ink (below
/// half the page's grey), 2 % trimmed at each end.
fn text_width(pixels: &Pixels) -> Option<f64> {
    let (w, h) = pixels.dimensions();
    let mut cols = vec![0u32; w as usize];
    match pixels {
        Pixels::Gray(g) => {
            for row in g.as_raw().chunks_exact(w as usize) {
                for (c, &v) in cols.iter_mut().zip(row) {
                    *c += u32::from(v < 110);
                }
            }
        }
        Pixels::Rgb(c) => {
            for row in c.as_raw().chunks_exact(3 * w as usize) {
                for (c, p) in cols.iter_mut().zip(row.chunks_exact(3)) {
                    *c += u32::from((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) < 330);
                }
            }
        }
    }
    let total: u64 = cols.iter().map(|&c| u64::from(c)).sum();
    if total == 0 || h == 0 {
        return None;
    }
    let cut = total / 50;
    let (mut acc, mut first, mut last) = (0u64, 0usize, 0usize);
    for (i, &c) in cols.iter().enumerate() {
        let before = acc;
        acc += u64::from(c);
        if before <= cut && acc > cut {
            first = i;
        }
        if before < total - cut && acc >= total - cut {
            last = i;
        }
    }
    Some((last.saturating_sub(first) + 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_are_not_pages_of_lines() {
        for (w, h) in [(100_000, 1), (1, 5_000), (3_000, 150), (4_000, 400)] {
            let strip = Pixels::Gray(image::GrayImage::from_pixel(w, h, image::Luma([255])));
            assert!(dewarp(&strip).is_none(), "{w} x {h}");
        }
    }
}
