//! PDF in, the same document out (issue 21): when the input is one PDF,
//! ocrpdf edits it instead of rebuilding it from pictures. Pages with text
//! are kept exactly (poppler renders them pixel for pixel as before and
//! extracts the same text), pages without usable text get a text layer,
//! and everything around the pages (Info, XMP, bookmarks, links, forms,
//! labels, boxes, attachments) survives. Every fixture is made in code
//! (`tests/common/pdfdoc.rs`) and every check uses the real tools.

use crate::common;

use common::generator::cer;
use common::pdfdoc::{self, Fixture, MARKER, Word};
use common::*;
use image::{GrayImage, RgbImage};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------- running

/// One run of `ocrpdf … --json`: exit code, page records (`type` `page`)
/// in page order, standard error.
struct Out {
    code: i32,
    pages: Vec<Value>,
    stderr: String,
}

impl Out {
    /// Each page's `fate`, `<none>` where a page record has no such key.
    fn fates(&self) -> Vec<String> {
        self.pages
            .iter()
            .map(|p| p["fate"].as_str().unwrap_or("<none>").to_string())
            .collect()
    }

    /// Lines of standard error that mention kept pages.
    fn kept_lines(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains("kept")).collect()
    }
}

/// Run `ocrpdf INPUT -o OUTPUT --json ARGS…` in `dir`.
fn convert(dir: &Path, input: &str, output: &str, args: &[&str]) -> Out {
    let mut all = vec![input, "-o", output, "--json"];
    all.extend_from_slice(args);
    let run = ocrpdf(dir, &all, None);
    let mut pages: Vec<Value> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .filter(|v: &Value| v["type"] == "page")
        .collect();
    pages.sort_by_key(|p| p["page"].as_u64().unwrap_or(0));
    Out {
        code: run.code,
        pages,
        stderr: run.stderr,
    }
}

/// Write `fixture` as `name` in `dir` and return its path.
fn put(dir: &Path, name: &str, fixture: &Fixture) -> PathBuf {
    let path = dir.join(name);
    fixture.write(&path);
    path
}

/// `convert`, asserting exit 0, a valid output and one page record per
/// input page.
fn convert_ok(dir: &Path, input: &str, output: &str, args: &[&str]) -> Out {
    let out = convert(dir, input, output, args);
    assert_eq!(out.code, 0, "ocrpdf {input} {args:?}:\n{}", out.stderr);
    let pdf = dir.join(output);
    assert_qpdf_ok(&pdf);
    assert_eq!(
        out.pages.len(),
        page_count(&dir.join(input)),
        "one --json page record per page"
    );
    assert_eq!(page_count(&pdf), page_count(&dir.join(input)));
    out
}

// ---------------------------------------------------------------- looking

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Page `page` (1-based) as `pdftoppm` draws it at `dpi`.
fn render(pdf: &Path, page: usize, dpi: u32) -> RgbImage {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let n = page.to_string();
    let out = tool(
        "pdftoppm",
        &[
            "-f",
            &n,
            "-l",
            &n,
            "-r",
            &dpi.to_string(),
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "pdftoppm {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    image::open(dir.path().join("p.png")).unwrap().into_rgb8()
}

/// Page `a` of `pa` and page `b` of `pb` render to the same pixels.
fn assert_same_render(pa: &Path, a: usize, pb: &Path, b: usize) {
    let (x, y) = (render(pa, a, 100), render(pb, b, 100));
    assert_eq!(
        x.dimensions(),
        y.dimensions(),
        "page {b} of {} renders at another size than page {a} of {}",
        pb.display(),
        pa.display()
    );
    let differ = x.pixels().zip(y.pixels()).filter(|(p, q)| p != q).count();
    assert!(
        differ == 0,
        "page {b} of {} differs from page {a} of {} in {differ} of {} pixels",
        pb.display(),
        pa.display(),
        x.pixels().len()
    );
}

fn grey(img: &RgbImage) -> GrayImage {
    image::DynamicImage::ImageRgb8(img.clone()).into_luma8()
}

/// Mean absolute grey difference of two renders of the same size.
fn mean_grey_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (a, b) = (grey(a), grey(b));
    a.pixels()
        .zip(b.pixels())
        .map(|(p, q)| (p.0[0] as f64 - q.0[0] as f64).abs())
        .sum::<f64>()
        / a.pixels().len() as f64
}

/// Words of `truth` (letters only, four or more) that `got` contains,
/// as a share of them.
fn recall(truth: &str, got: &str) -> f64 {
    let clean = |w: &str| -> String { w.chars().filter(|c| c.is_alphanumeric()).collect() };
    let got: Vec<String> = got.split_whitespace().map(clean).collect();
    let want: Vec<String> = truth
        .split_whitespace()
        .map(clean)
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let found = want.iter().filter(|w| got.contains(w)).count();
    found as f64 / want.len().max(1) as f64
}

fn assert_recall(pdf: &Path, page: usize, truth: &str, min: f64) {
    let got = pdftotext(pdf, page);
    let r = recall(truth, &got);
    assert!(
        r >= min,
        "page {page} of {}: {:.0}% of the words found (want {:.0}%):\n{got}",
        pdf.display(),
        r * 100.0,
        min * 100.0
    );
}

/// Intersection over union of two boxes.
fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    common::generator::iou(a, b)
}

