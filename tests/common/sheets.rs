//! Sheets a document feeder gives: blank backs (with show-through, dust,
//! scanner borders, punched holes, creases) and nearly empty pages that
//! still carry something (one short line, a page number, a faint
//! signature, a light pencil note, a stamp), each with its truth: whether
//! the page is blank. Used by the scanner-workflow tests (`--blank`,
//! `--duplex`, `--split-on`).
#![allow(dead_code)]

use super::generator::{self, Layout, Page, Rng, draw_word, font, render};
use image::{GrayImage, Luma, Rgb, RgbImage};

/// A4 width, 4 in tall: a sheet's margins and edges (holes 12 mm from the
/// edge, 80 mm apart) at a third of an A4 page's pixels.
pub const SHEET_IN: (f32, f32) = (8.27, 4.0);

/// What is on a generated sheet besides the paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// Nothing at all.
    Nothing,
    /// Dust specks (how many).
    Dust(usize),
    /// The other side's text showing through, mirrored and soft, at this
    /// share of the ink's contrast.
    ShowThrough(f32),
    /// A dark band along an edge, as the scanner lid leaves.
    ScannerBorder,
    /// Two or four punched holes near the left edge (ISO 838: 6 mm, 80 mm
    /// apart, 12 mm from the edge), showing a dark lid.
    PunchedHoles(usize),
    /// A faint fold crease across the sheet.
    Crease,
    /// One short printed line.
    ShortLine,
    /// A page number alone, centred in the bottom margin.
    PageNumber,
    /// A faint blue ballpoint signature.
    Signature,
    /// A light pencil note of a few words.
    PencilNote,
    /// A small red stamp.
    Stamp,
}

impl Mark {
    /// Whether a sheet with this mark (and nothing else) is blank.
    pub fn is_blank(self) -> bool {
        matches!(
            self,
            Mark::Nothing
                | Mark::Dust(_)
                | Mark::ShowThrough(_)
                | Mark::ScannerBorder
                | Mark::PunchedHoles(_)
                | Mark::Crease
        )
    }
}

/// How the sheet was scanned.
#[derive(Debug, Clone, Copy)]
pub struct Scan {
    pub dpi: f32,
    /// Yellowed paper, light falling off towards one corner.
    pub yellowed: bool,
    /// Sensor noise in grey levels.
    pub noise: f32,
    pub jpeg: Option<u8>,
    pub seed: u64,
}

impl Scan {
    pub fn office(seed: u64) -> Self {
        Scan {
            dpi: 300.0,
            yellowed: false,
            noise: 3.0,
            jpeg: None,
            seed,
        }
    }
}

/// A sheet with `marks` on it (the paper and the damage first, then the
/// content), scanned as `scan` says. `text` is what it says in words.
pub fn sheet(marks: &[Mark], scan: Scan) -> Page {
    let dpi = scan.dpi;
    let (w, h) = (
        (SHEET_IN.0 * dpi).round() as u32,
        (SHEET_IN.1 * dpi).round() as u32,
    );
    let mut rng = Rng::new(scan.seed ^ 0x5EE7);
    // Reflectance per channel, 0..1, before light and noise.
    let mut img: Vec<[f32; 3]> = vec![[0.96, 0.955, 0.94]; (w * h) as usize];
    let mut text = String::new();
    for &mark in marks {
        match mark {
            Mark::Nothing => {}
            Mark::Dust(n) => dust(&mut img, w, h, dpi, n, &mut rng),
            Mark::ShowThrough(share) => show_through(&mut img, w, h, dpi, share, scan.seed),
            Mark::ScannerBorder => scanner_border(&mut img, w, h, dpi, &mut rng),
            Mark::PunchedHoles(n) => holes(&mut img, w, h, dpi, n),
            Mark::Crease => crease(&mut img, w, h, dpi, &mut rng),
            Mark::ShortLine => {
                let t = ["Please turn over.", "See attached.", "Continued overleaf."][rng.below(3)];
                let cov = words_coverage(w, h, dpi, t, 11.0, (1.0, 1.2), 0.0);
                paint(&mut img, &cov, [0.08, 0.08, 0.08], 1.0);
                text.push_str(t);
            }
            Mark::PageNumber => {
                let n = format!("{}", 2 + rng.below(40));
                let x = SHEET_IN.0 / 2.0 - 0.05;
                let cov = words_coverage(w, h, dpi, &n, 10.0, (x, SHEET_IN.1 - 0.6), 0.0);
                paint(&mut img, &cov, [0.08, 0.08, 0.08], 1.0);
                text.push_str(&n);
            }
            Mark::Signature => {
                let cov = signature(w, h, dpi, &mut rng);
                paint(&mut img, &cov, [0.15, 0.22, 0.62], 0.55);
            }
            Mark::PencilNote => {
                let t = ["call back Monday", "ok, filed", "copy to Anna"][rng.below(3)];
                let mut cov = words_coverage(w, h, dpi, t, 13.0, (4.5, 1.0), 0.5);
                // Graphite leaves grain: some of every stroke is missing.
                for c in &mut cov {
                    *c *= 0.75 + 0.25 * rng.unit();
                }
                paint(&mut img, &cov, [0.33, 0.33, 0.35], 0.5);
                text.push_str(t);
            }
            Mark::Stamp => {
                let cov = stamp(w, h, dpi);
                paint(&mut img, &cov, [0.75, 0.12, 0.12], 0.85);
                text.push_str("PAID");
            }
        }
    }
    let out = RgbImage::from_fn(w, h, |x, y| {
        let r = img[(y * w + x) as usize];
        let light = if scan.yellowed {
            let t = x as f32 / w as f32 * 0.6 + y as f32 / h as f32 * 0.4;
            (1.0 - 0.2 * t * t) * 0.97
        } else {
            1.0
        };
        let tint = if scan.yellowed {
            [1.0, 0.96, 0.84]
        } else {
            [1.0, 1.0, 1.0]
        };
        let n = (0..4).map(|_| rng.unit()).sum::<f32>() - 2.0;
        Rgb([0, 1, 2].map(|k| {
            (r[k] * tint[k] * light * 255.0 + n * scan.noise * 1.7).clamp(0.0, 255.0) as u8
        }))
    });
    let out = match scan.jpeg {
        Some(q) => {
            let mut buf = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q)
                .encode_image(&out)
                .unwrap();
            image::load_from_memory(&buf).unwrap().into_rgb8()
        }
        None => out,
    };
    Page {
        image: out,
        dpi,
        words: Vec::new(),
        text,
    }
}

