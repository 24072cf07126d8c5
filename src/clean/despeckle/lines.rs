//! Text lines for despeckling, as short segments of letters.
//!
//! Letters are grouped left to right into segments (a sweep over their left
//! edges): a letter joins the open segment it overlaps most vertically,
//! when the horizontal gap is at most about a word space. This is the
//! bottom-up grouping of the docstrum (O'Gorman 1993) restricted to
//! horizontal neighbours, and plays the part of the horizontal smear of
//! RLSA (Wong, Casey & Wahl 1982) without touching pixels. Segments are cut
//! after a fixed width, so each has a tight band even on a page that is
//! still slightly skewed (or was not deskewed); a line is then a chain of
//! segments, and a mark only needs to sit on one of them.
//!
//! Not `clean::lines`, which chains letters into whole lines to count them
//! and measure letter size: despeckling needs tight per-segment bands, not
//! whole lines, so the two group differently on purpose.

use super::Comp;
use crate::rect::Rect;

/// A letter joins a segment when its vertical overlap with the segment's
/// band is at least this fraction of the smaller of the two heights: a
/// descender and the next line's ascenders overlap far less.
const MIN_OVERLAP: f32 = 0.5;
/// The horizontal gap a letter may leave to its segment, in letter heights
/// (the page's typical one at least): a word space is about 0.6 x-heights,
/// wider in justified text.
pub(super) const JOIN_GAP: f32 = 1.5;
/// Segments end after this many typical letter heights (about ten letters),
/// so a residual skew of a degree moves a band by a few pixels only.
const SEGMENT_WIDTH: f32 = 12.0;

/// `r`'s edges as segments hold them: signed, since bands grow past the
/// page, and inclusive (first and last column, top and bottom row).
fn edges(r: Rect) -> (i32, i32, i32, i32) {
    (r.x0 as i32, r.x1 as i32 - 1, r.y0 as i32, r.y1 as i32 - 1)
}

/// A run of letters on one text line: its extent and its band, in signed
/// inclusive pixels (see [`edges`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    pub x0: i32,
    pub x1: i32,
    pub top: i32,
    pub bottom: i32,
    /// Height of the last letter added (the next one is compared with it).
    last_h: i32,
    /// Number of letters.
    pub count: u32,
    /// Median letter height, after [`group`].
    pub xh: f32,
    /// Median letter bottom: the baseline, after [`group`].
    pub base: f32,
}

/// Group `boxes` (any order) into segments; returns the segments and, for
/// each box, the index of its segment. `typical_h` is the page's typical
/// letter height; `join` scales [`JOIN_GAP`].
pub(super) fn group(boxes: &[Comp], typical_h: f32, join: f32) -> (Vec<Segment>, Vec<u32>) {
    let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
    order.sort_unstable_by_key(|&i| boxes[i as usize].rect.x0);
    let gap_for = |h: i32| JOIN_GAP * join * typical_h.max(h as f32);
    let max_width = SEGMENT_WIDTH * typical_h;
    let mut segs: Vec<Segment> = Vec::new();
    let mut of = vec![0u32; boxes.len()];
    let mut open: Vec<u32> = Vec::new();
    for &i in &order {
        let b = boxes[i as usize];
        let (x0, x1, y0, y1) = edges(b.rect);
        let h = y1 - y0 + 1;
        // Segments that no later letter can join (all start further right).
        open.retain(|&s| {
            let s = &segs[s as usize];
            s.x1 as f32 + gap_for(s.last_h) >= x0 as f32 && ((s.x1 - s.x0) as f32) < max_width
        });
        let mut best: Option<(f32, u32)> = None;
        for &s in &open {
            let seg = &segs[s as usize];
            if (x0 - seg.x1) as f32 > gap_for(h.min(seg.last_h)) {
                continue;
            }
            let overlap = y1.min(seg.bottom) - y0.max(seg.top) + 1;
            let smaller = h.min(seg.bottom - seg.top + 1);
            let score = overlap as f32 / smaller as f32;
            if score >= MIN_OVERLAP && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, s));
            }
        }
        if let Some((_, s)) = best {
            let seg = &mut segs[s as usize];
            seg.x0 = seg.x0.min(x0);
            seg.x1 = seg.x1.max(x1);
            seg.top = seg.top.min(y0);
            seg.bottom = seg.bottom.max(y1);
            seg.last_h = h;
            seg.count += 1;
            of[i as usize] = s;
        } else {
            of[i as usize] = segs.len() as u32;
            open.push(segs.len() as u32);
            segs.push(Segment {
                x0,
                x1,
                top: y0,
                bottom: y1,
                last_h: h,
                count: 1,
                xh: 0.0,
                base: 0.0,
            });
        }
    }
    // Each segment's median letter height: x-height for most lines, the
    // capital height for lines of capitals or digits.
    let mut heights: Vec<(u32, u32)> = (0..boxes.len())
        .map(|i| (of[i], boxes[i].height()))
        .collect();
    heights.sort_unstable();
    for run in heights.chunk_by(|a, b| a.0 == b.0) {
        segs[run[0].0 as usize].xh = run[run.len() / 2].1 as f32;
    }
    let mut bottoms: Vec<(u32, u32)> = (0..boxes.len())
        .map(|i| (of[i], boxes[i].rect.y1 - 1))
        .collect();
    bottoms.sort_unstable();
    for run in bottoms.chunk_by(|a, b| a.0 == b.0) {
        segs[run[0].0 as usize].base = run[run.len() / 2].1 as f32;
    }
    (segs, of)
}

