//! Whole PDF documents with known ground truth, for the tests of PDF input
//! that is edited rather than rebuilt (`tests/pdf_document.rs`) and for
//! `benches/pdf_input.sh`.
//!
//! Everything is made here, in code: born-digital pages set in DejaVu Sans
//! (embedded as a TrueType simple font with WinAnsiEncoding, so poppler
//! extracts the text exactly), the same font as a Type0/Identity-H font
//! without /ToUnicode (visible text whose extraction is junk), text drawn
//! as glyph outlines, scans from [`super::generator`], earlier OCR layers
//! (render mode 3), and the document-level parts a real PDF carries:
//! Info, XMP, outlines, named destinations, links, a form field, page
//! labels, an attachment, a signature, an XFA form.
//!
//! Word boxes in the ground truth are in points on the page as a viewer
//! shows it: origin at the top-left corner of the crop box, /Rotate
//! applied: the frame of pdftoppm's rendering and of `pdftotext -bbox
//! -cropbox`.
#![allow(dead_code)]

use super::generator::{self, Degrade, Layout, Page};
use ab_glyph::{Font, FontVec, OutlineCurve};
use image::{DynamicImage, GrayImage, RgbImage};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::io::Write;

/// The font every born-digital page is set in.
pub const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The word an earlier OCR layer has in place of a real one
/// ([`ocred_scan`]): on no page, in no corpus, so finding it proves that
/// layer is still there.
pub const MARKER: &str = "ZQXJWV";

/// A word and its box in points on the displayed page (origin top-left,
/// as pdftoppm renders the page: see above).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub bbox: [f32; 4],
}

/// What one page shows.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    /// The visible text, one line per printed line (empty for none).
    pub text: String,
    /// Every visible word with its box.
    pub words: Vec<Word>,
    /// Displayed size in points (crop box, turned by /Rotate), in the
    /// page's own units: a `/UserUnit 10` page of 59.5 x 42 units says
    /// 59.5 x 42 here, like `pdftotext -bbox` and `pdfinfo`.
    pub size: (f32, f32),
}

/// A generated PDF and what each of its pages shows.
pub struct Fixture {
    pub bytes: Vec<u8>,
    pub pages: Vec<Truth>,
}

impl Fixture {
    pub fn write(&self, path: &std::path::Path) {
        std::fs::write(path, &self.bytes).unwrap();
    }
}

// ------------------------------------------------------------ page parts

/// How an image XObject's samples are stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ImageKind {
    /// JPEG (DCTDecode), grey or RGB as the data is.
    Jpeg { gray: bool },
    /// Flate, 8-bit DeviceGray.
    FlateGray,
    /// Flate, 8-bit DeviceRGB.
    FlateRgb,
    /// Flate, 8 bits, `[/DeviceN [/Black] /DeviceGray {1 exch sub}]` with
    /// `/Decode [1 0]`: the samples are grey values (0 = black), turned
    /// into ink amounts by the decode array and back by the tint
    /// transform.
    DeviceNDecode,
    /// Flate, 8 bits, `[/Separation /Black /DeviceGray (1 - t)]`, no
    /// decode array: the samples are ink amounts (255 = black).
    SeparationInk,
}

/// One image XObject.
#[derive(Clone)]
pub struct Image {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub kind: ImageKind,
}

/// An annotation on a page. Rectangles are in the page's user space.
#[derive(Debug, Clone)]
pub enum Annot {
    /// A link to a web address.
    Uri { rect: [f32; 4], uri: String },
    /// A link to a named destination.
    GoTo { rect: [f32; 4], dest: String },
    /// A text form field with its widget (merged in one dictionary).
    TextField {
        rect: [f32; 4],
        name: String,
        value: String,
    },
}

/// One page to write.
#[derive(Clone)]
pub struct PageSpec {
    pub media: [f32; 4],
    pub crop: Option<[f32; 4]>,
    pub rotate: i32,
    pub user_unit: Option<f32>,
    /// The content stream, one stream.
    pub content: String,
    /// Named `/Im0`, `/Im1`, … in order.
    pub images: Vec<Image>,
    /// `/F1`: DejaVu Sans, TrueType, WinAnsiEncoding.
    pub font_winansi: bool,
    /// `/F2`: DejaVu Sans, Type0 Identity-H, no /ToUnicode.
    pub font_identity: bool,
    /// `/F3`: a Type3 font of these characters (codes 33, 34, … in this
    /// order), no /ToUnicode; none when empty.
    pub type3: Vec<char>,
    pub annots: Vec<Annot>,
    pub truth: Truth,
}

impl PageSpec {
    fn new(w: f32, h: f32) -> PageSpec {
        PageSpec {
            media: [0.0, 0.0, w, h],
            crop: None,
            rotate: 0,
            user_unit: None,
            content: String::new(),
            images: Vec::new(),
            font_winansi: false,
            font_identity: false,
            type3: Vec::new(),
            annots: Vec::new(),
            truth: Truth {
                size: (w, h),
                ..Truth::default()
            },
        }
    }
}

/// Document information dictionary entries.
#[derive(Debug, Clone)]
pub struct Info {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: String,
    pub creator: String,
    pub producer: String,
    /// A PDF date string, `D:YYYYMMDDHHmmSS+HH'mm'`.
    pub creation_date: String,
}

impl Info {
    pub fn sample() -> Info {
        Info {
            title: "Minutes of the library committee".into(),
            author: "Jane Clerk".into(),
            subject: "Annual budget and the new library".into(),
            keywords: "library, budget, minutes".into(),
            creator: "pdfdoc test builder".into(),
            producer: "pdf-writer test fixture".into(),
            creation_date: "D:20240315103000+01'00'".into(),
        }
    }
}

/// A page label range: from page `start` (0-based), numbering `style`
/// (`D`, `r`, `R`, `a`, `A`), with a prefix and a first number.
#[derive(Debug, Clone)]
pub struct Label {
    pub start: usize,
    pub style: &'static str,
    pub prefix: Option<String>,
    pub first: Option<i32>,
}

/// A whole document to write.
#[derive(Clone, Default)]
pub struct DocSpec {
    pub pages: Vec<PageSpec>,
    pub info: Option<Info>,
    /// An XMP packet in the catalog's /Metadata (needs `info`).
    pub xmp: bool,
    /// Bookmarks: title and target page (0-based), or a named destination.
    pub outline: Vec<(String, OutlineTarget)>,
    pub labels: Vec<Label>,
    /// Named destinations (in the /Names /Dests tree): name and page.
    pub dests: Vec<(String, usize)>,
    /// Embedded files (in /Names /EmbeddedFiles): name and bytes.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// A signature field with a signature dictionary, /SigFlags 3, the
    /// /ByteRange covering the file but for /Contents.
    pub signed: bool,
    /// A dynamic XFA form: /NeedsRendering true, AcroForm /XFA.
    pub xfa: bool,
}

#[derive(Debug, Clone)]
pub enum OutlineTarget {
    Page(usize),
    Named(String),
}

// ------------------------------------------------------------ fonts

struct Metrics {
    font: FontVec,
    upem: f32,
    ascent: f32,
    descent: f32,
}

fn metrics() -> Metrics {
    let font = generator::font_for(DEJAVU_SANS);
    let upem = font.units_per_em().unwrap();
    let ascent = font.ascent_unscaled();
    let descent = font.descent_unscaled();
    Metrics {
        font,
        upem,
        ascent,
        descent,
    }
}

impl Metrics {
    /// Advance of `c` in 1/1000 em, as /Widths and /W give it.
    fn width(&self, c: char) -> f32 {
        let w = self.font.h_advance_unscaled(self.font.glyph_id(c)) * 1000.0 / self.upem;
        (w * 10.0).round() / 10.0
    }

    /// Advance of `s` at `size` points, no kerning (Tj applies none).
    fn advance(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.width(c)).sum::<f32>() * size / 1000.0
    }

    fn ascent_em(&self) -> f32 {
        self.ascent / self.upem
    }

    fn descent_em(&self) -> f32 {
        self.descent / self.upem
    }
}

