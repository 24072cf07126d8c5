//! Where files go: the PDF into the outbox under a name nothing else has,
//! the original into `INBOX/.done/` (or away) after success, or into
//! `INBOX/.failed/` beside a `NAME.error.txt` that says why.
//!
//! Nothing is ever overwritten: a clash gets `-1`, `-2`, … before the
//! extension (`intake::free_name`). The outbox is shared with people and
//! other programs, so the PDF is moved there by `intake::place`, a
//! no-replace rename (`renameat2(RENAME_NOREPLACE)` or link-and-unlink);
//! `.done` and `.failed` belong to the one watcher holding the inbox's
//! lock, so a look before the rename is enough there.

use crate::error::{Error, ErrorKind};
use crate::intake::{Kind, free_name, taken};
use crate::output::sync_dir;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Folder under the inbox for originals converted successfully.
pub(crate) const DONE: &str = ".done";
/// Folder under the inbox for originals that could not be converted.
pub(crate) const FAILED: &str = ".failed";

/// Move an original out of the inbox after its PDF is safe: into
/// `.done/` (returning where), or, with `delete`, into `trash` — a folder
/// of the journal on the same file system — and from there away, so a
/// folder is never left half-deleted where it could be taken again.
pub(crate) fn done(
    inbox: &Path,
    name: &OsStr,
    kind: Kind,
    delete: Option<&Path>,
) -> std::io::Result<Option<PathBuf>> {
    let from = inbox.join(name);
    if let Some(trash) = delete {
        let to = trash.join(name);
        if taken(&to) {
            remove_any(&to)?;
        }
        std::fs::rename(&from, &to)?;
        sync_dir(inbox);
        remove_any(&to)?;
        return Ok(None);
    }
    let to = move_free(&from, &inbox.join(DONE), name, kind)?;
    sync_dir(inbox);
    Ok(Some(to))
}

/// Why a document failed, as written into `NAME.error.txt`.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The error's kind, for the exit code.
    pub kind: ErrorKind,
    /// The error's message.
    pub message: String,
}

impl Failure {
    pub(crate) fn of(e: &Error) -> Self {
        Failure {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

/// Move a failed original into `.failed/` beside `NAME.error.txt`. The
/// reason is written first, so a crash in between leaves a reason without
/// its file rather than a file without its reason.
pub(crate) fn failed(
    inbox: &Path,
    name: &OsStr,
    kind: Kind,
    why: &Failure,
    attempts: u32,
) -> std::io::Result<PathBuf> {
    let dir = inbox.join(FAILED);
    std::fs::create_dir_all(&dir)?;
    let error_txt = |n: &OsStr| {
        let mut s = n.to_os_string();
        s.push(".error.txt");
        dir.join(s)
    };
    let free = free_name(name, kind, |c| {
        !taken(&dir.join(c)) && !taken(&error_txt(c))
    });
    let text = format!(
        "input: {}\nerror: {}\nexit code: {} ({})\nattempts: {attempts}\n",
        name.to_string_lossy(),
        why.message,
        why.kind.exit_code(),
        kind_meaning(why.kind),
    );
    crate::output::write(
        &error_txt(&free),
        text.as_bytes(),
        crate::output::Mode::Replace,
    )
    .map_err(|e| match e {
        Error::Output { source, .. } => source,
        other => std::io::Error::other(other.to_string()),
    })?;
    let to = dir.join(&free);
    std::fs::rename(inbox.join(name), &to)?;
    sync_dir(&dir);
    sync_dir(inbox);
    Ok(to)
}

/// Rename `from` into `dir` as `name` or the first free suffixed name.
fn move_free(from: &Path, dir: &Path, name: &OsStr, kind: Kind) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let to = dir.join(free_name(name, kind, |c| !taken(&dir.join(c))));
    std::fs::rename(from, &to)?;
    sync_dir(dir);
    Ok(to)
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// What an exit code means, for `NAME.error.txt`.
pub(crate) fn kind_meaning(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::BadArgs => "bad arguments",
        ErrorKind::Input => "the input is unreadable, not an image, or fails to decode",
        ErrorKind::MissingDependency => "a dependency is missing",
        ErrorKind::InvalidOutput => "the output failed its own check",
        ErrorKind::Output => "the output cannot be written",
        ErrorKind::Ocr => "the OCR engine failed",
        ErrorKind::Config => "invalid or unsafe configuration",
        ErrorKind::Interrupted => "interrupted",
        _ => "other error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_keep_the_original_and_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path();
        let why = Failure {
            kind: ErrorKind::Input,
            message: "bad.png: not a PNG image".into(),
        };
        for round in 0..2 {
            std::fs::write(inbox.join("bad.png"), format!("junk {round}")).unwrap();
            let to = failed(inbox, OsStr::new("bad.png"), Kind::File, &why, 1).unwrap();
            let expect = if round == 0 { "bad.png" } else { "bad-1.png" };
            assert_eq!(to, inbox.join(FAILED).join(expect));
            assert_eq!(
                std::fs::read_to_string(&to).unwrap(),
                format!("junk {round}")
            );
            let txt =
                std::fs::read_to_string(inbox.join(FAILED).join(format!("{expect}.error.txt")))
                    .unwrap();
            assert!(
                txt.contains("not a PNG image") && txt.contains("exit code: 2"),
                "{txt}"
            );
        }
        assert!(!inbox.join("bad.png").exists());
    }

    #[test]
    fn done_names_clash_into_suffixes() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path();
        for (round, expect) in ["scan.png", "scan-1.png", "scan-2.png"].iter().enumerate() {
            std::fs::write(inbox.join("scan.png"), format!("{round}")).unwrap();
            let to = done(inbox, OsStr::new("scan.png"), Kind::File, None).unwrap();
            assert_eq!(to, Some(inbox.join(DONE).join(expect)));
            assert_eq!(
                std::fs::read_to_string(inbox.join(DONE).join(expect)).unwrap(),
                format!("{round}")
            );
        }
        std::fs::create_dir_all(inbox.join("batch")).unwrap();
        std::fs::create_dir_all(inbox.join(DONE).join("batch")).unwrap();
        let to = done(inbox, OsStr::new("batch"), Kind::Folder, None).unwrap();
        assert_eq!(to, Some(inbox.join(DONE).join("batch-1")));
    }

    #[test]
    fn deleting_goes_through_the_trash() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("in");
        let trash = dir.path().join("trash");
        std::fs::create_dir_all(inbox.join("batch")).unwrap();
        std::fs::create_dir_all(&trash).unwrap();
        std::fs::write(inbox.join("batch/p1.png"), b"x").unwrap();
        let to = done(&inbox, OsStr::new("batch"), Kind::Folder, Some(&trash)).unwrap();
        assert_eq!(to, None);
        assert!(!inbox.join("batch").exists());
        assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 0);
    }
}
