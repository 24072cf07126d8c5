//! JBIG2 images (`ocrpdf::internals::jbig2`) inside real PDFs, decoded by two
//! independent JBIG2 decoders — poppler (`pdfimages`, `pdftoppm`) and
//! MuPDF (`mutool draw`, jbig2dec inside) — and compared bit for bit with
//! the pixels that went in; plus the size against CCITT G4 on generated
//! A4 text pages.
//!
//! Each page is as large in points as the image is in pixels, so rendering
//! at 72 dpi maps one image pixel onto one device pixel: what a viewer draws
//! (ink black, paper white) is checked, not only the decoded samples.
//! MuPDF draws such a page pixel for pixel; poppler smooths images while
//! drawing, so its decoded samples (`pdfimages`) are compared bit for bit
//! and its rendering of text pages only for ink dark, paper light.

use crate::common;

use common::generator::{
    CORPUS, Degrade, FONT_PATHS, Layout, Rng, degrade, render, render_lines_at,
};
use image::{GrayImage, Luma};
use ocrpdf::clean::{self, BitImage, CleanOptions};
use ocrpdf::input::{Dpi, PageImage, Pixels};
use ocrpdf::internals::{g4, jbig2};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
use std::path::Path;
use std::process::Command;

/// A PDF with one page per image, each image drawn 1 pt per pixel through
/// `/JBIG2Decode` with no `/Decode` array and no `/DecodeParms`, its stream
/// made by `encode`.
fn pdf_with(images: &[BitImage], encode: fn(&BitImage) -> Vec<u8>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut pages = Vec::new();
    for (i, bits) in images.iter().enumerate() {
        let page = Ref::new(3 + 3 * i as i32);
        let (content, image) = (Ref::new(page.get() + 1), Ref::new(page.get() + 2));
        pages.push(page);
        let (w, h) = (bits.width() as f32, bits.height() as f32);
        let data = encode(bits);
        let mut x = pdf.image_xobject(image, &data);
        x.filter(Filter::Jbig2Decode);
        x.width(bits.width() as i32);
        x.height(bits.height() as i32);
        x.color_space().device_gray();
        x.bits_per_component(1);
        x.finish();
        let mut p = pdf.page(page);
        p.parent(tree);
        p.media_box(Rect::new(0.0, 0.0, w, h));
        p.contents(content);
        p.resources().x_objects().pair(Name(b"Im0"), image);
        p.finish();
        let mut c = Content::new();
        c.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        c.x_object(Name(b"Im0"));
        pdf.stream(content, &c.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(pages.iter().copied())
        .count(pages.len() as i32);
    pdf.finish()
}

/// Run a tool; it must succeed and print nothing on stderr (poppler reports
/// malformed JBIG2 segments there while still drawing the page) but for
/// MuPDF's note about how it was built.
fn run_clean(name: &str, args: &[&str]) {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (poppler-utils, mupdf-tools): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let complaints = stderr
        .lines()
        .filter(|l| !l.is_empty() && *l != "warning: ICC support is not available");
    assert!(
        out.status.success() && complaints.count() == 0,
        "{name} {args:?}: {}\n{stderr}",
        out.status
    );
}

/// Images in `dir` whose names start with `prefix`, in name order.
fn decoded(dir: &Path, prefix: &str) -> Vec<GrayImage> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| image::open(p).unwrap().into_luma8())
        .collect()
}

fn assert_same_bits(what: &str, bits: &BitImage, got: &GrayImage) {
    assert_eq!(
        got.dimensions(),
        (bits.width(), bits.height()),
        "{what}: size"
    );
    let wrong = got
        .enumerate_pixels()
        .filter(|(x, y, p)| (p.0[0] < 128) != bits.is_ink(*x, *y))
        .count();
    assert_eq!(wrong, 0, "{what}: {wrong} pixels differ");
}

/// Write the images into one PDF and check that qpdf accepts it and that
/// poppler's extraction and MuPDF's rendering both give back exactly
/// `images`.
fn assert_decoders_agree(images: &[BitImage]) {
    assert_decoders_agree_on(images, jbig2::encode);
}

