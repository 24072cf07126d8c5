//! Ground-truth page kinds (issue 10): the degraded real pages on which
//! the text layer lost words — uneven light, a book-fold shadow, stains and
//! bleed-through, faded ink, low contrast, tinted boxes and pages, a
//! magazine layout, low resolutions, a phone snapshot — plus a photo with
//! no text at all.
//!
//! Every kind starts from a clean DejaVu render whose ink coverage is kept;
//! the damage only changes how that ink and its paper are lit, tinted,
//! blurred and recorded, never where they are. So each page comes with
//! `truth_bits`, the clean render thresholded at coverage 0.5, pixel-aligned
//! with the degraded page: a binariser's output can be scored against it
//! with [`fmeasure`] (no kind is skewed, for that reason).
//!
//! The pages are small (half A4 or a little more) and deterministic: every
//! random choice comes from a fixed seed.
#![allow(dead_code)]

use super::generator::{
    CORPUS, Layout, Page, Rng, TruthWord, add_photo, draw_word, font, font_for, render,
    word_advance,
};
use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma, Rgb, RgbImage};

/// Ink in `truth_bits` (and in ocrpdf's `BitImage`).
pub const INK: u8 = 0;
/// Paper in `truth_bits`.
pub const PAPER: u8 = 255;

/// Half an A4 page in inches: twelve lines of body text, quick to OCR.
const HALF_A4: (f32, f32) = (8.27, 5.5);

/// One kind of page with its ground truth.
#[derive(Debug, Clone)]
pub struct Kind {
    /// File stem, e.g. `05-faded-ink`.
    pub name: &'static str,
    /// The degraded page; `page.text` and `page.words` are what is printed.
    pub page: Page,
    /// The clean render as bilevel image (`INK`/`PAPER`), same size and
    /// pixel grid as `page.image`; `None` where there is no text to score.
    pub truth_bits: Option<GrayImage>,
    /// A photograph and no text: the text layer should stay (nearly) empty.
    pub photo_only: bool,
    /// A one-line caption under a photo, which must reach the text layer.
    pub has_caption: bool,
    /// The caption's text, when `has_caption`.
    pub caption: Option<String>,
    /// The photo's box (x0, y0, x1, y1) in page pixels, if there is one.
    pub photo: Option<[u32; 4]>,
}

/// Every page kind, in a fixed order (the names sort in that order).
pub fn page_kinds() -> Vec<Kind> {
    vec![
        clean(),
        uneven_light(),
        book_fold(),
        bleed_and_stains(),
        faded_ink(),
        low_contrast(),
        tinted_box(),
        tinted_page(),
        magazine(),
        dpi150(),
        phone200(),
        photo_only(),
    ]
}

/// DIBCO F-measure of a binarisation `got` against `truth`, in percent:
/// 2·P·R / (P + R) over ink pixels (value < 128), P = precision, R = recall
/// (Pratikakis et al., ICDAR 2009 Document Image Binarization Contest).
/// 100 when neither image has ink, 0 when only one has. The images must
/// have the same size.
pub fn fmeasure(truth: &GrayImage, got: &GrayImage) -> f64 {
    match precision_recall(truth, got) {
        None => 100.0,
        Some((p, r)) if p + r == 0.0 => 0.0,
        Some((p, r)) => 100.0 * 2.0 * p * r / (p + r),
    }
}

/// Precision and recall (0..1) of `got`'s ink pixels against `truth`'s,
/// which tell strokes drawn too thick (low precision) from strokes lost
/// (low recall); `None` when neither image has ink. 0 stands for an
/// undefined ratio (no ink on one side). Same sizes required.
pub fn precision_recall(truth: &GrayImage, got: &GrayImage) -> Option<(f64, f64)> {
    assert_eq!(
        truth.dimensions(),
        got.dimensions(),
        "F-measure needs pixel-aligned images"
    );
    let (mut tp, mut t_ink, mut g_ink) = (0u64, 0u64, 0u64);
    for (t, g) in truth.as_raw().iter().zip(got.as_raw()) {
        let (t, g) = (*t < 128, *g < 128);
        tp += u64::from(t && g);
        t_ink += u64::from(t);
        g_ink += u64::from(g);
    }
    let ratio = |n: u64, d: u64| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    (t_ink + g_ink > 0).then(|| (ratio(tp, g_ink), ratio(tp, t_ink)))
}

