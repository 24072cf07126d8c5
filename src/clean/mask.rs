//! A page-sized yes/no per pixel, packed a bit a pixel.
//!
//! Cleanup keeps two such flags from early stages until its last step (the
//! ink before despeckling, the pixels near kept ink) while the colour
//! page is made and checked; held as bytes they cost two bytes a pixel at
//! the page's memory peak, packed a quarter of one.

use super::bits::{BitImage, INK};
use image::GrayImage;

/// One bit per pixel, rows of whole 64-bit words.
#[derive(Debug, Clone)]
pub(crate) struct Mask {
    width: u32,
    height: u32,
    /// Words per row.
    stride: usize,
    words: Vec<u64>,
}

impl Mask {
    /// Set where `f` says so for each byte of `pixels` (`width` a row).
    fn from_bytes(pixels: &[u8], width: u32, height: u32, f: impl Fn(u8) -> bool) -> Self {
        let stride = (width as usize).div_ceil(64);
        let mut words = vec![0u64; stride * height as usize];
        if width > 0 {
            for (y, row) in pixels.chunks_exact(width as usize).enumerate() {
                let out = &mut words[y * stride..(y + 1) * stride];
                for (x, &p) in row.iter().enumerate() {
                    if f(p) {
                        out[x / 64] |= 1 << (x % 64);
                    }
                }
            }
        }
        Mask {
            width,
            height,
            stride,
            words,
        }
    }

    /// Set on `bits`' ink.
    pub(crate) fn ink_of(bits: &BitImage) -> Self {
        let g = bits.as_gray();
        Mask::from_bytes(g.as_raw(), g.width(), g.height(), |p| p == INK)
    }

    /// Set where `gray` is not 0.
    pub(crate) fn nonzero_of(gray: &GrayImage) -> Self {
        Mask::from_bytes(gray.as_raw(), gray.width(), gray.height(), |p| p != 0)
    }

    /// Whether (`x`, `y`) is set; panics outside the mask.
    pub(crate) fn get(&self, x: u32, y: u32) -> bool {
        assert!(
            x < self.width && y < self.height,
            "({x}, {y}) outside the mask"
        );
        let word = self.words[y as usize * self.stride + x as usize / 64];
        word >> (x % 64) & 1 == 1
    }

    /// The set pixels, row by row, left to right.
    pub(crate) fn set_pixels(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.words.iter().enumerate().flat_map(move |(i, &word)| {
            let (y, x0) = ((i / self.stride) as u32, ((i % self.stride) * 64) as u32);
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some((x0 + bit, y))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every pixel reads back as the bytes said, and the set pixels are
        /// listed in raster order.
        #[test]
        fn packed_flags_read_back(w in 0u32..150, h in 0u32..5, seed in any::<u64>()) {
            let mut s = seed | 1;
            let g = GrayImage::from_fn(w, h, |_, _| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                image::Luma([if s % 3 == 0 { INK } else { 255 }])
            });
            let bits = BitImage::from_levels(g.clone());
            let m = Mask::ink_of(&bits);
            let n = Mask::nonzero_of(&g);
            let mut listed = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    prop_assert_eq!(m.get(x, y), bits.is_ink(x, y));
                    prop_assert_eq!(n.get(x, y), g.get_pixel(x, y).0[0] != 0);
                    if bits.is_ink(x, y) {
                        listed.push((x, y));
                    }
                }
            }
            prop_assert_eq!(m.set_pixels().collect::<Vec<_>>(), listed);
        }
    }
}
