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

/// A reading that found fewer than this share of the words the page's
/// text lines suggest is tried on the page's other image. Pages that read
/// well give 0.9–1.5 of the estimate (generated kinds, layouts, samples).
const SECOND_LOOK_WORD_SHARE: f32 = 0.5;
/// A reading whose words have a mean confidence (weighted by length)
/// below this is tried on the other image too. Pages that read well give
/// 94–97.
const SECOND_LOOK_CONFIDENCE: f32 = 60.0;

/// Read `page` with `engine`: the grey page (or the bilevel one when
/// asked), enlarged when its text is small, boxes in the stored image's
/// pixels. A page whose reading finds far fewer words than its text lines
/// hold, or finds them with low confidence, is read again from its other
/// image (the bilevel page for the grey one, and the other way round), and
/// the reading with more confidently read letters is kept: a grey page
/// whose contrast or shading defeats Tesseract's own threshold often reads
/// well from the cleaned bilevel page. The second reading costs time only
/// on such pages.
pub fn read(
    engine: &mut dyn Engine,
    page: &CleanPage,
    source: OcrSource,
) -> Result<OcrPage, String> {
    let first = read_from(engine, page, source)?;
    if !needs_second_look(&page.ink, &first) {
        return Ok(first);
    }
    let other = match source {
        OcrSource::Gray => OcrSource::Bilevel,
        OcrSource::Bilevel => OcrSource::Gray,
    };
    let second = read_from(engine, page, other)?;
    Ok(if weight(&second) > weight(&first) {
        second
    } else {
        first
    })
}

/// [`read`] a page the caller lets it change meanwhile: the image the
/// engine does not read is held packed while it reads (the bilevel image
/// a bit a pixel while the grey page is read, the grey page as runs of
/// paper while the bilevel one is), and put back as it was. The engine
/// copies the page it reads and works on it at a few bytes a pixel; this
/// keeps the page's own images beside that under two bytes a pixel. The
/// same readings and result as [`read`].
pub fn read_packing(
    engine: &mut dyn Engine,
    page: &mut CleanPage,
    source: OcrSource,
) -> Result<OcrPage, String> {
    let first = other_packed(page, source, |p| read_from(engine, p, source))?;
    if !needs_second_look(&page.ink, &first) {
        return Ok(first);
    }
    let other = match source {
        OcrSource::Gray => OcrSource::Bilevel,
        OcrSource::Bilevel => OcrSource::Gray,
    };
    let second = other_packed(page, other, |p| read_from(engine, p, other))?;
    Ok(if weight(&second) > weight(&first) {
        second
    } else {
        first
    })
}

/// `f` on `page` with the image other than `source` held packed.
fn other_packed<T>(page: &mut CleanPage, source: OcrSource, f: impl FnOnce(&CleanPage) -> T) -> T {
    use crate::clean::{BitImage, mask::Mask, packed::HeldGray};
    let none = || image::GrayImage::new(0, 0);
    match source {
        OcrSource::Gray => {
            let bits = std::mem::replace(&mut page.bits, BitImage::from_levels(none()));
            let packed = Mask::ink_of(&bits);
            drop(bits);
            let out = f(page);
            page.bits = packed.to_bits();
            out
        }
        OcrSource::Bilevel => {
            let held = HeldGray::of(std::mem::replace(&mut page.gray, none()), true);
            let out = f(page);
            page.gray = held.unpack();
            out
        }
    }
}

/// Whether `ocr` found far fewer words than the ink's text lines suggest,
/// or read them with low confidence (see [`SECOND_LOOK_WORD_SHARE`]).
fn needs_second_look(ink: &InkStats, ocr: &OcrPage) -> bool {
    if ink.lines < WARN_MIN_LINES {
        return false;
    }
    let words = ocr.lines.iter().map(|l| l.words.len()).sum::<usize>();
    let letters = letters(ocr) as f32;
    (words as f32) < SECOND_LOOK_WORD_SHARE * ink.expected_words() as f32
        || weight(ocr) < SECOND_LOOK_CONFIDENCE / 100.0 * letters
}

/// Letters read, each counted by its word's confidence (0–1): how much of
/// a reading can be trusted.
fn weight(ocr: &OcrPage) -> f32 {
    words(ocr)
        .map(|w| w.confidence / 100.0 * w.text.chars().count() as f32)
        .sum()
}

fn letters(ocr: &OcrPage) -> usize {
    words(ocr).map(|w| w.text.chars().count()).sum()
}

