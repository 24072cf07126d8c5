//! Scan-like test pages with known ground truth.
//!
//! Renders English text with a real font (DejaVu, from Debian's
//! fonts-dejavu-core) onto a page, records every word's box, then degrades
//! the page the way scanners and phones do: uneven yellowed paper, specks,
//! blur, skew, sensor noise, low contrast and JPEG artefacts. Shared by the
//! integration tests, the benchmarks and the sample generator.
#![allow(dead_code)]

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma, Rgb, RgbImage};

pub const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
];

pub const CORPUS: &str = "The committee met on Tuesday to review the annual budget and the plans for the new library. \
Several members asked whether the building could be finished before winter, since the old reading room \
is too small for the number of visitors it receives each week. The architect explained that the roof \
would be delivered in October and that the windows, which had been ordered from a factory in the north, \
were already on their way. A short discussion followed about the cost of heating, the price of paper, \
and the need for better lighting in the study area. It was agreed that the treasurer would prepare a \
detailed report for the next meeting, listing every expense of the past twelve months together with an \
estimate for the coming year. Before closing, the chair thanked the volunteers who had catalogued more \
than four thousand books during the summer, and reminded everyone that the public lecture on local \
history will take place in the town hall on the first Friday of next month. Questions about parking, \
opening hours and the children's corner were noted and will be answered in writing. The minutes were \
approved without changes and the meeting ended shortly after nine in the evening.";

/// A word as it was printed: text and box in page pixels (x0, y0, x1, y1),
/// origin top-left. The box spans the font's ascent to descent.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthWord {
    pub text: String,
    pub bbox: [f32; 4],
}

/// A generated page: pixels, resolution and what is written on it.
#[derive(Debug, Clone)]
pub struct Page {
    pub image: RgbImage,
    pub dpi: f32,
    pub words: Vec<TruthWord>,
    /// The text, one line per printed line.
    pub text: String,
}

/// Small deterministic PRNG (xorshift64*), so pages are reproducible.
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

pub fn font() -> FontVec {
    let path = FONT_PATHS
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("DejaVu fonts are missing: apt-get install fonts-dejavu-core");
    font_for(path)
}

pub fn font_for(path: &str) -> FontVec {
    let data = std::fs::read(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (apt-get install fonts-dejavu-core)"));
    FontVec::try_from_vec(data).unwrap()
}

/// Layout of a page to render.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dpi: f32,
    /// Page size in inches (A4 by default).
    pub size_in: (f32, f32),
    pub font_pt: f32,
    /// Number of text lines; the page keeps its full size.
    pub lines: usize,
    /// Where in the corpus to start (varies the text between pages).
    pub seed: u64,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            dpi: 300.0,
            size_in: (8.27, 11.69),
            font_pt: 11.0,
            lines: 30,
            seed: 1,
        }
    }
}

/// Render clean black text on white paper.
pub fn render(layout: &Layout) -> Page {
    let font = font();
    let px = layout.font_pt * layout.dpi / 72.0;
    let scaled = font.as_scaled(PxScale::from(px));
    let w = (layout.size_in.0 * layout.dpi).round() as u32;
    let h = (layout.size_in.1 * layout.dpi).round() as u32;
    let margin = layout.dpi; // one inch
    let line_h = px * 1.45;
    let mut gray = GrayImage::from_pixel(w, h, Luma([255]));
    let all: Vec<&str> = CORPUS.split_whitespace().collect();
    let mut rng = Rng::new(layout.seed);
    let mut k = rng.below(all.len());
    let space = scaled.h_advance(font.glyph_id(' '));
    let mut words = Vec::new();
    let mut text = String::new();
    let mut y = margin + scaled.ascent();
    for _ in 0..layout.lines {
        if y - scaled.descent() > h as f32 - margin * 0.5 {
            break;
        }
        let mut x = margin;
        let mut line_words = Vec::new();
        loop {
            let word = all[k % all.len()];
            let adv = word_advance(&font, &scaled, word);
            if x + adv > w as f32 - margin && !line_words.is_empty() {
                break;
            }
            draw_word(&mut gray, &font, px, word, x, y);
            words.push(TruthWord {
                text: word.to_string(),
                bbox: [x, y - scaled.ascent(), x + adv, y - scaled.descent()],
            });
            line_words.push(word);
            x += adv + space;
            k += 1;
        }
        text.push_str(&line_words.join(" "));
        text.push('\n');
        y += line_h;
    }
    let image = image::DynamicImage::ImageLuma8(gray).into_rgb8();
    Page {
        image,
        dpi: layout.dpi,
        words,
        text,
    }
}