/// A PDF literal string body for WinAnsi text (ASCII here).
fn pdf_literal(s: &str) -> String {
    assert!(s.is_ascii(), "WinAnsi text here is ASCII: {s}");
    s.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// Lines set with Tj at `size` points from (`left`, `top` baseline of the
/// first line) in user space, with font `font` (`F1` or `F2`), and the
/// words' boxes in a frame where the user-space point (x, y) shows at
/// (x - ox, oy - y) (a page without /Rotate: ox, oy = crop box left, top).
fn set_lines(
    lines: &[&str],
    font: &str,
    size: f32,
    left: f32,
    first_baseline: f32,
    leading: f32,
    (ox, oy): (f32, f32),
) -> (String, Vec<Word>) {
    let m = metrics();
    let mut ops = format!("BT /{font} {size} Tf {leading} TL {left} {first_baseline} Td\n");
    let mut words = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            ops += "T*\n";
        }
        if font == "F2" {
            let hex: String = line
                .chars()
                .map(|c| format!("{:04X}", m.font.glyph_id(c).0))
                .collect();
            ops += &format!("<{hex}> Tj\n");
        } else {
            ops += &format!("({}) Tj\n", pdf_literal(line));
        }
        let base = first_baseline - leading * i as f32;
        let mut x = left;
        let mut rest = *line;
        while !rest.is_empty() {
            let lead = rest.len() - rest.trim_start().len();
            x += m.advance(&rest[..lead], size);
            rest = &rest[lead..];
            let end = rest.find(' ').unwrap_or(rest.len());
            let word = &rest[..end];
            if !word.is_empty() {
                let adv = m.advance(word, size);
                words.push(Word {
                    text: word.to_string(),
                    bbox: [
                        x - ox,
                        oy - (base + m.ascent_em() * size),
                        x + adv - ox,
                        oy - (base + m.descent_em() * size),
                    ],
                });
                x += adv;
            }
            rest = &rest[end..];
        }
    }
    ops += "ET\n";
    (ops, words)
}

/// Text drawn as filled glyph outlines (path operators only, no font): the
/// lines at `size` from (`left`, `first_baseline`) in user space, and the
/// word boxes as in [`set_lines`].
pub fn outline_lines(
    lines: &[&str],
    size: f32,
    left: f32,
    first_baseline: f32,
    leading: f32,
    (ox, oy): (f32, f32),
) -> (String, Vec<Word>) {
    let m = metrics();
    let f = &m.font;
    let scale = size / m.upem;
    let mut ops = String::from("0 g\n");
    let mut words = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let base = first_baseline - leading * i as f32;
        let mut pen = left;
        let mut word_start: Option<(f32, String)> = None;
        let flush = |ws: &mut Option<(f32, String)>, pen: f32, words: &mut Vec<Word>| {
            if let Some((x0, text)) = ws.take() {
                words.push(Word {
                    text,
                    bbox: [
                        x0 - ox,
                        oy - (base + m.ascent_em() * size),
                        pen - ox,
                        oy - (base + m.descent_em() * size),
                    ],
                });
            }
        };
        for ch in line.chars() {
            if ch == ' ' {
                flush(&mut word_start, pen, &mut words);
            } else {
                word_start
                    .get_or_insert_with(|| (pen, String::new()))
                    .1
                    .push(ch);
            }
            let id = f.glyph_id(ch);
            ops += &glyph_path(f, id, scale, (pen, base));
            pen += f.h_advance_unscaled(id) * scale;
        }
        flush(&mut word_start, pen, &mut words);
    }
    (ops, words)
}

/// Glyph `id`'s outline as a filled path (`m l c h f`), `scale` user
/// units per font unit, its origin at `(x, y)`; empty for a blank glyph.
fn glyph_path(f: &FontVec, id: ab_glyph::GlyphId, scale: f32, (x, y): (f32, f32)) -> String {
    let Some(outline) = f.outline(id) else {
        return String::new();
    };
    let num = |v: f32| format!("{v:.3}");
    let p = |pt: ab_glyph::Point| (x + pt.x * scale, y + pt.y * scale);
    let mut ops = String::new();
    let mut last: Option<(f32, f32)> = None;
    for curve in &outline.curves {
        let (start, end) = match curve {
            OutlineCurve::Line(a, b) => (p(*a), p(*b)),
            OutlineCurve::Quad(a, _, c) => (p(*a), p(*c)),
            OutlineCurve::Cubic(a, _, _, d) => (p(*a), p(*d)),
        };
        if last != Some(start) {
            ops += &format!("{} {} m\n", num(start.0), num(start.1));
        }
        match curve {
            OutlineCurve::Line(..) => {
                ops += &format!("{} {} l\n", num(end.0), num(end.1));
            }
            OutlineCurve::Quad(a, b, c) => {
                // Raise the quadratic to a cubic.
                let (a, b, c) = (p(*a), p(*b), p(*c));
                let c1 = (a.0 + 2.0 / 3.0 * (b.0 - a.0), a.1 + 2.0 / 3.0 * (b.1 - a.1));
                let c2 = (c.0 + 2.0 / 3.0 * (b.0 - c.0), c.1 + 2.0 / 3.0 * (b.1 - c.1));
                ops += &format!(
                    "{} {} {} {} {} {} c\n",
                    num(c1.0),
                    num(c1.1),
                    num(c2.0),
                    num(c2.1),
                    num(c.0),
                    num(c.1)
                );
            }
            OutlineCurve::Cubic(_, b, c, d) => {
                let (b, c, d) = (p(*b), p(*c), p(*d));
                ops += &format!(
                    "{} {} {} {} {} {} c\n",
                    num(b.0),
                    num(b.1),
                    num(c.0),
                    num(c.1),
                    num(d.0),
                    num(d.1)
                );
            }
        }
        last = Some(end);
    }
    ops + "h f\n"
}

/// Lines in a Type3 font (`/F3`) whose glyphs are DejaVu Sans outlines,
/// with made-up glyph names and codes handed out from 33 in order of
/// first use: the page shows the text, nothing maps it to Unicode.
/// Returns the content, the word boxes (as [`set_lines`]) and the
/// characters in code order.
fn type3_lines(
    lines: &[&str],
    size: f32,
    left: f32,
    first_baseline: f32,
    leading: f32,
    origin: (f32, f32),
) -> (String, Vec<Word>, Vec<char>) {
    let mut chars: Vec<char> = Vec::new();
    for c in lines.iter().flat_map(|l| l.chars()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    assert!(chars.len() < 90, "codes stay printable ASCII");
    let encoded: Vec<String> = lines
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| (33 + chars.iter().position(|&x| x == c).unwrap() as u8) as char)
                .collect()
        })
        .collect();
    let mut ops = format!("BT /F3 {size} Tf {leading} TL {left} {first_baseline} Td\n");
    for (i, line) in encoded.iter().enumerate() {
        if i > 0 {
            ops += "T*\n";
        }
        ops += &format!("({}) Tj\n", pdf_literal(line));
    }
    ops += "ET\n";
    // The boxes are those of the same text in the TrueType font.
    let (_, words) = set_lines(lines, "F1", size, left, first_baseline, leading, origin);
    (ops, words, chars)
}

/// A letters-only glyph name for code index `i`, one no heuristic reads
/// as a character (not in the Adobe Glyph List, no digits).
fn type3_name(i: usize) -> String {
    let l = |k: usize| (b'a' + k as u8) as char;
    format!("qz{}{}", l(i / 26 % 26), l(i % 26))
}

// ------------------------------------------------------------ images

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// `img` as a JPEG image XObject at `quality` (grey when `gray`).
pub fn jpeg_image(img: &RgbImage, gray: bool, quality: u8) -> Image {
    let dynamic = if gray {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img.clone()).into_luma8())
    } else {
        DynamicImage::ImageRgb8(img.clone())
    };
    let mut data = Vec::new();
    dynamic
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut data, quality,
        ))
        .unwrap();
    Image {
        data,
        width: img.width(),
        height: img.height(),
        kind: ImageKind::Jpeg { gray },
    }
}

pub fn flate_gray(img: &GrayImage) -> Image {
    Image {
        data: zlib(img.as_raw()),
        width: img.width(),
        height: img.height(),
        kind: ImageKind::FlateGray,
    }
}

pub fn flate_rgb(img: &RgbImage) -> Image {
    Image {
        data: zlib(img.as_raw()),
        width: img.width(),
        height: img.height(),
        kind: ImageKind::FlateRgb,
    }
}

fn gray_of(img: &RgbImage) -> GrayImage {
    DynamicImage::ImageRgb8(img.clone()).into_luma8()
}

// ------------------------------------------------------------ pages

