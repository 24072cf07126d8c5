//! `ocrpdf watch`: convert whatever is dropped into an inbox folder,
//! unattended, without ever losing or duplicating a page.
//!
//! The loop (`watcher.rs`) lists the inbox whenever a file event arrives
//! (`notify`), at every deadline it is waiting for, and at least every
//! `RESCAN` (or every `--poll` seconds with events off): events can be
//! lost, and a restart must pick up what is already there. Each top-level
//! file or folder is a document (`intake::scan`); it is taken when it has settled
//! (`settle.rs`), converted on the shared page workers (`job.rs`), and its
//! PDF and original are put in place through a journal that survives a
//! kill (`journal.rs`, `dispose.rs`). The inbox and outbox must not overlap
//! (`folders.rs`).
//!
//! Parallelism: one pool of `-j` page workers serves every document, and up
//! to `-j` documents are converted at once, so a drop of many one-page
//! scans keeps every worker busy while a lone long document still gets all
//! of them, and each worker keeps its Tesseract models loaded throughout.
//! A worker held by an engine that ignores the OCR time limit is written
//! off and replaced (`pipeline::schedule`): its document fails, the pool
//! keeps `-j` live workers for the others.
//!
//! Failures: a document that does not decode is failed only if it has
//! not changed one settle time later (a writer may have paused); an output
//! error (full disk, busy file) is retried with exponential backoff
//! (`MAX_ATTEMPTS` tries) before the original goes to `.failed`.

mod dispose;
mod folders;
mod job;
mod journal;
mod log;
mod pairing;
mod phase;
mod settle;
mod watcher;

pub use dispose::Failure;
pub use log::Log;

use crate::error::{Error, ErrorKind, Result};
use crate::intake;
use crate::job::Options;
use crate::ocr::{Engines, TesseractEngines};
use crate::pipeline::Workers;
use crate::report::{self, Status, WatchReport};
use job::Ctx;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use watcher::Watcher;

/// Default settle time: unchanged this long means written.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(5);
/// How long an empty file (or a folder with no pages, or a part under a
/// temporary name) is waited for, counted from its last change, before it
/// is failed (or, for a temporary name, ignored).
pub const EMPTY_GRACE: Duration = Duration::from_secs(600);
/// How long a file whose structure says it is cut short (a JPEG without
/// its end marker, a PNG without IEND, …) is waited for, counted from its
/// last change, before it is failed: as long as an empty file, since a
/// paused network scanner or copy is the same case half-way through.
pub const INCOMPLETE_WAIT: Duration = Duration::from_secs(600);
/// How long a file in the duplex inbox waits for its backs: time to turn
/// a stack over and feed it again, with a phone call in between.
pub const DUPLEX_WAIT: Duration = Duration::from_secs(30 * 60);
/// Full listing at least this often, even with file events.
pub(crate) const RESCAN: Duration = Duration::from_secs(30);
/// Tries for a document that hits output errors (full disk, busy file).
pub(crate) const MAX_ATTEMPTS: u32 = 5;
/// First retry delay; doubled on each further try (2, 4, 8, 16 s).
pub(crate) const BACKOFF: Duration = Duration::from_secs(2);

/// What to watch and how to convert.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// The folder people and scanners drop documents into.
    pub inbox: PathBuf,
    /// Where the PDFs go, under their input's name.
    pub outbox: PathBuf,
    /// How every document is converted; `page.jobs` sizes the shared
    /// worker pool (each document is its own [`crate::Job`]).
    pub options: Options,
    /// How long a document must stay unchanged before it is taken (scanners
    /// write slowly).
    pub settle: Duration,
    /// List the folder this often instead of using file events.
    pub poll: Option<Duration>,
    /// Convert what is in the inbox now, then return.
    pub once: bool,
    /// Delete originals after success instead of moving them to `.done`.
    pub delete_originals: bool,
    /// How long an empty folder waits for its pages before it is failed.
    pub empty_grace: Duration,
    /// See [`INCOMPLETE_WAIT`].
    pub incomplete_wait: Duration,
    /// A second inbox for two-pass duplex scans: each file (or folder)
    /// dropped there is the fronts, the next one the backs, combined into
    /// one PDF in the outbox (default: none).
    pub duplex_inbox: Option<PathBuf>,
    /// How long after the fronts the backs may come (default
    /// [`DUPLEX_WAIT`]); a lone file is converted alone after it.
    pub duplex_wait: Duration,
}

