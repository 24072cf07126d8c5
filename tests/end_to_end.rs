//! `ocrpdf scan*.png -o out.pdf` end to end: real Tesseract, real PDFs,
//! checked with poppler and qpdf against the generator's ground truth.

use crate::common;

use common::generator::{self as generator, Degrade, Layout, cer, degrade, iou, render, save_png};
use common::*;

/// Points per pixel at the generator's 300 dpi.
const PT: f32 = 72.0 / 300.0;

/// Share of truth words that some PDF word overlaps with IoU ≥ 0.5.
fn box_hit_rate(truth: &[generator::TruthWord], pdf_words: &[(String, [f32; 4])]) -> f64 {
    let hits = truth
        .iter()
        .filter(|t| {
            let tb = t.bbox.map(|v| v * PT);
            pdf_words.iter().any(|(_, b)| iou(tb, *b) >= 0.5)
        })
        .count();
    hits as f64 / truth.len() as f64
}

#[test]
fn three_page_job_is_searchable_compact_and_word_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let clean = render(&Layout {
        seed: 11,
        ..Default::default()
    });
    let typical = degrade(
        &render(&Layout {
            seed: 12,
            ..Default::default()
        }),
        &Degrade::typical(12),
    );
    let heavy_src = render(&Layout {
        seed: 13,
        ..Default::default()
    });
    let heavy = degrade(
        &heavy_src,
        &Degrade {
            uneven_yellow: true,
            specks: 3000,
            blur: 1.0,
            skew_deg: -2.0,
            noise: 10.0,
            ink: Some(0.7),
            jpeg_quality: Some(60),
            seed: 13,
        },
    );
    save_png(&clean, &dir.path().join("scan1.png"));
    save_png(&typical, &dir.path().join("scan2.png"));
    save_png(&heavy, &dir.path().join("scan3.png"));

    let run = ocrpdf(
        dir.path(),
        &["scan1.png", "scan2.png", "scan3.png", "-o", "out.pdf", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stderr.is_empty(), "-q printed: {}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    assert_eq!(page_count(&pdf), 3);
    assert_qpdf_ok(&pdf);

    // Text: CER against the truth, page by page.
    let limits = [0.02, 0.05, 0.05];
    for (i, (page, limit)) in [&clean, &typical, &heavy].iter().zip(limits).enumerate() {
        let got = pdftotext(&pdf, i + 1);
        let rate = cer(&page.text, &got);
        eprintln!("page {}: CER {:.2}%", i + 1, rate * 100.0);
        assert!(
            rate <= limit,
            "page {} CER {:.2}% > {:.0}%:\n{got}",
            i + 1,
            rate * 100.0,
            limit * 100.0
        );
    }

    // Word boxes. Deskew straightens pages, so the truth for the degraded
    // pages is the unrotated layout they were made from.
    let unskewed = [
        &clean.words,
        &render(&Layout {
            seed: 12,
            ..Default::default()
        })
        .words,
        &heavy_src.words,
    ];
    for (i, truth) in unskewed.iter().enumerate() {
        let rate = box_hit_rate(truth, &pdftotext_bbox(&pdf, i + 1));
        eprintln!("page {}: {:.1}% of word boxes matched", i + 1, rate * 100.0);
        assert!(
            rate >= 0.95,
            "page {}: only {:.1}% of words have a box with IoU >= 0.5",
            i + 1,
            rate * 100.0
        );
    }

    // Images: one bilevel image per page (lossless JBIG2, smaller than G4
    // on text), at the page's full size.
    let images = pdfimages_list(&pdf);
    assert_eq!(images.len(), 3, "{images:?}");
    for (n, (page, w, h, color, bpc, enc)) in images.iter().enumerate() {
        assert_eq!(
            (*page, *w, *h, color.as_str(), *bpc, enc.as_str()),
            (n + 1, 2481, 3507, "gray", 1, "jbig2")
        );
    }

    // Size: A4 text pages at 300 dpi stay under 120 KB each.
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    eprintln!("{} bytes/page", bytes / 3);
    assert!(bytes <= 3 * 120_000, "{bytes} bytes for 3 pages");

    // Only the output was added; inputs are untouched, no temp files remain.
    assert_eq!(
        listing(dir.path()),
        ["out.pdf", "scan1.png", "scan2.png", "scan3.png"]
    );
}

#[test]
fn output_is_identical_with_one_or_two_workers() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=3 {
        let page = degrade(&small_page(seed, 6), &Degrade::typical(seed));
        save_png(&page, &dir.path().join(format!("p{seed}.png")));
    }
    let a = ocrpdf(
        dir.path(),
        &["p1.png", "p2.png", "p3.png", "-j", "1", "-o", "a.pdf"],
        None,
    );
    let b = ocrpdf(
        dir.path(),
        &["p1.png", "p2.png", "p3.png", "-j", "2", "-o", "b.pdf"],
        None,
    );
    assert_eq!((a.code, b.code), (0, 0), "{} {}", a.stderr, b.stderr);
    let (a, b) = (
        std::fs::read(dir.path().join("a.pdf")).unwrap(),
        std::fs::read(dir.path().join("b.pdf")).unwrap(),
    );
    assert!(a == b, "outputs differ ({} vs {} bytes)", a.len(), b.len());
}

