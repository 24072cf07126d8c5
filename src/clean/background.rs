//! Background (paper) normalisation: uneven grey or yellowed paper to white.
//!
//! The paper level is estimated on a coarse grid of blocks (a high
//! percentile of each block, so ink does not count), blocks that are far
//! darker than the page's paper (photos, solid ink, borders) are filled in
//! from their neighbours, the grid is smoothed and interpolated back to full
//! size, and each pixel is divided by it. This is the flat-field correction
//! of Leptonica's `pixBackgroundNorm` in spirit, done in O(pixels).

use crate::input::Dpi;
use image::{GrayImage, RgbImage};

/// Which percentile of a block stands for its paper.
const PAPER_PERCENTILE: f32 = 0.90;
/// Which percentile of a block shows print, when it holds some: a line
/// of body text inks 5–15% of the blocks it crosses.
const PRINT_PERCENTILE: f32 = 0.03;
/// A block is paper only when its median is within this fraction of its
/// paper percentile: text leaves most pixels at paper level, pictures and
/// dense ink do not (they are filled in from the paper around them).
const PAPER_SPREAD: f32 = 0.12;
/// Pixels within this fraction of the local paper level become pure white,
/// so paper grain and the estimate's small errors do not survive as grey.
const WHITE_POINT: f32 = 0.96;
/// A block whose paper is darker than this fraction of the page's paper is
/// not paper (a photo, a black border) and gets its neighbours' value.
/// Paper this dark is the deep part of a book's fold, which
/// [`connected_paper`] reaches step by step from the bright paper; a dark
/// area behind a sharp edge is not reached and is filled in.
const SHADOW_FRACTION: f32 = 0.30;

/// Flatten the background of a grey page so paper becomes 255.
pub fn normalize(gray: &GrayImage, dpi: Dpi) -> GrayImage {
    let mut out = gray.clone();
    normalize_in_place(&mut out, dpi);
    out
}

/// [`normalize`] over the page itself.
pub fn normalize_in_place(gray: &mut GrayImage, dpi: Dpi) {
    let block = block_size(dpi);
    let grid = block_percentiles_each(gray.as_raw(), 1, gray.dimensions(), block).swap_remove(0);
    let Some(known) = paper_blocks(&grid, Surfaces::Printed) else {
        // No paper anywhere (an all-dark page): leave levels as they are.
        return;
    };
    let field = Field::new(grid, known, gray.dimensions(), block);
    divide(std::slice::from_ref(&field), gray);
}

/// White-balance a colour page: each channel is divided by its own paper
/// level, so yellowed or tinted paper becomes neutral white while inks and
/// pictures keep their colours relative to it. Which blocks are paper is
/// decided once, on brightness, so a red picture is not mistaken for paper
/// in the red channel.
pub fn normalize_rgb(rgb: &RgbImage, dpi: Dpi) -> RgbImage {
    let mut out = rgb.clone();
    normalize_rgb_in_place(&mut out, dpi);
    out
}

/// [`normalize_rgb`] over the page itself, for a caller done with the
/// scan: no second page-sized buffer (the brightness that decides which
/// blocks are paper is worked out a band of blocks at a time).
pub fn normalize_rgb_in_place(rgb: &mut RgbImage, dpi: Dpi) {
    let block = block_size(dpi);
    let dims = rgb.dimensions();
    let grid = luma_block_percentiles(rgb, block);
    let Some(known) = paper_blocks(&grid, Surfaces::Bright) else {
        return;
    };
    let fields: Vec<Field> = block_percentiles_each(rgb.as_raw(), 3, dims, block)
        .into_iter()
        .map(|grid| Field::new(grid, known.clone(), dims, block))
        .collect();
    divide(&fields, rgb);
}

/// The block percentiles of `rgb`'s luma ([`crate::input::luma`]), from
/// one band of blocks' rows of it at a time: each band's blocks are
/// measured on their own rows only, so this is the grid of the whole
/// luma page.
fn luma_block_percentiles(rgb: &RgbImage, block: u32) -> Grid {
    let (w, h) = rgb.dimensions();
    let gw = w.div_ceil(block) as usize;
    let gh = h.div_ceil(block) as usize;
    let mut grid = Grid {
        values: Vec::with_capacity(gw * gh),
        medians: Vec::with_capacity(gw * gh),
        lows: Vec::with_capacity(gw * gh),
        gw,
        gh,
    };
    let band_bytes = (block * w * 3) as usize;
    let mut luma = Vec::with_capacity(band_bytes / 3);
    for band in rgb.as_raw().chunks(band_bytes.max(1)) {
        luma.clear();
        luma.extend(band.chunks_exact(3).map(crate::input::luma_of));
        let rows = (luma.len() / w as usize) as u32;
        let part = block_percentiles_each(&luma, 1, (w, rows), block).swap_remove(0);
        grid.values.extend(part.values);
        grid.medians.extend(part.medians);
        grid.lows.extend(part.lows);
    }
    grid
}

