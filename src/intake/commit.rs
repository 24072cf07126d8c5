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

use crate::error::{Error, Result};
use crate::output::{check_pdf, rename_no_replace};
use std::path::PathBuf;

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