/// Words of page `page` with their boxes in points from the top left of
/// the crop box, the page as it is rendered (`pdftotext -bbox -cropbox`;
/// without `-cropbox` poppler measures from the media box).
fn words_on_page(pdf: &Path, page: usize) -> Vec<(String, [f32; 4])> {
    let n = page.to_string();
    let out = tool(
        "pdftotext",
        &[
            "-bbox",
            "-cropbox",
            "-f",
            &n,
            "-l",
            &n,
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    assert!(
        out.status.success(),
        "pdftotext -bbox: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            let text = text
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
            (text, ["xMin", "yMin", "xMax", "yMax"].map(|k| attr(l, k)))
        })
        .collect()
}

/// Share of `truth` words of four letters or more that a word of the PDF
/// with the same letters overlaps with IoU ≥ 0.5 (boxes in `pdftotext
/// -bbox` points), and the misses.
fn box_hits(truth: &[Word], pdf: &Path, page: usize) -> (f64, Vec<String>) {
    let got = words_on_page(pdf, page);
    let clean = |w: &str| -> String { w.chars().filter(|c| c.is_alphanumeric()).collect() };
    let want: Vec<&Word> = truth.iter().filter(|w| clean(&w.text).len() >= 4).collect();
    let mut misses = Vec::new();
    for w in &want {
        let hit = got
            .iter()
            .any(|(t, b)| clean(t) == clean(&w.text) && iou(*b, w.bbox) >= 0.5);
        if !hit {
            let near: Vec<String> = got
                .iter()
                .filter(|(t, _)| clean(t) == clean(&w.text))
                .map(|(_, b)| format!("{b:?}"))
                .collect();
            misses.push(format!(
                "{} at {:?} (found at [{}])",
                w.text,
                w.bbox,
                near.join(" ")
            ));
        }
    }
    let hits = want.len() - misses.len();
    (hits as f64 / want.len().max(1) as f64, misses)
}

fn assert_boxes(truth: &[Word], pdf: &Path, page: usize) {
    let (rate, misses) = box_hits(truth, pdf, page);
    assert!(
        rate >= 0.7,
        "page {page}: only {:.0}% of the words where the page shows them; missed:\n{}",
        rate * 100.0,
        misses.join("\n")
    );
}

/// `pdfinfo`'s `Key: value` lines.
fn pdfinfo(pdf: &Path) -> BTreeMap<String, String> {
    let out = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// `qpdf --json=2` of a file.
struct Qpdf(Value);

impl Qpdf {
    fn of(pdf: &Path) -> Qpdf {
        let out = tool("qpdf", &["--json=2", pdf.to_str().unwrap()]);
        assert!(
            out.status.success() || out.status.code() == Some(3),
            "qpdf --json: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Qpdf(serde_json::from_slice(&out.stdout).unwrap())
    }

    /// An object's value (a stream's dictionary) by its `N G R` reference.
    fn obj(&self, reference: &str) -> &Value {
        let o = &self.0["qpdf"][1][format!("obj:{reference}")];
        if o.get("stream").is_some() {
            &o["stream"]["dict"]
        } else {
            &o["value"]
        }
    }

    /// `v`, or what it points to when it is a reference.
    fn get<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.as_str() {
            Some(s) if s.ends_with(" R") => self.obj(s),
            _ => v,
        }
    }

    fn trailer(&self) -> &Value {
        &self.0["qpdf"][1]["trailer"]["value"]
    }

    fn catalog(&self) -> &Value {
        self.get(&self.trailer()["/Root"])
    }

    /// The page objects' references, in page order.
    fn page_refs(&self) -> Vec<String> {
        self.0["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["object"].as_str().unwrap().to_string())
            .collect()
    }

    /// Page `n` (1-based) as a dictionary.
    fn page(&self, n: usize) -> &Value {
        let r = self.0["pages"][n - 1]["object"]
            .as_str()
            .unwrap()
            .to_string();
        self.obj(&r)
    }

    /// The 1-based number of the page `reference` points at.
    fn page_number(&self, reference: &Value) -> Option<usize> {
        let r = reference.as_str()?;
        self.page_refs().iter().position(|p| p == r).map(|i| i + 1)
    }

    /// Page `n`'s value for `key`, inherited from the page tree if need be.
    fn inherited(&self, n: usize, key: &str) -> Value {
        let mut node = self.page(n);
        loop {
            if let Some(v) = node.get(key) {
                return self.get(v).clone();
            }
            match node.get("/Parent") {
                Some(p) => node = self.get(p),
                None => return Value::Null,
            }
        }
    }

    /// Page `n`'s /Rotate (0 when absent).
    fn rotate(&self, n: usize) -> i64 {
        self.inherited(n, "/Rotate")
            .as_i64()
            .unwrap_or(0)
            .rem_euclid(360)
    }

    /// Page `n`'s /UserUnit (1 when absent).
    fn user_unit(&self, n: usize) -> f64 {
        self.page(n)
            .get("/UserUnit")
            .map_or(1.0, |v| self.get(v).as_f64().unwrap())
    }

    /// A box of page `n` as numbers.
    fn page_box(&self, n: usize, key: &str) -> Option<[f64; 4]> {
        let v = self.inherited(n, key);
        let a = v.as_array()?;
        Some([0, 1, 2, 3].map(|i| self.get(&a[i]).as_f64().unwrap()))
    }

    /// The crop box, the media box where there is none.
    fn crop_box(&self, n: usize) -> [f64; 4] {
        self.page_box(n, "/CropBox")
            .or_else(|| self.page_box(n, "/MediaBox"))
            .unwrap()
    }

    /// Page `n`'s annotations, as dictionaries.
    fn annots(&self, n: usize) -> Vec<&Value> {
        match self.page(n).get("/Annots") {
            Some(a) => self
                .get(a)
                .as_array()
                .unwrap()
                .iter()
                .map(|x| self.get(x))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Look `name` up in a name tree.
    fn name_tree(&self, node: &Value, name: &str) -> Option<Value> {
        let node = self.get(node);
        let key = format!("u:{name}");
        if let Some(names) = node.get("/Names").and_then(|n| self.get(n).as_array()) {
            for pair in names.chunks(2) {
                if pair[0].as_str() == Some(&key) {
                    return Some(self.get(&pair[1]).clone());
                }
            }
        }
        for kid in node
            .get("/Kids")
            .and_then(|k| self.get(k).as_array())
            .into_iter()
            .flatten()
        {
            if let Some(v) = self.name_tree(kid, name) {
                return Some(v);
            }
        }
        None
    }

    /// The page (1-based) a destination leads to: an explicit array, a
    /// `/D` dictionary, or a name in the catalog's /Dests tree or dict.
    fn dest_page(&self, dest: &Value) -> Option<usize> {
        let dest = self.get(dest);
        if let Some(a) = dest.as_array() {
            return self.page_number(&a[0]);
        }
        if let Some(d) = dest.get("/D") {
            return self.dest_page(d);
        }
        let s = dest.as_str()?;
        let name = s.strip_prefix("u:").or_else(|| s.strip_prefix('/'))?;
        let cat = self.catalog();
        let found = cat
            .get("/Names")
            .and_then(|n| self.get(n).get("/Dests"))
            .and_then(|t| self.name_tree(t, name))
            .or_else(|| {
                cat.get("/Dests")
                    .and_then(|d| self.get(d).get(format!("/{name}")))
                    .cloned()
            })?;
        self.dest_page(&found)
    }
}

/// A JSON string value as qpdf writes text (`u:…`).
fn text_of(v: &Value) -> &str {
    let s = v.as_str().unwrap_or("");
    s.strip_prefix("u:").unwrap_or(s)
}

// ---------------------------------------------------------------- policies

/// A born-digital page is kept exactly, by default and with either
/// spelling of the skip policy; one stderr line says so, and `-q`
/// silences it.
#[test]
fn born_digital_page_is_kept_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::born_digital(&pdfdoc::LETTER);
    let input = put(dir.path(), "letter.pdf", &f);
    let text_in = pdftotext(&input, 1);
    assert!(recall(&f.pages[0].text, &text_in) == 1.0, "{text_in}");

    for (output, args) in [
        ("default.pdf", &[][..]),
        ("skip.pdf", &["--skip-text"][..]),
        ("pdf-text-skip.pdf", &["--pdf-text", "skip"][..]),
    ] {
        let out = convert_ok(dir.path(), "letter.pdf", output, args);
        assert_eq!(out.fates(), ["kept"], "{args:?}");
        let pdf = dir.path().join(output);
        assert_same_render(&input, 1, &pdf, 1);
        assert_eq!(pdftotext(&pdf, 1), text_in, "{args:?}");
        assert_eq!(out.kept_lines().len(), 1, "{args:?}:\n{}", out.stderr);
        assert!(out.kept_lines()[0].contains('1'), "{}", out.stderr);
    }

    let out = convert_ok(dir.path(), "letter.pdf", "quiet.pdf", &["-q"]);
    assert!(out.kept_lines().is_empty(), "-q:\n{}", out.stderr);
}

/// A plain scan is cleaned and OCR'd as before; the born-digital page
/// after it is kept, pixel for pixel and word for word.
#[test]
fn scan_is_ocred_and_digital_page_kept() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::scan_then_digital(11);
    let input = put(dir.path(), "mixed.pdf", &f);
    let out = convert_ok(dir.path(), "mixed.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr", "kept"]);
    let pdf = dir.path().join("out.pdf");
    let got = pdftotext(&pdf, 1);
    let rate = cer(&f.pages[0].text, &got);
    assert!(rate <= 0.1, "scan page CER {rate}:\n{got}");
    assert_same_render(&input, 2, &pdf, 2);
    assert_eq!(pdftotext(&pdf, 2), pdftotext(&input, 2));
    assert_eq!(out.kept_lines().len(), 1, "{}", out.stderr);
    assert!(out.kept_lines()[0].contains('1'), "{}", out.stderr);
}

/// A page whose only text is an earlier OCR layer (render mode 3) is kept
/// by default, wrong word and all; `--redo-ocr` (and `--pdf-text redo`)
/// replaces that layer with a new one and leaves what the page shows.
#[test]
fn earlier_ocr_layer_is_kept_by_default_and_redone_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::ocred_scan(12);
    let input = put(dir.path(), "ocred.pdf", &f);
    let before = pdftotext(&input, 1);
    assert!(before.contains(MARKER), "fixture: {before}");

    let out = convert_ok(dir.path(), "ocred.pdf", "kept.pdf", &[]);
    assert_eq!(out.fates(), ["kept"]);
    let kept = dir.path().join("kept.pdf");
    assert_same_render(&input, 1, &kept, 1);
    assert_eq!(pdftotext(&kept, 1), before);

    for (output, args) in [
        ("redo.pdf", &["--redo-ocr"][..]),
        ("pdf-text-redo.pdf", &["--pdf-text", "redo"][..]),
    ] {
        let out = convert_ok(dir.path(), "ocred.pdf", output, args);
        assert_eq!(out.fates(), ["redone"], "{args:?}");
        let pdf = dir.path().join(output);
        let after = pdftotext(&pdf, 1);
        assert!(
            !after.contains(MARKER),
            "{args:?}: the old layer's {MARKER} is still there:\n{after}"
        );
        assert_recall(&pdf, 1, &f.pages[0].text, 0.8);
        assert_same_render(&input, 1, &pdf, 1);
    }
}

/// `--force-ocr` OCRs every page: a page with text is rasterised (an
/// image now) and reads the same; a scan is OCR'd as ever.
#[test]
fn force_ocr_rasterises_pages_with_text() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::scan_then_digital(13);
    put(dir.path(), "mixed.pdf", &f);
    let out = convert_ok(dir.path(), "mixed.pdf", "forced.pdf", &["--force-ocr"]);
    assert_eq!(out.fates(), ["ocr", "forced"]);
    let pdf = dir.path().join("forced.pdf");
    assert!(
        pdfimages_list(&pdf).iter().any(|row| row.0 == 2),
        "page 2 has no image: {:?}",
        pdfimages_list(&pdf)
    );
    assert_recall(&pdf, 2, &f.pages[1].text, 0.9);
    assert_recall(&pdf, 1, &f.pages[0].text, 0.8);

    // The other spelling, on a file of one text page.
    put(
        dir.path(),
        "letter.pdf",
        &pdfdoc::born_digital(&pdfdoc::LETTER),
    );
    let out = convert_ok(
        dir.path(),
        "letter.pdf",
        "forced2.pdf",
        &["--pdf-text", "force"],
    );
    assert_eq!(out.fates(), ["forced"]);
}