/// A page of text (the content sheets of a stack), `lines` lines from
/// the corpus at `seed`, scanned lightly.
pub fn text_sheet(seed: u64, lines: usize, dpi: f32) -> Page {
    let page = render(&Layout {
        dpi,
        size_in: SHEET_IN,
        lines,
        seed,
        ..Default::default()
    });
    generator::degrade(
        &page,
        &generator::Degrade {
            noise: 3.0,
            specks: 30,
            seed,
            ..Default::default()
        },
    )
}

/// Paint ink of `colour` (reflectance) over `img` where `cov` says, at
/// `strength` (ink that lets some paper through is lighter).
fn paint(img: &mut [[f32; 3]], cov: &[f32], colour: [f32; 3], strength: f32) {
    for (p, &c) in img.iter_mut().zip(cov) {
        let a = (c * strength).clamp(0.0, 1.0);
        for k in 0..3 {
            p[k] = p[k] * (1.0 - a) + colour[k] * p[k] * a;
        }
    }
}

/// Coverage (0..1) of `text` at `pt` points, its baseline at `at` inches
/// from the top left, blurred by `blur` pixels.
fn words_coverage(
    w: u32,
    h: u32,
    dpi: f32,
    text: &str,
    pt: f32,
    at: (f32, f32),
    blur: f32,
) -> Vec<f32> {
    let f = font();
    let mut g = GrayImage::from_pixel(w, h, Luma([255]));
    draw_word(&mut g, &f, pt * dpi / 72.0, text, at.0 * dpi, at.1 * dpi);
    let g = if blur > 0.0 {
        imageproc::filter::gaussian_blur_f32(&g, blur)
    } else {
        g
    };
    g.pixels().map(|p| 1.0 - p.0[0] as f32 / 255.0).collect()
}

fn dust(img: &mut [[f32; 3]], w: u32, h: u32, dpi: f32, n: usize, rng: &mut Rng) {
    for _ in 0..n {
        let (x, y) = (rng.below(w as usize) as i32, rng.below(h as usize) as i32);
        let r = (0.5 + rng.unit() * 1.5) * dpi / 300.0;
        let dark = 0.2 + 0.5 * rng.unit();
        let ri = r.ceil() as i32;
        for yy in (y - ri).max(0)..=(y + ri).min(h as i32 - 1) {
            for xx in (x - ri).max(0)..=(x + ri).min(w as i32 - 1) {
                if (((xx - x).pow(2) + (yy - y).pow(2)) as f32).sqrt() <= r {
                    img[(yy as u32 * w + xx as u32) as usize] = [dark; 3];
                }
            }
        }
    }
}

/// The back's text seen through the paper: mirrored, moved off the
/// front's lines, blurred by the fibres, at `share` of the ink contrast.
fn show_through(img: &mut [[f32; 3]], w: u32, h: u32, dpi: f32, share: f32, seed: u64) {
    let back = render(&Layout {
        dpi,
        size_in: SHEET_IN,
        lines: 14,
        seed: seed ^ 0xB4C,
        ..Default::default()
    });
    let g =
        image::imageops::flip_horizontal(&image::DynamicImage::ImageRgb8(back.image).to_luma8());
    let g = imageproc::filter::gaussian_blur_f32(&g, 1.6 * dpi / 300.0);
    let cov: Vec<f32> = g.pixels().map(|p| 1.0 - p.0[0] as f32 / 255.0).collect();
    debug_assert_eq!(cov.len(), (w * h) as usize);
    paint(img, &cov, [0.1, 0.1, 0.1], share);
}

