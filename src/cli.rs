//! Command-line definitions and their translation into library configs.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use ocrpdf::capture::CaptureMode;
use ocrpdf::clean::{Binarize, CleanOptions, Despeckle, Mode};
use ocrpdf::export::{ExportConfig, ImageFormat, Target};
use ocrpdf::input::{Dpi, Input, Limits, PdfOptions, TextPolicy};
use ocrpdf::ocr::{OcrOptions, OcrSource};
use ocrpdf::pdf::{Bilevel, DEFAULT_PICTURE_DPI};
use ocrpdf::pdf::{DateSource, DocDate, DocInfo, ImageOptions};
use ocrpdf::stack::sheet::Paper;
use ocrpdf::stack::{BlankPages, SplitOn, StackOptions};
use ocrpdf::watch::WatchConfig;
use ocrpdf::{Extras, Job, Options, PageOptions};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    bad arguments
  2    an input is missing, unreadable, not an image or PDF, or fails to decode
       (or a PDF is signed, or a dynamic XFA form)
  3    a dependency is missing (Tesseract language data, pdftoppm)
  4    the output was written but failed its own check
  5    the output cannot be written
  6    a PDF page already has text and --pdf-text refuse was given
  7    OCR engine failure
  8    an input PDF is encrypted
  9    invalid or unsafe configuration (e.g. output would overwrite an input)
  15   other error
  130  interrupted; no output is left behind";

const WATCH_EXIT_CODES: &str = "\
Exit codes:
  0    --once: every document converted (or nothing to do)
  N    --once: the exit code of the first document that failed (2 = not an image, 5 = cannot write, …)
  1    bad arguments
  3    a dependency is missing (Tesseract language data)
  9    invalid or unsafe configuration (e.g. OUTBOX inside INBOX, or another watcher on INBOX)
  130  interrupted (Ctrl-C, SIGTERM); unfinished documents stay in the inbox

Originals go to INBOX/.done/ after their PDF is in place, or to INBOX/.failed/ with
NAME.error.txt. Killing the watcher at any moment loses nothing: on the next start each
input still gets exactly one PDF.";

const BATCH_EXIT_CODES: &str = "\
Exit codes:
  0    every document of the shard is done or skipped (its output was already in place)
  N    the exit code of the first document that failed (2 = not an image, 5 = cannot write, …)
  1    bad arguments (a bad --shard, or an array index without a shard count)
  2    the manifest cannot be read
  3    a dependency is missing (Tesseract language data)
  130  interrupted; finished outputs stay, the document under way leaves nothing

Standard output has one JSON line per document (type batch_document), then a batch_summary
line. Output names are NAME-HASH.pdf, HASH covering the input bytes and the options that
change the output; rerunning a shard (after a kill, say) skips what is in place.";

/// Turn scanned page images into one compact, searchable PDF.
///
/// Every page is cleaned (paper made white, specks and borders removed,
/// straightened, turned upright, binarised), recognised with Tesseract, and
/// stored as a lossless JBIG2 or CCITT G4 image (pictures as JPEG) with an
/// invisible text layer, so the PDF can be searched and copied from.
///
/// `ocrpdf clean` runs the same cleanup and writes images instead.
#[derive(Debug, Parser)]
#[command(
    name = "ocrpdf",
    version,
    after_help = EXIT_CODES,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub pdf: PdfArgs,

    /// Print the OCR languages installed where ocrpdf looks for models (with --tessdata: in that folder), one per line, and exit; shell completion of -l uses it
    #[arg(long)]
    pub list_langs: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean pages and write them as images (PNG, TIFF, PNM) instead of a PDF
    #[command(after_help = EXIT_CODES)]
    Clean(CleanArgs),
    /// Convert every scan dropped into a folder, unattended (files: one PDF each; folders: one PDF of their images)
    #[command(after_help = WATCH_EXIT_CODES)]
    Watch(Box<WatchArgs>),
    /// Convert the documents of a manifest, or one shard of it (for array jobs: Kubernetes, Slurm, AWS Batch)
    #[command(after_help = BATCH_EXIT_CODES)]
    Batch(BatchArgs),
    /// The PostgreSQL job table of `ocrpdf worker`: create it, add documents, count them per state
    #[cfg(feature = "queue")]
    Queue(QueueArgs),
    /// Convert documents from the job table until stopped (SIGTERM finishes or releases the current one)
    #[cfg(feature = "queue")]
    #[command(after_help = WORKER_EXIT_CODES)]
    Worker(WorkerArgs),
    /// Write a printable separator sheet for `--split-on patch` (patch T and a PATCHT barcode) or `--split-on qr:TEXT`
    SeparatorSheet(SheetArgs),
}