/// Render the given lines (any script the DejaVu fonts cover) at `font_pt`
/// on an A4 page at 300 dpi. Right-to-left lines (`rtl`) are drawn in
/// visual order — words from the right margin leftwards, each word's
/// letters reversed — while the truth keeps logical order, as a reader
/// would type it. Only scripts without contextual shaping (Hebrew, not
/// Arabic) render correctly this way.
pub fn render_lines(lines: &[&str], font_pt: f32, rtl: bool) -> Page {
    render_lines_at(lines, font_pt, 300.0, FONT_PATHS[1], rtl)
}

/// [`render_lines`] at any resolution, in any of [`FONT_PATHS`].
pub fn render_lines_at(lines: &[&str], font_pt: f32, dpi: f32, font_path: &str, rtl: bool) -> Page {
    let font = font_for(font_path);
    let px = font_pt * dpi / 72.0;
    let scaled = font.as_scaled(PxScale::from(px));
    let (w, h) = ((8.27 * dpi) as u32, (11.69 * dpi) as u32);
    let margin = dpi;
    let space = scaled.h_advance(font.glyph_id(' '));
    let mut gray = GrayImage::from_pixel(w, h, Luma([255]));
    let mut words = Vec::new();
    let mut y = margin + scaled.ascent();
    for line in lines {
        let mut x = if rtl { w as f32 - margin } else { margin };
        for word in line.split_whitespace() {
            let visual: String = if rtl {
                word.chars().rev().collect()
            } else {
                word.to_string()
            };
            let adv = word_advance(&font, &scaled, &visual);
            let left = if rtl { x - adv } else { x };
            draw_word(&mut gray, &font, px, &visual, left, y);
            words.push(TruthWord {
                text: word.to_string(),
                bbox: [left, y - scaled.ascent(), left + adv, y - scaled.descent()],
            });
            x = if rtl {
                left - space
            } else {
                left + adv + space
            };
        }
        y += px * 1.5;
    }
    let text = lines.iter().map(|l| format!("{l}\n")).collect();
    Page {
        image: image::DynamicImage::ImageLuma8(gray).into_rgb8(),
        dpi,
        words,
        text,
    }
}

pub fn word_advance(font: &FontVec, scaled: &ab_glyph::PxScaleFont<&FontVec>, word: &str) -> f32 {
    let mut adv = 0.0;
    let mut prev = None;
    for c in word.chars() {
        let g = font.glyph_id(c);
        if let Some(p) = prev {
            adv += scaled.kern(p, g);
        }
        adv += scaled.h_advance(g);
        prev = Some(g);
    }
    adv
}

pub fn draw_word(img: &mut GrayImage, font: &FontVec, px: f32, word: &str, x: f32, baseline: f32) {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut pen = x;
    let mut prev = None;
    for c in word.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(PxScale::from(px), ab_glyph::point(pen, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let (ix, iy) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if ix >= 0 && iy >= 0 && (ix as u32) < img.width() && (iy as u32) < img.height() {
                    let p = img.get_pixel_mut(ix as u32, iy as u32);
                    let v = p.0[0] as f32 * (1.0 - cov.min(1.0));
                    p.0[0] = v.round() as u8;
                }
            });
        }
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
}

/// How to make a clean page look scanned.
#[derive(Debug, Clone, Default)]
pub struct Degrade {
    /// Yellowed paper with uneven lighting (darker towards one corner).
    pub uneven_yellow: bool,
    /// Number of dust specks.
    pub specks: usize,
    /// Gaussian blur sigma in pixels.
    pub blur: f32,
    /// Rotation in degrees (counter-clockwise).
    pub skew_deg: f32,
    /// Standard deviation of sensor noise, in grey levels.
    pub noise: f32,
    /// Ink darkness 0..1 (1 = black); lower is fainter.
    pub ink: Option<f32>,
    /// JPEG quality to round-trip through.
    pub jpeg_quality: Option<u8>,
    pub seed: u64,
}

