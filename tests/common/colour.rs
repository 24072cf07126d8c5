//! Colour pages with known content, and the measures of how much of their
//! colour a rendering keeps (issue 11).
//!
//! Pages are drawn the way ink and highlighter behave on paper: every
//! layer multiplies the light that the layers under it reflect, so black
//! text stays black under a yellow highlighter and a tinted box darkens
//! the text on it by nothing. The paper is cream, slightly uneven, with
//! sensor noise and a JPEG round trip, as from an office scanner. Since
//! the paper's colour multiplies everything, the page's white balance
//! (dividing by the paper) gives back each ink's own colour: that is the
//! colour a faithful rendering shows in the glyphs' cores.
#![allow(dead_code)]

use super::generator::{self, Page, Rng, TruthWord};
use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma, Rgb, RgbImage};

const DPI: f32 = 300.0;
const SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/// A coloured element of a page: its name, the ink it was drawn in and its
/// core (pixels fully covered by ink, one pixel in from every edge).
pub struct Element {
    pub name: &'static str,
    pub ink: [u8; 3],
    pub core: Vec<(u32, u32)>,
}

/// A tinted area of paper (highlighter, a box): its name, rectangle
/// (x0, y0, x1, y1) and the colour it has after white balance.
pub struct Tint {
    pub name: &'static str,
    pub rect: [u32; 4],
    pub colour: [u8; 3],
}

/// A generated colour page, its coloured elements and tinted areas.
pub struct ColourPage {
    pub page: Page,
    pub elements: Vec<Element>,
    pub tints: Vec<Tint>,
}

/// Ink drawn on a canvas: coverage 0..1 per pixel.
struct Layer {
    ink: [u8; 3],
    cov: Vec<f32>,
}

struct Canvas {
    w: u32,
    h: u32,
    /// Multiplicative tints (highlighter, boxes), 0..1 per channel.
    tint: Vec<[f32; 3]>,
    layers: Vec<(Option<&'static str>, Layer)>,
    tints: Vec<Tint>,
    words: Vec<TruthWord>,
    text: String,
    sans: FontVec,
    bold: FontVec,
}

impl Canvas {
    fn a4() -> Self {
        Canvas::sized(8.27, 11.69)
    }

    /// A blank canvas of `w_in` × `h_in` inches at 300 dpi.
    fn sized(w_in: f32, h_in: f32) -> Self {
        let (w, h) = ((w_in * DPI) as u32, (h_in * DPI) as u32);
        Canvas {
            w,
            h,
            tint: vec![[1.0; 3]; (w * h) as usize],
            layers: Vec::new(),
            tints: Vec::new(),
            words: Vec::new(),
            text: String::new(),
            sans: generator::font_for(SANS),
            bold: generator::font_for(BOLD),
        }
    }

    /// A new ink layer; `name` makes it a measured coloured element.
    fn layer(&mut self, name: Option<&'static str>, ink: [u8; 3]) -> usize {
        let cov = vec![0.0; (self.w * self.h) as usize];
        self.layers.push((name, Layer { ink, cov }));
        self.layers.len() - 1
    }

    /// Draw one line of text in layer `l`; returns the line's right end.
    fn line(&mut self, l: usize, text: &str, pt: f32, bold: bool, x: f32, baseline: f32) -> f32 {
        let font = if bold { &self.bold } else { &self.sans };
        let px = pt * DPI / 72.0;
        let scaled = font.as_scaled(PxScale::from(px));
        let space = scaled.h_advance(font.glyph_id(' '));
        let mut img = GrayImage::from_pixel(self.w, self.h, Luma([255]));
        let mut pen = x;
        for word in text.split_whitespace() {
            let adv = generator::word_advance(font, &scaled, word);
            generator::draw_word(&mut img, font, px, word, pen, baseline);
            self.words.push(TruthWord {
                text: word.to_string(),
                bbox: [
                    pen,
                    baseline - scaled.ascent(),
                    pen + adv,
                    baseline - scaled.descent(),
                ],
            });
            pen += adv + space;
        }
        self.text.push_str(text);
        self.text.push('\n');
        let cov = &mut self.layers[l].1.cov;
        for (c, p) in cov.iter_mut().zip(img.iter()) {
            *c = (*c + 1.0 - f32::from(*p) / 255.0).min(1.0);
        }
        pen - space
    }

