//! Colour layers of a page whose ink or marks carry colour: mixed raster
//! content (MRC, ITU-T T.44), as DjVu and the Internet Archive's
//! `recode_pdf` store scans.
//!
//! The page is split into three layers over the same area:
//! - the **mask**: the full-resolution bilevel text image, unchanged (it is
//!   `CleanPage::bits`, stored as JBIG2/G4);
//! - the **foreground**: the ink's colour at low resolution; painted only
//!   where the mask has ink, so its softness never shows at stroke edges;
//! - the **background**: the paper's colour (tints, highlighter, coloured
//!   boxes) at low resolution, with the pixels under and next to the ink
//!   filled in from their surroundings, so no ghost of the text stays in it.
//!
//! Each layer cell holds the mean colour of the scan pixels that belong to
//! it (ink cores for the foreground, paper away from ink for the
//! background); cells with no such pixel are filled by push-pull
//! interpolation (Gortler et al., "The Lumigraph", SIGGRAPH 1996), which
//! keeps the layers smooth, and so cheap for JPEG, where nothing is shown.
//!
//! Whether a page needs colour is measured, not guessed: the CIELAB chroma
//! (CIE 15:2004) of the mean ink colour per foreground cell and of the
//! filled paper colour per background cell, after white balance. Tinted
//! paper counts only over an area (a morphological opening of the tinted
//! cells), so stain rings, a photo's rim and colour fringes do not. A page
//! of black text on (white-balanced) paper has neither and stays a plain
//! text page. On a layered page neutral ink is drawn black and untinted
//! paper white, as the text page draws them: only colour is added.

use super::bits::{BitImage, INK};
use crate::input::Dpi;
use crate::rect::Rect;
use image::{Rgb, RgbImage};

/// Resolution of the foreground (ink colour). One colour per 1/50 inch is
/// finer than any two differently coloured strokes sit apart in paperwork,
/// and 1/6 of a 300-dpi scan costs 1/36 of its pixels.
pub const FOREGROUND_DPI: f32 = 50.0;
/// Resolution of the background (paper tints, highlighter, boxes): their
/// edges stay within 1/100 inch; 1/3 of a 300-dpi scan.
pub const BACKGROUND_DPI: f32 = 100.0;

/// CIELAB chroma (C*ab) above which a cell's mean ink colour counts as
/// coloured. Black and grey inks scanned in colour stay below ~8 after
/// averaging; the palest coloured pens reach 30 and more.
const INK_CHROMA: f32 = 20.0;
/// Share of the page's ink (in cells weighted by their ink pixels) that
/// must be coloured for the page to get colour layers: a signature or a
/// stamp on a page of text is more than 1%; colour fringes of a JPEG scan
/// around black letters are far below.
const MIN_COLOURED_INK: f32 = 0.005;
/// Least coloured ink for colour layers, in square inches: a short word
/// in a coloured pen; fewer coloured pixels are specks and fringes.
const MIN_COLOURED_INK_IN2: f32 = 0.01;
/// CIELAB chroma above which a cell of paper counts as tinted. Paper after
/// white balance is below ~4; pale tinted boxes are 8–15; highlighters 40+.
const PAPER_CHROMA: f32 = 7.0;
/// Share of the page's background cells (outside pictures) that must be
/// tinted: a highlighted phrase is about 0.3% of a page.
const MIN_TINTED_PAPER: f32 = 0.002;
/// Tinted paper narrower than this (inches) is not a tint but a stain's
/// ring, a photo's rim or a colour fringe: a highlighter band is 1/5 inch.
const TINT_MIN_IN: f32 = 0.05;
/// Margin around picture regions left out of the layers (inches): one
/// cell of the picture detector (`super::content` works in cells of 1/10
/// in, and a photo's edge can fall anywhere in the cell before its
/// region), so a photo's rim is not taken for coloured ink.
const PICTURE_RIM_IN: f32 = 0.1;
/// Paper pixels closer than this to ink (in pixels at 300 dpi, scaled) are
/// left out of the background: their colour is part ink (anti-aliasing,
/// blur) and would draw a halo, a ghost of the text.
const INK_HALO_IN: f32 = 2.0 / 300.0;
/// Largest cell side in pixels (a layer at 50 dpi of a 200,000-dpi scan):
/// [`Cells`] sums 8-bit samples of at most this squared in 32 bits.
const MAX_CELL: u32 = 4096;