/// Save a bilevel truth image as a 1-channel PNG with `dpi` in pHYs.
pub fn save_gray_png(img: &GrayImage, dpi: f32, path: &std::path::Path) {
    super::generator::write_png(
        img.as_raw(),
        img.dimensions(),
        png::ColorType::Grayscale,
        dpi,
        path,
    );
}

// --- the kinds -------------------------------------------------------------

fn half(seed: u64) -> Page {
    render(&Layout {
        seed,
        lines: 12,
        size_in: HALF_A4,
        ..Default::default()
    })
}

/// Black text on white paper, untouched: the baseline every stage must keep.
fn clean() -> Kind {
    let page = half(61);
    let cov = Coverage::of(&page.image);
    text_kind("01-clean", page, &cov)
}

/// Yellowed paper under a warm lamp that falls off strongly across the
/// page: paper from full brightness at the top left to half at the bottom
/// right.
fn uneven_light() -> Kind {
    let page = half(62);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.6);
    let (w, h) = (cov.w as f32, cov.h as f32);
    const PAPER_RGB: [f32; 3] = [240.0, 226.0, 180.0];
    const INK_RGB: [f32; 3] = [25.0, 22.0, 18.0];
    // Warm light: blue falls off faster than red.
    const HUE: [f32; 3] = [1.0, 0.96, 0.84];
    let img = shoot(cov.w, cov.h, |x, y| {
        let t = (x as f32 / w) * 0.7 + (y as f32 / h) * 0.3;
        let light = 1.0 - 0.5 * t.powf(1.3);
        let r = mix(PAPER_RGB, INK_RGB, ink.at(x, y));
        [0, 1, 2].map(|k| r[k] * light * HUE[k])
    });
    let img = finish(img, 3.0, Some(85), 62);
    text_kind("02-uneven-light", Page { image: img, ..page }, &cov)
}

/// A book photographed open: the page curves into the binding and a soft
/// dark band runs down the right side, the paper falling to about 35%
/// brightness at the fold; the text lines end a fifth of an inch from it,
/// deep in the shadow.
fn book_fold() -> Kind {
    let page = half(63);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.6);
    let dpi = page.dpi;
    let fold = cov.w as f32 - 0.8 * dpi;
    // Shadow depth at the fold (1 - 0.35 brightness) and its half-width.
    const DEPTH: f32 = 0.65;
    let reach = 0.8 * dpi;
    const PAPER_RGB: [f32; 3] = [238.0, 234.0, 222.0];
    const INK_RGB: [f32; 3] = [20.0, 20.0, 20.0];
    let h = cov.h as f32;
    let img = shoot(cov.w, cov.h, |x, y| {
        let d = (x as f32 - fold).abs() / reach;
        let light = (1.0 - DEPTH * (-d.powf(1.6)).exp()) * (1.0 - 0.08 * y as f32 / h);
        mix(PAPER_RGB, INK_RGB, ink.at(x, y)).map(|v| v * light)
    });
    let img = finish(img, 3.0, Some(85), 63);
    text_kind("03-book-fold", Page { image: img, ..page }, &cov)
}

/// Thin paper: the back page's text shows through mirrored and soft at
/// 15-25% of the ink's contrast, and coffee rings and blotches stain it.
fn bleed_and_stains() -> Kind {
    let page = half(64);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.5);
    // The back page's lines fall between the front's, as they rarely line up.
    let back = Coverage::of(&half(640).image)
        .mirrored()
        .shifted_down(0.11 * page.dpi)
        .blurred(1.5);
    let dpi = page.dpi;
    let strength = ValueNoise::new(cov.w, cov.h, 150.0, 641);
    let stains = Stains::new(cov.w, cov.h, dpi, 642);
    const PAPER_RGB: [f32; 3] = [242.0, 236.0, 220.0];
    const INK_RGB: [f32; 3] = [22.0, 20.0, 20.0];
    let img = shoot(cov.w, cov.h, |x, y| {
        let paper = stains.tint(PAPER_RGB, x, y);
        let through = back.at(x, y) * (0.15 + 0.10 * strength.at(x as f32, y as f32));
        let r = mix(paper, INK_RGB, through);
        mix(r, INK_RGB, ink.at(x, y))
    });
    let img = finish(img, 3.0, Some(85), 64);
    text_kind("04-bleed-stains", Page { image: img, ..page }, &cov)
}