    /// A filled rectangle of ink (rules, frames).
    fn rect(&mut self, l: usize, [x0, y0, x1, y1]: [u32; 4]) {
        let w = self.w;
        let cov = &mut self.layers[l].1.cov;
        for y in y0..y1 {
            for x in x0..x1 {
                cov[(y * w + x) as usize] = 1.0;
            }
        }
    }

    /// A rectangular frame `t` pixels thick.
    fn frame(&mut self, l: usize, [x0, y0, x1, y1]: [u32; 4], t: u32) {
        self.rect(l, [x0, y0, x1, y0 + t]);
        self.rect(l, [x0, y1 - t, x1, y1]);
        self.rect(l, [x0, y0, x0 + t, y1]);
        self.rect(l, [x1 - t, y0, x1, y1]);
    }

    /// A pen stroke through `points`, `width` pixels wide, anti-aliased.
    fn stroke(&mut self, l: usize, points: &[(f32, f32)], width: f32) {
        let w = self.w;
        let r = width / 2.0;
        let cov = &mut self.layers[l].1.cov;
        for pair in points.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            let (x0, x1) = (ax.min(bx) - r - 1.0, ax.max(bx) + r + 1.0);
            let (y0, y1) = (ay.min(by) - r - 1.0, ay.max(by) + r + 1.0);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = (dx * dx + dy * dy).max(1e-6);
            for y in y0.max(0.0) as u32..y1 as u32 {
                for x in x0.max(0.0) as u32..x1 as u32 {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let t = (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0);
                    let d = (px - ax - t * dx).hypot(py - ay - t * dy);
                    let c = (r + 0.5 - d).clamp(0.0, 1.0);
                    let i = (y * w + x) as usize;
                    cov[i] = cov[i].max(c);
                }
            }
        }
    }

    /// Tint a rectangle (multiplies the paper's light by `colour`/255).
    fn tint(&mut self, name: &'static str, rect: [u32; 4], colour: [u8; 3]) {
        self.tints.push(Tint { name, rect, colour });
        let [x0, y0, x1, y1] = rect;
        let f = colour.map(|c| f32::from(c) / 255.0);
        for y in y0..y1 {
            for x in x0..x1 {
                let t = &mut self.tint[(y * self.w + x) as usize];
                for k in 0..3 {
                    t[k] *= f[k];
                }
            }
        }
    }

    /// The scanned page: cream uneven paper × tints × inks, noise, JPEG.
    fn finish(self, seed: u64) -> ColourPage {
        let (w, h) = (self.w, self.h);
        let mut rng = Rng::new(seed);
        let mut image = RgbImage::new(w, h);
        for (i, p) in image.pixels_mut().enumerate() {
            let (x, y) = ((i as u32 % w) as f32, (i as u32 / w) as f32);
            // Cream paper, a little darker towards the bottom right.
            let shade = 1.0 - 0.05 * (x / w as f32 + y / h as f32) / 2.0;
            let mut c = [248.0 * shade, 243.0 * shade, 228.0 * shade];
            for (v, t) in c.iter_mut().zip(self.tint[i]) {
                *v *= t;
            }
            for (_, l) in &self.layers {
                let cov = l.cov[i];
                if cov > 0.0 {
                    for (v, ink) in c.iter_mut().zip(l.ink) {
                        *v *= 1.0 - cov * (1.0 - f32::from(ink) / 255.0);
                    }
                }
            }
            let noise = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 6.0;
            *p = Rgb(c.map(|v| (v + noise).round().clamp(0.0, 255.0) as u8));
        }
        let mut buf = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 90)
            .encode_image(&image)
            .unwrap();
        let image = image::load_from_memory(&buf).unwrap().to_rgb8();
        let elements = self
            .layers
            .iter()
            .filter_map(|(name, l)| {
                let name = (*name)?;
                let full = |x: u32, y: u32| l.cov[(y * w + x) as usize] >= 0.99;
                let mut core = Vec::new();
                for y in 1..h - 1 {
                    for x in 1..w - 1 {
                        if full(x, y)
                            && full(x - 1, y)
                            && full(x + 1, y)
                            && full(x, y - 1)
                            && full(x, y + 1)
                        {
                            core.push((x, y));
                        }
                    }
                }
                Some(Element {
                    name,
                    ink: l.ink,
                    core,
                })
            })
            .collect();
        ColourPage {
            page: Page {
                image,
                dpi: DPI,
                words: self.words,
                text: self.text,
            },
            elements,
            tints: self.tints,
        }
    }
}

