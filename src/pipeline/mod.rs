//! The page pipeline: pages in parallel, written in order.
//!
//! [`convert_with`] checks the job ([`crate::prepare`]), lists its pages,
//! and runs each page (`page`: decode, clean, read, build) on the
//! workers, at most `2 × workers` pages in flight (`schedule`), while
//! the calling thread streams finished pages into the document
//! (`document`: temp file, extras, check, commit). Engines come from an
//! [`Engines`]: Tesseract for real runs, a fake in tests. A page whose
//! engine ignores the OCR time limit is abandoned (`schedule`): the run
//! fails and returns, its worker is replaced.

mod document;
mod edit;
pub mod memory;
mod page;
mod schedule;
mod stack;

pub use schedule::Workers;
pub(crate) use stack::part_path;

pub(crate) use page::{clean_upright, split_spreads};
pub(crate) use schedule::{EngineClock, Work, abandon_after, in_order};

use crate::error::{Error, Result};
use crate::input::{self, Input, PageRef};
use crate::job::{Job, Options};
use crate::ocr::{Engines, TesseractEngines};
use crate::pdf::{DateSource, DocDate};
use crate::prepare::{Preflight, prepare};
use crate::summary::Summary;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Hears about progress; the CLI draws a bar with it.
pub trait Progress: Sync {
    /// Called once, when the number of pages is known.
    fn start(&self, _pages: usize) {}
    /// Called as each page is finished (in any order).
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
    let workers = Workers::for_pages(&opts.page)?;
    convert_with(
        &workers,
        Arc::new(TesseractEngines),
        job,
        opts,
        progress,
        cancel,
    )
}

/// [`convert`] on existing workers with the given engines.
///
/// An engine call still running well past the OCR time limit
/// (`opts.ocr.timeout` plus a grace of a quarter of it, at least 2 s) fails
/// the run with an [`Error::Ocr`] naming the page; the call returns without
/// waiting for it, and its worker is replaced (the engines are shared
/// with that abandoned thread, hence the `Arc`).
pub fn convert_with(
    workers: &Workers,
    engines: Arc<dyn Engines>,
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
    // One PDF is edited, its pages kept where they need nothing; the
    // scanner-stack options (splitting, dropping, interleaving) make new
    // documents from its pages instead.
    let stack_plain = !opts.stack.duplex
        && !opts.page.split_spreads
        && opts.stack.split.is_none()
        && opts.stack.blank != crate::stack::BlankPages::Drop;
    let (pages, editing) = if stack_plain {
        let listed = input::list_document(&inputs, &opts.page.limits, &opts.pdf)?;
        (listed.pages, listed.pdf)
    } else {
        (input::list_pages(&inputs, &opts.page.limits)?, None)
    };
    let mut pages = page::split_spreads(
        pages,
        &opts.page,
        crate::capture::spread::right_to_left(&opts.ocr.languages),
    );
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
    let needs: Vec<u64> = pages.iter().map(memory::page_need).collect();
    let lowered = memory::lowered(workers.budget(), &needs, workers.count());
    let created = match opts.info.date {
        DateSource::Inputs => newest_input_time(&inputs),
        DateSource::At(d) => Some(d),
        DateSource::Omit => None,
    };
    let edit = editing.is_some();
    let mut stack = stack::Stack::new(job, &opts.stack, &opts.info, created).editing(editing);
    // The pages' work owns what it reads: a worker abandoned to a hung
    // engine may outlive this call (see `schedule`).
    let shared = Arc::new(Shared {
        pages,
        job: job.clone(),
        opts: opts.clone(),
        engines,
    });
    let theirs = Arc::clone(&shared);
    let run = move |i: usize, clock: &EngineClock| {
        let s = &*theirs;
        let task = page::PageTask {
            page: &s.pages[i],
            number: i + 1,
            job: &s.job,
            opts: &s.opts,
            engines: &*s.engines,
            clock,
        };
        match (&s.pages[i].pdf, edit) {
            (Some(pdf), true) => edit::process(&task, pdf),
            _ => page::process(&task),
        }
    };
    let label = |i: usize| shared.pages[i].label();
    let panicked = |i: usize| {
        Error::Internal(format!(
            "{}: internal error (panic) while processing",
            label(i)
        ))
    };
    let need = |i: usize| needs[i];
    let limit = opts.ocr.timeout;
    let overdue = |i: usize| Error::Ocr {
        path: PathBuf::from(label(i)),
        reason: overdue_reason(limit.unwrap_or_default()),
    };
    let work = schedule::Work {
        count: shared.pages.len(),
        window: 2 * workers.count(),
        cancel,
        run: Arc::new(run),
        panicked: &panicked,
        engine_limit: limit.map(schedule::abandon_after),
        overdue: &overdue,
        cost: Some(&need),
    };
    schedule::in_order(workers, work, |i, done| {
        stack.add(done)?;
        progress.page_done(&shared.pages[i]);
        Ok(())
    })?;
    let mut summary = stack.finish()?;
    summary.document_warnings.extend(lowered);
    Ok(summary)
}

/// What a page's work reads, shared with the workers.
struct Shared {
    pages: Vec<PageRef>,
    job: Job,
    opts: Options,
    engines: Arc<dyn Engines>,
}

/// Why a page whose engine ignored its time limit failed.
fn overdue_reason(limit: std::time::Duration) -> String {
    format!(
        "the OCR engine ignored the page's time limit of {} s (--ocr-timeout) and was still \
         running {} s later, so its worker was abandoned",
        limit.as_secs_f64(),
        schedule::abandon_after(limit)
            .saturating_sub(limit)
            .as_secs_f64()
    )
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