/// Arguments of `ocrpdf separator-sheet`.
#[derive(Debug, Args)]
pub struct SheetArgs {
    /// The PDF to write (replaced atomically)
    #[arg(short, long, value_name = "PDF", default_value = "separator.pdf")]
    pub output: PathBuf,

    /// A QR code reading TEXT instead of the patch-T sheet
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub qr: Option<String>,

    /// Paper size
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
}

/// Arguments of the main command.
#[derive(Debug, Args)]
pub struct PdfArgs {
    /// Page images in page order: PNG, JPEG, TIFF (every page), PNM, scanned PDF (every page); `-` reads one from stdin
    #[arg(required_unless_present = "list_langs", value_name = "IMAGE")]
    pub inputs: Vec<PathBuf>,

    /// The PDF to write (replaced atomically; never one of the inputs)
    #[arg(
        short,
        long,
        value_name = "PDF",
        required_unless_present = "list_langs"
    )]
    pub output: Option<PathBuf>,

    /// Also write the recognised text to this file (pages separated by form feeds)
    #[arg(long, value_name = "FILE")]
    pub sidecar: Option<PathBuf>,

    /// Also write one hOCR file per page into this folder (NAME-0001.hocr, …)
    #[arg(long, value_name = "DIR")]
    pub hocr: Option<PathBuf>,

    /// Also write a JSON report: per page codec, bytes, skew, rotation, confidence, seconds per stage
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Print one JSON object per page (label, words, confidence, skew, rotation, bytes) and one for the document (output, pages, bytes, seconds) on standard output
    #[arg(long)]
    pub json: bool,

    /// Open the finished PDF in the desktop's viewer (xdg-open); failing to open it is not an error
    #[arg(long)]
    pub open: bool,

    /// Print the finished PDF's absolute path on standard output, for scripts
    #[arg(long, conflicts_with = "json")]
    pub print_path: bool,

    #[command(flatten)]
    pub doc: DocArgs,

    #[command(flatten)]
    pub common: Common,

    #[command(flatten)]
    pub stack: StackArgs,
}

