//! The invisible, word-aligned text layer of one page.
//!
//! Each line gets one font size from its height. Upright lines (every line
//! of a deskewed page) place each word at its baseline point and stretch it
//! to its box with horizontal scaling (`Tz`), as extractors expect.
//! Lines that are still sloped get one rotated text matrix and one `Tz` for
//! the whole line, words moved along the baseline with `Td` and fitted with
//! character spacing (`Tc`): a per-word `Tz` under rotation makes PDF.js
//! break lines after every word (see DESIGN.md). Words are separated by
//! real spaces so extraction gives clean text; each line is its own text
//! object (`BT … ET`).

use super::font::{ADVANCE, ASCENT, DESCENT};
use crate::ocr::order::is_rtl;
use crate::ocr::{Line, OcrPage};
use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Name, Str};

/// Append the text layer for `ocr` to `content`. Coordinates are image
/// pixels with y pointing up (the caller scales pixels to points);
/// `height` is the image height in pixels.
pub fn write_layer(content: &mut Content, ocr: &OcrPage, font: Name, height: f32) {
    let mut lines = ocr.lines.iter().filter(|l| !l.words.is_empty()).peekable();
    if lines.peek().is_none() {
        return;
    }
    let lines: Vec<&Line> = lines.collect();
    let sizes = run_sizes(&lines);
    // Text state outlives text objects: set invisible once for the page.
    content.set_text_rendering_mode(TextRenderingMode::Invisible);
    for (line, size) in lines.into_iter().zip(sizes) {
        // One text object per line: extractors and selection tools treat
        // it as a unit, and no line's state leaks into the next.
        content.begin_text();
        write_line(content, line, font, size, height);
        content.end_text();
    }
}

