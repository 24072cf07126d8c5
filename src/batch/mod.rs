//! `ocrpdf batch`: the documents of a manifest, or of one shard of it, each
//! converted once into an output folder shared by every shard — the
//! worker side of an array job (Kubernetes Indexed Job, Slurm job array,
//! AWS Batch array job, GNU parallel), with no server of its own.
//!
//! Exactly one complete output per document however often a worker is
//! killed: an output's name says what it holds (`intake`'s hashed name),
//! it is written under a stage name and given its final name by a
//! no-replace rename (`intake::commit_parts`), and a rerun skips what is
//! already in place and passes the output check. Outputs are reproducible (dated by `SOURCE_DATE_EPOCH` or
//! the newest input, as in the main command), so the rerun of a killed
//! shard gives the bytes a single process would have.

mod manifest;

pub use manifest::Shard;

use manifest::{Entry, Manifest};

use crate::console::print_record;
use crate::error::{Error, ErrorKind, Result};
use crate::input::{self, Input};
use crate::intake::{self, Committed, Document, Part, commit_parts};
use crate::job::{Job, Options};
use crate::ocr::TesseractEngines;
use crate::output::stage_path;
use crate::pipeline::{Silent, Workers, convert_with};
use crate::report::{self, BatchReport, BatchStatus, BatchSummary, Body};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What to run.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    /// The manifest: one document per line (a file, or a folder of pages).
    pub manifest: PathBuf,
    /// The output folder every shard writes into (created if missing).
    pub out: PathBuf,
    /// `None`: every document of the manifest.
    pub shard: Option<Shard>,
    /// How every document is converted; also part of each output's name, so a
    /// rerun with other options makes new files.
    pub options: Options,
}

/// What `ocrpdf batch` prints: a line per document on standard error
/// (`-q`: failures only), and always its JSON object on standard output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    /// Failures only on standard error (`--quiet`).
    pub quiet: bool,
}

impl Events for Log {
    fn document(&self, r: &BatchReport) {
        print_record(Body::BatchDocument(r.clone()));
        if r.error.is_some() {
            eprintln!("ocrpdf batch: {}", r.describe());
        } else if !self.quiet {
            eprintln!("{}", r.describe());
        }
    }
}

impl Log {
    /// The closing line (not with `-q`) and the summary's JSON object.
    pub fn summary(&self, summary: &BatchSummary) {
        if !self.quiet {
            eprintln!("ocrpdf batch: {}", summary.describe());
        }
        print_record(Body::BatchSummary(summary.clone()));
    }
}

impl BatchSummary {
    /// Its closing line: what the shard's documents came to.
    pub fn describe(&self) -> String {
        format!(
            "{} documents: {} done, {} skipped, {} failed, {:.1} s",
            self.documents, self.done, self.skipped, self.failed, self.seconds
        )
    }
}

/// Hears about each document as it ends.
pub trait Events {
    /// Called once per document, done, skipped or failed, in the
    /// manifest's order.
    fn document(&self, report: &BatchReport);
}

/// Convert the documents of `cfg`'s shard, their pages in parallel and up
/// to one document per worker at once ([`in_flight`]), reported in the
/// manifest's order. A document that fails is reported and the run goes on;
/// the error is only for what stops the whole run (an unreadable manifest,
/// a missing model, an output folder that cannot be made, an interrupt).
pub fn run(cfg: &BatchConfig, events: &dyn Events, cancel: &AtomicBool) -> Result<BatchSummary> {
    let started = Instant::now();
    let manifest = Manifest::load(&cfg.manifest)
        .map_err(|e| Error::input(&cfg.manifest, format!("cannot read the manifest: {e}")))?;
    intake::check_models(&cfg.options)?;
    std::fs::create_dir_all(&cfg.out).map_err(|source| Error::Output {
        path: cfg.out.clone(),
        source,
    })?;
    let workers = Workers::for_pages(&cfg.options.page)?;
    let mut summary = BatchSummary {
        shard: cfg.shard.map(|s| s.to_string()),
        documents: 0,
        done: 0,
        skipped: 0,
        failed: 0,
        seconds: 0.0,
        exit_code: 0,
    };
    let mut first_failure: Option<ErrorKind> = None;
    let entries: Vec<(usize, &Entry)> = manifest.shard(cfg.shard).collect();
    let mut tally = |r: Ended| {
        summary.documents += 1;
        match r.status {
            BatchStatus::Done => summary.done += 1,
            BatchStatus::Skipped => summary.skipped += 1,
            BatchStatus::Failed => {
                summary.failed += 1;
                if first_failure.is_none() {
                    first_failure = Some(r.kind);
                }
            }
        }
        events.document(&r.report);
    };
    in_flight(
        &entries,
        workers.count(),
        cancel,
        &mut tally,
        |&(index, entry)| document(cfg, &workers, index, entry, cancel),
    )?;
    summary.seconds = report::round(started.elapsed().as_secs_f64(), 2);
    summary.exit_code = first_failure.map_or(0, ErrorKind::exit_code);
    Ok(summary)
}