/// Faded ink: 25-40% of full contrast, varying slowly over the page, and
/// within strokes pixel by pixel down to about half that, so thin strokes
/// look broken in places.
fn faded_ink() -> Kind {
    let page = half(65);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.5);
    let slow = ValueNoise::new(cov.w, cov.h, 120.0, 651);
    let fine = ValueNoise::new(cov.w, cov.h, 4.0, 652);
    const PAPER_RGB: [f32; 3] = [240.0, 235.0, 220.0];
    const INK_RGB: [f32; 3] = [40.0, 35.0, 30.0];
    let img = shoot(cov.w, cov.h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let k = (0.25 + 0.15 * slow.at(fx, fy)) * (0.55 + 0.45 * fine.at(fx, fy));
        mix(PAPER_RGB, INK_RGB, ink.at(x, y) * k)
    });
    let img = finish(img, 3.0, None, 65);
    text_kind("05-faded-ink", Page { image: img, ..page }, &cov)
}

/// Grey ink on grey paper (a photocopy of a photocopy): 70 grey levels
/// between them, lit a little unevenly.
fn low_contrast() -> Kind {
    let page = half(66);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.6);
    const PAPER_RGB: [f32; 3] = [165.0, 163.0, 158.0];
    const INK_RGB: [f32; 3] = [95.0, 95.0, 95.0];
    let w = cov.w as f32;
    let img = shoot(cov.w, cov.h, |x, y| {
        let light = 1.0 - 0.05 * x as f32 / w;
        mix(PAPER_RGB, INK_RGB, ink.at(x, y)).map(|v| v * light)
    });
    let img = finish(img, 3.0, Some(85), 66);
    text_kind("06-low-contrast", Page { image: img, ..page }, &cov)
}

/// White paper with a light-blue filled box holding five of the lines,
/// ordinary text above and below it.
fn tinted_box() -> Kind {
    let page = render(&Layout {
        seed: 67,
        lines: 14,
        size_in: HALF_A4,
        ..Default::default()
    });
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.5);
    // The box's edges run midway between lines, clear of ascenders and
    // descenders, and a sixth of an inch beyond the text at the sides.
    let lines = line_boxes(&page);
    let pad = page.dpi / 6.0;
    let (x0, x1) = (page.dpi - pad, cov.w as f32 - page.dpi + pad);
    let (y0, y1) = (
        f32::midpoint(lines[3][3], lines[4][1]),
        f32::midpoint(lines[8][3], lines[9][1]),
    );
    const PAPER_RGB: [f32; 3] = [250.0, 250.0, 248.0];
    const BOX_RGB: [f32; 3] = [190.0, 218.0, 240.0];
    const INK_RGB: [f32; 3] = [20.0, 20.0, 25.0];
    let img = shoot(cov.w, cov.h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let inside = fx >= x0 && fx < x1 && fy >= y0 && fy < y1;
        mix(
            if inside { BOX_RGB } else { PAPER_RGB },
            INK_RGB,
            ink.at(x, y),
        )
    });
    let img = finish(img, 2.0, Some(85), 67);
    text_kind("07-tinted-box", Page { image: img, ..page }, &cov)
}

/// A yellowish page scanned on a larger white canvas: a third of an inch
/// of white scanner lid around it, a faint shadow along its edge, text only
/// on the tinted part.
fn tinted_page() -> Kind {
    let page = half(68);
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.6);
    let dpi = page.dpi;
    let (w, h) = (cov.w as f32, cov.h as f32);
    let sheet = [0.35 * dpi, 0.3 * dpi, w - 0.35 * dpi, h - 0.3 * dpi];
    const CANVAS_RGB: [f32; 3] = [252.0, 252.0, 252.0];
    const SHEET_RGB: [f32; 3] = [236.0, 222.0, 176.0];
    const INK_RGB: [f32; 3] = [25.0, 22.0, 20.0];
    let shadow = 0.05 * dpi;
    let img = shoot(cov.w, cov.h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let on_sheet = fx >= sheet[0] && fx < sheet[2] && fy >= sheet[1] && fy < sheet[3];
        let base = if on_sheet {
            SHEET_RGB
        } else {
            // The sheet's edge casts a soft shadow to the right and below.
            let dx = (fx - sheet[2]).max(0.0);
            let dy = (fy - sheet[3]).max(0.0);
            let near = fx > sheet[0] && fy > sheet[1] && dx < shadow && dy < shadow;
            let dark = if near {
                0.25 * (1.0 - dx.max(dy) / shadow)
            } else {
                0.0
            };
            CANVAS_RGB.map(|v| v * (1.0 - dark))
        };
        mix(base, INK_RGB, ink.at(x, y))
    });
    let img = finish(img, 3.0, Some(85), 68);
    text_kind("08-tinted-page", Page { image: img, ..page }, &cov)
}