/// A scan-like page with `lines` lines of 12 pt text, `size_in` inches at
/// `dpi`, degraded like an office scan with `skew_deg` of skew.
pub fn scan_page(seed: u64, size_in: (f32, f32), lines: usize, dpi: f32, skew_deg: f32) -> Page {
    let clean = generator::render(&Layout {
        seed,
        lines,
        size_in,
        dpi,
        font_pt: 12.0,
    });
    generator::degrade(
        &clean,
        &Degrade {
            skew_deg,
            ..Degrade::typical(seed)
        },
    )
}

/// A small scan: A6 landscape at 300 dpi, three lines.
pub fn small_scan(seed: u64) -> Page {
    scan_page(seed, (5.83, 4.13), 3, 300.0, 0.8)
}

/// The generator's words in points (the image covering the page).
fn scan_truth(page: &Page) -> Truth {
    let k = 72.0 / page.dpi;
    let (w, h) = page.image.dimensions();
    Truth {
        text: page.text.clone(),
        words: page
            .words
            .iter()
            .map(|t| Word {
                text: t.text.clone(),
                bbox: t.bbox.map(|v| v * k),
            })
            .collect(),
        size: (w as f32 * k, h as f32 * k),
    }
}

/// A page that is one image covering it all: `page` stored as `image`.
pub fn scan_spec(page: &Page, image: Image) -> PageSpec {
    let truth = scan_truth(page);
    let (w, h) = truth.size;
    let mut spec = PageSpec::new(w, h);
    spec.content = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q\n");
    spec.images = vec![image];
    spec.truth = truth;
    spec
}

/// A plain scan page, stored as grey JPEG.
pub fn scan_jpeg_spec(page: &Page) -> PageSpec {
    scan_spec(page, jpeg_image(&page.image, true, 80))
}

/// Lines for born-digital pages.
pub const LETTER: [&str; 4] = [
    "Dear members of the committee,",
    "the roof will be delivered in October and the",
    "windows are already on their way from the north.",
    "Kind regards, the architect",
];

/// A born-digital page `w` x `h` points: `lines` set in DejaVu Sans at
/// `size` points from an inch in from the top left.
pub fn text_spec(lines: &[&str], w: f32, h: f32, size: f32) -> PageSpec {
    let mut spec = PageSpec::new(w, h);
    let (ops, words) = set_lines(lines, "F1", size, 72.0, h - 72.0, size * 1.5, (0.0, h));
    spec.content = ops;
    spec.font_winansi = true;
    spec.truth.text = lines.iter().map(|l| format!("{l}\n")).collect();
    spec.truth.words = words;
    spec
}

/// The same, in the Identity-H font without /ToUnicode: the page shows
/// the text, extraction gives glyph numbers.
pub fn no_unicode_spec(lines: &[&str], w: f32, h: f32, size: f32) -> PageSpec {
    let mut spec = PageSpec::new(w, h);
    let (ops, words) = set_lines(lines, "F2", size, 72.0, h - 72.0, size * 1.5, (0.0, h));
    spec.content = ops;
    spec.font_identity = true;
    spec.truth.text = lines.iter().map(|l| format!("{l}\n")).collect();
    spec.truth.words = words;
    spec
}

/// The same in a Type3 font drawn from DejaVu Sans outlines, with
/// made-up glyph names and no /ToUnicode.
pub fn type3_spec(lines: &[&str], w: f32, h: f32, size: f32) -> PageSpec {
    let mut spec = PageSpec::new(w, h);
    let (ops, words, chars) = type3_lines(lines, size, 72.0, h - 72.0, size * 1.5, (0.0, h));
    spec.content = ops;
    spec.type3 = chars;
    spec.truth.text = lines.iter().map(|l| format!("{l}\n")).collect();
    spec.truth.words = words;
    spec
}

/// Lines of the vector page.
pub const VECTOR_LINES: [&str; 3] = [
    "The treasurer will prepare a detailed report",
    "for the next meeting, listing every expense",
    "of the past twelve months and the new plans.",
];

/// A colourful little picture (for vector pages with several images).
pub fn swatch(w: u32, h: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            ((x * 255 / w + seed * 40) % 256) as u8,
            ((y * 255 / h + seed * 90) % 256) as u8,
            (((x + y) * 3 + seed * 17) % 256) as u8,
        ])
    })
}

/// A drawing: a frame, a grey bar, two small pictures and [`VECTOR_LINES`]
/// as glyph outlines at 16 pt, on a page `w` x `h` points whose media box
/// starts at `origin` (a crop box `inset` points inside it when `inset`
/// is not zero). No text operators, no font.
pub fn vector_spec(w: f32, h: f32, origin: (f32, f32), inset: f32) -> PageSpec {
    let (x0, y0) = origin;
    let mut spec = PageSpec::new(w, h);
    spec.media = [x0, y0, x0 + w, y0 + h];
    let crop = [x0 + inset, y0 + inset, x0 + w - inset, y0 + h - inset];
    if inset != 0.0 {
        spec.crop = Some(crop);
    }
    let size = 16.0;
    let left = x0 + 60.0;
    let first = y0 + h - 70.0;
    let (text_ops, words) = outline_lines(
        &VECTOR_LINES,
        size,
        left,
        first,
        size * 1.6,
        (crop[0], crop[3]),
    );
    let mut ops = String::new();
    // A frame and a grey bar under the text.
    ops += &format!(
        "q 0.2 0.3 0.6 RG 2 w {} {} {} {} re S Q\n",
        x0 + 30.0,
        y0 + 30.0,
        w - 60.0,
        h - 60.0
    );
    ops += &format!(
        "q 0.85 g {} {} {} 8 re f Q\n",
        left,
        first - size * 1.6 * 2.0 - 16.0,
        w - 120.0
    );
    // Two pictures, side by side at the bottom.
    ops += &format!("q 90 0 0 60 {} {} cm /Im0 Do Q\n", x0 + 60.0, y0 + 45.0);
    ops += &format!("q 90 0 0 60 {} {} cm /Im1 Do Q\n", x0 + 170.0, y0 + 45.0);
    ops += &text_ops;
    spec.content = ops;
    spec.images = vec![flate_rgb(&swatch(90, 60, 1)), flate_rgb(&swatch(90, 60, 2))];
    spec.truth = Truth {
        text: VECTOR_LINES.iter().map(|l| format!("{l}\n")).collect(),
        words,
        size: (crop[2] - crop[0], crop[3] - crop[1]),
    };
    spec
}

/// A vector page of `w` x `h` units with `/UserUnit unit`: everything
/// drawn `1/unit` the size of [`vector_spec`], so it shows at the same
/// physical size. Its truth is in the page's own units.
pub fn user_unit_spec(w_pt: f32, h_pt: f32, unit: f32) -> PageSpec {
    let big = vector_spec(w_pt, h_pt, (0.0, 0.0), 0.0);
    let mut spec = big.clone();
    spec.media = [0.0, 0.0, w_pt / unit, h_pt / unit];
    spec.user_unit = Some(unit);
    let s = 1.0 / unit;
    spec.content = format!("q {s} 0 0 {s} 0 0 cm\n{}Q\n", big.content);
    spec.truth.size = (w_pt / unit, h_pt / unit);
    for word in &mut spec.truth.words {
        word.bbox = word.bbox.map(|v| v / unit);
    }
    spec
}

/// A scan stored turned a quarter counter-clockwise, shown upright by
/// `/Rotate 90`. The truth is the upright page's.
pub fn rotated_scan_spec(page: &Page) -> PageSpec {
    let stored = image::imageops::rotate270(&page.image);
    let truth = scan_truth(page);
    let (w, h) = truth.size; // displayed, upright
    let mut spec = PageSpec::new(h, w);
    spec.rotate = 90;
    spec.content = format!("q {h} 0 0 {w} 0 0 cm /Im0 Do Q\n");
    spec.images = vec![flate_rgb(&stored)];
    spec.truth = truth;
    spec
}