/// A grey band 0.1–0.25 in wide along one edge, darkest at the edge.
fn scanner_border(img: &mut [[f32; 3]], w: u32, h: u32, dpi: f32, rng: &mut Rng) {
    let width = (0.1 + 0.15 * rng.unit()) * dpi;
    let edge = rng.below(4);
    for y in 0..h {
        for x in 0..w {
            let d = match edge {
                0 => x as f32,
                1 => (w - 1 - x) as f32,
                2 => y as f32,
                _ => (h - 1 - y) as f32,
            };
            if d < width {
                let a = 0.85 * (1.0 - (d / width).powi(2));
                let p = &mut img[(y * w + x) as usize];
                *p = p.map(|v| v * (1.0 - a) + 0.12 * a);
            }
        }
    }
}

fn holes(img: &mut [[f32; 3]], w: u32, h: u32, dpi: f32, n: usize) {
    let r = 3.0 / 25.4 * dpi;
    let cx = 12.0 / 25.4 * dpi;
    let pitch = 80.0 / 25.4 * dpi;
    let mid = h as f32 / 2.0;
    let ys: Vec<f32> = if n >= 4 {
        // Four holes need a full A4 height; on a half sheet they sit closer.
        (0..4)
            .map(|i| mid + (i as f32 - 1.5) * pitch / 3.0)
            .collect()
    } else {
        vec![mid - pitch / 2.0, mid + pitch / 2.0]
    };
    for cy in ys {
        for y in (cy - r - 3.0).max(0.0) as u32..((cy + r + 3.0) as u32).min(h) {
            for x in (cx - r - 3.0).max(0.0) as u32..((cx + r + 3.0) as u32).min(w) {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                let a = (r - d + 1.0).clamp(0.0, 1.0);
                let p = &mut img[(y * w + x) as usize];
                *p = p.map(|v| v * (1.0 - a) + 0.18 * a);
            }
        }
    }
}

/// A soft grey line across the sheet where it was folded.
fn crease(img: &mut [[f32; 3]], w: u32, h: u32, dpi: f32, rng: &mut Rng) {
    let y0 = (0.3 + 0.4 * rng.unit()) * h as f32;
    let sigma = 0.02 * dpi;
    for y in 0..h {
        let d = (y as f32 - y0) / sigma;
        let a = 0.09 * (-d * d / 2.0).exp();
        if a > 0.002 {
            for x in 0..w {
                let p = &mut img[(y * w + x) as usize];
                *p = p.map(|v| v * (1.0 - a));
            }
        }
    }
}

/// A cursive-like scrawl about 2 in wide and 0.4 in tall, drawn with a
/// 0.4 mm ballpoint, in the lower right of the sheet.
fn signature(w: u32, h: u32, dpi: f32, rng: &mut Rng) -> Vec<f32> {
    let (x0, y0) = (5.0 * dpi, (SHEET_IN.1 - 1.4) * dpi);
    let (len, tall) = (2.0 * dpi, 0.22 * dpi);
    let loops = 7.0 + 3.0 * rng.unit();
    let phase = rng.unit() * 6.0;
    let pen = 0.4 / 25.4 * dpi / 2.0;
    let mut cov = vec![0.0f32; (w * h) as usize];
    let steps = 4000;
    for i in 0..steps {
        let t = i as f32 / steps as f32;
        let a = t * loops * std::f32::consts::TAU + phase;
        let x = x0 + t * len + 0.05 * dpi * a.cos();
        let y = y0 + tall * (a.sin() * (0.6 + 0.4 * (t * 9.0).sin()));
        let ri = pen.ceil() as i32 + 1;
        for yy in y as i32 - ri..=y as i32 + ri {
            for xx in x as i32 - ri..=x as i32 + ri {
                if xx < 0 || yy < 0 || xx as u32 >= w || yy as u32 >= h {
                    continue;
                }
                let d = ((xx as f32 - x).powi(2) + (yy as f32 - y).powi(2)).sqrt();
                let c = (pen - d + 0.5).clamp(0.0, 1.0);
                let slot = &mut cov[(yy as u32 * w + xx as u32) as usize];
                *slot = slot.max(c);
            }
        }
    }
    cov
}

/// A rectangular stamp frame with "PAID" in it, top right.
fn stamp(w: u32, h: u32, dpi: f32) -> Vec<f32> {
    let mut cov = words_coverage(w, h, dpi, "PAID", 22.0, (6.1, 1.15), 0.0);
    let (x0, y0, x1, y1) = (
        (5.95 * dpi) as u32,
        (0.7 * dpi) as u32,
        (7.5 * dpi) as u32,
        (1.35 * dpi) as u32,
    );
    let t = (0.03 * dpi) as u32;
    for y in y0..y1 {
        for x in x0..x1 {
            if x < x0 + t || x >= x1 - t || y < y0 + t || y >= y1 - t {
                cov[(y * w + x) as usize] = 1.0;
            }
        }
    }
    cov
}
