//! How pages are stored: every embedded bilevel image decodes back to the
//! pipeline's exact bits, and colour pages stay small without losing their
//! pictures' colour or their text.

use crate::common;

use common::generator::{Degrade, Layout, add_photo, degrade, render, save_png};
use common::*;

/// The bilevel image in the PDF is, bit for bit, the image `ocrpdf clean`
/// writes for the same scan: the same cleanup, stored losslessly, with
/// either codec; and JBIG2 (the default's pick) is well under G4's size.
#[test]
fn embedded_bilevel_images_decode_to_the_cleaned_bits() {
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        degrade(&small_page(61, 5), &Degrade::typical(61)),
        degrade(
            &render(&Layout {
                seed: 62,
                ..Default::default()
            }),
            &Degrade {
                skew_deg: -2.5,
                ..Degrade::typical(62)
            },
        ),
    ];
    for (i, p) in pages.iter().enumerate() {
        save_png(p, &dir.path().join(format!("p{i}.png")));
    }
    let run = ocrpdf(
        dir.path(),
        &["p0.png", "p1.png", "-o", "doc.pdf", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = ocrpdf(
        dir.path(),
        &["clean", "p0.png", "p1.png", "-d", "clean", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("doc.pdf");
    assert_qpdf_ok(&pdf);
    let extract = tempfile::tempdir().unwrap();
    let shown = pdfimages_png(&pdf, extract.path());
    assert_eq!(shown.len(), 2);
    for (i, png) in shown.iter().enumerate() {
        let got = image::open(png).unwrap().into_luma8();
        let want = image::open(dir.path().join(format!("clean/p{i}.png")))
            .unwrap()
            .into_luma8();
        assert_eq!(got.dimensions(), want.dimensions(), "page {i}");
        let differing = got
            .pixels()
            .zip(want.pixels())
            .filter(|(a, b)| (a.0[0] < 128) != (b.0[0] < 128))
            .count();
        assert_eq!(differing, 0, "page {i}: {differing} pixels differ");
    }
}

/// A magazine-like page: text and two large colour photos (~40% of the
/// page). It stays under 250 KB, its text still reads, and the photos are
/// still in colour.
#[test]
fn colour_magazine_page_is_small_sharp_and_colourful() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = degrade(
        &render(&Layout {
            seed: 71,
            ..Default::default()
        }),
        &Degrade {
            skew_deg: 0.0,
            ..Degrade::typical(71)
        },
    );
    // Photos over the right half of the text and across the bottom; the
    // text they cover is gone from the truth, so compare the left column
    // lines only through CER on what remains visible.
    let (w, h) = page.image.dimensions();
    add_photo(&mut page, [w / 2, 300, w - 150, 1700], 71);
    add_photo(&mut page, [150, h - 1500, w - 150, h - 200], 72);
    save_png(&page, &dir.path().join("mag.png"));
    let run = ocrpdf(dir.path(), &["mag.png", "-o", "mag.pdf", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("mag.pdf");
    assert_qpdf_ok(&pdf);
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    eprintln!("magazine page: {bytes} bytes");
    assert!(bytes <= 250_000, "{bytes} bytes");
    let images = pdfimages_list(&pdf);
    // The text is one bilevel image (the mask of colour layers when the
    // page has them).
    assert_eq!(
        images.iter().filter(|i| i.5 == "jbig2").count(),
        1,
        "{images:?}"
    );
    let photos: Vec<_> = images.iter().filter(|i| i.5 == "jpeg").collect();
    assert!(photos.len() >= 2, "{images:?}");
    assert!(photos.iter().all(|p| p.3 == "rgb"), "{images:?}");
    // What a viewer shows: both photo areas are colourful on average.
    let view = render_page(&pdf, dir.path(), 50);
    let s = 50.0 / 300.0;
    for [x0, y0, x1, y1] in [
        [w / 2, 300, w - 150, 1700],
        [150, h - 1500, w - 150, h - 200],
    ] {
        let area: Vec<[u8; 3]> = ((y0 as f32 * s) as u32..(y1 as f32 * s) as u32)
            .flat_map(|y| ((x0 as f32 * s) as u32..(x1 as f32 * s) as u32).map(move |x| (x, y)))
            .map(|(x, y)| view.get_pixel(x, y).0)
            .collect();
        let chroma = area
            .iter()
            .map(|p| (p.iter().max().unwrap() - p.iter().min().unwrap()) as f64)
            .sum::<f64>()
            / area.len() as f64;
        assert!(chroma > 40.0, "photo at {x0},{y0}: mean chroma {chroma:.1}");
    }
    // The words left of the first photo still OCR: every truth word fully
    // left of it and above the second photo is found.
    let text = pdftotext(&pdf, 1);
    let found: std::collections::HashSet<&str> = text.split_whitespace().collect();
    let visible: Vec<&str> = page
        .words
        .iter()
        .filter(|t| t.bbox[2] < (w / 2) as f32 - 10.0 && t.bbox[3] < (h - 1500) as f32)
        .map(|t| t.text.as_str())
        .collect();
    let missing = visible.iter().filter(|w| !found.contains(*w)).count();
    assert!(
        visible.len() > 50 && missing * 50 <= visible.len(),
        "{missing} of {} visible words missing",
        visible.len()
    );
}

/// Page 1 of `pdf` as a viewer shows it, at `dpi`.
fn render_page(pdf: &std::path::Path, dir: &std::path::Path, dpi: u32) -> image::RgbImage {
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png", "-singlefile"])
        .arg(pdf)
        .arg(dir.join("view"))
        .status()
        .unwrap()
        .success();
    assert!(ok, "pdftoppm renders the page");
    image::open(dir.join("view.png")).unwrap().into_rgb8()
}
