//! A grey page held packed while a colour page is held beside it.
//!
//! The whitened grey page is mostly paper, level 255: a text page has a
//! few to a few tens of percent of other levels (strokes and their edges,
//! tints). Cleanup holds it packed while the colour page (three bytes a
//! pixel) is made and read for light ink and colour layers, and unpacks it
//! afterwards, exactly as it was: runs of paper are counted, other levels
//! kept as they are (a byte-oriented run-length code in the manner of
//! PackBits, with paper as the only repeated value).

use image::GrayImage;

/// The level that is run-length coded.
const PAPER: u8 = 255;
/// Longest run or literal one control byte covers.
const MAX_SPAN: usize = 128;
/// A page is packed only when packed it takes at most this share of its
/// bytes: a photograph's grey page gains nothing, and packing it would
/// hold it twice for a while.
const MAX_SHARE: f64 = 0.5;

/// A grey page packed row by row.
pub(crate) struct PackedGray {
    width: u32,
    /// Where each row's code starts in `data`, and where the last ends.
    rows: Vec<usize>,
    /// Per row: control bytes, each `c < 128` a run of `c + 1` paper
    /// pixels, each `c >= 128` followed by `c - 127` levels as they are.
    data: Vec<u8>,
}

impl PackedGray {
    /// `gray` packed, when that takes at most [`MAX_SHARE`] of its bytes;
    /// otherwise `gray` back, untouched.
    pub(crate) fn pack(gray: GrayImage) -> Result<Self, GrayImage> {
        let (w, h) = gray.dimensions();
        if w == 0 {
            return Err(gray);
        }
        let size: usize = gray
            .as_raw()
            .chunks(w as usize)
            .map(|row| code_row(row, &mut None))
            .sum();
        if size as f64 > MAX_SHARE * gray.len() as f64 {
            return Err(gray);
        }
        let mut data = Vec::with_capacity(size);
        let mut rows = Vec::with_capacity(h as usize + 1);
        for row in gray.as_raw().chunks(w as usize) {
            rows.push(data.len());
            code_row(row, &mut Some(&mut data));
        }
        rows.push(data.len());
        Ok(PackedGray {
            width: w,
            rows,
            data,
        })
    }

    fn height(&self) -> u32 {
        (self.rows.len() - 1) as u32
    }

    /// Rows `y0..y1` as they were, one after another.
    pub(crate) fn band(&self, y0: u32, y1: u32) -> GrayImage {
        let w = self.width as usize;
        let mut out = vec![0u8; (y1 - y0) as usize * w];
        for (y, row) in (y0..y1).zip(out.chunks_exact_mut(w.max(1))) {
            self.unpack_row(y, row);
        }
        GrayImage::from_raw(self.width, y1 - y0, out).expect("band size")
    }

    /// The page as it was.
    pub(crate) fn unpack(self) -> GrayImage {
        self.band(0, self.height())
    }

    fn unpack_row(&self, y: u32, out: &mut [u8]) {
        let code = &self.data[self.rows[y as usize]..self.rows[y as usize + 1]];
        let (mut i, mut x) = (0, 0);
        while i < code.len() {
            let c = code[i] as usize;
            i += 1;
            if c < MAX_SPAN {
                out[x..x + c + 1].fill(PAPER);
                x += c + 1;
            } else {
                let n = c + 1 - MAX_SPAN;
                out[x..x + n].copy_from_slice(&code[i..i + n]);
                (i, x) = (i + n, x + n);
            }
        }
        debug_assert_eq!(x, out.len(), "a packed row decodes to its width");
    }
}

/// The grey page while a colour page is at hand: packed when cleanup
/// asks and it packs well ([`PackedGray::pack`]), as it is otherwise.
pub(crate) enum HeldGray {
    Plain(GrayImage),
    Packed(PackedGray),
}

impl HeldGray {
    pub(crate) fn of(gray: GrayImage, pack: bool) -> Self {
        if !pack {
            return HeldGray::Plain(gray);
        }
        match PackedGray::pack(gray) {
            Ok(p) => HeldGray::Packed(p),
            Err(g) => HeldGray::Plain(g),
        }
    }

    /// Rows `y0..y1`.
    pub(crate) fn rows(&self, y0: u32, y1: u32) -> GrayImage {
        match self {
            HeldGray::Plain(g) => {
                image::imageops::crop_imm(g, 0, y0, g.width(), y1 - y0).to_image()
            }
            HeldGray::Packed(p) => p.band(y0, y1),
        }
    }

    pub(crate) fn unpack(self) -> GrayImage {
        match self {
            HeldGray::Plain(g) => g,
            HeldGray::Packed(p) => p.unpack(),
        }
    }
}

/// The code of one row, appended to `out` when given; its length.
fn code_row(row: &[u8], out: &mut Option<&mut Vec<u8>>) -> usize {
    let mut len = 0;
    let mut x = 0;
    while x < row.len() {
        let start = x;
        if row[x] == PAPER {
            while x < row.len() && row[x] == PAPER && x - start < MAX_SPAN {
                x += 1;
            }
            if let Some(out) = out {
                out.push((x - start - 1) as u8);
            }
            len += 1;
        } else {
            while x < row.len() && row[x] != PAPER && x - start < MAX_SPAN {
                x += 1;
            }
            if let Some(out) = out {
                out.push((MAX_SPAN + x - start - 1) as u8);
                out.extend_from_slice(&row[start..x]);
            }
            len += 1 + x - start;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;
    use proptest::prelude::*;

    proptest! {
        /// A page packed unpacks to itself, and any band of it to its rows.
        #[test]
        fn packed_pages_unpack_as_they_were(
            gray in testing::gray(),
            paper in 0.0f64..=1.0,
            a in any::<prop::sample::Index>(),
            b in any::<prop::sample::Index>(),
        ) {
            // Much of it paper, as a whitened page is.
            let (w, h) = gray.dimensions();
            let page = GrayImage::from_fn(w, h, |x, y| {
                let v = gray.get_pixel(x, y).0[0];
                image::Luma([if (f64::from(v) / 255.0) < paper { PAPER } else { v }])
            });
            match PackedGray::pack(page.clone()) {
                Err(back) => prop_assert_eq!(back, page),
                Ok(packed) => {
                    let (y0, y1) = {
                        let (i, j) = (a.index(h as usize + 1) as u32, b.index(h as usize + 1) as u32);
                        (i.min(j), i.max(j))
                    };
                    let band = packed.band(y0, y1);
                    let want = image::imageops::crop_imm(&page, 0, y0, w, y1 - y0).to_image();
                    prop_assert_eq!(band, want);
                    prop_assert_eq!(packed.unpack(), page);
                }
            }
        }
    }

    #[test]
    fn a_page_without_paper_is_not_packed() {
        let photo = GrayImage::from_fn(300, 200, |x, y| image::Luma([((x + y) % 200) as u8]));
        assert!(PackedGray::pack(photo).is_err());
        let text = GrayImage::from_fn(300, 200, |x, y| {
            image::Luma([if y % 20 < 3 && x % 7 < 2 { 20 } else { PAPER }])
        });
        let Ok(packed) = PackedGray::pack(text.clone()) else {
            panic!("a text page packs");
        };
        assert!(
            packed.data.len() * 10 < text.len(),
            "{} bytes",
            packed.data.len()
        );
    }
}
