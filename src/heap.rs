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
