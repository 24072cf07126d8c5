//! What a run writes besides the PDF (sidecar text, hOCR, JSON report), and
//! how exactly the PDF's text layer sits on the words the OCR found.

use crate::common;

use common::generator::{Degrade, Layout, cer, degrade, iou, render, save_png};
use common::*;
use ocrpdf::report::{Body, DocumentReport, Record};
use serde_json::Value;
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

/// Read a `--report` file: checked against README's schema, then as the
/// library's model.
fn report_record(path: &Path) -> DocumentReport {
    let raw: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(schema::readme().check_record(&raw), "document");
    match serde_json::from_value::<Record>(raw).unwrap().body {
        Body::Document(d) => d,
        other => panic!("a report is a document: {other:?}"),
    }
}

/// `--json` lines: each checked against README's schema, then read as the
/// library's model.
fn json_records(stdout: &str) -> Vec<Body> {
    let schema = schema::readme();
    stdout
        .lines()
        .map(|l| {
            let raw: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            schema.check_record(&raw);
            serde_json::from_value::<Record>(raw).unwrap().body
        })
        .collect()
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

    // Report: the README's `document` record with every page: codec,
    // bytes, size, resolution and stage timings, in their units.
    let report = report_record(&dir.path().join("doc.json"));
    let file_bytes = std::fs::metadata(&pdf).unwrap().len();
    assert_eq!(report.bytes, file_bytes);
    assert_eq!(report.page_count, 2);
    assert_eq!(report.output, pdf.canonicalize().unwrap().to_str().unwrap());
    assert_eq!(report.seconds, None, "a report has no run time");
    let rpages = report.pages.unwrap();
    assert_eq!(rpages.len(), 2);
    let images = pdfimages_list(&pdf);
    let mut page_bytes = 0;
    for (i, p) in rpages.iter().enumerate() {
        assert_eq!((p.page, p.input.as_str()), (i + 1, ["p0.png", "p1.png"][i]));
        assert_eq!(p.codec, "jbig2", "{p:?}");
        assert!(p.confidence > 80.0 && p.confidence <= 100.0, "{p:?}");
        assert!(p.words > 100, "{p:?}");
        assert!(
            (p.skew_deg.abs() - 1.5).abs() < 0.2,
            "skew found {}°",
            p.skew_deg
        );
        assert_eq!(p.rotation_deg, 0);
        // The stored image's size as poppler sees it, at the scan's dpi.
        assert_eq!(
            (images[i].0, images[i].1, images[i].2),
            (i + 1, p.width_px, p.height_px)
        );
        assert_eq!(p.dpi, 300.0);
        let t = p.stage_seconds;
        for (stage, s) in [
            ("decode", t.decode),
            ("clean", t.clean),
            ("orient", t.orient),
            ("pdf", t.pdf),
        ] {
            assert!(s >= 0.0, "{stage}: {t:?}");
        }
        assert!(t.ocr > 0.0, "{t:?}");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        page_bytes += p.bytes;
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
    let pages = [text, photo, common::generator::unreadable_text_like_page()];
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

    // --json: the page's own list and the document's list, with page
    // numbers; a page's own warnings do not repeat its number and input.
    let records = json_records(&run.stdout);
    assert_eq!(records.len(), 4, "{}", run.stdout);
    for (i, r) in records[..3].iter().enumerate() {
        let Body::Page(p) = r else {
            panic!("page lines first: {r:?}")
        };
        assert_eq!((p.page, p.input.as_str()), (i + 1, names[i]));
        let codes: Vec<&str> = p.warnings.iter().map(|w| w.code.as_str()).collect();
        let want: &[&str] = if i == 2 { &["few_words"] } else { &[] };
        assert_eq!(codes, want, "page {}: {p:?}", i + 1);
        assert!(
            p.warnings
                .iter()
                .all(|w| w.page.is_none() && w.input.is_none())
        );
    }
    let Body::Document(doc) = &records[3] else {
        panic!("the document line last: {:?}", records[3])
    };
    assert_eq!(doc.page_count, 3);
    assert_eq!(doc.warnings.len(), 1, "{doc:?}");
    let w = &doc.warnings[0];
    assert_eq!(w.page, Some(3));
    assert_eq!(w.input.as_deref(), Some("bars.png"));
    assert_eq!(w.code, "few_words");
    assert!(w.message.contains("lines of text"), "{}", w.message);

    // --report has the same lists, and stderr says it in words.
    let report = report_record(&dir.path().join("doc.json"));
    assert_eq!(report.warnings, doc.warnings);
    let rpages = report.pages.unwrap();
    let Body::Page(page3) = &records[2] else {
        unreachable!()
    };
    assert_eq!(rpages[2].warnings, page3.warnings);
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