/// A magazine page: three columns of 9.5 pt text, a colour photo across
/// the two right columns at the top with a one-line caption under it.
/// The truth reads column 1, the caption, column 2, column 3.
fn magazine() -> Kind {
    let dpi = 300.0;
    let (w, h) = ((8.27 * dpi) as u32, (6.5 * dpi) as u32);
    let mut gray = GrayImage::from_pixel(w, h, Luma([255]));
    let body = font();
    let margin = 0.5 * dpi;
    let gap = 0.25 * dpi;
    let col_w = (w as f32 - 2.0 * margin - 2.0 * gap) / 3.0;
    let col_x = |i: usize| margin + i as f32 * (col_w + gap);
    let bottom = h as f32 - margin;
    let photo = [
        col_x(1) as u32,
        margin as u32,
        (col_x(2) + col_w) as u32,
        (margin + 2.2 * dpi) as u32,
    ];
    let caption = "The new reading room, seen from the garden in October.";
    let caption_font = font_for("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    let caption_top = photo[3] as f32 + 0.08 * dpi;
    let mut words = Vec::new();
    let mut text = String::new();
    let mut next = 5;
    text_block(
        &mut gray,
        &body,
        dpi,
        9.5,
        [col_x(0), margin, col_x(0) + col_w, bottom],
        &mut next,
        &mut words,
        &mut text,
    );
    let caption_bottom = text_line(
        &mut gray,
        &caption_font,
        dpi,
        8.0,
        (col_x(1), caption_top),
        caption,
        &mut words,
        &mut text,
    );
    for i in 1..3 {
        text_block(
            &mut gray,
            &body,
            dpi,
            9.5,
            [
                col_x(i),
                caption_bottom + 0.15 * dpi,
                col_x(i) + col_w,
                bottom,
            ],
            &mut next,
            &mut words,
            &mut text,
        );
    }
    let cov = Coverage::of_gray(&gray);
    let ink = cov.blurred(0.5);
    const PAPER_RGB: [f32; 3] = [248.0, 246.0, 240.0];
    const INK_RGB: [f32; 3] = [18.0, 18.0, 20.0];
    let img = shoot(w, h, |x, y| mix(PAPER_RGB, INK_RGB, ink.at(x, y)));
    let mut page = Page {
        image: img,
        dpi,
        words,
        text,
    };
    add_photo(&mut page, photo, 690);
    page.image = finish(page.image, 2.0, Some(85), 69);
    Kind {
        caption: Some(caption.to_string()),
        has_caption: true,
        photo: Some(photo),
        ..text_kind("09-magazine", page, &cov)
    }
}

/// A 150 dpi scan of 10.5 pt text on off-white paper.
fn dpi150() -> Kind {
    let page = render(&Layout {
        seed: 70,
        dpi: 150.0,
        font_pt: 10.5,
        lines: 12,
        size_in: HALF_A4,
    });
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(0.4);
    const PAPER_RGB: [f32; 3] = [245.0, 242.0, 232.0];
    const INK_RGB: [f32; 3] = [25.0, 25.0, 25.0];
    let img = shoot(cov.w, cov.h, |x, y| mix(PAPER_RGB, INK_RGB, ink.at(x, y)));
    let img = finish(img, 3.0, None, 70);
    text_kind("10-dpi150", Page { image: img, ..page }, &cov)
}

/// A phone snapshot at 200 dpi: soft focus, light falling off to one side
/// with a vignette, a cool cast, sensor noise and JPEG at quality 70.
fn phone200() -> Kind {
    phone("11-phone200", 200.0, 11.0, 1.1, Some(70))
}

/// [`phone200`]'s snapshot at `dpi` of `font_pt` text, in a focus blur of
/// `sigma` pixels (Gaussian), with JPEG at quality `jpeg` (`None`: no JPEG
/// round trip): deblurring is measured over a range of blurs and type
/// sizes, not tuned to one page.
pub fn phone(name: &'static str, dpi: f32, font_pt: f32, sigma: f32, jpeg: Option<u8>) -> Kind {
    let page = render(&Layout {
        seed: 71,
        dpi,
        font_pt,
        lines: 12,
        size_in: HALF_A4,
    });
    let cov = Coverage::of(&page.image);
    let ink = cov.blurred(sigma);
    let (w, h) = (cov.w as f32, cov.h as f32);
    const PAPER_RGB: [f32; 3] = [228.0, 232.0, 236.0];
    const INK_RGB: [f32; 3] = [30.0, 30.0, 34.0];
    let img = shoot(cov.w, cov.h, |x, y| {
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        let r2 = (fx - 0.45).powi(2) + (fy - 0.4).powi(2);
        let light = 1.0 - 0.3 * fx.powf(1.2) - 0.35 * r2;
        mix(PAPER_RGB, INK_RGB, ink.at(x, y)).map(|v| v * light)
    });
    let img = finish(img, 7.0, jpeg, 71);
    text_kind(name, Page { image: img, ..page }, &cov)
}

/// A large colour photo on a half page, no text.
fn photo_only() -> Kind {
    let dpi = 300.0;
    let (w, h) = (
        (HALF_A4.0 * dpi).round() as u32,
        (HALF_A4.1 * dpi).round() as u32,
    );
    let mut page = Page {
        image: RgbImage::from_pixel(w, h, Rgb([250, 250, 248])),
        dpi,
        words: Vec::new(),
        text: String::new(),
    };
    let photo = [150, 150, w - 150, h - 150];
    add_photo(&mut page, photo, 720);
    page.image = finish(page.image, 2.0, Some(85), 72);
    Kind {
        name: "12-photo-only",
        page,
        truth_bits: None,
        photo_only: true,
        has_caption: false,
        caption: None,
        photo: Some(photo),
    }
}

// --- building blocks -------------------------------------------------------

/// A text page with its truth bits from the clean coverage `cov`.
pub fn text_kind(name: &'static str, page: Page, cov: &Coverage) -> Kind {
    Kind {
        name,
        truth_bits: Some(cov.truth_bits()),
        page,
        photo_only: false,
        has_caption: false,
        caption: None,
        photo: None,
    }
}

/// Ink coverage of a clean render, row-major: 0 = paper, 1 = ink.
#[derive(Clone)]
pub struct Coverage {
    pub w: u32,
    pub h: u32,
    pub v: Vec<f32>,
}

impl Coverage {
    pub fn of(img: &RgbImage) -> Self {
        Coverage {
            w: img.width(),
            h: img.height(),
            v: img.pixels().map(|p| 1.0 - p.0[0] as f32 / 255.0).collect(),
        }
    }

    pub fn of_gray(img: &GrayImage) -> Self {
        Coverage {
            w: img.width(),
            h: img.height(),
            v: img.pixels().map(|p| 1.0 - p.0[0] as f32 / 255.0).collect(),
        }
    }

    pub fn at(&self, x: u32, y: u32) -> f32 {
        self.v[(y * self.w + x) as usize]
    }

    /// Optical blur: a Gaussian of `sigma` pixels over the coverage.
    pub fn blurred(&self, sigma: f32) -> Self {
        let g = GrayImage::from_fn(self.w, self.h, |x, y| {
            Luma([(self.at(x, y) * 255.0).round() as u8])
        });
        let g = imageproc::filter::gaussian_blur_f32(&g, sigma);
        Coverage {
            w: self.w,
            h: self.h,
            v: g.pixels().map(|p| p.0[0] as f32 / 255.0).collect(),
        }
    }

    /// Left and right swapped, as a page's back seen through it.
    pub fn mirrored(&self) -> Self {
        let mut v = self.v.clone();
        v.chunks_exact_mut(self.w as usize)
            .for_each(<[f32]>::reverse);
        Coverage { v, ..*self }
    }

    /// Moved down by `dy` pixels, paper coming in at the top.
    pub fn shifted_down(&self, dy: f32) -> Self {
        let rows = (dy.round() as usize).min(self.h as usize);
        let n = self.w as usize * rows;
        let mut v = vec![0.0; n];
        v.extend_from_slice(&self.v[..self.v.len() - n]);
        Coverage { v, ..*self }
    }

    /// Ink where the coverage is at least one half.
    pub fn truth_bits(&self) -> GrayImage {
        GrayImage::from_fn(self.w, self.h, |x, y| {
            Luma([if self.at(x, y) >= 0.5 { INK } else { PAPER }])
        })
    }
}

/// Value noise: random values on a grid of `cell` pixels, smoothly
/// interpolated, in [0, 1). Gives variation at one chosen scale.
pub struct ValueNoise {
    cell: f32,
    cols: usize,
    grid: Vec<f32>,
}

impl ValueNoise {
    pub fn new(w: u32, h: u32, cell: f32, seed: u64) -> Self {
        let cols = (w as f32 / cell).ceil() as usize + 2;
        let rows = (h as f32 / cell).ceil() as usize + 2;
        let mut rng = Rng::new(seed);
        ValueNoise {
            cell,
            cols,
            grid: (0..cols * rows).map(|_| rng.unit()).collect(),
        }
    }

    pub fn at(&self, x: f32, y: f32) -> f32 {
        let (gx, gy) = ((x / self.cell).max(0.0), (y / self.cell).max(0.0));
        let (ix, iy) = (gx.floor() as usize, gy.floor() as usize);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(gx.fract()), smooth(gy.fract()));
        let g = |i: usize, j: usize| self.grid[j * self.cols + i];
        let top = g(ix, iy) * (1.0 - tx) + g(ix + 1, iy) * tx;
        let bot = g(ix, iy + 1) * (1.0 - tx) + g(ix + 1, iy + 1) * tx;
        top * (1.0 - ty) + bot * ty
    }
}