/// Channel spread (max − min, after a white balance by the page's paper
/// colour) from which a sampled pixel may be colour: below the spread of
/// the palest tint the layers keep (C*ab [`PAPER_CHROMA`], 14 and more)
/// and above a clean scan's colour noise on white paper (3–6).
const NEUTRAL_SPREAD: u8 = 10;
/// The page's paper colour: this percentile of each channel's samples.
const PAPER_PERCENTILE: f32 = 0.9;

/// Whether colour layers could be found on `rgb` (as decoded, `dpi` its
/// resolution): false when fewer sampled pixels ([`PaperBalance`]) show
/// any colour than a quarter of the least coloured ink
/// [`separate`] keeps ([`MIN_COLOURED_INK_IN2`]) would, so a page scanned
/// in colour that holds none skips the white balance and the layers, a
/// few passes over the page, for one quarter of one. The samples are
/// balanced by the page's paper colour, not locally: a yellowed sheet
/// shows no colour, local balance could only make chroma smaller than
/// the spread a neutral page leaves, and a page with colour or tints
/// anywhere has many such pixels.
pub(crate) fn may_have(rgb: &RgbImage, dpi: Dpi) -> bool {
    let balance = PaperBalance::of(rgb);
    let least = (MIN_COLOURED_INK_IN2 * dpi.x * dpi.y / 4.0 / 4.0).max(1.0) as usize;
    balance
        .samples(rgb)
        .filter(|b| b.iter().max().unwrap_or(&0) - b.iter().min().unwrap_or(&0) > NEUTRAL_SPREAD)
        .nth(least - 1)
        .is_some()
}

/// A page's colours divided by its paper colour (each channel's
/// [`PAPER_PERCENTILE`]): a quick white balance for the tests that decide
/// whether a page's colour is worth looking at ([`may_have`],
/// `light_ink::may_have`), taken on a sample of every other pixel of
/// every other row.
pub(crate) struct PaperBalance {
    scale: [[u8; 256]; 3],
}

impl PaperBalance {
    pub(crate) fn of(rgb: &RgbImage) -> Self {
        let mut hist = [[0u32; 256]; 3];
        let mut n = 0u32;
        for p in raw_samples(rgb) {
            for c in 0..3 {
                hist[c][p[c] as usize] += 1;
            }
            n += 1;
        }
        let target = (n as f32 * PAPER_PERCENTILE) as u32;
        let paper = hist.map(|hh| {
            let mut seen = 0;
            let level = hh.iter().position(|&k| {
                seen += k;
                seen > target
            });
            level.unwrap_or(255).max(1) as u32
        });
        PaperBalance {
            scale: paper.map(|p| std::array::from_fn(|v| (v as u32 * 255 / p).min(255) as u8)),
        }
    }

    /// The sampled pixels of `rgb`, balanced.
    pub(crate) fn samples<'a>(&'a self, rgb: &'a RgbImage) -> impl Iterator<Item = [u8; 3]> + 'a {
        raw_samples(rgb).map(|p| std::array::from_fn(|c| self.scale[c][p[c] as usize]))
    }
}

/// Every other pixel of every other row of `rgb`.
fn raw_samples(rgb: &RgbImage) -> impl Iterator<Item = &[u8]> {
    let w = rgb.width() as usize * 3;
    rgb.as_raw()
        .chunks_exact(w)
        .step_by(2)
        .flat_map(|row| row.chunks_exact(3).step_by(2))
}

/// The colour layers of a mixed page. The mask is the page's `bits`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    /// Ink colour, one pixel per `fg_cell` × `fg_cell` page pixels.
    pub foreground: RgbImage,
    /// Paper colour, one pixel per `bg_cell` × `bg_cell` page pixels.
    pub background: RgbImage,
    /// Page pixels per foreground pixel along each side.
    pub fg_cell: u32,
    /// Page pixels per background pixel along each side.
    pub bg_cell: u32,
}

