//! The inbox and outbox a watcher may use: both folders, canonical, and
//! neither inside the other — else the watcher would take its own PDFs as
//! new scans, or move its outbox into `.done`.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Canonical inbox and outbox (the outbox created if missing), refused
/// when one is inside the other or they are the same.
pub(super) fn check(inbox: &Path, outbox: &Path) -> Result<(PathBuf, PathBuf)> {
    let inbox_c = inbox.canonicalize().map_err(|e| {
        Error::Config(format!(
            "{}: cannot watch this folder: {e}",
            inbox.display()
        ))
    })?;
    if !inbox_c.is_dir() {
        return Err(Error::Config(format!(
            "{}: is not a folder",
            inbox.display()
        )));
    }
    if let Some(out) = crate::intake::canonical_target(outbox) {
        overlap(&inbox_c, &out, inbox, outbox)?;
    }
    std::fs::create_dir_all(outbox).map_err(|e| Error::Output {
        path: outbox.to_path_buf(),
        source: e,
    })?;
    let outbox_c = outbox.canonicalize().map_err(|e| Error::Output {
        path: outbox.to_path_buf(),
        source: e,
    })?;
    if !outbox_c.is_dir() {
        return Err(Error::Config(format!(
            "{}: is not a folder",
            outbox.display()
        )));
    }
    overlap(&inbox_c, &outbox_c, inbox, outbox)?;
    Ok((inbox_c, outbox_c))
}

/// The canonical duplex inbox (`--duplex-inbox`): a folder apart from the
/// inbox (a folder inside the inbox is a document there) and the outbox.
pub(super) fn check_duplex(
    duplex: &Path,
    given_inbox: &Path,
    inbox: &Path,
    outbox: &Path,
) -> Result<PathBuf> {
    let (d, _) = check(duplex, outbox)?;
    let (shown_d, shown_i) = (duplex.display(), given_inbox.display());
    if d == inbox {
        return Err(Error::Config(format!(
            "the duplex inbox and the inbox are the same folder ({shown_i})"
        )));
    }
    if d.starts_with(inbox) {
        return Err(Error::Config(format!(
            "the duplex inbox {shown_d} is inside the inbox {shown_i}, where a folder is one document; use a folder beside it"
        )));
    }
    if inbox.starts_with(&d) {
        return Err(Error::Config(format!(
            "the inbox {shown_i} is inside the duplex inbox {shown_d}; use two separate folders"
        )));
    }
    Ok(d)
}

fn overlap(inbox: &Path, outbox: &Path, given_in: &Path, given_out: &Path) -> Result<()> {
    let (i, o) = (given_in.display(), given_out.display());
    if inbox == outbox {
        return Err(Error::Config(format!(
            "the inbox and the outbox are the same folder ({i})"
        )));
    }
    if outbox.starts_with(inbox) {
        return Err(Error::Config(format!(
            "the outbox {o} is inside the inbox {i}: its PDFs would be taken as new scans"
        )));
    }
    if inbox.starts_with(outbox) {
        return Err(Error::Config(format!(
            "the inbox {i} is inside the outbox {o}; use two separate folders"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("in");
        std::fs::create_dir(&inbox).unwrap();
        for out in [
            inbox.join("out"),
            inbox.join("a/../b"),
            inbox.clone(),
            dir.path().to_path_buf(),
        ] {
            let e = check(&inbox, &out).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{}: {e}", out.display());
        }
        assert!(
            !inbox.join("out").exists(),
            "a refused outbox is not created"
        );
        let (i, o) = check(&inbox, &dir.path().join("out/pdf")).unwrap();
        assert!(o.is_dir() && o.ends_with("out/pdf") && i.ends_with("in"));
    }

    #[test]
    fn the_duplex_inbox_stands_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (inbox, out) = (dir.path().join("in"), dir.path().join("out"));
        for d in ["in", "in/duplex", "duplex"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        let (i, _) = check(&inbox, &out).unwrap();
        for bad in [
            inbox.clone(),
            inbox.join("duplex"),
            dir.path().to_path_buf(),
            out.clone(),
        ] {
            let e = check_duplex(&bad, &inbox, &i, &out).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Config, "{}: {e}", bad.display());
        }
        let d = check_duplex(&dir.path().join("duplex"), &inbox, &i, &out).unwrap();
        assert!(d.ends_with("duplex"));
    }
}