pub const BLUE: [u8; 3] = [30, 70, 180];
pub const RED: [u8; 3] = [205, 35, 45];
pub const INK_BLUE: [u8; 3] = [25, 45, 150];
pub const GREEN: [u8; 3] = [20, 130, 60];
pub const BLACK: [u8; 3] = [25, 25, 25];
pub const HIGHLIGHTER: [u8; 3] = [255, 238, 70];
pub const NOTE_TINT: [u8; 3] = [215, 232, 250];

/// Body text of `lines` lines from the corpus, starting at word `from`,
/// wrapped at the margins; returns the baselines drawn.
fn body(
    c: &mut Canvas,
    l: usize,
    from: usize,
    lines: usize,
    top: f32,
    right: f32,
) -> Vec<(f32, f32)> {
    let words: Vec<&str> = generator::CORPUS.split_whitespace().collect();
    let px = 11.0 * DPI / 72.0;
    let scaled = c.sans.as_scaled(PxScale::from(px));
    let space = scaled.h_advance(c.sans.glyph_id(' '));
    let mut k = from;
    let mut texts = Vec::new();
    for _ in 0..lines {
        let mut line = Vec::new();
        let mut x = 300.0;
        loop {
            let word = words[k % words.len()];
            let adv = generator::word_advance(&c.sans, &scaled, word);
            if x + adv > right && !line.is_empty() {
                break;
            }
            line.push(word);
            x += adv + space;
            k += 1;
        }
        texts.push(line.join(" "));
    }
    let mut out = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let baseline = top + i as f32 * px * 1.45;
        let end = c.line(l, t, 11.0, false, 300.0, baseline);
        out.push((baseline, end));
    }
    out
}

