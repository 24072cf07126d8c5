//! The invisible text layer: Unicode beyond Latin-1, right-to-left text,
//! the same words in every extraction engine, and no ink on the page.

use crate::common;

use common::generator::{
    Degrade, Layout, Page, add_photo, cer, degrade, half_page, render, render_lines, save_png,
};
use common::{assert_qpdf_ok, mutool_text, ocrpdf, pdftotext, same_words, word_recall};
use lopdf::content::{Content, Operation};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// Share of the printed words each engine must extract exactly.
const MIN_RECALL: f64 = 0.97;

/// One generated page through the real binary: its kind, the printed text
/// and the PDF.
struct Layered {
    kind: &'static str,
    truth: String,
    pdf: PathBuf,
}

/// `page` cut to its top `height_in` inches (the generated script pages
/// are A4 with a few lines at the top), to keep OCR time small.
fn top_of(page: Page, height_in: f32) -> Page {
    let h = ((height_in * page.dpi) as u32).min(page.image.height());
    let image = image::imageops::crop_imm(&page.image, 0, 0, page.image.width(), h).to_image();
    Page { image, ..page }
}

/// Half pages of every kind the layer is written for: clean, a typical
/// office scan, a 3° skew, text above a photo (a mixed page) and Cyrillic
/// (Greek is left to the CER test above: Tesseract's `ell` model reads
/// some μ as the micro sign µ, a recognition slip no layer can mend).
/// Made once and shared by the tests below.
fn layered_pages() -> &'static [Layered] {
    static PAGES: OnceLock<Vec<Layered>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("text_layer_engines");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();

        let mut photo = render(&Layout {
            seed: 64,
            lines: 7,
            size_in: (8.27, 5.5),
            ..Default::default()
        });
        let text_bottom = photo.words.iter().map(|w| w.bbox[3]).fold(0.0, f32::max) as u32;
        let (w, h) = photo.image.dimensions();
        add_photo(&mut photo, [300, text_bottom + 80, w - 300, h - 100], 64);

        let cyrillic = render_lines(
            &[
                "Комитет собрался во вторник, чтобы обсудить бюджет",
                "и планы новой библиотеки нашего города. Несколько",
                "членов спросили, можно ли закончить здание до зимы,",
                "потому что старый читальный зал слишком мал для",
                "посетителей, которые приходят туда каждую неделю.",
            ],
            14.0,
            false,
        );
        let cases: Vec<(&str, Page, &[&str])> = vec![
            ("clean", half_page(61), &[]),
            (
                "typical scan",
                degrade(&half_page(62), &Degrade::typical(62)),
                &[],
            ),
            (
                "3° skew",
                degrade(
                    &half_page(63),
                    &Degrade {
                        skew_deg: 3.0,
                        blur: 0.5,
                        seed: 63,
                        ..Default::default()
                    },
                ),
                &[],
            ),
            ("text above a photo", photo, &[]),
            ("Cyrillic", top_of(cyrillic, 4.0), &["-l", "rus"]),
        ];
        cases
            .into_iter()
            .enumerate()
            .map(|(i, (kind, page, extra))| {
                let (png, pdf) = (format!("page{i}.png"), format!("page{i}.pdf"));
                save_png(&page, &dir.join(&png));
                let mut args = vec![png.as_str(), "-o", pdf.as_str(), "-q"];
                args.extend(extra);
                let run = ocrpdf(&dir, &args, None);
                assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
                Layered {
                    kind,
                    truth: page.text,
                    pdf: dir.join(pdf),
                }
            })
            .collect()
    })
}

