//! The stack as pages arrive in order: what is kept, what is dropped, and
//! where one document ends and the next begins (`--blank`, `--split-on`).
//!
//! Parts are opened when their first page arrives and sealed at the next
//! separator; all are committed at the end, only when every part sealed,
//! so a split stack appears whole or not at all.

use super::document::{Document, Sealed};
use super::page::PageDone;
use crate::error::{Error, Result};
use crate::job::Job;
use crate::pdf::{DocDate, DocInfo};
use crate::read::Warning;
use crate::stack::{BlankPages, Dropped, SplitOn, StackOptions};
use crate::summary::{DroppedPage, Part, Summary};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Pages kept, parts sealed and pages dropped so far.
pub(crate) struct Stack<'a> {
    job: &'a Job,
    opts: &'a StackOptions,
    info: &'a DocInfo,
    created: Option<DocDate>,
    current: Option<Document>,
    /// Sealed parts and their dropped pages (indices into `dropped`).
    sealed: Vec<(Sealed, Range<usize>)>,
    dropped: Vec<DroppedPage>,
    /// Where the current part's dropped pages begin in `dropped`.
    dropped_from: usize,
    /// With `--duplex --split-on blank`, a sheet's front waits for its
    /// back: the sheet separates only if both sides are blank.
    front: Option<(usize, PageDone)>,
    /// Stack positions seen (from 1).
    seen: usize,
    /// The PDF being edited, when the job is one PDF.
    editing: Option<std::sync::Arc<lopdf::Document>>,
}

impl<'a> Stack<'a> {
    pub(crate) fn new(
        job: &'a Job,
        opts: &'a StackOptions,
        info: &'a DocInfo,
        created: Option<DocDate>,
    ) -> Self {
        Stack {
            job,
            opts,
            info,
            created,
            current: None,
            sealed: Vec::new(),
            dropped: Vec::new(),
            dropped_from: 0,
            front: None,
            seen: 0,
            editing: None,
        }
    }

    /// Write the pages into `doc`, edited, instead of a new document.
    pub(crate) fn editing(mut self, doc: Option<std::sync::Arc<lopdf::Document>>) -> Self {
        self.editing = doc;
        self
    }

    /// Take the next page of the stack.
    pub(crate) fn add(&mut self, done: PageDone) -> Result<()> {
        self.seen += 1;
        let position = self.seen;
        if !self.opts.duplex || self.opts.split.is_none() {
            return self.single(position, done);
        }
        // Duplex and splitting: a separator is a whole sheet.
        match self.front.take() {
            None if position % 2 == 1 => {
                self.front = Some((position, done));
                Ok(())
            }
            None => self.single(position, done),
            Some((fpos, front)) => {
                let separates = match self.opts.split {
                    Some(SplitOn::Blank) => is_blank(&front) && is_blank(&done),
                    _ => front.separator.is_some() || done.separator.is_some(),
                };
                if separates {
                    self.separator(fpos, &front)?;
                    self.drop_page(position, &done, Dropped::Separator);
                    Ok(())
                } else {
                    self.single(fpos, front)?;
                    self.single(position, done)
                }
            }
        }
    }

    /// One page on its own: a separator, a dropped blank or a kept page.
    fn single(&mut self, position: usize, done: PageDone) -> Result<()> {
        let separates = match self.opts.split {
            None => false,
            // Duplex blank separators are whole sheets, judged in `add`.
            Some(SplitOn::Blank) => !self.opts.duplex && is_blank(&done),
            Some(_) => done.separator.is_some(),
        };
        if separates {
            return self.separator(position, &done);
        }
        if self.opts.blank == BlankPages::Drop && is_blank(&done) {
            self.drop_page(position, &done, Dropped::Blank);
            return Ok(());
        }
        if self.current.is_none() {
            let job = if self.opts.split.is_some() {
                part_job(self.job, self.sealed.len() + 1)
            } else {
                self.job.clone()
            };
            self.current = Some(Document::create(job, self.editing.as_ref())?);
        }
        let doc = self.current.as_mut().expect("opened above");
        let number = doc.pages() + 1;
        doc.add(number, done)
    }

