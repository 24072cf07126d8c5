//! Faded print as it really ages (issue 23): not a lighter copy of a clean
//! page, but magazine columns whose ink has gone grey-brown and thin.
//!
//! What the eye sees on an old, sun-faded magazine page at 300 dpi, and
//! what this generator reproduces, each from a fixed seed:
//!
//! - **Low contrast**: ink cores at grey levels of about 150–190 on paper
//!   of 215–235, both brownish.
//! - **Thin, uneven strokes**: the ink has worn off the edges of the
//!   letters, more on some letters and regions than on others, so stems
//!   lose up to a pixel or two of width and hairlines thin to nothing in
//!   places (breaks in the thin parts of serif letters).
//! - **Ink density varying** slowly across the page and grain by grain.
//! - **Paper texture**: fibres (short faint curved streaks, darker or
//!   lighter than the paper), fine grain and mottling.
//! - **Slight blur** and sensor noise, as a scanner records it.
//!
//! The truth is the clean bilevel render (coverage ≥ ½), pixel-aligned with
//! the faded page, so a binarisation can be scored with
//! [`super::kinds::fmeasure`]: what fading made thinner or lighter is
//! still ink in the truth, as it is on the real bilevel scans used as
//! truth in binarisation benches.
#![allow(dead_code)]

use super::generator::{Page, Rng, font};
use super::kinds::{Coverage, Kind, ValueNoise, finish, mix, shoot, text_block, text_kind};
use image::{GrayImage, Luma};

/// How a page has faded.
#[derive(Debug, Clone, Copy)]
pub struct Fading {
    /// Paper grey level (luma) range over the page, brownish.
    pub paper: (f32, f32),
    /// Contrast (grey levels) of a full stroke's core against the paper
    /// around it: least to most, over the slow variation of ink density.
    pub contrast: (f32, f32),
    /// How far the worn edges eat into strokes: 0 keeps the printed
    /// shape, 1 removes about a pixel from each side where wear is
    /// strongest (and breaks hairlines there).
    pub wear: f32,
    /// Share of small spots (a few pixels across) where the wear is
    /// doubled: the breaks in thin strokes.
    pub breaks: f32,
    /// Gaussian blur of the scan, in pixels.
    pub blur: f32,
    /// Sensor noise, grey levels.
    pub noise: f32,
    /// Share of the ink's density that varies grain by grain (2-pixel
    /// grains) rather than slowly over the page: faded ink is blotchy.
    pub mottle: f32,
    /// Paper fibres per square inch.
    pub fibres_per_sq_in: f32,
    /// Strength of the paper's mottling and grain (1: an ordinary
    /// magazine stock; 0: smooth).
    pub texture: f32,
    pub seed: u64,
}

impl Fading {
    /// Sun-faded magazine print: the look of the held-out bench's faded
    /// magazine pages.
    pub fn magazine(seed: u64) -> Self {
        Fading {
            paper: (215.0, 235.0),
            contrast: (40.0, 75.0),
            wear: 0.3,
            breaks: 0.03,
            blur: 0.8,
            noise: 2.5,
            mottle: 0.5,
            fibres_per_sq_in: 60.0,
            texture: 1.0,
            seed,
        }
    }
}

/// Brown of faded ink relative to its luma (R, G, B factors).
const INK_HUE: [f32; 3] = [1.08, 0.98, 0.86];
/// Cream of aged paper relative to its luma.
const PAPER_HUE: [f32; 3] = [1.03, 1.0, 0.92];

/// Columns of `font_pt` serif body text on a `size_in` (inches) page at
/// 300 dpi, faded as `fading` says. `name` labels the kind.
pub fn faded_columns(
    name: &'static str,
    size_in: (f32, f32),
    columns: usize,
    font_pt: f32,
    fading: &Fading,
) -> Kind {
    let dpi = 300.0;
    let (w, h) = (
        (size_in.0 * dpi).round() as u32,
        (size_in.1 * dpi).round() as u32,
    );
    let mut gray = GrayImage::from_pixel(w, h, Luma([255]));
    let body = font();
    let margin = 0.3 * dpi;
    let gap = 0.2 * dpi;
    let col_w = (w as f32 - 2.0 * margin - (columns - 1) as f32 * gap) / columns as f32;
    let mut words = Vec::new();
    let mut text = String::new();
    let mut next = (fading.seed as usize * 37) % 150;
    for i in 0..columns {
        let x0 = margin + i as f32 * (col_w + gap);
        text_block(
            &mut gray,
            &body,
            dpi,
            font_pt,
            [x0, margin, x0 + col_w, h as f32 - margin],
            &mut next,
            &mut words,
            &mut text,
        );
    }
    let cov = Coverage::of_gray(&gray);
    let image = fade(&cov, dpi, fading);
    let page = Page {
        image,
        dpi,
        words,
        text,
    };
    text_kind(name, page, &cov)
}

