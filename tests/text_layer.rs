//! The invisible text layer: Unicode beyond Latin-1, right-to-left text,
//! word boxes where the OCR found them, and the sidecar/hOCR outputs.

mod common;

use common::generator::{cer, render_lines, save_png};
use common::{ocrpdf, pdftotext};
use std::path::Path;

/// OCR `lines` rendered in one script and return (pdftotext text, truth).
fn run_script(dir: &Path, lines: &[&str], lang: &str, rtl: bool) -> (String, String) {
    let page = render_lines(lines, 14.0, rtl);
    let png = dir.join("page.png");
    save_png(&page, &png);
    let run = ocrpdf(dir, &["page.png", "-o", "out.pdf", "-l", lang, "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (pdftotext(&dir.join("out.pdf"), 1), page.text)
}

/// Words separated by single spaces, without the bidi embedding marks
/// pdftotext wraps right-to-left runs in (U+202A–U+202E, U+200E/F).
fn normalize(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !matches!(*c as u32, 0x202A..=0x202E | 0x200E | 0x200F))
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn greek_cyrillic_and_accents_extract_as_written() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "ell",
            &[
                "Η επιτροπή συνεδρίασε την Τρίτη για τον προϋπολογισμό",
                "και τα σχέδια της νέας βιβλιοθήκης της πόλης.",
            ],
        ),
        (
            "rus",
            &[
                "Комитет собрался во вторник, чтобы обсудить бюджет",
                "и планы новой библиотеки нашего города.",
            ],
        ),
        (
            "deu",
            &[
                "Größere Änderungen am Übungsraum wurden für",
                "nächste Woche beschlossen, hieß es gestern.",
            ],
        ),
    ];
    for (lang, lines) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (got, truth) = run_script(dir.path(), lines, lang, false);
        let e = cer(&normalize(&truth), &normalize(&got));
        assert!(e < 0.03, "{lang}: CER {e:.3}\ntruth: {truth}\ngot:   {got}");
    }
}

#[test]
fn right_to_left_text_extracts_in_logical_order() {
    let lines = [
        "הוועדה התכנסה ביום שלישי כדי לדון בתקציב",
        "ובתוכניות של הספרייה החדשה בעיר.",
    ];
    let dir = tempfile::tempdir().unwrap();
    let (got, truth) = run_script(dir.path(), &lines, "heb", true);
    let e = cer(&normalize(&truth), &normalize(&got));
    assert!(e < 0.05, "CER {e:.3}\ntruth: {truth}\ngot:   {got}");
}
