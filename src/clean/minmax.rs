//! Grey-level dilation and erosion over a square window in a constant
//! number of operations per pixel, whatever the window's size (van Herk,
//! "A fast algorithm for local minimum and maximum filters on rectangular
//! and octagonal kernels", 1992; Gil & Werman 1993).
//!
//! The line is cut into blocks of the window's length `k`; a running
//! extreme from each block's start (`g`) and one from its end (`h`) give
//! any window's extreme as the extreme of two values, since a window of
//! length `k` spans at most two blocks. The vertical pass works on pieces
//! of rows at a time, so the compiler vectorises it. Written here because
//! imageproc's `grayscale_dilate` visits every pixel of the window (81
//! reads a pixel for a 9 × 9 window).

/// Which extreme a filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extreme {
    /// Dilation of light values (paper), erosion of dark ones (ink).
    Max,
    /// Erosion of light values.
    Min,
}

impl Extreme {
    /// What lies beyond the image: a value that never wins.
    fn outside(self) -> u8 {
        match self {
            Extreme::Max => 0,
            Extreme::Min => 255,
        }
    }
}

/// The extreme of two values: the larger when `MAX`. A constant, so each
/// loop below is compiled for one extreme and vectorised.
#[inline(always)]
fn pick<const MAX: bool>(a: u8, b: u8) -> u8 {
    if MAX { a.max(b) } else { a.min(b) }
}

/// Each pixel's extreme within `r` pixels (a `2r + 1` square window),
/// clipped at the image's edges. `v` holds `w × h` values row by row.
pub(crate) fn filter(v: &[u8], w: usize, h: usize, r: usize, op: Extreme) -> Vec<u8> {
    filter_owned(v.to_vec(), w, h, r, op)
}

/// [`filter`] computed over `v` itself: no second page-sized buffer.
pub(crate) fn filter_owned(mut v: Vec<u8>, w: usize, h: usize, r: usize, op: Extreme) -> Vec<u8> {
    assert_eq!(v.len(), w * h, "buffer does not match its size");
    if r == 0 || v.is_empty() {
        return v;
    }
    match op {
        Extreme::Max => filter_with::<true>(&mut v, w, h, r, op.outside()),
        Extreme::Min => filter_with::<false>(&mut v, w, h, r, op.outside()),
    }
    v
}

/// 255 where `mask` (0 or 255 per pixel, `w × h`) has a set pixel within
/// `r` pixels (chessboard distance), 0 elsewhere: the binary dilation by a
/// square, at the cost of [`filter`], computed over `mask` itself.
pub(crate) fn grow(mask: Vec<u8>, w: usize, h: usize, r: usize) -> Vec<u8> {
    filter_owned(mask, w, h, r, Extreme::Max)
}

/// 255 where every pixel of `mask` within `r` pixels (inside the image) is
/// set: the binary erosion by a square, computed over `mask` itself.
pub(crate) fn shrink(mask: Vec<u8>, w: usize, h: usize, r: usize) -> Vec<u8> {
    filter_owned(mask, w, h, r, Extreme::Min)
}

/// Both passes in place: each row through [`Scratch`] (which copies it
/// before writing it back), then the columns.
fn filter_with<const MAX: bool>(v: &mut [u8], w: usize, h: usize, r: usize, outside: u8) {
    let mut line = Scratch::new(w, r, outside);
    for row in v.chunks_exact_mut(w) {
        line.run::<MAX>(row);
    }
    columns::<MAX>(v, w, h, r, outside);
}

/// Buffers for one line of [`filter`], reused from line to line.
struct Scratch {
    r: usize,
    padded: Vec<u8>,
    g: Vec<u8>,
    h: Vec<u8>,
}

impl Scratch {
    fn new(len: usize, r: usize, outside: u8) -> Self {
        let n = len + 2 * r;
        Scratch {
            r,
            padded: vec![outside; n],
            g: vec![0; n],
            h: vec![0; n],
        }
    }