/// What goes into each PDF besides the pages: OCR language, metadata and
/// encoding choices. Shared by every command that writes PDFs.
#[derive(Debug, Args)]
pub struct DocArgs {
    /// OCR languages, Tesseract style: `eng`, `deu`, `eng+deu`
    #[arg(
        short = 'l',
        long = "language",
        value_name = "LANGS",
        default_value = "eng"
    )]
    pub language: String,

    /// Which cleaned image Tesseract reads first: the grey page (best on most scans) or the stored bilevel one; a page that gives far fewer words than its text lines hold, or reads them with low confidence, is read from the other too and the surer reading kept
    #[arg(long, value_enum, default_value_t = OcrSource::Gray, value_name = "IMAGE")]
    pub ocr_image: OcrSource,

    /// Fail a page whose OCR takes longer than this many seconds (exit 7, naming the page); an engine that ignores the limit is abandoned a quarter of it later (at least 2 s) and the run fails; 0 means no limit
    #[arg(long, value_name = "SECS", default_value_t = 180.0, value_parser = parse_seconds)]
    pub ocr_timeout: f64,

    /// Document title stored in the PDF (any language)
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub title: Option<String>,

    /// Codec for bilevel (text) images: the smallest of lossless symbol-coded JBIG2, generic JBIG2 and CCITT G4 per page, or one of them (`jbig2`: the smaller JBIG2 coding)
    #[arg(long, value_enum, default_value_t = Bilevel::Auto, value_name = "CODEC")]
    pub bilevel: Bilevel,

    /// JPEG quality for pictures and grey/colour pages, 1–100 [default: 75]; also lets `--mode gray|color` store lossless scans as JPEG
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub jpeg_quality: Option<u8>,

    /// Store every image losslessly: pictures and grey/colour pages as Flate instead of JPEG
    #[arg(long, conflicts_with = "jpeg_quality")]
    pub lossless: bool,

    /// Resolution pictures are stored at when the scan is finer; 0 keeps the scan's
    #[arg(long, value_name = "DPI", default_value_t = DEFAULT_PICTURE_DPI)]
    pub picture_dpi: f32,
    /// Author stored in the PDF
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub author: Option<String>,

    /// Subject (a one-line description) stored in the PDF
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub subject: Option<String>,

    /// Keywords stored in the PDF, comma-separated
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub keywords: Option<String>,

    /// Creation date: a time like 2024-05-01T10:00:00Z, `now`, or `none` [default: $SOURCE_DATE_EPOCH if set, else the newest input file's modification time]
    #[arg(long, value_name = "WHEN", value_parser = parse_date)]
    pub date: Option<DateArg>,

    /// Seconds since 1970 that stand in for the clock and the inputs' times,
    /// the reproducible-builds convention; normally from the environment.
    /// Checked in `apply`, not by clap: clap would check it for every
    /// subcommand, and `ocrpdf clean` has no use for it.
    #[arg(long, env = "SOURCE_DATE_EPOCH", value_name = "SECONDS", hide = true)]
    pub source_date_epoch: Option<String>,

    /// Write PDF/A-2b for long-term archiving (adds XMP metadata and an sRGB colour profile)
    #[arg(long)]
    pub pdfa: bool,

    /// PDF input: what to do with pages that already have text. skip: keep them as they are
    /// (OCR the rest); redo: replace their invisible text (an earlier OCR layer) with new OCR;
    /// force: OCR every page, rasterising pages with text; refuse: exit 6 if any page has text
    #[arg(
        long,
        value_enum,
        default_value_t = TextPolicy::Skip,
        value_name = "POLICY",
        help_heading = "PDF input"
    )]
    pub pdf_text: TextPolicy,

    /// Same as --pdf-text skip (OCRmyPDF's name)
    #[arg(long, conflicts_with_all = ["redo_ocr", "force_ocr"], help_heading = "PDF input")]
    pub skip_text: bool,

    /// Same as --pdf-text redo (OCRmyPDF's name)
    #[arg(long, conflicts_with = "force_ocr", help_heading = "PDF input")]
    pub redo_ocr: bool,

    /// Same as --pdf-text force (OCRmyPDF's name)
    #[arg(long, help_heading = "PDF input")]
    pub force_ocr: bool,

    /// PDF input: keep scanned pages' images exactly as they are and add only the text layer
    /// (default: plain scans are cleaned and stored anew, far smaller)
    #[arg(long, help_heading = "PDF input")]
    pub keep_images: bool,

    /// PDF input: convert a digitally signed PDF, which breaks its signature (default: refused)
    #[arg(long, help_heading = "PDF input")]
    pub invalidate_digital_signatures: bool,
}

/// Sheet-feeder workflows: blank backs, two-pass duplex, separator sheets.
#[derive(Debug, Args)]
#[command(next_help_heading = "Scanner workflows")]
pub struct StackArgs {
    /// Blank pages (no ink beyond dust, borders, punched holes or show-through, and no words): keep, drop (listed with -v and --json), or keep and warn
    #[arg(long, value_enum, default_value_t = BlankPages::Keep, value_name = "WHAT")]
    pub blank: BlankPages,