/// A scan with an earlier OCR layer over it: every word in invisible text
/// (render mode 3) at its place, the third one replaced by [`MARKER`], the
/// way Tesseract's PDF renderer leaves it (one content stream, image then
/// text). The truth is what the page shows (without the marker).
pub fn ocred_scan_spec(page: &Page) -> PageSpec {
    let mut spec = scan_jpeg_spec(page);
    let m = metrics();
    let h = spec.truth.size.1;
    let mut ops = String::from("BT 3 Tr\n");
    for (i, word) in spec.truth.words.iter().enumerate() {
        let text = if i == 2 { MARKER } else { word.text.as_str() };
        let [x0, y0, x1, y1] = word.bbox;
        let size = (y1 - y0) / (m.ascent_em() - m.descent_em());
        let natural = m.advance(text, size);
        let scale = 100.0 * (x1 - x0) / natural;
        let base = h - (y1 + m.descent_em() * size);
        ops += &format!(
            "/F1 {size:.2} Tf {scale:.1} Tz 1 0 0 1 {x0:.2} {base:.2} Tm ({}) Tj\n",
            pdf_literal(text)
        );
    }
    ops += "ET\n";
    spec.content += &ops;
    spec.font_winansi = true;
    spec
}

/// A scan with a red stamp in visible text ("APPROVED", 20 pt, DejaVu)
/// in its empty top margin, over the image.
pub fn stamped_scan_spec(page: &Page) -> PageSpec {
    let mut spec = scan_jpeg_spec(page);
    let (w, h) = spec.truth.size;
    let size = 20.0;
    let m = metrics();
    let left = w - 72.0 - m.advance(STAMP, size);
    let base = h - 0.6 * 72.0;
    let (ops, words) = set_lines(&[STAMP], "F1", size, left, base, size, (0.0, h));
    spec.content += &format!("q 0.85 0.1 0.1 rg\n{ops}Q\n");
    spec.font_winansi = true;
    spec.truth.text = format!("{STAMP}\n{}", spec.truth.text);
    spec.truth.words.extend(words);
    spec
}

/// The stamp's word.
pub const STAMP: &str = "APPROVED";

/// A scan whose image is in a one-ink colour space: DeviceN with a
/// /Decode [1 0] array, or Separation with ink-amount samples.
pub fn ink_scan_spec(page: &Page, kind: ImageKind) -> PageSpec {
    let gray = gray_of(&page.image);
    let samples: Vec<u8> = match kind {
        ImageKind::DeviceNDecode => gray.as_raw().clone(),
        ImageKind::SeparationInk => gray.as_raw().iter().map(|v| 255 - v).collect(),
        _ => panic!("not a one-ink kind: {kind:?}"),
    };
    let image = Image {
        data: zlib(&samples),
        width: gray.width(),
        height: gray.height(),
        kind,
    };
    scan_spec(page, image)
}

/// Turn a box in top-left displayed points (page without /Rotate, crop =
/// media from 0,0) into a user-space rectangle of a page `h` high, grown
/// by `pad` on every side.
pub fn user_rect(bbox: [f32; 4], h: f32, pad: f32) -> [f32; 4] {
    [
        bbox[0] - pad,
        h - bbox[3] - pad,
        bbox[2] + pad,
        h - bbox[1] + pad,
    ]
}

// ------------------------------------------------------------ writing

