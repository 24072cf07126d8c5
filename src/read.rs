//! Reading a cleaned page: which image OCR sees, and what of its words the
//! text layer keeps.
//!
//! OCR always reads the whole page: picture regions decide how pixels are
//! *stored*, never what is *read*. Words inside a picture region (captions
//! set into a figure, labels, text over a tint the detector took for a
//! picture) are kept; only words read with low confidence inside a picture
//! are dropped, since a photograph's texture reads as short junk words.

use crate::clean::{CleanPage, Picture, lines::InkStats};
use crate::ocr::{self, Engine, OcrImage, OcrPage, OcrSource};

/// A page's warning: the one warning type, shared with decoding.
pub use crate::input::Warning;

/// Words whose centre lies in a picture region are kept only at or above
/// this confidence (0–100). Tesseract gives real words in a photo (signs,
/// labels) 85–95 and texture read as letters mostly 20–70.
pub const PICTURE_MIN_CONFIDENCE: f32 = 80.0;

/// Read `page` with `engine`: the grey page (or the bilevel one when
/// asked), enlarged when its text is small, boxes in the stored image's
/// pixels.
pub fn read(
    engine: &mut dyn Engine,
    page: &CleanPage,
    source: OcrSource,
) -> Result<OcrPage, String> {
    let gray = match source {
        OcrSource::Gray => &page.gray,
        OcrSource::Bilevel => page.bits.as_gray(),
    };
    let image = OcrImage::for_page(gray, page.dpi, page.ink.letter_px);
    let mut ocr = ocr::read(engine, &image)?;
    if let Picture::Regions(regions) = &page.picture {
        for line in &mut ocr.lines {
            line.words.retain(|w| {
                let (cx, cy) = w.bbox.centre();
                let inside = regions.iter().any(|(r, _)| r.contains(cx, cy));
                !inside || w.confidence >= PICTURE_MIN_CONFIDENCE
            });
        }
        ocr.lines.retain(|l| !l.words.is_empty());
    }
    Ok(ocr)
}

/// Fewest text lines for which a wordless page is suspicious.
const WARN_MIN_LINES: usize = 3;
/// OCR found fewer than this share of the words the text lines suggest.
const WARN_WORD_SHARE: f32 = 0.25;

/// A warning when the ink looks like text lines but OCR found no or far
/// fewer words than they suggest. Photo-only and blank pages have no text
/// lines in their bilevel ink, so they are not warned about.
pub fn few_words(ink: &InkStats, words: usize) -> Option<Warning> {
    let expected = ink.expected_words();
    if ink.lines < WARN_MIN_LINES || (words as f32) >= WARN_WORD_SHARE * expected as f32 {
        return None;
    }
    Some(Warning {
        code: "few_words",
        message: format!(
            "the ink looks like {} lines of text (about {expected} words) but OCR found {words} word{}",
            ink.lines,
            crate::english::plural(words)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_when_text_lines_give_few_words() {
        let ink = InkStats {
            ink: 0.05,
            lines: 20,
            letters: 800,
            letter_px: Some(20.0),
        };
        assert_eq!(ink.expected_words(), 200);
        assert!(few_words(&ink, 0).is_some());
        assert!(few_words(&ink, 40).is_some());
        assert!(few_words(&ink, 50).is_none());
        let photo = InkStats {
            ink: 0.3,
            ..InkStats::default()
        };
        assert!(few_words(&photo, 0).is_none());
        let two_lines = InkStats {
            lines: 2,
            letters: 60,
            ..ink
        };
        assert!(few_words(&two_lines, 0).is_none());
    }
}
