//! A document named by a path (a `batch` manifest entry, a `worker` job):
//! a page file, or a folder of page files read as a watched inbox reads
//! one.

use super::name::{hashed_name, stem};
use super::scan;
use crate::error::{Error, Result};
use crate::job::Options;
use std::path::{Path, PathBuf};

/// A document's page files, in page order.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub pages: Vec<PathBuf>,
    /// A folder of pages (its whole name names the output) rather than a
    /// file (named without its extension).
    pub folder: bool,
    /// The path its output is named after (a store key for a downloaded
    /// document).
    pub path: PathBuf,
}

impl Document {
    /// The document at `path`: a file is its own page(s), a folder its
    /// files in natural order, as a watched folder's document.
    pub fn at(path: &Path) -> Result<Document> {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::input(path, format!("cannot be read: {e}")))?;
        let path_buf = path.to_path_buf();
        if !meta.is_dir() {
            return Ok(Document {
                pages: vec![path_buf.clone()],
                folder: false,
                path: path_buf,
            });
        }
        let real = path
            .canonicalize()
            .map_err(|e| Error::input(path, format!("cannot be read: {e}")))?;
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(Error::input(path, "a file system root is not a document"));
        };
        let snap = scan::snapshot(parent, name, scan::Kind::Folder)
            .ok_or_else(|| Error::input(path, "the folder cannot be listed"))?;
        if let Some(e) = snap.unusable_page() {
            return Err(e);
        }
        if snap.pages.is_empty() {
            return Err(Error::input(path, "the folder holds no page files"));
        }
        Ok(Document {
            pages: snap.pages,
            folder: true,
            path: path_buf,
        })
    }

    /// Its output name, `STEM-HASH.pdf` (see `name`); reading a page may
    /// fail.
    pub fn output_name(&self, opts: &Options) -> Result<String> {
        hashed_name(&stem(&self.path, self.folder), &self.pages, opts)
            .map_err(|e| Error::input(&self.path, e.to_string()))
    }
}
