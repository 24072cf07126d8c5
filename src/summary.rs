//! What a conversion produced: one [`PageSummary`] per page and the
//! document's [`Summary`]. Written by the pipeline, read by the report
//! writers and callers; it depends on no stage that produces it.

use crate::clean;
use crate::input::PageRef;
use crate::ocr::{self, OcrPage};
use crate::read::Warning;

/// What a finished conversion produced.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// One report per page kept, in page order (over all parts).
    pub pages: Vec<PageSummary>,
    /// Size of the PDFs written.
    pub bytes: u64,
    /// Pages left out (blank with `--blank drop`, separator sheets), in
    /// stack order.
    pub dropped: Vec<DroppedPage>,
    /// The PDFs written, in order: the job's output, or with `--split-on`
    /// its numbered parts.
    pub parts: Vec<Part>,
    /// Warnings about the run as a whole (e.g. `stale_part`), after the
    /// pages' own.
    pub document_warnings: Vec<Warning>,
}

/// One PDF of a conversion.
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it was written.
    pub output: std::path::PathBuf,
    /// Its pages, as indices into [`Summary::pages`].
    pub pages: std::ops::Range<usize>,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// The dropped pages reported with it, as indices into
    /// [`Summary::dropped`]: the separators before it and the blank pages
    /// in it (the last part also takes any after it).
    pub dropped: std::ops::Range<usize>,
}

/// A page left out of the PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedPage {
    /// The input and page it came from.
    pub label: String,
    /// Its place in the stack as scanned, from 1 (after `--duplex`
    /// ordering).
    pub position: usize,
    /// Why it was left out.
    pub reason: crate::stack::Dropped,
}

impl Summary {
    /// Part `i` alone, as the summary of its own document (its report
    /// file and its `--json` line).
    pub fn part(&self, i: usize) -> Summary {
        let part = &self.parts[i];
        Summary {
            pages: self.pages[part.pages.clone()].to_vec(),
            bytes: part.bytes,
            dropped: self.dropped[part.dropped.clone()].to_vec(),
            document_warnings: self.document_warnings.clone(),
            parts: vec![Part {
                pages: 0..part.pages.len(),
                dropped: 0..part.dropped.len(),
                ..part.clone()
            }],
        }
    }
}

impl Summary {
    /// One line on the pages of a PDF input kept as they were, if any.
    pub fn kept_notice(&self) -> Option<String> {
        let kept = self
            .pages
            .iter()
            .filter(|p| p.fate == crate::input::Fate::Kept)
            .count();
        (kept > 0).then(|| {
            format!(
                "{kept} of {} page{} kept as {} (already with text; --redo-ocr or --force-ocr \
                 reads them again)",
                self.pages.len(),
                crate::english::plural(self.pages.len()),
                if kept == 1 { "it was" } else { "they were" }
            )
        })
    }
}

/// What happened to one page.
#[derive(Debug, Clone)]
pub struct PageSummary {
    /// The input and page it came from, e.g. `scan.tiff (page 2 of 5)`.
    pub label: String,
    /// Skew removed, in degrees (positive: lines fell to the right).
    pub skew_deg: f32,
    /// Clockwise quarter-turn the page had as scanned and was undone (0,
    /// 90, 180 or 270).
    pub rotated_deg: u16,
    /// Words recognised and their mean confidence (0–100).
    pub words: usize,
    /// Mean word confidence (0-100).
    pub confidence: f32,
    /// Bytes the page's objects take in the PDF.
    pub bytes: usize,
    /// How its images were stored, e.g. `ccitt-g4` or `ccitt-g4+jpeg`.
    pub codec: String,
    /// How the page is stored ([`crate::clean::CleanPage::kind`]).
    pub kind: &'static str,
    /// Size of the cleaned page in pixels and its resolution.
    pub width: u32,
    /// Height of the cleaned page in pixels.
    pub height: u32,
    /// Resolution of the cleaned page.
    pub dpi: f32,
    /// Where the time went.
    pub seconds: StageTimes,
    /// The recognised text, a line per text line.
    pub text: String,
    /// What the user should know about this page (e.g. `few_words`).
    pub warnings: Vec<Warning>,
    /// How blank the page measured, when the stack options asked.
    pub blank: Option<crate::stack::Blankness>,
    /// The file's orientation tag, in words, when it turned or mirrored
    /// the page at decoding (a phone photo's EXIF); `None` when upright.
    pub orientation_tag: Option<String>,
    /// What became of the page (a PDF input's pages may be kept).
    pub fate: crate::input::Fate,
    /// Whether the page was looked for in a photo, and what was found
    /// and done ([`crate::capture`]); `None` when it was not looked for.
    pub capture: Option<crate::capture::Captured>,
}