/// Write `doc` as a PDF.
pub fn write(doc: &DocSpec) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        next += 1;
        Ref::new(next - 1)
    };
    let catalog = alloc();
    let tree = alloc();
    let page_ids: Vec<Ref> = doc.pages.iter().map(|_| alloc()).collect();

    // Shared fonts.
    let any_winansi = doc.pages.iter().any(|p| p.font_winansi);
    let any_identity = doc.pages.iter().any(|p| p.font_identity);
    let font_file = alloc();
    let (f1, fd1, f2, cid2, fd2) = (alloc(), alloc(), alloc(), alloc(), alloc());
    let helv = alloc();
    if any_winansi || any_identity {
        let raw = std::fs::read(DEJAVU_SANS)
            .unwrap_or_else(|e| panic!("{DEJAVU_SANS}: {e} (apt-get install fonts-dejavu-core)"));
        let packed = zlib(&raw);
        pdf.stream(font_file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), raw.len() as i32);
    }
    let m = metrics();
    let descriptor = |pdf: &mut Pdf, id: Ref, name: &[u8], flags: i32| {
        let mut d = pdf.indirect(id).dict();
        d.pair(Name(b"Type"), Name(b"FontDescriptor"))
            .pair(Name(b"FontName"), Name(name))
            .pair(Name(b"Flags"), flags)
            .pair(
                Name(b"FontBBox"),
                Rect::new(-1021.0, -463.0, 1793.0, 1232.0),
            )
            .pair(Name(b"ItalicAngle"), 0.0)
            .pair(Name(b"Ascent"), (m.ascent_em() * 1000.0).round())
            .pair(Name(b"Descent"), (m.descent_em() * 1000.0).round())
            .pair(Name(b"CapHeight"), 729.0)
            .pair(Name(b"StemV"), 80.0)
            .pair(Name(b"FontFile2"), font_file);
    };
    if any_winansi {
        {
            let mut f = pdf.indirect(f1).dict();
            f.pair(Name(b"Type"), Name(b"Font"))
                .pair(Name(b"Subtype"), Name(b"TrueType"))
                .pair(Name(b"BaseFont"), Name(b"DejaVuSans"))
                .pair(Name(b"FirstChar"), 32)
                .pair(Name(b"LastChar"), 126)
                .pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"))
                .pair(Name(b"FontDescriptor"), fd1);
            f.insert(Name(b"Widths"))
                .array()
                .items((32u8..=126).map(|c| m.width(c as char)));
        }
        descriptor(&mut pdf, fd1, b"DejaVuSans", 32);
    }
    if any_identity {
        {
            let mut f = pdf.indirect(f2).dict();
            f.pair(Name(b"Type"), Name(b"Font"))
                .pair(Name(b"Subtype"), Name(b"Type0"))
                .pair(Name(b"BaseFont"), Name(b"DejaVuSans-Identity"))
                .pair(Name(b"Encoding"), Name(b"Identity-H"));
            f.insert(Name(b"DescendantFonts")).array().item(cid2);
        }
        {
            let mut c = pdf.indirect(cid2).dict();
            c.pair(Name(b"Type"), Name(b"Font"))
                .pair(Name(b"Subtype"), Name(b"CIDFontType2"))
                .pair(Name(b"BaseFont"), Name(b"DejaVuSans-Identity"))
                .pair(Name(b"FontDescriptor"), fd2)
                .pair(Name(b"CIDToGIDMap"), Name(b"Identity"))
                .pair(Name(b"DW"), 600);
            c.insert(Name(b"CIDSystemInfo"))
                .dict()
                .pair(Name(b"Registry"), Str(b"Adobe"))
                .pair(Name(b"Ordering"), Str(b"Identity"))
                .pair(Name(b"Supplement"), 0);
            // Widths of every printable ASCII glyph.
            let mut gids: Vec<(u16, f32)> = (32u8..=126)
                .map(|c| (m.font.glyph_id(c as char).0, m.width(c as char)))
                .collect();
            gids.sort_by_key(|g| g.0);
            gids.dedup_by_key(|g| g.0);
            let mut w = c.insert(Name(b"W")).array();
            for (gid, width) in gids {
                w.item(gid as i32);
                w.push().array().item(width);
            }
        }
        descriptor(&mut pdf, fd2, b"DejaVuSans-Identity", 4);
    }

    // Pages.
    let mut field_ids = Vec::new();
    let mut sig_field = None;
    for (i, (spec, &id)) in doc.pages.iter().zip(&page_ids).enumerate() {
        let content = alloc();
        let images: Vec<Ref> = spec.images.iter().map(|_| alloc()).collect();
        let annots: Vec<Ref> = spec.annots.iter().map(|_| alloc()).collect();
        let type3 = (!spec.type3.is_empty()).then(&mut alloc);
        let sig_here = doc.signed && i == 0;
        let sig_id = sig_here.then(&mut alloc);
        {
            let mut page = pdf.indirect(id).dict();
            page.pair(Name(b"Type"), Name(b"Page"))
                .pair(Name(b"Parent"), tree)
                .pair(
                    Name(b"MediaBox"),
                    Rect::new(spec.media[0], spec.media[1], spec.media[2], spec.media[3]),
                )
                .pair(Name(b"Contents"), content);
            if let Some(c) = spec.crop {
                page.pair(Name(b"CropBox"), Rect::new(c[0], c[1], c[2], c[3]));
            }
            if spec.rotate != 0 {
                page.pair(Name(b"Rotate"), spec.rotate);
            }
            if let Some(u) = spec.user_unit {
                page.pair(Name(b"UserUnit"), u);
            }
            if !annots.is_empty() || sig_id.is_some() {
                let mut a = page.insert(Name(b"Annots")).array();
                a.items(annots.iter().copied());
                if let Some(s) = sig_id {
                    a.item(s);
                }
            }
            let mut res = page.insert(Name(b"Resources")).dict();
            if !images.is_empty() {
                let mut x = res.insert(Name(b"XObject")).dict();
                for (k, img) in images.iter().enumerate() {
                    x.pair(Name(format!("Im{k}").as_bytes()), *img);
                }
            }
            if spec.font_winansi || spec.font_identity || type3.is_some() {
                let mut f = res.insert(Name(b"Font")).dict();
                if spec.font_winansi {
                    f.pair(Name(b"F1"), f1);
                }
                if spec.font_identity {
                    f.pair(Name(b"F2"), f2);
                }
                if let Some(t3) = type3 {
                    f.pair(Name(b"F3"), t3);
                }
            }
        }
        if let Some(t3) = type3 {
            write_type3(&mut pdf, t3, &spec.type3, &mut alloc);
        }
        let data = zlib(spec.content.as_bytes());
        pdf.stream(content, &data).filter(Filter::FlateDecode);
        for (img, &iid) in spec.images.iter().zip(&images) {
            write_image(&mut pdf, iid, img, &mut alloc);
        }
        for (annot, &aid) in spec.annots.iter().zip(&annots) {
            let appearance = matches!(annot, Annot::TextField { .. }).then(&mut alloc);
            {
                let mut a = pdf.indirect(aid).dict();
                a.pair(Name(b"Type"), Name(b"Annot")).pair(Name(b"P"), id);
                match annot {
                    Annot::Uri { rect, uri } => {
                        a.pair(Name(b"Subtype"), Name(b"Link"))
                            .pair(Name(b"Rect"), Rect::new(rect[0], rect[1], rect[2], rect[3]));
                        a.insert(Name(b"Border")).array().items([0, 0, 0]);
                        a.insert(Name(b"A"))
                            .dict()
                            .pair(Name(b"S"), Name(b"URI"))
                            .pair(Name(b"URI"), Str(uri.as_bytes()));
                    }
                    Annot::GoTo { rect, dest } => {
                        a.pair(Name(b"Subtype"), Name(b"Link"))
                            .pair(Name(b"Rect"), Rect::new(rect[0], rect[1], rect[2], rect[3]))
                            .pair(Name(b"Dest"), Str(dest.as_bytes()));
                        a.insert(Name(b"Border")).array().items([0, 0, 0]);
                    }
                    Annot::TextField { rect, name, value } => {
                        a.pair(Name(b"Subtype"), Name(b"Widget"))
                            .pair(Name(b"Rect"), Rect::new(rect[0], rect[1], rect[2], rect[3]))
                            .pair(Name(b"F"), 4)
                            .pair(Name(b"FT"), Name(b"Tx"))
                            .pair(Name(b"T"), TextStr(name))
                            .pair(Name(b"V"), TextStr(value))
                            .pair(Name(b"DA"), Str(b"/Helv 10 Tf 0 g"));
                        a.insert(Name(b"AP"))
                            .dict()
                            .pair(Name(b"N"), appearance.unwrap());
                        field_ids.push(aid);
                    }
                }
            }
            if let (Annot::TextField { rect, value, .. }, Some(ap)) = (annot, appearance) {
                let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
                let body = format!(
                    "/Tx BMC q 0.9 0.9 1 rg 0 0 {w} {h} re f Q BT /Helv 10 Tf 0 g 2 {} Td ({}) Tj ET EMC",
                    (h - 10.0) / 2.0 + 2.0,
                    pdf_literal(value)
                );
                let mut x = pdf.form_xobject(ap, body.as_bytes());
                x.bbox(Rect::new(0.0, 0.0, w, h));
                x.resources().fonts().pair(Name(b"Helv"), helv);
                x.finish();
            }
        }
        if let Some(s) = sig_id {
            sig_field = Some((s, id));
        }
    }
    // Helvetica for the form fields' appearances and the form's /DR.
    if !field_ids.is_empty() || doc.signed || doc.xfa {
        pdf.type1_font(helv).base_font(Name(b"Helvetica"));
    }

    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);

    // Signature: value dictionary with a /ByteRange patched at the end.
    let sig_value = alloc();
    if let Some((s, page)) = sig_field {
        pdf.indirect(s)
            .dict()
            .pair(Name(b"Type"), Name(b"Annot"))
            .pair(Name(b"Subtype"), Name(b"Widget"))
            .pair(Name(b"FT"), Name(b"Sig"))
            .pair(Name(b"T"), TextStr("Signature1"))
            .pair(Name(b"F"), 132)
            .pair(Name(b"Rect"), Rect::new(0.0, 0.0, 0.0, 0.0))
            .pair(Name(b"P"), page)
            .pair(Name(b"V"), sig_value);
        let mut contents = vec![0u8; 4096];
        contents[..4].copy_from_slice(&[0x30, 0x82, 0x0f, 0xfc]);
        let mut v = pdf.indirect(sig_value).dict();
        v.pair(Name(b"Type"), Name(b"Sig"))
            .pair(Name(b"Filter"), Name(b"Adobe.PPKLite"))
            .pair(Name(b"SubFilter"), Name(b"adbe.pkcs7.detached"))
            .pair(Name(b"Name"), TextStr("Jane Clerk"))
            .pair(Name(b"M"), Str(b"D:20240316120000+01'00'"))
            .pair(Name(b"Contents"), Str(&contents));
        v.insert(Name(b"ByteRange")).array().items([
            0,
            BYTE_RANGE_MARK[0],
            BYTE_RANGE_MARK[1],
            BYTE_RANGE_MARK[2],
        ]);
        field_ids.push(s);
    }

    // XFA packet.
    let xfa = alloc();
    if doc.xfa {
        let xdp = br#"<?xml version="1.0" encoding="UTF-8"?>
<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">
<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">
<subform name="form1" layout="tb" locale="en_US"><pageSet><pageArea name="Page1"><contentArea x="0.25in" y="0.25in" w="8in" h="10.5in"/><medium stock="letter" short="8.5in" long="11in"/></pageArea></pageSet>
<field name="Applicant" w="3in" h="9mm"><ui><textEdit/></ui><caption><value><text>Applicant</text></value></caption></field>
</subform></template>
<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form1><Applicant>Jane Clerk</Applicant></form1></xfa:data></xfa:datasets>
</xdp:xdp>
"#;
        pdf.stream(xfa, xdp);
    }

    // Outline.
    let outline_root = alloc();
    let items: Vec<Ref> = doc.outline.iter().map(|_| alloc()).collect();
    if !items.is_empty() {
        pdf.outline(outline_root)
            .first(items[0])
            .last(*items.last().unwrap())
            .count(items.len() as i32);
        for (k, ((title, target), &item)) in doc.outline.iter().zip(&items).enumerate() {
            let mut it = pdf.outline_item(item);
            it.title(TextStr(title)).parent(outline_root);
            if k > 0 {
                it.prev(items[k - 1]);
            }
            if k + 1 < items.len() {
                it.next(items[k + 1]);
            }
            match target {
                OutlineTarget::Page(p) => {
                    it.insert(Name(b"Dest"))
                        .array()
                        .item(page_ids[*p])
                        .item(Name(b"Fit"));
                }
                OutlineTarget::Named(n) => {
                    it.pair(Name(b"Dest"), Str(n.as_bytes()));
                }
            }
        }
    }

    // Attachments.
    let files: Vec<(Ref, Ref)> = doc.attachments.iter().map(|_| (alloc(), alloc())).collect();
    for ((name, bytes), &(spec_id, file_id)) in doc.attachments.iter().zip(&files) {
        pdf.embedded_file(file_id, bytes)
            .subtype(Name(b"text/plain"))
            .params()
            .size(bytes.len() as i32);
        pdf.file_spec(spec_id)
            .path(Str(name.as_bytes()))
            .unic_file(TextStr(name))
            .description(TextStr("Notes attached to the minutes"))
            .insert(Name(b"EF"))
            .dict()
            .pair(Name(b"F"), file_id)
            .pair(Name(b"UF"), file_id);
    }

    // XMP.
    let xmp_id = alloc();
    if doc.xmp {
        let info = doc.info.as_ref().expect("XMP needs Info");
        let packet = xmp_packet(info);
        pdf.stream(xmp_id, packet.as_bytes())
            .pair(Name(b"Type"), Name(b"Metadata"))
            .pair(Name(b"Subtype"), Name(b"XML"));
    }

    // Info.
    if let Some(info) = &doc.info {
        let id = alloc();
        pdf.document_info(id)
            .title(TextStr(&info.title))
            .author(TextStr(&info.author))
            .subject(TextStr(&info.subject))
            .keywords(TextStr(&info.keywords))
            .creator(TextStr(&info.creator))
            .producer(TextStr(&info.producer))
            .pair(Name(b"CreationDate"), Str(info.creation_date.as_bytes()))
            .pair(Name(b"ModDate"), Str(info.creation_date.as_bytes()));
    }

    // Catalog.
    {
        let mut cat = pdf.catalog(catalog);
        cat.pair(Name(b"Pages"), tree);
        if !items.is_empty() {
            cat.pair(Name(b"Outlines"), outline_root)
                .pair(Name(b"PageMode"), Name(b"UseOutlines"));
        }
        if doc.xmp {
            cat.pair(Name(b"Metadata"), xmp_id);
        }
        if doc.xfa {
            cat.pair(Name(b"NeedsRendering"), true);
        }
        if !doc.labels.is_empty() {
            let mut tree = cat.insert(Name(b"PageLabels")).dict();
            let mut nums = tree.insert(Name(b"Nums")).array();
            for l in &doc.labels {
                nums.item(l.start as i32);
                let mut d = nums.push().dict();
                d.pair(Name(b"S"), Name(l.style.as_bytes()));
                if let Some(p) = &l.prefix {
                    d.pair(Name(b"P"), TextStr(p));
                }
                if let Some(f) = l.first {
                    d.pair(Name(b"St"), f);
                }
            }
        }
        if !doc.dests.is_empty() || !doc.attachments.is_empty() {
            let mut names = cat.insert(Name(b"Names")).dict();
            if !doc.dests.is_empty() {
                let mut sorted = doc.dests.clone();
                sorted.sort();
                let mut d = names.insert(Name(b"Dests")).dict();
                let mut arr = d.insert(Name(b"Names")).array();
                for (name, page) in &sorted {
                    arr.item(Str(name.as_bytes()));
                    arr.push()
                        .array()
                        .item(page_ids[*page])
                        .item(Name(b"XYZ"))
                        .item(0.0)
                        .item(doc.pages[*page].media[3])
                        .item(0.0);
                }
            }
            if !doc.attachments.is_empty() {
                let mut d = names.insert(Name(b"EmbeddedFiles")).dict();
                let mut arr = d.insert(Name(b"Names")).array();
                let mut sorted: Vec<(&String, Ref)> = doc
                    .attachments
                    .iter()
                    .zip(&files)
                    .map(|((n, _), (s, _))| (n, *s))
                    .collect();
                sorted.sort();
                for (name, spec) in sorted {
                    arr.item(Str(name.as_bytes()));
                    arr.item(spec);
                }
            }
        }
        if !field_ids.is_empty() || doc.xfa {
            let mut form = cat.insert(Name(b"AcroForm")).dict();
            form.insert(Name(b"Fields"))
                .array()
                .items(field_ids.iter().copied());
            form.pair(Name(b"DA"), Str(b"/Helv 0 Tf 0 g"));
            form.insert(Name(b"DR"))
                .dict()
                .insert(Name(b"Font"))
                .dict()
                .pair(Name(b"Helv"), helv);
            if doc.signed {
                form.pair(Name(b"SigFlags"), 3);
            }
            if doc.xfa {
                form.pair(Name(b"XFA"), xfa);
            }
        }
    }
    pdf.set_file_id((b"pdfdoc-fixture-01".to_vec(), b"pdfdoc-fixture-01".to_vec()));
    let mut bytes = pdf.finish();
    if doc.signed {
        patch_byte_range(&mut bytes);
    }
    bytes
}

