//! What a document is before conversion and after it, for the three
//! front-ends — `watch`, `batch` and `queue`'s worker — which stand side by
//! side on this layer and never import each other (`tests/structure.rs`
//! holds them to it); the pipeline below knows none of them.
//!
//! - `scan`: what in a folder is a document, its pages in order, and its
//!   fingerprint (a watched inbox, a document folder of a manifest or job);
//! - `document`: a document named by a path, and its output name;
//! - `name`: output names — an inbox PDF keeps its input's name, a batch
//!   or worker output is named by a hash of what it holds, parts are
//!   numbered, a clash gets `-1`, `-2`, … (`free_name`);
//! - `commit`: finished outputs given their names without replacing
//!   anything, all parts of a document or an error, or one output under
//!   the first free `-1`, `-2`, … name of a shared folder (`place`);
//! - [`check_models`]: the pre-flight a front-end runs once, before its
//!   first document.

mod commit;
mod document;
mod name;
pub(crate) mod scan;

pub(crate) use crate::prepare::canonical_target;
pub(crate) use commit::{Committed, Part, commit_parts, place};
pub(crate) use document::Document;
pub(crate) use name::{free_name, part_path, pdf_name, taken};
pub(crate) use scan::Kind;

use crate::error::Result;
use crate::job::Options;
use crate::prepare::{Preflight, prepare};

/// Refuse a run whose language or orientation model is missing, once for
/// the whole run rather than once per document. Inputs and outputs are
/// checked per document, by the conversion.
pub(crate) fn check_models(options: &Options) -> Result<()> {
    prepare(&Preflight {
        inputs: None,
        output: None,
        ocr: Some(&options.ocr),
        page: &options.page,
        tessdata: None,
    })
    .map(drop)
}
