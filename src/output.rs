//! All-or-nothing output: every file ocrpdf writes (PDFs, sidecars, hOCR
//! pages, reports, cleaned images, the watch folder's journal and error
//! notes) goes through [`AtomicFile`]: written beside its destination,
//! fsynced, and given its final name in one step, so a reader sees the old
//! file or the whole new one, never a part.
//!
//! Where the kernel and filesystem allow (Linux ≥ 3.11, ext4, xfs, btrfs,
//! tmpfs), the file is created with `O_TMPFILE`: it has no name until the
//! commit links it in (`linkat` through `/proc/self/fd`), so a process
//! killed mid-write (SIGKILL, power loss) leaves nothing behind. Elsewhere
//! a named temp file `.ocrpdf-HOST-PID-XXXXXX.tmp` is used and removed on
//! drop; one left by a killed process is removed by the next ocrpdf that
//! writes into that folder, once its owner (same host, that PID) is gone.
//!
//! Two modes: [`Mode::Replace`] (the default of every command: the new
//! file atomically replaces any old one) and [`Mode::NoReplace`] (the
//! commit fails with `AlreadyExists` instead, atomically: `linkat` or
//! `renameat2(RENAME_NOREPLACE)` refuse an existing name), for callers that
//! must never overwrite (batch outputs, the watch folder's outbox).

use crate::error::{Error, Result};
use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use tempfile::{NamedTempFile, TempPath};

/// What a commit does to an existing file of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Replace it atomically.
    Replace,
    /// Leave it and fail with [`io::ErrorKind::AlreadyExists`].
    NoReplace,
}

/// A file being written that appears at its destination only on `commit`.
pub struct AtomicFile {
    file: File,
    /// `None` for an unnamed `O_TMPFILE` file.
    temp: Option<TempPath>,
    dest: PathBuf,
    mode: Mode,
}

/// An [`AtomicFile`] whose descriptor is closed (a document's hOCR pages
/// would otherwise hold one each), still waiting for its commit.
pub struct ClosedFile {
    temp: TempPath,
    dest: PathBuf,
    mode: Mode,
}

/// The folder a destination lives in.
fn parent(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn output_error(dest: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Output {
        path: dest.to_path_buf(),
        source,
    }
}

/// A named temp file in `dir`, removed on drop.
fn named_temp(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&temp_prefix())
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// This process's temp names start with `.ocrpdf-HOST-PID-`: enough to
/// tell later whether their owner still runs.
fn temp_prefix() -> String {
    format!(".ocrpdf-{}-{}-", host(), std::process::id())
}

/// The host's name, as far as a file name can hold it.
fn host() -> &'static str {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOST.get_or_init(|| {
        let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .unwrap_or_default();
        let name: String = name
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        if name.is_empty() { "host".into() } else { name }
    })
}

/// The PID in a temp name of this host, if it is one.
fn temp_owner(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    let middle = name.strip_prefix(".ocrpdf-")?.strip_suffix(".tmp")?;
    // HOST-PID-RANDOM; the host may hold dashes, the other two do not.
    let mut parts = middle.rsplitn(3, '-');
    let _random = parts.next()?;
    let pid = parts.next()?.parse().ok()?;
    (parts.next()? == host()).then_some(pid)
}

/// A name in `dir` for a finished file waiting for its no-replace rename
/// (`ocrpdf batch`'s outputs). It has the shape of this process's temp
/// files, so if the process is killed before the rename, the next ocrpdf
/// writing into `dir` removes it (`sweep`). `tag` tells this process's
/// stage files apart and must not hold a `-`.
pub(crate) fn stage_path(dir: &Path, tag: &str) -> PathBuf {
    debug_assert!(!tag.contains('-'));
    dir.join(format!("{}{tag}.tmp", temp_prefix()))
}