    /// `row[i]` becomes the extreme of `row[i - r ..= i + r]` as it was.
    fn run<const MAX: bool>(&mut self, row: &mut [u8]) {
        let (r, k) = (self.r, 2 * self.r + 1);
        // The padding stays `outside` from `new`; only the middle changes.
        self.padded[r..r + row.len()].copy_from_slice(row);
        let dst = row;
        for (block, (g, h)) in self
            .padded
            .chunks(k)
            .zip(self.g.chunks_mut(k).zip(self.h.chunks_mut(k)))
        {
            let mut acc = block[0];
            for (o, &v) in g.iter_mut().zip(block) {
                acc = pick::<MAX>(acc, v);
                *o = acc;
            }
            let mut acc = block[block.len() - 1];
            for (o, &v) in h.iter_mut().zip(block).rev() {
                acc = pick::<MAX>(acc, v);
                *o = acc;
            }
        }
        for ((d, &a), &b) in dst.iter_mut().zip(&self.h).zip(&self.g[2 * r..]) {
            *d = pick::<MAX>(a, b);
        }
    }
}

/// Columns the vertical pass of [`filter`] takes at a time: its two
/// running-extreme buffers then hold a strip this wide, not two more
/// copies of the page (a page of 139 MP kept 560 MB of them at once).
const STRIP: usize = 256;

/// The vertical pass of [`filter`], in place: the same blocks, a strip of
/// whole row pieces at a time. A strip's output is written over its input
/// once both running extremes are taken from it; other strips' columns
/// are untouched meanwhile, so the result is as from a separate buffer.
fn columns<const MAX: bool>(v: &mut [u8], w: usize, h: usize, r: usize, outside: u8) {
    let k = 2 * r + 1;
    let n = h + 2 * r;
    let mut g = Vec::new();
    let mut hh = Vec::new();
    for x0 in (0..w).step_by(STRIP) {
        let s = STRIP.min(w - x0);
        // Row `y` of the padded column strip; `None` beyond the image.
        fn piece(v: &[u8], at: Option<usize>, s: usize) -> Option<&[u8]> {
            at.map(|i| &v[i..][..s])
        }
        let place = |y: usize| (r..r + h).contains(&y).then(|| (y - r) * w + x0);
        let pick_rows = |v: &[u8], acc: &mut [u8], y: usize| match piece(v, place(y), s) {
            Some(src) => acc
                .iter_mut()
                .zip(src)
                .for_each(|(a, &b)| *a = pick::<MAX>(*a, b)),
            None => acc.iter_mut().for_each(|a| *a = pick::<MAX>(*a, outside)),
        };
        let start = |v: &[u8], acc: &mut [u8], y: usize| match piece(v, place(y), s) {
            Some(src) => acc.copy_from_slice(src),
            None => acc.fill(outside),
        };
        g.resize(n * s, 0);
        for y in 0..n {
            let (done, rest) = g.split_at_mut(y * s);
            let acc = &mut rest[..s];
            if y % k == 0 {
                start(v, acc, y);
            } else {
                acc.copy_from_slice(&done[(y - 1) * s..]);
                pick_rows(v, acc, y);
            }
        }
        hh.resize(n * s, 0);
        for y in (0..n).rev() {
            let (head, after) = hh.split_at_mut((y + 1) * s);
            let acc = &mut head[y * s..];
            if y + 1 == n || (y + 1) % k == 0 {
                start(v, acc, y);
            } else {
                acc.copy_from_slice(&after[..s]);
                pick_rows(v, acc, y);
            }
        }
        for y in 0..h {
            let dst = &mut v[y * w + x0..][..s];
            let (a, b) = (&hh[y * s..][..s], &g[(y + 2 * r) * s..][..s]);
            for ((d, &x), &z) in dst.iter_mut().zip(a).zip(b) {
                *d = pick::<MAX>(x, z);
            }
        }
    }
}