/// Placeholders for the signature's /ByteRange, as wide as any real value.
const BYTE_RANGE_MARK: [i32; 3] = [1_111_111_111, 1_222_222_222, 1_333_333_333];

/// Fill in the /ByteRange: everything but the /Contents hex string.
fn patch_byte_range(bytes: &mut [u8]) {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let contents = find(bytes, b"/Contents <3082").expect("signature /Contents") + 10;
    let end = contents + find(&bytes[contents..], b">").unwrap() + 1;
    let total = bytes.len();
    for (mark, value) in BYTE_RANGE_MARK.iter().zip([contents, end, total - end]) {
        let m = mark.to_string();
        let at = find(bytes, m.as_bytes()).expect("ByteRange placeholder");
        let v = format!("{value:>width$}", width = m.len());
        bytes[at..at + m.len()].copy_from_slice(v.as_bytes());
    }
}

/// A Type3 font at `id` drawing `chars` (codes from 33) with DejaVu Sans
/// outlines in a 1000-unit glyph space.
fn write_type3(pdf: &mut Pdf, id: Ref, chars: &[char], alloc: &mut impl FnMut() -> Ref) {
    let m = metrics();
    let procs: Vec<Ref> = chars.iter().map(|_| alloc()).collect();
    let scale = 1000.0 / m.upem;
    {
        let mut f = pdf.indirect(id).dict();
        f.pair(Name(b"Type"), Name(b"Font"))
            .pair(Name(b"Subtype"), Name(b"Type3"))
            .pair(
                Name(b"FontBBox"),
                Rect::new(-1021.0, -463.0, 1793.0, 1232.0),
            )
            .pair(Name(b"FirstChar"), 33)
            .pair(Name(b"LastChar"), 32 + chars.len() as i32);
        f.insert(Name(b"FontMatrix"))
            .array()
            .items([0.001, 0.0, 0.0, 0.001, 0.0, 0.0]);
        f.insert(Name(b"Widths"))
            .array()
            .items(chars.iter().map(|&c| m.width(c)));
        {
            let mut cp = f.insert(Name(b"CharProcs")).dict();
            for (i, p) in procs.iter().enumerate() {
                cp.pair(Name(type3_name(i).as_bytes()), *p);
            }
        }
        {
            let mut enc = f.insert(Name(b"Encoding")).dict();
            enc.pair(Name(b"Type"), Name(b"Encoding"));
            let mut d = enc.insert(Name(b"Differences")).array();
            d.item(33);
            for i in 0..chars.len() {
                d.item(Name(type3_name(i).as_bytes()));
            }
        }
        f.insert(Name(b"Resources")).dict();
    }
    for (&c, &p) in chars.iter().zip(&procs) {
        let body = format!(
            "{} 0 d0\n{}",
            m.width(c),
            glyph_path(&m.font, m.font.glyph_id(c), scale, (0.0, 0.0))
        );
        pdf.stream(p, body.as_bytes());
    }
}

