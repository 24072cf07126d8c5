//! How many pages fit in memory at once.
//!
//! A page in flight needs memory in proportion to its pixels (README,
//! Memory: [`BYTES_PER_PIXEL`], grey or colour), known from its header
//! before it is decoded. A cluster task or container runs under
//! a memory limit (its cgroup's `memory.max`, or `memory.limit_in_bytes`
//! under cgroup v1) past which the kernel kills it; `--max-memory` sets one
//! by hand. The scheduler (`schedule`) starts a page only when the
//! pages in flight, with it, fit the limit ([`Budget`]), so a large page
//! lowers how many run at once instead of getting the process killed. A
//! page too large for the limit on its own still runs, alone: refusing it
//! would fail a page the machine may well hold (the limit is an estimate's
//! bound, not a measurement), and running it with others would not.

use crate::input::PageRef;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Memory a page in flight takes per pixel, over the fixed part, grey or
/// colour: the page as cleaned for OCR, its bilevel image, Tesseract's own
/// copies while it reads; for a colour page, the colour page made over its
/// scan (a scan over `clean::scan::KEEP_BYTES` given up and decoded again
/// where its colour is needed, a page stored whole in colour encoded
/// before OCR). Measured over 100 MiB (`benches/memory.sh`): 4.2 on an A2
/// colour page, 4.2 on a map stored whole in colour, 4.9 on a 299-MP grey
/// page, 3.5 on A4 colour; rounded up, as a page budgeted short is what
/// the limit is there to prevent.
pub(crate) const BYTES_PER_PIXEL: u64 = 6;

/// Memory the process takes whatever its pages: the program, its
/// libraries, Tesseract's models and the buffers that do not grow with
/// the page (measured: 82 MiB converting a tiny page at `-j 1`).
pub(crate) const FIXED_BYTES: u64 = 100 << 20;

/// What each further worker adds whatever its pages: its own Tesseract
/// engine with its models loaded (Debian's `eng` and OSD: about 25 MiB),
/// with room to spare for larger models.
pub(crate) const PER_WORKER_BYTES: u64 = 40 << 20;

/// Pixels assumed for a page whose size is not known before decoding (a
/// PDF page, whose own bound is the PDF input's): A4 at 300 dpi.
const UNKNOWN_PAGE_PIXELS: u64 = 2480 * 3508;

/// The memory a page needs while in flight, from its header's size.
pub(crate) fn page_need(page: &PageRef) -> u64 {
    let pixels = page.size.map_or(UNKNOWN_PAGE_PIXELS, |s| s.pixels);
    pixels.saturating_mul(BYTES_PER_PIXEL)
}

/// A limit on the process's memory, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryLimit {
    /// The limit in bytes.
    pub bytes: u64,
    /// Where it was found: `--max-memory`, or the cgroup file read.
    pub source: String,
}

/// Parse a size as `--max-memory` takes it: a number of bytes with an
/// optional unit K, M, G or T (powers of 1024, as Slurm's `--mem` and
/// Kubernetes' `Gi` count), optionally followed by `B` or `iB`, in any
/// case; a fraction is allowed (`1.5G`). `0` means no limit.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let bad = || format!("`{text}` is not a size (e.g. 2G, 500M, 1.5GiB, 800000000)");
    let value: f64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// The limit pages are held to for `--max-memory` `max_memory`: that many
/// bytes, none for 0, and the cgroup's limit when not given.
pub(crate) fn limit_for(max_memory: Option<u64>) -> Option<MemoryLimit> {
    match max_memory {
        Some(0) => None,
        Some(bytes) => Some(MemoryLimit {
            bytes,
            source: "--max-memory".into(),
        }),
        None => cgroup_limit(),
    }
}

/// The memory limit of the cgroup this process runs in, if it has one:
/// read from `/proc/self/cgroup` and the cgroup file system.
pub fn cgroup_limit() -> Option<MemoryLimit> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    cgroup_limit_in(&own, Path::new("/sys/fs/cgroup"))
}

