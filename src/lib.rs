//! ocrpdf turns scanned page images into compact, searchable PDFs.
//!
//! A [`Job`] names one document (inputs, output, extra files) and
//! [`Options`] say how its pages are treated; [`convert`] runs it:
//!
//! 1. `prepare`: the pre-flight every command shares (inputs, an output
//!    onto an input, missing language or orientation models).
//! 2. [`input`]: each page decoded once, with its resolution; a phone
//!    photo's page found, flattened and cropped ([`capture`]).
//! 3. [`clean`]: paper made white, skew removed, ink binarised, specks and
//!    borders removed, pictures found ([`clean::CleanPage`]).
//! 4. `read`: OCR of the cleaned grey page, enlarged when the text is
//!    small, through the one door [`ocr::read`]; engines come from
//!    [`ocr::Engines`] (Tesseract, one per worker thread).
//! 5. [`pdf`]: the bilevel image as lossless JBIG2 or CCITT G4, pictures as
//!    JPEG, an invisible word-aligned text layer on top.
//! 6. `pipeline` ([`convert_with`]): pages in parallel, written in order into a temp file
//!    that is checked and renamed into place with its extras only when
//!    every page is in (one atomic write for every file ocrpdf makes).
//!
//! What happened is a [`Summary`]; [`report`] turns it into the JSON
//! reports and [`console`] into the lines the command prints.
//!
//! The front-ends run many documents on shared workers: [`watch`] (a
//! watched inbox), [`batch`] (a manifest, or one shard of it), `queue`
//! (a PostgreSQL job table, with the `queue` feature) and [`export`]
//! (`ocrpdf clean`: cleaned pages as images). The stages' own functions,
//! the PDF writer and the scheduler are not public; [`pdf`] and [`stack`]
//! hold only their options.
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

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

pub mod about;
pub mod batch;
pub mod capture;
pub mod clean;
pub mod console;
mod english;
mod error;
pub mod export;
mod extras;
mod heap;
pub mod input;
mod intake;
mod job;
pub mod ocr;
mod output;
pub mod pdf;
mod pipeline;
mod prepare;
#[cfg(feature = "queue")]
pub mod queue;
mod read;
mod rect;
pub mod report;
pub mod stack;
mod summary;
pub mod watch;

/// Stage functions and encoders that benches and tests call directly. Not
/// part of the API: anything here may change in any release.
#[doc(hidden)]
pub mod internals {
    /// Whether a file is whole (the watch folder's completeness check).
    pub mod complete {
        pub use crate::input::complete::missing;
    }
    pub mod background {
        pub use crate::clean::background::*;
    }
    pub mod binarize {
        pub use crate::clean::binarize::*;
    }
    pub mod border {
        pub use crate::clean::border::*;
    }
    /// The page check of a bilevel or mixed page.
    pub mod check {
        pub use crate::clean::check::{Changes, changes};
    }
    pub mod colour {
        pub use crate::clean::colour::*;
    }
    pub mod content {
        pub use crate::clean::content::*;
    }
    pub mod deconvolve {
        pub use crate::clean::deconvolve::*;
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
    /// One page's PDF objects (images and text layer), as the pipeline
    /// builds them on a worker.
    pub mod page_pdf {
        pub use crate::pdf::page::{PageEncoding, build};
    }
    /// OCR of a cleaned page, as the pipeline runs it.
    pub mod read {
        pub use crate::read::*;
    }
    pub use crate::english::plural;
    pub use crate::output::{AtomicFile, ClosedFile, Mode};
}

pub use error::{Error, ErrorKind, Result};
pub use heap::return_page_buffers;
pub use job::{Extras, Job, Options, PageOptions};
pub use pipeline::{Progress, Silent, Workers, convert, convert_with, memory};
pub use summary::{DroppedPage, PageSummary, Part, StageTimes, Summary};
