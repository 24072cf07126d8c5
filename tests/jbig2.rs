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

mod common;

use common::generator::{Degrade, Layout, Rng, degrade, render};
use image::{GrayImage, Luma};
use ocrpdf::clean::{self, BitImage, CleanOptions};
use ocrpdf::input::{Dpi, PageImage, Pixels};
use ocrpdf::internals::{g4, jbig2};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
use std::path::Path;
use std::process::Command;

/// A PDF with one page per image, each image drawn 1 pt per pixel through
/// `/JBIG2Decode` with no `/Decode` array and no `/DecodeParms`.
fn pdf_of(images: &[BitImage]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut pages = Vec::new();
    for (i, bits) in images.iter().enumerate() {
        let page = Ref::new(3 + 3 * i as i32);
        let (content, image) = (Ref::new(page.get() + 1), Ref::new(page.get() + 2));
        pages.push(page);
        let (w, h) = (bits.width() as f32, bits.height() as f32);
        let data = jbig2::encode(bits);
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
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("jbig2.pdf");
    std::fs::write(&pdf, pdf_of(images)).unwrap();
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
fn assert_poppler_draws_ink_black(images: &[BitImage]) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("jbig2.pdf");
    std::fs::write(&pdf, pdf_of(images)).unwrap();
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
    assert_poppler_draws_ink_black(&pages);
}
