//! A resolution for an image whose file states none, from the size of its
//! text. Lives in `clean` (not `input`) because it measures text lines with
//! the cleanup stages; decoding only says whether the resolution was
//! stated ([`crate::input::Decoded::dpi_stated`]) and the page's caller
//! asks for this estimate.

use super::{binarize, lines};
use crate::input::{Decoded, Dpi, Pixels, Warning};

/// Median letter height (about the x-height) of body text, in inches:
/// 10–12 pt type, whose x-height is about half its size, measures
/// 0.07–0.085 in; 11 pt is taken.
pub const BODY_X_HEIGHT_IN: f32 = 0.077;
/// Fewest text lines to measure letters on.
const MIN_TEXT_LINES: usize = 3;
/// Resolution the text lines are looked for at: its letter height range
/// (0.02–0.8 in) spans 3 to 120 pixels, from a screenshot's 7-pixel
/// x-height to large type at 600 dpi.
const PROBE_DPI: f32 = 150.0;
/// The resolutions images are made at (screens at 72, 96 and 144 dpi,
/// scanners at 100 to 1200): an estimate is snapped to the nearest, so the
/// page size is the one the image was made for when the text is ordinary
/// body text.
const USUAL_DPI: [f32; 12] = [
    72.0, 96.0, 100.0, 120.0, 144.0, 150.0, 200.0, 240.0, 300.0, 400.0, 600.0, 1200.0,
];

/// A resolution guessed from the size of the page's text, for an image
/// whose file states none: the median letter height of its text lines
/// (`clean::lines`, on a global Otsu threshold) is taken as the x-height
/// of 11-point body text ([`BODY_X_HEIGHT_IN`]) and the result snapped to
/// the nearest of [`USUAL_DPI`]. Returns it with the letter height in
/// pixels; `None` when the page has fewer than [`MIN_TEXT_LINES`] lines
/// of text to measure.
fn text_estimate(pixels: &Pixels) -> Option<(Dpi, f32)> {
    let gray = match pixels {
        Pixels::Gray(g) => std::borrow::Cow::Borrowed(g),
        Pixels::Rgb(c) => std::borrow::Cow::Owned(crate::input::luma(c)),
    };
    let probe = Dpi::uniform(PROBE_DPI);
    let bits = binarize::binarize(&gray, probe, binarize::Method::Otsu);
    let found = lines::find(&bits, probe);
    if found.len() < MIN_TEXT_LINES {
        return None;
    }
    let letter = lines::letter_px(&found)?;
    let raw = letter / BODY_X_HEIGHT_IN;
    let snapped = USUAL_DPI
        .into_iter()
        .min_by(|a, b| (a / raw).ln().abs().total_cmp(&(b / raw).ln().abs()))?;
    Some((Dpi::uniform(snapped), letter))
}

/// Give `decoded` a resolution from its text size when the file stated
/// none (and neither `--dpi` nor the paper-size estimate gave one), with an
/// `estimated_dpi` warning; 300 dpi stays, without a word, when there is no
/// text to measure or the text is of the size 300 dpi assumes.
pub(crate) fn estimate(decoded: &mut Decoded) {
    if decoded.dpi_stated {
        return;
    }
    let pixels = &decoded.image.pixels;
    let Some((guess, letter)) = text_estimate(pixels) else {
        return;
    };
    let dpi = decoded.image.dpi;
    // Text of the size the default assumes changes nothing: no warning.
    if guess == dpi {
        return;
    }
    let (w, h) = pixels.dimensions();
    decoded.warnings.push(Warning {
        code: "estimated_dpi",
        message: format!(
            "resolution estimated as {:.0} dpi from the text size (letters {letter:.0} px \
             high, taken as 11-point body text; the file states none, and {:.0} dpi would \
             make the page {:.1} x {:.1} in); --dpi sets it",
            guess.x,
            dpi.x,
            w as f32 / dpi.x,
            h as f32 / dpi.y
        ),
    });
    decoded.image.dpi = guess;
    decoded.dpi_stated = true;
}