    /// The inputs are all fronts, then all backs as the turned-over stack gives them (last back first): put the pages in sheet order. With two inputs, the first holds the fronts
    #[arg(long)]
    pub duplex: bool,

    /// Split into numbered documents (OUT-001.pdf, …) at separator sheets, which are left out: `blank` (a blank sheet), `patch` (a patch-T sheet, see `ocrpdf separator-sheet`), `qr` (any QR code) or `qr:TEXT`
    #[arg(long, value_name = "SHEET", value_parser = SplitParser, hide_possible_values = true)]
    pub split_on: Option<SplitOn>,
}

fn parse_split(s: &str) -> Result<SplitOn, String> {
    s.parse()
}

/// `--split-on`'s parser: any `qr:TEXT` is accepted, and the fixed kinds
/// are its possible values, for shell completion (the help text lists
/// them already).
#[derive(Clone)]
struct SplitParser;

impl TypedValueParser for SplitParser {
    type Value = SplitOn;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<SplitOn, clap::Error> {
        parse_split.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let kinds = ["blank", "patch", "qr"];
        Some(Box::new(kinds.into_iter().map(PossibleValue::new)))
    }
}

/// A `--date` value.
#[derive(Debug, Clone, Copy)]
pub enum DateArg {
    Now,
    None,
    At(DocDate),
}

impl DocArgs {
    /// Fill in the document part of a conversion's configuration. Fails
    /// on a malformed `SOURCE_DATE_EPOCH`, as that convention asks.
    pub fn apply(&self, cfg: &mut Options) -> Result<(), String> {
        cfg.ocr = OcrOptions {
            languages: self.language.clone(),
            source: self.ocr_image,
            timeout: (self.ocr_timeout > 0.0).then(|| Duration::from_secs_f64(self.ocr_timeout)),
            tessdata: cfg.ocr.tessdata.take(),
        };
        cfg.info = DocInfo {
            title: self.title.clone(),
            author: self.author.clone(),
            subject: self.subject.clone(),
            keywords: self.keywords.clone(),
            date: self.date_source()?,
            pdfa: self.pdfa,
        };
        cfg.images = ImageOptions {
            bilevel: self.bilevel,
            jpeg_quality: self.jpeg_quality,
            lossless: self.lossless,
            picture_dpi: (self.picture_dpi > 0.0).then_some(self.picture_dpi),
        };
        let text = if self.force_ocr {
            TextPolicy::Force
        } else if self.redo_ocr {
            TextPolicy::Redo
        } else if self.skip_text {
            TextPolicy::Skip
        } else {
            self.pdf_text
        };
        cfg.pdf = PdfOptions {
            text,
            keep_images: self.keep_images,
            invalidate_signatures: self.invalidate_digital_signatures,
        };
        Ok(())
    }

    /// `--date` wins; `SOURCE_DATE_EPOCH` replaces both the inputs' times
    /// and the clock (even for `--date now`: under it, "now" is the build's
    /// time); otherwise the inputs decide.
    fn date_source(&self) -> Result<DateSource, String> {
        let epoch = match &self.source_date_epoch {
            Some(s) => parse_epoch(s)?,
            None => None,
        };
        Ok(match self.date {
            Some(DateArg::None) => DateSource::Omit,
            Some(DateArg::At(d)) => DateSource::At(d),
            Some(DateArg::Now) => DateSource::At(epoch.unwrap_or_else(DocDate::now)),
            None => epoch.map_or(DateSource::Inputs, DateSource::At),
        })
    }
}

/// Arguments of `ocrpdf clean`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["dir", "output"])))]
pub struct CleanArgs {
    /// Page images: PNG, JPEG, TIFF (every page), PNM, scanned PDF (every page); `-` reads one from stdin
    #[arg(required = true, value_name = "IMAGE")]
    pub inputs: Vec<PathBuf>,

    /// Write one image per page into this folder, named after its input (multi-page TIFFs get -001, -002, …)
    #[arg(short, long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Write the one page to this file; `-` writes it to standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Image format [default: from the output's extension, else png]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ImageFormat>,

