//! What both targets share: write the bytes to a file (ocrpdf reads inputs
//! by path) and decode every page under small limits, as `ocrpdf` would.
//! Errors are expected; a panic, a hang or a huge allocation is the bug.

use ocrpdf::input::{Input, Limits, decode_page, list_pages};
use ocrpdf::internals::complete::missing;

/// Small enough that a flipped dimension cannot allocate gigabytes.
const MAX_PIXELS: u64 = 4_000_000;

pub fn decode_bytes(data: &[u8], ext: &str) {
    let path = std::env::temp_dir().join(format!("ocrpdf-fuzz-{}.{ext}", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = Limits {
        max_pixels: MAX_PIXELS,
        ..Limits::default()
    };
    if let Ok(pages) = list_pages(&[Input::Path(path.clone())], &limits) {
        for page in &pages {
            let _ = missing(data, page.format);
            let _ = decode_page(page, &limits, None);
        }
    }
    let _ = std::fs::remove_file(&path);
}
