//! Cleanup seen from the outside: pages turned the wrong way, pictures kept
//! in colour, scanner borders, forced modes.

mod common;

use common::generator::{Degrade, add_dark_border, add_photo, cer, degrade, save_png};
use common::*;

#[test]
fn pages_scanned_sideways_or_upside_down_are_turned_upright() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(41, 8), &Degrade::typical(41));
    let gray = image::DynamicImage::ImageRgb8(page.image.clone());
    let turned = [
        ("r0.png", gray.clone()),
        ("r90.png", gray.rotate90()),
        ("r180.png", gray.rotate180()),
        ("r270.png", gray.rotate270()),
    ];
    for (name, img) in &turned {
        img.save(dir.path().join(name)).unwrap();
    }
    let run = ocrpdf(
        dir.path(),
        &[
            "r0.png", "r90.png", "r180.png", "r270.png", "-o", "out.pdf", "--dpi", "300",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    for i in 1..=4 {
        let rate = cer(&page.text, &pdftotext(&pdf, i));
        assert!(rate <= 0.03, "page {i} CER {:.1}%", rate * 100.0);
    }
    // Every page is upright: as wide and as tall as the original.
    let (w, h) = page_size_pt(&pdf);
    assert!(
        (w - 2481.0 * 0.24).abs() < 1.0 && (h - 900.0 * 0.24).abs() < 1.0,
        "{w} x {h}"
    );

    // With --no-rotate the sideways page stays sideways (and reads badly).
    let run = ocrpdf(
        dir.path(),
        &["r90.png", "--no-rotate", "-o", "kept.pdf", "--dpi", "300"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (w, h) = page_size_pt(&dir.path().join("kept.pdf"));
    assert!(h > w, "{w} x {h}");
}

#[test]
fn a_photo_stays_in_colour_while_text_stays_bilevel() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = degrade(
        &common::generator::render(&common::generator::Layout {
            seed: 42,
            lines: 14,
            ..Default::default()
        }),
        &Degrade::typical(42),
    );
    add_photo(&mut page, [500, 1700, 1900, 2900], 42);
    save_png(&page, &dir.path().join("mixed.png"));
    let run = ocrpdf(dir.path(), &["mixed.png", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    assert_qpdf_ok(&pdf);
    let images = pdfimages_list(&pdf);
    assert!(
        images.iter().any(|i| i.5 == "jbig2" && i.4 == 1),
        "{images:?}"
    );
    let photo = images
        .iter()
        .find(|i| i.5 == "jpeg")
        .expect("the photo is a JPEG");
    assert_eq!(photo.3, "rgb", "{images:?}");
    // The photo region is about the size painted (within 0.1 inch),
    // stored at 150 dpi: half the scan's pixels each way.
    assert!(
        photo.1.abs_diff(700) <= 30 && photo.2.abs_diff(600) <= 30,
        "{photo:?}"
    );
    assert!(cer(&page.text, &pdftotext(&pdf, 1)) <= 0.05);

    // What a viewer shows: the photo area is still colourful on average.
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(dir.path().join("view"))
        .status()
        .unwrap();
    assert!(out.success());
    let view = image::open(dir.path().join("view.png"))
        .unwrap()
        .into_rgb8();
    let s = 50.0 / 300.0;
    let area: Vec<[u8; 3]> = ((1800.0 * s) as u32..(2800.0 * s) as u32)
        .flat_map(|y| ((600.0 * s) as u32..(1800.0 * s) as u32).map(move |x| (x, y)))
        .map(|(x, y)| view.get_pixel(x, y).0)
        .collect();
    let chroma = area
        .iter()
        .map(|p| (p.iter().max().unwrap() - p.iter().min().unwrap()) as f64)
        .sum::<f64>()
        / area.len() as f64;
    assert!(
        chroma > 40.0,
        "mean chroma of the photo area is {chroma:.1}"
    );
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    eprintln!("mixed page: {bytes} bytes");
}

#[test]
fn dark_scanner_borders_are_whitened() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = degrade(&small_page(43, 6), &Degrade::typical(43));
    add_dark_border(&mut page, 60);
    save_png(&page, &dir.path().join("b.png"));
    let run = ocrpdf(dir.path(), &["b.png", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    let extract = tempfile::tempdir().unwrap();
    let img = image::open(&pdfimages_png(&pdf, extract.path())[0])
        .unwrap()
        .into_luma8();
    let (w, h) = img.dimensions();
    let dark = |x0: u32, x1: u32, y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 128)
            .count()
    };
    assert_eq!(dark(0, 60, 0, h), 0, "left border left dark");
    assert_eq!(dark(0, w, h - 60, h), 0, "bottom border left dark");
    let rate = cer(&page.text, &pdftotext(&pdf, 1));
    assert!(
        rate <= 0.03,
        "CER {:.1}%: {}",
        rate * 100.0,
        pdftotext(&pdf, 1)
    );
}

#[test]
fn forced_modes_store_the_whole_page_in_tone() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(44, 4), &Degrade::typical(44));
    save_png(&page, &dir.path().join("p.png"));
    page.image.save(dir.path().join("p.jpg")).unwrap();
    // A lossless scan stays lossless (Flate, "image" to pdfimages) unless
    // a JPEG quality is asked for; a JPEG scan is stored as JPEG.
    let cases = [
        ("p.png", "gray", &[][..], "gray", "image"),
        ("p.png", "color", &[][..], "rgb", "image"),
        (
            "p.png",
            "color",
            &["--jpeg-quality", "60"][..],
            "rgb",
            "jpeg",
        ),
        ("p.jpg", "gray", &[][..], "gray", "jpeg"),
    ];
    for (i, (input, mode, extra, color, enc)) in cases.into_iter().enumerate() {
        let out = format!("{i}.pdf");
        let mut args = vec![input, "--mode", mode, "-o", &out];
        args.extend(extra);
        let run = ocrpdf(dir.path(), &args, None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let pdf = dir.path().join(&out);
        assert_qpdf_ok(&pdf);
        let images = pdfimages_list(&pdf);
        assert_eq!(images.len(), 1, "{images:?}");
        assert_eq!(
            (images[0].3.as_str(), images[0].5.as_str()),
            (color, enc),
            "{args:?}"
        );
        assert!(cer(&page.text, &pdftotext(&pdf, 1)) <= 0.05);
    }
    // What the lossless page shows is the cleaned scan, pixel for pixel the
    // grey image `ocrpdf clean --mode gray` writes.
    let run = ocrpdf(
        dir.path(),
        &["clean", "p.png", "--mode", "gray", "-o", "clean.png"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let extract = tempfile::tempdir().unwrap();
    let shown = image::open(&pdfimages_png(&dir.path().join("0.pdf"), extract.path())[0])
        .unwrap()
        .into_luma8();
    let cleaned = image::open(dir.path().join("clean.png"))
        .unwrap()
        .into_luma8();
    assert!(
        shown == cleaned,
        "the Flate page differs from the cleaned image"
    );
    let run = ocrpdf(dir.path(), &["p.png", "--mode", "bw", "-o", "bw.pdf"], None);
    assert_eq!(run.code, 0);
    assert_eq!(pdfimages_list(&dir.path().join("bw.pdf"))[0].5, "jbig2");
}
