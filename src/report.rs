//! The one shape of what ocrpdf reports as JSON: the `--json` lines of the
//! main command, of `ocrpdf clean` and of `ocrpdf watch`, and the
//! `--report` file.
//!
//! Every top-level object is a [`Record`]: a `schema` version and a `type`
//! naming its [`Body`]. Keys carry their unit (`skew_deg`, `bytes`,
//! `seconds`), mean the same wherever they appear, and every page and
//! document has a `warnings` list that checks append to. README's
//! "JSON output" section documents each key; bump [`SCHEMA`] when a key
//! changes meaning or goes away (new keys are not a breaking change).
//!
//! The types are built from the results of a run ([`Summary`] and its
//! [`summary::PageSummary`]s, `export::ExportReport` (converted there); `watch::Outcome` converts
//! itself, as `watch` keeps [`Warning`]s in its journal and this module
//! must not depend on it). They derive `Deserialize` too, so the tests and
//! scripts written in Rust read the same model back.

use crate::read;
use crate::summary::{self, StageTimes, Summary};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Version of the JSON shape below, in every [`Record`].
pub const SCHEMA: u32 = 1;

/// A top-level JSON object: one `--json` line, or the `--report` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// [`SCHEMA`] when written by this version.
    pub schema: u32,
    #[serde(flatten)]
    /// The record's content; its `type` key says which.
    pub body: Body,
}

/// What a record describes; its `type` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// A page of a PDF (`--json`, before its document).
    Page(PageReport),
    /// A PDF (`--json`, after its pages; `--report`, with its pages).
    Document(DocumentReport),
    /// A cleaned image written by `ocrpdf clean`.
    CleanPage(CleanPageReport),
    /// A document taken from a watched inbox, done or failed.
    WatchDocument(WatchReport),
    /// A document of `ocrpdf batch`: done, skipped or failed.
    BatchDocument(BatchReport),
    /// The last line of `ocrpdf batch`: what its shard came to.
    BatchSummary(BatchSummary),
}

impl Record {
    /// A record of this version's [`SCHEMA`].
    pub fn new(body: Body) -> Self {
        Record {
            schema: SCHEMA,
            body,
        }
    }

    /// Write the record as one line of JSON.
    pub fn write_line(&self, mut w: impl Write) -> std::io::Result<()> {
        serde_json::to_writer(&mut w, self)?;
        w.write_all(b"\n")
    }
}

/// Something a user or script should know about a page or document,
/// though its output was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable name for scripts, e.g. `few_words` (README lists them).
    pub code: String,
    /// What happened, in words.
    pub message: String,
    /// In a document's list: the page it is about (from 1); absent on a
    /// page's own list and for warnings about the whole document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// In a document's list: that page's input label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
}

impl From<&read::Warning> for Warning {
    fn from(w: &read::Warning) -> Self {
        Warning {
            code: w.code.to_string(),
            message: w.message.clone(),
            page: None,
            input: None,
        }
    }
}

/// Every page's warnings, with page number (from 1) and input, in page
/// order, then those about the whole document (no page, no input).
pub fn document_warnings(summary: &Summary) -> Vec<Warning> {
    let pages = summary.pages.iter().enumerate().flat_map(|(i, p)| {
        p.warnings.iter().map(move |w| Warning {
            page: Some(i + 1),
            input: Some(p.label.clone()),
            ..Warning::from(w)
        })
    });
    pages
        .chain(summary.document_warnings.iter().map(Warning::from))
        .collect()
}

/// A page left out of the PDF (`--blank drop`, `--split-on`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedReport {
    /// The input and page it came from.
    pub input: String,
    /// Its place in the stack as scanned (after `--duplex` ordering), from 1.
    pub position: usize,
    /// `blank` or `separator`.
    pub reason: String,
}

impl From<&summary::DroppedPage> for DroppedReport {
    fn from(d: &summary::DroppedPage) -> Self {
        DroppedReport {
            input: d.label.clone(),
            position: d.position,
            reason: d.reason.as_str().to_string(),
        }
    }
}

fn dropped(summary: &Summary) -> Vec<DroppedReport> {
    summary.dropped.iter().map(DroppedReport::from).collect()
}