    /// Replace output files that already exist
    #[arg(long)]
    pub force: bool,

    /// For pages stored as colour layers, also write the layers: NAME-mask, NAME-foreground and NAME-background next to each page's file
    #[arg(long)]
    pub layers: bool,

    /// Print one JSON object per page on standard output (input, output, skew, rotation, kind)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub common: Common,
}

/// Arguments of `ocrpdf watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The folder scanners drop files into: each file, and each subfolder of page images, becomes one PDF
    #[arg(value_name = "INBOX")]
    pub inbox: PathBuf,

    /// The folder PDFs are written to (created if missing; never inside INBOX or the reverse)
    #[arg(
        short = 'o',
        long = "out",
        visible_alias = "output",
        value_name = "OUTBOX"
    )]
    pub out: PathBuf,

    /// Seconds a file (or every file of a folder) must stay unchanged before it is taken
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    pub settle: f64,

    /// Seconds a file that its own structure says is cut short (JPEG without its end marker, PNG without IEND, TIFF data past the end, PDF without its trailer) is waited for after its last change, before it goes to INBOX/.failed/
    #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = parse_seconds)]
    pub incomplete_wait: f64,

    /// List INBOX every SECONDS instead of using file events (for network file systems)
    #[arg(long, value_name = "SECONDS", value_parser = parse_positive_seconds)]
    pub poll: Option<f64>,

    /// Convert what is in INBOX now (waiting for it to settle), then exit
    #[arg(long)]
    pub once: bool,

    /// A second inbox for two-pass duplex scans: the first file (or folder) dropped there holds the fronts, the next one the backs (last sheet first, as a turned-over stack feeds), and the two become one PDF in sheet order; originals go to DIR/.done/ only after that PDF is in place. A folder apart from INBOX and OUTBOX
    #[arg(long, value_name = "DIR")]
    pub duplex_inbox: Option<PathBuf>,

    /// Seconds the backs may come after the fronts in --duplex-inbox (counted between the files' modification times); a file with none after it is converted alone, single-sided, with a warning. With --once, a lone file is converted alone at once
    #[arg(long, value_name = "SECONDS", default_value = "1800", value_parser = parse_positive_seconds, requires = "duplex_inbox")]
    pub duplex_wait: f64,

    /// Delete originals after their PDF is in place, instead of moving them to INBOX/.done/ (failed ones are always kept)
    #[arg(long)]
    pub delete_originals: bool,

    /// Print one JSON object per document on standard output (input, output, pages, seconds, bytes, status, error)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub doc: DocArgs,

    #[command(flatten)]
    pub common: Common,

    #[command(flatten)]
    pub stack: StackArgs,
}

/// Arguments of `ocrpdf batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// One document per line: an image, a PDF, or a folder of page images (one PDF of them, in natural order); `#` comments and blank lines are ignored; relative paths are from the manifest's folder
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,

    /// The folder outputs go to, shared by every shard (created if missing)
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,

    /// Take only the documents whose index (from 0, comments and blank lines not counted) is I modulo N [default: from JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID; else all]
    #[arg(long, value_name = "I/N", value_parser = ocrpdf::batch::Shard::parse)]
    pub shard: Option<ocrpdf::batch::Shard>,

    /// The number of shards when the index comes from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (which give no count)
    #[arg(long, env = "OCRPDF_SHARDS", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,

    #[command(flatten)]
    pub doc: DocArgs,

    #[command(flatten)]
    pub common: Common,

    #[command(flatten)]
    pub stack: StackArgs,
}

impl BatchArgs {
    pub fn to_config(&self) -> Result<ocrpdf::batch::BatchConfig, String> {
        let shard = match self.shard {
            Some(s) => Some(s),
            None => ocrpdf::batch::Shard::from_env(
                |k| std::env::var(k).ok(),
                self.shards.map(|n| n as usize),
            )?,
        };
        Ok(ocrpdf::batch::BatchConfig {
            manifest: self.manifest.clone(),
            out: self.out.clone(),
            shard,
            options: self.common.options(&self.doc, &self.stack)?,
        })
    }
}

