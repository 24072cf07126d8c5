//! Where despeckling looks for a text line: each segment's neighbourhood
//! (its band grown by a [`Reach`]) on a coarse grid.
//!
//! The segments come from the one text-line grouper
//! (`clean::lines::segments`); a mark only needs to sit on one of them.

use crate::clean::lines::segments::Segment;

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

/// The grid of bands against an exhaustive search.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::lines::segments::{group, testing::boxes};
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The grid finds a segment whose stretched neighbourhood holds the
        /// point exactly when there is one, on and off the page.
        #[test]
        fn bands_find_a_band_holding_the_point_when_there_is_one(
            boxes in boxes(),
            typical_h in 1f32..=30.0,
            (side, up, down) in (0f32..=2.0, 0f32..=1.0, 0f32..=1.0),
            stretches in vec((any::<prop::sample::Index>(), -20i32..340, 0i32..60), 0..8),
        ) {
            let (segs, _) = group(&boxes, typical_h, 1.0, f32::INFINITY);
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