/// One page of a PDF.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageReport {
    /// Its place in the PDF, from 1.
    pub page: usize,
    /// The input and page it came from, e.g. `scan.tiff (page 2 of 5)`.
    pub input: String,
    /// Words recognised and their mean confidence (0–100, one decimal).
    pub words: usize,
    /// Mean word confidence (0-100, one decimal).
    pub confidence: f64,
    /// Skew removed, in degrees, two decimals (positive: lines fell to
    /// the right).
    pub skew_deg: f64,
    /// Clockwise quarter-turn the page had as scanned and was undone: 0,
    /// 90, 180 or 270.
    pub rotation_deg: u16,
    /// Bytes the page's objects take in the PDF.
    pub bytes: u64,
    /// How its images were stored, e.g. `jbig2`, `ccitt-g4+jpeg`.
    pub codec: String,
    /// How the page is stored: `bilevel`, `mixed`, `colour-layers`,
    /// `gray` or `color` (`CleanPage::kind`).
    pub kind: String,
    /// Size of the stored page in pixels and its resolution.
    pub width_px: u32,
    /// Height of the stored page in pixels.
    pub height_px: u32,
    /// Resolution of the stored page.
    pub dpi: f64,
    /// The file's orientation tag (EXIF or TIFF), in words, when it
    /// turned or mirrored the page before anything else; `None` when
    /// upright or absent.
    pub orientation_tag: Option<String>,
    /// Seconds spent in each stage on its worker.
    pub stage_seconds: StageSeconds,
    /// What went wrong on the page without stopping it.
    pub warnings: Vec<Warning>,
    /// What became of the page: `ocr`, `kept` (a PDF page with text, left
    /// as it was), `redone` (its old invisible text replaced) or `forced`
    /// (it had text and was rasterised, `--force-ocr`).
    #[serde(default)]
    pub fate: crate::input::Fate,
    /// The page found in a phone photo (`--capture`); absent when the
    /// image was not looked at (scans, PDF pages, `--capture off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<CaptureReport>,
}

/// What was done to find the page in a photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureReport {
    /// An outline (four corners) was found.
    pub outline_found: bool,
    /// Its corners in the photo's pixels (after its orientation tag),
    /// clockwise from the top left, one decimal; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corners: Option<[[f64; 2]; 4]>,
    /// The page was warped flat to its true proportions and cropped.
    pub flattened: bool,
    /// The paper its proportions matched, which its resolution comes
    /// from (`A4`, `Letter`, `Legal`); absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<String>,
    /// The resolution the page had in the photo when it was warped up to
    /// 200 dpi (`dpi` is then the page's), one decimal; absent when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_dpi: Option<f64>,
    /// Seconds spent finding and flattening (included in
    /// `stage_seconds.decode`), three decimals.
    pub seconds: f64,
    /// Which page of a book spread cut at its spine this is (`left`,
    /// `right`; `--split-spreads`); absent when not cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// Its text lines were curved and were straightened.
    #[serde(default)]
    pub dewarped: bool,
    /// Columns of a spread page's spine shadow lifted to the paper's
    /// level (0: none).
    #[serde(default)]
    pub shadow_lifted_px: u32,
    /// Columns beyond a spread page's outer edge cut off (0: none).
    #[serde(default)]
    pub trimmed_px: u32,
}

impl From<&crate::capture::Captured> for CaptureReport {
    fn from(c: &crate::capture::Captured) -> Self {
        CaptureReport {
            outline_found: c.corners.is_some(),
            corners: c.corners.map(|q| q.map(|p| p.map(|v| round(v, 1)))),
            flattened: c.flattened,
            paper: c.paper.map(str::to_string),
            seen_dpi: c.seen_dpi.map(|d| round(f64::from(d), 1)),
            seconds: round(c.seconds, 3),
            split: c.split.map(|s| s.name().to_string()),
            dewarped: c.dewarped(),
            shadow_lifted_px: c.edges.lifted,
            trimmed_px: c.edges.trimmed,
        }
    }
}

/// Seconds per stage of one page, three decimals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageSeconds {
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

