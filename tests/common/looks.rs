//! Pages whose look cleanup must keep (issue 23): a landscape photograph
//! with a bright sky beside a column of text, and a reversed (white on
//! black) banner over a normal body.
//!
//! The sky is the hard part of a photo for a paper whitener: light, smooth,
//! close to the paper's own tone, with soft clouds that touch the photo's
//! edge, so that a flood from the paper can walk into it in small steps.
//! The banner is a solid dark area holding light letters: stored as ink it
//! must keep its letters as holes of the right shape, not fill them or
//! turn them into specks.
#![allow(dead_code)]

use super::generator::{Page, Rng, TruthWord, font, font_for};
use super::kinds::{finish, text_block};
use image::{GrayImage, Luma, Rgb, RgbImage};

const DPI: f32 = 300.0;
/// Paper of the generated pages: a slightly warm office white.
pub const PAPER: [f32; 3] = [248.0, 246.0, 238.0];
const BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/// Smooth value noise in [0, 1): a lattice of random values every `cell`
/// pixels, interpolated with smoothstep (Perlin 1985, value variant).
struct Noise {
    cell: f32,
    gw: usize,
    values: Vec<f32>,
}

impl Noise {
    fn new(w: u32, h: u32, cell: f32, rng: &mut Rng) -> Self {
        let gw = (w as f32 / cell) as usize + 2;
        let gh = (h as f32 / cell) as usize + 2;
        let values = (0..gw * gh).map(|_| rng.unit()).collect();
        Noise { cell, gw, values }
    }

    fn at(&self, x: f32, y: f32) -> f32 {
        let (u, v) = (x / self.cell, y / self.cell);
        let (i, j) = (u as usize, v as usize);
        let s = |t: f32| t * t * (3.0 - 2.0 * t);
        let (fx, fy) = (s(u - i as f32), s(v - j as f32));
        let g = |a: usize, b: usize| self.values[b * self.gw + a];
        let top = g(i, j) * (1.0 - fx) + g(i + 1, j) * fx;
        let bottom = g(i, j + 1) * (1.0 - fx) + g(i + 1, j + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// Fractal sum of three octaves of [`Noise`], in about [0, 1).
struct Fbm(Vec<Noise>);

impl Fbm {
    fn new(w: u32, h: u32, cell: f32, rng: &mut Rng) -> Self {
        Fbm((0..3)
            .map(|o| Noise::new(w, h, cell / (1 << o) as f32, rng))
            .collect())
    }

    fn at(&self, x: f32, y: f32) -> f32 {
        let (mut sum, mut weight, mut a) = (0.0, 0.0, 1.0);
        for n in &self.0 {
            sum += n.at(x, y) * a;
            weight += a;
            a *= 0.5;
        }
        sum / weight
    }
}

/// A landscape photograph of `w` × `h` pixels: a blue sky, lighter towards
/// the horizon, with soft white clouds (some across the top edge), over
/// green hills and fields. Colours are the scene's, before the paper.
pub fn landscape(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let clouds = Fbm::new(w, h * 2, w as f32 / 3.0, &mut rng);
    let hills = Fbm::new(w, h, w as f32 / 2.0, &mut rng);
    let grass = Fbm::new(w, h, 12.0, &mut rng);
    let horizon = h as f32 * 0.55;
    let mut img = RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let (xf, yf) = (x as f32, y as f32);
            let ridge = horizon + (hills.at(xf, 0.0) - 0.5) * h as f32 * 0.25;
            let c = if yf < ridge {
                // Sky: deep blue at the top to pale near the horizon.
                let t = (yf / ridge).clamp(0.0, 1.0);
                let sky = mix([105.0, 155.0, 225.0], [205.0, 222.0, 242.0], t);
                // Clouds: soft-edged where the noise is high, shaded grey
                // underneath.
                let n = clouds.at(xf, yf * 1.8);
                let a = ((n - 0.52) / 0.12).clamp(0.0, 1.0);
                let shade = 1.0 - 0.12 * ((n - 0.6) / 0.2).clamp(0.0, 1.0);
                mix(sky, [246.0 * shade, 246.0 * shade, 250.0 * shade], a)
            } else {
                // Fields: greens and ochre in bands that narrow with distance.
                let d = (yf - ridge) / (h as f32 - ridge).max(1.0);
                let band = ((yf - ridge).sqrt() * 1.3 + hills.at(xf, yf) * 4.0) as u32 % 3;
                let base = match band {
                    0 => [70.0, 120.0, 55.0],
                    1 => [120.0, 150.0, 65.0],
                    _ => [170.0, 150.0, 90.0],
                };
                let g = 0.8 + 0.4 * grass.at(xf, yf);
                let far = mix([150.0, 170.0, 160.0], base, (d * 3.0).min(1.0));
                far.map(|v| v * g)
            };
            img.put_pixel(x, y, Rgb(c.map(|v| v.clamp(0.0, 255.0) as u8)));
        }
    }
    img
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|k| a[k] * (1.0 - t) + b[k] * t)
}