/// Coffee rings (a dark rim around a faint fill) and blotches (soft filled
/// patches) with ragged outlines, tinting the paper brown.
pub struct Stains {
    /// (centre x, centre y, radius, is a ring)
    spots: Vec<(f32, f32, f32, bool)>,
    ragged: ValueNoise,
    /// How much darker than the light stains of `new` these are.
    depth: f32,
}

impl Stains {
    /// Brown of dried coffee, as a per-channel reflectance factor.
    const BROWN: [f32; 3] = [0.62, 0.45, 0.27];

    pub fn new(w: u32, h: u32, dpi: f32, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let spots = (0..4)
            .map(|i| {
                let ring = i < 2;
                let r = if ring { 0.55 } else { 0.3 } * dpi * (0.8 + 0.4 * rng.unit());
                (
                    (0.1 + 0.8 * rng.unit()) * w as f32,
                    (0.15 + 0.7 * rng.unit()) * h as f32,
                    r,
                    ring,
                )
            })
            .collect();
        Stains {
            spots,
            ragged: ValueNoise::new(w, h, 0.12 * dpi, seed ^ 0x57A1),
            depth: 1.0,
        }
    }

    /// The same stains, 2.2 times as dark: tide lines at 70% of the
    /// paper's brightness, blotches at half, as real coffee leaves them.
    pub fn dark(w: u32, h: u32, dpi: f32, seed: u64) -> Self {
        Stains {
            depth: 2.2,
            ..Stains::new(w, h, dpi, seed)
        }
    }