fn words(ocr: &OcrPage) -> impl Iterator<Item = &ocr::Word> {
    ocr.lines.iter().flat_map(|l| &l.words)
}

/// One reading of `page` from the image `source` names.
fn read_from(
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
    use crate::clean::{BitImage, Picture};
    use crate::input::Dpi;
    use crate::ocr::{Line, Word};
    use crate::rect::Rect;
    use image::{GrayImage, Luma};

    /// A fake engine (fault injection: which image reads well is what is
    /// tested, not OCR): `words` confident words from a bilevel image,
    /// `grey_words` words at `grey_confidence` from any other.
    struct Reads {
        words: usize,
        grey_words: usize,
        grey_confidence: f32,
        calls: Vec<bool>,
    }

    impl Engine for Reads {
        fn recognize(&mut self, image: &OcrImage) -> Result<OcrPage, String> {
            let bilevel = image.gray.iter().all(|&v| v == 0 || v == 255);
            self.calls.push(bilevel);
            let (n, confidence) = if bilevel {
                (self.words, 95.0)
            } else {
                (self.grey_words, self.grey_confidence)
            };
            let word = |i: u32| Word {
                text: "word".into(),
                bbox: Rect {
                    x0: 10 * i,
                    y0: 10,
                    x1: 10 * i + 8,
                    y1: 18,
                },
                confidence,
            };
            Ok(OcrPage {
                lines: vec![Line {
                    bbox: Rect {
                        x0: 0,
                        y0: 10,
                        x1: 10 * n as u32,
                        y1: 18,
                    },
                    baseline: ((0.0, 18.0), (10.0 * n as f32, 18.0)),
                    words: (0..n as u32).map(word).collect(),
                    paragraph: None,
                }]
                .into_iter()
                .filter(|l| !l.words.is_empty())
                .collect(),
                ..OcrPage::default()
            })
        }
    }

    /// A cleaned page whose text lines suggest 200 words.
    fn page() -> CleanPage {
        let gray = GrayImage::from_fn(400, 300, |x, _| Luma([if x % 7 == 0 { 120 } else { 250 }]));
        let bits = BitImage::from_gray_threshold(GrayImage::from_pixel(400, 300, Luma([255])));
        CleanPage {
            gray,
            bits,
            picture: Picture::None,
            dpi: Dpi { x: 300.0, y: 300.0 },
            skew_deg: 0.0,
            ink: InkStats {
                ink: 0.05,
                lines: 20,
                letters: 800,
                letter_px: Some(20.0),
            },
            layers: None,
            warnings: Vec::new(),
        }
    }

    fn engine(grey_words: usize, grey_confidence: f32) -> Reads {
        Reads {
            words: 180,
            grey_words,
            grey_confidence,
            calls: Vec::new(),
        }
    }

    #[test]
    fn a_page_that_reads_well_is_read_once() {
        let mut e = engine(190, 96.0);
        let ocr = read(&mut e, &page(), OcrSource::Gray).unwrap();
        assert_eq!(e.calls, [false]);
        assert_eq!(letters(&ocr), 190 * 4);
    }

    #[test]
    fn a_page_with_few_words_is_read_from_its_bilevel_image_too() {
        let mut e = engine(12, 96.0);
        let ocr = read(&mut e, &page(), OcrSource::Gray).unwrap();
        assert_eq!(e.calls, [false, true]);
        assert_eq!(letters(&ocr), 180 * 4, "the better reading is kept");
    }

    #[test]
    fn a_page_read_with_low_confidence_keeps_the_surer_reading() {
        let mut e = engine(190, 30.0);
        let ocr = read(&mut e, &page(), OcrSource::Gray).unwrap();
        assert_eq!(e.calls, [false, true]);
        assert_eq!(letters(&ocr), 180 * 4);
        // When the second reading is worse, the first stays.
        let mut e = Reads {
            words: 5,
            ..engine(190, 55.0)
        };
        let ocr = read(&mut e, &page(), OcrSource::Gray).unwrap();
        assert_eq!(e.calls, [false, true]);
        assert_eq!(letters(&ocr), 190 * 4);
    }

    #[test]
    fn a_page_without_text_lines_is_read_once() {
        let mut e = engine(0, 0.0);
        let mut p = page();
        p.ink.lines = 0;
        read(&mut e, &p, OcrSource::Gray).unwrap();
        assert_eq!(e.calls, [false]);
    }

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
