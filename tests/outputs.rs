//! What a run writes besides the PDF (sidecar text, hOCR, JSON report), and
//! how exactly the PDF's text layer sits on the words the OCR found.

mod common;

use common::generator::{Degrade, Layout, cer, degrade, iou, render, save_png};
use common::*;
use std::path::Path;

/// One word from an hOCR file: text, its box and its line's box (pixels).
struct HocrWord {
    text: String,
    bbox: [f32; 4],
    line: [f32; 4],
}

fn title_bbox(tag: &str) -> [f32; 4] {
    let at = tag.find("bbox ").expect("element has a bbox") + 5;
    let v: Vec<f32> = tag[at..]
        .split([';', '"'])
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    [v[0], v[1], v[2], v[3]]
}

/// Read back an hOCR page as written by `--hocr`.
fn hocr_words(path: &Path) -> Vec<HocrWord> {
    let html = std::fs::read_to_string(path).unwrap();
    let mut words = Vec::new();
    let mut line = [0.0; 4];
    for l in html.lines() {
        if l.contains("class=\"ocr_line\"") {
            line = title_bbox(l);
        } else if l.contains("class=\"ocrx_word\"") {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            words.push(HocrWord {
                text,
                bbox: title_bbox(l),
                line,
            });
        }
    }
    words
}

fn typical_page(seed: u64) -> common::generator::Page {
    degrade(
        &render(&Layout {
            seed,
            ..Default::default()
        }),
        &Degrade {
            skew_deg: 1.5,
            ..Degrade::typical(seed)
        },
    )
}

#[test]
fn sidecar_hocr_and_report_describe_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pages = [typical_page(31), typical_page(32)];
    for (i, p) in pages.iter().enumerate() {
        save_png(p, &dir.path().join(format!("p{i}.png")));
    }
    let run = ocrpdf(
        dir.path(),
        &[
            "p0.png",
            "p1.png",
            "-o",
            "doc.pdf",
            "--sidecar",
            "doc.txt",
            "--hocr",
            "hocr",
            "--report",
            "doc.json",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("doc.pdf");

    // Sidecar: the text of each page, split by form feeds, as the PDF has it.
    let sidecar = std::fs::read_to_string(dir.path().join("doc.txt")).unwrap();
    let texts: Vec<&str> = sidecar.split('\x0c').collect();
    assert_eq!(texts.len(), 2);
    for (i, (text, page)) in texts.iter().zip(&pages).enumerate() {
        let e = cer(&page.text, text);
        assert!(e < 0.02, "page {i}: sidecar CER {e:.3}");
        let from_pdf = pdftotext(&pdf, i + 1);
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            words(text),
            words(&from_pdf),
            "page {i}: sidecar vs PDF text"
        );
    }

    // Report: one entry per page with codec, bytes and stage timings.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("doc.json")).unwrap()).unwrap();
    let file_bytes = std::fs::metadata(&pdf).unwrap().len();
    assert_eq!(report["bytes"].as_u64(), Some(file_bytes));
    let rpages = report["pages"].as_array().unwrap();
    assert_eq!(rpages.len(), 2);
    let mut page_bytes = 0;
    for p in rpages {
        assert_eq!(p["codec"], "jbig2", "{p}");
        assert!(p["confidence"].as_f64().unwrap() > 80.0, "{p}");
        assert!(p["words"].as_u64().unwrap() > 100, "{p}");
        let skew = p["skew_deg"].as_f64().unwrap();
        assert!((skew.abs() - 1.5).abs() < 0.2, "skew found {skew}");
        let secs = &p["seconds"];
        for stage in ["decode", "clean", "orient", "ocr", "pdf"] {
            assert!(secs[stage].as_f64().unwrap() >= 0.0, "{stage}: {secs}");
        }
        assert!(secs["ocr"].as_f64().unwrap() > 0.0);
        page_bytes += p["bytes"].as_u64().unwrap();
    }
    assert!(page_bytes < file_bytes && page_bytes > file_bytes * 8 / 10);

    // hOCR: one file per page; its words are the sidecar's words.
    assert_eq!(
        listing(&dir.path().join("hocr")),
        vec!["doc-0001.hocr", "doc-0002.hocr"]
    );
    for (i, text) in texts.iter().enumerate() {
        let words = hocr_words(&dir.path().join(format!("hocr/doc-{:04}.hocr", i + 1)));
        let hocr_text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let side: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(hocr_text, side, "page {i}");
    }
}