#[cfg(feature = "queue")]
const WORKER_EXIT_CODES: &str = "\
Exit codes:
  0    stopped by SIGTERM or Ctrl-C (the current job finished or released), or --drain and nothing left
  1    bad arguments
  3    a dependency is missing (Tesseract language data)
  9    the job table or the store cannot be reached or used

A job's failures are recorded in the table (its error; `dead` after --max-attempts), not in
the exit code.";

/// Arguments of `ocrpdf queue`.
#[cfg(feature = "queue")]
#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub action: QueueAction,
}

#[cfg(feature = "queue")]
#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Create the job table (safe to run again)
    Init(DbArg),
    /// Enqueue documents: local files or folders, or object-store URLs (s3://bucket/key, s3://bucket/prefix/ for a folder of pages, file:///path)
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<String>,
    },
    /// Print how many jobs are in each state (queued, running, done, dead)
    Status(DbArg),
}

#[cfg(feature = "queue")]
impl QueueArgs {
    /// The database URL and what to do there.
    pub fn to_admin(&self) -> (&str, ocrpdf::queue::Admin) {
        use ocrpdf::queue::Admin;
        match &self.action {
            QueueAction::Init(d) => (&d.db, Admin::Init),
            QueueAction::Add { db, sources } => (&db.db, Admin::Add(sources.clone())),
            QueueAction::Status(d) => (&d.db, Admin::Status),
        }
    }
}

#[cfg(feature = "queue")]
#[derive(Debug, Args)]
pub struct DbArg {
    /// PostgreSQL URL, e.g. postgresql://user@host:5432/db
    #[arg(long, env = "OCRPDF_DB", value_name = "URL")]
    pub db: String,
}

/// Arguments of `ocrpdf worker`.
#[cfg(feature = "queue")]
#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub db: DbArg,

    /// Where outputs go: file:///dir or s3://bucket/prefix (S3 settings from AWS_* variables)
    #[arg(long = "out", value_name = "STORE_URL")]
    pub out: String,

    /// Seconds a claim holds without a heartbeat (beats come every third of it)
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_positive_seconds)]
    pub lease: f64,

    /// Failed attempts after which a job is dead (its error kept)
    #[arg(long, value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,

    /// Exit once no job is left to claim
    #[arg(long)]
    pub drain: bool,

    /// Seconds between looks at an empty queue
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = parse_positive_seconds)]
    pub poll: f64,

    #[command(flatten)]
    pub doc: DocArgs,

    #[command(flatten)]
    pub common: Common,

    #[command(flatten)]
    pub stack: StackArgs,
}