impl From<&StageTimes> for StageSeconds {
    fn from(t: &StageTimes) -> Self {
        StageSeconds {
            decode: round(t.decode, 3),
            clean: round(t.clean, 3),
            orient: round(t.orient, 3),
            ocr: round(t.ocr, 3),
            pdf: round(t.pdf, 3),
        }
    }
}

impl PageReport {
    /// Page `number` (from 1) of a conversion.
    pub fn new(number: usize, p: &summary::PageSummary) -> Self {
        PageReport {
            page: number,
            input: p.label.clone(),
            words: p.words,
            confidence: round(p.confidence.into(), 1),
            skew_deg: round(p.skew_deg.into(), 2),
            rotation_deg: p.rotated_deg,
            bytes: p.bytes as u64,
            codec: p.codec.clone(),
            kind: p.kind.to_string(),
            width_px: p.width,
            height_px: p.height,
            dpi: round(p.dpi.into(), 1),
            orientation_tag: p.orientation_tag.clone(),
            stage_seconds: StageSeconds::from(&p.seconds),
            warnings: p.warnings.iter().map(Warning::from).collect(),
            fate: p.fate,
            capture: p.capture.as_ref().map(CaptureReport::from),
        }
    }

    /// Every page of a conversion, in page order.
    pub fn all(summary: &Summary) -> Vec<PageReport> {
        let pages = summary.pages.iter().enumerate();
        pages.map(|(i, p)| PageReport::new(i + 1, p)).collect()
    }
}

/// A PDF written by a conversion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentReport {
    /// The PDF's absolute path.
    pub output: String,
    /// Pages in the PDF.
    pub page_count: usize,
    /// Size of the PDF file.
    pub bytes: u64,
    /// Wall-clock seconds of the run, two decimals; in `--json` only
    /// (the report is written before the run ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Every page's warnings (with `page` and `input`), then any about
    /// the whole document.
    pub warnings: Vec<Warning>,
    /// Pages of the stack left out of this PDF: blank pages it would have
    /// held, and the separator sheet before it.
    #[serde(default)]
    pub dropped: Vec<DroppedReport>,
    /// Pages by fate: read by OCR, kept as they were (a PDF input's
    /// pages with text), redone, forced.
    #[serde(default)]
    pub fates: Fates,
    /// Each page, in order; in `--report` only (`--json` prints them as
    /// lines of their own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<PageReport>>,
}

impl DocumentReport {
    /// The document line of `--json`, the PDF being at `output`.
    pub fn line(summary: &Summary, output: &Path, seconds: f64) -> Self {
        DocumentReport {
            output: output.to_string_lossy().into_owned(),
            page_count: summary.pages.len(),
            bytes: summary.bytes,
            seconds: Some(round(seconds, 2)),
            warnings: document_warnings(summary),
            dropped: dropped(summary),
            fates: Fates::of(summary),
            pages: None,
        }
    }

    /// The `--report` file: the document with its pages.
    pub fn with_pages(summary: &Summary, output: &Path) -> Self {
        DocumentReport {
            output: output.to_string_lossy().into_owned(),
            page_count: summary.pages.len(),
            bytes: summary.bytes,
            seconds: None,
            warnings: document_warnings(summary),
            dropped: dropped(summary),
            fates: Fates::of(summary),
            pages: Some(PageReport::all(summary)),
        }
    }
}

/// How many pages met each fate (see [`PageReport::fate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fates {
    /// Pages that were read (scans, and PDF pages without text).
    pub ocr: usize,
    /// PDF pages left as they were (they had text).
    pub kept: usize,
    /// PDF pages whose old invisible text was replaced.
    pub redone: usize,
    /// PDF pages with text that were rasterised and read.
    pub forced: usize,
}

impl Fates {
    /// The counts of a conversion's pages.
    pub fn of(summary: &Summary) -> Self {
        let mut f = Fates::default();
        for p in &summary.pages {
            *match p.fate {
                crate::input::Fate::Ocr => &mut f.ocr,
                crate::input::Fate::Kept => &mut f.kept,
                crate::input::Fate::Redone => &mut f.redone,
                crate::input::Fate::Forced => &mut f.forced,
            } += 1;
        }
        f
    }
}