/// MuPDF 1.21 (Debian 12) used to drop invisible text whose glyphs have no
/// outline box (see `src/pdf/font.rs`); poppler never did. Both engines must
/// now give the same words, nearly all of those printed, on every kind of
/// page, and the file must stay valid.
#[test]
fn mupdf_and_poppler_extract_the_same_words_on_every_page_kind() {
    for page in layered_pages() {
        assert_qpdf_ok(&page.pdf);
        let poppler = pdftotext(&page.pdf, 1);
        let mupdf = mutool_text(&page.pdf, 1);
        if let Err(e) = same_words(&poppler, &mupdf) {
            panic!(
                "{}: pdftotext vs mutool: {e}\npdftotext:\n{poppler}\nmutool:\n{mupdf}",
                page.kind
            );
        }
        for (engine, text) in [("pdftotext", &poppler), ("mutool", &mupdf)] {
            let recall = word_recall(&page.truth, text);
            assert!(
                recall >= MIN_RECALL,
                "{}: {engine} finds {:.1}% of the printed words\ntruth:\n{}\ngot:\n{text}",
                page.kind,
                recall * 100.0,
                page.truth
            );
        }
    }
}

/// A copy of `src` whose text objects are removed (`mode` None) or drawn
/// with rendering mode `mode` instead of invisibly.
fn rewrite_layer(src: &Path, dst: &Path, mode: Option<i64>) {
    let mut doc = lopdf::Document::load(src).unwrap();
    for (_, id) in doc.get_pages() {
        let content = Content::decode(&doc.get_page_content(id)).unwrap();
        let mut operations = Vec::new();
        let mut in_text = false;
        for op in content.operations {
            match (op.operator.as_str(), mode) {
                ("Tr", Some(m)) => operations.push(Operation::new("Tr", vec![m.into()])),
                ("Tr", None) => {}
                ("BT", None) => in_text = true,
                ("ET", None) => in_text = false,
                _ if in_text => {}
                _ => operations.push(op),
            }
        }
        let bytes = Content { operations }.encode().unwrap();
        doc.change_page_content(id, bytes).unwrap();
    }
    doc.save(dst).unwrap();
}

/// Page 1 as a grey raster (PGM bytes) that `cmd` writes to standard output.
fn raster(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("the renderer runs");
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "render failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Rendering resolution for the raster comparisons: coarse enough to be
/// quick, fine enough that a glyph cell (a line height tall) covers pixels.
const RASTER_DPI: &str = "50";

fn poppler_raster(pdf: &Path) -> Vec<u8> {
    // Without an output root pdftoppm writes the page to standard output.
    raster(
        Command::new("pdftoppm")
            .args(["-r", RASTER_DPI, "-gray", "-f", "1", "-l", "1"])
            .arg(pdf),
    )
}

fn mupdf_raster(pdf: &Path) -> Vec<u8> {
    raster(
        Command::new("mutool")
            .args([
                "draw", "-q", "-r", RASTER_DPI, "-c", "gray", "-F", "pgm", "-o", "-",
            ])
            .arg(pdf)
            .arg("1"),
    )
}

/// The layer puts no ink on the page: poppler renders each PDF exactly as
/// the same PDF without its text objects. The blank glyph has no ink of its
/// own either: drawn as filled text (`0 Tr`, still extracted in full) it
/// leaves poppler's and MuPDF's rasters unchanged too, so no viewer that
/// mishandles `3 Tr` can show boxes over the scan.
#[test]
fn text_layer_puts_no_ink_on_the_page() {
    for page in layered_pages() {
        let bare = page.pdf.with_extension("bare.pdf");
        let filled = page.pdf.with_extension("filled.pdf");
        rewrite_layer(&page.pdf, &bare, None);
        rewrite_layer(&page.pdf, &filled, Some(0));
        assert!(
            pdftotext(&bare, 1).split_whitespace().next().is_none(),
            "{}: the bare copy still has text",
            page.kind
        );
        if let Err(e) = same_words(&mutool_text(&filled, 1), &pdftotext(&page.pdf, 1)) {
            panic!("{}: the filled copy lost text: {e}", page.kind);
        }
        let base = poppler_raster(&bare);
        assert!(
            poppler_raster(&page.pdf) == base,
            "{}: the invisible layer changes poppler's raster",
            page.kind
        );
        assert!(
            poppler_raster(&filled) == base,
            "{}: filled blank glyphs leave ink in poppler",
            page.kind
        );
        assert!(
            mupdf_raster(&filled) == mupdf_raster(&bare),
            "{}: filled blank glyphs leave ink in MuPDF",
            page.kind
        );
    }
}
