//! What in a folder is a document, and what is left alone: the same rules
//! for a watched inbox and for a folder named as one document (`batch`,
//! `worker`).
//!
//! A regular file directly in the inbox is one document; a folder is one
//! document made of the files directly inside it, in natural order. Hidden
//! names (ocrpdf's own `.done`, `.failed`, `.ocrpdf` and temp files among
//! them) and system clutter (`Thumbs.db`, `@eaDir`, …) are never documents;
//! names still being written (`.part`, `.tmp`, `.crdownload`, …) become one
//! when renamed. Symbolic links and special files (FIFOs, sockets, devices)
//! are skipped: reading a FIFO blocks, and a link may point anywhere,
//! including into the outbox.
//!
//! A document's [`Fingerprint`] — name, size, modification time and inode of
//! everything it is made of — is what the settle check compares over time
//! and what the journal records as the input's identity.

use crate::error::Error;
use crate::input::natural_cmp;
use serde::{Deserialize, Serialize};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A single file or a folder of page files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Folder,
}

/// A top-level name in the inbox that is, or will become, a document.
#[derive(Debug)]
pub(crate) struct Found {
    pub name: OsString,
    pub kind: Kind,
}

/// A name passed over that deserves one line in the log.
#[derive(Debug, PartialEq, Eq, Hash, Clone)]
pub(crate) struct Skipped {
    pub path: PathBuf,
    pub why: &'static str,
    /// An entry of a document folder that is no page it can take (a
    /// symbolic link, a FIFO): the folder fails as a whole
    /// ([`Snapshot::unusable_page`]) instead of being logged and passed.
    pub page: bool,
}

/// Why a name is not (yet) a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ignore {
    /// Hidden, system clutter or ocrpdf's own: never a document.
    Never,
    /// Still being written under a temporary name; waited for.
    Writing,
}

/// System and NAS clutter that is never a scan.
const CLUTTER: &[&str] = &[
    "thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    "@eadir",
    "#recycle",
    "#snapshot",
    "$recycle.bin",
    "system volume information",
    "lost+found",
];

/// Suffixes of files still being written by browsers, FTP/SMB clients,
/// rsync-like tools and scanner software; they are renamed when complete.
const WRITING_SUFFIXES: &[&str] = &[
    ".part",
    ".partial",
    ".tmp",
    ".temp",
    ".crdownload",
    ".download",
    ".filepart",
    ".swp",
    "~",
];

/// Whether `name` is left alone, and why.
pub(crate) fn ignored(name: &OsStr) -> Option<Ignore> {
    let lossy = name.to_string_lossy();
    if lossy.starts_with('.') {
        return Some(Ignore::Never);
    }
    let lower = lossy.to_lowercase();
    if CLUTTER.contains(&lower.as_str()) {
        return Some(Ignore::Never);
    }
    if WRITING_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return Some(Ignore::Writing);
    }
    None
}

/// The top-level documents in `inbox`, and what was skipped.
pub(crate) fn list(inbox: &Path) -> std::io::Result<(Vec<Found>, Vec<Skipped>)> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(inbox)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        if ignored(&name).is_some() {
            continue;
        }
        let Ok(ft) = entry.file_type() else { continue };
        let kind = if ft.is_symlink() {
            None
        } else if ft.is_dir() {
            Some(Kind::Folder)
        } else if ft.is_file() {
            Some(Kind::File)
        } else {
            None
        };
        match kind {
            Some(kind) => found.push(Found { name, kind }),
            None => skipped.push(Skipped {
                path: entry.path(),
                why: skip_reason(&ft),
                page: false,
            }),
        }
    }
    found.sort_by(|a, b| natural_cmp(&a.name.to_string_lossy(), &b.name.to_string_lossy()));
    Ok((found, skipped))
}

fn skip_reason(ft: &std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "symbolic link skipped (put the file itself in the inbox)"
    } else {
        "not a regular file (FIFO, socket or device) skipped"
    }
}

/// Size, modification time and inode of one part of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    /// Name inside a folder document; empty for a single file.
    pub name: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub ino: u64,
}

/// Everything a document is made of, as last seen. Equal fingerprints
/// mean nothing was written, added, removed or replaced in between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct Fingerprint(pub Vec<Stamp>);

/// One look at a document.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub fingerprint: Fingerprint,
    /// The page files in page order (a single file: itself).
    pub pages: Vec<PathBuf>,
    /// Nothing to convert yet: an empty file, or a folder with no page
    /// files or with an empty one.
    pub empty: bool,
    /// A folder still has a file under a temporary name.
    pub writing: bool,
    /// The newest modification time of anything in it.
    pub newest: SystemTime,
    /// Parts passed over: subfolders of a folder (README: files in deeper
    /// folders are not read), and links and FIFOs among its pages.
    pub skipped: Vec<Skipped>,
    pub kind: Kind,
}

impl Snapshot {
    /// The error that fails the whole document when one of its entries is
    /// not a page it can take: leaving that page out would be silent loss.
    pub(crate) fn unusable_page(&self) -> Option<Error> {
        self.skipped.iter().find(|s| s.page).map(|s| {
            Error::input(
                &s.path,
                format!("{}; the folder is not converted without it", s.why),
            )
        })
    }
}