#[test]
fn embedded_image_is_exactly_the_cleaned_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(5, 5), &Degrade::typical(5));
    save_png(&page, &dir.path().join("p.png"));
    let run = ocrpdf(dir.path(), &["p.png", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // The library's cleanup on the same file gives the bits the PDF holds.
    let refs = ocrpdf::input::list_pages(
        &[ocrpdf::input::Input::Path(dir.path().join("p.png"))],
        &Default::default(),
    )
    .unwrap();
    let image = ocrpdf::input::decode_page(&refs[0], &Default::default(), None).unwrap();
    let cleaned = ocrpdf::clean::clean(&image, &Default::default());

    let extract = tempfile::tempdir().unwrap();
    let pngs = pdfimages_png(&dir.path().join("out.pdf"), extract.path());
    assert_eq!(pngs.len(), 1);
    let embedded = image::open(&pngs[0]).unwrap().into_luma8();
    assert_eq!(embedded.dimensions(), cleaned.bits.as_gray().dimensions());
    let differing = embedded
        .pixels()
        .zip(cleaned.bits.as_gray().pixels())
        .filter(|(a, b)| (a.0[0] < 128) != (b.0[0] < 128))
        .count();
    assert_eq!(differing, 0, "{differing} pixels differ");
    assert!(cleaned.bits.ink_count() > 10_000, "page has text");
}

/// `--max-memory` that holds one of these pages at a time (each, in
/// colour, needs 6 bytes a pixel, about 13.5 MB, beside the fixed 100 MB
/// and 40 MB for the second worker) runs them one at a time at `-j 2`: a
/// `jobs_lowered` warning on stderr and in the JSON document line, none
/// with `-q`, and the same PDF as `-j 1` without a limit. A size that is
/// not one is a usage error.
#[test]
fn a_memory_limit_lowers_jobs_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=2 {
        let page = degrade(&small_page(seed, 3), &Degrade::typical(seed));
        save_png(&page, &dir.path().join(format!("p{seed}.png")));
    }
    let run = |args: &[&str]| {
        ocrpdf_with(dir.path(), args, None, |c| {
            c.env("SOURCE_DATE_EPOCH", "1700000000");
        })
    };
    let free = run(&["p1.png", "p2.png", "-j", "1", "-o", "free.pdf"]);
    assert_eq!(free.code, 0, "{}", free.stderr);
    assert!(!free.stderr.contains("lowered"), "{}", free.stderr);
    let base = ["p1.png", "p2.png", "-j", "2", "--max-memory", "160M"];
    let held = run(&[&base[..], &["-o", "held.pdf", "--json"]].concat());
    assert_eq!(held.code, 0, "{}", held.stderr);
    assert!(
        held.stderr
            .contains("memory limit of 160 MiB (--max-memory) holds 1 of these pages at once")
            && held.stderr.contains("-j lowered from 2 to 1"),
        "{}",
        held.stderr
    );
    let document = held.stdout.lines().last().unwrap_or_default();
    assert!(document.contains(r#""code":"jobs_lowered""#), "{document}");
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert!(read("held.pdf") == read("free.pdf"), "outputs differ");
    let quiet = run(&[&base[..], &["-o", "quiet.pdf", "-q"]].concat());
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    let bad = run(&["p1.png", "--max-memory", "lots", "-o", "bad.pdf"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(bad.stderr.contains("is not a size"), "{}", bad.stderr);
}