/// [`cgroup_limit`] for the given contents of `/proc/self/cgroup` and
/// cgroup mount `root`. Under cgroup v2 (a `0::PATH` line) the lowest
/// `memory.max` from the process's cgroup up to the root is the limit
/// (a parent's limit binds its children; `max` is none); under v1 (a
/// `N:memory:PATH` line) `memory/PATH/memory.limit_in_bytes`, where a
/// value near 2⁶³ means none. A container sees its own cgroup at the
/// root of its mount, so the root's file is read when PATH's is missing.
pub(crate) fn cgroup_limit_in(own: &str, root: &Path) -> Option<MemoryLimit> {
    let mut found: Option<MemoryLimit> = None;
    let mut keep_lowest = |file: PathBuf| {
        let text = std::fs::read_to_string(&file).ok()?;
        let bytes: u64 = text.trim().parse().ok()?;
        // cgroup v1 writes "no limit" as the largest page-aligned i64.
        if bytes >= 1 << 62 {
            return None;
        }
        if found.as_ref().is_none_or(|f| bytes < f.bytes) {
            found = Some(MemoryLimit {
                bytes,
                source: format!("cgroup {}", file.display()),
            });
        }
        Some(())
    };
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let rel = path.trim_start_matches('/');
        if id == "0" && controllers.is_empty() {
            let mut dir = root.join(rel);
            loop {
                keep_lowest(dir.join("memory.max"));
                if dir == root || !dir.pop() || !dir.starts_with(root) {
                    break;
                }
            }
        } else if controllers.split(',').any(|c| c == "memory") {
            let base = root.join("memory");
            if keep_lowest(base.join(rel).join("memory.limit_in_bytes")).is_none() {
                keep_lowest(base.join("memory.limit_in_bytes"));
            }
        }
    }
    found
}

/// The memory pages in flight may take, shared by every document run on
/// the same workers; `None`: no limit.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    limit: Option<MemoryLimit>,
    /// Bytes for pages: the limit less the fixed part.
    pages: Option<u64>,
    taken: Mutex<u64>,
}

impl Budget {
    /// Pages may take what `limit` leaves beside the fixed part of
    /// `workers` workers.
    pub(crate) fn new(limit: Option<MemoryLimit>, workers: usize) -> Self {
        let fixed = FIXED_BYTES + PER_WORKER_BYTES * (workers.max(1) as u64 - 1);
        Budget {
            pages: limit.as_ref().map(|l| l.bytes.saturating_sub(fixed)),
            limit,
            taken: Mutex::new(0),
        }
    }

    /// The limit, when there is one.
    pub(crate) fn limit(&self) -> Option<&MemoryLimit> {
        self.limit.as_ref()
    }

    /// Bytes pages may take at once, when limited.
    pub(crate) fn for_pages(&self) -> Option<u64> {
        self.pages
    }

    /// Take `need` bytes for a page about to start, if they fit beside
    /// the pages in flight; a page starts anyway when none is in flight,
    /// however large (it runs alone).
    pub(crate) fn try_take(&self, need: u64) -> bool {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let fits = match self.pages {
            None => true,
            Some(room) => *taken == 0 || taken.saturating_add(need) <= room,
        };
        if fits {
            *taken = taken.saturating_add(need);
        }
        fits
    }

    /// A page that took `need` bytes is no longer in flight.
    pub(crate) fn give_back(&self, need: u64) {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        *taken = taken.saturating_sub(need);
    }
}