/// A page image written by `ocrpdf clean`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanPageReport {
    /// The input and page it came from.
    pub input: String,
    /// The image file written (absolute), or `-` for standard output.
    pub output: String,
    /// Skew removed, in degrees.
    pub skew_deg: f64,
    /// Rotation applied to make the page upright, in degrees.
    pub rotation_deg: u16,
    /// `bilevel`, `gray`, `color`, `mixed` (bilevel with pictures) or
    /// `colour-layers`.
    pub kind: String,
    /// The layer files `--layers` wrote (absolute): mask, foreground,
    /// background; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    /// No check warns about a cleaned page yet; the list is there so
    /// scripts read every page alike.
    pub warnings: Vec<Warning>,
}

/// Whether a watched document's PDF is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The PDF is in the outbox.
    Done,
    /// The original is in `.failed/` beside its reason.
    Failed,
}

/// A document of `ocrpdf watch`, done or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchReport {
    /// The file or folder taken from the inbox.
    pub input: String,
    /// Whether it was converted.
    pub status: Status,
    /// The backs of a duplex pair (`--duplex-inbox`; `input` is the
    /// fronts); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backs: Option<String>,
    /// The PDF in the outbox; `null` when it failed.
    pub output: Option<String>,
    /// Every part of a document split at separator sheets (`output` is
    /// the first); empty otherwise.
    #[serde(default)]
    pub parts: Vec<String>,
    /// Pages and bytes of the PDF (0 when it failed).
    pub page_count: usize,
    /// Size of the PDF in bytes (0 when it failed).
    pub bytes: u64,
    /// From taking the document to its PDF being in place (0 when it
    /// failed), two decimals.
    pub seconds: f64,
    /// As a document's list in `--json`.
    pub warnings: Vec<Warning>,
    /// Its pages by fate (all zero when it failed).
    #[serde(default)]
    pub fates: Fates,
    /// Why it failed, and the exit code that failure has alone.
    pub error: Option<String>,
    /// The exit code the failure would have alone.
    pub exit_code: Option<u8>,
    /// Where the original went (`.done/…`, `.failed/…`); `null` when it
    /// was deleted or could not be moved.
    pub original: Option<String>,
    /// Where the backs of a duplex pair went, likewise; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backs_original: Option<String>,
    /// Finished from the journal after a restart.
    pub recovered: bool,
}

/// What became of a document of `ocrpdf batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Converted and placed by this run.
    Done,
    /// Its output was already in place and passed the output check.
    Skipped,
    /// It could not be converted; the rest went on.
    Failed,
}

/// A document of `ocrpdf batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    /// The document as the manifest names it.
    pub input: String,
    /// Its 0-based index among the manifest's documents.
    pub index: usize,
    /// What became of it.
    pub status: BatchStatus,
    /// The PDF's absolute path; `null` when no name could be given (the
    /// input could not be read).
    pub output: Option<String>,
    /// Pages and bytes of the PDF (0 when it failed).
    pub page_count: usize,
    /// Size of the PDF in bytes (0 when it failed).
    pub bytes: u64,
    /// Time spent on the document, two decimals.
    pub seconds: f64,
    /// What went wrong on its pages without stopping it.
    pub warnings: Vec<Warning>,
    /// Its pages by fate (zero when it failed or was skipped).
    #[serde(default)]
    pub fates: Fates,
    /// Why it failed.
    pub error: Option<String>,
    /// The exit code the failure would have alone.
    pub exit_code: Option<u8>,
}

/// Counts for one `ocrpdf batch` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSummary {
    /// `I/N`, or `null` for the whole manifest.
    pub shard: Option<String>,
    /// Documents of the shard, and what became of them.
    pub documents: usize,
    /// Documents converted.
    pub done: usize,
    /// Documents whose output was already in place.
    pub skipped: usize,
    /// Documents that failed.
    pub failed: usize,
    /// Wall-clock seconds of the run, two decimals.
    pub seconds: f64,
    /// The exit code of the run.
    pub exit_code: u8,
}

