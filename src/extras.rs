//! Files written beside the PDF: the text sidecar, hOCR pages and the JSON
//! report. Each is written to a temp file as pages arrive and renamed into
//! place only after the PDF itself checked out, so a failed run leaves none
//! of them behind.

use crate::error::{Error, Result};
use crate::job::Extras;
use crate::output::{AtomicFile, ClosedFile};
use crate::report::{Body, DocumentReport, Record};
use crate::summary::{PageSummary, Summary};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Extras being written during a run.
pub(crate) struct Pending {
    sidecar: Option<AtomicFile>,
    hocr: Option<Hocr>,
    report: Option<PathBuf>,
}

/// hOCR pages written so far: temp files in the target folder, closed so
/// a long document does not hold a descriptor per page.
struct Hocr {
    dir: PathBuf,
    stem: String,
    pages: Vec<ClosedFile>,
}

/// Extras fully written, waiting to be renamed into place.
pub(crate) struct Ready {
    files: Vec<ClosedFile>,
    hocr: Vec<ClosedFile>,
}

fn output_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: path.to_path_buf(),
        source,
    }
}

impl Pending {
    /// Open what `extras` asks for; `pdf` names the hOCR files.
    pub(crate) fn create(extras: &Extras, pdf: &Path) -> Result<Self> {
        let sidecar = extras
            .sidecar
            .as_deref()
            .map(AtomicFile::create)
            .transpose()?;
        let hocr = match &extras.hocr_dir {
            None => None,
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(output_error(dir))?;
                let stem = pdf
                    .file_stem()
                    .map_or("page".into(), |s| s.to_string_lossy().into_owned());
                Some(Hocr {
                    dir: dir.clone(),
                    stem,
                    pages: Vec::new(),
                })
            }
        };
        Ok(Pending {
            sidecar,
            hocr,
            report: extras.report.clone(),
        })
    }

    /// Record page `number` (from 1), in page order.
    pub(crate) fn add_page(
        &mut self,
        number: usize,
        report: &PageSummary,
        hocr: Option<String>,
    ) -> Result<()> {
        if let Some(file) = &self.sidecar {
            let err = output_error(file.dest());
            let mut f = file.file();
            if number > 1 {
                // Form feed between pages, as pdftotext and OCRmyPDF do.
                f.write_all(b"\x0c").map_err(&err)?;
            }
            f.write_all(report.text.as_bytes()).map_err(&err)?;
        }
        if let (Some(h), Some(text)) = (&mut self.hocr, hocr) {
            let dest = h.dir.join(format!("{}-{number:04}.hocr", h.stem));
            let file = AtomicFile::create(&dest)?;
            file.file()
                .write_all(text.as_bytes())
                .map_err(output_error(&dest))?;
            h.pages.push(file.close()?);
        }
        Ok(())
    }

    /// Write the report; everything is then on disk under temp names.
    pub(crate) fn finish(self, summary: &Summary, pdf: &Path) -> Result<Ready> {
        let mut files: Vec<AtomicFile> = self.sidecar.into_iter().collect();
        if let Some(path) = &self.report {
            let file = AtomicFile::create(path)?;
            // The PDF is still under its temp name; name where it will be.
            let output = crate::prepare::canonical_target(pdf).unwrap_or(pdf.to_path_buf());
            let report = Record::new(Body::Document(DocumentReport::with_pages(summary, &output)));
            let mut f = file.file();
            serde_json::to_writer_pretty(&mut f, &report)
                .map_err(std::io::Error::other)
                .and_then(|()| f.write_all(b"\n"))
                .map_err(output_error(path))?;
            files.push(file);
        }
        Ok(Ready {
            files: files
                .into_iter()
                .map(AtomicFile::close)
                .collect::<Result<_>>()?,
            hocr: self.hocr.map(|h| h.pages).unwrap_or_default(),
        })
    }
}

impl Ready {
    /// Rename every extra into place.
    pub(crate) fn commit(self) -> Result<()> {
        for f in self.files {
            f.commit()?;
        }
        for page in self.hocr {
            page.commit()?;
        }
        Ok(())
    }
}
