//! The one text-line grouper: letters into short segments, segments into
//! lines.
//!
//! Letters are grouped left to right into segments (a sweep over their left
//! edges): a letter joins the open segment it overlaps most vertically,
//! when the horizontal gap is at most about a word space. This is the
//! bottom-up grouping of the docstrum (O'Gorman 1993) restricted to
//! horizontal neighbours, and plays the part of the horizontal smear of
//! RLSA (Wong, Casey & Wahl 1982) without touching pixels. Segments are cut
//! after a fixed width, so each has a tight band (top, baseline, letter
//! height) even on a page that is still slightly skewed; a line is a chain
//! of segments ([`chain`]).
//!
//! Callers: despeckling keeps marks that sit on a segment's band
//! (`clean::despeckle`), and `clean::lines` chains the segments into whole
//! lines to count letters and measure their size.

use crate::rect::Rect;

/// A letter joins a segment when its vertical overlap with the segment's
/// band is at least this fraction of the smaller of the two heights: a
/// descender and the next line's ascenders overlap far less.
const MIN_OVERLAP: f32 = 0.5;
/// The horizontal gap a letter may leave to its segment, in letter heights
/// (the page's typical one at least): a word space is about 0.6 x-heights,
/// wider in justified text.
pub(crate) const JOIN_GAP: f32 = 1.5;
/// Segments end after this many typical letter heights (about ten letters),
/// so a residual skew of a degree moves a band by a few pixels only.
const SEGMENT_WIDTH: f32 = 12.0;
/// Letters (in whole lines) and segments of one line differ in height by
/// less than this (a heading beside body text is two lines).
pub(crate) const MAX_HEIGHT_RATIO: f32 = 3.0;

/// `r`'s edges as segments hold them: signed, since bands grow past the
/// page, and inclusive (first and last column, top and bottom row).
fn edges(r: Rect) -> (i32, i32, i32, i32) {
    (r.x0 as i32, r.x1 as i32 - 1, r.y0 as i32, r.y1 as i32 - 1)
}

/// A run of letters on one text line: its extent and its band, in signed
/// inclusive pixels (see [`edges`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
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

impl Segment {
    /// A segment of one letter with `edges` (see [`edges`]).
    fn start((x0, x1, y0, y1): (i32, i32, i32, i32)) -> Self {
        Segment {
            x0,
            x1,
            top: y0,
            bottom: y1,
            last_h: y1 - y0 + 1,
            count: 1,
            xh: 0.0,
            base: 0.0,
        }
    }

    /// The segment's extent as a half-open rectangle.
    pub fn rect(&self) -> Rect {
        Rect {
            x0: self.x0 as u32,
            y0: self.top as u32,
            x1: self.x1 as u32 + 1,
            y1: self.bottom as u32 + 1,
        }
    }
}