/// White-balance a colour page as a whole: each channel divided by its
/// paper level over the page (its [`PAPER_PERCENTILE`]), so tinted paper
/// turns neutral while light tints, a sky or a map's pale land keep their
/// tone, which the local [`normalize_rgb`] takes for paper.
pub fn balance_rgb(rgb: &RgbImage) -> RgbImage {
    let mut out = rgb.clone();
    balance_channels(&mut out, 3);
    out
}

/// [`balance_rgb`] on the page itself, for a caller done with the scan.
pub fn balance_rgb_in_place(rgb: &mut RgbImage) {
    balance_channels(rgb, 3);
}

/// [`balance`] on the page itself, for a caller done with the scan.
pub fn balance_in_place(gray: &mut GrayImage) {
    balance_channels(gray, 1);
}

/// [`balance_rgb`] for a grey page: paper to white by one factor over the
/// whole page, so a photo's light areas keep their tone.
pub fn balance(gray: &GrayImage) -> GrayImage {
    let mut out = gray.clone();
    balance_channels(&mut out, 1);
    out
}

/// Scale each of the `n` interleaved channels of `px` so its
/// [`PAPER_PERCENTILE`] (over the page) becomes white.
fn balance_channels(px: &mut [u8], n: usize) {
    let mut hist = vec![[0u32; 256]; n];
    for p in px.chunks_exact(n) {
        for (h, &v) in hist.iter_mut().zip(p) {
            h[v as usize] += 1;
        }
    }
    let total = (px.len() / n) as u32;
    // Each channel's scaling as a table of its 256 levels: the same
    // product per level, looked up instead of worked out per pixel.
    let tables: Vec<[u8; 256]> = hist
        .iter()
        .map(|h| {
            let s = 255.0 / (percentile(h, total, PAPER_PERCENTILE) * WHITE_POINT).max(1.0);
            std::array::from_fn(|v| (v as f32 * s).min(255.0) as u8)
        })
        .collect();
    for p in px.chunks_exact_mut(n) {
        for (v, t) in p.iter_mut().zip(&tables) {
            *v = t[*v as usize];
        }
    }
}

/// About 1/12 inch: larger than a stroke, smaller than lighting changes.
fn block_size(dpi: Dpi) -> u32 {
    ((dpi.x.max(dpi.y) / 12.0).round() as u32).clamp(8, 256)
}

/// Which paper surfaces are flattened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surfaces {
    /// The page's bright paper and what joins it smoothly: the colour page,
    /// where a tinted sheet or box keeps its tint.
    Bright,
    /// Also any large surface that holds print (a grey or coloured sheet
    /// scanned on a white canvas, a tinted panel of text): the grey page
    /// that is thresholded and read, where such a surface is paper.
    Printed,
}

/// Which blocks show paper: those not far darker than the page's typical
/// paper. `None` when no block does.
fn paper_blocks(grid: &Grid, surfaces: Surfaces) -> Option<Vec<bool>> {
    let mut sorted = grid.values.clone();
    sorted.sort_by(f32::total_cmp);
    let page_paper = sorted[(sorted.len() * 3) / 4].max(1.0);
    let known: Vec<bool> = grid
        .values
        .iter()
        .zip(&grid.medians)
        .map(|(&v, &m)| v >= page_paper * SHADOW_FRACTION && v - m <= v * PAPER_SPREAD)
        .collect();
    let mut paper = connected_paper(grid, &known, page_paper);
    if surfaces == Surfaces::Printed {
        add_printed_surfaces(grid, &known, &mut paper);
    }
    paper.iter().any(|&k| k).then_some(paper)
}

