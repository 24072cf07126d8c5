//! Each kind of scan damage, cleaned: OCR accuracy after cleanup against
//! OCR of the raw image, deskew accuracy, speck removal, degenerate pages.

use crate::common;

use common::generator::{
    self as generator, Degrade, Layout, Page, cer, degradation_cases, degrade, half_page, render,
    save_png,
};
use common::*;
use ocrpdf::input::{Dpi, PageImage, Pixels};
use ocrpdf::ocr::{self, OcrImage, Tesseract};

/// CER of Tesseract on the raw, uncleaned image.
fn raw_cer(page: &Page) -> f64 {
    let gray = image::DynamicImage::ImageRgb8(page.image.clone()).into_luma8();
    let mut engine = Tesseract::new("eng", None).unwrap();
    let ocr = ocr::read(&mut engine, &OcrImage::new(&gray, Dpi::uniform(page.dpi))).unwrap();
    cer(&page.text, &ocr.text())
}

#[test]
fn cleanup_keeps_cer_low_on_every_degradation_and_beats_raw_ocr_where_it_hurts() {
    let cases: Vec<(&str, Page)> = degradation_cases()
        .into_iter()
        .map(|(_, label, page)| (label, page))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut table = String::from("degradation            raw CER   cleaned CER\n");
    let mut failures = Vec::new();
    for (i, (name, page)) in cases.iter().enumerate() {
        let file = format!("d{i}.png");
        save_png(page, &dir.path().join(&file));
        let out = format!("d{i}.pdf");
        let run = ocrpdf(dir.path(), &[&file, "-o", &out], None);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let cleaned = cer(&page.text, &pdftotext(&dir.path().join(&out), 1));
        let raw = raw_cer(page);
        table.push_str(&format!(
            "{name:<22} {:>7.2}%  {:>9.2}%\n",
            raw * 100.0,
            cleaned * 100.0
        ));
        // 4000 specks on a half page put dust in nearly every word gap:
        // a dot just after a word is a period to any reader, and despeckle
        // keeps marks there so that real punctuation survives on every
        // other page. That costs this extreme page its last fraction of a
        // percent (3.2%; the old size-only despeckle reached 1.6% by
        // deleting periods and commas everywhere).
        let bound = if name == &"heavy specks" { 0.035 } else { 0.03 };
        if cleaned > bound {
            failures.push(format!(
                "{name}: cleaned CER {:.2}% > {:.1}%",
                cleaned * 100.0,
                bound * 100.0
            ));
        }
        // Where the damage costs raw OCR more than a couple of percent,
        // cleanup must do better.
        if raw > 0.02 && cleaned >= raw {
            failures.push(format!(
                "{name}: cleanup did not help ({:.2}% vs raw {:.2}%)",
                cleaned * 100.0,
                raw * 100.0
            ));
        }
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
}

#[test]
fn deskew_is_within_a_fifth_of_a_degree_on_random_angles() {
    let page = render(&Layout {
        seed: 60,
        lines: 14,
        size_in: (8.27, 6.0),
        ..Default::default()
    });
    let mut rng = generator::Rng::new(60);
    let mut worst: f32 = 0.0;
    for i in 0..20 {
        let angle = (rng.unit() * 2.0 - 1.0) * 15.0;
        let skewed = degrade(
            &page,
            &Degrade {
                skew_deg: angle,
                noise: 3.0,
                seed: i,
                ..Default::default()
            },
        );
        let image = PageImage {
            pixels: Pixels::Rgb(skewed.image),
            dpi: Dpi::uniform(300.0),
        };
        let opts = ocrpdf::clean::CleanOptions {
            mode: ocrpdf::clean::Mode::Bw,
            ..Default::default()
        };
        let found = ocrpdf::clean::clean(&image, &opts).skew_deg;
        // The generator turns the page counter-clockwise by `angle`: lines
        // then rise to the right, a skew of -angle in ocrpdf's convention.
        let err = (found + angle).abs();
        worst = worst.max(err);
        assert!(err <= 0.2, "true skew {:.2}°, found {:.2}°", -angle, found);
    }
    eprintln!("worst deskew error over 20 angles: {worst:.3}°");
}

#[test]
fn isolated_specks_are_removed_and_every_character_survives() {
    let page = half_page(61);
    let mut img = page.image.clone();
    // 300 specks of 1–3 px radius in the margins and between lines, at
    // least 20 px from any word.
    let mut rng = generator::Rng::new(61);
    let mut specks = Vec::new();
    while specks.len() < 300 {
        let (x, y) = (
            rng.below(img.width() as usize) as i32,
            rng.below(img.height() as usize) as i32,
        );
        let near_word = page.words.iter().any(|w| {
            x as f32 > w.bbox[0] - 20.0
                && (x as f32) < w.bbox[2] + 20.0
                && y as f32 > w.bbox[1] - 20.0
                && (y as f32) < w.bbox[3] + 20.0
        });
        if near_word
            || x < 4
            || y < 4
            || x >= img.width() as i32 - 4
            || y >= img.height() as i32 - 4
        {
            continue;
        }
        let r = 1 + rng.below(3) as i32;
        for dy in -r..=r {
            for dx in -r..=r {
                if dx * dx + dy * dy <= r * r {
                    img.put_pixel((x + dx) as u32, (y + dy) as u32, image::Rgb([0, 0, 0]));
                }
            }
        }
        specks.push((x as u32, y as u32));
    }
    let image = PageImage {
        pixels: Pixels::Rgb(img.clone()),
        dpi: Dpi::uniform(300.0),
    };
    let cleaned = ocrpdf::clean::clean(&image, &Default::default());
    let left = specks
        .iter()
        .filter(|&&(x, y)| cleaned.bits.is_ink(x, y))
        .count();
    assert!(
        left * 20 <= specks.len(),
        "{left} of {} specks left",
        specks.len()
    );

    let dir = tempfile::tempdir().unwrap();
    save_png(
        &Page {
            image: img,
            ..page.clone()
        },
        &dir.path().join("s.png"),
    );
    assert_eq!(ocrpdf(dir.path(), &["s.png", "-o", "s.pdf"], None).code, 0);
    let text = pdftotext(&dir.path().join("s.pdf"), 1);
    let rate = cer(&page.text, &text);
    assert!(
        rate <= 0.005,
        "CER {:.2}% after despeckle:\n{text}",
        rate * 100.0
    );
}

#[test]
fn noise_pages_do_not_crash_and_give_little_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = generator::Rng::new(62);
    let noise = image::GrayImage::from_fn(1240, 1754, |_, _| {
        image::Luma([(rng.next_u64() & 0xFF) as u8])
    });
    noise.save(dir.path().join("noise.png")).unwrap();
    let run = ocrpdf(dir.path(), &["noise.png", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_qpdf_ok(&dir.path().join("out.pdf"));
    let text = pdftotext(&dir.path().join("out.pdf"), 1);
    assert!(
        text.split_whitespace().count() < 20,
        "noise read as text: {text}"
    );
}

#[test]
fn a_black_and_white_scan_takes_the_short_path_to_the_same_page() {
    // A bilevel scan skips whitening, the picture search and thresholding;
    // the same page with one paper pixel a level off goes the long way.
    // Both must store the same ink and give OCR the same page.
    let page = half_page(67);
    let bilevel = image::GrayImage::from_fn(page.image.width(), page.image.height(), |x, y| {
        let v = page.image.get_pixel(x, y).0[1];
        image::Luma([if v < 140 { 0 } else { 255 }])
    });
    let mut nudged = bilevel.clone();
    nudged.put_pixel(3, 3, image::Luma([254]));
    let clean = |g: image::GrayImage| {
        let image = PageImage {
            pixels: Pixels::Gray(g),
            dpi: Dpi::uniform(300.0),
        };
        ocrpdf::clean::clean(&image, &Default::default())
    };
    let (short, long) = (clean(bilevel.clone()), clean(nudged));
    assert!(short.bits.ink_count() > 10_000, "the page has its letters");
    assert_eq!(short.bits, long.bits, "the same ink is stored");
    let differ = short
        .gray
        .pixels()
        .zip(long.gray.pixels())
        .filter(|(a, b)| a != b)
        .count();
    assert!(differ <= 1, "{differ} pixels of what OCR reads differ");
    let none = |p: &ocrpdf::clean::Picture| matches!(p, ocrpdf::clean::Picture::None);
    assert!(none(&short.picture) && none(&long.picture), "no pictures");
}