/// `path` made absolute (links resolved where it exists); `-` (standard
/// output) as it is.
pub(crate) fn absolute(path: &Path) -> String {
    if path == Path::new("-") {
        return "-".into();
    }
    // A path not (or no longer) there, such as a failed document's output:
    // its folder resolved, else the path made absolute as it stands.
    let shown = path.canonicalize().or_else(|_| {
        let abs = std::path::absolute(path)?;
        match (abs.parent(), abs.file_name()) {
            (Some(dir), Some(name)) => Ok(dir.canonicalize().map_or(abs.clone(), |d| d.join(name))),
            _ => Ok::<_, std::io::Error>(abs),
        }
    });
    shown
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Figures are rounded to what they mean: a skew to 0.01°, a time to the
/// millisecond, so lines stay short and diff well.
pub(crate) fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(code: &str) -> Warning {
        Warning {
            code: code.into(),
            message: "m".into(),
            page: None,
            input: None,
        }
    }

    #[test]
    fn records_carry_schema_and_type_and_read_back() {
        let page = PageReport {
            page: 2,
            input: "a.png".into(),
            words: 12,
            confidence: 91.5,
            skew_deg: -1.25,
            rotation_deg: 90,
            bytes: 4096,
            codec: "jbig2".into(),
            kind: "bilevel".into(),
            width_px: 2480,
            height_px: 3508,
            dpi: 300.0,
            orientation_tag: Some("turned 90° clockwise (orientation tag 6)".into()),
            stage_seconds: StageSeconds {
                decode: 0.01,
                clean: 0.2,
                orient: 0.0,
                ocr: 1.5,
                pdf: 0.05,
            },
            fate: crate::input::Fate::Ocr,
            warnings: vec![warning("few_words")],
            capture: None,
        };
        let rec = Record::new(Body::Page(page));
        let mut line = Vec::new();
        rec.write_line(&mut line).unwrap();
        assert_eq!(line.last(), Some(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["type"], "page");
        assert_eq!(v["rotation_deg"], 90);
        assert_eq!(v["stage_seconds"]["ocr"], 1.5);
        // A page's own warnings name neither page nor input.
        assert_eq!(
            v["warnings"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["code", "message"]
        );
        let back: Record = serde_json::from_slice(&line).unwrap();
        assert_eq!(back, rec);
    }

    #[test]
    fn document_line_omits_pages_and_report_omits_seconds() {
        let line = DocumentReport {
            output: "/x.pdf".into(),
            page_count: 1,
            bytes: 10,
            seconds: Some(1.5),
            warnings: Vec::new(),
            dropped: Vec::new(),
            fates: Fates::default(),
            pages: None,
        };
        let v = serde_json::to_value(Record::new(Body::Document(line.clone()))).unwrap();
        assert_eq!(v["type"], "document");
        assert!(v.get("pages").is_none() && v["seconds"] == 1.5);
        let report = DocumentReport {
            seconds: None,
            pages: Some(Vec::new()),
            ..line
        };
        let v = serde_json::to_value(Record::new(Body::Document(report))).unwrap();
        assert!(v.get("seconds").is_none() && v["pages"].is_array());
    }

    #[test]
    fn watch_status_and_failures_as_null() {
        let r = WatchReport {
            input: "in/a.png".into(),
            backs: None,
            backs_original: None,
            status: Status::Failed,
            output: None,
            parts: Vec::new(),
            page_count: 0,
            bytes: 0,
            seconds: 0.0,
            warnings: Vec::new(),
            fates: Fates::default(),
            error: Some("bad".into()),
            exit_code: Some(2),
            original: None,
            recovered: false,
        };
        let v = serde_json::to_value(Record::new(Body::WatchDocument(r))).unwrap();
        assert_eq!(v["type"], "watch_document");
        assert_eq!(v["status"], "failed");
        assert!(v["output"].is_null() && v["original"].is_null());
        // Only a duplex pair says which backs it had.
        assert!(v.get("backs").is_none() && v.get("backs_original").is_none());
    }

    #[test]
    fn rounding_keeps_the_meaningful_places() {
        assert_eq!(round(1.23456, 2), 1.23);
        assert_eq!(round(-0.005_1, 2), -0.01);
        assert_eq!(round(91.96, 1), 92.0);
    }
}
