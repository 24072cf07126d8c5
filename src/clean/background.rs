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
/// A block is paper only when its median is within this fraction of its
/// paper percentile: text leaves most pixels at paper level, pictures and
/// dense ink do not (they are filled in from the paper around them).
const PAPER_SPREAD: f32 = 0.12;
/// Pixels within this fraction of the local paper level become pure white,
/// so paper grain and the estimate's small errors do not survive as grey.
const WHITE_POINT: f32 = 0.96;
/// A block whose paper is darker than this fraction of the page's paper is
/// not paper (a photo, a black border) and gets its neighbours' value.
const NOT_PAPER_FRACTION: f32 = 0.55;

/// Flatten the background of a grey page so paper becomes 255.
pub fn normalize(gray: &GrayImage, dpi: Dpi) -> GrayImage {
    let block = block_size(dpi);
    let grid = block_percentiles(gray.as_raw(), 1, 0, gray.dimensions(), block);
    let Some(known) = paper_blocks(&grid) else {
        // No paper anywhere (an all-dark page): leave levels as they are.
        return gray.clone();
    };
    let field = Field::new(grid, known, gray.dimensions(), block);
    let mut out = gray.clone();
    field.divide(&mut out, 1, 0);
    out
}

/// White-balance a colour page: each channel is divided by its own paper
/// level, so yellowed or tinted paper becomes neutral white while inks and
/// pictures keep their colours relative to it. Which blocks are paper is
/// decided once, on brightness, so a red picture is not mistaken for paper
/// in the red channel.
pub fn normalize_rgb(rgb: &RgbImage, dpi: Dpi) -> RgbImage {
    let block = block_size(dpi);
    let dims = rgb.dimensions();
    let luma = crate::input::luma(rgb);
    let Some(known) = paper_blocks(&block_percentiles(luma.as_raw(), 1, 0, dims, block)) else {
        return rgb.clone();
    };
    let mut out = rgb.clone();
    for c in 0..3 {
        let grid = block_percentiles(rgb.as_raw(), 3, c, dims, block);
        Field::new(grid, known.clone(), dims, block).divide(&mut out, 3, c);
    }
    out
}

/// About 1/12 inch: larger than a stroke, smaller than lighting changes.
fn block_size(dpi: Dpi) -> u32 {
    ((dpi.x.max(dpi.y) / 12.0).round() as u32).clamp(8, 256)
}

/// Which blocks show paper: those not far darker than the page's typical
/// paper. `None` when no block does.
fn paper_blocks(grid: &Grid) -> Option<Vec<bool>> {
    let mut sorted = grid.values.clone();
    sorted.sort_by(f32::total_cmp);
    let page_paper = sorted[(sorted.len() * 3) / 4].max(1.0);
    let known: Vec<bool> = grid
        .values
        .iter()
        .zip(&grid.medians)
        .map(|(&v, &m)| v >= page_paper * NOT_PAPER_FRACTION && v - m <= v * PAPER_SPREAD)
        .collect();
    let known = connected_paper(grid, &known, page_paper);
    known.iter().any(|&k| k).then_some(known)
}

/// Seeds of the paper surface: blocks within this fraction of the page's
/// typical paper level.
const PAPER_SEED: f32 = 0.93;
/// Largest change in paper level between neighbouring blocks (1/12 inch
/// apart): lighting and yellowing change far more slowly than this; the
/// edge of a photograph or a tinted box changes faster.
const PAPER_STEP: f32 = 0.04;