/// Seeds of the paper surface: blocks within this fraction of the page's
/// typical paper level.
const PAPER_SEED: f32 = 0.93;
/// Largest change in paper level between neighbouring blocks (1/12 inch
/// apart): lighting and yellowing change far more slowly than this; the
/// edge of a photograph or a tinted box changes faster.
const PAPER_STEP: f32 = 0.04;
/// Largest step between neighbouring blocks inside a shadow's ramp (a
/// book's fold, the shade along a bound edge): allowed where the level
/// keeps changing the same way it changed into the block, by at most
/// [`RAMP_GROWTH`] times as much. A photograph's frame is a step out of
/// flat paper, so it never continues a ramp.
const RAMP_STEP: f32 = 0.12;
/// How many times the step before it a ramp's step may be.
const RAMP_GROWTH: f32 = 3.0;

/// Paper is one smooth surface. Of the blocks that look like paper, keep
/// those joined to the page's bright paper by small steps between
/// neighbours, or by the growing steps of a shadow's ramp. A flat patch of
/// a photograph (sky, a wall, a light object) also looks like paper block
/// by block but sits behind a sharp edge; it is then filled in from the
/// paper around it instead of being whitened, so pictures keep their light
/// areas and are found as pictures.
fn connected_paper(grid: &Grid, known: &[bool], page_paper: f32) -> Vec<bool> {
    let v = &grid.values;
    let mut reached = vec![false; v.len()];
    let seeds: Vec<usize> = (0..v.len())
        .filter(|&i| known[i] && v[i] >= page_paper * PAPER_SEED)
        .collect();
    grow(grid, known, &mut reached, seeds);
    reached
}

/// Smallest printed surface taken for paper, as a share of the page's
/// blocks (a receipt on an A4 flatbed is about 8%).
const MIN_SURFACE: f32 = 0.04;
/// Share of a surface's blocks that must hold print (a mark
/// [`PRINT_CONTRAST`] darker than the block's paper): text, not a sky.
const MIN_PRINTED: f32 = 0.10;
/// How much darker than its block's paper a mark of print is.
const PRINT_CONTRAST: f32 = 0.4;

/// A surface that [`connected_paper`] did not reach, joined by the same
/// small steps and ramps, is paper too when it is large and much of it
/// holds print: a grey sheet on a white canvas, a tinted panel of text. A
/// sky or a wall in a photo is one smooth surface as well, but without
/// print in it.
fn add_printed_surfaces(grid: &Grid, known: &[bool], paper: &mut [bool]) {
    let n = grid.values.len();
    let printed = |i: usize| grid.lows[i] < grid.values[i] * (1.0 - PRINT_CONTRAST);
    let mut seen = paper.to_vec();
    for start in 0..n {
        if seen[start] || !known[start] {
            continue;
        }
        let surface = grow(grid, known, &mut seen, vec![start]);
        let print = surface.iter().filter(|&&i| printed(i)).count();
        if surface.len() as f32 >= MIN_SURFACE * n as f32
            && print as f32 >= MIN_PRINTED * surface.len() as f32
        {
            surface.iter().for_each(|&i| paper[i] = true);
        }
    }
}

/// Flood `reached` from `seeds` (marked reached) over `known` blocks, by
/// small steps or a ramp's steps (see [`connected_paper`]); the blocks it
/// reached, seeds included.
fn grow(grid: &Grid, known: &[bool], reached: &mut [bool], seeds: Vec<usize>) -> Vec<usize> {
    let (gw, gh, v) = (grid.gw, grid.gh, &grid.values);
    let mut stack = seeds;
    for &i in &stack {
        reached[i] = true;
    }
    let mut all = stack.clone();
    while let Some(i) = stack.pop() {
        let (x, y) = (i % gw, i / gw);
        // Each neighbour with the block behind `i` on the same line.
        let near = [
            (x > 0).then(|| (i - 1, (x + 1 < gw).then(|| i + 1))),
            (x + 1 < gw).then(|| (i + 1, (x > 0).then(|| i - 1))),
            (y > 0).then(|| (i - gw, (y + 1 < gh).then(|| i + gw))),
            (y + 1 < gh).then(|| (i + gw, (y > 0).then(|| i - gw))),
        ];
        for (j, behind) in near.into_iter().flatten() {
            if !known[j] || reached[j] {
                continue;
            }
            let step = v[j] - v[i];
            let ramp = behind.is_some_and(|k| {
                let before = v[i] - v[k];
                before * step > 0.0 && before.abs() * RAMP_GROWTH >= step.abs()
            });
            let limit = if ramp { RAMP_STEP } else { PAPER_STEP };
            if step.abs() <= v[i] * limit {
                reached[j] = true;
                stack.push(j);
                all.push(j);
            }
        }
    }
    all
}