/// An A4 business letter at 300 dpi: blue letterhead and rule, a red
/// "RECEIVED" stamp in a frame, black body text with one line under a
/// yellow highlighter, a light blue note box with black text in it, a blue
/// handwritten signature and a green footer. With `colour` false every ink
/// is black and nothing is tinted: the same letter as a black-text page.
pub fn letter(colour: bool) -> ColourPage {
    let pick = |c: [u8; 3]| if colour { c } else { BLACK };
    let mut c = Canvas::a4();
    let head = c.layer(Some("letterhead"), pick(BLUE));
    c.line(head, "NORTHWIND TRADING", 26.0, true, 300.0, 330.0);
    c.line(
        head,
        "Fine paper goods since 1921",
        12.0,
        false,
        300.0,
        410.0,
    );
    c.rect(head, [300, 450, 2180, 458]);
    let stamp = c.layer(Some("stamp"), pick(RED));
    c.frame(stamp, [1500, 560, 2220, 800], 8);
    c.line(stamp, "RECEIVED", 30.0, true, 1545.0, 700.0);
    c.line(stamp, "12 NOV 2026", 12.0, true, 1720.0, 770.0);
    let text = c.layer(None, BLACK);
    c.line(text, "Ms Ada Fairweather", 11.0, false, 300.0, 620.0);
    c.line(
        text,
        "14 Orchard Lane, Cheltenham",
        11.0,
        false,
        300.0,
        680.0,
    );
    c.line(text, "Dear Ms Fairweather,", 11.0, false, 300.0, 900.0);
    let lines = body(&mut c, text, 0, 16, 1000.0, 2180.0);
    if colour {
        let (base, end) = lines[5];
        let band = [
            292,
            (base - 48.0) as u32,
            end as u32 + 8,
            (base + 16.0) as u32,
        ];
        c.tint("highlighter", band, HIGHLIGHTER);
    }
    let top = lines.last().unwrap().0 as u32 + 110;
    if colour {
        c.tint("note box", [300, top, 1700, top + 300], NOTE_TINT);
    }
    c.line(
        text,
        "Note: the invoice for the October",
        11.0,
        false,
        340.0,
        top as f32 + 90.0,
    );
    c.line(
        text,
        "order is enclosed with this letter.",
        11.0,
        false,
        340.0,
        top as f32 + 160.0,
    );
    c.line(
        text,
        "Payment is due within thirty days.",
        11.0,
        false,
        340.0,
        top as f32 + 230.0,
    );
    let close = top as f32 + 440.0;
    c.line(text, "Yours sincerely,", 11.0, false, 300.0, close);
    c.line(
        text,
        "Thomas Reed, Sales Office",
        11.0,
        false,
        300.0,
        close + 300.0,
    );
    let sig = c.layer(Some("signature"), pick(INK_BLUE));
    let base = close + 160.0;
    let points: Vec<(f32, f32)> = (0..=240)
        .map(|i| {
            let t = i as f32 / 240.0;
            let x = 320.0 + 560.0 * t + 30.0 * (t * 40.0).sin();
            let y = base - 50.0 * (t * 19.0).sin() * (1.0 - 0.5 * t) - 20.0 * (t * 40.0).cos();
            (x, y)
        })
        .collect();
    c.stroke(sig, &points, 6.0);
    let foot = c.layer(Some("footer"), pick(GREEN));
    c.line(
        foot,
        "Northwind Trading Ltd, 12 Harbour Street, Bristol BS1 4QA, www.northwind.example",
        9.0,
        false,
        300.0,
        3330.0,
    );
    c.rect(foot, [300, 3250, 2180, 3256]);
    c.finish(11)
}

/// An A4 page of three sections with coloured headings (red, blue, green)
/// over black text, and a colour photo beside the second section.
pub fn headings_and_photo() -> ColourPage {
    let mut c = Canvas::a4();
    let text = c.layer(None, BLACK);
    let mut y = 420.0;
    let heads = [
        ("red heading", RED, "Annual Report"),
        ("blue heading", BLUE, "Library Building Plans"),
        ("green heading", GREEN, "Volunteers and Events"),
    ];
    let mut photo_at = 0.0;
    for (i, (name, ink, title)) in heads.into_iter().enumerate() {
        let l = c.layer(Some(name), ink);
        c.line(l, title, 20.0, true, 300.0, y);
        let right = if i == 1 { 1250.0 } else { 2180.0 };
        if i == 1 {
            photo_at = y + 60.0;
        }
        let lines = body(&mut c, text, i * 60, 12, y + 110.0, right);
        y = lines.last().unwrap().0 + 220.0;
    }
    let mut done = c.finish(12);
    let top = photo_at as u32;
    generator::add_photo(&mut done.page, [1350, top, 2180, top + 700], 5);
    done
}

/// The ink colour after white balance per element is the ink itself
/// (see the module doc); CIELAB of an sRGB colour, by the library's own
/// conversion (checked there against published values).
pub fn lab(rgb: [u8; 3]) -> [f32; 3] {
    ocrpdf::internals::colour::lab(rgb)
}