/// Paper is one smooth surface. Of the blocks that look like paper, keep
/// those joined to the page's bright paper by small steps between
/// neighbours. A flat patch of a photograph (sky, a wall, a light object)
/// also looks like paper block by block but sits behind a sharp edge; it
/// is then filled in from the paper around it instead of being whitened,
/// so pictures keep their light areas and are found as pictures.
fn connected_paper(grid: &Grid, known: &[bool], page_paper: f32) -> Vec<bool> {
    let (gw, gh, v) = (grid.gw, grid.gh, &grid.values);
    let mut reached = vec![false; v.len()];
    let mut stack: Vec<usize> = (0..v.len())
        .filter(|&i| known[i] && v[i] >= page_paper * PAPER_SEED)
        .collect();
    for &i in &stack {
        reached[i] = true;
    }
    while let Some(i) = stack.pop() {
        let (x, y) = (i % gw, i / gw);
        let near = [
            (x > 0).then(|| i - 1),
            (x + 1 < gw).then(|| i + 1),
            (y > 0).then(|| i - gw),
            (y + 1 < gh).then(|| i + gw),
        ];
        for j in near.into_iter().flatten() {
            if known[j] && !reached[j] && (v[j] - v[i]).abs() <= v[i] * PAPER_STEP {
                reached[j] = true;
                stack.push(j);
            }
        }
    }
    reached
}

/// Per-block paper levels.
struct Grid {
    values: Vec<f32>,
    /// Each block's median, to tell paper (mostly at its paper level) from
    /// pictures (spread over many levels).
    medians: Vec<f32>,
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

    /// Divide channel `c` of an interleaved image with `channels` samples
    /// per pixel by the paper level, so paper maps to 255.
    fn divide(&self, img: &mut [u8], channels: usize, c: usize) {
        let (gw, gh, grid) = (self.grid.gw, self.grid.gh, &self.grid.values);
        let w = self.width as usize;
        let block = self.block as f32;
        // Bilinear interpolation between block centres: the horizontal
        // position of every column is the same on every row, so it is
        // computed once; each row then blends two rows of block scales.
        let centre =
            |i: usize, n: usize| ((i as f32 + 0.5) / block - 0.5).clamp(0.0, (n - 1) as f32);
        let cols: Vec<(usize, f32)> = (0..w)
            .map(|x| {
                let fx = centre(x, gw);
                (fx.floor() as usize, fx - fx.floor())
            })
            .collect();
        let mut blocks = vec![0f32; gw];
        for (y, row) in img.chunks_exact_mut(w * channels).enumerate() {
            let fy = centre(y, gh);
            let (y0, ty) = (fy.floor() as usize, fy - fy.floor());
            let y1 = (y0 + 1).min(gh - 1);
            for (bx, b) in blocks.iter_mut().enumerate() {
                let bg = grid[y0 * gw + bx] * (1.0 - ty) + grid[y1 * gw + bx] * ty;
                *b = 255.0 / (bg * WHITE_POINT).max(1.0);
            }
            for (px, &(x0, tx)) in row.chunks_exact_mut(channels).zip(&cols) {
                let x1 = (x0 + 1).min(gw - 1);
                let scale = blocks[x0] + (blocks[x1] - blocks[x0]) * tx;
                px[c] = (px[c] as f32 * scale).min(255.0) as u8;
            }
        }
    }
}

/// The paper percentile of each block of channel `c` of an interleaved
/// image with `channels` samples per pixel.
fn block_percentiles(
    raw: &[u8],
    channels: usize,
    c: usize,
    (w, h): (u32, u32),
    block: u32,
) -> Grid {
    let gw = w.div_ceil(block) as usize;
    let gh = h.div_ceil(block) as usize;
    let mut hist = vec![[0u32; 256]; gw];
    let mut values = vec![0f32; gw * gh];
    let mut medians = vec![0f32; gw * gh];
    for by in 0..gh {
        hist.iter_mut().for_each(|hh| *hh = [0; 256]);
        let y_end = ((by as u32 + 1) * block).min(h);
        for y in by as u32 * block..y_end {
            let row = &raw[(y * w) as usize * channels..((y + 1) * w) as usize * channels];
            for (x, px) in row.chunks_exact(channels).enumerate() {
                hist[x / block as usize][px[c] as usize] += 1;
            }
        }
        for (bx, hh) in hist.iter().enumerate() {
            let total: u32 = hh.iter().sum();
            values[by * gw + bx] = percentile(hh, total, PAPER_PERCENTILE);
            medians[by * gw + bx] = percentile(hh, total, 0.5);
        }
    }
    Grid {
        values,
        medians,
        gw,
        gh,
    }
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