/// The text layer puts each word where the OCR found it: ≥ 98% of the
/// words `pdftotext -bbox` reports overlap the OCR's box for that word
/// with IoU ≥ 0.7. The layer uses one font size per line (poppler splits
/// words whose sizes differ by more than 20% into separate blocks, which
/// scrambles copy and paste), so a word's box spans its line's height; the
/// OCR box compared is the word's horizontal extent over its line's
/// vertical extent.
#[test]
fn text_layer_boxes_match_ocr_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        typical_page(41),
        render(&Layout {
            seed: 42,
            font_pt: 9.0,
            ..Default::default()
        }),
    ];
    for (i, p) in pages.iter().enumerate() {
        save_png(p, &dir.path().join(format!("p{i}.png")));
    }
    let run = ocrpdf(
        dir.path(),
        &["p0.png", "p1.png", "-o", "doc.pdf", "--hocr", "h", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("doc.pdf");
    for (i, _) in pages.iter().enumerate() {
        let ocr = hocr_words(&dir.path().join(format!("h/doc-{:04}.hocr", i + 1)));
        let layer = pdftotext_bbox(&pdf, i + 1);
        assert_eq!(
            layer.len(),
            ocr.len(),
            "page {i}: every OCR word is in the layer"
        );
        let pt = 72.0 / 300.0;
        let mut hits = 0;
        let mut ink_hits = 0;
        let mut ink_strict = 0;
        for (text, b) in &layer {
            let best = |inked: bool| {
                ocr.iter()
                    .filter(|w| &w.text == text)
                    .map(|w| {
                        let (y0, y1) = if inked {
                            (w.bbox[1], w.bbox[3])
                        } else {
                            (w.line[1], w.line[3])
                        };
                        iou([w.bbox[0], y0, w.bbox[2], y1].map(|v| v * pt), *b)
                    })
                    .fold(0.0f32, f32::max)
            };
            hits += usize::from(best(false) >= 0.7);
            ink_hits += usize::from(best(true) >= 0.5);
            ink_strict += usize::from(best(true) >= 0.7);
        }
        let rate = hits as f64 / layer.len() as f64;
        let ink_rate = ink_hits as f64 / layer.len() as f64;
        let strict = ink_strict as f64 / layer.len() as f64;
        eprintln!(
            "page {i}: IoU≥0.7 (line height) {rate:.3}; ink box: IoU≥0.5 {ink_rate:.3}, IoU≥0.7 {strict:.3}"
        );
        assert!(
            rate >= 0.98,
            "page {i}: only {rate:.3} of words at IoU ≥ 0.7"
        );
        assert!(ink_rate >= 0.9, "page {i}: only {ink_rate:.3} on ink boxes");
    }
}

#[test]
fn a_failed_run_leaves_no_sidecar_hocr_or_report() {
    let dir = tempfile::tempdir().unwrap();
    save_png(&small_page(5, 3), &dir.path().join("good.png"));
    std::fs::write(dir.path().join("bad.png"), b"\x89PNG\r\n\x1a\nbroken").unwrap();
    let run = ocrpdf(
        dir.path(),
        &[
            "good.png",
            "bad.png",
            "-o",
            "doc.pdf",
            "--sidecar",
            "doc.txt",
            "--hocr",
            "h",
            "--report",
            "r.json",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let left: Vec<String> = listing(dir.path())
        .into_iter()
        .filter(|n| !n.ends_with(".png"))
        .collect();
    assert!(left.iter().all(|n| n == "h"), "left behind: {left:?}");
    if dir.path().join("h").exists() {
        assert!(listing(&dir.path().join("h")).is_empty());
    }
}

/// A page whose ink is rows of letter-sized bars: it looks like lines of
/// text to the ink measure, but no OCR engine reads a word in it.
fn unreadable_text_like_page() -> common::generator::Page {
    let mut rng = common::generator::Rng::new(7);
    let (w, h) = (2480u32, 1650u32);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    for row in 0..14 {
        let base = 340 + row * 70;
        let mut x = 300;
        while x < 2150 {
            let bw = [6, 12, 18, 24][rng.below(4)];
            let bh = [22, 22, 30, 40][rng.below(4)];
            for y in base - bh..base {
                for xx in x..x + bw {
                    img.put_pixel(xx, y, image::Rgb([0, 0, 0]));
                }
            }
            x += bw + [8, 8, 8, 30][rng.below(4)];
        }
    }
    common::generator::Page {
        image: img,
        dpi: 300.0,
        words: Vec::new(),
        text: String::new(),
    }
}

#[test]
fn a_page_whose_text_lines_give_no_words_is_warned_about_not_a_text_or_photo_page() {
    let dir = tempfile::tempdir().unwrap();
    let text = common::small_page(71, 8);
    let mut photo = render(&Layout {
        lines: 0,
        size_in: (8.27, 5.5),
        ..Default::default()
    });
    common::generator::add_photo(&mut photo, [300, 300, 2100, 1400], 72);
    let pages = [text, photo, unreadable_text_like_page()];
    let names = ["text.png", "photo.png", "bars.png"];
    for (p, n) in pages.iter().zip(names) {
        save_png(p, &dir.path().join(n));
    }
    let run = ocrpdf(
        dir.path(),
        &[
            names[0], names[1], names[2], "-o", "doc.pdf", "--json", "--report", "doc.json",
        ],
        None,
    );
    assert_eq!(
        run.code, 0,
        "a warning does not change the exit code: {}",
        run.stderr
    );

    // --json: the page's own list and the document's list, with page numbers.
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    for (i, l) in lines[..3].iter().enumerate() {
        let warned = l["warnings"].as_array().unwrap();
        let codes: Vec<&str> = warned.iter().map(|w| w["code"].as_str().unwrap()).collect();
        let want: &[&str] = if i == 2 { &["few_words"] } else { &[] };
        assert_eq!(codes, want, "page {}: {l}", i + 1);
    }
    let doc = &lines[3]["warnings"].as_array().unwrap();
    assert_eq!(doc.len(), 1, "{}", lines[3]);
    assert_eq!(doc[0]["page"], 3);
    assert_eq!(doc[0]["input"], "bars.png");
    assert_eq!(doc[0]["code"], "few_words");

    // --report has the same list, and stderr says it in words.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("doc.json")).unwrap()).unwrap();
    assert_eq!(report["warnings"], lines[3]["warnings"]);
    assert_eq!(report["pages"][2]["warnings"][0]["code"], "few_words");
    let warned: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("warning"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", run.stderr);
    assert!(
        warned[0].contains("bars.png") && warned[0].contains("lines of text"),
        "{}",
        warned[0]
    );
}