/// Seconds spent in each stage of one page (on its worker thread).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Decoding the input.
    pub decode: f64,
    /// Cleanup, including a second pass after turning the page.
    pub clean: f64,
    /// Orientation detection (zero when OCR showed the page upright).
    pub orient: f64,
    /// Text recognition.
    pub ocr: f64,
    /// Image encoding and the page's PDF objects.
    pub pdf: f64,
}

impl PageSummary {
    /// A page read and stored: `stored` is its bytes and codecs.
    pub(crate) fn stored(
        page: &PageRef,
        cleaned: &clean::CleanPage,
        rotated_deg: u16,
        ocr: &OcrPage,
        (bytes, codec): (usize, String),
        seconds: StageTimes,
    ) -> Self {
        let words: Vec<&ocr::Word> = ocr.lines.iter().flat_map(|l| &l.words).collect();
        let confidence = if words.is_empty() {
            0.0
        } else {
            words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
        };
        PageSummary {
            label: page.label(),
            skew_deg: cleaned.skew_deg,
            rotated_deg,
            words: words.len(),
            confidence,
            bytes,
            codec,
            kind: cleaned.kind(),
            width: cleaned.bits.width(),
            height: cleaned.bits.height(),
            dpi: cleaned.dpi.x,
            seconds,
            text: ocr.text(),
            warnings: cleaned
                .warnings
                .iter()
                .cloned()
                .chain(crate::read::few_words(&cleaned.ink, words.len()))
                .collect(),
            orientation_tag: None,
            blank: None,
            fate: crate::input::Fate::Ocr,
            capture: None,
        }
    }

    /// A PDF page copied as it is.
    pub(crate) fn kept(page: &PageRef, seconds: StageTimes) -> Self {
        PageSummary {
            label: page.label(),
            skew_deg: 0.0,
            rotated_deg: 0,
            words: 0,
            confidence: 0.0,
            bytes: 0,
            codec: String::new(),
            kind: "kept",
            width: 0,
            height: 0,
            dpi: 0.0,
            seconds,
            text: String::new(),
            warnings: Vec::new(),
            blank: None,
            orientation_tag: None,
            fate: crate::input::Fate::Kept,
            capture: None,
        }
    }
}

/// The lines the CLI prints about a conversion, beside what they describe
/// so that `main.rs` only chooses which to print.
impl PageSummary {
    /// The `-v` line of a page: what was read and how it was stored.
    pub fn describe(&self) -> String {
        use crate::input::Fate;
        if self.fate == Fate::Kept {
            return format!("{}: kept as it is (it has text)", self.label);
        }
        let tagged = match &self.orientation_tag {
            Some(o) => format!("{o} as its file says, then "),
            None => String::new(),
        };
        let tagged = match &self.capture {
            Some(c) => format!("{}, {tagged}", c.describe()),
            None => tagged,
        };
        let blank = match self.blank {
            Some(b) if b.is_blank() => ", blank".to_string(),
            Some(b) => format!(
                ", not blank ({} marks, {} of {} words sure)",
                b.content_marks, b.confident_words, b.words
            ),
            None => String::new(),
        };
        let fate = match self.fate {
            Fate::Ocr => "",
            Fate::Redone => " (earlier text layer replaced)",
            _ => " (had text, rasterised: --force-ocr)",
        };
        format!(
            "{}{fate}: {} words (confidence {:.0}), skew {:+.2}°, {tagged}turned {}°, {} KiB{blank}",
            self.label,
            self.words,
            self.confidence,
            self.skew_deg,
            self.rotated_deg,
            self.bytes.div_ceil(1024)
        )
    }
}

impl DroppedPage {
    /// The line of a page left out of the PDF.
    pub fn describe(&self) -> String {
        format!(
            "{}: left out ({}, sheet position {})",
            self.label,
            self.reason.as_str(),
            self.position
        )
    }
}

impl Part {
    /// The closing line of a written PDF, `seconds` the whole run's time.
    pub fn describe(&self, seconds: f64) -> String {
        let pages = self.pages.len();
        format!(
            "{}: {} page{}, {} KiB, {:.1} s",
            self.output.display(),
            pages,
            crate::english::plural(pages),
            self.bytes.div_ceil(1024),
            seconds
        )
    }
}
