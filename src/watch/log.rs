//! What `ocrpdf watch` prints: a line per document on standard error
//! (`-q`: failures only), its warnings, the watcher's notes by level, and
//! with `--json` an object per document on standard output.

use super::{Events, Level, Outcome};
use crate::console::print_record;
use crate::report::{Body, WatchReport};

/// The command line's [`Events`]: prints each document and note.
#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    /// Failures and warnings only (`--quiet`).
    pub quiet: bool,
    /// Notes of [`Level::Detail`] too (`--verbose`).
    pub verbose: bool,
    /// A JSON object per document on standard output (`--json`).
    pub json: bool,
}

impl Events for Log {
    fn document(&self, o: &Outcome) {
        if self.json {
            print_record(Body::WatchDocument(WatchReport::from(o)));
        }
        match o.describe() {
            Some(line) if o.failure.is_some() => eprintln!("ocrpdf watch: {line}"),
            Some(line) if !self.quiet => eprintln!("{line}"),
            _ => {}
        }
        for w in &o.warnings {
            let page = w.page.map_or(String::new(), |p| format!(" page {p}"));
            eprintln!(
                "ocrpdf watch: warning: {}{page}: {}",
                o.input.display(),
                w.message
            );
        }
    }

    fn note(&self, level: Level, message: &str) {
        let show = match level {
            Level::Detail => self.verbose,
            Level::Info => !self.quiet,
            Level::Warning => true,
        };
        if show {
            eprintln!("ocrpdf watch: {message}");
        }
    }
}