/// Group `boxes` (any order) into segments; returns the segments and, for
/// each box, the index of its segment. `typical_h` is the page's typical
/// letter height; `join` scales [`JOIN_GAP`]; a letter joins only a segment
/// whose last letter's height and its own differ by less than `max_ratio`
/// (`f32::INFINITY`: any).
pub(crate) fn group(
    boxes: &[Rect],
    typical_h: f32,
    join: f32,
    max_ratio: f32,
) -> (Vec<Segment>, Vec<u32>) {
    let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
    order.sort_unstable_by_key(|&i| boxes[i as usize].x0);
    let gap_for = |h: i32| JOIN_GAP * join * typical_h.max(h as f32);
    let max_width = SEGMENT_WIDTH * typical_h;
    let mut segs: Vec<Segment> = Vec::new();
    let mut of = vec![0u32; boxes.len()];
    let mut open: Vec<u32> = Vec::new();
    for &i in &order {
        let (x0, x1, y0, y1) = edges(boxes[i as usize]);
        let h = y1 - y0 + 1;
        // Segments that no later letter can join (all start further right).
        open.retain(|&s| {
            let s = &segs[s as usize];
            s.x1 as f32 + gap_for(s.last_h) >= x0 as f32 && ((s.x1 - s.x0) as f32) < max_width
        });
        let mut best: Option<(f32, u32)> = None;
        for &s in &open {
            let seg = &segs[s as usize];
            if (x0 - seg.x1) as f32 > gap_for(h.min(seg.last_h))
                || h.max(seg.last_h) as f32 > max_ratio * h.min(seg.last_h) as f32
            {
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
            segs.push(Segment::start((x0, x1, y0, y1)));
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
    let mut bottoms: Vec<(u32, u32)> = (0..boxes.len()).map(|i| (of[i], boxes[i].y1 - 1)).collect();
    bottoms.sort_unstable();
    for run in bottoms.chunk_by(|a, b| a.0 == b.0) {
        segs[run[0].0 as usize].base = run[run.len() / 2].1 as f32;
    }
    (segs, of)
}

/// Chain `segs` (from [`group`] with the same `typical_h`) into lines: a
/// segment continues another when it starts within [`JOIN_GAP`] letter
/// heights of the other's end, their bands overlap by [`MIN_OVERLAP`] of
/// the smaller, and their letter heights differ by less than
/// [`MAX_HEIGHT_RATIO`]. Returns each segment's line, numbered from 0 in
/// the order of the lines' first segments.
pub(crate) fn chain(segs: &[Segment], typical_h: f32) -> Vec<u32> {
    let n = segs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| segs[i].x0);
    let reach = JOIN_GAP * segs.iter().fold(typical_h, |m, s| m.max(s.xh));
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let a = segs[i];
        active.retain(|&j| segs[j].x1 as f32 + reach >= a.x0 as f32);
        for &j in &active {
            let b = segs[j];
            let (small, big) = (a.xh.min(b.xh), a.xh.max(b.xh));
            if big > small * MAX_HEIGHT_RATIO
                || (a.x0 - b.x1) as f32 > JOIN_GAP * typical_h.max(big)
            {
                continue;
            }
            let overlap = a.bottom.min(b.bottom) - a.top.max(b.top) + 1;
            let thinner = (a.bottom - a.top).min(b.bottom - b.top) + 1;
            if (overlap as f32) < MIN_OVERLAP * thinner as f32 {
                continue;
            }
            let (ra, rb) = (root(&mut parent, i), root(&mut parent, j));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
        active.push(i);
    }
    let mut number = vec![u32::MAX; n];
    let mut next = 0;
    (0..n)
        .map(|i| {
            let r = root(&mut parent, i);
            if number[r] == u32::MAX {
                number[r] = next;
                next += 1;
            }
            number[r]
        })
        .collect()
}

/// Random letter boxes, for property tests here and of the callers.
#[cfg(test)]
pub(crate) mod testing {
    use crate::rect::Rect;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Up to 40 boxes on a 300 × 120 page, 1 to 40 pixels each way.
    pub(crate) fn boxes() -> impl Strategy<Value = Vec<Rect>> {
        vec((0u32..300, 0u32..120, 0u32..40, 0u32..40), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(x0, y0, dw, dh)| Rect {
                    x0,
                    y0,
                    x1: x0 + dw + 1,
                    y1: y0 + dh + 1,
                })
                .collect()
        })
    }
}

/// The sweep and the chaining against exhaustive searches.
#[cfg(test)]
mod against_naive {
    use super::testing::boxes;
    use super::*;
    use proptest::prelude::*;

    /// The fields of a segment, to compare.
    fn fields(s: &Segment) -> (i32, i32, i32, i32, i32, u32, f32, f32) {
        (s.x0, s.x1, s.top, s.bottom, s.last_h, s.count, s.xh, s.base)
    }