/// Hue histogram: 12 sectors of CIELAB hue over the pixels with chroma
/// above 25, normalised to sum 1 (all zero when there are none), and the
/// number of such pixels.
pub fn hue_histogram(img: &RgbImage) -> ([f64; 12], usize) {
    let mut hist = [0f64; 12];
    let mut n = 0;
    for p in img.pixels() {
        let [_, a, b] = lab(p.0);
        if a.hypot(b) > 25.0 {
            let hue = b.atan2(a).to_degrees().rem_euclid(360.0);
            hist[((hue / 30.0) as usize).min(11)] += 1.0;
            n += 1;
        }
    }
    if n > 0 {
        hist.iter_mut().for_each(|h| *h /= n as f64);
    }
    (hist, n)
}

/// Colour kept: the intersection of the hue histograms of scan and
/// rendering (1 = the same hues in the same proportions, 0 = none).
pub fn colour_kept(scan: &RgbImage, render: &RgbImage) -> f64 {
    let (a, _) = hue_histogram(scan);
    let (b, _) = hue_histogram(render);
    a.iter().zip(&b).map(|(x, y)| x.min(*y)).sum()
}

/// CIEDE2000 colour difference (Sharma, Wu & Dalal 2005, eq. 1–22).
pub fn ciede2000(l1: [f32; 3], l2: [f32; 3]) -> f64 {
    let [l1, a1, b1] = l1.map(f64::from);
    let [l2, a2, b2] = l2.map(f64::from);
    let c1 = a1.hypot(b1);
    let c2 = a2.hypot(b2);
    let cm = f64::midpoint(c1, c2);
    let g = 0.5 * (1.0 - (cm.powi(7) / (cm.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            b.atan2(a).to_degrees().rem_euclid(360.0)
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dhh = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let lm = f64::midpoint(l1, l2);
    let cmp = f64::midpoint(c1p, c2p);
    let hm = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        f64::midpoint(h1p, h2p)
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hm - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hm).to_radians().cos()
        + 0.32 * (3.0 * hm + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hm - 63.0).to_radians().cos();
    let dtheta = 30.0 * (-((hm - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (cmp.powi(7) / (cmp.powi(7) + 25f64.powi(7))).sqrt();
    let sl = 1.0 + 0.015 * (lm - 50.0).powi(2) / (20.0 + (lm - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cmp;
    let sh = 1.0 + 0.015 * cmp * t;
    let rt = -(2.0 * dtheta).to_radians().sin() * rc;
    ((dl / sl).powi(2) + (dc / sc).powi(2) + (dhh / sh).powi(2) + rt * (dc / sc) * (dhh / sh))
        .sqrt()
}

/// Mean CIEDE2000 between `render` and the element's ink over its core.
pub fn core_delta_e(render: &RgbImage, e: &Element) -> f64 {
    let ink = lab(e.ink);
    let (w, h) = render.dimensions();
    let mut sum = 0.0;
    let mut n = 0;
    for &(x, y) in &e.core {
        if x < w && y < h {
            sum += ciede2000(ink, lab(render.get_pixel(x, y).0));
            n += 1;
        }
    }
    if n == 0 {
        f64::INFINITY
    } else {
        sum / n as f64
    }
}

/// Light inks that a luma threshold loses: each is a measured element.
pub const LIGHT_INKS: [(&str, [u8; 3]); 4] = [
    ("yellow", [255, 222, 0]),
    ("light blue", [110, 175, 235]),
    ("pale red", [240, 125, 125]),
    ("pencil", [160, 160, 160]),
];

/// Half an A4 page (8.27 × 5.5 in) with two lines of 12-pt text in each of
/// [`LIGHT_INKS`], under a black heading: on cream paper, or on paper tinted `tint` (`None`: the
/// whole page is plain paper). Each light ink is an element named after
/// it, so tests can find its core pixels.
pub fn light_inks(tint: Option<[u8; 3]>) -> ColourPage {
    let mut c = Canvas::sized(8.27, 5.5);
    let head = c.layer(None, BLACK);
    c.line(head, "Notes in several inks", 16.0, true, 250.0, 250.0);
    if let Some(t) = tint {
        let (w, h) = (c.w, c.h);
        c.tint("tinted paper", [0, 0, w, h], t);
    }
    let words: Vec<&str> = generator::CORPUS.split_whitespace().collect();
    let mut k = 40;
    let mut baseline = 400.0;
    for (name, ink) in LIGHT_INKS {
        let l = c.layer(Some(name), ink);
        for _ in 0..2 {
            let line: Vec<&str> = (0..9).map(|i| words[(k + i) % words.len()]).collect();
            k += 9;
            c.line(l, &line.join(" "), 12.0, false, 250.0, baseline);
            baseline += 75.0;
        }
        baseline += 45.0;
    }
    c.finish(23)
}

/// A street map, as a 1250 × 1250 px colour image at 150 dpi: pale land
/// tints (a beige ground, green parks, a yellow built-up area), a blue
/// river with darker banks, roads drawn as thin grey casings with a pale
/// yellow fill (hollow at a glance), and black place names. Returns the
/// image and the names.
pub fn street_map() -> (RgbImage, Vec<&'static str>) {
    let (w, h) = (1250u32, 1250u32);
    let names = [
        "Northfield",
        "Riverside",
        "Old Town",
        "Mill Park",
        "Eastgate",
    ];
    let mut rng = Rng::new(77);
    let river = |x: f32| 620.0 + 160.0 * (x / 210.0).sin() + 50.0 * (x / 77.0).cos();
    let roads: Vec<(bool, f32)> = (0..7)
        .map(|k| (k % 2 == 0, 90.0 + k as f32 * 165.0 + rng.unit() * 40.0))
        .collect();
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let mut c = [246.0, 238.0, 220.0];
        if ((fx - 300.0) / 190.0).powi(2) + ((fy - 300.0) / 140.0).powi(2) < 1.0
            || ((fx - 950.0) / 160.0).powi(2) + ((fy - 1000.0) / 120.0).powi(2) < 1.0
        {
            c = [205.0, 230.0, 190.0];
        }
        if (700.0..1150.0).contains(&fx) && (120.0..420.0).contains(&fy) {
            c = [250.0, 232.0, 175.0];
        }
        let d = (fy - river(fx)).abs();
        if d < 38.0 {
            c = if d > 33.0 {
                [90.0, 140.0, 200.0]
            } else {
                [160.0, 200.0, 238.0]
            };
        }
        for &(horizontal, at) in &roads {
            let d = if horizontal {
                (fy - at).abs()
            } else {
                (fx - at).abs()
            };
            if d < 2.5 {
                c = [255.0, 236.0, 150.0];
            } else if d < 4.5 {
                c = [110.0, 110.0, 110.0];
            }
        }
        Rgb(c.map(|v| v as u8))
    });
    let font = generator::font_for(BOLD);
    let px = 11.0 * 150.0 / 72.0;
    let spots = [
        (140.0, 200.0),
        (160.0, 820.0),
        (760.0, 330.0),
        (230.0, 330.0),
        (880.0, 960.0),
    ];
    for (name, (x, y)) in names.iter().zip(spots) {
        let mut g = GrayImage::from_pixel(w, h, Luma([255]));
        generator::draw_word(&mut g, &font, px, name, x, y);
        for (p, v) in img.pixels_mut().zip(g.iter()) {
            let a = 1.0 - f32::from(*v) / 255.0;
            p.0 = p.0.map(|c| (f32::from(c) * (1.0 - a) + 20.0 * a) as u8);
        }
    }
    for p in img.pixels_mut() {
        let n = (rng.unit() - 0.5) * 8.0;
        p.0 = p.0.map(|c| (f32::from(c) + n).clamp(0.0, 255.0) as u8);
    }
    (img, names.to_vec())
}