/// A half-A4 page: a column of 11-pt text on the left and a landscape
/// photograph on the right, on warm paper, scanned (noise, JPEG 90).
/// `gray` makes it a greyscale scan. Returns the page (as RGB; grey pages
/// have equal channels) and the photo's box (x0, y0, x1, y1).
pub fn photo_beside_text(gray: bool) -> (Page, [u32; 4]) {
    let (w, h) = ((8.27 * DPI) as u32, (5.5 * DPI) as u32);
    let mut ink = GrayImage::from_pixel(w, h, Luma([255]));
    let (mut words, mut text, mut next) = (Vec::new(), String::new(), 40);
    let f = font();
    text_block(
        &mut ink,
        &f,
        DPI,
        11.0,
        [300.0, 300.0, 1250.0, 1350.0],
        &mut next,
        &mut words,
        &mut text,
    );
    let photo = [1400, 300, 2250, 1250];
    let scene = landscape(photo[2] - photo[0], photo[3] - photo[1], 23);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let inside = (photo[0]..photo[2]).contains(&x) && (photo[1]..photo[3]).contains(&y);
        let base = if inside {
            scene.get_pixel(x - photo[0], y - photo[1]).0.map(f32::from)
        } else {
            [255.0; 3]
        };
        let k = f32::from(ink.get_pixel(x, y).0[0]) / 255.0;
        Rgb([0, 1, 2].map(|c| (base[c] * k * PAPER[c] / 255.0) as u8))
    });
    let mut img = finish(img, 1.5, Some(90), 31);
    if gray {
        for p in img.pixels_mut() {
            let [r, g, b] = p.0.map(f32::from);
            let l = (0.299 * r + 0.587 * g + 0.114 * b).round() as u8;
            p.0 = [l; 3];
        }
    }
    let page = Page {
        image: img,
        dpi: DPI,
        words,
        text,
    };
    (page, photo)
}

/// A half-A4 page with a full-width banner of colour `ground` at the top
/// holding one line of 20-pt bold text in `letters` (black and white, or
/// yellow on dark blue), over a body of 11-pt black text; `bleed` runs the
/// banner off the top and both sides of the page, as brochures print it.
/// Returns the page, the banner's box and the banner's words.
pub fn reversed_banner(
    ground: [f32; 3],
    letters_in: [f32; 3],
    bleed: bool,
) -> (Page, [u32; 4], Vec<TruthWord>) {
    let (w, h) = ((8.27 * DPI) as u32, (5.5 * DPI) as u32);
    let banner = if bleed {
        [0, 0, w, 420]
    } else {
        [240, 200, w - 240, 420]
    };
    // The banner's letters, drawn as ink on their own canvas.
    let mut letters = GrayImage::from_pixel(w, h, Luma([255]));
    let (mut head_words, mut head_text, mut next) = (Vec::new(), String::new(), 300);
    let bold = font_for(BOLD);
    text_block(
        &mut letters,
        &bold,
        DPI,
        20.0,
        [300.0, 250.0, (w - 300) as f32, 370.0],
        &mut next,
        &mut head_words,
        &mut head_text,
    );
    let mut body = GrayImage::from_pixel(w, h, Luma([255]));
    let (mut words, mut text) = (head_words.clone(), head_text);
    let f = font();
    text_block(
        &mut body,
        &f,
        DPI,
        11.0,
        [300.0, 520.0, (w - 300) as f32, 1400.0],
        &mut next,
        &mut words,
        &mut text,
    );
    let img = RgbImage::from_fn(w, h, |x, y| {
        let in_banner = (banner[0]..banner[2]).contains(&x) && (banner[1]..banner[3]).contains(&y);
        let c = if in_banner {
            // White letters: the banner's ink is missing where they are.
            let k = 1.0 - f32::from(letters.get_pixel(x, y).0[0]) / 255.0;
            mix(ground, letters_in, k)
        } else {
            [255.0; 3]
        };
        let k = f32::from(body.get_pixel(x, y).0[0]) / 255.0;
        Rgb([0, 1, 2].map(|i| (c[i] * k * PAPER[i] / 255.0) as u8))
    });
    let img = finish(img, 2.0, Some(90), 37);
    let page = Page {
        image: img,
        dpi: DPI,
        words,
        text,
    };
    (page, banner, head_words)
}