    /// A separator sheet: the current part ends, the sheet is dropped.
    fn separator(&mut self, position: usize, done: &PageDone) -> Result<()> {
        self.seal_current()?;
        self.drop_page(position, done, Dropped::Separator);
        Ok(())
    }

    fn drop_page(&mut self, position: usize, done: &PageDone, reason: Dropped) {
        self.dropped.push(DroppedPage {
            label: done.report.label.clone(),
            position,
            reason,
        });
    }

    /// Seal the current part with the pages dropped since the last one.
    fn seal_current(&mut self) -> Result<()> {
        if let Some(doc) = self.current.take() {
            let range = self.dropped_from..self.dropped.len();
            let sealed = doc.seal(self.info, self.created, &self.dropped[range.clone()])?;
            self.dropped_from = range.end;
            self.sealed.push((sealed, range));
        }
        Ok(())
    }

    /// Seal the last part and commit every part; the summary of all.
    pub(crate) fn finish(mut self) -> Result<Summary> {
        if let Some((pos, front)) = self.front.take() {
            self.single(pos, front)?;
        }
        // Dropped pages after the last part are reported with it.
        let open = self.current.is_some();
        self.seal_current()?;
        if !open && let Some((_, range)) = self.sealed.last_mut() {
            range.end = self.dropped.len();
        }
        if self.sealed.is_empty() {
            let n = self.seen;
            let all = if self.dropped.iter().all(|d| d.reason == Dropped::Blank) {
                "blank"
            } else {
                "blank or separator sheets"
            };
            return Err(Error::NothingKept(format!(
                "all {n} page{} {} {all}; no PDF was written",
                crate::english::plural(n),
                if n == 1 { "is" } else { "are" },
            )));
        }
        let mut summary = Summary {
            dropped: self.dropped,
            ..Summary::default()
        };
        let count = self.sealed.len();
        for (sealed, dropped) in self.sealed {
            let output = sealed.output.clone();
            let part = sealed.commit()?;
            let start = summary.pages.len();
            summary.parts.push(Part {
                output,
                pages: start..start + part.pages.len(),
                bytes: part.bytes,
                dropped,
            });
            summary.bytes += part.bytes;
            summary.pages.extend(part.pages);
        }
        if self.opts.split.is_some() {
            let stale = part_path(&self.job.output, count + 1);
            if stale.exists() {
                summary.document_warnings.push(Warning {
                    code: "stale_part",
                    message: format!(
                        "{} is left from an earlier run (this one wrote {count} part{}); it was not touched",
                        stale.display(),
                        crate::english::plural(count)
                    ),
                });
            }
        }
        Ok(summary)
    }
}

fn is_blank(done: &PageDone) -> bool {
    done.blank.is_some_and(|b| b.is_blank())
}

/// `OUT.pdf` as part `n`: `OUT-001.pdf` (numbers widen past 999).
pub(crate) fn part_path(path: &Path, n: usize) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n:03}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n:03}"),
    };
    path.with_file_name(name)
}

/// The job of part `n`: its PDF and extras numbered the same way (hOCR
/// files take their names from the part's PDF, in the same folder).
fn part_job(job: &Job, n: usize) -> Job {
    let mut part = job.clone();
    part.output = part_path(&job.output, n);
    part.extras.sidecar = job.extras.sidecar.as_deref().map(|p| part_path(p, n));
    part.extras.report = job.extras.report.as_deref().map(|p| part_path(p, n));
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_numbered_before_the_extension() {
        assert_eq!(
            part_path(Path::new("/x/scan.pdf"), 1),
            Path::new("/x/scan-001.pdf")
        );
        assert_eq!(part_path(Path::new("out"), 12), Path::new("out-012"));
        assert_eq!(
            part_path(Path::new("a.b.txt"), 1000),
            Path::new("a.b-1000.txt")
        );
    }
}