fn write_image(pdf: &mut Pdf, id: Ref, img: &Image, alloc: &mut impl FnMut() -> Ref) {
    let function = match img.kind {
        ImageKind::DeviceNDecode | ImageKind::SeparationInk => Some(alloc()),
        _ => None,
    };
    {
        let mut x = pdf.image_xobject(id, &img.data);
        x.width(img.width as i32)
            .height(img.height as i32)
            .bits_per_component(8);
        match img.kind {
            ImageKind::Jpeg { gray } => {
                x.filter(Filter::DctDecode);
                if gray {
                    x.color_space().device_gray();
                } else {
                    x.color_space().device_rgb();
                }
            }
            ImageKind::FlateGray => {
                x.filter(Filter::FlateDecode);
                x.color_space().device_gray();
            }
            ImageKind::FlateRgb => {
                x.filter(Filter::FlateDecode);
                x.color_space().device_rgb();
            }
            ImageKind::DeviceNDecode => {
                x.filter(Filter::FlateDecode);
                let mut cs = x.insert(Name(b"ColorSpace")).array();
                cs.item(Name(b"DeviceN"));
                cs.push().array().item(Name(b"Black"));
                cs.item(Name(b"DeviceGray"));
                cs.item(function.unwrap());
                cs.finish();
                x.decode([1.0, 0.0]);
            }
            ImageKind::SeparationInk => {
                x.filter(Filter::FlateDecode);
                let mut cs = x.insert(Name(b"ColorSpace")).array();
                cs.item(Name(b"Separation"))
                    .item(Name(b"Black"))
                    .item(Name(b"DeviceGray"))
                    .item(function.unwrap());
            }
        }
    }
    match img.kind {
        ImageKind::DeviceNDecode => {
            pdf.post_script_function(function.unwrap(), b"{1 exch sub}")
                .domain([0.0, 1.0])
                .range([0.0, 1.0]);
        }
        ImageKind::SeparationInk => {
            pdf.exponential_function(function.unwrap())
                .domain([0.0, 1.0])
                .range([0.0, 1.0])
                .c0([1.0])
                .c1([0.0])
                .n(1.0);
        }
        _ => {}
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An XMP packet matching `info`, with a document ID.
pub fn xmp_packet(info: &Info) -> String {
    let d = &info.creation_date; // D:YYYYMMDDHHmmSS+HH'mm'
    let iso = format!(
        "{}-{}-{}T{}:{}:{}{}:{}",
        &d[2..6],
        &d[6..8],
        &d[8..10],
        &d[10..12],
        &d[12..14],
        &d[14..16],
        &d[16..19],
        &d[20..22]
    );
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<pdf:Keywords>{keywords}</pdf:Keywords>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{iso}</xmp:CreateDate>
<xmpMM:DocumentID>uuid:6f1c2a52-9d7e-4a8b-b1d3-0c6a2e1f4b21</xmpMM:DocumentID>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = xml_escape(&info.title),
        author = xml_escape(&info.author),
        subject = xml_escape(&info.subject),
        keywords = xml_escape(&info.keywords),
        producer = xml_escape(&info.producer),
        creator = xml_escape(&info.creator),
    )
}

// ------------------------------------------------------------ fixtures

/// Write `doc` and keep each page's truth.
pub fn fixture(doc: DocSpec) -> Fixture {
    let bytes = write(&doc);
    Fixture {
        bytes,
        pages: doc.pages.into_iter().map(|p| p.truth).collect(),
    }
}

/// Give `spec` (a page without /Rotate whose media box starts at 0,0) a
/// crop box `inset` points inside its media box; the truth follows.
pub fn with_crop(mut spec: PageSpec, inset: f32) -> PageSpec {
    let [x0, y0, x1, y1] = spec.media;
    spec.crop = Some([x0 + inset, y0 + inset, x1 - inset, y1 - inset]);
    for w in &mut spec.truth.words {
        w.bbox = [
            w.bbox[0] - inset,
            w.bbox[1] - inset,
            w.bbox[2] - inset,
            w.bbox[3] - inset,
        ];
    }
    spec.truth.size = (x1 - x0 - 2.0 * inset, y1 - y0 - 2.0 * inset);
    spec
}

/// Give `spec` (a page without /Rotate, media box from 0,0, no crop box)
/// `/Rotate 90`: it shows turned a quarter clockwise; the truth follows.
pub fn with_rotate_90(mut spec: PageSpec) -> PageSpec {
    spec.rotate = 90;
    let h = spec.media[3];
    for w in &mut spec.truth.words {
        // Unturned (u, v) from the top left shows at (h - v, u).
        let [u0, v0, u1, v1] = w.bbox;
        w.bbox = [h - v1, u0, h - v0, u1];
    }
    spec.truth.size = (spec.truth.size.1, spec.truth.size.0);
    spec
}

/// A5 landscape in points.
pub const A5_LANDSCAPE: (f32, f32) = (595.0, 420.0);
/// A6 landscape in points.
pub const A6_LANDSCAPE: (f32, f32) = (420.0, 298.0);

/// One born-digital page (A6 landscape, 12 pt DejaVu Sans).
pub fn born_digital(lines: &[&str]) -> Fixture {
    let (w, h) = A6_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![text_spec(lines, w, h, 12.0)],
        ..DocSpec::default()
    })
}

/// The same with Info (and XMP) from [`Info::sample`].
pub fn born_digital_with_info(lines: &[&str]) -> Fixture {
    let (w, h) = A6_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![text_spec(lines, w, h, 12.0)],
        info: Some(Info::sample()),
        xmp: true,
        ..DocSpec::default()
    })
}

/// A plain scan (grey JPEG, A6 landscape at 300 dpi), then a born-digital
/// page.
pub fn scan_then_digital(seed: u64) -> Fixture {
    let (w, h) = A6_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![
            scan_jpeg_spec(&small_scan(seed)),
            text_spec(&LETTER, w, h, 12.0),
        ],
        ..DocSpec::default()
    })
}

/// One scan with an earlier, partly wrong OCR layer ([`ocred_scan_spec`]).
pub fn ocred_scan(seed: u64) -> Fixture {
    fixture(DocSpec {
        pages: vec![ocred_scan_spec(&small_scan(seed))],
        ..DocSpec::default()
    })
}

/// Two pages of visible text in fonts without a Unicode map (A5
/// landscape, 16 pt): Type0/Identity-H, then Type3.
pub fn no_unicode(lines: &[&str]) -> Fixture {
    let (w, h) = A5_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![
            no_unicode_spec(lines, w, h, 16.0),
            type3_spec(lines, w, h, 16.0),
        ],
        ..DocSpec::default()
    })
}

/// One vector page ([`vector_spec`], A5 landscape).
pub fn vector_drawing() -> Fixture {
    let (w, h) = A5_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![vector_spec(w, h, (0.0, 0.0), 0.0)],
        ..DocSpec::default()
    })
}

/// One scan with a red "APPROVED" stamp in visible text.
pub fn stamped_scan(seed: u64) -> Fixture {
    fixture(DocSpec {
        pages: vec![stamped_scan_spec(&small_scan(seed))],
        ..DocSpec::default()
    })
}

/// Pages whose geometry a text layer must follow: a scan shown upright by
/// `/Rotate 90`; a vector page whose media box starts at (200, 300) with a
/// crop box 20 points inside it; a vector page with `/UserUnit 10`.
pub fn geometry(seed: u64) -> Fixture {
    let (w, h) = A5_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![
            rotated_scan_spec(&small_scan(seed)),
            vector_spec(w, h, (200.0, 300.0), 20.0),
            user_unit_spec(w, h, 10.0),
        ],
        ..DocSpec::default()
    })
}

/// Two plain scans: colour JPEG and grey Flate.
pub fn plain_scans(seed: u64) -> Fixture {
    let (a, b) = (small_scan(seed), small_scan(seed + 1));
    fixture(DocSpec {
        pages: vec![
            scan_spec(&a, jpeg_image(&a.image, false, 85)),
            scan_spec(&b, flate_gray(&gray_of(&b.image))),
        ],
        ..DocSpec::default()
    })
}

/// A small scan on white paper (little noise, slight blur and skew): one
/// whose cleaned version looks almost the same.
pub fn white_scan(seed: u64) -> Page {
    let clean = generator::render(&Layout {
        seed,
        lines: 3,
        size_in: (5.83, 4.13),
        dpi: 300.0,
        font_pt: 12.0,
    });
    generator::degrade(
        &clean,
        &Degrade {
            specks: 40,
            blur: 0.5,
            skew_deg: 0.4,
            noise: 3.0,
            seed,
            ..Degrade::default()
        },
    )
}

/// Two scans on white paper in one-ink colour spaces: DeviceN with
/// /Decode [1 0], and Separation with ink-amount samples.
pub fn ink_scans(seed: u64) -> Fixture {
    fixture(DocSpec {
        pages: vec![
            ink_scan_spec(&white_scan(seed), ImageKind::DeviceNDecode),
            ink_scan_spec(&white_scan(seed + 1), ImageKind::SeparationInk),
        ],
        ..DocSpec::default()
    })
}

/// A born-digital page in a digitally signed file.
pub fn signed(lines: &[&str]) -> Fixture {
    let (w, h) = A6_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![text_spec(lines, w, h, 12.0)],
        info: Some(Info::sample()),
        signed: true,
        ..DocSpec::default()
    })
}

/// A dynamic XFA form: the page is the static "please wait" text viewers
/// without XFA show.
pub fn dynamic_xfa() -> Fixture {
    let (w, h) = A6_LANDSCAPE;
    fixture(DocSpec {
        pages: vec![text_spec(
            &[
                "Please wait...",
                "If this message is not eventually replaced",
                "by the proper contents of the document,",
                "your PDF viewer may not be able to display",
                "this type of document.",
            ],
            w,
            h,
            12.0,
        )],
        xfa: true,
        ..DocSpec::default()
    })
}