/// `--pdf-text refuse`: a file with any page of text stops with exit 6
/// and leaves no output.
#[test]
fn refuse_policy_exits_6_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "mixed.pdf", &pdfdoc::scan_then_digital(14));
    let out = convert(
        dir.path(),
        "mixed.pdf",
        "out.pdf",
        &["--pdf-text", "refuse"],
    );
    assert_eq!(out.code, 6, "{}", out.stderr);
    let left: Vec<String> = listing(dir.path())
        .into_iter()
        .filter(|n| n != ".no-xdg-data")
        .collect();
    assert_eq!(left, ["mixed.pdf"], "nothing written");
    assert!(out.stderr.contains("mixed.pdf"), "{}", out.stderr);
}

/// Visible text in a font without a Unicode map (Type0/Identity-H, and
/// Type3 with made-up glyph names, neither with /ToUnicode) cannot be
/// searched: the page gets OCR and looks exactly as before.
#[test]
fn text_without_unicode_map_gets_ocr_and_keeps_its_look() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::no_unicode(&pdfdoc::LETTER);
    let input = put(dir.path(), "glyphs.pdf", &f);
    for (i, truth) in f.pages.iter().enumerate() {
        let before = pdftotext(&input, i + 1);
        assert!(
            recall(&truth.text, &before) < 0.2,
            "fixture: page {} should not extract: {before}",
            i + 1
        );
    }
    let out = convert_ok(dir.path(), "glyphs.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr", "ocr"]);
    let pdf = dir.path().join("out.pdf");
    for (i, truth) in f.pages.iter().enumerate() {
        assert_same_render(&input, i + 1, &pdf, i + 1);
        assert_recall(&pdf, i + 1, &truth.text, 0.8);
    }
}

