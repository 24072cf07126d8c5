//! What to convert and how, in the manner of oxipng's
//! `optimize(&InFile, &OutFile, &Options)`: a [`Job`] names one document's
//! inputs and outputs; [`Options`] says how every page is treated and can be
//! shared by many jobs (`ocrpdf watch` builds a job per document).

use crate::capture::CaptureMode;
use crate::clean::CleanOptions;
use crate::input::{Dpi, Input, Limits};
use crate::ocr::OcrOptions;
use crate::pdf::{DocInfo, ImageOptions};
use crate::stack::StackOptions;
use std::path::PathBuf;

/// One document: the pages to read and the files to write.
#[derive(Debug, Clone)]
pub struct Job {
    /// Page images (or PDFs, or multi-page TIFFs) in page order.
    pub inputs: Vec<Input>,
    /// The PDF to write; replaced atomically, never one of the inputs.
    pub output: PathBuf,
    /// Files written beside the PDF, committed together with it.
    pub extras: Extras,
    /// With duplex ordering: how many of the first inputs hold the fronts
    /// (a watched duplex pair); `None` uses the rule of `--duplex` (see
    /// `stack::duplex::fronts`). Counts inputs as given, so it
    /// needs natural sorting off.
    pub fronts: Option<usize>,
}

impl Job {
    /// A job with no extra outputs.
    pub fn new(inputs: Vec<Input>, output: PathBuf) -> Self {
        Job {
            inputs,
            output,
            extras: Extras::default(),
            fronts: None,
        }
    }
}

/// Optional outputs beside the PDF (default: none).
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The recognised text, pages separated by form feeds.
    pub sidecar: Option<PathBuf>,
    /// A folder for one hOCR file per page.
    pub hocr_dir: Option<PathBuf>,
    /// A JSON report of every page (codec, bytes, skew, timings, …).
    pub report: Option<PathBuf>,
}

/// How a document is converted. `Options::default()` is what `ocrpdf`
/// does without flags.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Languages, model folder and the image OCR reads (default: English,
    /// the cleaned grey page).
    pub ocr: OcrOptions,
    /// Reading, cleanup and scheduling of pages.
    pub page: PageOptions,
    /// How images are stored (default: bilevel as the smaller of JBIG2 and
    /// G4, pictures as JPEG quality 75 at 150 dpi).
    pub images: ImageOptions,
    /// Document metadata (default: no title, dated by the newest input).
    pub info: DocInfo,
    /// Blank pages, duplex order and separator sheets (default: every page
    /// kept, in the order given, one document).
    pub stack: StackOptions,
    /// What happens to a PDF input's pages that have text, and to its
    /// scans (default: pages with text kept, scans cleaned, signed files
    /// refused).
    pub pdf: crate::input::PdfOptions,
}

/// How pages are read, cleaned and scheduled: the part every command
/// (`ocrpdf`, `ocrpdf clean`, `ocrpdf watch`) shares.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// Cleanup stages (default: all on, see [`CleanOptions`]).
    pub clean: CleanOptions,
    /// When photos are looked at for the page in them, to flatten and crop
    /// it (default [`CaptureMode::Auto`]: images that are photos by their
    /// resolution; scans never).
    pub capture: CaptureMode,
    /// Cut book spreads at their spine into two pages, in reading order
    /// (`--split-spreads`; default `false`): see [`crate::capture::spread`].
    pub split_spreads: bool,
    /// Turn pages that lie sideways or upside down (Tesseract OSD; default
    /// `true`).
    pub rotate: bool,
    /// Worker threads (default `None`: one per core). Sizes the pool of
    /// [`crate::convert`]; [`crate::convert_with`] runs on the pool it is
    /// given.
    pub jobs: Option<usize>,
    /// Overrides the resolution stated by the images (default `None`).
    pub dpi: Option<Dpi>,
    /// Order inputs by name, numbers by value (default `false`: as given).
    pub natural_sort: bool,
    /// Decoding limits (default: 300 Mpx per image, truncated JPEGs refused).
    pub limits: Limits,
    /// The memory the pages in flight must fit, in bytes (`--max-memory`):
    /// fewer pages run at once when they would not (see
    /// [`crate::Workers::for_pages`]). Default `None`: the limit of the
    /// process's cgroup, if any; `Some(0)`: no limit.
    pub max_memory: Option<u64>,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            clean: CleanOptions::default(),
            capture: CaptureMode::default(),
            split_spreads: false,
            rotate: true,
            jobs: None,
            dpi: None,
            natural_sort: false,
            limits: Limits::default(),
            max_memory: None,
        }
    }
}
