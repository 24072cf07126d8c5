//! All-or-nothing output: write to a temp file beside the destination,
//! fsync, then rename into place. An interrupted or failed run leaves the
//! destination as it was.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A file being written that appears at its destination only on `commit`.
pub struct AtomicFile {
    temp: NamedTempFile,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<Self> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".ocrpdf-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::Output {
                path: dest.to_path_buf(),
                source: e,
            })?;
        Ok(AtomicFile {
            temp,
            dest: dest.to_path_buf(),
        })
    }

    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Where the file will appear.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Where the bytes are until commit (for checking them first).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Flush to disk and rename into place.
    pub fn commit(self) -> Result<()> {
        let err = |source| Error::Output {
            path: self.dest.clone(),
            source,
        };
        let f = self.temp.as_file();
        f.sync_all().map_err(err)?;
        // Temp files are private (0600); a PDF is a normal document.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(err)?;
        }
        let dest = self.dest.clone();
        self.temp.persist(&dest).map_err(|e| Error::Output {
            path: dest.clone(),
            source: e.error,
        })?;
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Make the rename itself durable; failure here loses nothing.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

/// The one output check: `path` parses as a PDF and has `pages` pages.
/// Run on every PDF before it gets its final name, and by the watch
/// folder's recovery on what an earlier run left.
pub(crate) fn check_pdf(path: &Path, pages: usize) -> std::result::Result<(), String> {
    let doc = lopdf::Document::load(path).map_err(|e| format!("cannot be parsed: {e}"))?;
    let found = doc.get_pages().len();
    if found != pages {
        return Err(format!("has {found} pages, expected {pages}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn nothing_appears_until_commit_and_dropping_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.pdf");
        let f = AtomicFile::create(&dest).unwrap();
        f.file().write_all(b"x").unwrap();
        assert!(!dest.exists());
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let f = AtomicFile::create(&dest).unwrap();
        f.file().write_all(b"done").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"done");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
