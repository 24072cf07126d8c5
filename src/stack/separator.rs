//! Separator sheets: a patch-code T sheet or a QR code starts the next
//! document.
//!
//! **Kodak patch code T** is read by hand: no crate decodes patch codes.
//! A patch is four parallel bars, two wide (0.20 in) and two narrow
//! (0.08 in), separated by three narrow spaces, 0.80 in in all, the bars
//! at least 0.75 in long and parallel to the sheet's leading edge; patch T
//! reads narrow, wide, narrow, wide from the leading edge (Kodak,
//! "Patch Code Information", A-61599, and the scanner guides' zone tables:
//! bar edges at 0.08, 0.16, 0.36, 0.44, 0.52, 0.60 and 0.80 in). On the
//! upright cleaned page the leading edge is the top, so columns are read
//! downwards; widths are compared in units of a tenth of the pattern's
//! length, so a sheet printed "fit to page" or a wrong stated resolution
//! still reads. A patch is found when columns across at least
//! [`PATCH_MIN_LENGTH_IN`] of the page show the pattern at the same height.
//!
//! **Barcodes** (Code 39 or Code 128 reading `PATCHT`, as Paperless-ngx
//! prints them, and QR codes) are decoded with `rxing`, a port of ZXing,
//! behind the `barcodes` cargo feature.

use image::GrayImage;

/// What marks a page as a separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Separator {
    /// A Kodak patch T.
    PatchT,
    /// A Code 39 or Code 128 barcode reading `PATCHT`.
    PatchBarcode,
    /// A QR code, with its text.
    Qr(String),
}

/// The text of a patch-T barcode sheet.
pub const PATCH_T_TEXT: &str = "PATCHT";

/// Patch T's elements (bar, space, bar, …) in tenths of its length.
const PATCH_T: [f32; 7] = [1.0, 1.0, 2.5, 1.0, 1.0, 1.0, 2.5];
/// How far an element may stray from its width, in tenths of the length
/// (blur and threshold move each edge by a pixel or two).
const ELEMENT_TOLERANCE: f32 = 0.45;
/// The pattern's length may be off by this factor either way (printed
/// scaled, or a wrong stated resolution).
const LENGTH_RANGE_IN: (f32, f32) = (0.55, 1.1);
/// Shortest bars that make a patch (Kodak's minimum for most scanners).
pub const PATCH_MIN_LENGTH_IN: f32 = 0.75;
/// Columns are read every 1/20 in.
const COLUMN_STEP_IN: f32 = 0.05;
/// Paper above and below the pattern, at least.
const QUIET_IN: f32 = 0.04;
/// Columns of one patch start at the same height, within this.
const SAME_HEIGHT_IN: f32 = 0.06;

/// Whether the cleaned grey page `gray` at `dpi` holds a patch T.
pub fn has_patch_t(gray: &GrayImage, dpi: f32) -> bool {
    let (w, h) = gray.dimensions();
    let step = ((COLUMN_STEP_IN * dpi).round() as u32).max(1);
    // (column x, pattern top y) of every column showing the pattern.
    let mut hits: Vec<(u32, u32)> = Vec::new();
    let mut runs: Vec<(bool, u32, u32)> = Vec::new();
    for x in (0..w).step_by(step as usize) {
        runs.clear();
        for y in 0..h {
            let ink = gray.get_pixel(x, y).0[0] < INK_BELOW;
            match runs.last_mut() {
                Some((i, _, len)) if *i == ink => *len += 1,
                _ => runs.push((ink, y, 1)),
            }
        }
        for win in runs.windows(9) {
            let (before, pattern, after) = (win[0], &win[1..8], win[8]);
            if !pattern[0].0 || before.0 || after.0 {
                continue;
            }
            let quiet = QUIET_IN * dpi;
            if (before.2 as f32) < quiet || (after.2 as f32) < quiet {
                continue;
            }
            let total: u32 = pattern.iter().map(|r| r.2).sum();
            let length_in = total as f32 / dpi;
            if !(LENGTH_RANGE_IN.0..=LENGTH_RANGE_IN.1).contains(&length_in) {
                continue;
            }
            let unit = total as f32 / 10.0;
            let fits = pattern
                .iter()
                .zip(PATCH_T)
                .all(|(r, want)| (r.2 as f32 / unit - want).abs() <= ELEMENT_TOLERANCE);
            if fits {
                hits.push((x, pattern[0].1));
            }
        }
    }
    // Columns side by side at one height, spanning the minimum length.
    hits.sort_by_key(|&(x, y)| (y, x));
    let same = (SAME_HEIGHT_IN * dpi).max(2.0) as u32;
    let need = PATCH_MIN_LENGTH_IN * dpi;
    hits.iter().any(|&(_, y0)| {
        let mut xs: Vec<u32> = hits
            .iter()
            .filter(|&&(_, y)| y.abs_diff(y0) <= same)
            .map(|&(x, _)| x)
            .collect();
        xs.sort_unstable();
        // The longest run of neighbouring columns (one may be missed).
        let (mut start, mut best) = (xs[0], 0.0f32);
        for pair in xs.windows(2) {
            if pair[1] - pair[0] > 2 * step {
                start = pair[1];
            }
            best = best.max((pair[1] - start + step) as f32);
        }
        best.max(step as f32) >= need
    })
}

/// Grey below this is ink for the patch reader (the page is cleaned: paper
/// white, print black; patch bars are solid).
const INK_BELOW: u8 = 128;

/// Barcodes found on the page: Code 39/128 texts and QR texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Barcodes {
    pub linear: Vec<String>,
    pub qr: Vec<String>,
}