impl Layers {
    /// The page as the PDF shows it, at full resolution: the background,
    /// with the foreground's colour where `mask` has ink (nearest cell: a
    /// viewer may interpolate, which only softens the layers' steps).
    pub fn compose(&self, mask: &BitImage) -> RgbImage {
        let (w, h) = mask.dimensions();
        let mut out = RgbImage::new(w, h);
        let mut row = Vec::new();
        for (y, dst) in out.chunks_exact_mut(w as usize * 3).enumerate() {
            self.compose_row(mask, y as u32, &mut row);
            for (d, p) in dst.chunks_exact_mut(3).zip(&row) {
                d.copy_from_slice(p);
            }
        }
        out
    }

    /// Row `y` of [`Self::compose`] into `out` (one colour per pixel).
    pub(crate) fn compose_row(&self, mask: &BitImage, y: u32, out: &mut Vec<[u8; 3]>) {
        fn layer_row(img: &RgbImage, c: u32, y: u32) -> &[u8] {
            let ly = (y / c).min(img.height() - 1) as usize;
            let lw = img.width() as usize;
            &img.as_raw()[ly * lw * 3..(ly + 1) * lw * 3]
        }
        let (fg, bg) = (
            layer_row(&self.foreground, self.fg_cell, y),
            layer_row(&self.background, self.bg_cell, y),
        );
        let at = |layer: &[u8], c: u32, x: usize| {
            let lx = (x / c as usize).min(layer.len() / 3 - 1) * 3;
            [layer[lx], layer[lx + 1], layer[lx + 2]]
        };
        out.clear();
        out.extend(mask.row(y).iter().enumerate().map(|(x, &b)| {
            if b == super::bits::INK {
                at(fg, self.fg_cell, x)
            } else {
                at(bg, self.bg_cell, x)
            }
        }));
    }
}

/// Split a cleaned colour page into foreground and background layers for
/// `bits` (its mask); `None` when the page's ink and paper carry no colour
/// (it stays a text page). `colour` is the white-balanced, deskewed page
/// aligned with `bits`; `pictures` are stored on their own and left out.
pub fn separate(colour: &RgbImage, bits: &BitImage, pictures: &[Rect], dpi: Dpi) -> Option<Layers> {
    let (w, h) = colour.dimensions();
    if (w, h) != (bits.width(), bits.height()) || w == 0 || h == 0 {
        return None;
    }
    let res = dpi.x.min(dpi.y).max(1.0);
    let fg_cell = ((res / FOREGROUND_DPI).round() as u32).clamp(1, MAX_CELL);
    let bg_cell = ((res / BACKGROUND_DPI).round() as u32).clamp(1, MAX_CELL);
    // Cells of up to 16 × 16 pixels sum in 16 bits (half the memory).
    let small = |cell: u32| cell <= MAX_SMALL_CELL;
    let cells = Cellsizes {
        fg_cell,
        bg_cell,
        res,
    };
    match (small(fg_cell), small(bg_cell)) {
        (true, true) => separate_in::<u16, u16>(colour, bits, pictures, cells),
        (true, false) => separate_in::<u16, u32>(colour, bits, pictures, cells),
        (false, true) => separate_in::<u32, u16>(colour, bits, pictures, cells),
        (false, false) => separate_in::<u32, u32>(colour, bits, pictures, cells),
    }
}

/// The cell sides [`separate`] works with, and the resolution they are
/// from.
#[derive(Clone, Copy)]
struct Cellsizes {
    fg_cell: u32,
    bg_cell: u32,
    res: f32,
}

/// Largest cell side whose sums of 8-bit samples fit 16 bits (16² · 255 <
/// 2¹⁶).
const MAX_SMALL_CELL: u32 = 16;