    pub fn tint(&self, paper: [f32; 3], x: u32, y: u32) -> [f32; 3] {
        let (fx, fy) = (x as f32, y as f32);
        let wobble = 0.9 + 0.2 * self.ragged.at(fx, fy);
        let mut a: f32 = 0.0;
        for &(cx, cy, r, ring) in &self.spots {
            let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt() / (r * wobble);
            let s = if ring {
                let fill = if d < 1.0 { 0.08 } else { 0.0 };
                fill + 0.32 * (-((d - 1.0) / 0.035).powi(2)).exp()
            } else {
                0.22 * (1.0 - ((d - 0.8) / 0.2).clamp(0.0, 1.0))
            };
            a = a.max(s);
        }
        let a = (a * self.depth).min(0.95);
        [0, 1, 2].map(|k| paper[k] * (1.0 - a * (1.0 - Self::BROWN[k])))
    }
}

/// Linear mix of two colours, `t` of the way from `a` to `b`.
pub fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|k| a[k] * (1.0 - t) + b[k] * t)
}

/// The page as the camera records it: one colour per pixel, clamped.
pub fn shoot(w: u32, h: u32, f: impl Fn(u32, u32) -> [f32; 3]) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb(f(x, y).map(|v| v.round().clamp(0.0, 255.0) as u8))
    })
}

