//! Output names. A watched inbox's PDF keeps its input's name
//! ([`pdf_name`]): people look for it there. A `batch` or `worker`
//! output is named by what it holds ([`hashed_name`]): the document's name
//! and a short hash of everything that decides the output's bytes, so a
//! rerun finds its earlier outputs, two `scan.png` from different folders
//! (or one file under other flags) never share a name, and a name is its
//! own proof of what it holds. The parts of a split document are numbered
//! by [`part_path`], as the pipeline writes them.

use super::scan::Kind;
use crate::job::Options;
use md5::{Digest, Md5};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};

pub(crate) use crate::pipeline::part_path;

/// Hex digits of the hash in a name: 48 bits, so among 10⁸ documents the
/// chance of any two distinct ones sharing a name (birthday bound,
/// n²/2·2⁻⁴⁸) is about 2 %; the name also keeps the document's own name,
/// and only documents of the same name can collide at all.
const HASH_HEX: usize = 12;

/// What goes into the hash before the inputs; bump when the hashed layout
/// changes.
const NAME_VERSION: &str = "ocrpdf-batch-name-1";

/// The options as they affect the output's bytes: everything but how
/// many threads run and how long OCR may take (neither changes a finished
/// output), printed in full. The crate's version is part of it, as a new
/// version may encode differently.
fn options_key(opts: &Options) -> String {
    let mut o = opts.clone();
    o.page.jobs = None;
    o.ocr.timeout = None;
    // A batch document's pages are ordered by the document (a folder is in
    // natural order), never by this flag.
    o.page.natural_sort = false;
    format!("{} {:?}", env!("CARGO_PKG_VERSION"), o)
}

/// The output name of a document made of `pages` (in page order), called
/// `stem`: `STEM-HASH.pdf`.
pub(crate) fn hashed_name(
    stem: &str,
    pages: &[PathBuf],
    opts: &Options,
) -> std::io::Result<String> {
    let mut h = Md5::new();
    h.update(NAME_VERSION.as_bytes());
    h.update([0]);
    h.update(options_key(opts).as_bytes());
    h.update([0]);
    let mut buf = vec![0u8; 1 << 16];
    for page in pages {
        let mut f = std::fs::File::open(page)?;
        let mut len: u64 = 0;
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            len += n as u64;
        }
        // Each page's length after its bytes: pages [ab, c] and [a, bc]
        // hash differently.
        h.update(len.to_le_bytes());
    }
    let digest = h.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{stem}-{}.pdf", &hex[..HASH_HEX]))
}

/// A document's name without its extension (`scan.png` → `scan`; a folder
/// keeps its whole name), made safe for a file name.
pub(crate) fn stem(path: &Path, folder: bool) -> String {
    let name = if folder {
        path.file_name()
    } else {
        path.file_stem()
    };
    let name = name
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = name
        .chars()
        .map(|c| if c.is_control() || c == '/' { '_' } else { c })
        .collect();
    // A leading dot would hide the output (and look like a temp file).
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() {
        "document".into()
    } else {
        clean.to_string()
    }
}

/// The PDF name for an input: `scan.png` → `scan.pdf`, folder `batch 7`
/// → `batch 7.pdf`.
pub(crate) fn pdf_name(input: &OsStr, kind: Kind) -> OsString {
    let path = Path::new(input);
    let stem = match kind {
        Kind::File => path.file_stem().unwrap_or(input),
        Kind::Folder => input,
    };
    let mut name = stem.to_os_string();
    name.push(".pdf");
    name
}

/// `name` with `-n` before its extension (`scan.pdf` → `scan-2.pdf`), or
/// at the end for folders; `n == 0` leaves it as it is.
pub(crate) fn with_suffix(name: &OsStr, n: usize, kind: Kind) -> OsString {
    if n == 0 {
        return name.to_os_string();
    }
    let path = Path::new(name);
    if let (Kind::File, Some(stem), Some(ext)) = (kind, path.file_stem(), path.extension()) {
        let mut s = stem.to_os_string();
        s.push(format!("-{n}."));
        s.push(ext);
        s
    } else {
        let mut s = name.to_os_string();
        s.push(format!("-{n}"));
        s
    }
}

/// Whether anything (even a dangling link) has this path.
pub(crate) fn taken(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// `name`, `name-1`, `name-2`, …: the names a file may take in a folder
/// it shares with others, in the order they are tried. Never ends.
pub(crate) fn candidates(name: &OsStr, kind: Kind) -> impl Iterator<Item = OsString> + '_ {
    (0..).map(move |n| with_suffix(name, n, kind))
}

/// The first of [`candidates`] that `free` accepts, for a folder only one
/// process writes (a look is enough; a shared folder needs `commit`'s
/// `place`).
pub(crate) fn free_name(name: &OsStr, kind: Kind, free: impl Fn(&OsStr) -> bool) -> OsString {
    candidates(name, kind)
        .find(|c| free(c))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_change_with_bytes_page_split_and_options_but_not_with_threads() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let c = dir.path().join("c");
        std::fs::write(&a, b"ab").unwrap();
        std::fs::write(&b, b"c").unwrap();
        std::fs::write(&c, b"abc").unwrap();
        let opts = Options::default();
        let name = |pages: &[PathBuf], o: &Options| hashed_name("s", pages, o).unwrap();
        let base = name(&[a.clone(), b.clone()], &opts);
        assert_eq!(base.len(), "s-".len() + HASH_HEX + ".pdf".len());
        assert_eq!(base, name(&[a.clone(), b.clone()], &opts));
        assert_ne!(base, name(&[b.clone(), a.clone()], &opts));
        assert_ne!(base, name(std::slice::from_ref(&c), &opts));
        let mut threads = opts.clone();
        threads.page.jobs = Some(7);
        assert_eq!(base, name(&[a.clone(), b.clone()], &threads));
        let mut other = opts.clone();
        other.page.rotate = false;
        assert_ne!(base, name(&[a, b], &other));
    }

    #[test]
    fn inbox_pdfs_keep_the_input_name() {
        let f = |s: &str| pdf_name(OsStr::new(s), Kind::File);
        assert_eq!(f("scan.png"), "scan.pdf");
        assert_eq!(f("report.pdf"), "report.pdf");
        assert_eq!(f("noext"), "noext.pdf");
        assert_eq!(
            pdf_name(OsStr::new("batch.v2"), Kind::Folder),
            "batch.v2.pdf"
        );
    }

    #[test]
    fn stems_are_plain_visible_names() {
        assert_eq!(stem(Path::new("x/scan.png"), false), "scan");
        assert_eq!(stem(Path::new("x/box 12.v2"), true), "box 12.v2");
        assert_eq!(stem(Path::new("x/.hidden.png"), false), "hidden");
        assert_eq!(stem(Path::new("/"), true), "document");
    }

    #[test]
    fn suffixes() {
        assert_eq!(
            with_suffix(OsStr::new("scan.pdf"), 2, Kind::File),
            "scan-2.pdf"
        );
        assert_eq!(
            with_suffix(OsStr::new("batch.v2"), 1, Kind::Folder),
            "batch.v2-1"
        );
        assert_eq!(with_suffix(OsStr::new("x"), 0, Kind::File), "x");
    }
}
