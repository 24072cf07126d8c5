//! One document being written: pages streamed to a temp file in order,
//! the extras (sidecar, hOCR, report) beside it, then the check
//! ([`Document::seal`]) and the commit of all of them together
//! ([`Sealed::commit`]). Nothing appears under a final name unless every
//! page was written and the PDF reads back whole; a split stack seals all
//! its parts before it commits any.

use super::page::{PageDone, PageOut};
use crate::error::{Error, Result};
use crate::extras;
use crate::job::Job;
use crate::output::{AtomicFile, ClosedFile, check_pdf};
use crate::pdf::{Assembler, Codec, DocDate, DocInfo, Editor, Settled};
use crate::summary::{DroppedPage, PageSummary, Summary};
use std::fs::File;
use std::io::BufWriter;

/// A document under construction.
pub(crate) struct Document {
    job: Job,
    out: AtomicFile,
    asm: Sink,
    extras: extras::Pending,
    reports: Vec<PageSummary>,
}

/// Where pages go: a new document, or the PDF being edited.
enum Sink {
    New(Assembler<BufWriter<File>>),
    Edit(Editor<BufWriter<File>>),
}

impl Document {
    /// Open the temp files for `job`; `editing`: the one PDF the job's
    /// pages come from, written back out with its pages changed.
    pub(crate) fn create(
        job: Job,
        editing: Option<&std::sync::Arc<lopdf::Document>>,
    ) -> Result<Self> {
        let out = AtomicFile::create(&job.output)?;
        let file = out.file().try_clone().map_err(|e| output_error(&job, e))?;
        let file = BufWriter::new(file);
        let asm = match editing {
            Some(doc) => Editor::new(file, std::sync::Arc::clone(doc)).map(Sink::Edit),
            None => Assembler::new(file).map(Sink::New),
        }
        .map_err(|e| output_error(&job, e))?;
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
        let index = self.reports.len();
        let settled = match (&mut self.asm, done.pdf) {
            (Sink::New(asm), PageOut::New(pdf)) => asm.add_page(pdf, index),
            (Sink::Edit(editor), PageOut::Edit(id, change)) => editor.add_page(id, index, change),
            _ => {
                return Err(Error::Internal(
                    "a page built for another kind of document".into(),
                ));
            }
        }
        .map_err(|e| output_error(&self.job, e))?;
        self.extras.add_page(number, &done.report, done.hocr)?;
        self.reports.push(done.report);
        self.settled(settled);
        Ok(())
    }

    /// Correct the reports of pages whose bilevel image was coded with its
    /// batch: their bytes, and the codec when the batch chose G4 (a waiting
    /// image was reported as JBIG2; it is a page's one bilevel image).
    fn settled(&mut self, settled: Vec<Settled>) {
        for s in settled {
            let report = &mut self.reports[s.page];
            report.bytes += s.bytes;
            if s.codec != Codec::Jbig2 {
                report.codec = report.codec.replacen("jbig2", s.codec.name(), 1);
            }
        }
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
        mut self,
        info: &DocInfo,
        created: Option<DocDate>,
        dropped: &[DroppedPage],
    ) -> Result<Sealed> {
        let settled = match &mut self.asm {
            Sink::New(asm) => asm.settle(),
            Sink::Edit(editor) => editor.settle(),
        }
        .map_err(|e| output_error(&self.job, e))?;
        self.settled(settled);
        let job = &self.job;
        let edited = matches!(self.asm, Sink::Edit(_));
        let writer = match self.asm {
            Sink::New(asm) => asm.finish(info, created),
            // The edited document keeps its creation date; its ModDate is
            // the date a new document would get (the date the user set, or
            // the input's modification time): the same input gives the same
            // bytes, as a rerun, a second worker or `batch` need.
            Sink::Edit(editor) => editor.finish(info, created),
        }
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
        let mut summary = Summary {
            pages: self.reports,
            bytes,
            dropped: dropped.to_vec(),
            ..Summary::default()
        };
        if edited && info.pdfa {
            summary.document_warnings.push(crate::read::Warning {
                code: "pdfa_not_claimed",
                message: "--pdfa: an edited PDF is not claimed to be PDF/A (its own pages, fonts \
                          and colour decide that); it was written without the claim"
                    .into(),
            });
        }
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
