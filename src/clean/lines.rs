//! How much of a page's ink looks like text: letter-sized marks lined up
//! in rows.
//!
//! Used to say out loud when OCR finds far fewer words than the ink
//! suggests, and to size text for OCR (the median letter height). Blank
//! page detection does not use it: it works on the bilevel image, whose
//! ink on a blank back is the show-through (`stack::blank` says more).
//!
//! Ink is reduced 2× (a pixel is ink when any of its 2×2 block is), split
//! into 8-connected components (`clean::components`), and the
//! components of letter size are chained into lines: two letters are
//! neighbours when they overlap vertically by half the smaller one's
//! height, differ in height by less than [`MAX_HEIGHT_RATIO`], and the gap
//! between them is under [`MAX_GAP`] letter heights. This is the
//! bottom-up grouping of O'Gorman's docstrum (IEEE PAMI 15, 1993), cut down
//! to "same row, nearby".
//!
//! Despeckling groups letters too (`clean::despeckle::lines`), on purpose
//! differently: into short segments, each with a tight band (baseline,
//! x-height) that a mark must sit on, cut after a fixed width so a residual
//! skew cannot widen the band. Here a line is whole, unbounded in width,
//! and only its box, letter count and letter size matter. The two share the
//! labeller (`clean::components`) and the rectangle, not the grouping.

use super::bits::{BitImage, INK, PAPER};
use super::components::Labels;
use crate::input::Dpi;
use crate::rect::Rect;
use image::{GrayImage, Luma};

/// What the ink of a page looks like.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InkStats {
    /// Share of the page's pixels that are ink (0–1).
    pub ink: f32,
    /// Rows of at least `MIN_LETTERS` (4) letter-sized marks.
    pub lines: usize,
    /// Letter-sized marks in those rows (touching letters count as one).
    pub letters: usize,
    /// Median height of those marks in page pixels (about the x-height, as
    /// most lowercase letters have no ascender); `None` without lines.
    pub letter_px: Option<f32>,
}

impl InkStats {
    /// About how many words the text lines hold: a word is five letters
    /// and a space on average in English prose, and touching letters make
    /// one mark, so a word is about four marks.
    pub fn expected_words(&self) -> usize {
        self.letters / MARKS_PER_WORD
    }
}

/// Marks per word, for [`InkStats::expected_words`].
const MARKS_PER_WORD: usize = 4;
/// Letter height range, in inches: 4-pt type's x-height to 72-pt capitals.
const MIN_LETTER_IN: f32 = 0.02;
const MAX_LETTER_IN: f32 = 0.8;
/// A letter mark is at most this many times wider than tall (touching
/// letters, "m", "w" and ligatures stay under it; rules and underlines do
/// not).
const MAX_ASPECT: f32 = 5.0;
/// Neighbouring letters of one line differ in height by less than this.
const MAX_HEIGHT_RATIO: f32 = 3.0;
/// Largest gap between neighbours, in letter heights (a word space is
/// about half to one).
const MAX_GAP: f32 = 1.5;
/// Fewest marks that make a line.
const MIN_LETTERS: usize = 4;

/// A row of letter-sized marks, in page pixels (`x1`/`y1` exclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextLine {
    /// The row's extent.
    pub rect: Rect,
    /// Marks in the row.
    pub letters: usize,
    /// Median height of its marks in page pixels.
    pub letter_px: f32,
}

/// Measure `bits` (cleaned, ink = black) at `dpi`.
pub fn measure(bits: &BitImage, dpi: Dpi) -> InkStats {
    let lines = find(bits, dpi);
    summarize(bits, &lines, &[])
}

/// The statistics of `lines` found on `bits`, leaving out ink and lines
/// whose centre lies in one of `outside` (picture regions).
pub fn summarize(bits: &BitImage, lines: &[TextLine], outside: &[Rect]) -> InkStats {
    let (w, h) = (bits.width(), bits.height());
    if w == 0 || h == 0 {
        return InkStats::default();
    }
    let ink = bits.ink_count() as f32 / (w as f64 * h as f64) as f32;
    let kept: Vec<&TextLine> = lines
        .iter()
        .filter(|l| {
            let (cx, cy) = l.rect.centre();
            !outside.iter().any(|r| r.contains(cx, cy))
        })
        .collect();
    let letters: usize = kept.iter().map(|l| l.letters).sum();
    let letter_px = letter_px(kept.iter().copied());
    InkStats {
        ink,
        lines: kept.len(),
        letters,
        letter_px,
    }
}