/// Per-block paper levels.
struct Grid {
    values: Vec<f32>,
    /// Each block's median, to tell paper (mostly at its paper level) from
    /// pictures (spread over many levels).
    medians: Vec<f32>,
    /// Each block's darkest few percent: print in it, if any.
    lows: Vec<f32>,
    gw: usize,
    gh: usize,
}

/// The smoothed paper level over the page, interpolated between blocks.
struct Field {
    grid: Grid,
    block: u32,
    width: u32,
}

impl Field {
    fn new(mut grid: Grid, mut known: Vec<bool>, (width, _): (u32, u32), block: u32) -> Self {
        fill_unknown(&mut grid.values, &mut known, grid.gw, grid.gh);
        grid.values = smooth(&grid.values, grid.gw, grid.gh);
        Field { grid, block, width }
    }
}

/// Divide each channel of an interleaved image (as many samples per pixel
/// as `fields`, all of the same page) by its field's paper level, so paper
/// maps to 255: one pass over the pixels for all channels.
fn divide(fields: &[Field], img: &mut [u8]) {
    let channels = fields.len();
    let Some(first) = fields.first() else {
        return;
    };
    let (gw, gh) = (first.grid.gw, first.grid.gh);
    let w = first.width as usize;
    let block = first.block as f32;
    // Bilinear interpolation between block centres: the horizontal
    // position of every column is the same on every row, so it is
    // computed once; each row then blends two rows of block scales.
    let centre = |i: usize, n: usize| ((i as f32 + 0.5) / block - 0.5).clamp(0.0, (n - 1) as f32);
    let cols: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let fx = centre(x, gw);
            let x0 = fx.floor() as usize;
            (x0, (x0 + 1).min(gw - 1), fx - fx.floor())
        })
        .collect();
    let mut blocks = vec![0f32; gw * channels];
    for (y, row) in img.chunks_exact_mut(w * channels).enumerate() {
        let fy = centre(y, gh);
        let (y0, ty) = (fy.floor() as usize, fy - fy.floor());
        let y1 = (y0 + 1).min(gh - 1);
        for (f, blocks) in fields.iter().zip(blocks.chunks_exact_mut(gw)) {
            let grid = &f.grid.values;
            for (bx, b) in blocks.iter_mut().enumerate() {
                let bg = grid[y0 * gw + bx] * (1.0 - ty) + grid[y1 * gw + bx] * ty;
                *b = 255.0 / (bg * WHITE_POINT).max(1.0);
            }
        }
        for (px, &(x0, x1, tx)) in row.chunks_exact_mut(channels).zip(&cols) {
            for (v, blocks) in px.iter_mut().zip(blocks.chunks_exact(gw)) {
                let scale = blocks[x0] + (blocks[x1] - blocks[x0]) * tx;
                *v = (*v as f32 * scale).min(255.0) as u8;
            }
        }
    }
}

/// The paper percentile of each block of channel `c` of an interleaved
/// image with `channels` samples per pixel.
#[cfg(test)]
fn block_percentiles(raw: &[u8], channels: usize, c: usize, dims: (u32, u32), block: u32) -> Grid {
    block_percentiles_each(raw, channels, dims, block).swap_remove(c)
}