/// [`grow`] of a bilevel image's ink, a band of rows at a time: row `y`
/// of the result (255 within `r` pixels of ink, 0 elsewhere) for rows
/// asked top to bottom, with no page-sized buffer. Each band is grown
/// from its rows and `r` more on either side, which is all its rows'
/// windows reach, so its rows are the page's.
pub(crate) struct GrownInk<'a> {
    bits: &'a super::bits::BitImage,
    r: usize,
    /// The grown rows `first..`, of the band now held.
    band: Vec<u8>,
    first: usize,
    /// The rows of the band that are the page's: `inner.0..inner.1`.
    inner: (usize, usize),
    /// Rows given from one band.
    per_band: usize,
}

/// Rows of [`GrownInk`] given from one band.
const GROWN_BAND: usize = 1024;

impl<'a> GrownInk<'a> {
    pub(crate) fn new(bits: &'a super::bits::BitImage, r: usize) -> Self {
        Self::in_bands(bits, r, GROWN_BAND)
    }

    fn in_bands(bits: &'a super::bits::BitImage, r: usize, per_band: usize) -> Self {
        GrownInk {
            bits,
            r,
            band: Vec::new(),
            first: 0,
            inner: (0, 0),
            per_band: per_band.max(1),
        }
    }

    /// Row `y` of the grown ink; rows are asked in order (any row may be
    /// asked again, but not one above the band held).
    pub(crate) fn row(&mut self, y: usize) -> &[u8] {
        let (w, h) = (self.bits.width() as usize, self.bits.height() as usize);
        if !(self.inner.0..self.inner.1).contains(&y) {
            let end = (y + self.per_band).min(h);
            let (e0, e1) = (y.saturating_sub(self.r), (end + self.r).min(h));
            self.band.clear();
            self.band.extend(
                self.bits.as_gray().as_raw()[e0 * w..e1 * w]
                    .iter()
                    .map(|&p| !p),
            );
            self.band = grow(std::mem::take(&mut self.band), w, e1 - e0, self.r);
            (self.first, self.inner) = (e0, (y, end));
        }
        &self.band[(y - self.first) * w..(y - self.first + 1) * w]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition, visited window by window.
    fn direct(v: &[u8], w: usize, h: usize, r: usize, op: Extreme) -> Vec<u8> {
        let mut out = vec![0; v.len()];
        for y in 0..h {
            for x in 0..w {
                let mut e = op.outside();
                for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                    for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                        e = if op == Extreme::Max {
                            e.max(v[yy * w + xx])
                        } else {
                            e.min(v[yy * w + xx])
                        };
                    }
                }
                out[y * w + x] = e;
            }
        }
        out
    }

    /// Pages wider than one strip of the vertical pass, cut at and
    /// beside its width.
    #[test]
    fn wide_pages_agree_across_strips() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for w in [STRIP - 1, STRIP, STRIP + 1, 2 * STRIP + 77] {
            let h = 23;
            let v: Vec<u8> = (0..w * h)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 56) as u8
                })
                .collect();
            for r in [1, 3, 12] {
                for op in [Extreme::Max, Extreme::Min] {
                    assert_eq!(
                        filter(&v, w, h, r, op),
                        direct(&v, w, h, r, op),
                        "{w} {r} {op:?}"
                    );
                }
            }
        }
    }

    proptest! {

        /// The grown ink given a band at a time is the grown page's.
        #[test]
        fn grown_ink_by_bands_is_the_pages(
            bits in crate::clean::testing::bits(),
            r in 0usize..6,
            per_band in 1usize..12,
        ) {
            let (w, h) = (bits.width() as usize, bits.height() as usize);
            let page = grow(bits.ink_mask(), w, h, r);
            let mut rows = GrownInk::in_bands(&bits, r, per_band);
            for y in 0..h {
                prop_assert_eq!(rows.row(y), &page[y * w..(y + 1) * w], "row {}", y);
            }
        }
        #[test]
        fn agrees_with_the_window_by_window_definition(
            w in 1usize..40, h in 1usize..40, r in 0usize..9, max in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let mut s = seed | 1;
            let v: Vec<u8> = (0..w * h).map(|_| {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                (s >> 24) as u8
            }).collect();
            let op = if max { Extreme::Max } else { Extreme::Min };
            prop_assert_eq!(filter(&v, w, h, r, op), direct(&v, w, h, r, op));
        }
    }
}
