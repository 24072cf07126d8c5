//! Giving a document's finished outputs their final names, never
//! replacing one that is there.
//!
//! Each part was written, checked and fsynced under a stage name in the
//! output folder (`output::stage_path`), then moved to its final name
//! with a no-replace rename (`output::rename_no_replace`): a name holds a
//! whole checked PDF or nothing. A document with several parts (the
//! scanner workflow's `--split-on`) commits them with one call; a process
//! killed between two renames leaves some parts placed and the others
//! staged, and the rerun — which makes byte-identical parts — places the
//! missing ones and finds the placed ones as they are.

use super::name::{candidates, taken};
use super::scan::Kind;
use crate::error::{Error, Result};
use crate::output::{check_pdf, rename_no_replace, sync_dir};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// One finished output under its stage name.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub stage: PathBuf,
    pub dest: PathBuf,
    /// Pages it holds, for checking an output found already in place.
    pub pages: usize,
}

/// How a commit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Committed {
    /// Every part was placed by this call.
    Placed,
    /// At least one part was already in place (another worker made the
    /// same document, or an earlier run was killed mid-commit); it passed
    /// the check and was left untouched, this call's copy removed.
    Found,
}

/// Place every part under its final name; on success no stage is left.
/// A name already taken by a file that fails the output check is an error
/// (exit class 4): it is left for a person to look at, never replaced.
pub(crate) fn commit_parts(parts: &[Part]) -> Result<Committed> {
    let mut found = false;
    for p in parts {
        match rename_no_replace(&p.stage, &p.dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&p.stage);
                check_pdf(&p.dest, p.pages).map_err(|reason| Error::InvalidOutput {
                    path: p.dest.clone(),
                    reason: format!(
                        "it was already in place and {reason}; remove it to redo the document"
                    ),
                })?;
                found = true;
            }
            Err(source) => {
                return Err(Error::Output {
                    path: p.dest.clone(),
                    source,
                });
            }
        }
    }
    if let Some(dir) = parts.first().and_then(|p| p.dest.parent()) {
        crate::output::sync_dir(dir);
    }
    Ok(if found {
        Committed::Found
    } else {
        Committed::Placed
    })
}

/// Move `stage` into `dir` as `name`, or `name-1`, `name-2`, … whichever is
/// free, without ever replacing a file: for a folder shared with people
/// and other programs (a watched inbox's outbox), where a name can be
/// taken between a look and the rename. `before` is told each name just
/// before it is tried (the watch journal records it). Returns the name
/// used.
pub(crate) fn place(
    stage: &Path,
    dir: &Path,
    name: &OsStr,
    mut before: impl FnMut(&OsStr) -> Result<()>,
) -> Result<OsString> {
    for candidate in candidates(name, Kind::File) {
        let dest = dir.join(&candidate);
        if taken(&dest) {
            continue;
        }
        before(&candidate)?;
        // The staged PDF stays where it is whatever happens.
        match rename_no_replace(stage, &dest) {
            Ok(()) => {
                sync_dir(dir);
                return Ok(candidate);
            }
            Err(source) if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(Error::Output { path: dest, source }),
        }
    }
    unreachable!("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placing_never_replaces_and_reports_each_try() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("scan.pdf"), b"someone else's").unwrap();
        std::fs::write(out.join("scan-1.pdf"), b"another").unwrap();
        let stage = dir.path().join("stage.pdf");
        std::fs::write(&stage, b"ours").unwrap();
        let mut tried = Vec::new();
        let name = place(&stage, &out, OsStr::new("scan.pdf"), |n| {
            tried.push(n.to_os_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(name, "scan-2.pdf");
        assert_eq!(tried, ["scan-2.pdf"]);
        assert_eq!(
            std::fs::read(out.join("scan.pdf")).unwrap(),
            b"someone else's"
        );
        assert_eq!(std::fs::read(out.join("scan-2.pdf")).unwrap(), b"ours");
        assert!(!stage.exists());
    }
}
