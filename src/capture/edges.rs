//! The two side edges of a book page cut from a spread (issue 25): the
//! spine's shadow lifted to the paper's level, and the strip beyond the
//! page's outer edge (the desk, the book's cover) cut off.
//!
//! A page cut at the spine still shows the spine's shadow along its inner
//! edge, a band of darkening paper tens of pixels wide, and often, along
//! its outer edge, whatever lies beyond the page. Cleanup cannot tell the
//! shadow band from a grey picture and keeps it as one (its check stores
//! what whitening would remove), and the strip beyond the edge is not
//! the page at all. Both are found from one profile: the paper's level in
//! each column, the 90th percentile of its luma (ink covers far less than
//! a tenth of a column of text), smoothed by a median over five columns.
//!
//! - **Shadow**: the columns from the spine inward whose paper is below
//!   97 % of the page's (the median level of the middle half of the
//!   columns), up to a fifth of the width, are multiplied by the page's
//!   level over theirs (at most ×4) — shading multiplies what the paper
//!   reflects, so dividing it out restores paper and ink alike. Only where
//!   the band's darkest column is below 90 % of the page's: a page lit
//!   evenly to its spine is left as it was.
//! - **Outer edge**: when the columns from the outer edge are all clearly
//!   darker than paper (below 88 %), then rise to paper (92 % or more)
//!   within three columns, no further in than 15 % of the width, and hold
//!   no ink (nothing under half their own level), those columns and two
//!   more are cut off. A page whose paper reaches the photo's edge, or
//!   whose edge lies on something as light as paper, keeps its width.
//!
//! Written here rather than taken from Leptonica: its background
//! normalisation (`pixBackgroundNorm`) evens a shadow out too, but over
//! tiles in both directions, so it also flattens the tones of pictures
//! and needs parameters per resolution; a spine's shadow runs along one
//! known side and varies across it only, which a column profile follows
//! exactly.

use super::spread::Side;
use crate::input::{Pixels, luma_of};

/// Share of the page's paper level under which a column near the spine
/// is in its shadow.
const SHADED: f32 = 0.97;
/// The shadow band's darkest column must be under this share of the
/// page's paper level for it to be lifted.
const SHADOW_DEEP: f32 = 0.9;
/// Largest gain of a shaded column.
const MAX_GAIN: f32 = 4.0;
/// Widest shadow band, as a share of the page's width.
const MAX_SHADOW: f32 = 0.2;
/// Beyond the outer edge: columns under this share of the paper level.
const BEYOND: f32 = 0.88;
/// The page from its outer edge: columns at this share or more.
const PAPER: f32 = 0.92;
/// Widest strip beyond the outer edge, as a share of the page's width.
const MAX_BEYOND: f32 = 0.15;

/// What was done at a book page's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Edges {
    /// Columns beyond the page's outer edge cut off.
    pub trimmed: u32,
    /// Columns of the spine's shadow lifted to the paper's level.
    pub lifted: u32,
}

/// Lift the spine's shadow of `pixels` and cut off what lies beyond its
/// outer edge (see the module doc). `side` is the page's side of the
/// spread it was cut from; `None` for a single book page, whose spine is
/// then taken to be on its shaded side (see [`Profile::single_side`]).
/// Returns what was done; `pixels` is changed only where it says so.
pub fn even_out(pixels: &mut Pixels, side: Option<Side>) -> Edges {
    let Some(profile) = Profile::of(pixels) else {
        return Edges::default();
    };
    let Some(side) = side.or_else(|| profile.single_side()) else {
        return Edges::default();
    };
    let (w, h) = pixels.dimensions();
    // Column `i` counted from the spine, and from the outer edge.
    let from_spine = |i: u32| match side {
        Side::Left => w - 1 - i,
        Side::Right => i,
    };
    let from_outer = |i: u32| w - 1 - from_spine(i);
    let mut done = Edges::default();
    let band = (0..(w as f32 * MAX_SHADOW) as u32)
        .take_while(|&i| profile.shaded(from_spine(i), SHADED))
        .count() as u32;
    if band >= 3 && (0..band).any(|i| profile.shaded(from_spine(i), SHADOW_DEEP)) {
        let gains: Vec<(u32, f32)> = (0..band)
            .map(|i| (from_spine(i), profile.gain(from_spine(i))))
            .collect();
        lift(pixels, &gains);
        done.lifted = band;
    }
    if let Some(cut) = profile.beyond_outer_edge(from_outer) {
        let x = match side {
            Side::Left => cut,
            Side::Right => 0,
        };
        *pixels = super::crop(pixels, x, w - cut, h);
        done.trimmed = cut;
    }
    done
}