/// Run `convert` on each of `items`, up to `at_once` at a time on threads
/// of their own, and hand each result to `report` in the items' order.
///
/// A document's pages go to the shared workers, but its own steps before
/// and after them (listing, naming, the output check and commit) and a
/// document shorter than the workers are many leave workers idle when
/// documents go one after another: a manifest of one-page documents kept
/// one core of two busy. With a document per worker in flight, the
/// workers' queue always holds pages. An interrupt starts no further
/// item, waits for those running and is returned once they are reported.
fn in_flight<T: Sync, R: Send>(
    items: &[T],
    at_once: usize,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(R),
    convert: impl Fn(&T) -> Result<R> + Sync,
) -> Result<()> {
    let mut stopped: Option<Error> = None;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<R>)>();
        let (mut started, mut running, mut next) = (0, 0, 0);
        // An error seen, even ahead of the reports still due before it:
        // nothing more is started.
        let mut halt = false;
        let mut ended = std::collections::BTreeMap::new();
        let convert = &convert;
        loop {
            while !halt
                && running < at_once.max(1)
                && started < items.len()
                && !cancel.load(Ordering::SeqCst)
            {
                let tx = tx.clone();
                let k = started;
                s.spawn(move || {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        convert(&items[k])
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Internal(
                            "internal error (panic) while converting a document".into(),
                        ))
                    });
                    let _ = tx.send((k, r));
                });
                started += 1;
                running += 1;
            }
            if running == 0 {
                break;
            }
            let (k, r) = rx.recv().expect("a running item holds a sender");
            running -= 1;
            halt |= r.is_err();
            ended.insert(k, r);
            while let Some(r) = ended.remove(&next) {
                next += 1;
                match r {
                    Ok(r) if stopped.is_none() => report(r),
                    Ok(_) => {}
                    Err(e) => {
                        stopped.get_or_insert(e);
                    }
                }
            }
        }
    });
    if cancel.load(Ordering::SeqCst) {
        stopped.get_or_insert(Error::Interrupted);
    }
    stopped.map_or(Ok(()), Err)
}

impl BatchReport {
    /// Its log line: why it failed, or where its output is.
    pub fn describe(&self) -> String {
        match &self.error {
            Some(e) => format!("{}: failed: {e}", self.input),
            None => format!(
                "{}: {} → {}, {} pages, {:.1} s",
                self.input,
                match self.status {
                    BatchStatus::Skipped => "already in place",
                    _ => "done",
                },
                self.output.as_deref().unwrap_or("-"),
                self.page_count,
                self.seconds
            ),
        }
    }
}

/// A document's report, and the kind of its failure.
struct Ended {
    report: BatchReport,
    status: BatchStatus,
    kind: ErrorKind,
}

/// One document: its pages, its output name, then skip, or convert and
/// commit. Only an interrupt is an `Err`.
fn document(
    cfg: &BatchConfig,
    workers: &Workers,
    index: usize,
    entry: &Entry,
    cancel: &AtomicBool,
) -> Result<Ended> {
    let started = Instant::now();
    let mut report = BatchReport {
        input: entry.written.clone(),
        index,
        status: BatchStatus::Failed,
        output: None,
        page_count: 0,
        bytes: 0,
        seconds: 0.0,
        warnings: Vec::new(),
        fates: report::Fates::default(),
        error: None,
        exit_code: None,
    };
    let mut dest = None;
    let outcome = (|| {
        let doc = Document::at(&entry.path)?;
        let out = cfg.out.join(doc.output_name(&cfg.options)?);
        dest = Some(out.clone());
        produce(cfg, workers, index, doc.pages, &out, cancel)
            .map_err(intake::unwritable(&entry.path, &cfg.out))
    })();
    report.seconds = report::round(started.elapsed().as_secs_f64(), 2);
    if let Some(d) = &dest {
        report.output = Some(report::absolute(d));
    }
    let mut kind = ErrorKind::Other;
    match outcome {
        Ok(p) => {
            report.status = p.status;
            report.page_count = p.pages;
            report.fates = p.fates;
            report.bytes = p
                .files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            if let Some(first) = p.files.first() {
                report.output = Some(report::absolute(first));
            }
            report.warnings = p.warnings;
        }
        Err(Error::Interrupted) => return Err(Error::Interrupted),
        Err(e) => {
            kind = e.kind();
            report.error = Some(e.to_string());
            report.exit_code = Some(kind.exit_code());
        }
    }
    Ok(Ended {
        status: report.status,
        report,
        kind,
    })
}

