//! Memory given back when a page is done.
//!
//! glibc's malloc serves a large block with a mapping of its own and unmaps
//! it when freed, but each such free raises its threshold for doing so (the
//! "dynamic mmap threshold" of mallopt(3)) up to 32 MiB. After the first page
//! every page buffer (9–26 MB for an A4 page at 300 dpi) is cut from the
//! arena of the worker thread that asked for it, and stays there, split and
//! reused piecemeal, when the page is done. Pinning the threshold keeps each
//! page-sized buffer a mapping of its own, returned when freed: peak memory
//! on a PDF of A4 colour scans at `-j 2` falls by a third (README,
//! Performance), at no cost in time (a buffer that large is written in full
//! anyway, so the fresh zeroed pages cost nothing extra).

/// Blocks at least this large get a mapping of their own: above the
/// per-line and per-word allocations, below any page buffer.
const OWN_MAPPING: usize = 1 << 20;

/// Have the allocator return page-sized buffers to the system when they are
/// freed. Call once, early, in a program that converts many pages; it
/// changes a process-wide setting of glibc's malloc (also what Tesseract
/// allocates with) and does nothing elsewhere.
pub fn return_page_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` changes one tunable under the allocator's own lock;
    // it reads no memory of ours. A refusal (return 0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING as libc::c_int);
    }
}

/// Note the memory high-water mark since the last mark, under `stage`'s
/// name, on standard error, then start a new one: where a page's peak is,
/// stage by stage (`benches/memory.sh` with `TRACE=1`). Only with the
/// feature `mem-trace` and `OCRPDF_MEM_TRACE` set in the environment;
/// otherwise nothing. Reads `VmHWM` and `VmRSS` of `/proc/self/status` and
/// resets the mark through `/proc/self/clear_refs` (Linux).
#[inline]
pub(crate) fn mark(stage: &str) {
    #[cfg(feature = "mem-trace")]
    trace::mark(stage);
    #[cfg(not(feature = "mem-trace"))]
    let _ = stage;
}

#[cfg(feature = "mem-trace")]
mod trace {
    use std::sync::OnceLock;

    fn on() -> bool {
        static ON: OnceLock<bool> = OnceLock::new();
        *ON.get_or_init(|| std::env::var_os("OCRPDF_MEM_TRACE").is_some())
    }

    /// `VmHWM` and `VmRSS` in KiB.
    fn status() -> Option<(u64, u64)> {
        let text = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        };
        Some((field("VmHWM:")?, field("VmRSS:")?))
    }

    pub(super) fn mark(stage: &str) {
        if !on() {
            return;
        }
        if let Some((hwm, rss)) = status() {
            eprintln!(
                "mem-trace: {stage:<28} peak since last {:>7} MiB, now {:>7} MiB",
                hwm / 1024,
                rss / 1024
            );
        }
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
}
