//! Is a cleaned page blank? The backs of one-sided sheets in a duplex
//! scan are, and so is a separator sheet; a page with one short line, a
//! page number, a faint signature or a light pencil note is not.
//!
//! The bilevel image cannot decide it: the binariser's contrast floor is
//! relative to the page's own ink (`clean::binarize`), so on a blank back
//! the show-through *is* the page's ink and comes out black, and so the
//! text-line measure behind the `few_words` warning (`clean::lines`, on
//! that image) would see text lines in it. The decision
//! is taken on the cleaned grey page instead, in absolute terms, from
//! *marks*: places that are both dark (at least [`MARK_CONTRAST`] below the
//! paper) and sharp-edged (a step of at least [`MARK_EDGE`] grey levels
//! within [`EDGE_STEP_IN`]). Show-through is diffused by the paper fibres
//! and stays soft and light; creases and uneven light are soft; sensor
//! noise is sharp but light; ink, ballpoint and graphite are both dark and
//! sharp. Marks are joined into components on a grid of
//! [`CELL_IN`]-inch cells and a component counts as content unless it is
//!
//! - dust: smaller than [`MIN_MARK_IN`] across,
//! - a scanner border: it touches the edge of the page,
//! - a punched hole: round, 4–10 mm across, within an inch of an edge
//!   (ISO 838 puts 6 mm holes 12 mm from the edge).
//!
//! A page is blank when it has no content mark and OCR did not read it as
//! text: Tesseract reads show-through as words too (mirrored letters make
//! plausible ones), but few with confidence, so words count only when
//! most of them are read with confidence (text too faint to make marks).
//! A page number alone is content: a numbered page belongs to the
//! document (blank backs carry no number).

use crate::clean::CleanPage;
use crate::clean::bits::{BitImage, INK, PAPER};
use crate::clean::components::Labels;
use crate::ocr::OcrPage;
use crate::rect::Rect;
use image::GrayImage;

/// What the blank test measured on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Blankness {
    /// Marks that count as content (not dust, borders or holes).
    pub content_marks: usize,
    /// Marks set aside as dust, scanner border or punched holes.
    pub ignored_marks: usize,
    /// Words OCR read.
    pub words: usize,
    /// Of those, words read with confidence (three or more letters or
    /// digits at `WORD_MIN_CONFIDENCE`, 80).
    pub confident_words: usize,
}

impl Blankness {
    /// Whether the page counts as blank: no content marks and no words read
    /// with confidence.
    pub fn is_blank(&self) -> bool {
        self.content_marks == 0 && !self.reads_as_text()
    }

    /// Whether OCR read the page as text: some words, most of them sure.
    pub fn reads_as_text(&self) -> bool {
        self.confident_words > 0 && self.confident_words * 2 >= self.words
    }
}

/// Darkness below the paper, in grey levels, for a mark: about a sixth of
/// full contrast. Show-through reaches 15–25 % of the ink's contrast at
/// its cores before the fibres spread it; a light pencil stroke 30 % and
/// more.
pub const MARK_CONTRAST: u8 = 50;
/// Smallest grey-level step across [`EDGE_STEP_IN`] that makes an edge
/// sharp: about four times scanner noise, and more than show-through's
/// softened edges give.
pub const MARK_EDGE: u8 = 28;
/// The step is measured over 1/150 in (two pixels at 300 dpi): printed
/// and written edges rise within it, show-through spread by the paper does
/// not.
pub const EDGE_STEP_IN: f32 = 1.0 / 150.0;
/// Grid cell for joining marks: 1/75 in, small enough to keep letters of
/// a word together and apart from the next line.
pub const CELL_IN: f32 = 1.0 / 75.0;
/// Marks smaller than this across are dust (1.5 mm: less than the
/// x-height of 9-point type).
pub const MIN_MARK_IN: f32 = 0.06;
/// A punched hole's diameter range (ISO 838: 6 mm; 4–10 mm with shadows
/// and other punches), and how far from an edge its centre may lie.
const HOLE_MIN_IN: f32 = 0.15;
const HOLE_MAX_IN: f32 = 0.4;
const HOLE_REACH_IN: f32 = 1.0;
/// A hole's box is about square.
const HOLE_MAX_ASPECT: f32 = 1.5;
/// A word OCR is sure of (0–100): a page's real words read at 85–95; what
/// Tesseract makes of show-through and texture mostly well below.
pub const WORD_MIN_CONFIDENCE: f32 = 80.0;
/// Letters or digits a word needs to count (junk reads as one- and
/// two-letter words).
const WORD_MIN_CHARS: usize = 3;