/// [`photo_beside_text`] printed the way newspapers print photographs: the
/// landscape in grey as a clustered-dot halftone (a 65-line screen at 45°,
/// so dots 2–6 px wide at 300 dpi), every dot solid ink. Returns the page
/// and the photo's box.
pub fn halftone_beside_text() -> (Page, [u32; 4]) {
    let (mut page, photo) = photo_beside_text(true);
    let scene = landscape(photo[2] - photo[0], photo[3] - photo[1], 23);
    let period = DPI / 65.0;
    for y in photo[1]..photo[3] {
        for x in photo[0]..photo[2] {
            let [r, g, b] = scene.get_pixel(x - photo[0], y - photo[1]).0.map(f32::from);
            let dark = 1.0 - (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
            // Position in the screen's cell, rotated 45°.
            let (u, v) = (
                (x as f32 + y as f32) / 2f32.sqrt(),
                (x as f32 - y as f32) / 2f32.sqrt(),
            );
            let (fu, fv) = ((u / period).fract() - 0.5, (v / period).fract() - 0.5);
            // A round dot whose area is the tone's darkness.
            let radius = (dark / std::f32::consts::PI).sqrt();
            let ink = (fu * fu + fv * fv).sqrt() < radius;
            let p = PAPER.map(|c| if ink { c * 0.12 } else { c });
            let l = (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) as u8;
            page.image.put_pixel(x, y, Rgb([l; 3]));
        }
    }
    (page, photo)
}

/// A half-A4 greyscale page: a column of 11-pt text on the left and, on
/// the right, a bar chart printed in light greys without outlines (bars at
/// 45–80% of the paper's brightness on thin black axes), as office
/// reports print them. Returns the page and the bars' boxes with their
/// printed level (0–255, before paper and scan).
pub fn chart_beside_text() -> (Page, Vec<([u32; 4], u8)>) {
    let (mut page, area) = photo_beside_text(true);
    let (x0, y0, x1, y1) = (area[0], area[1], area[2], area[3]);
    let levels = [205u8, 170, 225, 190, 150];
    let bar_w = (x1 - x0 - 120) / levels.len() as u32;
    let bars: Vec<([u32; 4], u8)> = levels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let bx = x0 + 80 + i as u32 * bar_w;
            let top = y0 + 60 + (i as u32 * 137) % 400;
            ([bx + 12, top, bx + bar_w - 12, y1 - 40], l)
        })
        .collect();
    let mut rng = Rng::new(77);
    for y in y0..y1 {
        for x in x0..x1 {
            let axis = (x >= x0 + 60 && x < x0 + 64) || (y >= y1 - 40 && y < y1 - 36);
            let level = if axis {
                20.0
            } else {
                bars.iter()
                    .find(|(r, _)| (r[0]..r[2]).contains(&x) && (r[1]..r[3]).contains(&y))
                    .map_or(255.0, |(_, l)| f32::from(*l))
            };
            let noise = (rng.unit() - 0.5) * 4.0;
            let v = (level * PAPER[1] / 255.0 + noise).clamp(0.0, 255.0) as u8;
            page.image.put_pixel(x, y, Rgb([v; 3]));
        }
    }
    (page, bars)
}

/// A half-A4 greyscale page of 11-pt black text in which bands of lines
/// lie on printed grey grounds (table shading and marker highlights, from
/// a light 190 down to a dark 100 of 255), and, beside the text, a bar
/// chart of dark greys (120, 90, 60). A threshold that takes a dark
/// ground for ink paints it black and hides the letters on it. Returns
/// the page and the grounds' and bars' boxes with their printed level.
pub fn shaded_text() -> (Page, Vec<([u32; 4], u8)>) {
    let (w, h) = ((8.27 * DPI) as u32, (5.5 * DPI) as u32);
    let mut ink = GrayImage::from_pixel(w, h, Luma([255]));
    let (mut words, mut text, mut next) = (Vec::new(), String::new(), 90);
    let f = font();
    text_block(
        &mut ink,
        &f,
        DPI,
        11.0,
        [300.0, 300.0, 1500.0, 1400.0],
        &mut next,
        &mut words,
        &mut text,
    );
    // Grounds under pairs of lines (a line pitch is 66 px), then bars.
    let mut areas: Vec<([u32; 4], u8)> = [190u8, 160, 130, 100]
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let top = 300 + i as u32 * 264;
            ([280, top - 12, 1520, top + 132 - 8], l)
        })
        .collect();
    for (i, &l) in [120u8, 90, 60].iter().enumerate() {
        let x = 1700 + i as u32 * 160;
        areas.push(([x, 500 + i as u32 * 150, x + 110, 1300], l));
    }
    let mut rng = Rng::new(91);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let axis = (1660..1664).contains(&x) && (400..1300).contains(&y)
            || (1660..2250).contains(&x) && (1300..1304).contains(&y);
        let ground = if axis {
            20.0
        } else {
            areas
                .iter()
                .find(|(r, _)| (r[0]..r[2]).contains(&x) && (r[1]..r[3]).contains(&y))
                .map_or(255.0, |(_, l)| f32::from(*l))
        };
        let k = f32::from(ink.get_pixel(x, y).0[0]) / 255.0;
        let noise = (rng.unit() - 0.5) * 4.0;
        let v = (ground * k * PAPER[1] / 255.0 + noise).clamp(0.0, 255.0) as u8;
        Rgb([v; 3])
    });
    let img = finish(img, 1.5, Some(90), 43);
    let page = Page {
        image: img,
        dpi: DPI,
        words,
        text,
    };
    (page, areas)
}