impl Degrade {
    /// A typical office scan: yellowish uneven paper, some dust, slight blur
    /// and skew, JPEG.
    pub fn typical(seed: u64) -> Self {
        Degrade {
            uneven_yellow: true,
            specks: 400,
            blur: 0.7,
            skew_deg: 0.8,
            noise: 6.0,
            ink: Some(0.85),
            jpeg_quality: Some(75),
            seed,
        }
    }
}

/// Apply `d` to `page`; word boxes follow the skew.
pub fn degrade(page: &Page, d: &Degrade) -> Page {
    let mut rng = Rng::new(d.seed ^ 0xDE6A);
    let (w, h) = page.image.dimensions();
    // Work on ink coverage (0 = paper, 1 = ink) so paper and ink colours are
    // applied once at the end.
    let mut cov: Vec<f32> = page
        .image
        .pixels()
        .map(|p| 1.0 - p.0[0] as f32 / 255.0)
        .collect();
    let mut words = page.words.clone();
    if d.skew_deg != 0.0 {
        let (c, s) = (d.skew_deg.to_radians().cos(), d.skew_deg.to_radians().sin());
        let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
        let src = cov.clone();
        for y in 0..h {
            for x in 0..w {
                // Inverse rotation, bilinear sample.
                let (dx, dy) = (x as f32 - cx, y as f32 - cy);
                let sx = c * dx - s * dy + cx;
                let sy = s * dx + c * dy + cy;
                cov[(y * w + x) as usize] = bilinear(&src, w, h, sx, sy);
            }
        }
        for word in &mut words {
            let [x0, y0, x1, y1] = word.bbox;
            let pts = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(x, y)| {
                let (dx, dy) = (x - cx, y - cy);
                (c * dx + s * dy + cx, -s * dx + c * dy + cy)
            });
            word.bbox = [
                pts.iter().map(|p| p.0).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.1).fold(f32::MAX, f32::min),
                pts.iter().map(|p| p.0).fold(f32::MIN, f32::max),
                pts.iter().map(|p| p.1).fold(f32::MIN, f32::max),
            ];
        }
    }
    for _ in 0..d.specks {
        let (x, y) = (rng.below(w as usize) as i32, rng.below(h as usize) as i32);
        let r = 0.5 + rng.unit() * 1.5 * page.dpi / 300.0;
        let ri = r.ceil() as i32;
        for yy in y - ri..=y + ri {
            for xx in x - ri..=x + ri {
                if xx >= 0 && yy >= 0 && (xx as u32) < w && (yy as u32) < h {
                    let dd = (((xx - x).pow(2) + (yy - y).pow(2)) as f32).sqrt();
                    if dd <= r {
                        cov[(yy as u32 * w + xx as u32) as usize] = 1.0;
                    }
                }
            }
        }
    }
    if d.blur > 0.0 {
        let g = GrayImage::from_fn(w, h, |x, y| {
            Luma([(cov[(y * w + x) as usize] * 255.0).round() as u8])
        });
        let g = imageproc::filter::gaussian_blur_f32(&g, d.blur);
        cov = g.pixels().map(|p| p.0[0] as f32 / 255.0).collect();
    }
    let ink = d.ink.unwrap_or(1.0);
    let mut out = RgbImage::new(w, h);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let paper: [f32; 3] = if d.uneven_yellow {
            // Light falls off towards the bottom right; paper is yellowed.
            let light = 0.97 - 0.22 * (fx * 0.6 + fy * 0.4).powf(1.5);
            [245.0 * light, 232.0 * light, 190.0 * light]
        } else {
            [255.0, 255.0, 255.0]
        };
        let c = cov[(y * w + x) as usize] * ink;
        let n = if d.noise > 0.0 {
            gauss(&mut rng) * d.noise
        } else {
            0.0
        };
        let px = |v: f32| (v * (1.0 - c) + 20.0 * c + n).clamp(0.0, 255.0) as u8;
        *p = Rgb([px(paper[0]), px(paper[1]), px(paper[2])]);
    }
    if let Some(q) = d.jpeg_quality {
        let mut buf = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q)
            .encode_image(&out)
            .unwrap();
        out = image::load_from_memory(&buf).unwrap().into_rgb8();
    }
    Page {
        image: out,
        dpi: page.dpi,
        words,
        text: page.text.clone(),
    }
}