/// The warning that the memory limit lowers how many of these pages run
/// at once below `workers` (or makes one run alone past the limit); `None`
/// when it does not.
pub(crate) fn lowered(
    budget: &Budget,
    needs: &[u64],
    workers: usize,
) -> Option<crate::input::Warning> {
    let (limit, room) = (budget.limit()?, budget.for_pages()?);
    let largest = needs.iter().copied().max().filter(|&n| n > 0)?;
    let mb = |b: u64| b.div_ceil(1 << 20);
    let at_once = usize::try_from(room / largest).unwrap_or(usize::MAX);
    let message = if at_once == 0 {
        format!(
            "the largest page needs about {} MiB, more than the memory limit of {} MiB ({}) leaves \
             for pages; it runs alone and may exceed the limit",
            mb(largest),
            mb(limit.bytes),
            limit.source
        )
    } else if at_once < workers.min(needs.len()) {
        format!(
            "the memory limit of {} MiB ({}) holds {at_once} of these pages at once (about {} MiB \
             each): -j lowered from {workers} to {at_once} for them",
            mb(limit.bytes),
            limit.source,
            mb(largest)
        )
    } else {
        return None;
    };
    Some(crate::input::Warning {
        code: "jobs_lowered",
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("500mb"), Ok(500 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("800000000"), Ok(800_000_000));
        assert_eq!(parse_size(" 1T "), Ok(1 << 40));
        assert_eq!(parse_size("0"), Ok(0));
        for bad in ["", "G", "2X", "-1G", "1.2.3M", "2 GB extra", "1e30T"] {
            assert!(parse_size(bad).is_err(), "{bad:?} parsed");
        }
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    /// v2: the lowest limit from the process's cgroup up to the root;
    /// `max` everywhere is none.
    #[test]
    fn cgroup_v2_takes_the_tightest_limit_on_the_way_up() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "memory.max", "max\n");
        write(root, "slurm/memory.max", "2147483648\n");
        write(root, "slurm/job_7/memory.max", "max\n");
        write(root, "slurm/job_7/step_0/memory.max", "4294967296\n");
        let own = "0::/slurm/job_7/step_0\n";
        let got = cgroup_limit_in(own, root).unwrap();
        assert_eq!(got.bytes, 2 << 30);
        assert!(got.source.ends_with("slurm/memory.max"), "{}", got.source);
        assert_eq!(cgroup_limit_in("0::/\n", root), None);
        // A container: its own cgroup is the mount's root.
        write(root, "memory.max", "1073741824\n");
        assert_eq!(cgroup_limit_in("0::/\n", root).unwrap().bytes, 1 << 30);
    }

    /// v1: the memory controller's file for the process's path, else the
    /// mount's own (a container); the "unlimited" value is none.
    #[test]
    fn cgroup_v1_reads_the_memory_controller() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let own = "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n";
        write(root, "memory/memory.limit_in_bytes", "536870912\n");
        assert_eq!(cgroup_limit_in(own, root).unwrap().bytes, 512 << 20);
        write(
            root,
            "memory/docker/abc/memory.limit_in_bytes",
            "3221225472\n",
        );
        assert_eq!(cgroup_limit_in(own, root).unwrap().bytes, 3 << 30);
        write(
            root,
            "memory/docker/abc/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(
            root,
            "memory/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        assert_eq!(cgroup_limit_in(own, root), None);
        assert_eq!(cgroup_limit_in("", root), None);
    }

    fn limited(bytes: u64, workers: usize) -> Budget {
        Budget::new(
            Some(MemoryLimit {
                bytes,
                source: "--max-memory".into(),
            }),
            workers,
        )
    }

    /// Pages start while the ones in flight, with them, fit; a page too
    /// large for the limit starts only when nothing else is in flight.
    #[test]
    fn pages_are_held_back_until_they_fit() {
        let b = limited(FIXED_BYTES + 1000, 1);
        assert_eq!(b.for_pages(), Some(1000));
        assert!(b.try_take(400));
        assert!(b.try_take(600));
        assert!(!b.try_take(1), "over the limit");
        b.give_back(400);
        assert!(!b.try_take(500));
        assert!(b.try_take(300));
        b.give_back(600);
        b.give_back(300);
        assert!(b.try_take(5000), "alone, however large");
        assert!(!b.try_take(1));
        b.give_back(5000);
        let free = Budget::new(None, 4);
        assert!((0..100).all(|_| free.try_take(u64::MAX / 2)));
    }

    /// The warning says how many pages run at once, and only when that is
    /// fewer than the workers (and the pages) would run.
    #[test]
    fn the_warning_names_the_lowered_jobs() {
        let b = limited(FIXED_BYTES + PER_WORKER_BYTES + (300 << 20), 2);
        let w = lowered(&b, &[200 << 20, 100 << 20], 2).unwrap();
        assert_eq!(w.code, "jobs_lowered");
        assert!(w.message.contains("from 2 to 1"), "{}", w.message);
        assert!(w.message.contains("--max-memory"), "{}", w.message);
        assert_eq!(lowered(&b, &[100 << 20, 100 << 20], 2), None);
        assert_eq!(lowered(&b, &[200 << 20], 2), None, "one page");
        let alone = lowered(&b, &[900 << 20], 2).unwrap();
        assert!(alone.message.contains("runs alone"), "{}", alone.message);
        assert_eq!(lowered(&Budget::new(None, 2), &[900 << 20], 2), None);
    }
}