/// A page of vector drawing and small pictures (text as outlines, no
/// font) keeps its content and images and gets an invisible text layer
/// where the words are drawn.
#[test]
fn vector_page_keeps_its_content_under_an_invisible_layer() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::vector_drawing();
    let input = put(dir.path(), "drawing.pdf", &f);
    assert_eq!(pdftotext(&input, 1).trim(), "", "fixture has no text");
    let out = convert_ok(dir.path(), "drawing.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr"]);
    let pdf = dir.path().join("out.pdf");
    assert_same_render(&input, 1, &pdf, 1);
    assert_recall(&pdf, 1, &f.pages[0].text, 0.8);
    assert_boxes(&f.pages[0].words, &pdf, 1);
    let images: Vec<(u32, u32)> = pdfimages_list(&pdf).iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(images, [(90, 60), (90, 60)], "the two pictures, untouched");
}

/// A scan with a stamp in real text on top: the scan is OCR'd, and the
/// stamp's word is in the text once (OCR words over existing text are
/// dropped), still red on the page.
#[test]
fn stamp_on_a_scan_is_not_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::stamped_scan(15);
    let input = put(dir.path(), "stamped.pdf", &f);
    let before = pdftotext(&input, 1);
    assert_eq!(
        before.matches(pdfdoc::STAMP).count(),
        1,
        "fixture: {before}"
    );
    let out = convert_ok(dir.path(), "stamped.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr"]);
    let pdf = dir.path().join("out.pdf");
    let text = pdftotext(&pdf, 1);
    assert_eq!(
        text.matches(pdfdoc::STAMP).count(),
        1,
        "the stamp's word once:\n{text}"
    );
    let scan_text: String = f.pages[0]
        .text
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    assert_recall(&pdf, 1, &scan_text, 0.8);

    // Still red where it was.
    let stamp = f.pages[0]
        .words
        .iter()
        .find(|w| w.text == pdfdoc::STAMP)
        .unwrap();
    let img = render(&pdf, 1, 100);
    let k = 100.0 / 72.0;
    let [x0, y0, x1, y1] = stamp.bbox.map(|v| (v * k) as u32);
    let red = (x0..x1)
        .flat_map(|x| (y0..y1).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            p[0] > 150 && p[1] < 90 && p[2] < 90
        })
        .count();
    assert!(red > 50, "the stamp is gone: {red} red pixels");
}

/// `--keep-images`: even plain scans keep their image as it was (same
/// size and encoding, same rendering) and only gain a text layer.
#[test]
fn keep_images_leaves_scans_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::plain_scans(16);
    let input = put(dir.path(), "scans.pdf", &f);
    let out = convert_ok(dir.path(), "scans.pdf", "out.pdf", &["--keep-images"]);
    assert_eq!(out.fates(), ["ocr", "ocr"]);
    let pdf = dir.path().join("out.pdf");
    // Page, width, height, colour, bits, encoding: as they went in.
    assert_eq!(pdfimages_list(&pdf), pdfimages_list(&input));
    for (i, truth) in f.pages.iter().enumerate() {
        assert_same_render(&input, i + 1, &pdf, i + 1);
        assert_recall(&pdf, i + 1, &truth.text, 0.8);
    }
}