fn bilinear(src: &[f32], w: u32, h: u32, x: f32, y: f32) -> f32 {
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f32 || y >= (h - 1) as f32 {
        return 0.0;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (tx, ty) = (x - x0 as f32, y - y0 as f32);
    let at = |xx: u32, yy: u32| src[(yy * w + xx) as usize];
    let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
    let bot = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
    top * (1.0 - ty) + bot * ty
}

fn gauss(rng: &mut Rng) -> f32 {
    // Sum of uniforms: close enough to normal for noise.
    (0..4).map(|_| rng.unit()).sum::<f32>() - 2.0
}

/// Save as PNG with the page's DPI in pHYs.
pub fn save_png(page: &Page, path: &std::path::Path) {
    let (w, h) = page.image.dimensions();
    write_png(
        page.image.as_raw(),
        (w, h),
        png::ColorType::Rgb,
        page.dpi,
        path,
    );
}

/// Write 8-bit pixels (`color` says how many channels) as PNG with `dpi`
/// in pHYs.
pub fn write_png(
    pixels: &[u8],
    (w, h): (u32, u32),
    color: png::ColorType,
    dpi: f32,
    path: &std::path::Path,
) {
    let f = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), w, h);
    enc.set_color(color);
    let ppm = (dpi / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    enc.write_header()
        .unwrap()
        .write_image_data(pixels)
        .unwrap();
}

/// Character error rate: Levenshtein distance over the truth's length, with
/// runs of whitespace folded to one space.
pub fn cer(truth: &str, got: &str) -> f64 {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .collect::<Vec<char>>()
    };
    let (a, b) = (norm(truth), norm(got));
    if a.is_empty() {
        return if b.is_empty() { 0.0 } else { 1.0 };
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as f64 / a.len() as f64
}

/// Intersection over union of two boxes (x0, y0, x1, y1).
pub fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let ix = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let iy = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = ix * iy;
    let area = |r: [f32; 4]| (r[2] - r[0]) * (r[3] - r[1]);
    inter / (area(a) + area(b) - inter)
}

/// Paint a colourful, photo-like picture into `rect` (x0, y0, x1, y1) of a
/// page: overlapping soft-edged discs of varied colour and brightness over
/// a gradient, with grain, so it has the edges, dark and light areas of a
/// real photograph.
pub fn add_photo(page: &mut Page, rect: [u32; 4], seed: u64) {
    let mut rng = Rng::new(seed);
    let [x0, y0, x1, y1] = rect;
    let (w, h) = ((x1 - x0) as f32, (y1 - y0) as f32);
    let discs: Vec<(f32, f32, f32, [f32; 3])> = (0..14)
        .map(|_| {
            let c = [rng.unit() * 230.0, rng.unit() * 230.0, rng.unit() * 230.0];
            (
                rng.unit() * w,
                rng.unit() * h,
                (0.08 + rng.unit() * 0.2) * w,
                c,
            )
        })
        .collect();
    for y in y0..y1 {
        for x in x0..x1 {
            let (u, v) = ((x - x0) as f32, (y - y0) as f32);
            let mut c = [
                40.0 + 120.0 * u / w,
                90.0 + 60.0 * v / h,
                170.0 - 110.0 * v / h,
            ];
            for &(cx, cy, r, col) in &discs {
                let d = ((u - cx).powi(2) + (v - cy).powi(2)).sqrt();
                let a = (1.0 - (d - r) / 6.0).clamp(0.0, 1.0);
                for k in 0..3 {
                    c[k] = c[k] * (1.0 - a) + col[k] * a;
                }
            }
            let grain = (rng.unit() - 0.5) * 24.0;
            page.image
                .put_pixel(x, y, Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8)));
        }
    }
}