/// The paper percentiles of each block of every channel of an interleaved
/// image with `channels` samples per pixel, in one pass over it.
fn block_percentiles_each(
    raw: &[u8],
    channels: usize,
    (w, h): (u32, u32),
    block: u32,
) -> Vec<Grid> {
    let gw = w.div_ceil(block) as usize;
    let gh = h.div_ceil(block) as usize;
    // Each block column's histograms, a channel after another.
    let mut hist = vec![[0u32; 256]; gw * channels];
    let mut grids: Vec<Grid> = (0..channels)
        .map(|_| Grid {
            values: vec![0f32; gw * gh],
            medians: vec![0f32; gw * gh],
            lows: vec![0f32; gw * gh],
            gw,
            gh,
        })
        .collect();
    let span = block as usize * channels;
    for by in 0..gh {
        hist.iter_mut().for_each(|hh| *hh = [0; 256]);
        let y_end = ((by as u32 + 1) * block).min(h);
        for y in by as u32 * block..y_end {
            let row = &raw[(y * w) as usize * channels..((y + 1) * w) as usize * channels];
            for (hh, part) in hist.chunks_exact_mut(channels).zip(row.chunks(span)) {
                if let [h0] = hh {
                    part.iter().for_each(|&v| h0[v as usize] += 1);
                } else {
                    for px in part.chunks_exact(channels) {
                        for (hc, &v) in hh.iter_mut().zip(px) {
                            hc[v as usize] += 1;
                        }
                    }
                }
            }
        }
        for (bx, hh) in hist.chunks_exact(channels).enumerate() {
            for (g, hc) in grids.iter_mut().zip(hh) {
                let [low, median, paper] =
                    percentiles(hc, [PRINT_PERCENTILE, 0.5, PAPER_PERCENTILE]);
                g.values[by * gw + bx] = paper;
                g.medians[by * gw + bx] = median;
                g.lows[by * gw + bx] = low;
            }
        }
    }
    grids
}

/// [`percentile`] at each of `ps` (in increasing order), in one pass.
fn percentiles<const N: usize>(hist: &[u32; 256], ps: [f32; N]) -> [f32; N] {
    let total: u32 = hist.iter().sum();
    let mut out = [255.0; N];
    let mut next = 0;
    let mut acc = 0;
    for (v, &count) in hist.iter().enumerate() {
        acc += count;
        while next < N && acc > (total as f32 * ps[next]) as u32 {
            out[next] = v as f32;
            next += 1;
        }
        if next == N {
            break;
        }
    }
    out
}

fn percentile(hist: &[u32; 256], total: u32, p: f32) -> f32 {
    let target = (total as f32 * p) as u32;
    let mut acc = 0;
    for (v, &count) in hist.iter().enumerate() {
        acc += count;
        if acc > target {
            return v as f32;
        }
    }
    255.0
}

/// Fill blocks that are not paper from known neighbours, growing outwards.
fn fill_unknown(grid: &mut [f32], known: &mut [bool], gw: usize, gh: usize) {
    while known.iter().any(|&k| !k) {
        let snapshot = known.to_vec();
        for y in 0..gh {
            for x in 0..gw {
                if snapshot[y * gw + x] {
                    continue;
                }
                let (mut sum, mut n) = (0.0, 0);
                for (dx, dy) in [
                    (-1i64, 0i64),
                    (1, 0),
                    (0, -1),
                    (0, 1),
                    (-1, -1),
                    (1, 1),
                    (-1, 1),
                    (1, -1),
                ] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx >= 0
                        && ny >= 0
                        && (nx as usize) < gw
                        && (ny as usize) < gh
                        && snapshot[ny as usize * gw + nx as usize]
                    {
                        sum += grid[ny as usize * gw + nx as usize];
                        n += 1;
                    }
                }
                if n > 0 {
                    grid[y * gw + x] = sum / n as f32;
                    known[y * gw + x] = true;
                }
            }
        }
    }
}