/// Sensor noise of `sd` grey levels (shared by the channels, as luminance
/// noise dominates), then an optional JPEG round trip.
pub fn finish(mut img: RgbImage, sd: f32, jpeg: Option<u8>, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed ^ 0x0153);
    if sd > 0.0 {
        for p in img.pixels_mut() {
            // Sum of four uniforms: variance 1/3, close enough to normal.
            let n = ((0..4).map(|_| rng.unit()).sum::<f32>() - 2.0) * sd * 3f32.sqrt();
            p.0 = p.0.map(|v| (v as f32 + n).round().clamp(0.0, 255.0) as u8);
        }
    }
    if let Some(q) = jpeg {
        let mut buf = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q)
            .encode_image(&img)
            .unwrap();
        img = image::load_from_memory(&buf).unwrap().into_rgb8();
    }
    img
}

/// Boxes of the printed lines (union of their words' boxes), top to bottom.
fn line_boxes(page: &Page) -> Vec<[f32; 4]> {
    let mut words = page.words.iter();
    page.text
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(|_| words.next().expect("one truth word per printed word").bbox)
                .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, b| {
                    [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ]
                })
        })
        .collect()
}

/// Fill `rect` (x0, y0, x1, y1) with corpus text from word `next` on,
/// line by line as `render` does, appending the truth.
#[allow(clippy::too_many_arguments)]
pub fn text_block(
    gray: &mut GrayImage,
    font: &FontVec,
    dpi: f32,
    font_pt: f32,
    rect: [f32; 4],
    next: &mut usize,
    words: &mut Vec<TruthWord>,
    text: &mut String,
) {
    let all: Vec<&str> = CORPUS.split_whitespace().collect();
    let px = font_pt * dpi / 72.0;
    let scaled = font.as_scaled(PxScale::from(px));
    let space = scaled.h_advance(font.glyph_id(' '));
    let mut y = rect[1] + scaled.ascent();
    while y - scaled.descent() <= rect[3] {
        let mut x = rect[0];
        let mut line = Vec::new();
        loop {
            let word = all[*next % all.len()];
            let adv = word_advance(font, &scaled, word);
            if x + adv > rect[2] && !line.is_empty() {
                break;
            }
            draw_word(gray, font, px, word, x, y);
            words.push(TruthWord {
                text: word.to_string(),
                bbox: [x, y - scaled.ascent(), x + adv, y - scaled.descent()],
            });
            line.push(word);
            x += adv + space;
            *next += 1;
        }
        text.push_str(&line.join(" "));
        text.push('\n');
        y += px * 1.45;
    }
}

/// Draw one line of `line` with its top at `at`; returns its bottom.
#[allow(clippy::too_many_arguments)]
fn text_line(
    gray: &mut GrayImage,
    font: &FontVec,
    dpi: f32,
    font_pt: f32,
    at: (f32, f32),
    line: &str,
    words: &mut Vec<TruthWord>,
    text: &mut String,
) -> f32 {
    let px = font_pt * dpi / 72.0;
    let scaled = font.as_scaled(PxScale::from(px));
    let space = scaled.h_advance(font.glyph_id(' '));
    let y = at.1 + scaled.ascent();
    let mut x = at.0;
    for word in line.split_whitespace() {
        let adv = word_advance(font, &scaled, word);
        draw_word(gray, font, px, word, x, y);
        words.push(TruthWord {
            text: word.to_string(),
            bbox: [x, y - scaled.ascent(), x + adv, y - scaled.descent()],
        });
        x += adv + space;
    }
    text.push_str(line);
    text.push('\n');
    y - scaled.descent()
}