/// How far around a segment a mark still belongs to it, in the segment's
/// letter heights.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reach {
    /// Beyond either end (a period after the last word, an opening quote).
    pub side: f32,
    /// Above the tallest letter (i-dots over "mini", accents over capitals).
    pub up: f32,
    /// Below the lowest letter.
    pub down: f32,
}

/// Segments' neighbourhoods on a coarse grid, so finding the segment under
/// a point costs a few comparisons.
pub(super) struct Bands {
    /// Extended rectangle of each segment: x0, y0, x1, y1 (inclusive).
    rects: Vec<[i32; 4]>,
    side: Vec<i32>,
    cell: i32,
    cols: i32,
    rows: i32,
    grid: Vec<Vec<u32>>,
}

impl Bands {
    pub fn new(segs: &[Segment], reach: Reach, width: u32, height: u32, typical_h: f32) -> Self {
        let cell = (2.0 * typical_h).max(8.0) as i32;
        let (cols, rows) = (width as i32 / cell + 1, height as i32 / cell + 1);
        let mut bands = Bands {
            rects: Vec::with_capacity(segs.len()),
            side: Vec::with_capacity(segs.len()),
            cell,
            cols,
            rows,
            grid: vec![Vec::new(); (cols * rows) as usize],
        };
        for (i, s) in segs.iter().enumerate() {
            let side = (reach.side * s.xh).round() as i32;
            let rect = [
                s.x0 - side,
                s.top - (reach.up * s.xh).round() as i32,
                s.x1 + side,
                s.bottom + (reach.down * s.xh).round() as i32,
            ];
            bands.rects.push(rect);
            bands.side.push(side);
            bands.register(i as u32, rect);
        }
        bands
    }

    fn cells(&self, r: [i32; 4]) -> impl Iterator<Item = usize> + use<> {
        let c = |v: i32, n: i32| (v.div_euclid(self.cell)).clamp(0, n - 1);
        let (cx0, cx1) = (c(r[0], self.cols), c(r[2], self.cols));
        let (cy0, cy1) = (c(r[1], self.rows), c(r[3], self.rows));
        let cols = self.cols;
        (cy0..=cy1).flat_map(move |y| (cx0..=cx1).map(move |x| (y * cols + x) as usize))
    }