/// Measure how blank `page` is, with what OCR read on it.
pub fn assess(page: &CleanPage, ocr: &OcrPage) -> Blankness {
    let (content_marks, ignored_marks) = marks(&page.gray, page.dpi.x.max(1.0));
    let words = ocr.lines.iter().map(|l| l.words.len()).sum();
    let confident_words = ocr
        .lines
        .iter()
        .flat_map(|l| &l.words)
        .filter(|w| {
            w.confidence >= WORD_MIN_CONFIDENCE
                && w.text.chars().filter(|c| c.is_alphanumeric()).count() >= WORD_MIN_CHARS
        })
        .count();
    Blankness {
        content_marks,
        ignored_marks,
        words,
        confident_words,
    }
}

/// Count the content marks and the ignored ones on `gray` at `dpi`.
pub fn marks(gray: &GrayImage, dpi: f32) -> (usize, usize) {
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return (0, 0);
    }
    let paper = paper_level(gray);
    // Sensor noise would make soft edges look sharp: average it out over
    // about 1/100 in where pixels are finer than 1/250 in (a stroke's core
    // and edge outlast it; at coarser scans a stroke is too few pixels).
    let radius = (dpi / 250.0).floor() as u32;
    let smoothed;
    let gray = if radius > 0 {
        smoothed = crate::clean::boxmean::box_mean(gray, radius);
        &smoothed
    } else {
        gray
    };
    let grid = MarkGrid::of(gray, dpi, paper);
    let cell_in = grid.cell as f32 / dpi;
    let (mut content, mut ignored) = (0, 0);
    for c in grid.components() {
        let (bw, bh) = (c.width() as f32 * cell_in, c.height() as f32 * cell_in);
        let touches_edge = c.x0 == 0 || c.y0 == 0 || c.x1 >= grid.w || c.y1 >= grid.h;
        let is_dust = bw.max(bh) < MIN_MARK_IN;
        let is_hole = {
            let (cx, cy) = (
                (c.x0 + c.x1) as f32 / 2.0 * cell_in,
                (c.y0 + c.y1) as f32 / 2.0 * cell_in,
            );
            let (pw, ph) = (w as f32 / dpi, h as f32 / dpi);
            let edge = cx.min(cy).min(pw - cx).min(ph - cy);
            let size = (HOLE_MIN_IN..=HOLE_MAX_IN).contains(&bw)
                && (HOLE_MIN_IN..=HOLE_MAX_IN).contains(&bh);
            size && bw.max(bh) <= HOLE_MAX_ASPECT * bw.min(bh) && edge <= HOLE_REACH_IN
        };
        if touches_edge || is_dust || is_hole {
            ignored += 1;
        } else {
            content += 1;
        }
    }
    (content, ignored)
}