/// The median letter height of `lines` in page pixels: the
/// letter-weighted median of the lines' own medians; `None` without lines.
pub fn letter_px<'a>(lines: impl IntoIterator<Item = &'a TextLine>) -> Option<f32> {
    let mut by_height: Vec<(f32, usize)> = lines
        .into_iter()
        .map(|l| (l.letter_px, l.letters))
        .collect();
    by_height.sort_by(|a, b| a.0.total_cmp(&b.0));
    let letters: usize = by_height.iter().map(|&(_, n)| n).sum();
    let mut seen = 0;
    by_height.iter().find_map(|&(px, n)| {
        seen += n;
        (seen * 2 >= letters).then_some(px)
    })
}

/// The text lines of `bits` at `dpi`.
pub fn find(bits: &BitImage, dpi: Dpi) -> Vec<TextLine> {
    let (w, h) = (bits.width(), bits.height());
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let boxes = reduced_boxes(bits);
    // Letter sizes in reduced pixels.
    let res = dpi.y.max(1.0) / 2.0;
    let (lo, hi) = (MIN_LETTER_IN * res, MAX_LETTER_IN * res);
    let letters: Vec<Rect> = boxes
        .into_iter()
        .filter(|b| {
            let (bw, bh) = (b.width() as f32, b.height() as f32);
            bh >= lo.max(2.0) && bh <= hi && bw <= bh * MAX_ASPECT
        })
        .collect();
    chain(&letters)
        .into_iter()
        .map(|(b, n, px)| TextLine {
            rect: Rect {
                x0: b.x0 * 2,
                y0: b.y0 * 2,
                x1: (b.x1 * 2).min(w),
                y1: (b.y1 * 2).min(h),
            },
            letters: n,
            letter_px: px * 2.0,
        })
        .collect()
}

/// Bounding boxes of the 8-connected ink components of the 2× reduction,
/// in raster order of their first pixel.
fn reduced_boxes(bits: &BitImage) -> Vec<Rect> {
    Labels::new(&reduce(bits))
        .comps
        .iter()
        .map(|c| c.rect)
        .collect()
}

/// 2× reduction: ink when any pixel of the 2×2 block is.
fn reduce(bits: &BitImage) -> BitImage {
    let (w, h) = (bits.width(), bits.height());
    let (sw, sh) = (w.div_ceil(2), h.div_ceil(2));
    let mut out = BitImage::from_levels(GrayImage::from_pixel(sw, sh, Luma([PAPER])));
    let buf = out.gray_mut();
    for y in 0..h {
        let row = bits.row(y);
        let orow = &mut buf.as_mut()[(y / 2 * sw) as usize..((y / 2 + 1) * sw) as usize];
        for (x, &v) in row.iter().enumerate() {
            if v == INK {
                orow[x / 2] = INK;
            }
        }
    }
    out
}

/// Chain letters into lines; returns each line's box, letter count and
/// median letter height (reduced pixels).
fn chain(letters: &[Rect]) -> Vec<(Rect, usize, f32)> {
    let n = letters.len();
    if n == 0 {
        return Vec::new();
    }
    // Sweep left to right: each letter looks back at letters whose right
    // edge is within reach of its left edge.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| letters[i].x0);
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // Active letters sorted by x0; drop those that ended too far left.
    let max_h = letters.iter().map(Rect::height).max().unwrap_or(1) as f32;
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let a = letters[i];
        let reach = MAX_GAP * max_h;
        active.retain(|&j| ((letters[j].x1 - 1) as f32) + reach >= a.x0 as f32);
        for &j in &active {
            let b = letters[j];
            let (small, big) = heights(a, b);
            if big > small * MAX_HEIGHT_RATIO {
                continue;
            }
            if overlap(a, b) < 0.5 * small {
                continue;
            }
            let gap = gap(b, a);
            if gap > MAX_GAP * big {
                continue;
            }
            let (ra, rb) = (find(&mut parent, i), find(&mut parent, j));
            if ra != rb {
                parent[ra] = rb;
            }
        }
        active.push(i);
    }
    // Grouped by root in index order, not through a hash map: lines whose
    // boxes share a top-left corner keep one order (the sort is stable).
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let r = find(&mut parent, i);
        groups[r].push(i);
    }
    let mut lines: Vec<(Rect, usize, f32)> = groups
        .into_iter()
        .filter(|g| g.len() >= MIN_LETTERS)
        .map(|g| {
            let b = g
                .iter()
                .fold(letters[g[0]], |acc, &i| acc.union(&letters[i]));
            let px = median(g.iter().map(|&i| letters[i].height() as f32).collect()).unwrap_or(0.0);
            (b, g.len(), px)
        })
        .collect();
    lines.sort_by_key(|(b, _, _)| (b.y0, b.x0));
    lines
}

