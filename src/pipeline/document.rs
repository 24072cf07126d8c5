//! One document being written: pages streamed to a temp file in order,
//! the extras (sidecar, hOCR, report) beside it, then the check
//! ([`Document::seal`]) and the commit of all of them together
//! ([`Sealed::commit`]). Nothing appears under a final name unless every
//! page was written and the PDF reads back whole; a split stack seals all
//! its parts before it commits any.

use super::page::PageDone;
use crate::error::{Error, Result};
use crate::extras;
use crate::job::Job;
use crate::output::{AtomicFile, ClosedFile, check_pdf};
use crate::pdf::{Assembler, DocDate, DocInfo};
use crate::summary::{DroppedPage, PageSummary, Summary};
use std::fs::File;
use std::io::BufWriter;

/// A document under construction.
pub(crate) struct Document {
    job: Job,
    out: AtomicFile,
    asm: Assembler<BufWriter<File>>,
    extras: extras::Pending,
    reports: Vec<PageSummary>,
}

impl Document {
    /// Open the temp files for `job`.
    pub(crate) fn create(job: Job) -> Result<Self> {
        let out = AtomicFile::create(&job.output)?;
        let file = out.file().try_clone().map_err(|e| output_error(&job, e))?;
        let asm = Assembler::new(BufWriter::new(file)).map_err(|e| output_error(&job, e))?;
        let extras = extras::Pending::create(&job.extras, &job.output)?;
        Ok(Document {
            job,
            out,
            asm,
            extras,
            reports: Vec::new(),
        })
    }

    /// Append the next page (`number` counts from 1).
    pub(crate) fn add(&mut self, number: usize, done: PageDone) -> Result<()> {
        self.asm
            .add_page(&done.pdf)
            .map_err(|e| output_error(&self.job, e))?;
        self.extras.add_page(number, &done.report, done.hocr)?;
        self.reports.push(done.report);
        Ok(())
    }

    /// Pages added so far.
    pub(crate) fn pages(&self) -> usize {
        self.reports.len()
    }

    /// Write the trailer, check the file holds every page, and write the
    /// extras: everything is then on disk under temp names, descriptors
    /// closed (a stack split into many parts holds none open).
    /// `dropped`: the pages of the stack left out of it, for its report.
    pub(crate) fn seal(
        self,
        info: &DocInfo,
        created: Option<DocDate>,
        dropped: &[DroppedPage],
    ) -> Result<Sealed> {
        let job = &self.job;
        let writer = self
            .asm
            .finish(info, created)
            .map_err(|e| output_error(job, e))?;
        writer
            .into_inner()
            .map_err(|e| output_error(job, e.into_error()))?;
        let pages = self.reports.len();
        check_pdf(&self.out.temp_path(), pages).map_err(|reason| Error::InvalidOutput {
            path: job.output.clone(),
            reason,
        })?;
        let bytes = self.out.file().metadata().map_or(0, |m| m.len());
        let summary = Summary {
            pages: self.reports,
            bytes,
            dropped: dropped.to_vec(),
            ..Summary::default()
        };
        let extras = self.extras.finish(&summary, &job.output)?;
        Ok(Sealed {
            pdf: self.out.close()?,
            extras,
            summary,
            output: self.job.output,
        })
    }
}

/// A document written whole under temp names, waiting for its commit.
pub(crate) struct Sealed {
    pdf: ClosedFile,
    extras: extras::Ready,
    /// Its pages and size (no parts or dropped pages: the stack adds them).
    pub summary: Summary,
    pub output: std::path::PathBuf,
}

impl Sealed {
    /// Rename the PDF and then its extras into place.
    pub(crate) fn commit(self) -> Result<Summary> {
        self.pdf.commit()?;
        self.extras.commit()?;
        Ok(self.summary)
    }
}

fn output_error(job: &Job, source: std::io::Error) -> Error {
    Error::Output {
        path: job.output.clone(),
        source,
    }
}