/// The paper's level in each column of a page.
struct Profile {
    /// Each column's luma histogram over every other row, 256 bins a
    /// column.
    hist: Vec<u32>,
    /// Rows counted in each column's histogram.
    rows: u32,
    /// Each column's paper level: the 90th percentile of its histogram,
    /// then a median over five columns.
    level: Vec<f32>,
    /// The page's paper level: the median level of the middle half of the
    /// columns.
    page: f32,
}

impl Profile {
    /// The profile of `pixels`; `None` for an image under 40 pixels a
    /// side or one with no paper brighter than a quarter of white.
    fn of(pixels: &Pixels) -> Option<Profile> {
        let (w, h) = pixels.dimensions();
        if w < 40 || h < 40 {
            return None;
        }
        let (w, h) = (w as usize, h as usize);
        let mut hist = vec![0u32; w * 256];
        let rows = (0..h).step_by(2);
        match pixels {
            Pixels::Gray(g) => {
                for y in rows {
                    for (x, &v) in g.as_raw()[y * w..(y + 1) * w].iter().enumerate() {
                        hist[x * 256 + v as usize] += 1;
                    }
                }
            }
            Pixels::Rgb(c) => {
                for y in rows {
                    let row = &c.as_raw()[3 * y * w..3 * (y + 1) * w];
                    for (x, p) in row.chunks_exact(3).enumerate() {
                        hist[x * 256 + luma_of(p) as usize] += 1;
                    }
                }
            }
        }
        let counted = h.div_ceil(2) as u32;
        let below = counted - counted / 10;
        let raw: Vec<f32> = hist
            .chunks_exact(256)
            .map(|col| {
                let mut seen = 0;
                col.iter()
                    .position(|&n| {
                        seen += n;
                        seen > below
                    })
                    .unwrap_or(255) as f32
            })
            .collect();
        let level: Vec<f32> = (0..w)
            .map(|x| median(&raw[x.saturating_sub(2)..(x + 3).min(w)]))
            .collect();
        let page = median(&level[w / 4..3 * w / 4]);
        (page >= 64.0).then_some(Profile {
            hist,
            rows: counted,
            level,
            page,
        })
    }

    /// Whether column `x`'s paper is under `share` of the page's.
    fn shaded(&self, x: u32, share: f32) -> bool {
        self.level[x as usize] < share * self.page
    }

    /// What brings column `x`'s paper to the page's level.
    fn gain(&self, x: u32) -> f32 {
        (self.page / self.level[x as usize].max(1.0)).clamp(1.0, MAX_GAIN)
    }

    /// Which page of a book this is, when not cut from a spread: the one
    /// whose spine is on the side whose edge columns (the outer 4 %) are
    /// in shadow, under 90 % of the paper's level on average, while the
    /// other side's are not. `None` when neither or both are.
    fn single_side(&self) -> Option<Side> {
        let w = self.level.len();
        let band = (w / 25).max(2);
        let dark =
            |cols: &[f32]| cols.iter().sum::<f32>() / (cols.len() as f32) < SHADOW_DEEP * self.page;
        match (dark(&self.level[..band]), dark(&self.level[w - band..])) {
            (false, true) => Some(Side::Left),
            (true, false) => Some(Side::Right),
            _ => None,
        }
    }

    /// Columns to cut at the outer edge (column `i` from it is
    /// `from_outer(i)`), `None` when the page's paper reaches it (see the
    /// module doc).
    fn beyond_outer_edge(&self, from_outer: impl Fn(u32) -> u32) -> Option<u32> {
        let limit = (self.level.len() as f32 * MAX_BEYOND) as u32;
        let edge = (0..limit).find(|&i| !self.shaded(from_outer(i), PAPER))?;
        // Clearly darker than paper up to three columns before it.
        if edge < 3 || (0..=edge - 3).any(|i| !self.shaded(from_outer(i), BEYOND)) {
            return None;
        }
        // No ink: nothing under half its column's level.
        let inked: u32 = (0..edge)
            .map(|i| {
                let x = from_outer(i) as usize;
                let dark = (0.5 * self.level[x]).ceil() as usize;
                self.hist[x * 256..x * 256 + dark].iter().sum::<u32>()
            })
            .sum();
        (inked * 500 <= edge * self.rows).then_some((edge + 2).min(limit))
    }
}

