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

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.0.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.0.height()
    }

    /// The pixels as a grey image (ink 0, paper 255), for encoders and image
    /// tools.
    pub fn as_gray(&self) -> &GrayImage {
        &self.0
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        self.0.dimensions()
    }

    /// The ink as a mask for morphology: 255 on ink, 0 on paper (the
    /// stored levels inverted).
    #[cfg(test)]
    pub(crate) fn ink_mask(&self) -> Vec<u8> {
        self.0.iter().map(|&p| !p).collect()
    }

    /// Whether the pixel at (`x`, `y`) is ink; panics outside the image.
    pub fn is_ink(&self, x: u32, y: u32) -> bool {
        self.0.get_pixel(x, y).0[0] == INK
    }

    /// One row of pixels, `width` bytes long.
    pub fn row(&self, y: u32) -> &[u8] {
        let w = self.0.width() as usize;
        let start = y as usize * w;
        &self.0.as_raw()[start..start + w]
    }

    /// Number of ink pixels, for blank-page and change checks.
    pub fn ink_count(&self) -> usize {
        self.0.iter().filter(|&&p| p == INK).count()
    }

    pub(crate) fn gray_mut(&mut self) -> &mut GrayImage {
        &mut self.0
    }
}

/// The accessors against a plain list of ink pixels.
#[cfg(test)]
mod against_naive {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Thresholding at 128, `row`, `is_ink` and `ink_count` agree with
        /// the grey levels they come from.
        #[test]
        fn accessors_agree_with_the_levels(
            (w, h, levels) in crate::clean::testing::dims()
                .prop_flat_map(|(w, h)| (Just(w), Just(h), vec(any::<u8>(), (w * h) as usize))),
        ) {
            let ink: Vec<bool> = levels.iter().map(|&v| v < 128).collect();
            let bits = BitImage::from_gray_threshold(GrayImage::from_raw(w, h, levels).unwrap());
            prop_assert_eq!(bits.ink_count(), ink.iter().filter(|&&i| i).count());
            for y in 0..h {
                let row = bits.row(y);
                prop_assert_eq!(row.len(), w as usize);
                for x in 0..w {
                    let want = ink[(y * w + x) as usize];
                    prop_assert_eq!(bits.is_ink(x, y), want);
                    prop_assert_eq!(row[x as usize], if want { INK } else { PAPER });
                }
            }
        }
    }
}