/// A 3×3 mean over the grid, so block edges do not show as steps.
fn smooth(grid: &[f32], gw: usize, gh: usize) -> Vec<f32> {
    let mut out = vec![0f32; grid.len()];
    for y in 0..gh {
        for x in 0..gw {
            let (mut sum, mut n) = (0.0, 0.0);
            for ny in y.saturating_sub(1)..=(y + 1).min(gh - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(gw - 1) {
                    sum += grid[ny * gw + nx];
                    n += 1.0;
                }
            }
            out[y * gw + x] = sum / n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_paper_becomes_white_and_ink_stays_dark() {
        // Paper fading from 230 to 150 left to right, with an ink bar at 40% of paper.
        let img = GrayImage::from_fn(600, 300, |x, y| {
            let paper = 230.0 - 80.0 * x as f32 / 600.0;
            let ink = (140..160).contains(&y) && x % 100 < 50;
            image::Luma([if ink {
                (paper * 0.4) as u8
            } else {
                paper as u8
            }])
        });
        let out = normalize(&img, Dpi::uniform(300.0));
        for x in [10, 310, 520] {
            assert!(
                out.get_pixel(x, 20).0[0] >= 250,
                "paper at x={x}: {}",
                out.get_pixel(x, 20).0[0]
            );
            assert!(
                out.get_pixel(x, 150).0[0] <= 110,
                "ink at x={x}: {}",
                out.get_pixel(x, 150).0[0]
            );
        }
    }

    #[test]
    fn yellow_paper_becomes_neutral_white_and_colours_stay() {
        // Yellowed paper (240, 225, 170) with a blue square of ink on it.
        let img = RgbImage::from_fn(400, 400, |x, y| {
            let blue = (150..250).contains(&x) && (150..250).contains(&y);
            image::Rgb(if blue { [48, 45, 136] } else { [240, 225, 170] })
        });
        let out = normalize_rgb(&img, Dpi::uniform(300.0));
        assert_eq!(out.get_pixel(20, 20).0, [255, 255, 255]);
        let [r, g, b] = out.get_pixel(200, 200).0;
        assert!(b > r + 80 && b > g + 80, "blue kept: {r} {g} {b}");
    }

    #[test]
    fn flat_light_patch_behind_an_edge_is_not_taken_for_paper() {
        // Paper at 240 with a flat light-grey patch (190) — a photo's sky —
        // and the paper itself fading to 200 smoothly towards the right.
        let img = GrayImage::from_fn(900, 600, |x, y| {
            let paper = 240.0 - 40.0 * x as f32 / 900.0;
            let patch = (150..450).contains(&x) && (150..450).contains(&y);
            image::Luma([if patch { 190 } else { paper as u8 }])
        });
        let out = normalize(&img, Dpi::uniform(300.0));
        assert!(out.get_pixel(880, 20).0[0] >= 250, "faded paper whitened");
        let patch = out.get_pixel(300, 300).0[0];
        assert!((200..=225).contains(&patch), "patch kept in tone: {patch}");
    }

    #[test]
    fn all_black_page_is_left_alone() {
        let img = GrayImage::new(100, 100);
        assert_eq!(normalize(&img, Dpi::uniform(300.0)), img);
    }
}

/// Block histograms, the interpolated division and the flood fill over
/// paper blocks, against their definitions computed directly.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// A grey image as 1 or 3 interleaved channels (the others derived
    /// from it, so channels differ).
    fn interleaved(gray: &GrayImage, channels: usize) -> Vec<u8> {
        gray.as_raw()
            .iter()
            .flat_map(|&v| [v, 255 - v, v / 2].into_iter().take(channels))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The luma blocks measured a band at a time are those of the
        /// whole luma page, so the colour page is whitened as before.
        #[test]
        fn luma_blocks_by_bands_are_the_pages(gray in testing::gray(), block in 1u32..=45) {
            let (w, h) = gray.dimensions();
            let rgb = RgbImage::from_raw(w, h, interleaved(&gray, 3)).expect("w × h pixels");
            let whole = block_percentiles_each(crate::input::luma(&rgb).as_raw(), 1, (w, h), block)
                .swap_remove(0);
            let bands = luma_block_percentiles(&rgb, block);
            prop_assert_eq!((bands.gw, bands.gh), (whole.gw, whole.gh));
            prop_assert_eq!(&bands.values, &whole.values);
            prop_assert_eq!(&bands.medians, &whole.medians);
            prop_assert_eq!(&bands.lows, &whole.lows);
        }

        /// Each block's percentiles from its histogram are the values at
        /// those ranks of its sorted samples.
        #[test]
        fn block_percentiles_are_ranks_of_the_sorted_block(
            gray in testing::gray(),
            channels in prop_oneof![Just(1usize), Just(3)],
            c in 0usize..3,
            block in 1u32..=45,
        ) {
            let c = c % channels;
            let (w, h) = gray.dimensions();
            let raw = interleaved(&gray, channels);
            let grid = block_percentiles(&raw, channels, c, (w, h), block);
            let (gw, gh) = (w.div_ceil(block) as usize, h.div_ceil(block) as usize);
            prop_assert_eq!((grid.gw, grid.gh), (gw, gh));
            for by in 0..gh {
                for bx in 0..gw {
                    let mut samples: Vec<u8> = (0..h)
                        .filter(|&y| y / block == by as u32)
                        .flat_map(|y| (0..w).filter(|&x| x / block == bx as u32).map(move |x| (x, y)))
                        .map(|(x, y)| raw[(y * w + x) as usize * channels + c])
                        .collect();
                    samples.sort_unstable();
                    let rank = |p: f32| {
                        let target = (samples.len() as f32 * p) as usize;
                        samples.get(target).map_or(255.0, |&v| f32::from(v))
                    };
                    let i = by * gw + bx;
                    prop_assert_eq!(grid.values[i], rank(PAPER_PERCENTILE), "block {},{}", bx, by);
                    prop_assert_eq!(grid.medians[i], rank(0.5), "block {},{}", bx, by);
                }
            }
        }

        /// The division, with column weights computed once and block scales
        /// once per row, equals the bilinear scale worked out at each pixel.
        #[test]
        fn division_matches_per_pixel_interpolation(
            gray in testing::gray(),
            block in 1u32..=45,
        ) {
            let (w, h) = gray.dimensions();
            let grid = block_percentiles(gray.as_raw(), 1, 0, (w, h), block);
            let Some(known) = paper_blocks(&grid, Surfaces::Printed) else {
                return Ok(());
            };
            let field = Field::new(grid, known, (w, h), block);
            let mut fast = gray.clone();
            divide(std::slice::from_ref(&field), &mut fast);
            let (gw, gh, v) = (field.grid.gw, field.grid.gh, &field.grid.values);
            let b = block as f32;
            // Position between block centres: lower block and weight.
            let between = |i: u32, n: usize| {
                let f = ((i as f32 + 0.5) / b - 0.5).clamp(0.0, (n - 1) as f32);
                let lo = f.floor() as usize;
                (lo, (lo + 1).min(n - 1), f - f.floor())
            };
            for y in 0..h {
                let (y0, y1, ty) = between(y, gh);
                let scale = |bx: usize| {
                    let paper = v[y0 * gw + bx] * (1.0 - ty) + v[y1 * gw + bx] * ty;
                    255.0 / (paper * WHITE_POINT).max(1.0)
                };
                for x in 0..w {
                    let (x0, x1, tx) = between(x, gw);
                    let s = scale(x0) + (scale(x1) - scale(x0)) * tx;
                    let want = (f32::from(gray.get_pixel(x, y).0[0]) * s).min(255.0) as u8;
                    prop_assert_eq!(fast.get_pixel(x, y).0[0], want, "pixel {},{}", x, y);
                }
            }
        }

        /// The flood fill from bright paper reaches exactly the blocks that
        /// repeated passes of "next to a reached block by a small step, or
        /// by a ramp's step" reach.
        #[test]
        fn connected_paper_is_the_closure_of_small_steps_and_ramps(
            ((gw, gh), values, known) in (1usize..=12, 1usize..=12).prop_flat_map(|(gw, gh)| {
                let n = gw * gh;
                // Levels a few steps apart, so steps near the limit occur.
                (Just((gw, gh)), vec((150u8..=255).prop_map(f32::from), n), vec(any::<bool>(), n))
            }),
            page_paper in 150f32..=255.0,
        ) {
            let grid = Grid {
                values: values.clone(),
                medians: values.clone(),
                lows: values.clone(),
                gw,
                gh,
            };
            let fast = connected_paper(&grid, &known, page_paper);
            let mut reached: Vec<bool> = (0..gw * gh)
                .map(|i| known[i] && values[i] >= page_paper * PAPER_SEED)
                .collect();
            loop {
                let mut grew = false;
                for i in 0..gw * gh {
                    for j in 0..gw * gh {
                        let (xi, yi, xj, yj) = (i % gw, i / gw, j % gw, j / gw);
                        let beside = xi.abs_diff(xj) + yi.abs_diff(yj) == 1;
                        // The block on the far side of `i` from `j`.
                        let (xk, yk) = ((2 * xi).wrapping_sub(xj), (2 * yi).wrapping_sub(yj));
                        let before = (xk < gw && yk < gh).then(|| values[i] - values[yk * gw + xk]);
                        let change = values[j] - values[i];
                        let ramp = before.is_some_and(|b| {
                            b.signum() == change.signum() && b != 0.0 && change != 0.0
                                && b.abs() * RAMP_GROWTH >= change.abs()
                        });
                        let limit = if ramp { RAMP_STEP } else { PAPER_STEP };
                        let step = change.abs() <= values[i] * limit;
                        if reached[i] && !reached[j] && beside && known[j] && step {
                            reached[j] = true;
                            grew = true;
                        }
                    }
                }
                if !grew {
                    break;
                }
            }
            prop_assert_eq!(fast, reached);
        }
    }
}