/// Slope of a line's baseline in image coordinates (y down), clamped.
fn slope(line: &Line) -> f32 {
    let ((bx1, by1), (bx2, by2)) = line.baseline;
    if (bx2 - bx1).abs() > 1.0 {
        ((by2 - by1) / (bx2 - bx1)).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// A line's own font size: its height across the baseline direction, which
/// is the em (ascent + descent) of the glyphless font.
fn own_size(line: &Line) -> f32 {
    let h = line.bbox.height() as f32;
    let w = line.bbox.width() as f32;
    let across = (h - w * slope(line).abs()).max(h * 0.5).max(1.0);
    across / (ASCENT - DESCENT)
}

/// Lines of one paragraph whose own sizes differ by more than this ratio
/// are not one run (a heading above body text, a caption below it).
const RUN_SIZE_RATIO: f32 = 1.35;

/// Baselines farther apart than this many ems end a run: poppler joins
/// lines into one block only up to 1.5 ems apart.
const RUN_LINE_SPACING: f32 = 2.0;

/// One font size per run of lines that belong together, the median of the
/// run's own sizes.
///
/// A line's box height varies with its letters (a line without descenders
/// is a fifth shorter), and poppler's `pdftotext` builds a text block only
/// from lines whose font sizes agree within 5 % (`maxBlockFontSizeDelta1`
/// in `TextOutputDev.cc`). With a size per line every line of a column is a
/// block of its own, and a one-line block then takes in the words of the
/// next column on the same baseline up to an em away: the columns of a
/// magazine page come out interleaved line by line. A run is a sequence of
/// consecutive lines (the engine lists a column's lines together) that
/// overlap horizontally, follow each other downwards within
/// [`RUN_LINE_SPACING`] ems and agree in size within [`RUN_SIZE_RATIO`].
fn run_sizes(lines: &[&Line]) -> Vec<f32> {
    let own: Vec<f32> = lines.iter().map(|l| own_size(l)).collect();
    let mut sizes = vec![0.0; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        let (mut x0, mut x1) = (lines[start].bbox.x0, lines[start].bbox.x1);
        let mut end = start + 1;
        while end < lines.len() {
            let (prev, next) = (lines[end - 1], lines[end]);
            let mut run: Vec<f32> = own[start..end].to_vec();
            run.sort_by(f32::total_cmp);
            let median = run[run.len() / 2];
            let drop = baseline_y(next) - baseline_y(prev);
            let ratio = own[end] / median;
            let joins = next.bbox.x0 < x1
                && next.bbox.x1 > x0
                && drop > 0.0
                && drop <= RUN_LINE_SPACING * median
                && (1.0 / RUN_SIZE_RATIO..=RUN_SIZE_RATIO).contains(&ratio);
            if !joins {
                break;
            }
            x0 = x0.min(next.bbox.x0);
            x1 = x1.max(next.bbox.x1);
            end += 1;
        }
        let mut run: Vec<f32> = own[start..end].to_vec();
        run.sort_by(f32::total_cmp);
        let median = run[run.len() / 2];
        sizes[start..end].fill(median);
        start = end;
    }
    sizes
}

/// Height of a line's baseline at its horizontal middle, image pixels.
fn baseline_y(line: &Line) -> f32 {
    let ((bx1, by1), _) = line.baseline;
    let mid = (line.bbox.x0 + line.bbox.x1) as f32 / 2.0;
    by1 + (mid - bx1) * slope(line)
}

/// Lines flatter than this (2°; after deskew, all of them) are written
/// upright, each word at its own baseline point: extractors then see
/// ordinary horizontal text, and no word is off by more than a pixel or two.
const UPRIGHT_SLOPE: f32 = 0.035;

/// Least gap drawn between two words of a line, in ems of the layer's
/// font: poppler starts a new word after a gap of a tenth of the font size.
const MIN_WORD_GAP: f32 = 0.15;

fn write_line(content: &mut Content, line: &Line, font: Name, size: f32, height: f32) {
    let ((bx1, by1), _) = line.baseline;
    let slope = slope(line);
    let base_y = |x: f32| by1 + (x - bx1) * slope;
    content.set_font(font, size);

    let last = line.words.len() - 1;
    let with_space = |i: usize, text: &str| {
        let mut units = utf16(&visual_order(text));
        if i < last {
            units.extend([0, b' ']);
        }
        units
    };

    if slope.abs() < UPRIGHT_SLOPE {
        // Upright: each word on its own baseline point, scaled to its box,
        // and the space after it scaled to the gap before the next word: a
        // space as wide as one of the word's letters can reach into the
        // next word when words sit close, and poppler then drops it and
        // joins the two words.
        // Where the engine's boxes touch or overlap (a stray mark taken into
        // a word), the word is drawn short of the next one by
        // [`MIN_WORD_GAP`] ems, so extractors still see two words.
        for (i, word) in line.words.iter().enumerate() {
            let x = word.bbox.x0 as f32;
            let n = glyph_count(&word.text).max(1) as f32;
            // The word to the right on the page (right-to-left lines list
            // their words leftwards).
            let next = line
                .words
                .iter()
                .map(|w| w.bbox.x0)
                .filter(|&x0| x0 > word.bbox.x0)
                .min()
                .map(|x0| x0 as f32);
            let full = word.bbox.width() as f32;
            let end = match next {
                Some(nx) => (word.bbox.x1 as f32).min(nx - MIN_WORD_GAP * size),
                None => word.bbox.x1 as f32,
            };
            let drawn = (end - x).max(full * 0.5).max(1.0);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, height - base_y(x)]);
            content.set_horizontal_scaling(100.0 * drawn / (n * ADVANCE * size));
            content.show(Str(&utf16(&visual_order(&word.text))));
            if i + 1 < line.words.len() {
                let gap = next.map_or(1.0, |nx| (nx - (x + drawn)).max(1.0));
                content.set_horizontal_scaling(100.0 * gap / (ADVANCE * size));
                content.show(Str(&[0, b' ']));
            }
        }
        return;
    }

    // Rotated: one matrix and one scale for the whole line.
    let angle = slope.atan();
    let (cos, sin) = (angle.cos(), angle.sin());
    let chars: usize = line.words.iter().map(|w| glyph_count(&w.text)).sum();
    let ink: f32 = line
        .words
        .iter()
        .map(|w| w.bbox.width() as f32)
        .sum::<f32>()
        / cos;
    let scale = (ink / (chars.max(1) as f32 * ADVANCE * size)).clamp(0.05, 20.0);
    let x0 = line.words[0].bbox.x0 as f32;
    // y points up in PDF, so the angle is negated.
    content.set_text_matrix([cos, -sin, sin, cos, x0, height - base_y(x0)]);
    content.set_horizontal_scaling(scale * 100.0);
    let mut prev_x = x0;
    for (i, word) in line.words.iter().enumerate() {
        let x = word.bbox.x0 as f32;
        if i > 0 {
            content.next_line((x - prev_x) / cos, 0.0);
        }
        prev_x = x;
        let n = glyph_count(&word.text).max(1) as f32;
        let width = word.bbox.width() as f32 / cos;
        // Glyph advance is (ADVANCE·size + Tc)·scale; solve for Tc.
        content.set_char_spacing(width / (n * scale) - ADVANCE * size);
        content.show(Str(&with_space(i, &word.text)));
    }
}

/// A word's characters in the order they appear on the page, left to
/// right. Extractors rebuild right-to-left text from glyph positions, so a
/// Hebrew or Arabic word must be drawn with its first letter rightmost;
/// the Unicode bidi algorithm (UAX #9) also keeps numbers inside such
/// words left-to-right.
fn visual_order(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_bidi::{BidiInfo, Level};
    if !text.chars().any(is_rtl) {
        return text.into();
    }
    let info = BidiInfo::new(text, Some(Level::rtl()));
    match info.paragraphs.first() {
        Some(para) => info
            .reorder_line(para, para.range.clone())
            .into_owned()
            .into(),
        None => text.into(),
    }
}

fn glyph_count(text: &str) -> usize {
    text.chars().count()
}

/// UTF-16BE code units; characters outside the BMP become U+FFFD so that one
/// code is always one glyph of known width.
fn utf16(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| if (c as u32) > 0xFFFF { '\u{FFFD}' } else { c })
        .flat_map(|c| (c as u32 as u16).to_be_bytes())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf16be_one_unit_per_char() {
        assert_eq!(utf16("Aé"), vec![0, 0x41, 0, 0xE9]);
        assert_eq!(utf16("Ж"), vec![0x04, 0x16]);
        assert_eq!(utf16("𝄞"), vec![0xFF, 0xFD]);
    }

    #[test]
    fn right_to_left_words_are_drawn_in_visual_order() {
        assert_eq!(visual_order("abc"), "abc");
        assert_eq!(visual_order("שלום"), "םולש");
        // Digits inside a Hebrew word keep their own left-to-right order.
        assert_eq!(visual_order("ב-2024"), "2024-ב");
    }
}