/// Decode the barcodes of `gray` at `dpi` (reduced to about 200 dpi first:
/// printed codes have modules far larger than a pixel, and decoding time
/// grows with the pixels).
#[cfg(feature = "barcodes")]
pub fn barcodes(gray: &GrayImage, dpi: f32) -> Barcodes {
    use rxing::BarcodeFormat;
    let factor = (dpi / 200.0).floor().max(1.0) as u32;
    let small;
    let img = if factor > 1 {
        small = image::imageops::resize(
            gray,
            gray.width() / factor,
            gray.height() / factor,
            image::imageops::FilterType::Triangle,
        );
        &small
    } else {
        gray
    };
    let (w, h) = img.dimensions();
    let mut found = Barcodes::default();
    if w == 0 || h == 0 {
        return found;
    }
    let Ok(results) = rxing::helpers::detect_multiple_in_luma(img.as_raw().clone(), w, h) else {
        return found;
    };
    for r in results {
        match r.getBarcodeFormat() {
            BarcodeFormat::QR_CODE => found.qr.push(r.getText().to_string()),
            BarcodeFormat::CODE_39 | BarcodeFormat::CODE_128 => {
                found.linear.push(r.getText().to_string());
            }
            _ => {}
        }
    }
    found
}

/// Without the `barcodes` feature no barcode is ever found.
#[cfg(not(feature = "barcodes"))]
pub fn barcodes(_gray: &GrayImage, _dpi: f32) -> Barcodes {
    Barcodes::default()
}

/// Whether this build can read barcodes (`--split-on qr` needs it).
pub const READS_BARCODES: bool = cfg!(feature = "barcodes");

/// The separator `gray` is, if any, for `split` (patch or QR; blank sheets
/// are judged by [`super::blank`]).
pub fn detect(gray: &GrayImage, dpi: f32, split: &super::SplitOn) -> Option<Separator> {
    use super::SplitOn;
    match split {
        SplitOn::Blank => None,
        SplitOn::Patch => {
            if has_patch_t(gray, dpi) {
                return Some(Separator::PatchT);
            }
            barcodes(gray, dpi)
                .linear
                .iter()
                .any(|t| t.trim() == PATCH_T_TEXT)
                .then_some(Separator::PatchBarcode)
        }
        SplitOn::Qr(want) => barcodes(gray, dpi)
            .qr
            .into_iter()
            .find(|t| want.as_ref().is_none_or(|w| w == t))
            .map(Separator::Qr),
    }
}

/// Draw patch T's bars into `gray` with their top at `top` (pixels), from
/// `x0` to `x1`: for the separator sheet's tests.
#[cfg(test)]
pub(crate) fn draw_patch_t(gray: &mut GrayImage, dpi: f32, top: u32, x0: u32, x1: u32) {
    let mut y = top as f32;
    for (i, units) in PATCH_T.iter().enumerate() {
        let height = units * 0.08 * dpi;
        if i % 2 == 0 {
            for yy in y.round() as u32..(y + height).round() as u32 {
                for x in x0..x1 {
                    if x < gray.width() && yy < gray.height() {
                        gray.put_pixel(x, yy, image::Luma([0]));
                    }
                }
            }
        }
        y += height;
    }
}

/// Patch T's bars as (offset from the pattern's top, height), in inches.
pub fn patch_t_bars() -> Vec<(f32, f32)> {
    let mut y = 0.0;
    let mut bars = Vec::new();
    for (i, units) in PATCH_T.iter().enumerate() {
        let height = units * 0.08;
        if i % 2 == 0 {
            bars.push((y, height));
        }
        y += height;
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn page(dpi: f32) -> GrayImage {
        GrayImage::from_pixel((8.27 * dpi) as u32, (5.0 * dpi) as u32, Luma([255]))
    }

    #[test]
    fn patch_t_is_found_at_any_resolution() {
        for dpi in [150.0, 200.0, 300.0] {
            let mut g = page(dpi);
            draw_patch_t(
                &mut g,
                dpi,
                dpi as u32,
                (2.0 * dpi) as u32,
                (6.0 * dpi) as u32,
            );
            assert!(has_patch_t(&g, dpi), "{dpi} dpi");
        }
    }

    /// Read from the other end the bars are patch 3 (wide, narrow, wide,
    /// narrow): not a patch T. Short bars are not a patch either.
    #[test]
    fn patch_3_and_short_bars_are_not_patch_t() {
        let dpi = 200.0;
        let mut g = page(dpi);
        draw_patch_t(&mut g, dpi, 200, 400, 1200);
        let flipped = image::imageops::flip_vertical(&g);
        assert!(!has_patch_t(&flipped, dpi));
        let mut short = page(dpi);
        draw_patch_t(&mut short, dpi, 200, 400, 500);
        assert!(!has_patch_t(&short, dpi));
    }

    /// Lines of solid rules that do not keep the widths are not read.
    #[test]
    fn even_rules_are_not_a_patch() {
        let dpi = 200.0;
        let mut g = page(dpi);
        for i in 0..4 {
            let y0 = 200 + i * 32;
            for y in y0..y0 + 16 {
                for x in 400..1200 {
                    g.put_pixel(x, y, Luma([0]));
                }
            }
        }
        assert!(!has_patch_t(&g, dpi));
    }

    #[test]
    fn bars_match_the_zone_table() {
        let edges: Vec<f32> = patch_t_bars()
            .iter()
            .flat_map(|&(y, h)| [y, y + h])
            .collect();
        let want = [0.0, 0.08, 0.16, 0.36, 0.44, 0.52, 0.60, 0.80];
        for (got, want) in edges.iter().zip(want) {
            assert!((got - want).abs() < 1e-4, "{edges:?}");
        }
    }
}