/// Pages that keep their content get a text layer where the words show,
/// whatever the page's geometry: `/Rotate 90`, a media box away from the
/// origin with a smaller crop box, `/UserUnit 10`.
#[test]
fn text_layer_follows_rotate_box_origins_and_user_unit() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::geometry(17);
    let input = put(dir.path(), "geometry.pdf", &f);
    let out = convert_ok(dir.path(), "geometry.pdf", "out.pdf", &["--keep-images"]);
    assert_eq!(out.fates(), ["ocr", "ocr", "ocr"]);
    let pdf = dir.path().join("out.pdf");
    let (a, b) = (Qpdf::of(&input), Qpdf::of(&pdf));
    for (i, truth) in f.pages.iter().enumerate() {
        let n = i + 1;
        assert_same_render(&input, n, &pdf, n);
        assert_recall(&pdf, n, &truth.text, 0.8);
        assert_boxes(&truth.words, &pdf, n);
        for key in ["/MediaBox", "/CropBox"] {
            assert_eq!(b.page_box(n, key), a.page_box(n, key), "page {n} {key}");
        }
        assert_eq!(b.rotate(n), a.rotate(n), "page {n} /Rotate");
        assert_eq!(b.user_unit(n), a.user_unit(n), "page {n} /UserUnit");
    }
}

// ---------------------------------------------------------------- the document

/// Everything around the pages survives: Info (with a new Producer), XMP,
/// bookmarks, named destinations, links, the form field, page labels,
/// boxes, /Rotate, /UserUnit and the attachment. The skewed scan under
/// two links is OCR'd but neither straightened nor cropped: the link
/// still covers its word.
#[test]
fn document_parts_survive() {
    let dir = tempfile::tempdir().unwrap();
    let (f, rich) = pdfdoc::rich(18);
    let input = put(dir.path(), "rich.pdf", &f);
    // The checks hold for the fixture itself.
    assert_document_parts(&input, &input, &rich);

    let out = convert_ok(dir.path(), "rich.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr", "kept", "kept", "ocr"]);
    let pdf = dir.path().join("out.pdf");
    assert_document_parts(&input, &pdf, &rich);
    let producer = pdfinfo(&pdf).get("Producer").cloned().unwrap_or_default();
    assert!(producer.contains("ocrpdf"), "Producer: {producer}");

    // Kept pages are the same; the pages that got OCR read right.
    for n in [2, 3] {
        assert_same_render(&input, n, &pdf, n);
        assert_eq!(pdftotext(&pdf, n), pdftotext(&input, n));
    }
    // (A 2° skew left as it is costs some words: pdftotext splits a
    // slanted line's words where its layout breaks.)
    assert_recall(&pdf, 1, &f.pages[0].text, 0.6);
    assert_recall(&pdf, 4, &f.pages[3].text, 0.8);
    assert_same_render(&input, 4, &pdf, 4);

    // Not straightened: the word under the URI link is still under it.
    // Its ink in the output is where it was in the input...
    let dpi = 150;
    let k = dpi as f32 / 72.0;
    let h = Qpdf::of(&input).crop_box(1)[3] as f32;
    let r = rich.uri_rect;
    let (x0, y0, x1, y1) = (r[0] * k, (h - r[3]) * k, r[2] * k, (h - r[1]) * k);
    let (gin, gout) = (grey(&render(&input, 1, dpi)), grey(&render(&pdf, 1, dpi)));
    assert_eq!(gin.dimensions(), gout.dimensions(), "page 1 was cropped");
    let (mut both, mut either) = (0, 0);
    for y in y0 as u32..y1 as u32 {
        for x in x0 as u32..x1 as u32 {
            let (i, o) = (
                gin.get_pixel(x, y).0[0] < 160,
                gout.get_pixel(x, y).0[0] < 160,
            );
            both += usize::from(i && o);
            either += usize::from(i || o);
        }
    }
    let overlap = both as f64 / either.max(1) as f64;
    assert!(
        overlap >= 0.4,
        "the ink under the link moved (overlap {overlap:.2}): page 1 was straightened or shifted"
    );
    // ...and its OCR'd word is found under the link. On this slanted line
    // poppler may cut a word into pieces where the baseline steps ("cha",
    // "nge", "s"); pieces that follow each other on the page with no space
    // between them are joined back, as a copy of the line gives them.
    let word = &rich.uri_word.text;
    let boxes = words_on_page(&pdf, 1);
    let alnum = |t: &str| -> String { t.chars().filter(|c| c.is_alphanumeric()).collect() };
    let joined = (0..boxes.len()).find_map(|i| {
        let (mut text, mut b) = (alnum(&boxes[i].0), boxes[i].1);
        for (t, nb) in &boxes[i + 1..] {
            if text.len() >= word.len() || nb[0] - b[2] > 1.0 || nb[0] < b[0] {
                break;
            }
            text.push_str(&alnum(t));
            b = [b[0], b[1].min(nb[1]), nb[2], b[3].max(nb[3])];
        }
        (text == *word).then_some(b)
    });
    let wb = joined.unwrap_or_else(|| panic!("{word} not in the text layer: {boxes:?}"));
    let (cx, cy) = (f32::midpoint(wb[0], wb[2]), f32::midpoint(wb[1], wb[3]));
    assert!(
        cx > r[0] && cx < r[2] && cy > h - r[3] && cy < h - r[1],
        "{word} at {wb:?}, the link at {r:?} (page height {h})"
    );
}