/// [`assert_decoders_agree`] for the streams `encode` makes.
fn assert_decoders_agree_on(images: &[BitImage], encode: fn(&BitImage) -> Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("jbig2.pdf");
    std::fs::write(&pdf, pdf_with(images, encode)).unwrap();
    let pdf_s = pdf.to_str().unwrap();
    common::assert_qpdf_ok(&pdf);

    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    run_clean("pdfimages", &["-png", pdf_s, &at("raw")]);
    run_clean(
        "mutool",
        &[
            "draw",
            "-q",
            "-r",
            "72",
            "-c",
            "gray",
            "-o",
            &at("mupdf-%04d.pgm"),
            pdf_s,
        ],
    );
    for (decoder, prefix) in [("pdfimages", "raw"), ("mutool draw", "mupdf")] {
        let got = decoded(dir.path(), prefix);
        assert_eq!(got.len(), images.len(), "{decoder}: image count");
        for (i, (bits, got)) in images.iter().zip(&got).enumerate() {
            assert_same_bits(
                &format!("{decoder}, image {i} ({}x{})", bits.width(), bits.height()),
                bits,
                got,
            );
        }
    }
}

/// Poppler smooths images while drawing them, so a rendering is not the
/// bits; on text pages it must still draw ink dark and paper light.
fn assert_poppler_draws_ink_black(images: &[BitImage], encode: fn(&BitImage) -> Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("jbig2.pdf");
    std::fs::write(&pdf, pdf_with(images, encode)).unwrap();
    let prefix = dir.path().join("poppler");
    run_clean(
        "pdftoppm",
        &[
            "-r",
            "72",
            "-gray",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let drawn = decoded(dir.path(), "poppler");
    assert_eq!(drawn.len(), images.len(), "pdftoppm: page count");
    for (i, (bits, got)) in images.iter().zip(&drawn).enumerate() {
        assert_eq!(got.dimensions(), (bits.width(), bits.height()));
        let (mut ink, mut paper) = ((0u64, 0u64), (0u64, 0u64));
        for (x, y, p) in got.enumerate_pixels() {
            let sum = if bits.is_ink(x, y) {
                &mut ink
            } else {
                &mut paper
            };
            *sum = (sum.0 + u64::from(p.0[0]), sum.1 + 1);
        }
        let (ink, paper) = (ink.0 / ink.1.max(1), paper.0 / paper.1.max(1));
        assert!(
            ink < 64 && paper > 192,
            "page {i}: ink drawn at {ink}, paper at {paper}"
        );
    }
}

fn image(w: u32, h: u32, mut ink: impl FnMut(u32, u32) -> bool) -> BitImage {
    BitImage::from_gray_threshold(GrayImage::from_fn(w, h, |x, y| {
        Luma([if ink(x, y) { 0 } else { 255 }])
    }))
}

#[test]
fn edge_cases_and_noise_decode_exactly_in_poppler_and_mupdf() {
    let mut rng = Rng::new(4);
    let mut images = Vec::new();
    for (w, h) in [
        (1, 1),
        (1, 6),
        (6, 1),
        (3, 3),
        (8, 2),
        (9, 9),
        (17, 5),
        (31, 33),
        (32, 7),
        (33, 4),
        (65, 65),
        (301, 57),
        (1001, 13),
    ] {
        images.push(image(w, h, |_, _| false));
        images.push(image(w, h, |_, _| true));
        images.push(image(w, h, |_, _| rng.below(2) == 0));
        images.push(image(w, h, |_, _| rng.below(100) < 4));
        // Rows repeated in threes: typical prediction turns on and off.
        let noise: Vec<bool> = (0..w * h).map(|_| rng.below(3) == 0).collect();
        images.push(image(w, h, |x, y| noise[(y / 3 * 3 * w + x) as usize]));
    }
    for _ in 0..40 {
        let (w, h) = (1 + rng.below(200) as u32, 1 + rng.below(60) as u32);
        let percent = rng.below(101);
        images.push(image(w, h, |_, _| rng.below(100) < percent));
    }
    assert_decoders_agree(&images);
}

/// A generated A4 300-dpi text page cleaned by the library, as the pipeline
/// would store it.
fn text_page(seed: u64, degraded: bool) -> BitImage {
    let mut page = render(&Layout {
        seed,
        ..Default::default()
    });
    if degraded {
        page = degrade(&page, &Degrade::typical(seed));
    }
    let image = PageImage {
        pixels: Pixels::Rgb(page.image),
        dpi: Dpi::uniform(300.0),
    };
    clean::clean(&image, &CleanOptions::default()).bits
}

#[test]
fn text_pages_decode_exactly_and_take_at_most_three_quarters_of_g4() {
    let pages = [text_page(21, false), text_page(22, true)];
    for (bits, kind) in pages.iter().zip(["clean", "degraded"]) {
        let (jbig2, g4) = (jbig2::encode(bits).len(), g4::encode(bits).len());
        let ratio = jbig2 as f64 / g4 as f64;
        eprintln!("{kind} page: JBIG2 {jbig2} bytes, G4 {g4} bytes, ratio {ratio:.3}");
        assert!(bits.ink_count() > 100_000, "{kind}: the page has text");
        assert!(ratio <= 0.75, "{kind}: JBIG2 {jbig2} bytes vs G4 {g4}");
    }
    assert_decoders_agree(&pages);
    assert_poppler_draws_ink_black(&pages, jbig2::encode);
}

// Symbol-coded JBIG2 (`jbig2::encode_symbols`): every page below is also
// decoded by the `jbig2dec` command (the library MuPDF links) on its own.

fn assert_jbig2dec_exact(what: &str, bits: &BitImage, stream: &[u8]) {
    assert_jbig2dec_exact_with(what, bits, None, stream);
}

fn assert_jbig2dec_exact_with(what: &str, bits: &BitImage, globals: Option<&[u8]>, stream: &[u8]) {
    let (w, h, px) = common::jbig2dec(globals, stream);
    assert_eq!((w, h), (bits.width(), bits.height()), "{what}: size");
    let wrong = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| px[(y * w + x) as usize] != bits.is_ink(x, y))
        .count();
    assert_eq!(wrong, 0, "{what}: {wrong} pixels differ");
}

fn symbols(bits: &BitImage) -> Vec<u8> {
    jbig2::encode_symbols(bits).expect("the page has letter-sized components")
}

/// `lines` lines of the corpus in `FONT_PATHS[font]` at `pt` and `dpi`,
/// the page cut below them, degraded like a scan when `scanned`, cleaned by
/// the library as the pipeline would store it.
fn lines_page(font: usize, pt: f32, dpi: f32, lines: usize, scanned: bool, seed: u64) -> BitImage {
    let words: Vec<&str> = CORPUS.split_whitespace().collect();
    let per_line = ((6.0 * 72.0 / pt) as usize).max(3);
    let text: Vec<String> = (0..lines)
        .map(|l| {
            (0..per_line)
                .map(|i| words[(seed as usize * 7 + l * per_line + i) % words.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    let mut page = render_lines_at(&refs, pt, dpi, FONT_PATHS[font], false);
    let below = dpi + pt * dpi / 72.0 * 1.5 * (lines as f32 + 0.5);
    let keep = (below as u32).min(page.image.height());
    page.image = image::imageops::crop_imm(&page.image, 0, 0, page.image.width(), keep).to_image();
    if scanned {
        page = degrade(&page, &Degrade::typical(seed));
    }
    let image = PageImage {
        pixels: Pixels::Rgb(page.image),
        dpi: Dpi::uniform(dpi),
    };
    clean::clean(&image, &CleanOptions::default()).bits
}

/// `bits` with one ink pixel in `every` turned to paper (broken letters)
/// and `specks` dots of 1–3 pixels added.
fn broken(bits: &BitImage, every: usize, specks: usize, seed: u64) -> BitImage {
    let mut rng = Rng::new(seed);
    let (w, h) = (bits.width(), bits.height());
    let dots: Vec<(u32, u32, u32)> = (0..specks)
        .map(|_| {
            let side = 1 + rng.below(3) as u32;
            (
                rng.below(w as usize) as u32,
                rng.below(h as usize) as u32,
                side,
            )
        })
        .collect();
    image(w, h, |x, y| {
        let speck = dots
            .iter()
            .any(|&(dx, dy, s)| x >= dx && x < dx + s && y >= dy && y < dy + s);
        speck || (bits.is_ink(x, y) && rng.below(every) != 0)
    })
}

/// A halftoned photo: a smooth tone thresholded against noise (a
/// scanner's dithering), `dark` (0–1) setting how much ink; from about a
/// half the dots run together into one network.
fn halftone(w: u32, h: u32, dark: f32, seed: u64) -> BitImage {
    let mut rng = Rng::new(seed);
    image(w, h, |x, y| {
        let tone = dark + 0.15 * ((x as f32 / 90.0).sin() * (y as f32 / 70.0).cos());
        rng.unit() < tone
    })
}

/// Line art: 45° hatch strokes 180 pixels long, 12 apart, in a grid of
/// separate patches — thin strokes across big boxes, no letters.
fn hatching(w: u32, h: u32) -> BitImage {
    image(w, h, |x, y| {
        (x + y) % 12 == 0 && x % 200 < 180 && y % 200 < 180
    })
}

/// A ruled form: full-width rules and a table grid, no letters.
fn rules(w: u32, h: u32) -> BitImage {
    image(w, h, |x, y| {
        let rule = y % 75 < 3 && x > 100 && x < w - 100;
        let column = x % 400 < 2 && y > 300 && y < h - 300;
        rule || column
    })
}

#[test]
fn symbol_coded_text_pages_decode_exactly_everywhere_and_beat_generic() {
    let mut pages = Vec::new();
    for (i, &(font, pt, dpi, scanned)) in [
        (0, 8.0, 200.0, false),
        (1, 8.0, 300.0, true),
        (0, 10.0, 300.0, true),
        (1, 10.0, 400.0, false),
        (0, 12.0, 300.0, false),
        (1, 12.0, 200.0, true),
        (0, 14.0, 600.0, false),
        (1, 14.0, 300.0, true),
    ]
    .iter()
    .enumerate()
    {
        let bits = lines_page(font, pt, dpi, 5, scanned, i as u64);
        let what = format!("font {font}, {pt} pt, {dpi} dpi, scanned {scanned}");
        pages.push((what, bits));
    }
    let (what, clean) = &pages[4];
    let damaged = broken(clean, 30, 300, 9);
    pages.push((format!("{what}, broken letters and specks"), damaged));
    for (what, bits) in &pages {
        let (s, g) = (symbols(bits), jbig2::encode(bits));
        eprintln!(
            "{what}: {}x{}, symbols {} bytes, generic {}, ratio {:.3}",
            bits.width(),
            bits.height(),
            s.len(),
            g.len(),
            s.len() as f64 / g.len() as f64
        );
        assert!(bits.ink_count() > 5_000, "{what}: the page has text");
        assert!(
            s.len() < g.len(),
            "{what}: symbols {} vs generic {}",
            s.len(),
            g.len()
        );
        assert_jbig2dec_exact(what, bits, &s);
    }
    let images: Vec<BitImage> = pages.into_iter().map(|(_, b)| b).collect();
    assert_decoders_agree_on(&images, symbols);
    // Poppler smooths small text while drawing; its decoder is checked
    // above (pdfimages), its drawing on the larger pages.
    assert_poppler_draws_ink_black(&images[3..5], symbols);
}

#[test]
fn symbol_coding_edge_cases_decode_exactly() {
    let mut rng = Rng::new(11);
    let blob = |x0: u32, y0: u32| {
        move |x: u32, y: u32| {
            x >= x0 && x < x0 + 7 && y >= y0 && y < y0 + 9 && !(x + y).is_multiple_of(5)
        }
    };
    let mut images = vec![
        image(1, 1, |_, _| true),
        image(40, 30, blob(3, 4)), // one symbol: 0-bit IDs
        image(60, 30, |x, y| blob(3, 4)(x, y) || blob(30, 12)(x, y)), // two of one shape
        image(300, 40, |x, y| y == 20 || blob(3, 4)(x, y)), // a rule as residue
        image(240, 240, |_, _| true), // one big symbol
        image(9, 700, |x, y| (x + y) % 3 == 0),
    ];
    for percent in [2, 10, 50, 90] {
        images.push(image(200, 60, |_, _| rng.below(100) < percent));
    }
    for bits in &images {
        let what = format!("{}x{}", bits.width(), bits.height());
        assert_jbig2dec_exact(&what, bits, &symbols(bits));
    }
    assert_decoders_agree_on(&images, symbols);
    assert!(jbig2::encode_symbols(&image(30, 30, |_, _| false)).is_none());
}

/// A halftone's generic region is coded in template 2 (its 1024 contexts
/// learn dither faster than template 0's 65536), typical prediction on:
/// the SLTP context it shares with a pixel context must be numbered as
/// the decoders number it, or they fall out of step.
#[test]
fn halftones_take_generic_template_2_and_decode_exactly() {
    let pages = [halftone(900, 700, 0.5, 8), halftone(640, 480, 0.2, 9)];
    for (i, bits) in pages.iter().enumerate() {
        let stream = jbig2::encode(bits);
        // Page information (11 + 19 bytes), the region's segment header (11)
        // and region information (17), then its flags: GBTEMPLATE in bits 1–2.
        assert_eq!((stream[58] >> 1) & 3, 2, "halftone {i}: template 2");
        assert_jbig2dec_exact(&format!("halftone {i}"), bits, &stream);
    }
    assert_decoders_agree(&pages);
}

#[test]
fn symbols_lose_on_halftones_and_rules_and_still_decode_exactly() {
    // A light halftone is many small dots, each its own symbol: it decodes
    // exactly whichever way it goes.
    let light = halftone(1200, 900, 0.15, 5);
    let s = symbols(&light);
    eprintln!(
        "light halftone: symbols {}, generic {}",
        s.len(),
        jbig2::encode(&light).len()
    );
    assert_jbig2dec_exact("light halftone", &light, &s);
    for (what, bits) in [
        ("dark halftone", halftone(1200, 900, 0.55, 5)),
        ("rules", rules(2480, 1700)),
        ("hatching", hatching(1200, 900)),
    ] {
        let (generic, g4) = (jbig2::encode(&bits).len(), g4::encode(&bits).len());
        let s = jbig2::encode_symbols(&bits);
        eprintln!(
            "{what}: symbols {:?} bytes, generic {generic}, G4 {g4}",
            s.as_ref().map(Vec::len)
        );
        if let Some(s) = s {
            assert_jbig2dec_exact(what, &bits, &s);
            assert!(s.len() >= generic.min(g4), "{what}: symbols would win");
        }
    }
}

#[test]
fn one_flipped_pixel_changes_the_stream_and_still_decodes_exactly() {
    let page = lines_page(1, 11.0, 300.0, 3, false, 4);
    let before = symbols(&page);
    // An ink pixel in the middle of the text, and a paper pixel beside ink.
    let (w, h) = (page.width(), page.height());
    let mid = (0..w * h)
        .map(|i| (i % w, i / w))
        .filter(|&(x, y)| page.is_ink(x, y))
        .nth(page.ink_count() / 2)
        .expect("ink");
    let beside = (mid.0..w).find(|&x| !page.is_ink(x, mid.1)).expect("paper");
    for (x, y) in [mid, (beside, mid.1)] {
        let flipped = image(w, h, |px, py| page.is_ink(px, py) != (px == x && py == y));
        let after = symbols(&flipped);
        assert_ne!(before, after, "flipping ({x}, {y}) changes the stream");
        assert_jbig2dec_exact(&format!("flipped at ({x}, {y})"), &flipped, &after);
    }
}

#[test]
fn pages_sharing_a_globals_dictionary_decode_exactly_in_jbig2dec_and_take_fewer_bytes() {
    let pages: Vec<BitImage> = (0..4u64)
        .map(|i| lines_page(0, 11.0, 300.0, 4, i == 3, 40 + i))
        .collect();
    let analysed: Vec<jbig2::PageSymbols> = pages
        .iter()
        .map(|b| jbig2::PageSymbols::new(b).expect("text"))
        .collect();
    let refs: Vec<&jbig2::PageSymbols> = analysed.iter().collect();
    let coded = jbig2::document::code(&refs);
    let globals = coded.globals.as_deref().expect("shapes shared by pages");
    let alone: usize = pages.iter().map(|b| symbols(b).len()).sum();
    let shared = globals.len() + coded.pages.iter().map(Vec::len).sum::<usize>();
    eprintln!(
        "4 pages: {alone} bytes coded alone, {shared} sharing {} bytes of globals",
        globals.len()
    );
    assert!(shared < alone, "shared {shared} vs alone {alone}");
    for (i, (bits, stream)) in pages.iter().zip(&coded.pages).enumerate() {
        assert_jbig2dec_exact_with(&format!("page {i}"), bits, Some(globals), stream);
    }
}

/// Documents of generated text pages (real fonts, as `tests/common`
/// renders them) go out with one `/JBIG2Globals` stream their pages share;
/// each page decodes to exactly the bits `ocrpdf clean` gives, in poppler
/// (`pdfimages`), MuPDF (`mutool extract`) and `jbig2dec` (stream and
/// globals extracted), and the document is smaller than the same pages
/// symbol-coded one by one.
#[test]
fn a_document_shares_its_symbols_through_globals_and_decodes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..4).map(|i| format!("p{i}.png")).collect();
    for (i, name) in names.iter().enumerate() {
        let page = common::small_page(90 + i as u64, 6);
        let page = if i == 2 {
            degrade(&page, &Degrade::typical(90))
        } else {
            page
        };
        common::generator::save_png(&page, &dir.path().join(name));
    }
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["-o", "doc.pdf", "-q"]);
    let run = common::ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut args: Vec<&str> = vec!["clean"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["-d", "clean", "-q"]);
    let run = common::ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("doc.pdf");
    common::assert_qpdf_ok(&pdf);
    let want: Vec<BitImage> = (0..names.len())
        .map(|i| {
            let png = dir.path().join(format!("clean/p{i}.png"));
            BitImage::from_gray_threshold(image::open(png).unwrap().into_luma8())
        })
        .collect();

    let images = common::jbig2_images(&pdf);
    assert_eq!(images.len(), names.len(), "one JBIG2 image a page");
    let globals = common::shared_globals(&images);
    for (i, ((stream, _), bits)) in images.iter().zip(&want).enumerate() {
        assert_jbig2dec_exact_with(&format!("page {i}"), bits, Some(&globals), stream);
    }
    let shared = globals.len() + images.iter().map(|(s, _)| s.len()).sum::<usize>();
    let alone: usize = want.iter().map(|b| symbols(b).len()).sum();
    eprintln!(
        "4 pages: {shared} bytes sharing {} of globals, {alone} coded alone",
        globals.len()
    );
    assert!(shared < alone, "shared {shared} vs alone {alone}");

    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    run_clean("pdfimages", &["-png", &at("doc.pdf"), &at("poppler")]);
    for (i, got) in decoded(dir.path(), "poppler").iter().enumerate() {
        assert_same_bits(&format!("poppler, page {i}"), &want[i], got);
    }
    let mupdf = dir.path().join("mupdf");
    std::fs::create_dir(&mupdf).unwrap();
    let out = Command::new("mutool")
        .current_dir(&mupdf)
        .args(["extract", pdf.to_str().unwrap()])
        .output()
        .expect("mutool is needed (mupdf-tools)");
    assert!(out.status.success(), "mutool extract: {out:?}");
    let extracted = decoded(&mupdf, "image");
    assert_eq!(extracted.len(), names.len(), "mutool extract");
    // Extracted in object order, which is page order here.
    for (i, got) in extracted.iter().enumerate() {
        assert_same_bits(&format!("MuPDF, page {i}"), &want[i], got);
    }
}

/// Bytes of `cjb2 -lossless` (DjVu's JB2 coder, Debian `djvulibre-bin`) on
/// the page, when it is installed.
fn cjb2(bits: &BitImage) -> Option<usize> {
    let dir = tempfile::tempdir().unwrap();
    let (pbm, djvu) = (dir.path().join("p.pbm"), dir.path().join("p.djvu"));
    let (w, h) = (bits.width(), bits.height());
    let stride = w.div_ceil(8) as usize;
    let mut data = format!("P4\n{w} {h}\n").into_bytes();
    for y in 0..h {
        let mut row = vec![0u8; stride];
        for x in 0..w {
            if bits.is_ink(x, y) {
                row[x as usize / 8] |= 0x80 >> (x % 8);
            }
        }
        data.extend(row);
    }
    std::fs::write(&pbm, data).unwrap();
    let ok = Command::new("cjb2")
        .arg("-lossless")
        .arg(&pbm)
        .arg(&djvu)
        .status()
        .ok()?
        .success();
    ok.then(|| std::fs::metadata(&djvu).unwrap().len() as usize)
}

/// Seconds `f` takes, and what it returns.
fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = std::time::Instant::now();
    let v = f();
    (t.elapsed().as_secs_f64(), v)
}

/// The process's peak resident memory so far, MB (Linux `VmHWM`).
fn peak_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// What `--bilevel auto` writes for `pages` in batches, as the PDF
/// writers do (`src/pdf/bilevel_batch.rs`): bytes (globals included) and
/// encode seconds on one core — each page's analysis, then per batch the
/// shared symbol coding, a generic coding stopped once it passes it, and
/// G4 only where generic wins.
fn auto_document(pages: &[BitImage]) -> (usize, f64) {
    let (t_pages, worked): (f64, Vec<_>) =
        timed(|| pages.iter().map(jbig2::PageSymbols::new).collect());
    let (t_batch, bytes) = timed(|| {
        let mut total = 0;
        for (chunk, bits) in worked
            .chunks(jbig2::BATCH_PAGES)
            .zip(pages.chunks(jbig2::BATCH_PAGES))
        {
            let symbols: Vec<&jbig2::PageSymbols> =
                chunk.iter().filter_map(Option::as_ref).collect();
            let coded = jbig2::document::code(&symbols);
            let mut streams = coded.pages.iter();
            let mut used_globals = false;
            for (s, b) in chunk.iter().zip(bits) {
                let limit = match s {
                    Some(_) => streams.next().unwrap().len(),
                    None => usize::MAX,
                };
                let (w, h) = (b.width(), b.height());
                // Ink is 0 in a BitImage, 1 in JBIG2.
                let fill = |y: usize, row: &mut [u8]| {
                    for (p, &v) in row.iter_mut().zip(b.row(y as u32)) {
                        *p = u8::from(v == 0);
                    }
                };
                let generic = jbig2::encode_rows(w, h, fill, limit).filter(|g| g.len() < limit);
                total += if let Some(g) = generic {
                    g.len().min(g4::encode(b).len())
                } else {
                    used_globals = true;
                    limit
                };
            }
            if used_globals {
                total += coded.globals.as_ref().map_or(0, Vec::len);
            }
        }
        total
    });
    (bytes, t_pages + t_batch)
}

/// The bench's page kinds: A4 text of several fonts, sizes, resolutions
/// and degradations, halftones, rules and hatching.
fn bench_kinds() -> Vec<(&'static str, BitImage)> {
    let a4 = 40;
    vec![
        (
            "serif 11pt 300dpi clean",
            lines_page(0, 11.0, 300.0, a4, false, 1),
        ),
        (
            "sans 10pt 300dpi scanned",
            lines_page(1, 10.0, 300.0, a4, true, 2),
        ),
        (
            "serif 8pt 200dpi scanned",
            lines_page(0, 8.0, 200.0, a4, true, 3),
        ),
        (
            "sans 14pt 600dpi clean",
            lines_page(1, 14.0, 600.0, a4, false, 4),
        ),
        (
            "serif 12pt 300dpi broken+specks",
            broken(&lines_page(0, 12.0, 300.0, a4, false, 5), 30, 300, 5),
        ),
        ("light halftone 1200x900", halftone(1200, 900, 0.15, 5)),
        ("dark halftone 1200x900", halftone(1200, 900, 0.55, 5)),
        ("rules A4 300dpi", rules(2480, 3508)),
        ("hatching 1200x900", hatching(1200, 900)),
    ]
}

/// Where a page's symbol-coded bytes go, from the coder's own interval
/// arithmetic (feature `jbig2-stats`): a Markdown table row per kind.
#[cfg(feature = "jbig2-stats")]
fn print_parts(kinds: &[(&str, BitImage)]) {
    let parts = jbig2::stats::PARTS;
    println!();
    println!(
        "| page (symbols, bytes) | total | {} | headers, flush |",
        parts[..7].join(" | ")
    );
    println!("|---|---:|{}---:|", "---:|".repeat(7));
    for (what, bits) in kinds {
        jbig2::stats::take();
        let Some(s) = jbig2::encode_symbols(bits) else {
            continue;
        };
        let got = jbig2::stats::take();
        let coded: f64 = got.iter().sum();
        let cells: Vec<String> = got[..7].iter().map(|b| format!("{b:.0}")).collect();
        println!(
            "| {what} | {} | {} | {:.0} |",
            s.len(),
            cells.join(" | "),
            s.len() as f64 - coded
        );
    }
}

/// The breakdown of [`print_parts`] alone, with cjb2's bytes: a quick
/// look while tuning (`cargo test --release --all-features --test suite
/// jbig2::bench_symbol_parts -- --ignored --nocapture`).
#[cfg(feature = "jbig2-stats")]
#[test]
#[ignore = "a measurement"]
fn bench_symbol_parts() {
    let kinds = bench_kinds();
    let mut total = (0, 0);
    for (what, bits) in &kinds {
        let (t, s) = timed(|| jbig2::encode_symbols(bits));
        let s = s.map_or(usize::MAX, |s| s.len());
        let ours = s.min(jbig2::encode(bits).len());
        let djvu = cjb2(bits).unwrap_or(0);
        total = (total.0 + ours, total.1 + djvu);
        println!(
            "{what}: symbols {s}, best {ours}, cjb2 {djvu}, ratio {:.3}, {t:.3} s",
            ours as f64 / djvu as f64
        );
    }
    println!("all: {} vs cjb2 {}", total.0, total.1);
    print_parts(&kinds);
}

/// Bytes per page of each coding on each page kind, and a 10-page
/// document; `benches/jbig2.sh` runs this under `/usr/bin/time -v`.
#[test]
#[ignore = "a measurement: benches/jbig2.sh"]
fn bench_page_kinds() {
    let a4 = 40;
    let kinds = bench_kinds();
    println!();
    println!(
        "| page | G4 | JBIG2 generic | JBIG2 symbols | `auto` | cjb2 -lossless | G4 s | generic s | symbols s (analysis) | `auto` s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (what, bits) in &kinds {
        let (tg4, g4) = timed(|| g4::encode(bits).len());
        let (tg, generic) = timed(|| jbig2::encode(bits).len());
        let (ts, s) = timed(|| jbig2::encode_symbols(bits));
        let (tan, _) = timed(|| jbig2::PageSymbols::new(bits));
        if let Some(s) = &s {
            assert_jbig2dec_exact(what, bits, s);
        }
        let s = s.map_or("-".to_string(), |s| s.len().to_string());
        let (auto, ta) = auto_document(std::slice::from_ref(bits));
        let djvu = cjb2(bits).map_or("-".to_string(), |n| n.to_string());
        println!(
            "| {what} | {g4} | {generic} | {s} | {auto} | {djvu} | {tg4:.3} | {tg:.3} | {ts:.3} ({tan:.3}) | {ta:.3} |"
        );
    }
    #[cfg(feature = "jbig2-stats")]
    print_parts(&kinds);
    // A 10-page text document: before symbol coding (`auto` was the
    // smaller of generic JBIG2 and G4 per page), symbol coding page by
    // page, and now (sharing globals), against cjb2 page by page.
    let pages: Vec<BitImage> = (0..10u64)
        .map(|i| {
            let scanned = i % 2 == 1;
            lines_page(
                (i % 2) as usize,
                10.0 + (i % 3) as f32,
                300.0,
                a4,
                scanned,
                10 + i,
            )
        })
        .collect();
    let (mut generic, mut old, mut alone, mut djvu) = (0, 0, 0, 0);
    for bits in &pages {
        let (j, g) = (jbig2::encode(bits).len(), g4::encode(bits).len());
        generic += j;
        old += j.min(g);
        alone += jbig2::encode_symbols(bits).map_or(j.min(g), |s| s.len().min(j.min(g)));
        djvu += cjb2(bits).unwrap_or(0);
    }
    let (now, t) = auto_document(&pages);
    println!();
    println!("| 10-page document, bytes/page | |");
    println!("|---|---:|");
    println!("| generic JBIG2 | {} |", generic / 10);
    println!(
        "| `auto` before symbol coding (smaller of generic, G4) | {} |",
        old / 10
    );
    println!(
        "| symbols page by page (smallest of three per page) | {} |",
        alone / 10
    );
    println!(
        "| `auto` now, sharing globals | {} ({:.3}x generic) |",
        now / 10,
        now as f64 / generic as f64
    );
    println!("| cjb2 -lossless page by page | {} |", djvu / 10);
    println!("| `auto` now, encode s/page | {:.3} |", t / 10.0);
    drop(pages);
    // A long book: pages generated, analysed and coded batch by batch as
    // the writers do, so memory holds one batch's shapes, not the book's.
    let before = peak_mb();
    let book = 96;
    let mut held = 0usize;
    let (t, bytes) = timed(|| {
        let mut total = 0;
        let mut batch = Vec::new();
        for i in 0..book {
            let bits = lines_page(0, 11.0, 300.0, a4, false, 100 + i);
            batch.push(jbig2::PageSymbols::new(&bits).unwrap());
            // What a batch holds: the shapes, and the page at a bit a pixel.
            let packed = (bits.width() as usize).div_ceil(8) * bits.height() as usize;
            held = held.max(batch.iter().map(|s| s.heap_bytes() + packed).sum());
            if batch.len() == jbig2::BATCH_PAGES || i + 1 == book {
                let refs: Vec<&jbig2::PageSymbols> = batch.iter().collect();
                let coded = jbig2::document::code(&refs);
                total += coded.globals.map_or(0, |g| g.len());
                total += coded.pages.iter().map(Vec::len).sum::<usize>();
                batch.clear();
            }
        }
        total
    });
    println!();
    println!(
        "{book}-page book (batches of {}): {} bytes/page, {:.2} s/page with page generation; a batch holds at most {} MB; the process's peak memory {} MB before the book, {} MB after",
        jbig2::BATCH_PAGES,
        bytes / book as usize,
        t / book as f64,
        held >> 20,
        before,
        peak_mb()
    );
}
