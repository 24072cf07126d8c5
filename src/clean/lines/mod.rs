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
//! components of letter size are grouped into lines by the text-line
//! grouper in [`segments`] (short segments with tight bands, chained into
//! whole lines), the one despeckling uses too. Here only a line's box,
//! letter count and letter size matter.

pub(crate) mod segments;

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

/// Group letters into lines with the text-line grouper
/// ([`segments::group`], then [`segments::chain`]); returns each line's
/// box, letter count and median letter height (reduced pixels).
fn chain(letters: &[Rect]) -> Vec<(Rect, usize, f32)> {
    let Some(typical) = median(letters.iter().map(|r| r.height() as f32).collect()) else {
        return Vec::new();
    };
    let (segs, of) = segments::group(letters, typical, 1.0, segments::MAX_HEIGHT_RATIO);
    let line_of = segments::chain(&segs, typical);
    let count = line_of.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut boxes: Vec<Option<Rect>> = vec![None; count];
    for (s, &l) in segs.iter().zip(&line_of) {
        let b = &mut boxes[l as usize];
        *b = Some(b.map_or(s.rect(), |b| b.union(&s.rect())));
    }
    let mut heights: Vec<Vec<f32>> = vec![Vec::new(); count];
    for (r, &s) in letters.iter().zip(&of) {
        heights[line_of[s as usize] as usize].push(r.height() as f32);
    }
    let mut lines: Vec<(Rect, usize, f32)> = boxes
        .into_iter()
        .zip(heights)
        .filter(|(_, h)| h.len() >= MIN_LETTERS)
        .filter_map(|(b, h)| Some((b?, h.len(), median(h)?)))
        .collect();
    lines.sort_by_key(|(b, _, _)| (b.y0, b.x0));
    lines
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
    use proptest::prelude::*;

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

    }
}
