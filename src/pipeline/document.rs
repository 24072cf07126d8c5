//! One document being written: pages streamed to a temp file in order,
//! the extras (sidecar, hOCR, report) beside it, and at the end the check
//! and the commit of all of them together. Nothing appears under a final
//! name unless every page was written and the PDF reads back whole.

use super::page::PageDone;
use crate::error::{Error, Result};
use crate::extras;
use crate::job::Job;
use crate::output::{AtomicFile, check_pdf};
use crate::pdf::{Assembler, DocDate, DocInfo};
use crate::summary::{PageSummary, Summary};
use std::fs::File;
use std::io::BufWriter;

/// A document under construction.
pub(crate) struct Document<'a> {
    job: &'a Job,
    out: AtomicFile,
    asm: Assembler<BufWriter<File>>,
    extras: extras::Pending,
    reports: Vec<PageSummary>,
}

impl<'a> Document<'a> {
    /// Open the temp files for `job`.
    pub(crate) fn create(job: &'a Job) -> Result<Self> {
        let out = AtomicFile::create(&job.output)?;
        let file = out.file().try_clone().map_err(|e| output_error(job, e))?;
        let asm = Assembler::new(BufWriter::new(file)).map_err(|e| output_error(job, e))?;
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
            .map_err(|e| output_error(self.job, e))?;
        self.extras.add_page(number, &done.report, done.hocr)?;
        self.reports.push(done.report);
        Ok(())
    }

    /// Write the trailer, check the file holds every page, and rename the
    /// PDF and its extras into place.
    pub(crate) fn finish(self, info: &DocInfo, created: Option<DocDate>) -> Result<Summary> {
        let job = self.job;
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
        };
        let extras = self.extras.finish(&summary, &job.output)?;
        self.out.commit()?;
        extras.commit()?;
        Ok(summary)
    }
}

fn output_error(job: &Job, source: std::io::Error) -> Error {
    Error::Output {
        path: job.output.clone(),
        source,
    }
}
