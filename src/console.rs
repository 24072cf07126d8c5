//! What the `ocrpdf` command prints about a conversion and about
//! `ocrpdf clean`: the `--json` lines on standard output and the log
//! lines on standard error, made from the report types ([`crate::report`],
//! [`crate::Summary`], [`crate::export::ExportOutcome`]) so the binary only
//! chooses what to print and a program wrapping the library can print the
//! same. The front-ends print their own documents beside their types
//! (`watch::Log`, `batch::Log`, `queue::admin`).

use crate::export::ExportOutcome;
use crate::report::{self, Body, CleanPageReport, DocumentReport, PageReport, Record};
use crate::summary::Summary;
use std::path::PathBuf;

/// How much a command says on standard error (`-q`, `-v`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verbosity {
    /// Failures only (`--quiet`).
    pub quiet: bool,
    /// A line per page as well (`--verbose`).
    pub verbose: bool,
}

/// One `--json` line on standard output. A failed write (a closed pipe)
/// is ignored where `println!` would panic: the output is written either
/// way, and the exit code says how that went.
pub fn print_record(body: Body) {
    let _ = Record::new(body).write_line(std::io::stdout().lock());
}

/// Print what a conversion made, `seconds` after it started: with `json`
/// a line per page and per PDF on standard output, with `print_path` each
/// PDF's path there; on standard error the page lines (`-v`), the pages
/// left out, the warnings and a closing line per PDF (not with `-q`).
/// Returns the PDFs' absolute paths, in order.
pub fn conversion(
    summary: &Summary,
    seconds: f64,
    json: bool,
    print_path: bool,
    v: Verbosity,
) -> Vec<PathBuf> {
    let outputs: Vec<PathBuf> = summary
        .parts
        .iter()
        .map(|p| p.output.canonicalize().unwrap_or(p.output.clone()))
        .collect();
    for (k, part) in summary.parts.iter().enumerate() {
        let pages = &summary.pages[part.pages.clone()];
        for (i, p) in pages.iter().enumerate() {
            if json {
                print_record(Body::Page(PageReport::new(i + 1, p)));
            }
            if v.verbose {
                eprintln!("{}", p.describe());
            }
        }
        if json {
            print_record(Body::Document(DocumentReport::line(
                &summary.part(k),
                &outputs[k],
                seconds,
            )));
        }
    }
    if v.verbose || !v.quiet && !summary.dropped.is_empty() {
        for d in &summary.dropped {
            eprintln!("{}", d.describe());
        }
    }
    if !v.quiet {
        if let Some(notice) = summary.kept_notice() {
            eprintln!("ocrpdf: {notice}");
        }
        for w in report::document_warnings(summary) {
            match &w.input {
                Some(input) => eprintln!("ocrpdf: warning: {input}: {}", w.message),
                None => eprintln!("ocrpdf: warning: {}", w.message),
            }
        }
    }
    if print_path {
        for o in &outputs {
            println!("{}", o.display());
        }
    }
    if !v.quiet {
        for part in &summary.parts {
            eprintln!("{}", part.describe(seconds));
        }
    }
    outputs
}

/// Print what `ocrpdf clean` wrote: with `json` a line per image on
/// standard output; on standard error a line per image (`-v`), the
/// warnings, every error, and a count (not with `-q`, nor when the image
/// itself went to standard output, `to_stdout`).
pub fn clean(outcome: &ExportOutcome, json: bool, to_stdout: bool, v: Verbosity) {
    for r in &outcome.written {
        if json {
            print_record(Body::CleanPage(CleanPageReport::from(r)));
        }
        if v.verbose {
            eprintln!(
                "{} -> {}: {}, skew {:+.2}°, turned {}°",
                r.label,
                r.output.display(),
                r.kind,
                r.skew_deg,
                r.rotated_deg
            );
        }
    }
    if !v.quiet {
        for r in &outcome.written {
            for w in &r.warnings {
                eprintln!("ocrpdf: warning: {}: {}", r.label, w.message);
            }
        }
    }
    for e in &outcome.errors {
        eprintln!("ocrpdf: {e}");
    }
    if !v.quiet && !to_stdout {
        eprintln!(
            "{} page{} written, {} failed",
            outcome.written.len(),
            crate::english::plural(outcome.written.len()),
            outcome.errors.len()
        );
    }
}