/// What the rich document holds besides its pages.
pub struct Rich {
    pub info: Info,
    /// Page 1's URI link: its target, rectangle (user space) and the word
    /// under it (displayed points).
    pub uri: String,
    pub uri_rect: [f32; 4],
    pub uri_word: Word,
    /// Page 1's link to the named destination [`Rich::dest`].
    pub goto_rect: [f32; 4],
    pub dest: String,
    /// The page (1-based) [`Rich::dest`] points at.
    pub dest_page: usize,
    pub field_name: String,
    pub field_value: String,
    /// Bookmark titles and their pages (1-based).
    pub outline: Vec<(String, usize)>,
    /// The label of each page, as viewers show it.
    pub labels: Vec<String>,
    pub attachment: (String, Vec<u8>),
}

/// A document with everything a real PDF carries besides pages:
/// 1. a scan (A4 wide, 4 in tall, 300 dpi) skewed 2°, with a link to a
///    web address over its word farthest from the centre and a link to the
///    named destination `chapter-two` over another word;
/// 2. a born-digital page with a crop box 10 points in, and a text form
///    field (AcroForm, widget with an appearance);
/// 3. a born-digital page with `/Rotate 90`, the named destination's target;
/// 4. a vector page with `/UserUnit 10`.
///
/// Info (title, author, subject, keywords, creator, producer, dates), an
/// XMP packet, four bookmarks (one through the named destination), page
/// labels i, A-1, A-2, A-3, and an attached `notes.txt`.
pub fn rich(seed: u64) -> (Fixture, Rich) {
    let scan = scan_page(seed, (8.27, 4.0), 3, 300.0, 2.0);
    let mut p1 = scan_jpeg_spec(&scan);
    let (w1, h1) = p1.truth.size;
    let centre = |w: &Word| {
        let (cx, cy) = (
            f32::midpoint(w.bbox[0], w.bbox[2]),
            f32::midpoint(w.bbox[1], w.bbox[3]),
        );
        ((cx - w1 / 2.0).powi(2) + (cy - h1 / 2.0).powi(2)).sqrt()
    };
    let long: Vec<&Word> = p1
        .truth
        .words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphabetic()).count() >= 5)
        .collect();
    let far = (*long
        .iter()
        .max_by(|a, b| centre(a).total_cmp(&centre(b)))
        .unwrap())
    .clone();
    let other = (*long.iter().find(|w| w.text != far.text).unwrap()).clone();
    let uri = "https://example.org/library/minutes?year=2024".to_string();
    let uri_rect = user_rect(far.bbox, h1, 2.0);
    let goto_rect = user_rect(other.bbox, h1, 2.0);
    let dest = "chapter-two".to_string();
    p1.annots = vec![
        Annot::Uri {
            rect: uri_rect,
            uri: uri.clone(),
        },
        Annot::GoTo {
            rect: goto_rect,
            dest: dest.clone(),
        },
    ];

    let (w, h) = A5_LANDSCAPE;
    let mut p2 = with_crop(text_spec(&LETTER, w, h, 14.0), 10.0);
    let (field_name, field_value) = ("treasurer".to_string(), "Ann Smith".to_string());
    p2.annots = vec![Annot::TextField {
        rect: [72.0, 60.0, 300.0, 84.0],
        name: field_name.clone(),
        value: field_value.clone(),
    }];
    let (w3, h3) = A6_LANDSCAPE;
    let p3 = with_rotate_90(text_spec(
        &[
            "Chapter two",
            "The public lecture on local",
            "history will take place in",
            "the town hall on Friday.",
        ],
        w3,
        h3,
        14.0,
    ));
    let p4 = user_unit_spec(w, h, 10.0);

    let info = Info::sample();
    let attachment = (
        "notes.txt".to_string(),
        b"Attached notes: the treasurer's report follows next month.\n".to_vec(),
    );
    let doc = DocSpec {
        pages: vec![p1, p2, p3, p4],
        info: Some(info.clone()),
        xmp: true,
        outline: vec![
            ("Minutes".into(), OutlineTarget::Page(0)),
            ("Treasurer's form".into(), OutlineTarget::Page(1)),
            ("Chapter two".into(), OutlineTarget::Named(dest.clone())),
            ("Drawing".into(), OutlineTarget::Page(3)),
        ],
        labels: vec![
            Label {
                start: 0,
                style: "r",
                prefix: None,
                first: None,
            },
            Label {
                start: 1,
                style: "D",
                prefix: Some("A-".into()),
                first: Some(1),
            },
        ],
        dests: vec![(dest.clone(), 2), ("minutes".into(), 0)],
        attachments: vec![attachment.clone()],
        ..DocSpec::default()
    };
    let rich = Rich {
        info,
        uri,
        uri_rect,
        uri_word: far,
        goto_rect,
        dest,
        dest_page: 3,
        field_name,
        field_value,
        outline: vec![
            ("Minutes".into(), 1),
            ("Treasurer's form".into(), 2),
            ("Chapter two".into(), 3),
            ("Drawing".into(), 4),
        ],
        labels: ["i", "A-1", "A-2", "A-3"].map(String::from).to_vec(),
        attachment,
    };
    (fixture(doc), rich)
}

/// A4 in inches.
pub const A4_IN: (f32, f32) = (8.27, 11.69);

/// An A4 colour scan at 300 dpi with `lines` lines of text and a photo
/// (three inches tall, the text's width) below them, like a letter with a
/// picture. Keep `lines` under about 25 to leave the photo room.
pub fn colour_scan(seed: u64, lines: usize) -> Page {
    let mut page = scan_page(seed, A4_IN, lines, 300.0, 0.8);
    let (w, h) = page.image.dimensions();
    let text_bottom = page.words.iter().map(|w| w.bbox[3]).fold(0.0, f32::max) as u32;
    let top = text_bottom + 80;
    assert!(
        top + 900 < h - 150,
        "{lines} lines leave no room for the photo"
    );
    generator::add_photo(&mut page, [300, top, w - 300, top + 900], seed);
    page
}

/// `pages` A4 300-dpi colour scans (JPEG, DCTDecode), `distinct` different
/// ones repeated in turn (each page its own image object).
pub fn colour_scans(distinct: usize, pages: usize, lines: usize) -> Fixture {
    let specs: Vec<PageSpec> = (0..distinct as u64)
        .map(|i| {
            let p = colour_scan(900 + i, lines);
            scan_spec(&p, jpeg_image(&p.image, false, 75))
        })
        .collect();
    fixture(DocSpec {
        pages: (0..pages).map(|i| specs[i % distinct].clone()).collect(),
        ..DocSpec::default()
    })
}

/// Lines of corpus text for a full born-digital page.
pub fn corpus_lines(seed: u64, lines: usize, chars: usize) -> Vec<String> {
    let words: Vec<&str> = generator::CORPUS.split_whitespace().collect();
    let mut k = (seed as usize * 37) % words.len();
    let mut out = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        while line.len() < chars {
            if !line.is_empty() {
                line.push(' ');
            }
            line += words[k % words.len()];
            k += 1;
        }
        out.push(line.replace('\u{2019}', "'"));
    }
    out
}

/// A document mixing every kind of page at A4, as an office archive
/// holds them: per group of five, a born-digital page (30 lines), a scan,
/// an earlier-OCRed scan, a vector drawing, and a page in a font without a
/// Unicode map. For `benches/pdf_input.sh`.
pub fn mixed_a4(groups: usize) -> Fixture {
    let (w, h) = (595.0, 842.0);
    let mut pages = Vec::new();
    for g in 0..groups as u64 {
        let text = corpus_lines(g, 30, 70);
        let text: Vec<&str> = text.iter().map(String::as_str).collect();
        pages.push(text_spec(&text, w, h, 11.0));
        pages.push(scan_jpeg_spec(&scan_page(700 + g, A4_IN, 30, 300.0, 0.8)));
        pages.push(ocred_scan_spec(&scan_page(800 + g, A4_IN, 30, 300.0, 0.8)));
        pages.push(vector_spec(w, h, (0.0, 0.0), 0.0));
        pages.push(no_unicode_spec(&text[..12], w, h, 11.0));
    }
    fixture(DocSpec {
        pages,
        info: Some(Info::sample()),
        xmp: true,
        ..DocSpec::default()
    })
}
