//! The bilevel page image shared by the cleanup, OCR and PDF stages.

use image::GrayImage;

/// A bilevel image stored one byte per pixel: 0 is ink, 255 is paper.
///
/// A byte per pixel costs 8× the packed size but lets every stage use plain
/// indexing and lets Tesseract read the buffer as 8-bit grey without a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitImage(GrayImage);

pub const INK: u8 = 0;
pub const PAPER: u8 = 255;

impl BitImage {
    /// Wrap a grey image, mapping every pixel below 128 to ink.
    pub fn from_gray_threshold(gray: GrayImage) -> Self {
        let mut g = gray;
        g.iter_mut()
            .for_each(|p| *p = if *p < 128 { INK } else { PAPER });
        BitImage(g)
    }

    /// Wrap a buffer that already holds only `INK` and `PAPER`.
    pub(crate) fn from_levels(gray: GrayImage) -> Self {
        debug_assert!(gray.iter().all(|&p| p == INK || p == PAPER));
        BitImage(gray)
    }

    pub fn width(&self) -> u32 {
        self.0.width()
    }

    pub fn height(&self) -> u32 {
        self.0.height()
    }

    pub fn as_gray(&self) -> &GrayImage {
        &self.0
    }

    pub fn is_ink(&self, x: u32, y: u32) -> bool {
        self.0.get_pixel(x, y).0[0] == INK
    }

    /// One row of pixels, `width` bytes long.
    pub fn row(&self, y: u32) -> &[u8] {
        let w = self.0.width() as usize;
        let start = y as usize * w;
        &self.0.as_raw()[start..start + w]
    }

    pub fn ink_count(&self) -> usize {
        self.0.iter().filter(|&&p| p == INK).count()
    }

    pub(crate) fn gray_mut(&mut self) -> &mut GrayImage {
        &mut self.0
    }
}