/// What [`document_parts_survive`] checks in the document: `pdf` has the
/// parts of `input` ([`pdfdoc::rich`]), on the same pages.
fn assert_document_parts(input: &Path, pdf: &Path, rich: &pdfdoc::Rich) {
    let (a, b) = (Qpdf::of(input), Qpdf::of(pdf));

    // Info: kept (the producer aside).
    let (ia, ib) = (pdfinfo(input), pdfinfo(pdf));
    for key in ["Title", "Author", "Subject", "Keywords", "CreationDate"] {
        assert!(ia.contains_key(key), "fixture has {key}: {ia:?}");
        assert_eq!(ib.get(key), ia.get(key), "Info {key}");
    }
    assert_eq!(ia["Title"], rich.info.title);

    // XMP: still in the catalog, still an XMP packet.
    let meta = b.catalog().get("/Metadata").expect("catalog /Metadata");
    assert_eq!(b.get(meta)["/Subtype"], "/XML");
    let xmp = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    let xmp = String::from_utf8_lossy(&xmp.stdout).into_owned();
    let doc = roxmltree::Document::parse(xmp.trim()).unwrap_or_else(|e| panic!("{e}:\n{xmp}"));
    assert_eq!(doc.root_element().tag_name().name(), "xmpmeta");

    // Bookmarks: titles and the pages they open.
    let outline: Vec<(String, usize)> = b.0["outlines"]
        .as_array()
        .expect("outlines")
        .iter()
        .map(|o| {
            (
                text_of(&o["title"]).to_string(),
                o["destpageposfrom1"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect();
    assert_eq!(outline, rich.outline);

    // The named destination.
    let dest = Value::String(format!("u:{}", rich.dest));
    assert_eq!(b.dest_page(&dest), Some(rich.dest_page));

    // Page 1's links: the web address and the named destination, on the
    // same rectangles.
    let links: Vec<&Value> = b
        .annots(1)
        .into_iter()
        .filter(|x| x["/Subtype"] == "/Link")
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");
    let rect = |v: &Value| -> [f32; 4] {
        let r = b.get(&v["/Rect"]).as_array().unwrap().clone();
        [0, 1, 2, 3].map(|i| b.get(&r[i]).as_f64().unwrap() as f32)
    };
    let near = |x: [f32; 4], y: [f32; 4]| x.iter().zip(&y).all(|(p, q)| (p - q).abs() < 0.01);
    let uri_link = links
        .iter()
        .find(|l| {
            l.get("/A")
                .is_some_and(|act| b.get(act).get("/URI").is_some())
        })
        .expect("the URI link");
    assert_eq!(text_of(b.get(&b.get(&uri_link["/A"])["/URI"])), rich.uri);
    assert!(near(rect(uri_link), rich.uri_rect), "{:?}", rect(uri_link));
    let goto = links
        .iter()
        .find(|l| {
            l.get("/Dest").is_some()
                || l.get("/A")
                    .is_some_and(|act| b.get(act).get("/D").is_some())
        })
        .expect("the link to the named destination");
    let target = goto
        .get("/Dest")
        .cloned()
        .unwrap_or_else(|| b.get(&goto["/A"])["/D"].clone());
    assert_eq!(b.dest_page(&target), Some(rich.dest_page));
    assert!(near(rect(goto), rich.goto_rect));

    // The form field: still a text field with its value and its widget on
    // page 2.
    let fields = b.0["acroform"]["fields"]
        .as_array()
        .expect("acroform fields");
    let field = fields
        .iter()
        .find(|x| text_of(&x["fullname"]) == rich.field_name)
        .unwrap_or_else(|| panic!("field {} in {fields:?}", rich.field_name));
    assert_eq!(field["fieldtype"], "/Tx");
    assert_eq!(text_of(&field["value"]), rich.field_value);
    assert_eq!(field["pageposfrom1"], 2);
    assert!(
        b.annots(2).iter().any(|x| x["/Subtype"] == "/Widget"),
        "the widget is on page 2"
    );

    // Page labels, boxes, /Rotate, /UserUnit.
    assert_eq!(b.0["pagelabels"], a.0["pagelabels"]);
    let labels: Vec<String> = b.0["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| label_text(&p["label"], p["pageposfrom1"].as_u64().unwrap() as usize))
        .collect();
    assert_eq!(labels, rich.labels);
    assert_eq!(b.page_refs().len(), 4);
    for n in 1..=4 {
        assert_eq!(
            b.page_box(n, "/MediaBox"),
            a.page_box(n, "/MediaBox"),
            "page {n}"
        );
        assert_eq!(b.crop_box(n), a.crop_box(n), "page {n} crop box");
        assert_eq!(b.rotate(n), a.rotate(n), "page {n} /Rotate");
        assert_eq!(b.user_unit(n), a.user_unit(n), "page {n} /UserUnit");
    }
    assert_eq!(b.rotate(3), 90);
    assert_eq!(b.user_unit(4), 10.0);

    // The attachment, byte for byte.
    assert!(
        b.0["attachments"].get(&rich.attachment.0).is_some(),
        "{}",
        b.0["attachments"]
    );
    let shown = tool(
        "qpdf",
        &[
            &format!("--show-attachment={}", rich.attachment.0),
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(shown.stdout, rich.attachment.1);
}

/// The label a viewer shows for page `n` (1-based), from qpdf's page
/// `label` dictionary (`/S`, `/P`, and `/St` already counted to this
/// page); no labels at all means the page number.
fn label_text(label: &Value, n: usize) -> String {
    if label.is_null() {
        return n.to_string();
    }
    let number = label["/St"].as_u64().unwrap_or(1) as usize;
    let prefix = text_of(&label["/P"]);
    let roman = |mut v: usize| {
        let mut s = String::new();
        for (k, r) in [
            (1000, "m"),
            (900, "cm"),
            (500, "d"),
            (400, "cd"),
            (100, "c"),
            (90, "xc"),
            (50, "l"),
            (40, "xl"),
            (10, "x"),
            (9, "ix"),
            (5, "v"),
            (4, "iv"),
            (1, "i"),
        ] {
            while v >= k {
                s += r;
                v -= k;
            }
        }
        s
    };
    let body = match label["/S"].as_str() {
        Some("/D") => number.to_string(),
        Some("/r") => roman(number),
        Some("/R") => roman(number).to_uppercase(),
        Some("/a") => ((b'a' + ((number - 1) % 26) as u8) as char).to_string(),
        Some("/A") => ((b'A' + ((number - 1) % 26) as u8) as char).to_string(),
        _ => String::new(),
    };
    format!("{prefix}{body}")
}

/// `--title` replaces the kept Title; the rest of Info stays, the XMP
/// packet too, and the producer is ocrpdf.
#[test]
fn title_option_overrides_the_kept_title() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::born_digital_with_info(&pdfdoc::LETTER);
    let input = put(dir.path(), "letter.pdf", &f);
    let out = convert_ok(
        dir.path(),
        "letter.pdf",
        "out.pdf",
        &["--title", "Overridden title"],
    );
    assert_eq!(out.fates(), ["kept"]);
    let pdf = dir.path().join("out.pdf");
    let (ia, ib) = (pdfinfo(&input), pdfinfo(&pdf));
    assert_eq!(ib["Title"], "Overridden title");
    for key in ["Author", "Subject", "Keywords", "CreationDate"] {
        assert_eq!(ib.get(key), ia.get(key), "Info {key}");
    }
    assert!(ib["Producer"].contains("ocrpdf"), "{ib:?}");
    assert!(Qpdf::of(&pdf).catalog().get("/Metadata").is_some());
    assert_same_render(&input, 1, &pdf, 1);
}

/// A digitally signed file is refused (editing it breaks the signature)
/// unless `--invalidate-digital-signatures` says that is fine.
#[test]
fn signed_pdf_is_refused_unless_signatures_may_be_invalidated() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::signed(&pdfdoc::LETTER);
    let input = put(dir.path(), "signed.pdf", &f);
    assert_qpdf_ok(&input);
    let out = convert(dir.path(), "signed.pdf", "out.pdf", &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("signed"), "{}", out.stderr);
    assert!(!dir.path().join("out.pdf").exists());

    let out = convert_ok(
        dir.path(),
        "signed.pdf",
        "out.pdf",
        &["--invalidate-digital-signatures"],
    );
    assert_eq!(out.fates(), ["kept"]);
    assert_same_render(&input, 1, &dir.path().join("out.pdf"), 1);
}

/// A dynamic XFA form (its pages only say "please wait") is refused.
#[test]
fn dynamic_xfa_form_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = put(dir.path(), "xfa.pdf", &pdfdoc::dynamic_xfa());
    assert_qpdf_ok(&input);
    let out = convert(dir.path(), "xfa.pdf", "out.pdf", &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("XFA"), "{}", out.stderr);
    assert!(!dir.path().join("out.pdf").exists());
}

// ---------------------------------------------------------------- images

/// Scans in one-ink colour spaces (DeviceN with /Decode [1 0], Separation
/// with ink amounts) come out looking as they went in, not as white
/// letters on black, and their words are found.
#[test]
fn one_ink_scans_keep_their_tones() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::ink_scans(19);
    let input = put(dir.path(), "ink.pdf", &f);
    let out = convert_ok(dir.path(), "ink.pdf", "out.pdf", &[]);
    assert_eq!(out.fates(), ["ocr", "ocr"]);
    let pdf = dir.path().join("out.pdf");
    for (i, truth) in f.pages.iter().enumerate() {
        let n = i + 1;
        // The fixture renders black on white.
        let before = render(&input, n, 50);
        let paper = grey(&before).pixels().filter(|p| p.0[0] > 200).count();
        assert!(
            paper * 10 > before.pixels().len() * 8,
            "fixture page {n} is not mostly white"
        );
        let after = render(&pdf, n, 50);
        let d = mean_grey_diff(&before, &after);
        assert!(d < 12.0, "page {n}: mean grey difference {d:.1}");
        assert_recall(&pdf, n, &truth.text, 0.8);
    }
}

/// Eight A4 colour scans at 300 dpi (JPEG) at `-j 2`, default mode (colour
/// layers, the costliest cleanup): peak memory stays under 400 MB plus the
/// input's size.
#[test]
fn memory_stays_bounded_on_colour_scans() {
    let dir = tempfile::tempdir().unwrap();
    let f = pdfdoc::colour_scans(2, 8, 5);
    let input = put(dir.path(), "colour.pdf", &f);
    let size = std::fs::metadata(&input).unwrap().len();
    let out = Command::new("/usr/bin/time")
        .current_dir(dir.path())
        .env("XDG_DATA_HOME", dir.path().join(".no-xdg-data"))
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_ocrpdf"))
        .args(["colour.pdf", "-o", "out.pdf", "-j", "2", "-q"])
        .output()
        .expect("/usr/bin/time (apt-get install time)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kb: u64 = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .expect("/usr/bin/time -v output")
        .trim()
        .parse()
        .unwrap();
    let limit = 400 * 1024 * 1024 + size;
    eprintln!("peak RSS {} MB, input {} MB", kb / 1024, size / 1_048_576);
    assert!(
        kb * 1024 <= limit,
        "peak RSS {} MB for a {} MB input (limit {} MB)",
        kb / 1024,
        size / 1_048_576,
        limit / 1_048_576
    );
    let pdf = dir.path().join("out.pdf");
    assert_eq!(page_count(&pdf), 8);
    assert_recall(&pdf, 8, &f.pages[7].text, 0.8);
}

// ---------------------------------------------------------------- watch

/// `ocrpdf watch --once` on a born-digital PDF: its PDF in OUTBOX with the
/// page kept, the original in INBOX/.done, nothing failed.
#[test]
fn watch_once_keeps_a_born_digital_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    let input = put(&inbox, "letter.pdf", &pdfdoc::born_digital(&pdfdoc::LETTER));
    let keep = dir.path().join("original.pdf");
    std::fs::copy(&input, &keep).unwrap();
    let run = ocrpdf(
        dir.path(),
        &["watch", "in", "--out", "out", "--once", "--settle", "0.3"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out/letter.pdf");
    assert!(pdf.exists(), "{:?}", listing(&dir.path().join("out")));
    assert_qpdf_ok(&pdf);
    assert_same_render(&keep, 1, &pdf, 1);
    assert_eq!(pdftotext(&pdf, 1), pdftotext(&keep, 1));
    assert_eq!(listing(&inbox.join(".done")), ["letter.pdf"]);
    let failed = inbox.join(".failed");
    assert!(!failed.exists() || listing(&failed).is_empty());
}

// ---------------------------------------------------------------- bench files

/// Plain scans stored anew by the editor share one `/JBIG2Globals`
/// dictionary, as pages of image inputs do; every re-encoded page decodes
/// the same in poppler (`pdfimages`), MuPDF (`mutool extract`) and
/// `jbig2dec` (its stream and the globals extracted).
#[test]
fn rewritten_scans_share_a_jbig2_globals_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let pages = (0..3)
        .map(|i| pdfdoc::scan_jpeg_spec(&pdfdoc::small_scan(300 + i)))
        .collect();
    put(
        dir.path(),
        "scans.pdf",
        &pdfdoc::fixture(pdfdoc::DocSpec {
            pages,
            ..pdfdoc::DocSpec::default()
        }),
    );
    let out = convert_ok(dir.path(), "scans.pdf", "out.pdf", &[]);
    assert!(
        out.pages.iter().all(|p| p["codec"] == "jbig2"),
        "{:?}",
        out.pages.iter().map(|p| &p["codec"]).collect::<Vec<_>>()
    );
    let pdf = dir.path().join("out.pdf");
    let images = jbig2_images(&pdf);
    assert_eq!(images.len(), 3);
    shared_globals(&images);
    let poppler = dir.path().join("poppler");
    let mupdf = dir.path().join("mupdf");
    std::fs::create_dir_all(&mupdf).unwrap();
    let o = tool(
        "pdfimages",
        &["-png", pdf.to_str().unwrap(), poppler.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
    let o = Command::new("mutool")
        .current_dir(&mupdf)
        .args(["extract", pdf.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let read = |p: PathBuf| image::open(p).unwrap().into_luma8();
    let mut extracted: Vec<PathBuf> = std::fs::read_dir(&mupdf)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    extracted.sort();
    assert_eq!(extracted.len(), 3);
    for (i, ((stream, globals), mu)) in images.iter().zip(extracted).enumerate() {
        let want = read(dir.path().join(format!("poppler-{i:03}.png")));
        let ink = |g: &GrayImage| g.pixels().map(|p| p.0[0] < 128).collect::<Vec<bool>>();
        assert_eq!(
            ink(&read(mu)),
            ink(&want),
            "page {i}: MuPDF and poppler differ"
        );
        let (w, h, px) = jbig2dec(globals.as_ref().map(|g| g.1.as_slice()), stream);
        assert_eq!((w, h), want.dimensions(), "page {i}");
        assert_eq!(px, ink(&want), "page {i}: jbig2dec and poppler differ");
    }
}

/// Not a test: writes the files `benches/pdf_input.sh` measures, and every
/// fixture of this file, into `$PDF_BENCH_DIR` (`SCAN_PAGES` sets the
/// length of the scanned file, 100 by default).
#[test]
#[ignore = "writes benchmark inputs; run by benches/pdf_input.sh"]
fn write_bench_files() {
    let dir = std::env::var_os("PDF_BENCH_DIR").expect("set PDF_BENCH_DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let scan_pages: usize = std::env::var("SCAN_PAGES")
        .ok()
        .map_or(100, |v| v.parse().expect("SCAN_PAGES is a number"));
    let fixtures: Vec<(&str, Fixture)> = vec![
        ("born-digital", pdfdoc::born_digital(&pdfdoc::LETTER)),
        ("scan-then-digital", pdfdoc::scan_then_digital(1)),
        ("ocred-scan", pdfdoc::ocred_scan(2)),
        ("no-unicode", pdfdoc::no_unicode(&pdfdoc::LETTER)),
        ("vector", pdfdoc::vector_drawing()),
        ("stamped", pdfdoc::stamped_scan(3)),
        ("geometry", pdfdoc::geometry(4)),
        ("plain-scans", pdfdoc::plain_scans(5)),
        ("ink-scans", pdfdoc::ink_scans(6)),
        ("signed", pdfdoc::signed(&pdfdoc::LETTER)),
        ("xfa", pdfdoc::dynamic_xfa()),
        ("rich", pdfdoc::rich(7).0),
    ];
    for (name, f) in &fixtures {
        f.write(&dir.join(format!("fixture-{name}.pdf")));
    }
    let mixed = pdfdoc::mixed_a4(2);
    mixed.write(&dir.join("mixed.pdf"));
    write_truth(&dir.join("mixed.txt"), &mixed);
    let scans = pdfdoc::colour_scans(4, scan_pages, 18);
    scans.write(&dir.join("scans.pdf"));
    write_truth(&dir.join("scans.txt"), &scans);
}

/// Each page's text, pages separated by form feeds (as `--sidecar`).
fn write_truth(path: &Path, f: &Fixture) {
    let text: Vec<&str> = f.pages.iter().map(|p| p.text.as_str()).collect();
    std::fs::write(path, text.join("\x0c")).unwrap();
}