/// [`separate`] with foreground cells summed in `F`, background cells in
/// `B`.
fn separate_in<F: Sum, B: Sum>(
    colour: &RgbImage,
    bits: &BitImage,
    pictures: &[Rect],
    cells: Cellsizes,
) -> Option<Layers> {
    let (w, h) = colour.dimensions();
    let Cellsizes {
        fg_cell,
        bg_cell,
        res,
    } = cells;
    // A picture's region can end a few pixels inside the picture: its
    // rim is the picture's too, not coloured ink or paper.
    let rim = (PICTURE_RIM_IN * res).round() as u32;
    let grown: Vec<Rect> = pictures
        .iter()
        .map(|r| Rect {
            x0: r.x0.saturating_sub(rim),
            y0: r.y0.saturating_sub(rim),
            x1: (r.x1 + rim).min(w),
            y1: (r.y1 + rim).min(h),
        })
        .collect();
    let in_picture = |x: u32, y: u32| grown.iter().any(|r| r.contains(x, y));
    let halo = ((INK_HALO_IN * res).round() as u32).max(1);
    // Pixels within `halo` of ink, a band of rows at a time.
    let mut near = super::minmax::GrownInk::new(bits, halo as usize);

    let mut fg = Cells::<F>::new(w.div_ceil(fg_cell), h.div_ceil(fg_cell));
    let mut fg_any = Cells::<F>::new(fg.w, fg.h);
    let mut bg = Cells::<B>::new(w.div_ceil(bg_cell), h.div_ceil(bg_cell));
    let mut bg_excluded = vec![false; (bg.w * bg.h) as usize];
    let (wu, raw) = (w as usize, colour.as_raw());
    for y in 0..h {
        let row = &raw[y as usize * wu * 3..(y as usize + 1) * wu * 3];
        let ink = bits.row(y);
        // A stroke's core: ink whose four neighbours are ink too, free of
        // the paper colour mixed into its edges (none on the edge rows).
        let (above, below) = (bits.row(y.saturating_sub(1)), bits.row((y + 1).min(h - 1)));
        let inner_row = y > 0 && y + 1 < h;
        let near_row = near.row(y as usize);
        let row_has_pictures = grown.iter().any(|r| (r.y0..r.y1).contains(&y));
        for (x, p) in row.chunks_exact(3).enumerate() {
            let p = [p[0], p[1], p[2]];
            let xu = x as u32;
            if row_has_pictures && in_picture(xu, y) {
                bg_excluded[bg.index(xu / bg_cell, y / bg_cell)] = true;
                continue;
            }
            if ink[x] == INK {
                let (cx, cy) = (xu / fg_cell, y / fg_cell);
                fg_any.add(cx, cy, p);
                let core = inner_row
                    && x > 0
                    && x + 1 < wu
                    && ink[x - 1] == INK
                    && ink[x + 1] == INK
                    && above[x] == INK
                    && below[x] == INK;
                if core {
                    fg.add(cx, cy, p);
                }
            } else if near_row[x] == 0 {
                bg.add(xu / bg_cell, y / bg_cell, p);
            }
        }
    }
    drop(near);
    // A cell with only the edges of strokes has their colour mixed with
    // the paper's: it takes its neighbours' cores (filled in below) when
    // there are any, and all its ink only for strokes too thin for a core.
    let thin: Vec<usize> = (0..fg.h)
        .flat_map(|y| (0..fg.w).map(move |x| (x, y)))
        .map(|(x, y)| (fg.index(x, y), x, y))
        .filter(|&(i, x, y)| {
            let (core, any): (u32, u32) = (fg.n[i].into(), fg_any.n[i].into());
            core == 0 && any > 0 && !fg.any_near(x, y)
        })
        .map(|(i, _, _)| i)
        .collect();
    for i in thin {
        fg.n[i] = fg_any.n[i];
        fg.sum[i] = fg_any.sum[i];
    }
    // Neutral ink is drawn black, as on a text page: one flat colour over
    // all the text costs the foreground almost nothing, where the scan's
    // greys and noise would cost more than the mask.
    for i in 0..fg.n.len() {
        if Into::<u32>::into(fg.n[i]) > 0 && chroma(fg.mean(i)) <= INK_CHROMA {
            fg.sum[i] = [F::default(); 3];
        }
    }

    // Ink is weighed by its pixels; paper per cell (a cell of paper
    // beside text has fewer paper pixels, but is as much paper).
    let (coloured, ink) = fg_any.count(|c| chroma(c) > INK_CHROMA);
    drop(fg_any);
    let min_coloured = (MIN_COLOURED_INK_IN2 * res * res) as u64;
    let coloured_ink = coloured >= min_coloured && coloured as f32 >= MIN_COLOURED_INK * ink as f32;
    // Paper is tinted where the filled background is chromatic over an
    // area: a morphological opening of the tinted cells drops what is
    // thinner than [`TINT_MIN_IN`] (the rings of stains, the rim of a
    // photo, colour fringes), and keeps highlighter bands and boxes.
    let (bg_w, bg_h) = (bg.w, bg.h);
    let mut background = bg.fill();
    let tinted: Vec<bool> = background
        .pixels()
        .enumerate()
        .map(|(i, p)| !bg_excluded[i] && chroma(p.0) > PAPER_CHROMA)
        .collect();
    let reach = ((TINT_MIN_IN * res / bg_cell as f32 / 2.0).round() as u32).max(1);
    let kept = open(&tinted, bg_w, bg_h, reach);
    let paper = bg_excluded.iter().filter(|&&e| !e).count().max(1);
    let tinted_share = kept.iter().filter(|&&k| k).count() as f32 / paper as f32;
    if !coloured_ink && tinted_share < MIN_TINTED_PAPER {
        return None;
    }
    // Untinted paper is white, as on a text page: shadows, bleed-through
    // and grey stains go, as the text page's cleanup removes them.
    for (p, &k) in background.pixels_mut().zip(&kept) {
        if !k {
            *p = Rgb([255, 255, 255]);
        }
    }
    Some(Layers {
        foreground: fg.fill(),
        background,
        fg_cell,
        bg_cell,
    })
}

