//! Page cleanup: paper to white, ink to black, specks removed.
//!
//! Each stage is a pure function over buffers in its own module; [`clean`]
//! runs them in order. The result is the exact image that is OCR'd and
//! embedded in the PDF.

pub mod background;
pub mod binarize;
pub mod bits;
pub mod deskew;
pub mod despeckle;

pub use binarize::Method as Binarize;
pub use bits::BitImage;
pub use despeckle::Despeckle;

use crate::input::{Dpi, PageImage, Pixels};

/// Which cleanup stages run and how.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CleanOptions {
    /// Skip background normalisation (for scans that are already white).
    pub keep_background: bool,
    pub binarize: Binarize,
    pub despeckle: Despeckle,
    /// Leave skewed pages as scanned.
    pub no_deskew: bool,
}

/// A cleaned page, ready for OCR and the PDF.
#[derive(Debug, Clone)]
pub struct CleanPage {
    pub bits: BitImage,
    pub dpi: Dpi,
    /// Skew that was detected and removed, in degrees (0 when none).
    pub skew_deg: f32,
}

/// Run the cleanup stages on one decoded page.
pub fn clean(page: &PageImage, opts: &CleanOptions) -> CleanPage {
    let gray = match &page.pixels {
        Pixels::Gray(g) => g.clone(),
        Pixels::Rgb(c) => image::DynamicImage::ImageRgb8(c.clone()).into_luma8(),
    };
    let gray = if opts.keep_background {
        gray
    } else {
        background::normalize(&gray, page.dpi)
    };
    let skew = if opts.no_deskew {
        None
    } else {
        deskew::detect(&gray, page.dpi)
    };
    // Rotating costs a resampling; below a twentieth of a degree it buys nothing.
    let (gray, skew_deg) = match skew {
        Some(a) if a.abs() >= 0.05 => (deskew::rotate(&gray, a), a),
        _ => (gray, 0.0),
    };
    let bits = binarize::binarize(&gray, page.dpi, opts.binarize);
    let bits = despeckle::despeckle(&bits, page.dpi, opts.despeckle);
    CleanPage {
        bits,
        dpi: page.dpi,
        skew_deg,
    }
}
