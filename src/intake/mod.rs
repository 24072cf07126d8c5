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
//!   first document;
//! - [`unwritable`]: an output error told as the document's and its
//!   folder's, not the internal stage file's.

mod commit;
mod document;
mod name;
pub(crate) mod scan;

pub(crate) use crate::prepare::canonical_target;
pub(crate) use commit::{Committed, Part, commit_parts, place};
pub(crate) use document::Document;
pub(crate) use name::{free_name, part_path, pdf_name, taken};
pub(crate) use scan::Kind;

use crate::error::{Error, Result};
use crate::job::Options;
use crate::prepare::{Preflight, prepare};
use std::path::Path;

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

/// A front-end's document is converted into an internal file (a stage
/// file in the output folder or its work folder, a worker's temp file);
/// an error writing or placing it names `document` and the `folder` that
/// could not take it (full, read-only, forbidden) instead, both absolute.
/// Other errors pass as they are.
pub(crate) fn unwritable(document: &Path, folder: &Path) -> impl Fn(Error) -> Error + use<> {
    // Absolute, as a log read later (or elsewhere) needs them.
    let whole = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (document, folder) = (whole(document), whole(folder));
    move |e| match e {
        Error::Output { source, .. } => Error::Unwritable {
            document: document.clone(),
            folder: folder.clone(),
            source,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_names_the_document_and_the_folder() {
        let stage = Error::Output {
            path: "/srv/pdf/.ocrpdf-host-1-7.tmp".into(),
            source: std::io::Error::from_raw_os_error(libc::ENOSPC),
        };
        let e = unwritable(Path::new("/srv/in/scan.png"), Path::new("/srv/pdf"))(stage);
        assert_eq!(e.kind(), crate::error::ErrorKind::Output);
        assert_eq!(
            e.to_string(),
            "/srv/in/scan.png: its PDF could not be written to /srv/pdf: \
             the disk is full (no space left on the device)"
        );
        let denied = Error::Output {
            path: "/x".into(),
            source: std::io::Error::from_raw_os_error(libc::EACCES),
        };
        let e = unwritable(Path::new("a.png"), Path::new("out"))(denied);
        let said = e.to_string();
        assert!(
            Path::new(said.split(':').next().unwrap()).is_absolute(),
            "{said}"
        );
        assert!(said.ends_with("/out: permission denied"), "{said}");
        let other = Error::input("a.png", "not a PNG image");
        let e = unwritable(Path::new("a.png"), Path::new("out"))(other);
        assert_eq!(e.to_string(), "a.png: not a PNG image");
    }
}