/// Morphological opening (erosion then dilation, square of side
/// 2·`reach`+1, clipped at the grid's edges) of a `w`×`h` flag grid.
fn open(flags: &[bool], w: u32, h: u32, reach: u32) -> Vec<bool> {
    let (w, h, r) = (w as usize, h as usize, reach as usize);
    let mask: Vec<u8> = flags.iter().map(|&f| if f { 255 } else { 0 }).collect();
    let opened = super::minmax::grow(super::minmax::shrink(mask, w, h, r), w, h, r);
    opened.into_iter().map(|v| v != 0).collect()
}

/// Colour sums per cell of a coarse grid. A cell holds at most
/// [`MAX_CELL`]² pixels, so 32-bit sums cannot overflow, and the grids of
/// a page cost half what 64-bit ones would (the background grid of an A4
/// page at 300 dpi has a million cells); cells of at most
/// [`MAX_SMALL_CELL`]² pixels sum in 16 bits, half that again.
struct Cells<S> {
    w: u32,
    h: u32,
    sum: Vec<[S; 3]>,
    n: Vec<S>,
}

/// The integer a cell's sums and count are held in.
trait Sum: Copy + Default + Into<u32> {
    /// `self + v`; never overflows for the cells it is chosen for.
    fn plus(self, v: u8) -> Self;
}

impl Sum for u16 {
    fn plus(self, v: u8) -> Self {
        self + u16::from(v)
    }
}

impl Sum for u32 {
    fn plus(self, v: u8) -> Self {
        self + u32::from(v)
    }
}

impl<S: Sum> Cells<S> {
    fn new(w: u32, h: u32) -> Self {
        let len = (w * h) as usize;
        Cells {
            w,
            h,
            sum: vec![[S::default(); 3]; len],
            n: vec![S::default(); len],
        }
    }

    fn index(&self, x: u32, y: u32) -> usize {
        (y * self.w + x) as usize
    }

    fn add(&mut self, x: u32, y: u32, p: [u8; 3]) {
        let i = self.index(x, y);
        for (s, v) in self.sum[i].iter_mut().zip(p) {
            *s = s.plus(v);
        }
        self.n[i] = self.n[i].plus(1);
    }

