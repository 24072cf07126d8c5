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
use crate::input::Pixels;

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

/// Lift the spine's shadow of `pixels`, the `side` page of a spread, and
/// cut off what lies beyond its outer edge (see the module doc). Returns
/// what was done; `pixels` is changed only where it says so.
pub fn even_out(pixels: &mut Pixels, side: Side) -> Edges {
    let (w, h) = pixels.dimensions();
    if w < 40 || h < 40 {
        return Edges::default();
    }
    let level = paper_levels(pixels);
    let page = {
        let mut mid: Vec<f32> = level[w as usize / 4..3 * w as usize / 4].to_vec();
        mid.sort_by(f32::total_cmp);
        mid[mid.len() / 2]
    };
    if page < 64.0 {
        return Edges::default();
    }
    // Column `i` counted from the spine, and from the outer edge.
    let from_spine = |i: u32| match side {
        Side::Left => w - 1 - i,
        Side::Right => i,
    };
    let from_outer = |i: u32| match side {
        Side::Left => i,
        Side::Right => w - 1 - i,
    };
    let mut done = Edges::default();
    let band = (0..(w as f32 * MAX_SHADOW) as u32)
        .take_while(|&i| level[from_spine(i) as usize] < SHADED * page)
        .count() as u32;
    let deepest = (0..band)
        .map(|i| level[from_spine(i) as usize])
        .fold(f32::MAX, f32::min);
    if band >= 3 && deepest < SHADOW_DEEP * page {
        let gains: Vec<(u32, f32)> = (0..band)
            .map(|i| {
                let x = from_spine(i);
                (x, (page / level[x as usize].max(1.0)).clamp(1.0, MAX_GAIN))
            })
            .collect();
        lift(pixels, &gains);
        done.lifted = band;
    }
    if let Some(cut) = beyond_outer_edge(pixels, &level, page, &from_outer) {
        let keep = w - cut;
        let x = match side {
            Side::Left => cut,
            Side::Right => 0,
        };
        *pixels = super::crop(pixels, x, keep, h);
        done.trimmed = cut;
    }
    done
}

/// Which page of a book `pixels` is when it was not cut from a spread (a
/// single page photographed open): the one whose spine is on the side
/// whose edge columns (the outer 4 %) are in shadow, under 90 % of the
/// paper's level while the other side's are not. `None` when neither or
/// both are.
pub fn side_of_single_page(pixels: &Pixels) -> Option<Side> {
    let w = pixels.dimensions().0 as usize;
    if w < 40 {
        return None;
    }
    let level = paper_levels(pixels);
    let mut mid: Vec<f32> = level[w / 4..3 * w / 4].to_vec();
    mid.sort_by(f32::total_cmp);
    let page = mid[mid.len() / 2];
    let band = (w / 25).max(2);
    let mean = |cols: &[f32]| cols.iter().sum::<f32>() / cols.len() as f32;
    let dark = |cols: &[f32]| mean(cols) < SHADOW_DEEP * page;
    match (dark(&level[..band]), dark(&level[w - band..])) {
        (false, true) => Some(Side::Left),
        (true, false) => Some(Side::Right),
        _ => None,
    }
}

/// Columns to cut at the outer edge, `None` when the page's paper reaches
/// it (see the module doc).
fn beyond_outer_edge(
    pixels: &Pixels,
    level: &[f32],
    page: f32,
    from_outer: &dyn Fn(u32) -> u32,
) -> Option<u32> {
    let w = pixels.dimensions().0;
    let limit = (w as f32 * MAX_BEYOND) as u32;
    let edge = (0..limit).find(|&i| level[from_outer(i) as usize] >= PAPER * page)?;
    if edge < 3 || level[from_outer(edge - 3) as usize] >= BEYOND * page {
        return None;
    }
    if (0..edge - 2).any(|i| level[from_outer(i) as usize] >= BEYOND * page) {
        return None;
    }
    let cols: Vec<u32> = (0..edge).map(from_outer).collect();
    let inked = cols
        .iter()
        .map(|&x| {
            column_luma(pixels, x)
                .filter(|&v| v < 0.5 * level[x as usize])
                .count()
        })
        .sum::<usize>();
    let h = pixels.dimensions().1 as usize;
    (inked * 500 <= cols.len() * h).then_some((edge + 2).min(limit))
}

/// The luma of column `x`, top to bottom.
fn column_luma(pixels: &Pixels, x: u32) -> Box<dyn Iterator<Item = f32> + '_> {
    match pixels {
        Pixels::Gray(g) => Box::new(
            g.as_raw()
                .chunks_exact(g.width() as usize)
                .map(move |row| f32::from(row[x as usize])),
        ),
        Pixels::Rgb(c) => Box::new(
            c.as_raw()
                .chunks_exact(3 * c.width() as usize)
                .map(move |row| luma(&row[3 * x as usize..3 * x as usize + 3])),
        ),
    }
}

fn luma(p: &[u8]) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// Each column's paper level: the 90th percentile of its luma over every
/// other row, then a median over five columns.
fn paper_levels(pixels: &Pixels) -> Vec<f32> {
    let (w, h) = pixels.dimensions();
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
                for (x, p) in c.as_raw()[3 * y * w..3 * (y + 1) * w]
                    .chunks_exact(3)
                    .enumerate()
                {
                    hist[x * 256 + luma(p).round().min(255.0) as usize] += 1;
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
    (0..w)
        .map(|x| {
            let mut win: Vec<f32> = raw[x.saturating_sub(2)..(x + 3).min(w)].to_vec();
            win.sort_by(f32::total_cmp);
            win[win.len() / 2]
        })
        .collect()
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
        let done = even_out(&mut p, Side::Left);
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
        assert_eq!(even_out(&mut p, Side::Left), Edges::default());
        let Pixels::Gray(g) = &p else { unreachable!() };
        assert_eq!(g, &page);
        // A light shading (under a tenth) is no spine shadow; a right
        // page's outer edge is its right one, where this page has paper.
        let page = left_page(0, 60, 0.93);
        let mut p = Pixels::Gray(page.clone());
        assert_eq!(even_out(&mut p, Side::Left), Edges::default());
        let mut p = Pixels::Gray(left_page(20, 0, 1.0));
        assert_eq!(even_out(&mut p, Side::Right).trimmed, 0);
    }

    #[test]
    fn a_single_page_has_its_spine_on_its_shaded_side() {
        let page = Pixels::Gray(left_page(0, 50, 0.5));
        assert_eq!(side_of_single_page(&page), Some(Side::Left));
        let turned = Pixels::Gray(image::imageops::flip_horizontal(&left_page(0, 50, 0.5)));
        assert_eq!(side_of_single_page(&turned), Some(Side::Right));
        let even = Pixels::Gray(left_page(0, 0, 1.0));
        assert_eq!(side_of_single_page(&even), None);
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
        assert_eq!(even_out(&mut p, Side::Left).trimmed, 0);
    }
}