#[cfg(feature = "queue")]
impl WorkerArgs {
    pub fn to_config(&self) -> Result<ocrpdf::queue::WorkerConfig, String> {
        // One job, one object: a stack split into parts has no place yet.
        if self.stack.split_on.is_some() {
            return Err(
                "--split-on is not supported by `ocrpdf worker` (one job gives one output); use `ocrpdf batch` or `ocrpdf watch`".into(),
            );
        }
        Ok(ocrpdf::queue::WorkerConfig {
            db: self.db.db.clone(),
            out: self.out.clone(),
            options: self.common.options(&self.doc, &self.stack)?,
            lease: Duration::from_secs_f64(self.lease),
            max_attempts: self.max_attempts,
            drain: self.drain,
            poll: Duration::from_secs_f64(self.poll),
        })
    }
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct Common {
    /// Pages processed at once [default: number of cores]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Resolution of the scans, overriding what the files say (estimated from the text size when they say nothing, 300 without text)
    #[arg(long, value_name = "DPI", value_parser = parse_dpi)]
    pub dpi: Option<f32>,

    /// Order inputs by name with numbers compared by value (scan2 before scan10)
    #[arg(long)]
    pub natural_sort: bool,

    /// How pages are stored: `auto` keeps text bilevel and pictures in grey or colour; `bw`, `gray`, `color` force one kind for the whole page
    #[arg(long, value_enum, default_value_t = Mode::Auto, value_name = "MODE")]
    pub mode: Mode,

    /// How hard to remove specks and dust
    #[arg(long, value_enum, default_value_t = Despeckle::Normal, value_name = "LEVEL")]
    pub despeckle: Despeckle,

    /// Thresholding method: local ink and paper means with a page contrast floor (keeps faded ink, drops show-through), Sauvola's local threshold, or one global threshold
    #[arg(long, value_enum, default_value_t = Binarize::Intermeans, value_name = "METHOD")]
    pub binarize: Binarize,

    /// Do not whiten the paper background (for scans that are already clean)
    #[arg(long)]
    pub keep_background: bool,

    /// Do not straighten skewed pages
    #[arg(long)]
    pub no_deskew: bool,

    /// Do not turn pages that lie sideways or upside down
    #[arg(long)]
    pub no_rotate: bool,

    /// Find the page in a phone photo, remove the perspective and crop to it: `auto` on images that are photos by their resolution (under 150 dpi or none, longer than paper at it), never on scans; `on` on every image (a scan may then be cropped to a large straight-edged box on it); `off` never
    #[arg(long, value_enum, default_value_t = CaptureMode::Auto, value_name = "WHEN")]
    pub capture: CaptureMode,

    /// Cut photos and scans of an open book at the spine into two pages, left then right (right then left when the first -l language is written right to left: ara, heb, fas, urd, …); the spine is found (a band no text line crosses, usually shadowed, near the middle); an image with none stays one page
    #[arg(long)]
    pub split_spreads: bool,

    /// Keep dark scanner borders at the page edges instead of whitening them
    #[arg(long)]
    pub keep_borders: bool,

    /// Folder of Tesseract models (LANG.traineddata, osd.traineddata) to use, the only one searched [default: $TESSDATA_PREFIX if set, else ~/.local/share/ocrpdf/tessdata (scripts/get-model.sh) if it has the languages, else Debian's]
    #[arg(long, value_name = "DIR")]
    pub tessdata: Option<PathBuf>,

    /// Refuse images larger than this many pixels (guards against decompression bombs)
    #[arg(long, value_name = "N", default_value_t = ocrpdf::input::DEFAULT_MAX_PIXELS)]
    pub max_pixels: u64,

    /// Keep what a truncated JPEG decodes to, with a warning for its page, instead of refusing it (exit 2)
    #[arg(long)]
    pub accept_truncated: bool,

    /// Memory the pages in flight must fit (e.g. 2G, 500M; 0: no limit): fewer pages run at once when they would not [default: the cgroup's memory limit, if any]
    #[arg(long, value_name = "SIZE", value_parser = ocrpdf::memory::parse_size)]
    pub max_memory: Option<u64>,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,

    /// Print a line per page: what was found and done to it
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
}

fn parse_dpi(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (20.0..=10_000.0).contains(&v) => Ok(v),
        _ => Err("expected a number between 20 and 10000".into()),
    }
}

/// Metadata text: no control characters (XML cannot hold them) and short
/// enough for PDF's 32767-byte string limit even as UTF-16.
fn parse_text(s: &str) -> Result<String, String> {
    if let Some(c) = s.chars().find(|&c| ocrpdf::pdf::is_forbidden_char(c)) {
        return Err(format!(
            "control character U+{:04X} is not allowed",
            c as u32
        ));
    }
    if s.chars().count() > 8000 {
        return Err("longer than 8000 characters".into());
    }
    Ok(s.to_string())
}

fn parse_date(s: &str) -> Result<DateArg, String> {
    match s {
        "now" => Ok(DateArg::Now),
        "none" => Ok(DateArg::None),
        _ => DocDate::parse(s).map(DateArg::At),
    }
}