impl WatchConfig {
    /// A watch of `inbox` into `outbox` with the default timings.
    pub fn new(inbox: PathBuf, outbox: PathBuf, options: Options) -> Self {
        WatchConfig {
            inbox,
            outbox,
            options,
            settle: DEFAULT_SETTLE,
            poll: None,
            once: false,
            delete_originals: false,
            empty_grace: EMPTY_GRACE,
            incomplete_wait: INCOMPLETE_WAIT,
            duplex_inbox: None,
            duplex_wait: DUPLEX_WAIT,
        }
    }
}

/// What became of one document.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The file or folder taken from the inbox (where it was).
    pub input: PathBuf,
    /// The backs of a duplex pair (`input` holds the fronts).
    pub backs: Option<PathBuf>,
    /// Where the backs went, like `original`.
    pub backs_original: Option<PathBuf>,
    /// The PDF written (`None` on failure; the first part of a split one).
    pub output: Option<PathBuf>,
    /// Every part of a document split at separator sheets, in order
    /// (empty otherwise).
    pub parts: Vec<PathBuf>,
    /// Pages in the PDF.
    pub pages: usize,
    /// From taking the document to its PDF being in place.
    pub seconds: f64,
    /// Size of the PDF.
    pub bytes: u64,
    /// Its pages' warnings, as in a document report (empty on failure).
    pub warnings: Vec<report::Warning>,
    /// Its pages by fate (zero on failure).
    pub fates: report::Fates,
    /// Where the original went: `.done/…` or `.failed/…`; `None` when it
    /// was deleted (`--delete-originals`) or could not be moved.
    pub original: Option<PathBuf>,
    /// Why it failed.
    pub failure: Option<Failure>,
    /// Finished after a restart from the journal.
    pub recovered: bool,
}

/// The `--json` line of a document.
impl From<&Outcome> for WatchReport {
    fn from(o: &Outcome) -> Self {
        let lossy = |p: &Path| p.to_string_lossy().into_owned();
        WatchReport {
            input: lossy(&o.input),
            backs: o.backs.as_deref().map(lossy),
            backs_original: o.backs_original.as_deref().map(lossy),
            status: match o.failure {
                Some(_) => Status::Failed,
                None => Status::Done,
            },
            output: o.output.as_deref().map(lossy),
            parts: o.parts.iter().map(|p| lossy(p)).collect(),
            page_count: o.pages,
            bytes: o.bytes,
            seconds: report::round(o.seconds, 2),
            warnings: o.warnings.clone(),
            fates: o.fates,
            error: o.failure.as_ref().map(|f| f.message.clone()),
            exit_code: o.failure.as_ref().map(|f| f.kind.exit_code()),
            original: o.original.as_deref().map(lossy),
            recovered: o.recovered,
        }
    }
}

impl Outcome {
    /// Its log line: how it failed and where the original went, or what
    /// was written; `None` when neither is known.
    pub fn describe(&self) -> Option<String> {
        if let Some(f) = &self.failure {
            let moved = match &self.original {
                Some(p) => format!("original moved to {}", p.display()),
                None => "original left in place".into(),
            };
            return Some(format!(
                "{}: failed (exit code {}): {}; {moved}",
                self.input.display(),
                f.kind.exit_code(),
                f.message
            ));
        }
        let out = self.output.as_ref()?;
        Some(format!(
            "{}{}: {} page{} → {}, {:.1} s, {} bytes{}",
            self.input.display(),
            self.backs
                .as_ref()
                .map_or(String::new(), |b| format!(" + {} (backs)", b.display())),
            self.pages,
            crate::english::plural(self.pages),
            out.display(),
            self.seconds,
            self.bytes,
            if self.recovered {
                " (finished after a restart)"
            } else {
                ""
            }
        ))
    }
}