/// Look at the document `name` in `inbox`; `None` when it is gone.
pub(crate) fn snapshot(inbox: &Path, name: &OsStr, kind: Kind) -> Option<Snapshot> {
    let path = inbox.join(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    match kind {
        Kind::File if meta.is_file() => Some(Snapshot {
            fingerprint: Fingerprint(vec![stamp(String::new(), &meta)]),
            pages: vec![path],
            empty: meta.len() == 0,
            writing: false,
            newest: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            skipped: Vec::new(),
            kind,
        }),
        Kind::Folder if meta.is_dir() => folder(&path, &meta),
        _ => None,
    }
}

fn folder(path: &Path, meta: &std::fs::Metadata) -> Option<Snapshot> {
    let mut stamps = vec![stamp(".".into(), meta)];
    let mut pages = Vec::new();
    let mut empty = false;
    let mut writing = false;
    let mut newest = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(path).ok()? {
        // An entry that cannot be looked at is a page the folder cannot
        // take; one that vanished meanwhile is not (the next look sees the
        // folder changed).
        let unreadable = |at: PathBuf| Skipped {
            path: at,
            why: "cannot be read (an I/O or permission error)",
            page: true,
        };
        let Ok(entry) = entry else {
            skipped.push(unreadable(path.to_path_buf()));
            continue;
        };
        let name = entry.file_name();
        let m = match std::fs::symlink_metadata(entry.path()) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) if ignored(&name) == Some(Ignore::Never) => continue,
            Err(_) => {
                skipped.push(unreadable(entry.path()));
                continue;
            }
        };
        // Every entry counts towards the fingerprint, hidden ones too: a
        // tool writing `.scan.png.XYZ` before renaming it is still busy.
        stamps.push(stamp(name.to_string_lossy().into_owned(), &m));
        if let Ok(t) = m.modified() {
            newest = newest.max(t);
        }
        match ignored(&name) {
            Some(Ignore::Never) => continue,
            Some(Ignore::Writing) => {
                writing = true;
                continue;
            }
            None => {}
        }
        let ft = m.file_type();
        if ft.is_file() {
            empty |= m.len() == 0;
            pages.push(entry.path());
        } else if ft.is_dir() {
            skipped.push(Skipped {
                path: entry.path(),
                why: "folder inside a document folder is not read (only files directly inside are pages)",
                page: false,
            });
        } else {
            skipped.push(Skipped {
                path: entry.path(),
                why: if ft.is_symlink() {
                    "a symbolic link, not a page file (put the file itself in the folder)"
                } else {
                    "not a regular file (FIFO, socket or device)"
                },
                page: true,
            });
        }
    }
    stamps.sort_by(|a, b| a.name.cmp(&b.name));
    pages.sort_by(|a, b| {
        natural_cmp(
            &a.file_name().unwrap_or_default().to_string_lossy(),
            &b.file_name().unwrap_or_default().to_string_lossy(),
        )
    });
    Some(Snapshot {
        fingerprint: Fingerprint(stamps),
        empty: empty || pages.is_empty(),
        pages,
        writing,
        newest,
        skipped,
        kind: Kind::Folder,
    })
}

fn stamp(name: String, m: &std::fs::Metadata) -> Stamp {
    let mtime_ns = match m.modified() {
        Ok(t) => match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i64,
            Err(e) => -(e.duration().as_nanos() as i64),
        },
        Err(_) => 0,
    };
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(m);
    #[cfg(not(unix))]
    let ino = 0;
    Stamp {
        name,
        size: if m.is_file() { m.len() } else { 0 },
        mtime_ns,
        ino,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clutter_hidden_and_unfinished_names() {
        for n in [".DS_Store", ".done", ".ocrpdf-x.tmp", "Thumbs.db", "@eaDir"] {
            assert_eq!(ignored(OsStr::new(n)), Some(Ignore::Never), "{n}");
        }
        for n in ["a.png.part", "b.TMP", "c.crdownload", "d.png~"] {
            assert_eq!(ignored(OsStr::new(n)), Some(Ignore::Writing), "{n}");
        }
        for n in ["scan.png", "batch 7", "tmp.png", "report.pdf"] {
            assert_eq!(ignored(OsStr::new(n)), None, "{n}");
        }
    }

    #[test]
    fn folders_list_pages_in_natural_order_and_notice_writes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("batch");
        std::fs::create_dir(&f).unwrap();
        for n in ["p10.png", "p2.png", "p1.png", ".hidden", "Thumbs.db"] {
            std::fs::write(f.join(n), b"x").unwrap();
        }
        let s = snapshot(dir.path(), OsStr::new("batch"), Kind::Folder).unwrap();
        let names: Vec<_> = s.pages.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["p1.png", "p2.png", "p10.png"]);
        assert!(!s.empty && !s.writing);

        std::fs::write(f.join("p11.png.part"), b"").unwrap();
        let t = snapshot(dir.path(), OsStr::new("batch"), Kind::Folder).unwrap();
        assert!(t.writing);
        assert_ne!(s.fingerprint, t.fingerprint);

        std::fs::write(f.join("p12.png"), b"").unwrap();
        assert!(
            snapshot(dir.path(), OsStr::new("batch"), Kind::Folder)
                .unwrap()
                .empty
        );
    }

    #[test]
    fn listing_skips_links_and_fifos() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), b"x").unwrap();
        std::fs::create_dir(dir.path().join(".done")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.png", dir.path().join("link.png")).unwrap();
            let fifo = dir.path().join("pipe.png");
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(&fifo)
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let (found, skipped) = list(dir.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "a.png");
        #[cfg(unix)]
        assert_eq!(skipped.len(), 2);
    }
}