/// A `SOURCE_DATE_EPOCH` value; empty counts as unset.
fn parse_epoch(s: &str) -> Result<Option<DocDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>().ok().and_then(DocDate::from_unix) {
        Some(d) => Ok(Some(d)),
        None => Err(format!(
            "SOURCE_DATE_EPOCH='{s}': expected whole seconds since 1970-01-01 UTC, before the year 10000"
        )),
    }
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err("expected a number of seconds between 0 and 86400".into()),
    }
}

fn parse_positive_seconds(s: &str) -> Result<f64, String> {
    match parse_seconds(s)? {
        v if v >= 0.1 => Ok(v),
        _ => Err("expected at least 0.1 seconds".into()),
    }
}

fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input::Stdin
            } else {
                Input::Path(p.clone())
            }
        })
        .collect()
}

impl Common {
    /// The conversion options of `ocrpdf` and `ocrpdf watch`.
    fn options(&self, doc: &DocArgs, stack: &StackArgs) -> Result<Options, String> {
        let mut opts = Options {
            page: self.page_options(),
            ..Options::default()
        };
        opts.ocr.tessdata = self.tessdata.clone();
        doc.apply(&mut opts)?;
        opts.stack = StackOptions {
            blank: stack.blank,
            duplex: stack.duplex,
            split: stack.split_on.clone(),
        };
        Ok(opts)
    }

    /// The page options every command shares.
    pub fn page_options(&self) -> PageOptions {
        PageOptions {
            clean: self.clean_options(),
            capture: self.capture,
            split_spreads: self.split_spreads,
            rotate: !self.no_rotate,
            jobs: self.jobs.map(usize::from),
            dpi: self.dpi.map(Dpi::uniform),
            natural_sort: self.natural_sort,
            limits: Limits {
                max_pixels: self.max_pixels,
                accept_truncated: self.accept_truncated,
                ..Limits::default()
            },
            max_memory: self.max_memory,
        }
    }

    fn clean_options(&self) -> CleanOptions {
        CleanOptions {
            whiten_background: !self.keep_background,
            binarize: self.binarize,
            despeckle: self.despeckle,
            deskew: !self.no_deskew,
            remove_borders: !self.keep_borders,
            mode: self.mode,
        }
    }
}

impl PdfArgs {
    /// The document to make and how.
    pub fn to_job(&self) -> Result<(Job, Options), String> {
        let output = self
            .output
            .clone()
            .expect("clap requires -o without a subcommand");
        let mut job = Job::new(inputs(&self.inputs), output);
        job.extras = Extras {
            sidecar: self.sidecar.clone(),
            hocr_dir: self.hocr.clone(),
            report: self.report.clone(),
        };
        Ok((job, self.common.options(&self.doc, &self.stack)?))
    }
}

impl WatchArgs {
    pub fn to_config(&self) -> Result<WatchConfig, String> {
        let options = self.common.options(&self.doc, &self.stack)?;
        let mut cfg = WatchConfig::new(self.inbox.clone(), self.out.clone(), options);
        cfg.settle = Duration::from_secs_f64(self.settle);
        cfg.incomplete_wait = Duration::from_secs_f64(self.incomplete_wait);
        cfg.poll = self.poll.map(Duration::from_secs_f64);
        cfg.once = self.once;
        cfg.delete_originals = self.delete_originals;
        cfg.duplex_inbox = self.duplex_inbox.clone();
        cfg.duplex_wait = Duration::from_secs_f64(self.duplex_wait);
        Ok(cfg)
    }
}

impl CleanArgs {
    pub fn to_config(&self) -> ExportConfig {
        let target = match (&self.dir, &self.output) {
            (Some(d), _) => Target::Dir(d.clone()),
            (None, Some(o)) if o.as_os_str() == "-" => Target::Stdout,
            (None, Some(o)) => Target::File(o.clone()),
            (None, None) => unreachable!("clap requires -d or -o"),
        };
        ExportConfig {
            inputs: inputs(&self.inputs),
            target,
            format: self.format,
            page: self.common.page_options(),
            tessdata: self.common.tessdata.clone(),
            force: self.force,
            layers: self.layers,
        }
    }
}
