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
//! use ocrpdf::{Job, Options, convert, input::Input};
//! use std::sync::atomic::AtomicBool;
//!
//! let job = Job::new(vec![Input::Path("scan1.png".into())], "out.pdf".into());
//! let summary = convert(&job, &Options::default(), &ocrpdf::Silent, &AtomicBool::new(false))?;
//! println!("{} pages, {} bytes", summary.pages.len(), summary.bytes);
//! # Ok::<(), ocrpdf::Error>(())
//! ```

pub mod clean;
pub mod error;
pub mod export;
mod extras;
pub mod input;
pub mod job;
pub mod ocr;
pub(crate) mod output;
pub mod pdf;
pub mod pipeline;
pub mod prepare;
pub mod read;
pub mod report;
pub mod summary;
pub mod watch;

/// Stage functions and encoders that benches and tests call directly. Not
/// part of the API: anything here may change in any release.
#[doc(hidden)]
pub mod internals {
    pub mod background {
        pub use crate::clean::background::*;
    }
    pub mod binarize {
        pub use crate::clean::binarize::*;
    }
    pub mod border {
        pub use crate::clean::border::*;
    }
    pub mod content {
        pub use crate::clean::content::*;
    }
    pub mod deskew {
        pub use crate::clean::deskew::*;
    }
    pub mod despeckle {
        pub use crate::clean::despeckle::*;
    }
    pub mod lines {
        pub use crate::clean::lines::*;
    }
    pub mod g4 {
        pub use crate::pdf::g4::*;
    }
    pub mod jbig2 {
        pub use crate::pdf::jbig2::*;
    }
    pub use crate::output::AtomicFile;
}

pub use error::{Error, ErrorKind, Result};
pub use job::{Extras, Job, Options, PageOptions};
pub use pipeline::{Progress, Silent, Workers, convert, convert_with};
pub use summary::{PageSummary, PageWarning, StageTimes, Summary};