/// Remove temp files in `dir` whose owner, a process of this host, is no
/// longer running (killed mid-write). Each folder is swept once per run;
/// where processes cannot be looked up (`/proc`) nothing is removed.
fn sweep(dir: &Path) {
    static SWEPT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if !Path::new("/proc/self").exists() {
        return;
    }
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    {
        let mut swept = SWEPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if swept.contains(&dir) {
            return;
        }
        swept.push(dir.clone());
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        if let Some(pid) = temp_owner(&e.file_name())
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

impl AtomicFile {
    /// A file that will replace `dest` on commit.
    pub fn create(dest: &Path) -> Result<Self> {
        Self::with_mode(dest, Mode::Replace)
    }

    /// A file that will appear at `dest` on commit only if nothing is there.
    pub fn create_new(dest: &Path) -> Result<Self> {
        Self::with_mode(dest, Mode::NoReplace)
    }

    /// A file that will appear at `dest` on commit, replacing it or not as
    /// `mode` says.
    pub fn with_mode(dest: &Path, mode: Mode) -> Result<Self> {
        let dir = parent(dest);
        sweep(dir);
        let (file, temp) = if let Some(file) = unnamed::create(dir) {
            (file, None)
        } else {
            let (file, path) = named_temp(dir).map_err(output_error(dest))?.into_parts();
            (file, Some(path))
        };
        Ok(AtomicFile {
            file,
            temp,
            dest: dest.to_path_buf(),
            mode,
        })
    }

    /// The open file, to write to.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Where the file will appear.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// A path that opens the bytes written so far (for checking them before
    /// the commit): the temp file's, or the descriptor's under `/proc`.
    pub fn temp_path(&self) -> PathBuf {
        match &self.temp {
            Some(p) => p.to_path_buf(),
            None => unnamed::proc_path(&self.file),
        }
    }

    /// Close the descriptor, keeping the bytes under a temp name until the
    /// commit.
    pub fn close(self) -> Result<ClosedFile> {
        self.file.sync_all().map_err(output_error(&self.dest))?;
        let temp = match self.temp {
            Some(t) => t,
            None => unnamed::link_temp(&self.file, parent(&self.dest))
                .map_err(output_error(&self.dest))?,
        };
        set_readable(&temp).map_err(output_error(&self.dest))?;
        Ok(ClosedFile {
            temp,
            dest: self.dest,
            mode: self.mode,
        })
    }

    /// Flush to disk and give the file its name.
    pub fn commit(self) -> Result<()> {
        let err = output_error(&self.dest);
        self.file.sync_all().map_err(&err)?;
        // Temp files are private (0600); outputs are normal documents.
        set_file_readable(&self.file).map_err(&err)?;
        match self.temp {
            Some(temp) => persist(temp, &self.dest, self.mode),
            None => unnamed::commit(&self.file, &self.dest, self.mode).map_err(&err),
        }?;
        sync_dir(parent(&self.dest));
        Ok(())
    }
}

impl ClosedFile {
    /// Give the file its name.
    pub fn commit(self) -> Result<()> {
        persist(self.temp, &self.dest, self.mode)?;
        sync_dir(parent(&self.dest));
        Ok(())
    }
}

/// Write `bytes` to `dest` atomically.
pub fn write(dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    use std::io::Write;
    let f = AtomicFile::with_mode(dest, mode)?;
    (&f.file).write_all(bytes).map_err(output_error(dest))?;
    f.commit()
}

/// Move the existing file `from` to `to` (same filesystem) unless `to`
/// exists: `renameat2(RENAME_NOREPLACE)`, or a hard link and an unlink
/// where the filesystem lacks it. Fails with `AlreadyExists` when taken.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(r) = unnamed::rename_noreplace(from, to) {
        r
    } else {
        std::fs::hard_link(from, to)?;
        std::fs::remove_file(from)
    }
}

fn persist(temp: TempPath, dest: &Path, mode: Mode) -> Result<()> {
    let r = match mode {
        Mode::Replace => temp.persist(dest),
        Mode::NoReplace => temp.persist_noclobber(dest),
    };
    r.map_err(|e| Error::Output {
        path: dest.to_path_buf(),
        source: e.error,
    })
}

/// Make renames in `dir` durable (fsync the directory); failure here
/// loses nothing but durability, so it is not reported.
pub(crate) fn sync_dir(dir: &Path) {
    let _ = File::open(dir).and_then(|d| d.sync_all());
}