/// The smaller and the larger height of two letters.
fn heights(a: Rect, b: Rect) -> (f32, f32) {
    let (ha, hb) = (a.height() as f32, b.height() as f32);
    (ha.min(hb), ha.max(hb))
}

/// How many rows two letters share (negative: how far apart they are).
fn overlap(a: Rect, b: Rect) -> f32 {
    (a.y1.min(b.y1) as i64 - a.y0.max(b.y0) as i64) as f32
}

/// The columns from the last of `left` to the first of `right`.
fn gap(left: Rect, right: Rect) -> f32 {
    right.x0 as f32 - (left.x1 - 1) as f32
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    v.select_nth_unstable_by(mid, f32::total_cmp);
    Some(v[mid])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rows` lines of `per_row` 10×14-px blocks ("letters") 6 px apart.
    fn fake_text(rows: u32, per_row: u32) -> BitImage {
        let g = GrayImage::from_fn(800, 600, |x, y| {
            let in_row = y >= 40 && (y - 40) % 40 < 14 && (y - 40) / 40 < rows;
            let in_letter = x >= 20 && (x - 20) % 16 < 10 && (x - 20) / 16 < per_row;
            Luma([if in_row && in_letter { 0 } else { 255 }])
        });
        BitImage::from_gray_threshold(g)
    }

    #[test]
    fn rows_of_letters_are_lines() {
        let s = measure(&fake_text(5, 30), Dpi::uniform(300.0));
        assert_eq!(s.lines, 5, "{s:?}");
        assert_eq!(s.letters, 150);
        assert_eq!(s.expected_words(), 37);
        // 14 px letters, measured on the 2× reduction: 14 or 16.
        let px = s.letter_px.unwrap();
        assert!((13.0..=16.0).contains(&px), "{px}");
    }

    #[test]
    fn blank_pages_and_lone_specks_have_no_lines() {
        let blank = BitImage::from_gray_threshold(GrayImage::from_pixel(300, 300, Luma([255])));
        assert_eq!(measure(&blank, Dpi::uniform(300.0)), InkStats::default());
        let specks = BitImage::from_gray_threshold(GrayImage::from_fn(600, 600, |x, y| {
            Luma([if x % 97 < 3 && y % 89 < 3 { 0 } else { 255 }])
        }));
        let s = measure(&specks, Dpi::uniform(300.0));
        assert_eq!(s.lines, 0, "{s:?}");
        assert!(s.ink > 0.0);
    }

    #[test]
    fn lines_sharing_a_corner_come_in_the_same_order_every_time() {
        // In reduced pixels: four 4 × 4 letters on rows 0..4, and between
        // them four letters 14 tall (too tall to join them), the first on
        // rows 6..20: two lines whose boxes both start at (0, 0).
        let small = |x: u32, y: u32| x % 8 < 4 && x < 28 && y < 4;
        let tall = |x: u32, y: u32| {
            (x < 4 && (6..20).contains(&y)) || ([5, 6, 13, 14, 21, 22].contains(&x) && y < 14)
        };
        let bits = BitImage::from_gray_threshold(GrayImage::from_fn(64, 48, |x, y| {
            Luma([if small(x / 2, y / 2) || tall(x / 2, y / 2) {
                0
            } else {
                255
            }])
        }));
        let first = find(&bits, Dpi::uniform(300.0));
        assert_eq!(first.len(), 2, "{first:?}");
        assert_eq!(
            (first[0].rect.x0, first[0].rect.y0),
            (first[1].rect.x0, first[1].rect.y0)
        );
        for _ in 0..64 {
            assert_eq!(find(&bits, Dpi::uniform(300.0)), first);
        }
    }

    #[test]
    fn pages_of_a_few_pixels_have_no_lines() {
        for (w, h) in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 3)] {
            let ink = BitImage::from_gray_threshold(GrayImage::new(w, h));
            assert_eq!(find(&ink, Dpi::uniform(300.0)), Vec::new(), "{w}x{h}");
        }
    }

    #[test]
    fn a_rule_is_not_a_line_of_text() {
        let rule = BitImage::from_gray_threshold(GrayImage::from_fn(800, 200, |_, y| {
            Luma([if (100..106).contains(&y) { 0 } else { 255 }])
        }));
        assert_eq!(measure(&rule, Dpi::uniform(300.0)).lines, 0);
    }
}

/// The 2× reduction, the boxes from the labelling and the sweep that
/// chains letters, against direct loops, a flood fill and all pairs.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// A line as a sortable tuple, to compare sets of lines.
    fn key(&(b, n, px): &(Rect, usize, f32)) -> (u32, u32, u32, u32, usize, u32) {
        (b.y0, b.x0, b.y1, b.x1, n, px.to_bits())
    }

    /// [`chain`] trying every pair of letters, the one further right
    /// looking back at the other.
    fn chain_naive(letters: &[Rect]) -> Vec<(Rect, usize, f32)> {
        let n = letters.len();
        let mut group: Vec<usize> = (0..n).collect();
        let joins = |a: Rect, b: Rect| {
            let (small, big) = heights(a, b);
            b.x0 <= a.x0
                && big <= small * MAX_HEIGHT_RATIO
                && overlap(a, b) >= 0.5 * small
                && gap(b, a) <= MAX_GAP * big
        };
        // Relabel until every joined pair shares the smaller label.
        loop {
            let mut changed = false;
            for i in 0..n {
                for j in 0..n {
                    if i != j && joins(letters[i], letters[j]) && group[i] != group[j] {
                        let g = group[i].min(group[j]);
                        (group[i], group[j]) = (g, g);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut lines: Vec<_> = (0..n)
            .filter(|&g| group[g] == g)
            .map(|g| {
                (0..n)
                    .filter(|&i| group[i] == g)
                    .map(|i| letters[i])
                    .collect::<Vec<_>>()
            })
            .filter(|m| m.len() >= MIN_LETTERS)
            .map(|m| {
                let b = Rect {
                    x0: m.iter().map(|l| l.x0).min().unwrap(),
                    y0: m.iter().map(|l| l.y0).min().unwrap(),
                    x1: m.iter().map(|l| l.x1).max().unwrap(),
                    y1: m.iter().map(|l| l.y1).max().unwrap(),
                };
                let mut hs: Vec<u32> = m.iter().map(Rect::height).collect();
                hs.sort_unstable();
                (b, m.len(), hs[hs.len() / 2] as f32)
            })
            .collect();
        lines.sort_by_key(key);
        lines
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A reduced pixel is ink when any pixel of its 2 × 2 block is.
        #[test]
        fn reduction_is_the_or_of_each_block(bits in testing::bits()) {
            let (w, h) = (bits.width(), bits.height());
            let small = reduce(&bits);
            prop_assert_eq!((small.width(), small.height()), (w.div_ceil(2), h.div_ceil(2)));
            for (x, y, p) in small.as_gray().enumerate_pixels() {
                let any = (2 * y..(2 * y + 2).min(h))
                    .any(|yy| (2 * x..(2 * x + 2).min(w)).any(|xx| bits.is_ink(xx, yy)));
                prop_assert_eq!(p.0[0], if any { INK } else { PAPER }, "at {},{}", x, y);
            }
        }

        /// The boxes taken from the labelling of the reduction are those
        /// of a flood fill over it, in the same order.
        #[test]
        fn reduced_boxes_are_the_flood_fill_boxes(bits in testing::bits()) {
            let got: Vec<_> =
                reduced_boxes(&bits).iter().map(|b| (b.x0, b.y0, b.x1, b.y1)).collect();
            let (comps, _) = testing::components(&reduce(&bits));
            let want: Vec<_> = comps.iter().map(|c| (c.rect.x0, c.rect.y0, c.rect.x1, c.rect.y1)).collect();
            prop_assert_eq!(got, want);
        }

        /// Dropping letters that ended too far left changes no line.
        #[test]
        fn the_sweep_chains_as_all_pairs(
            letters in vec((0u32..150, 0u32..60, 0u32..12, 0u32..24), 0..40),
        ) {
            let letters: Vec<Rect> = letters
                .into_iter()
                .map(|(x0, y0, dw, dh)| Rect { x0, y0, x1: x0 + dw + 1, y1: y0 + dh + 1 })
                .collect();
            let mut got = chain(&letters);
            got.sort_by_key(key);
            prop_assert_eq!(
                got.iter().map(key).collect::<Vec<_>>(),
                chain_naive(&letters).iter().map(key).collect::<Vec<_>>()
            );
        }
    }
}