    /// Whether a cell next to (x, y), diagonals included, has pixels.
    fn any_near(&self, x: u32, y: u32) -> bool {
        let (x0, y0) = (x.saturating_sub(1), y.saturating_sub(1));
        (y0..(y + 2).min(self.h)).any(|yy| {
            (x0..(x + 2).min(self.w))
                .any(|xx| (xx, yy) != (x, y) && Into::<u32>::into(self.n[self.index(xx, yy)]) > 0)
        })
    }

    fn mean(&self, i: usize) -> [u8; 3] {
        let n: u32 = self.n[i].into();
        let n = n.max(1);
        self.sum[i].map(|s| ((s.into() + n / 2) / n) as u8)
    }

    /// Pixels of the cells whose mean colour passes `test`, and of all.
    fn count(&self, test: impl Fn([u8; 3]) -> bool) -> (u64, u64) {
        let (mut hit, mut all) = (0u64, 0u64);
        for i in 0..self.n.len() {
            let n: u32 = self.n[i].into();
            let n = u64::from(n);
            all += n;
            if n > 0 && test(self.mean(i)) {
                hit += n;
            }
        }
        (hit, all)
    }

    /// The grid as an image: each cell's mean, empty cells pushed-pulled
    /// from coarser levels of the same grid ([`push_pull`] on the cells'
    /// means, weight 1 where a cell has pixels, 0 where not). The means are
    /// worked out from the sums where needed rather than held as a level
    /// of their own (16 bytes a cell, half a byte a pixel of a 600-dpi
    /// page's background), with the same arithmetic.
    fn fill(self) -> RgbImage {
        let Cells { w, h, sum, n } = self;
        let mean = |i: usize| -> Option<[f32; 3]> {
            let k: u32 = n[i].into();
            (k > 0).then(|| {
                let k = k as f32;
                let s = sum[i].map(Into::<u32>::into);
                [s[0] as f32 / k, s[1] as f32 / k, s[2] as f32 / k]
            })
        };
        let to_rgb = |c: [f32; 3]| Rgb(c.map(|v| v.round().clamp(0.0, 255.0) as u8));
        if n.iter().all(|&k| Into::<u32>::into(k) > 0) {
            return RgbImage::from_fn(w, h, |x, y| {
                to_rgb(mean((y * w + x) as usize).expect("every cell has pixels"))
            });
        }
        if w <= 1 && h <= 1 {
            return RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
        }
        // The first coarser level, as `push_pull` builds it from this one.
        let (hw, hh) = (w.div_ceil(2), h.div_ceil(2));
        let mut half = vec![[0.0f32; 4]; (hw * hh) as usize];
        for y in 0..h {
            for x in 0..w {
                let d = &mut half[((y / 2) * hw + x / 2) as usize];
                if let Some(c) = mean((y * w + x) as usize) {
                    for k in 0..3 {
                        d[k] += c[k];
                    }
                    d[3] += 1.0;
                }
            }
        }
        normalize_weights(&mut half);
        push_pull(&mut half, hw, hh);
        RgbImage::from_fn(w, h, |x, y| {
            if let Some(c) = mean((y * w + x) as usize) {
                to_rgb(c)
            } else {
                let (fx, fy) = ((x as f32 - 0.5) / 2.0, (y as f32 - 0.5) / 2.0);
                let c = sample(&half, hw, hh, fx, fy);
                to_rgb([c[0], c[1], c[2]])
            }
        })
    }
}

/// Divide each weighted sum of `level` by its weight (where it has one).
fn normalize_weights(level: &mut [[f32; 4]]) {
    for d in level {
        let weight = d[3];
        if weight > 0.0 {
            d[..3].iter_mut().for_each(|v| *v /= weight);
        }
    }
}