/// Paint a solid dark band `width` pixels wide along the left and bottom
/// edges, as a scanner lid leaves.
pub fn add_dark_border(page: &mut Page, width: u32) {
    let (w, h) = page.image.dimensions();
    for (x, y, p) in page.image.enumerate_pixels_mut() {
        if x < width || y >= h - width || (x >= w - width / 3) {
            *p = Rgb([25, 25, 25]);
        }
    }
}

/// A half A4 page of 12 lines: enough text for OCR, quick to process.
pub fn half_page(seed: u64) -> Page {
    render(&Layout {
        seed,
        lines: 12,
        size_in: (8.27, 5.5),
        ..Default::default()
    })
}

/// A page whose ink is rows of letter-sized bars: it looks like lines of
/// text to the ink measure, but no OCR engine reads a word in it (the
/// `few_words` warning's page).
pub fn unreadable_text_like_page() -> Page {
    let mut rng = Rng::new(7);
    let (w, h) = (2480u32, 1650u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    for row in 0..14 {
        let base = 340 + row * 70;
        let mut x = 300;
        while x < 2150 {
            let bw = [6, 12, 18, 24][rng.below(4)];
            let bh = [22, 22, 30, 40][rng.below(4)];
            for y in base - bh..base {
                for xx in x..x + bw {
                    img.put_pixel(xx, y, Rgb([0, 0, 0]));
                }
            }
            x += bw + [8, 8, 8, 30][rng.below(4)];
        }
    }
    Page {
        image: img,
        dpi: 300.0,
        words: Vec::new(),
        text: String::new(),
    }
}

/// `page` turned clockwise by a quarter turn (1) or a half turn (2); the
/// ground truth stays as printed.
pub fn rotated(page: &Page, quarter_turns: u8) -> Page {
    let img = image::DynamicImage::ImageRgb8(page.image.clone());
    let img = match quarter_turns {
        1 => img.rotate90(),
        2 => img.rotate180(),
        _ => img,
    };
    Page {
        image: img.into_rgb8(),
        ..page.clone()
    }
}

/// One half page per kind of scan damage: (file stem, label, page). Used by
/// `tests/degradations.rs` and by `gen_pages degradations` for
/// `benches/cleanup_cer.sh`, so both measure the same pages.
pub fn degradation_cases() -> Vec<(&'static str, &'static str, Page)> {
    let plain = |seed: u64| Degrade {
        seed,
        ..Default::default()
    };
    vec![
        (
            "01-yellow-paper",
            "yellow uneven paper",
            degrade(
                &half_page(51),
                &Degrade {
                    uneven_yellow: true,
                    noise: 4.0,
                    jpeg_quality: Some(80),
                    ..plain(51)
                },
            ),
        ),
        (
            "02-heavy-specks",
            "heavy specks",
            degrade(
                &half_page(52),
                &Degrade {
                    specks: 4000,
                    ..plain(52)
                },
            ),
        ),
        (
            "03-skew-3deg",
            "3° skew",
            degrade(
                &half_page(53),
                &Degrade {
                    skew_deg: 3.0,
                    blur: 0.6,
                    ..plain(53)
                },
            ),
        ),
        (
            "04-rotated-180",
            "180° rotation",
            rotated(&degrade(&half_page(54), &Degrade::typical(54)), 2),
        ),
        (
            "05-rotated-90",
            "90° rotation",
            rotated(&degrade(&half_page(55), &Degrade::typical(55)), 1),
        ),
        (
            "06-low-contrast",
            "low contrast",
            degrade(
                &half_page(56),
                &Degrade {
                    uneven_yellow: true,
                    ink: Some(0.3),
                    noise: 3.0,
                    blur: 0.5,
                    ..plain(56)
                },
            ),
        ),
        ("07-dark-border", "dark border", {
            let mut p = degrade(&half_page(57), &Degrade::typical(57));
            add_dark_border(&mut p, 90);
            p
        }),
    ]
}
