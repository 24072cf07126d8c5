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

    /// Nothing set.
    pub(crate) fn new(width: u32, height: u32) -> Self {
        let stride = (width as usize).div_ceil(64);
        Mask {
            width,
            height,
            stride,
            words: vec![0; stride * height as usize],
        }
    }

    /// Set (`x`, `y`).
    pub(crate) fn set(&mut self, x: u32, y: u32) {
        self.words[y as usize * self.stride + x as usize / 64] |= 1 << (x % 64);
    }

    /// The runs of set pixels of row `y`, as `x0..x1`, left to right.
    pub(crate) fn row_runs(&self, y: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let w = self.width;
        let row = &self.words[y as usize * self.stride..(y as usize + 1) * self.stride];
        let mut x = 0u32;
        let bit = move |x: u32| row[x as usize / 64] >> (x % 64) & 1 == 1;
        std::iter::from_fn(move || {
            while x < w && !bit(x) {
                // A word with nothing set is passed at once.
                x = if x.is_multiple_of(64) && row[x as usize / 64] == 0 {
                    x + 64
                } else {
                    x + 1
                };
            }
            if x >= w {
                return None;
            }
            let x0 = x;
            while x < w && bit(x) {
                x += 1;
            }
            Some((x0, x))
        })
    }

    /// The bilevel image whose ink is the set pixels ([`Mask::ink_of`]
    /// undone).
    pub(crate) fn to_bits(&self) -> BitImage {
        let mut g =
            GrayImage::from_pixel(self.width, self.height, image::Luma([super::bits::PAPER]));
        let w = self.width as usize;
        if w > 0 {
            for (y, row) in g.as_mut().chunks_exact_mut(w).enumerate() {
                for (x0, x1) in self.row_runs(y as u32) {
                    row[x0 as usize..x1 as usize].fill(INK);
                }
            }
        }
        BitImage::from_levels(g)
    }

    /// Set on `bits`' ink.
    pub(crate) fn ink_of(bits: &BitImage) -> Self {
        let g = bits.as_gray();
        Mask::from_bytes(g.as_raw(), g.width(), g.height(), |p| p == INK)
    }

    /// Set where `gray` is not 0.
    #[cfg(test)]
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
        /// Pixels set one by one read back, and their runs are the rows'
        /// runs of set pixels.
        #[test]
        fn set_pixels_read_back_as_runs(w in 0u32..200, h in 0u32..4, seed in any::<u64>()) {
            let on = |x: u32, y: u32| (x as u64 * 31 + y as u64 * 7 + seed) % 5 < 2 || (seed >> (x % 64)) & 1 == 1;
            let mut m = Mask::new(w, h);
            for y in 0..h {
                for x in (0..w).filter(|&x| on(x, y)) {
                    m.set(x, y);
                }
            }
            for y in 0..h {
                let mut want = Vec::new();
                let mut x = 0;
                while x < w {
                    if on(x, y) {
                        let x0 = x;
                        while x < w && on(x, y) {
                            x += 1;
                        }
                        want.push((x0, x));
                    } else {
                        x += 1;
                    }
                }
                prop_assert_eq!(m.row_runs(y).collect::<Vec<_>>(), want);
                for x in 0..w {
                    prop_assert_eq!(m.get(x, y), on(x, y));
                }
            }
        }

        /// A bilevel image's ink packed and unpacked is the image.
        #[test]
        fn ink_unpacks_as_it_was(bits in crate::clean::testing::bits()) {
            prop_assert_eq!(Mask::ink_of(&bits).to_bits(), bits);
        }

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