/// `coarse` (`hw` × `hh` cells) sampled bilinearly at (`fx`, `fy`), in its
/// cells, centre-aligned and clamped to its edges.
fn sample(coarse: &[[f32; 4]], hw: u32, hh: u32, fx: f32, fy: f32) -> [f32; 4] {
    let (x0, y0) = (fx.floor().max(0.0), fy.floor().max(0.0));
    let (tx, ty) = ((fx - x0).clamp(0.0, 1.0), (fy - y0).clamp(0.0, 1.0));
    let (x0, y0) = ((x0 as u32).min(hw - 1), (y0 as u32).min(hh - 1));
    let (x1, y1) = ((x0 + 1).min(hw - 1), (y0 + 1).min(hh - 1));
    let at = |x: u32, y: u32| coarse[(y * hw + x) as usize];
    let mut out = [0.0, 0.0, 0.0, 1.0];
    for (k, o) in out.iter_mut().take(3).enumerate() {
        let top = at(x0, y0)[k] * (1.0 - tx) + at(x1, y0)[k] * tx;
        let bottom = at(x0, y1)[k] * (1.0 - tx) + at(x1, y1)[k] * tx;
        *o = top * (1.0 - ty) + bottom * ty;
    }
    out
}

/// Fill the cells of weight 0 (`[r, g, b, weight]`, colours as means), in
/// place, from a half-size level built of the weighted means of 2×2
/// blocks, recursively; cells with weight keep their colour. With no weight
/// anywhere, white.
fn push_pull(level: &mut [[f32; 4]], w: u32, h: u32) {
    if level.iter().all(|c| c[3] > 0.0) {
        return;
    }
    if w <= 1 && h <= 1 {
        level[0] = [255.0, 255.0, 255.0, 1.0];
        return;
    }
    let (hw, hh) = (w.div_ceil(2), h.div_ceil(2));
    let mut half = vec![[0.0f32; 4]; (hw * hh) as usize];
    for y in 0..h {
        for x in 0..w {
            let c = level[(y * w + x) as usize];
            let d = &mut half[((y / 2) * hw + x / 2) as usize];
            for k in 0..3 {
                d[k] += c[k] * c[3];
            }
            d[3] += c[3];
        }
    }
    normalize_weights(&mut half);
    push_pull(&mut half, hw, hh);
    // Empty cells take the coarse level bilinearly (centre-aligned), so the
    // fill has no steps for JPEG to spend bytes on.
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            if level[i][3] == 0.0 {
                level[i] = sample(
                    &half,
                    hw,
                    hh,
                    (x as f32 - 0.5) / 2.0,
                    (y as f32 - 0.5) / 2.0,
                );
            }
        }
    }
}

