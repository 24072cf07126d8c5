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
    /// Called once per document, done, skipped or failed, in the order they
    /// end.
    fn document(&self, report: &BatchReport);
}

/// Convert the documents of `cfg`'s shard one after another, their pages
/// in parallel. A document that fails is reported and the run goes on;
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
    for (index, entry) in manifest.shard(cfg.shard) {
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let r = document(cfg, &workers, index, entry, cancel)?;
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
    }
    summary.seconds = report::round(started.elapsed().as_secs_f64(), 2);
    summary.exit_code = first_failure.map_or(0, ErrorKind::exit_code);
    Ok(summary)
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
    // are the same). With `--blank drop` the page count is only known then.
    let drops = stack.blank == crate::stack::BlankPages::Drop;
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
