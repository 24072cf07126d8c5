//! OCR behind a narrow interface: an image in, engine-neutral words out.
//!
//! The PDF side only sees [`OcrPage`]; which engine produced it is not its
//! business.

mod engines;
pub(crate) mod hocr;
pub mod order;
mod source;
mod tesseract;

pub(crate) use engines::OSD;
pub use engines::{Engines, TesseractEngines};
pub(crate) use source::MAX_SIDE;
pub use source::OcrImage;
pub use tesseract::model_folders;
pub use tesseract::{Tesseract, check_languages};

pub use crate::rect::Rect;

use crate::input::Dpi;
use image::GrayImage;
use std::path::PathBuf;
use std::time::Duration;

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word as read.
    pub text: String,
    /// Where it is, in image pixels.
    pub bbox: Rect,
    /// 0–100, the engine's own confidence.
    pub confidence: f32,
}

/// A text line: its box, its baseline and its words in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's box, in image pixels.
    pub bbox: Rect,
    /// Two points on the baseline, in image pixels.
    pub baseline: ((f32, f32), (f32, f32)),
    /// Its words, left to right in reading order.
    pub words: Vec<Word>,
    /// Index of its paragraph in [`OcrPage::paragraphs`]; `None` when the
    /// engine gave no paragraphs.
    pub paragraph: Option<usize>,
}

/// What the engine's layout analysis took a block for. Tesseract's
/// `PolyBlockType`, reduced to what matters for reading order and output:
/// text-bearing kinds only (image and rule blocks hold no lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockKind {
    /// Running text in a column (Tesseract's flowing and heading text
    /// together: it calls most one-column text "flowing").
    #[default]
    Text,
    /// A headline (`PT_HEADING_TEXT`).
    Heading,
    /// A pull-out quote or sidebar set into the columns (`PT_PULLOUT_TEXT`).
    PullOut,
    /// A caption (`PT_CAPTION_TEXT`).
    Caption,
    /// Text in a table (`PT_TABLE`).
    Table,
    /// Vertical text (`PT_VERTICAL_TEXT`).
    Vertical,
    /// Anything else that held words (equations, unknown kinds).
    Other,
}

/// A paragraph as the engine grouped it: its box and its block.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// The paragraph's box, in image pixels.
    pub bbox: Rect,
    /// Index of its block in [`OcrPage::blocks`].
    pub block: usize,
}

/// A block (a region of the page: a column piece, a headline, a caption)
/// as the engine's layout analysis found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The block's box, in image pixels.
    pub bbox: Rect,
    /// What kind of block it is.
    pub kind: BlockKind,
}

/// Everything the engine found on one page, lines in reading order.
///
/// Lines are the unit of order ([`order`]): the engine's blocks and
/// paragraphs are kept (for hOCR's `ocr_carea`/`ocr_par` and the sidecar's
/// paragraph breaks) but their order is not trusted. A line refers to its
/// paragraph and a paragraph to its block by index, so dropping lines (the
/// picture and existing-text filters do) never invalidates them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrPage {
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// The engine's paragraphs, in the engine's order.
    pub paragraphs: Vec<Paragraph>,
    /// The engine's blocks, in the engine's order.
    pub blocks: Vec<Block>,
}

impl OcrPage {
    /// The recognised text, a space between words and a newline per line.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for line in &self.lines {
            let words: Vec<&str> = line.words.iter().map(|w| w.text.as_str()).collect();
            s.push_str(&words.join(" "));
            s.push('\n');
        }
        s
    }
}

/// What the engine is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOptions {
    /// Tesseract-style language list, e.g. `eng` or `eng+deu`.
    pub languages: String,
    /// Which cleaned image OCR reads.
    pub source: OcrSource,
    /// The folder of Tesseract models to use; `None` searches
    /// `TESSDATA_PREFIX`, else ocrpdf's own folder, then the system's
    /// ([`check_languages`]).
    pub tessdata: Option<PathBuf>,
    /// How long OCR may take on one page before the page fails (default
    /// 180 s; `None`: no limit). Engines that can stop cooperatively do
    /// (Tesseract checks it between words).
    pub timeout: Option<Duration>,
}

/// The default per-page OCR time limit: generous for a dense 600-dpi page
/// on a slow core (a typical page takes 1–5 s), short enough that a hung
/// page does not hold a batch for long.
pub const DEFAULT_OCR_TIMEOUT: Duration = Duration::from_secs(180);

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            languages: "eng".into(),
            source: OcrSource::default(),
            tessdata: None,
            timeout: Some(DEFAULT_OCR_TIMEOUT),
        }
    }
}

/// Which cleaned image OCR reads (both are deskewed and upright).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OcrSource {
    /// The background-normalised grey page.
    #[default]
    Gray,
    /// The stored bilevel image (picture regions blank).
    Bilevel,
}

/// How a page lies: `degrees` is its clockwise rotation as scanned (0, 90,
/// 180 or 270); turning it back by that much makes it upright.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orientation {
    /// Clockwise rotation that makes the page upright: 0, 90, 180 or 270.
    pub degrees: u16,
    /// The engine's confidence; 0 when it could not tell.
    pub confidence: f32,
}

/// Finds which way up a page is. One per worker thread.
pub trait OrientationDetector {
    /// Which way up `image` is; an error is the engine's message.
    fn detect_orientation(&mut self, image: &GrayImage, dpi: Dpi) -> Result<Orientation, String>;
}

/// An OCR engine instance. One per worker thread: engines are not shared.
pub trait Engine {
    /// Read `image`; boxes are in `image.gray`'s pixels (see [`read`]).
    fn recognize(&mut self, image: &OcrImage) -> Result<OcrPage, String>;
}

/// Read `image` with `engine`, boxes mapped back to the stored page's
/// pixels and lines put in reading order ([`order::reading_order`]): the
/// one door through which the pipeline runs OCR, so the text layer, hOCR
/// and the sidecar text all follow one order.
pub fn read(engine: &mut dyn Engine, image: &OcrImage) -> Result<OcrPage, String> {
    engine
        .recognize(image)
        .map(|page| order::reading_order(image.to_page_coords(page)))
}