struct Produced {
    status: BatchStatus,
    pages: usize,
    fates: report::Fates,
    /// The files in place: the output, or with `--split-on` its parts
    /// (the first is reported as the output; bytes are their sum).
    files: Vec<PathBuf>,
    warnings: Vec<report::Warning>,
}

/// Skip `dest` when it is in place and whole; otherwise convert into a
/// stage file and commit it.
fn produce(
    cfg: &BatchConfig,
    workers: &Workers,
    index: usize,
    pages: Vec<PathBuf>,
    dest: &Path,
    cancel: &AtomicBool,
) -> Result<Produced> {
    let inputs: Vec<Input> = pages.into_iter().map(Input::Path).collect();
    let stack = &cfg.options.stack;
    // With `--split-on` the parts are only known once converted: convert
    // again and let the commit find the parts already in place (the bytes
    // are the same). With `--blank drop` the page count is only known then,
    // and with `--split-spreads` (a spread is two pages) too.
    let drops = stack.blank == crate::stack::BlankPages::Drop || cfg.options.page.split_spreads;
    if dest.exists() && stack.split.is_none() {
        let count = if drops {
            None
        } else {
            let o = &cfg.options;
            Some(
                input::list_document(&inputs, &o.page.limits, &o.pdf)?
                    .pages
                    .len(),
            )
        };
        let found = crate::output::pdf_pages(dest).and_then(|n| match count {
            Some(c) if c != n => Err(format!("has {n} pages, expected {c}")),
            _ => Ok(n),
        });
        let pages = found.map_err(|reason| Error::InvalidOutput {
            path: dest.to_path_buf(),
            reason: format!("it was already in place and {reason}; remove it to redo the document"),
        })?;
        return Ok(Produced {
            status: BatchStatus::Skipped,
            pages,
            fates: report::Fates::default(),
            files: vec![dest.to_path_buf()],
            warnings: Vec::new(),
        });
    }
    let stage = stage_path(&cfg.out, &index.to_string());
    let job = Job::new(inputs, stage.clone());
    let converted = convert_with(
        workers,
        std::sync::Arc::new(TesseractEngines),
        &job,
        &cfg.options,
        &Silent,
        cancel,
    );
    let summary = match converted {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&stage);
            return Err(e);
        }
    };
    let parts: Vec<Part> = if stack.split.is_some() {
        summary
            .parts
            .iter()
            .enumerate()
            .map(|(k, p)| Part {
                stage: p.output.clone(),
                dest: intake::part_path(dest, k + 1),
                pages: p.pages.len(),
            })
            .collect()
    } else {
        vec![Part {
            stage: stage.clone(),
            dest: dest.to_path_buf(),
            pages: summary.pages.len(),
        }]
    };
    let committed = commit_parts(&parts).inspect_err(|_| {
        for p in &parts {
            let _ = std::fs::remove_file(&p.stage);
        }
    })?;
    Ok(Produced {
        status: match committed {
            Committed::Placed => BatchStatus::Done,
            Committed::Found => BatchStatus::Skipped,
        },
        pages: summary.pages.len(),
        fates: report::Fates::of(&summary),
        files: parts.iter().map(|p| p.dest.clone()).collect(),
        warnings: report::document_warnings(&summary),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// Items run up to `at_once` together, finish out of order, and are
    /// reported in order.
    #[test]
    fn documents_run_side_by_side_and_are_reported_in_order() {
        let cancel = AtomicBool::new(false);
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut seen = Vec::new();
        let items: Vec<u64> = (0..9).collect();
        in_flight(&items, 3, &cancel, &mut |r| seen.push(r), |&i| {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            // Later items end first.
            std::thread::sleep(Duration::from_millis(30 - 3 * i));
            now.fetch_sub(1, Ordering::SeqCst);
            Ok(i)
        })
        .unwrap();
        assert_eq!(seen, items);
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    /// An error (an interrupt) starts nothing more; what ended before it
    /// is reported, and the error is returned.
    #[test]
    fn an_interrupt_stops_the_run() {
        let cancel = AtomicBool::new(false);
        let ran = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let items: Vec<u64> = (0..20).collect();
        let r = in_flight(&items, 2, &cancel, &mut |r| seen.push(r), |&i| {
            ran.fetch_add(1, Ordering::SeqCst);
            if i == 3 {
                return Err(Error::Interrupted);
            }
            // Later items take a while: the error ends the run first.
            if i > 3 {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(i)
        });
        assert!(matches!(r, Err(Error::Interrupted)));
        assert_eq!(seen, [0, 1, 2]);
        assert!(
            ran.load(Ordering::SeqCst) <= 5,
            "{}",
            ran.load(Ordering::SeqCst)
        );
    }
}
