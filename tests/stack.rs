//! Scanner workflows on generated stacks with known truth: blank pages
//! (`--blank`), two-pass duplex order (`--duplex`) and separator sheets
//! (`--split-on blank|patch|qr`), through the real binary, Tesseract and
//! poppler.

use crate::common;

use common::generator::{Degrade, Page, degrade, save_png};
use common::sheets::{Mark, Scan, sheet, text_sheet};
use common::{ocrpdf, page_count, pdftotext};
use std::path::Path;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn save(dir: &Path, name: &str, page: &Page) -> String {
    save_png(page, &dir.join(name));
    name.to_string()
}

/// The first three words of a text page's first line: enough to know
/// which page a PDF page is.
fn key(page: &Page) -> String {
    page.text
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which of `keys` each page of `pdf` shows (`-` for a page with none).
fn page_keys(pdf: &Path, keys: &[String]) -> Vec<String> {
    (1..=page_count(pdf))
        .map(|i| {
            let text = pdftotext(pdf, i)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            keys.iter()
                .find(|k| text.starts_with(k.as_str()))
                .cloned()
                .unwrap_or_else(|| "-".into())
        })
        .collect()
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            common::schema::readme().check_record(&v);
            v
        })
        .collect()
}

/// Every kind of blank back and every kind of nearly empty page, at three
/// resolutions and on two papers: `--blank report` must flag every blank
/// one (show-through up to 28 % of the ink's contrast, dust, scanner
/// borders, punched holes, creases) and none of the others (one short
/// line, a page number, a faint signature, a light pencil note, a stamp).
#[test]
fn blank_pages_are_told_from_nearly_empty_ones() {
    let dir = tempdir();
    let blanks = [
        Mark::Nothing,
        Mark::Dust(300),
        Mark::ShowThrough(0.12),
        Mark::ShowThrough(0.2),
        Mark::ShowThrough(0.28),
        Mark::ScannerBorder,
        Mark::PunchedHoles(2),
        Mark::PunchedHoles(4),
        Mark::Crease,
    ];
    let content = [
        Mark::ShortLine,
        Mark::PageNumber,
        Mark::Signature,
        Mark::PencilNote,
        Mark::Stamp,
    ];
    let mut names = Vec::new();
    let mut truth = Vec::new();
    let mut seed = 0;
    let scans = [
        (150.0, false, Some(80)),
        (200.0, true, Some(85)),
        (300.0, false, None),
    ];
    for &(dpi, yellowed, jpeg) in &scans {
        for &m in blanks.iter().chain(&content) {
            seed += 1;
            // Blank backs come with dust, as scanned backs do.
            let marks = [Mark::Dust(80), m];
            let page = sheet(
                &marks,
                Scan {
                    dpi,
                    yellowed,
                    noise: 3.0,
                    jpeg,
                    seed,
                },
            );
            let name = format!(
                "{seed:02}-{}.png",
                format!("{m:?}").replace(['(', ')', '.'], "")
            );
            names.push(save(dir.path(), &name, &page));
            truth.push((name, m.is_blank()));
        }
    }
    assert!(truth.len() >= 40);
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--blank", "report", "--json", "-o", "out.pdf"]);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let flagged: Vec<bool> = json_lines(&run.stdout)
        .iter()
        .filter(|v| v["type"] == "page")
        .map(|v| {
            v["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["code"] == "blank_page")
        })
        .collect();
    assert_eq!(flagged.len(), truth.len());
    let false_drops: Vec<&str> = truth
        .iter()
        .zip(&flagged)
        .filter(|((_, blank), f)| **f && !blank)
        .map(|((n, _), _)| n.as_str())
        .collect();
    let missed: Vec<&str> = truth
        .iter()
        .zip(&flagged)
        .filter(|((_, blank), f)| !**f && *blank)
        .map(|((n, _), _)| n.as_str())
        .collect();
    let blank_count = truth.iter().filter(|t| t.1).count();
    eprintln!(
        "blank detection: {} pages ({blank_count} blank); false drops {} {false_drops:?}; missed blanks {} {missed:?}",
        truth.len(),
        false_drops.len(),
        missed.len()
    );
    assert!(
        false_drops.is_empty(),
        "content pages taken for blank: {false_drops:?}"
    );
    // Missing a blank keeps a page; heavy show-through on a coarse scan may.
    assert!(missed.len() <= 2, "blank pages not recognised: {missed:?}");
}

/// Six sheets scanned fronts first, then the turned stack's backs (last
/// back first): three blank backs (one with show-through), one back with
/// only a faint signature, two backs with text. `--duplex --blank drop`
/// gives the nine pages in sheet order, the signature page kept.
#[test]
fn duplex_stack_with_blank_backs_comes_out_in_sheet_order() {
    let dir = tempdir();
    let dpi = 150.0;
    let fronts: Vec<Page> = (0..6).map(|i| text_sheet(100 + i, 5, dpi)).collect();
    let scan = |seed| Scan {
        dpi,
        yellowed: false,
        noise: 3.0,
        jpeg: Some(85),
        seed,
    };
    let backs: Vec<Option<Page>> = vec![
        None,                                                            // blank
        Some(sheet(&[Mark::Dust(60), Mark::ShowThrough(0.2)], scan(2))), // show-through
        Some(text_sheet(203, 5, dpi)),
        Some(sheet(&[Mark::Dust(60), Mark::Signature], scan(4))),
        None,
        Some(text_sheet(206, 5, dpi)),
    ];
    let mut names = Vec::new();
    for (i, f) in fronts.iter().enumerate() {
        names.push(save(dir.path(), &format!("front-{i}.png"), f));
    }
    // The turned-over stack: sheet 6's back comes first.
    for (i, b) in backs.iter().enumerate().rev() {
        let page = b
            .clone()
            .unwrap_or_else(|| sheet(&[Mark::Dust(60)], scan(i as u64 + 10)));
        names.push(save(dir.path(), &format!("scan-back-{}.png", 6 - i), &page));
    }
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--duplex", "--blank", "drop", "--json", "-o", "out.pdf"]);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("out.pdf");
    let mut keys: Vec<String> = fronts.iter().map(key).collect();
    keys.push(key(backs[2].as_ref().unwrap()));
    keys.push(key(backs[5].as_ref().unwrap()));
    let want = vec![
        keys[0].clone(),
        keys[1].clone(),
        keys[2].clone(),
        keys[6].clone(), // back 3
        keys[3].clone(),
        "-".to_string(), // back 4: the signature
        keys[4].clone(),
        keys[5].clone(),
        keys[7].clone(), // back 6
    ];
    assert_eq!(page_keys(&out, &keys), want);
    let doc = json_lines(&run.stdout)
        .into_iter()
        .find(|v| v["type"] == "document")
        .unwrap();
    let dropped: Vec<(&str, u64)> = doc["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["input"].as_str().unwrap(),
                d["position"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dropped,
        // Scanned last sheet first: sheet 1's back is the sixth back file.
        vec![
            ("scan-back-6.png", 2),
            ("scan-back-5.png", 4),
            ("scan-back-2.png", 10)
        ]
    );
    assert!(
        run.stderr.contains("scan-back-6.png: left out (blank"),
        "{}",
        run.stderr
    );
}

/// A separator sheet as a scan: `ocrpdf separator-sheet` rendered by
/// poppler at `dpi`, slightly skewed, noisy and blurred.
fn scanned_sheet(dir: &Path, args: &[&str], dpi: f32, seed: u64) -> Page {
    let pdf = format!("sheet-{seed}.pdf");
    let mut all = vec!["separator-sheet", "-o", pdf.as_str()];
    all.extend(args);
    let run = ocrpdf(dir, &all, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stem = dir.join(format!("sheet-{seed}"));
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
        .arg(dir.join(&pdf))
        .arg(&stem)
        .output()
        .unwrap();
    assert!(out.status.success());
    let img = image::open(stem.with_extension("png")).unwrap().into_rgb8();
    let page = Page {
        image: img,
        dpi,
        words: Vec::new(),
        text: String::new(),
    };
    degrade(
        &page,
        &Degrade {
            blur: 0.6,
            skew_deg: 0.6,
            noise: 4.0,
            specks: 40,
            jpeg_quality: Some(85),
            seed,
            ..Default::default()
        },
    )
}

/// The nine-sheet stack of the split tests: documents of 2, 3 and 2
/// pages with `sep` before the second and third. Returns the input names
/// and each document's page keys.
fn split_stack(dir: &Path, sep: &dyn Fn(u64) -> Page) -> (Vec<String>, Vec<Vec<String>>) {
    let mut names = Vec::new();
    let mut docs = Vec::new();
    let mut n = 0;
    for (d, pages) in [2u64, 3, 2].into_iter().enumerate() {
        if d > 0 {
            n += 1;
            names.push(save(dir, &format!("p{n:02}.png"), &sep(d as u64)));
        }
        let mut keys = Vec::new();
        for k in 0..pages {
            n += 1;
            let page = text_sheet(300 + 10 * d as u64 + k, 4, 150.0);
            keys.push(key(&page));
            names.push(save(dir, &format!("p{n:02}.png"), &page));
        }
        docs.push(keys);
    }
    assert_eq!(names.len(), 9);
    (names, docs)
}

fn run_split(dir: &Path, names: &[String], split: &str, docs: &[Vec<String>]) -> common::Run {
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend([
        "--split-on",
        split,
        "--json",
        "-o",
        "out.pdf",
        "--sidecar",
        "out.txt",
    ]);
    let run = ocrpdf(dir, &args, None);
    assert_eq!(run.code, 0, "{split}: {}", run.stderr);
    let all: Vec<String> = docs.iter().flatten().cloned().collect();
    for (i, keys) in docs.iter().enumerate() {
        let pdf = dir.join(format!("out-{:03}.pdf", i + 1));
        assert_eq!(&page_keys(&pdf, &all), keys, "{split}: part {}", i + 1);
        common::assert_qpdf_ok(&pdf);
        let side = std::fs::read_to_string(dir.join(format!("out-{:03}.txt", i + 1))).unwrap();
        assert_eq!(
            side.matches('\x0c').count(),
            keys.len() - 1,
            "{split}: sidecar of part {}",
            i + 1
        );
    }
    assert!(!dir.join("out.pdf").exists() && !dir.join("out-004.pdf").exists());
    let parts: Vec<String> = json_lines(&run.stdout)
        .iter()
        .filter(|v| v["type"] == "document")
        .map(|v| {
            v["output"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        parts,
        ["out-001.pdf", "out-002.pdf", "out-003.pdf"],
        "{split}"
    );
    run
}

#[test]
fn patch_t_sheets_split_the_stack() {
    let dir = tempdir();
    let (names, docs) = split_stack(dir.path(), &|s| scanned_sheet(dir.path(), &[], 150.0, s));
    run_split(dir.path(), &names, "patch", &docs);
}

#[test]
fn qr_sheets_split_the_stack_and_other_codes_do_not() {
    let dir = tempdir();
    // The second separator reads something else: only `qr` takes it.
    let (names, docs) = split_stack(dir.path(), &|s| {
        let text = if s == 1 { "NEXT" } else { "OTHER" };
        scanned_sheet(dir.path(), &["--qr", text], 150.0, s)
    });
    run_split(dir.path(), &names, "qr", &docs);
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--split-on", "qr:NEXT", "-o", "only.pdf"]);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(page_count(&dir.path().join("only-001.pdf")), 2);
    // The OTHER sheet stays in as a page of the second part.
    assert_eq!(page_count(&dir.path().join("only-002.pdf")), 6);
}

/// Blank sheets split too; parts of an earlier run are replaced, and a
/// higher-numbered one left from it is named in a warning, untouched.
#[test]
fn blank_sheets_split_and_stale_parts_are_named() {
    let dir = tempdir();
    let (names, docs) = split_stack(dir.path(), &|s| {
        sheet(
            &[Mark::Dust(60), Mark::ShowThrough(0.15)],
            Scan {
                seed: s,
                ..Scan::office(s)
            },
        )
    });
    std::fs::write(dir.path().join("out-001.pdf"), b"old").unwrap();
    std::fs::write(dir.path().join("out-004.pdf"), b"old part 4").unwrap();
    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["--split-on", "blank", "--json", "-o", "out.pdf"]);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Vec<String> = docs.iter().flatten().cloned().collect();
    for (i, keys) in docs.iter().enumerate() {
        let pdf = dir.path().join(format!("out-{:03}.pdf", i + 1));
        assert_eq!(&page_keys(&pdf, &all), keys);
    }
    assert_eq!(
        std::fs::read(dir.path().join("out-004.pdf")).unwrap(),
        b"old part 4"
    );
    assert!(
        run.stderr
            .contains("out-004.pdf is left from an earlier run"),
        "{}",
        run.stderr
    );
    let last = json_lines(&run.stdout)
        .into_iter()
        .rfind(|v| v["type"] == "document")
        .unwrap();
    assert!(
        last["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "stale_part")
    );
}

/// A stack of blank pages is an input error, never an empty PDF; duplex
/// with fronts and backs that cannot pair is a usage error.
#[test]
fn nothing_kept_and_unpaired_duplex_are_errors() {
    let dir = tempdir();
    let blank = |s| {
        sheet(
            &[Mark::Dust(50)],
            Scan {
                dpi: 100.0,
                ..Scan::office(s)
            },
        )
    };
    let names: Vec<String> = (0..3)
        .map(|i| save(dir.path(), &format!("b{i}.png"), &blank(i)))
        .collect();
    let args = [
        names[0].as_str(),
        &names[1],
        &names[2],
        "--blank",
        "drop",
        "-o",
        "out.pdf",
    ];
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("all 3 pages are blank"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out.pdf").exists());
    let args = [
        names[0].as_str(),
        &names[1],
        &names[2],
        "--duplex",
        "-o",
        "out.pdf",
    ];
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("3 pages") && run.stderr.contains("fronts"),
        "{}",
        run.stderr
    );
    assert_eq!(common::listing(dir.path()).len(), 3, "nothing written");
}