/// The paper's grey level: the median of a sample of pixels (paper is
/// most of any page that might be blank; a full page has content anyway).
fn paper_level(gray: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    let raw = gray.as_raw();
    for &v in raw.iter().step_by(7) {
        hist[v as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let mut seen = 0;
    for (v, &n) in hist.iter().enumerate() {
        seen += n;
        if seen * 2 >= total {
            return v as u8;
        }
    }
    255
}

/// Cells of a page grid that hold a mark pixel.
struct MarkGrid {
    /// Cell side in page pixels.
    cell: u32,
    w: u32,
    h: u32,
    /// One pixel per cell, ink where the cell holds a mark.
    on: BitImage,
}

impl MarkGrid {
    fn of(gray: &GrayImage, dpi: f32, paper: u8) -> Self {
        let (w, h) = gray.dimensions();
        let cell = ((CELL_IN * dpi).round() as u32).max(1);
        let step = ((EDGE_STEP_IN * dpi).round() as u32).max(1);
        let (gw, gh) = (w.div_ceil(cell), h.div_ceil(cell));
        let mut on = vec![PAPER; (gw * gh) as usize];
        let dark = paper.saturating_sub(MARK_CONTRAST);
        let raw = gray.as_raw();
        let at = |x: u32, y: u32| raw[(y * w + x) as usize];
        for y in 0..h {
            let row = &raw[(y * w) as usize..((y + 1) * w) as usize];
            for x in 0..w {
                let v = row[x as usize];
                if v > dark {
                    continue;
                }
                // A dark pixel with a sharp step to a lighter one nearby.
                let lighter = |u: u8| u.saturating_sub(v) >= MARK_EDGE;
                let sharp = (x >= step && lighter(at(x - step, y)))
                    || (x + step < w && lighter(at(x + step, y)))
                    || (y >= step && lighter(at(x, y - step)))
                    || (y + step < h && lighter(at(x, y + step)));
                if sharp {
                    on[((y / cell) * gw + x / cell) as usize] = INK;
                }
            }
        }
        MarkGrid {
            cell,
            w: gw,
            h: gh,
            on: BitImage::from_levels(GrayImage::from_raw(gw, gh, on).expect("gw × gh cells")),
        }
    }

    /// The boxes (in cells) of the 8-connected components of the marked
    /// cells.
    fn components(&self) -> Vec<Rect> {
        Labels::new(&self.on).comps.iter().map(|c| c.rect).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn page(w: u32, h: u32) -> GrayImage {
        GrayImage::from_pixel(w, h, Luma([250]))
    }

    fn fill(g: &mut GrayImage, x0: u32, y0: u32, x1: u32, y1: u32, v: u8) {
        for y in y0..y1 {
            for x in x0..x1 {
                g.put_pixel(x, y, Luma([v]));
            }
        }
    }

    #[test]
    fn empty_paper_has_no_marks() {
        assert_eq!(marks(&page(600, 400), 100.0), (0, 0));
    }

    /// A letter-sized dark stroke is content; a speck is dust.
    #[test]
    fn strokes_are_content_and_specks_dust() {
        let mut g = page(600, 400);
        fill(&mut g, 300, 200, 303, 215, 60);
        fill(&mut g, 100, 100, 102, 102, 40);
        assert_eq!(marks(&g, 100.0), (1, 1));
    }

    /// A soft, light smudge (show-through) is no mark at all; the same
    /// shape drawn dark and sharp is one.
    #[test]
    fn soft_light_marks_are_not_marks() {
        let mut g = page(600, 400);
        for y in 180..240u32 {
            for x in 280..360u32 {
                let d = ((x as f32 - 320.0).powi(2) + (y as f32 - 210.0).powi(2)).sqrt();
                let v = 250.0 - 45.0 * (1.0 - d / 40.0).max(0.0);
                g.put_pixel(x, y, Luma([v as u8]));
            }
        }
        assert_eq!(marks(&g, 100.0), (0, 0));
        fill(&mut g, 300, 200, 330, 204, 150);
        assert_eq!(marks(&g, 100.0).0, 1);
    }

    /// Bands along an edge and round holes near it are set aside; the same
    /// disc in the middle of the page is content.
    #[test]
    fn borders_and_holes_are_ignored() {
        let dpi = 100.0;
        let mut g = page(827, 585);
        fill(&mut g, 0, 0, 15, 585, 40);
        let disc = |g: &mut GrayImage, cx: f32, cy: f32| {
            for y in 0..585u32 {
                for x in 0..827u32 {
                    if ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() <= 12.0 {
                        g.put_pixel(x, y, Luma([45]));
                    }
                }
            }
        };
        disc(&mut g, 47.0, 150.0);
        disc(&mut g, 47.0, 450.0);
        assert_eq!(marks(&g, dpi), (0, 3));
        disc(&mut g, 400.0, 300.0);
        assert_eq!(marks(&g, dpi), (1, 3));
    }
}