/// The faded scan of a clean render's coverage.
fn fade(cov: &Coverage, dpi: f32, f: &Fading) -> image::RgbImage {
    let (w, h) = (cov.w, cov.h);
    let seed = f.seed;
    // Wear: the stroke keeps what lies deeper inside it than the worn
    // depth `d`, measured on the softened coverage (whose level grows by
    // about EDGE per pixel inwards from the edge); thin parts, whose
    // softened peak is low, go first.
    let soft = cov.blurred(0.7);
    let per_glyph = ValueNoise::new(w, h, 0.08 * dpi, seed ^ 0x61);
    let per_region = ValueNoise::new(w, h, 0.7 * dpi, seed ^ 0x62);
    let spots = ValueNoise::new(w, h, 5.0, seed ^ 0x63);
    // Density: slow over the page, grain by grain within strokes.
    let density_slow = ValueNoise::new(w, h, 0.9 * dpi, seed ^ 0x64);
    let grain = ValueNoise::new(w, h, 2.0, seed ^ 0x65);
    // Paper: uneven tone, mottling, fine grain, fibres.
    let paper_slow = ValueNoise::new(w, h, 1.3 * dpi, seed ^ 0x66);
    let mottle = ValueNoise::new(w, h, 0.05 * dpi, seed ^ 0x67);
    let paper_grain = ValueNoise::new(w, h, 1.5, seed ^ 0x68);
    let fibres = fibres(w, h, dpi, f.fibres_per_sq_in, seed ^ 0x69);
    // The slope of the softened coverage across a straight edge, 1/(√(2π)·σ)
    // per pixel: the worn edge stays about a pixel wide.
    const EDGE: f32 = 0.57;
    let spot_level = 1.0 - f.breaks;
    let (faint, strong) = f.contrast;
    let (paper_dark, paper_light) = f.paper;
    let img = shoot(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let tone = paper_dark + (paper_light - paper_dark) * paper_slow.at(fx, fy);
        let texture = f.texture
            * (5.0 * (mottle.at(fx, fy) - 0.5) + 6.0 * (paper_grain.at(fx, fy) - 0.5))
            + fibres[(y * w + x) as usize];
        let paper = PAPER_HUE.map(|k| (tone + texture) * k);
        let wear_here = per_glyph.at(fx, fy) * (0.4 + 0.6 * per_region.at(fx, fy));
        let spot = if spots.at(fx, fy) > spot_level {
            2.0
        } else {
            1.0
        };
        // Worn depth in pixels; the first half pixel only softens the edge.
        let d = 2.5 * f.wear * wear_here * spot;
        let kept = (1.0 + (soft.at(x, y) - 0.5) / EDGE - d).clamp(0.0, 1.0);
        let c = cov.at(x, y).min(kept);
        // A stroke's core: darkest where the ink is densest, lighter grain
        // by grain.
        let density = (1.0 - f.mottle) * density_slow.at(fx, fy) + f.mottle * grain.at(fx, fy);
        let core = tone - faint - (strong - faint) * density;
        mix(paper, INK_HUE.map(|k| core * k), c)
    });
    let img = if f.blur > 0.0 {
        image::imageops::blur(&img, f.blur)
    } else {
        img
    };
    finish(img, f.noise, None, seed)
}

/// Paper fibres: short, faint, gently curving streaks a pixel wide, most
/// a little darker than the paper, some lighter; grey-level offsets per
/// pixel, row-major.
fn fibres(w: u32, h: u32, dpi: f32, per_sq_in: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut out = vec![0.0f32; (w * h) as usize];
    let area = w as f32 * h as f32 / (dpi * dpi);
    let n = (per_sq_in * area) as usize;
    for _ in 0..n {
        let (mut x, mut y) = (rng.unit() * w as f32, rng.unit() * h as f32);
        let mut angle = rng.unit() * std::f32::consts::TAU;
        let len = 0.03 * dpi + rng.unit() * 0.2 * dpi;
        let depth = if rng.unit() < 0.75 { -1.0 } else { 0.6 } * (2.0 + rng.unit() * 6.0);
        let mut s = 0.0;
        while s < len {
            if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                let i = (y as u32 * w + x as u32) as usize;
                out[i] = if depth < 0.0 {
                    out[i].min(depth)
                } else {
                    out[i].max(depth)
                };
            }
            angle += (rng.unit() - 0.5) * 0.25;
            x += angle.cos();
            y += angle.sin();
            s += 1.0;
        }
    }
    out
}
