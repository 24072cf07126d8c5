//! The page pipeline: pages in parallel, written in order.
//!
//! [`convert_with`] checks the job ([`crate::prepare`]), lists its pages,
//! and runs each page (`page`: decode, clean, read, build) on the
//! workers, at most `2 × workers` pages in flight (`schedule`), while
//! the calling thread streams finished pages into the document
//! (`document`: temp file, extras, check, commit). Engines come from an
//! [`Engines`]: Tesseract for real runs, a fake in tests.

mod document;
mod page;
mod schedule;
mod stack;

pub use stack::part_path;

pub(crate) use page::clean_upright;

use crate::error::{Error, Result};
use crate::input::{self, Input, PageRef};
use crate::job::{Job, Options};
use crate::ocr::{Engines, TesseractEngines};
use crate::pdf::{DateSource, DocDate};
use crate::prepare::{Preflight, prepare};
use crate::summary::Summary;
use std::sync::atomic::AtomicBool;

/// Hears about progress; the CLI draws a bar with it.
pub trait Progress: Sync {
    fn start(&self, _pages: usize) {}
    fn page_done(&self, _page: &PageRef) {}
}

/// Progress that reports nothing.
pub struct Silent;
impl Progress for Silent {}

/// Convert `job`'s images into one searchable PDF, on a new pool of
/// `opts.page.jobs` workers with Tesseract.
///
/// `cancel` is polled between pages; once set, the run stops, the partial
/// output is discarded and [`Error::Interrupted`] is returned.
pub fn convert(
    job: &Job,
    opts: &Options,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Summary> {
    let workers = Workers::new(opts.page.jobs)?;
    convert_with(&workers, &TesseractEngines, job, opts, progress, cancel)
}

/// Page workers that outlive one document: each keeps its engines loaded,
/// and several documents converted at once on the same workers share them
/// page by page (`ocrpdf watch`).
pub struct Workers(rayon::ThreadPool);

impl Workers {
    /// `jobs` workers; `None` means one per core.
    pub fn new(jobs: Option<usize>) -> Result<Self> {
        worker_pool(jobs).map(Workers)
    }

    pub fn count(&self) -> usize {
        self.0.current_num_threads()
    }
}

/// [`convert`] on existing workers with the given engines.
pub fn convert_with(
    workers: &Workers,
    engines: &dyn Engines,
    job: &Job,
    opts: &Options,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Summary> {
    let inputs = prepare(&Preflight {
        inputs: Some(&job.inputs),
        output: Some(&job.output),
        ocr: Some(&opts.ocr),
        page: &opts.page,
        tessdata: None,
    })?;
    let mut pages = input::list_pages(&inputs, &opts.page.limits)?;
    if opts.stack.duplex {
        let per_input: Vec<usize> = pages
            .iter()
            .filter(|p| p.index == 0)
            .map(|p| p.count.max(1) as usize)
            .collect();
        let fronts = crate::stack::duplex::fronts(&per_input, job.fronts).map_err(Error::Usage)?;
        pages = crate::stack::duplex::interleave(pages, fronts);
    }
    if matches!(opts.stack.split, Some(crate::stack::SplitOn::Qr(_)))
        && !crate::stack::separator::READS_BARCODES
    {
        return Err(Error::Config(
            "--split-on qr needs barcode support, which this build of ocrpdf lacks (cargo feature `barcodes`)".into(),
        ));
    }
    progress.start(pages.len());
    let created = match opts.info.date {
        DateSource::Inputs => newest_input_time(&inputs),
        DateSource::At(d) => Some(d),
        DateSource::Omit => None,
    };
    let mut stack = stack::Stack::new(job, &opts.stack, &opts.info, created);
    let run = |i: usize| {
        page::process(&page::PageTask {
            page: &pages[i],
            number: i + 1,
            job,
            opts,
            engines,
        })
    };
    let panicked = |i: usize| {
        Error::Internal(format!(
            "{}: internal error (panic) while processing",
            pages[i].label()
        ))
    };
    let work = schedule::Work {
        count: pages.len(),
        window: 2 * workers.count(),
        cancel,
        run: &run,
        panicked: &panicked,
    };
    schedule::in_order(&workers.0, work, |i, done| {
        stack.add(done)?;
        progress.page_done(&pages[i]);
        Ok(())
    })?;
    stack.finish()
}

/// The newest modification time of the input files ([`DateSource::Inputs`]
/// says why newest); `None` when only standard input was read.
fn newest_input_time(inputs: &[Input]) -> Option<DocDate> {
    inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) => std::fs::metadata(p).and_then(|m| m.modified()).ok(),
            Input::Stdin => None,
        })
        .max()
        .and_then(DocDate::from_system_time)
}

/// A rayon pool of `jobs` workers (default: one per core).
pub(crate) fn worker_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("ocrpdf-page-{i}"))
        .build()
        .map_err(|e| Error::Config(format!("cannot start worker threads: {e}")))
}
