//! Cleanup seen from the outside: pages turned the wrong way, pictures kept
//! in colour, scanner borders, forced modes.

use crate::common;

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

/// Lines full of marks that must survive despeckling: periods, commas,
/// colons, semicolons, i- and j-dots, diacritics, quotes, ellipses, dotted
/// leaders. Blank lines leave room for dust between paragraphs.
const PUNCTUATION: &[&str] = &[
    "Periods. Commas, colons: semicolons; i, j, ij, mini, jiggly gig.",
    "Diacritics: ä ö ü ï ë é è ê ç ñ å, Éé Èè Ää Öö Üü Åå Ïï Ññ.",
    "",
    "",
    "\u{201c}Quoted,\u{201d} she said; \u{2018}single\u{2019} and \"plain\" 'ones'.",
    "Ellipses\u{2026} and so on... e.g., i.e., a.m., p.m.; 3.14, 2,718; 10:30.",
    "",
    "",
    "Contents .................................... 12",
    "Index . . . . . . . . . . . . . . . . . . . . 345",
    "Mini: iii; jjj; nun. Fin!",
];

/// Binarise a rendered page as the pipeline's bilevel stages would see a
/// clean scan of it.
fn bits_of(page: &common::generator::Page) -> ocrpdf::clean::BitImage {
    ocrpdf::clean::BitImage::from_gray_threshold(
        image::DynamicImage::ImageRgb8(page.image.clone()).into_luma8(),
    )
}

/// Dust of period size (0.08 to 0.18 em across) at `n` random places at
/// least one em from every word box and apart from each other (two specks
/// that touch make one larger than a period); returns the dust centres.
fn add_dust(page: &mut common::generator::Page, em: f32, n: usize, seed: u64) -> Vec<(u32, u32)> {
    let mut rng = common::generator::Rng::new(seed);
    let (w, h) = page.image.dimensions();
    let mut dust = Vec::new();
    while dust.len() < n {
        let (x, y) = (rng.below(w as usize) as f32, rng.below(h as usize) as f32);
        let r = (em * (0.04 + 0.05 * rng.unit())).max(1.0);
        let near_word = page.words.iter().any(|word| {
            let [x0, y0, x1, y1] = word.bbox;
            x > x0 - em && x < x1 + em && y > y0 - em && y < y1 + em
        });
        let crowded = dust.iter().any(|&(dx, dy): &(u32, u32)| {
            (dx as f32 - x).abs() < em / 2.0 && (dy as f32 - y).abs() < em / 2.0
        });
        if near_word
            || crowded
            || x < r + 2.0
            || y < r + 2.0
            || x > w as f32 - r - 2.0
            || y > h as f32 - r - 2.0
        {
            continue;
        }
        let ri = r.ceil() as i32;
        for dy in -ri..=ri {
            for dx in -ri..=ri {
                if ((dx * dx + dy * dy) as f32).sqrt() <= r {
                    let (px, py) = ((x as i32 + dx) as u32, (y as i32 + dy) as u32);
                    page.image.put_pixel(px, py, image::Rgb([0, 0, 0]));
                }
            }
        }
        dust.push((x as u32, y as u32));
    }
    dust
}

#[test]
fn despeckle_keeps_every_punctuation_mark_and_removes_period_sized_dust() {
    use imageproc::region_labelling::{Connectivity, connected_components};
    use ocrpdf::clean::Despeckle;
    use ocrpdf::input::Dpi;
    use ocrpdf::internals::despeckle::despeckle;
    let [serif, sans] = [
        common::generator::FONT_PATHS[0],
        common::generator::FONT_PATHS[1],
    ];
    let cases = [
        (serif, 11.0, 300.0),
        (sans, 8.0, 300.0),
        (serif, 12.0, 300.0),
        (sans, 10.0, 300.0),
        (serif, 8.0, 200.0),
        (sans, 10.0, 200.0),
        (serif, 12.0, 200.0),
    ];
    for (k, &(font, pt, dpi)) in cases.iter().enumerate() {
        let clean = common::generator::render_lines_at(PUNCTUATION, pt, dpi, font, false);
        let truth = bits_of(&clean);
        let em = pt * dpi / 72.0;
        let mut dirty = clean.clone();
        let dust = add_dust(&mut dirty, em, 400, 70 + k as u64);
        let dirty = bits_of(&dirty);

        // The clean render's components, and how many are marks (smaller
        // than a third of an em each way): the marks this test is about.
        let ink = image::GrayImage::from_fn(truth.width(), truth.height(), |x, y| {
            image::Luma([if truth.is_ink(x, y) { 255 } else { 0 }])
        });
        let labels = connected_components(&ink, Connectivity::Eight, image::Luma([0u8]));
        let mut boxes = std::collections::HashMap::<u32, [u32; 4]>::new();
        for (x, y, l) in labels.enumerate_pixels() {
            if l.0[0] != 0 {
                let b = boxes.entry(l.0[0]).or_insert([x, y, x, y]);
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
        let is_mark = |b: &[u32; 4]| ((b[2] - b[0] + 1).max(b[3] - b[1] + 1) as f32) < em / 3.0;
        let marks = boxes.values().filter(|b| is_mark(b)).count();
        assert!(marks >= 150, "only {marks} marks rendered");

        for level in [Despeckle::Normal, Despeckle::Aggressive] {
            let out = despeckle(&dirty, Dpi::uniform(dpi), level);
            let lost: std::collections::BTreeSet<[u32; 4]> = labels
                .enumerate_pixels()
                .filter(|&(x, y, l)| l.0[0] != 0 && !out.is_ink(x, y))
                .map(|(_, _, l)| boxes[&l.0[0]])
                .collect();
            let left = dust.iter().filter(|&&(x, y)| out.is_ink(x, y)).count();
            eprintln!(
                "{} {pt} pt {dpi} dpi {level:?}: {} components ({marks} marks), {} lost; \
                 dust {} of {} left",
                font.rsplit('/').next().unwrap(),
                boxes.len(),
                lost.len(),
                left,
                dust.len()
            );
            assert!(
                lost.is_empty(),
                "{pt} pt {dpi} dpi {level:?}: lost {lost:?}"
            );
            assert!(
                left * 20 <= dust.len(),
                "{pt} pt {dpi} dpi {level:?}: {left} of {} dust dots left",
                dust.len()
            );
        }
    }
}