fn median(v: &[f32]) -> f32 {
    let mut v = v.to_vec();
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// Multiply columns by their gains (`(x, gain)`), every channel.
fn lift(pixels: &mut Pixels, gains: &[(u32, f32)]) {
    let scale = |v: &mut u8, g: f32| *v = (f32::from(*v) * g).round().min(255.0) as u8;
    match pixels {
        Pixels::Gray(g) => {
            let w = g.width() as usize;
            for row in g.chunks_exact_mut(w) {
                for &(x, gain) in gains {
                    scale(&mut row[x as usize], gain);
                }
            }
        }
        Pixels::Rgb(c) => {
            let w = c.width() as usize;
            for row in c.chunks_exact_mut(3 * w) {
                for &(x, gain) in gains {
                    for v in &mut row[3 * x as usize..3 * x as usize + 3] {
                        scale(v, gain);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    /// A left page: `beyond` columns of desk (160) at its outer (left)
    /// edge, paper (240) with rows of ink, and a shadow over its last
    /// `shadow` columns falling to `deepest` of the paper at the spine.
    fn left_page(beyond: u32, shadow: u32, deepest: f32) -> GrayImage {
        let (w, h) = (400, 300);
        GrayImage::from_fn(w, h, |x, y| {
            if x < beyond {
                return Luma([160]);
            }
            let ink = (y % 20) < 4 && (x / 7) % 3 != 0 && (40..360).contains(&x);
            let v = if ink { 30.0 } else { 240.0 };
            let d = (w - 1 - x) as f32;
            let shade = if d < shadow as f32 {
                deepest + (1.0 - deepest) * d / shadow as f32
            } else {
                1.0
            };
            Luma([(v * shade).round() as u8])
        })
    }

    #[test]
    fn the_spine_shadow_is_lifted_and_the_desk_cut_off() {
        let mut p = Pixels::Gray(left_page(20, 50, 0.5));
        let done = even_out(&mut p, Some(Side::Left));
        assert_eq!(done.trimmed, 22);
        assert!((45..=52).contains(&done.lifted), "{done:?}");
        let Pixels::Gray(g) = &p else { unreachable!() };
        assert_eq!(g.width(), 400 - 22);
        // Paper at the spine is paper again, ink stays ink.
        let x = g.width() - 2;
        assert!(
            g.get_pixel(x, 10).0[0] >= 232,
            "{}",
            g.get_pixel(x, 10).0[0]
        );
        // Ink in the shadow (column 352 of the page, 330 once cut).
        assert!(
            g.get_pixel(330, 1).0[0] < 80,
            "{}",
            g.get_pixel(330, 1).0[0]
        );
    }

    #[test]
    fn an_even_page_to_its_edges_is_left_alone() {
        let page = left_page(0, 0, 1.0);
        let mut p = Pixels::Gray(page.clone());
        assert_eq!(even_out(&mut p, Some(Side::Left)), Edges::default());
        let Pixels::Gray(g) = &p else { unreachable!() };
        assert_eq!(g, &page);
        // A light shading (under a tenth) is no spine shadow; a right
        // page's outer edge is its right one, where this page has paper.
        let page = left_page(0, 60, 0.93);
        let mut p = Pixels::Gray(page.clone());
        assert_eq!(even_out(&mut p, Some(Side::Left)), Edges::default());
        let mut p = Pixels::Gray(left_page(20, 0, 1.0));
        assert_eq!(even_out(&mut p, Some(Side::Right)).trimmed, 0);
    }

    #[test]
    fn a_single_page_has_its_spine_on_its_shaded_side() {
        let side = |g: &GrayImage| Profile::of(&Pixels::Gray(g.clone())).unwrap().single_side();
        let page = left_page(0, 50, 0.5);
        assert_eq!(side(&page), Some(Side::Left));
        assert_eq!(
            side(&image::imageops::flip_horizontal(&page)),
            Some(Side::Right)
        );
        assert_eq!(side(&left_page(0, 0, 1.0)), None);
        // Lifted on that side, and the even page left alone.
        let mut p = Pixels::Gray(page);
        assert!(even_out(&mut p, None).lifted >= 45);
        let mut p = Pixels::Gray(left_page(0, 0, 1.0));
        assert_eq!(even_out(&mut p, None), Edges::default());
    }

    #[test]
    fn a_dark_strip_with_ink_in_it_is_not_cut() {
        let mut page = left_page(20, 0, 1.0);
        for y in (10..290).step_by(9) {
            for x in 5..15 {
                page.put_pixel(x, y, Luma([20]));
            }
        }
        let mut p = Pixels::Gray(page);
        assert_eq!(even_out(&mut p, Some(Side::Left)).trimmed, 0);
    }
}