    /// [`group`] offering every segment made so far to each letter, where
    /// the sweep offers only those still open.
    fn group_naive(
        boxes: &[Rect],
        typical_h: f32,
        join: f32,
        max_ratio: f32,
    ) -> (Vec<Segment>, Vec<u32>) {
        let mut order: Vec<u32> = (0..boxes.len() as u32).collect();
        order.sort_unstable_by_key(|&i| boxes[i as usize].x0);
        let gap_for = |h: i32| JOIN_GAP * join * typical_h.max(h as f32);
        let mut segs: Vec<Segment> = Vec::new();
        let mut of = vec![0u32; boxes.len()];
        for &i in &order {
            let b = boxes[i as usize];
            let (x0, x1, y0, y1) = edges(b);
            let h = y1 - y0 + 1;
            let mut best: Option<(f32, usize)> = None;
            for (s, seg) in segs.iter().enumerate() {
                let full = (seg.x1 - seg.x0) as f32 >= SEGMENT_WIDTH * typical_h;
                let near = (x0 - seg.x1) as f32 <= gap_for(h.min(seg.last_h))
                    && h.max(seg.last_h) as f32 <= max_ratio * h.min(seg.last_h) as f32;
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
                segs.push(Segment::start((x0, x1, y0, y1)));
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
            let mut bottoms: Vec<u32> = mine().map(|b| b.y1 - 1).collect();
            heights.sort_unstable();
            bottoms.sort_unstable();
            seg.xh = heights[heights.len() / 2] as f32;
            seg.base = bottoms[bottoms.len() / 2] as f32;
        }
        (segs, of)
    }

    /// [`chain`] comparing every pair of segments.
    fn chain_naive(segs: &[Segment], typical_h: f32) -> Vec<u32> {
        let n = segs.len();
        let mut line: Vec<usize> = (0..n).collect();
        let joins = |a: &Segment, b: &Segment| {
            let (a, b) = if a.x0 >= b.x0 { (a, b) } else { (b, a) };
            let (small, big) = (a.xh.min(b.xh), a.xh.max(b.xh));
            let overlap = a.bottom.min(b.bottom) - a.top.max(b.top) + 1;
            let thinner = (a.bottom - a.top).min(b.bottom - b.top) + 1;
            big <= small * MAX_HEIGHT_RATIO
                && (a.x0 - b.x1) as f32 <= JOIN_GAP * typical_h.max(big)
                && overlap as f32 >= MIN_OVERLAP * thinner as f32
        };
        // Relabel until nothing changes: the smallest index of the chain.
        loop {
            let mut changed = false;
            for i in 0..n {
                for j in 0..n {
                    if i != j && joins(&segs[i], &segs[j]) && line[j] < line[i] {
                        line[i] = line[j];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut number = vec![u32::MAX; n];
        let mut next = 0;
        (0..n)
            .map(|i| {
                let r = line[i];
                if number[r] == u32::MAX {
                    number[r] = next;
                    next += 1;
                }
                number[r]
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Closing segments that no later letter can join changes nothing.
        #[test]
        fn the_sweep_groups_as_an_exhaustive_search(
            boxes in boxes(),
            typical_h in 1f32..=30.0,
            join in 0.2f32..=2.0,
            max_ratio in prop_oneof![Just(f32::INFINITY), 1f32..=5.0],
        ) {
            let (segs, of) = group(&boxes, typical_h, join, max_ratio);
            let (want, want_of) = group_naive(&boxes, typical_h, join, max_ratio);
            prop_assert_eq!(of, want_of);
            prop_assert_eq!(
                segs.iter().map(fields).collect::<Vec<_>>(),
                want.iter().map(fields).collect::<Vec<_>>()
            );
        }

        /// Chaining by a sweep finds the lines that comparing every pair
        /// finds.
        #[test]
        fn the_chain_sweep_finds_every_pair(
            boxes in boxes(),
            typical_h in 1f32..=30.0,
        ) {
            let (segs, _) = group(&boxes, typical_h, 1.0, MAX_HEIGHT_RATIO);
            prop_assert_eq!(chain(&segs, typical_h), chain_naive(&segs, typical_h));
        }
    }
}
