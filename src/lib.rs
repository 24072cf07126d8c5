//! ocrpdf turns scanned page images into compact, searchable PDFs.
//!
//! Each page is decoded once ([`input`]), cleaned — paper made white, ink
//! binarised, specks removed ([`clean`]) — and recognised by Tesseract
//! ([`ocr`]); the cleaned image goes into the PDF as lossless JBIG2 or
//! CCITT G4 (pictures as JPEG) with an
//! invisible, word-aligned text layer on top ([`pdf`]). Pages run in
//! parallel, one engine per worker, and are streamed to a temp file that is
//! renamed into place only when the whole document is written and checked
//! ([`pipeline::convert`]).
//!
//! ```no_run
//! use ocrpdf::{Config, convert, input::Input};
//! use std::sync::atomic::AtomicBool;
//!
//! let cfg = Config::new(vec![Input::Path("scan1.png".into())], "out.pdf".into());
//! let summary = convert(&cfg, &ocrpdf::Silent, &AtomicBool::new(false))?;
//! println!("{} pages, {} bytes", summary.pages.len(), summary.bytes);
//! # Ok::<(), ocrpdf::Error>(())
//! ```

pub mod clean;
pub mod error;
pub mod export;
mod extras;
pub mod input;
pub mod ocr;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod watch;

pub use error::{Error, ErrorKind, Result};
pub use pipeline::{
    Config, Extras, PageOptions, PageReport, PageWarning, Progress, Silent, StageTimes, Summary,
    Workers, convert, convert_with,
};

impl Config {
    /// A configuration with the defaults: English, all cores, normal cleanup.
    pub fn new(inputs: Vec<input::Input>, output: std::path::PathBuf) -> Self {
        Config {
            inputs,
            output,
            ocr: ocr::OcrOptions::default(),
            page: PageOptions::default(),
            images: pdf::ImageOptions::default(),
            extras: pipeline::Extras::default(),
            info: pdf::DocInfo::default(),
        }
    }
}