/// How much a note matters: the CLI shows [`Level::Detail`] with `-v`
/// only and hides [`Level::Info`] with `-q`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// What only `--verbose` shows.
    Detail,
    /// What the watcher does, shown unless `--quiet`.
    Info,
    /// Something a person should look at; always shown.
    Warning,
}

/// Hears what the watcher does; the CLI prints it.
pub trait Events: Sync {
    /// A document was converted or failed.
    fn document(&self, _outcome: &Outcome) {}
    /// Anything else worth saying, at `level`.
    fn note(&self, _level: Level, _message: &str) {}
}

/// Counts of a finished `--once` run.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Documents converted.
    pub done: usize,
    /// Documents that failed.
    pub failed: usize,
    /// The kind of the first failure, which decides the exit code.
    pub first_failure: Option<ErrorKind>,
}

/// Watch until `cancel` is set ([`Error::Interrupted`]) or, with `once`,
/// until what was in the inbox at the start is done.
pub fn watch(cfg: &WatchConfig, events: &dyn Events, cancel: &AtomicBool) -> Result<Totals> {
    watch_with(cfg, Arc::new(TesseractEngines), events, cancel)
}

/// [`watch`] with the given engines (a fake in tests). A document whose
/// engine ignores the OCR time limit goes to `.failed` like any OCR
/// failure; the worker it held is replaced, so later documents go on.
pub fn watch_with(
    cfg: &WatchConfig,
    engines: Arc<dyn Engines>,
    events: &dyn Events,
    cancel: &AtomicBool,
) -> Result<Totals> {
    if cfg.poll.is_some_and(|p| p.is_zero()) {
        return Err(Error::Config("--poll must be more than 0 seconds".into()));
    }
    let (inbox, outbox) = folders::check(&cfg.inbox, &cfg.outbox)?;
    let duplex = match &cfg.duplex_inbox {
        Some(d) => Some(folders::check_duplex(d, &cfg.inbox, &inbox, &cfg.outbox)?),
        None => None,
    };
    if cfg.duplex_wait.is_zero() && duplex.is_some() {
        return Err(Error::Config(
            "--duplex-wait must be more than 0 seconds".into(),
        ));
    }
    intake::check_models(&cfg.options)?;
    // A document's pages come in the order the scan listed them.
    let mut options = cfg.options.clone();
    options.page.natural_sort = false;
    let journal = journal::Journal::open(&inbox, &outbox)?;
    let workers = Workers::for_pages(&options.page)?;
    let ctx = Ctx {
        cfg,
        inbox: &inbox,
        journal: &journal,
        workers: &workers,
        engines: &engines,
        options: &options,
        cancel,
    };
    let w = Watcher::new(cfg, &inbox, events, workers.count());
    let Some(duplex) = duplex else {
        return w.watch(&journal, &ctx, &outbox);
    };
    // The duplex inbox: its own journal (lock, intents, stage folder) and
    // watcher, on the same workers. Its lone files are single-sided; its
    // pairs are put in sheet order by the job.
    let duplex_journal = journal::Journal::open(&duplex, &outbox)?;
    let mut single = options.clone();
    single.stack.duplex = false;
    let duplex_ctx = Ctx {
        inbox: &duplex,
        journal: &duplex_journal,
        options: &single,
        ..ctx
    };
    let d = Watcher::new(cfg, &duplex, events, workers.count()).pairing(cfg.duplex_wait);
    let (main, second) = std::thread::scope(|s| {
        let second = s.spawn(|| d.watch(&duplex_journal, &duplex_ctx, &outbox));
        let main = w.watch(&journal, &ctx, &outbox);
        (main, second.join())
    });
    let second =
        second.map_err(|_| Error::Internal("the duplex inbox's watcher panicked".into()))?;
    let (mut totals, more) = (main?, second?);
    totals.done += more.done;
    totals.failed += more.failed;
    if totals.first_failure.is_none() {
        totals.first_failure = more.first_failure;
    }
    Ok(totals)
}