    fn register(&mut self, i: u32, r: [i32; 4]) {
        for cell in self.cells(r).collect::<Vec<_>>() {
            let list = &mut self.grid[cell];
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }

    /// The segment whose neighbourhood holds the point, if any.
    pub fn at(&self, x: i32, y: i32) -> Option<u32> {
        let cell = self.cells([x, y, x, y]).next()?;
        self.grid[cell].iter().copied().find(|&i| {
            let r = self.rects[i as usize];
            (r[0]..=r[2]).contains(&x) && (r[1]..=r[3]).contains(&y)
        })
    }

    /// Stretch segment `i` along its line to cover `x0..=x1` (a mark just
    /// kept on it), so a row of dots leading away from the words is
    /// followed dot by dot.
    pub fn stretch(&mut self, i: u32, x0: i32, x1: i32) {
        let side = self.side[i as usize];
        let r = &mut self.rects[i as usize];
        let (new0, new1) = (r[0].min(x0 - side), r[2].max(x1 + side));
        if new0 == r[0] && new1 == r[2] {
            return;
        }
        r[0] = new0;
        r[2] = new1;
        let r = *r;
        self.register(i, r);
    }
}

/// The sweep and the grid of bands against exhaustive searches.
#[cfg(test)]
mod against_naive {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Up to 40 boxes on a 300 × 120 page, 1 to 40 pixels each way.
    fn boxes() -> impl Strategy<Value = Vec<Comp>> {
        vec((0u32..300, 0u32..120, 0u32..40, 0u32..40), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(x0, y0, dw, dh)| Comp {
                    area: 1,
                    rect: Rect {
                        x0,
                        y0,
                        x1: x0 + dw + 1,
                        y1: y0 + dh + 1,
                    },
                })
                .collect()
        })
    }

    /// The fields of a segment, to compare.
    fn fields(s: &Segment) -> (i32, i32, i32, i32, i32, u32, f32, f32) {
        (s.x0, s.x1, s.top, s.bottom, s.last_h, s.count, s.xh, s.base)
    }

    /// [`group`] offering every segment made so far to each letter, where
    /// the sweep offers only those still open.
    fn group_naive(boxes: &[Comp], typical_h: f32, join: f32) -> (Vec<Segment>, Vec<u32>) {
        let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
        order.sort_unstable_by_key(|&i| boxes[i as usize].rect.x0);
        let gap_for = |h: i32| JOIN_GAP * join * typical_h.max(h as f32);
        let mut segs: Vec<Segment> = Vec::new();
        let mut of = vec![0u32; boxes.len()];
        for &i in &order {
            let b = boxes[i as usize];
            let (x0, x1, y0, y1) = edges(b.rect);
            let h = y1 - y0 + 1;
            let mut best: Option<(f32, usize)> = None;
            for (s, seg) in segs.iter().enumerate() {
                let full = (seg.x1 - seg.x0) as f32 >= SEGMENT_WIDTH * typical_h;
                let near = (x0 - seg.x1) as f32 <= gap_for(h.min(seg.last_h));
                let overlap = y1.min(seg.bottom) - y0.max(seg.top) + 1;
                let score = overlap as f32 / h.min(seg.bottom - seg.top + 1) as f32;
                if !full && near && score >= MIN_OVERLAP && best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, s));
                }
            }
            of[i as usize] = if let Some((_, s)) = best {
                let seg = &mut segs[s];
                (seg.x0, seg.x1) = (seg.x0.min(x0), seg.x1.max(x1));
                (seg.top, seg.bottom) = (seg.top.min(y0), seg.bottom.max(y1));
                (seg.last_h, seg.count) = (h, seg.count + 1);
                s as u32
            } else {
                segs.push(Segment {
                    x0,
                    x1,
                    top: y0,
                    bottom: y1,
                    last_h: h,
                    count: 1,
                    xh: 0.0,
                    base: 0.0,
                });
                segs.len() as u32 - 1
            };
        }
        for (s, seg) in segs.iter_mut().enumerate() {
            let mine = || {
                (0..boxes.len())
                    .filter(|&i| of[i] == s as u32)
                    .map(|i| boxes[i])
            };
            let mut heights: Vec<u32> = mine().map(|b| b.height()).collect();
            let mut bottoms: Vec<u32> = mine().map(|b| b.rect.y1 - 1).collect();
            heights.sort_unstable();
            bottoms.sort_unstable();
            seg.xh = heights[heights.len() / 2] as f32;
            seg.base = bottoms[bottoms.len() / 2] as f32;
        }
        (segs, of)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Closing segments that no later letter can join changes nothing.
        #[test]
        fn the_sweep_groups_as_an_exhaustive_search(
            boxes in boxes(),
            typical_h in 1f32..=30.0,
            join in 0.2f32..=2.0,
        ) {
            let (segs, of) = group(&boxes, typical_h, join);
            let (want, want_of) = group_naive(&boxes, typical_h, join);
            prop_assert_eq!(of, want_of);
            prop_assert_eq!(
                segs.iter().map(fields).collect::<Vec<_>>(),
                want.iter().map(fields).collect::<Vec<_>>()
            );
        }

        /// The grid finds a segment whose stretched neighbourhood holds the
        /// point exactly when there is one, on and off the page.
        #[test]
        fn bands_find_a_band_holding_the_point_when_there_is_one(
            boxes in boxes(),
            typical_h in 1f32..=30.0,
            (side, up, down) in (0f32..=2.0, 0f32..=1.0, 0f32..=1.0),
            stretches in vec((any::<prop::sample::Index>(), -20i32..340, 0i32..60), 0..8),
        ) {
            let (segs, _) = group(&boxes, typical_h, 1.0);
            let reach = Reach { side, up, down };
            let (w, h) = (300, 160);
            let mut bands = Bands::new(&segs, reach, w, h, typical_h);
            let mut rects: Vec<[i32; 4]> = segs
                .iter()
                .map(|s| {
                    let grow = |f: f32| (f * s.xh).round() as i32;
                    [s.x0 - grow(side), s.top - grow(up), s.x1 + grow(side), s.bottom + grow(down)]
                })
                .collect();
            if !segs.is_empty() {
                for (i, x0, len) in stretches {
                    let i = i.index(segs.len());
                    bands.stretch(i as u32, x0, x0 + len);
                    let s = (side * segs[i].xh).round() as i32;
                    rects[i][0] = rects[i][0].min(x0 - s);
                    rects[i][2] = rects[i][2].max(x0 + len + s);
                }
            }
            let holds = |r: &[i32; 4], x: i32, y: i32| (r[0]..=r[2]).contains(&x) && (r[1]..=r[3]).contains(&y);
            for y in -30..h as i32 + 30 {
                for x in -30..w as i32 + 30 {
                    match bands.at(x, y) {
                        Some(i) => prop_assert!(holds(&rects[i as usize], x, y), "{},{} not in {}", x, y, i),
                        None => prop_assert!(!rects.iter().any(|r| holds(r, x, y)), "{},{} missed", x, y),
                    }
                }
            }
        }
    }
}