fn set_readable(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn set_file_readable(f: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
}

/// Unnamed files (`O_TMPFILE`) and `renameat2`, Linux only; `None` means
/// "not here, use the portable way".
#[cfg(target_os = "linux")]
mod unnamed {
    use super::{Mode, OsStr};
    use std::ffi::CString;
    use std::fs::File;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::{Path, PathBuf};
    use tempfile::TempPath;

    fn cstr(p: &OsStr) -> io::Result<CString> {
        CString::new(p.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
    }

    /// An unnamed file in `dir`, or `None` where the kernel, the
    /// filesystem or a missing `/proc` (needed to link it) rule it out.
    pub fn create(dir: &Path) -> Option<File> {
        if !Path::new("/proc/self/fd").is_dir() {
            return None;
        }
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
            .ok()
    }

    pub fn proc_path(f: &File) -> PathBuf {
        PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd()))
    }

    /// Give the unnamed `f` the name `to`; fails if `to` exists.
    fn link(f: &File, to: &Path) -> io::Result<()> {
        let from = cstr(proc_path(f).as_os_str())?;
        let to = cstr(to.as_os_str())?;
        // SAFETY: both are valid NUL-terminated paths; plain syscall.
        let r = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// Link `f` under a fresh temp name in `dir`.
    pub fn link_temp(f: &File, dir: &Path) -> io::Result<TempPath> {
        loop {
            let name = dir.join(format!(
                "{}{:016x}.tmp",
                super::temp_prefix(),
                fastrand_u64()
            ));
            // A taken name is tried again with another.
            match link(f, &name) {
                Ok(()) => return TempPath::try_from_path(&name),
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                Err(_) => {}
            }
        }
    }

    /// A random name part: the clock and the address of a stack value
    /// mixed (SplitMix64); collisions are retried anyway.
    fn fastrand_u64() -> u64 {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let local = 0u8;
        let mut z =
            t ^ (&local as *const u8 as u64).rotate_left(32) ^ u64::from(std::process::id());
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn commit(f: &File, dest: &Path, mode: Mode) -> io::Result<()> {
        match mode {
            Mode::NoReplace => link(f, dest),
            Mode::Replace => {
                // A name is needed to rename over `dest`; it exists only
                // between these two calls.
                let temp = link_temp(f, super::parent(dest))?;
                temp.persist(dest).map_err(|e| e.error)
            }
        }
    }

    pub fn rename_noreplace(from: &Path, to: &Path) -> Option<io::Result<()>> {
        let (Ok(a), Ok(b)) = (cstr(from.as_os_str()), cstr(to.as_os_str())) else {
            return Some(Err(io::Error::from(io::ErrorKind::InvalidInput)));
        };
        // SAFETY: valid NUL-terminated paths; plain syscall.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if r == 0 {
            return Some(Ok(()));
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            // Not supported by this kernel or filesystem.
            Some(libc::EINVAL | libc::ENOSYS) => None,
            _ => Some(Err(e)),
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod unnamed {
    use super::Mode;
    use std::fs::File;
    use std::io;
    use std::path::{Path, PathBuf};
    use tempfile::TempPath;

    pub fn create(_dir: &Path) -> Option<File> {
        None
    }
    pub fn proc_path(_f: &File) -> PathBuf {
        unreachable!("no unnamed files here")
    }
    pub fn link_temp(_f: &File, _dir: &Path) -> io::Result<TempPath> {
        unreachable!("no unnamed files here")
    }
    pub fn commit(_f: &File, _dest: &Path, _mode: Mode) -> io::Result<()> {
        unreachable!("no unnamed files here")
    }
    pub fn rename_noreplace(_from: &Path, _to: &Path) -> Option<io::Result<()>> {
        None
    }
}

/// The one output check: `path` parses as a PDF and has `pages` pages.
/// Run on every PDF before it gets its final name, and by the watch
/// folder's recovery on what an earlier run left.
pub(crate) fn check_pdf(path: &Path, pages: usize) -> std::result::Result<(), String> {
    let found = pdf_pages(path)?;
    if found != pages {
        return Err(format!("has {found} pages, expected {pages}"));
    }
    Ok(())
}

/// The page count of the PDF at `path` once it parses, at least one page.
pub(crate) fn pdf_pages(path: &Path) -> std::result::Result<usize, String> {
    let doc = lopdf::Document::load(path).map_err(|e| format!("cannot be parsed: {e}"))?;
    match doc.get_pages().len() {
        0 => Err("has no pages".into()),
        n => Ok(n),
    }
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

    #[test]
    fn no_replace_keeps_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.pdf");
        std::fs::write(&dest, b"old").unwrap();
        let f = AtomicFile::create_new(&dest).unwrap();
        f.file().write_all(b"new").unwrap();
        let err = f.commit().unwrap_err();
        match err {
            Error::Output { source, .. } => {
                assert_eq!(source.kind(), io::ErrorKind::AlreadyExists);
            }
            other => panic!("{other}"),
        }
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write(&dest, b"replaced", Mode::Replace).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"replaced");
        let other = dir.path().join("new.pdf");
        write(&other, b"fresh", Mode::NoReplace).unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"fresh");
    }

    #[test]
    fn the_temp_path_reads_what_was_written_and_closing_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("page.hocr");
        let f = AtomicFile::create(&dest).unwrap();
        f.file().write_all(b"<html/>").unwrap();
        assert_eq!(std::fs::read(f.temp_path()).unwrap(), b"<html/>");
        let closed = f.close().unwrap();
        assert!(!dest.exists());
        closed.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"<html/>");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temp_files_of_dead_owners_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        // PIDs above the kernel's limit (4194304) never run.
        let dead = dir
            .path()
            .join(format!(".ocrpdf-{}-4999999-abc123.tmp", host()));
        let mine = dir.path().join(format!("{}abc123.tmp", temp_prefix()));
        let other_host = dir.path().join(".ocrpdf-elsewhere-4999999-abc123.tmp");
        let not_ours = dir.path().join(".ocrpdf-work-0123");
        for p in [&dead, &mine, &other_host, &not_ours] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(temp_owner(dead.file_name().unwrap()), Some(4_999_999));
        let f = AtomicFile::create(&dir.path().join("out.pdf")).unwrap();
        f.commit().unwrap();
        assert!(!dead.exists(), "a dead owner's temp file stays");
        assert!(mine.exists() && other_host.exists() && not_ours.exists());
    }

    #[test]
    fn rename_no_replace_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"a").unwrap();
        std::fs::write(&b, b"b").unwrap();
        let e = rename_no_replace(&a, &b).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
        std::fs::remove_file(&b).unwrap();
        rename_no_replace(&a, &b).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&b).unwrap(), b"a");
    }
}