/// sRGB (IEC 61966-2-1) to CIELAB with the D65 white point.
pub fn lab(rgb: [u8; 3]) -> [f32; 3] {
    let [r, g, b] = rgb.map(|v| linear()[v as usize]);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.950_47;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.088_83;
    let f = |t: f32| {
        if t > 0.008_856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// sRGB's transfer function undone (IEC 61966-2-1), per 8-bit level:
/// worked out once, as `lab` runs on every pixel of a page's checks.
fn linear() -> &'static [f32; 256] {
    static TABLE: std::sync::OnceLock<[f32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|v| {
            let c = v as f32 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    })
}

fn chroma_of(lab: [f32; 3]) -> f32 {
    lab[1].hypot(lab[2])
}

/// CIELAB chroma C*ab of an sRGB colour.
pub fn chroma(rgb: [u8; 3]) -> f32 {
    chroma_of(lab(rgb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::PAPER;
    use image::{GrayImage, Luma};

    const DPI: Dpi = Dpi { x: 300.0, y: 300.0 };

    /// A 300×300 page with a bar of ink at rows 100..120 in `ink` colour.
    fn page(ink: [u8; 3], paper: [u8; 3]) -> (RgbImage, BitImage) {
        let bar = |x: u32, y: u32| (100..120).contains(&y) && (50..250).contains(&x);
        let colour = RgbImage::from_fn(300, 300, |x, y| Rgb(if bar(x, y) { ink } else { paper }));
        let gray = GrayImage::from_fn(300, 300, |x, y| Luma([if bar(x, y) { INK } else { PAPER }]));
        (colour, BitImage::from_gray_threshold(gray))
    }

    #[test]
    fn only_pages_with_colour_are_looked_at() {
        // Black text on yellowed paper, scanned in colour with a little
        // noise: neutral once balanced by its paper.
        let text = |x: u32, y: u32| (100..120).contains(&y) && x % 7 < 3;
        let noise = |x: u32, y: u32| ((x * 7 + y * 13) % 5) as u8;
        let yellowed = RgbImage::from_fn(600, 600, |x, y| {
            let n = noise(x, y);
            Rgb(if text(x, y) {
                [30 + n, 28, 25]
            } else {
                [246, 238 + n, 205]
            })
        });
        assert!(!may_have(&yellowed, DPI));
        // A red word of about 0.02 square inches (1800 px at 300 dpi).
        let mut red = yellowed.clone();
        for y in 300..330 {
            for x in 100..160 {
                red.put_pixel(x, y, Rgb([200, 40, 30]));
            }
        }
        assert!(may_have(&red, DPI));
        // A pale blue box (C*ab about 10).
        let mut tint = yellowed.clone();
        for y in 300..400 {
            for x in 100..400 {
                tint.put_pixel(x, y, Rgb([222, 232, 246]));
            }
        }
        assert!(may_have(&tint, DPI));
    }

    #[test]
    fn lab_of_white_black_and_red_match_the_published_values() {
        let w = lab([255, 255, 255]);
        assert!((w[0] - 100.0).abs() < 0.1 && w[1].abs() < 0.1 && w[2].abs() < 0.1);
        assert!(lab([0, 0, 0])[0].abs() < 0.1);
        // sRGB red is L* 53.2, a* 80.1, b* 67.2.
        let r = lab([255, 0, 0]);
        assert!(
            (r[0] - 53.2).abs() < 0.3 && (r[1] - 80.1).abs() < 0.5 && (r[2] - 67.2).abs() < 0.5
        );
    }

    #[test]
    fn black_ink_on_white_paper_gets_no_layers() {
        let (c, b) = page([20, 20, 20], [255, 255, 255]);
        assert_eq!(separate(&c, &b, &[], DPI), None);
    }

    #[test]
    fn red_ink_is_kept_in_the_foreground_and_paper_stays_white() {
        let (c, b) = page([200, 30, 30], [255, 255, 255]);
        let l = separate(&c, &b, &[], DPI).expect("coloured ink");
        assert_eq!((l.fg_cell, l.bg_cell), (6, 3));
        assert_eq!(l.foreground.dimensions(), (50, 50));
        // Every cell is the stroke's colour: inside the bar by measure,
        // elsewhere filled from it.
        assert!(l.foreground.pixels().all(|p| p.0 == [200, 30, 30]));
        assert!(l.background.pixels().all(|p| p.0 == [255, 255, 255]));
        let shown = l.compose(&b);
        assert_eq!(shown.get_pixel(100, 110).0, [200, 30, 30]);
        assert_eq!(shown.get_pixel(10, 10).0, [255, 255, 255]);
    }

    #[test]
    fn black_ink_on_a_highlighter_band_keeps_the_band_without_a_ghost() {
        let yellow = [250, 240, 90];
        let (c, b) = page([10, 10, 10], yellow);
        let l = separate(&c, &b, &[], DPI).expect("tinted paper");
        // The band's colour fills in under the ink: no dark ghost.
        let under = l.background.get_pixel(150 / 3, 110 / 3).0;
        assert_eq!(under, yellow);
        assert!(chroma(l.foreground.get_pixel(25, 18).0) < 5.0);
    }

    #[test]
    fn pictures_do_not_count_as_coloured_paper() {
        let (mut c, b) = page([20, 20, 20], [255, 255, 255]);
        for y in 150..300 {
            for x in 0..300 {
                c.put_pixel(x, y, Rgb([30, 160, 60]));
            }
        }
        let photo = Rect {
            x0: 0,
            y0: 150,
            x1: 300,
            y1: 300,
        };
        assert_eq!(separate(&c, &b, &[photo], DPI), None);
        assert!(separate(&c, &b, &[], DPI).is_some());
    }

    #[test]
    fn mismatched_or_empty_images_get_no_layers() {
        let (c, _) = page([200, 30, 30], [255, 255, 255]);
        let small = BitImage::from_gray_threshold(GrayImage::from_pixel(10, 10, Luma([INK])));
        assert_eq!(separate(&c, &small, &[], DPI), None);
    }
}
