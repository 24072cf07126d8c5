//! Inputs: formats, multi-page TIFF, stdin, ordering, and bad input that
//! must give a named, one-line error, the right exit code and no output.

use crate::common;

use common::generator::{Degrade, cer, degrade, save_png};
use common::*;
use std::path::Path;

#[test]
fn tiff_pages_stdin_and_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<_> = (1..=4)
        .map(|s| degrade(&small_page(20 + s, 3), &Degrade::typical(s)))
        .collect();
    // scan2.png (page 0), scan10.jpg (page 1), a two-page TIFF (pages 2, 3).
    save_png(&pages[0], &dir.path().join("scan2.png"));
    pages[1].image.save(dir.path().join("scan10.jpg")).unwrap();
    let gray: Vec<_> = pages[2..]
        .iter()
        .map(|p| image::DynamicImage::ImageRgb8(p.image.clone()).into_luma8())
        .collect();
    write_tiff_pages(&dir.path().join("scan11.tif"), &gray, 300);
    let mut pnm = Vec::new();
    image::DynamicImage::ImageRgb8(pages[0].image.clone())
        .write_to(&mut std::io::Cursor::new(&mut pnm), image::ImageFormat::Pnm)
        .unwrap();

    // Natural sort puts scan2 before scan10 whatever the argument order.
    let run = ocrpdf(
        dir.path(),
        &[
            "--natural-sort",
            "scan11.tif",
            "scan10.jpg",
            "scan2.png",
            "-o",
            "out.pdf",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    assert_eq!(page_count(&pdf), 4);
    for (i, page) in pages.iter().enumerate() {
        let rate = cer(&page.text, &pdftotext(&pdf, i + 1));
        assert!(rate <= 0.05, "page {} has CER {rate}", i + 1);
    }

    // One image on stdin (here PNM), as `scanimage | ocrpdf - -o x.pdf`.
    let run = ocrpdf(dir.path(), &["-", "-o", "stdin.pdf"], Some(&pnm));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("stdin.pdf");
    assert_eq!(page_count(&pdf), 1);
    // PNM carries no DPI: its 11-point text makes it 300 dpi, so an A4-wide
    // image is 8.27 in wide.
    let words = pdftotext_bbox(&pdf, 1);
    assert!(cer(&pages[0].text, &pdftotext(&pdf, 1)) <= 0.05);
    assert!(words.iter().all(|(_, b)| b[2] <= 8.27 * 72.0 + 1.0));
}

#[test]
fn dpi_comes_from_the_file_or_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = small_page(31, 2);
    page.dpi = 150.0; // same pixels declared at 150 dpi: the page is twice as large
    save_png(&page, &dir.path().join("p.png"));
    let size = |pdf: &str| page_size_pt(&dir.path().join(pdf));
    assert_eq!(ocrpdf(dir.path(), &["p.png", "-o", "a.pdf"], None).code, 0);
    let (w, _) = size("a.pdf");
    assert!((w - 2481.0 * 72.0 / 150.0).abs() < 1.0, "width {w}");
    assert_eq!(
        ocrpdf(dir.path(), &["p.png", "--dpi", "300", "-o", "b.pdf"], None).code,
        0
    );
    let (w, _) = size("b.pdf");
    assert!((w - 2481.0 * 72.0 / 300.0).abs() < 1.0, "width {w}");
}

/// Run with one bad input beside a good one; check code, message, no output.
fn assert_rejected(setup: impl FnOnce(&Path) -> Vec<String>, code: i32, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    save_png(&small_page(1, 2), &dir.path().join("good.png"));
    let mut args = setup(dir.path());
    let before = listing(dir.path());
    args.extend(["-o".to_string(), "out.pdf".to_string()]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = ocrpdf(dir.path(), &argv, None);
    assert_eq!(run.code, code, "args {argv:?}: stderr {}", run.stderr);
    let msg = run.stderr.trim_end();
    assert!(msg.contains(needle), "message {msg:?} lacks {needle:?}");
    assert_eq!(msg.lines().count(), 1, "one-line message expected: {msg:?}");
    assert_eq!(listing(dir.path()), before, "files were added or removed");
}

#[test]
fn bad_inputs_are_named_with_their_exit_code_and_leave_nothing() {
    assert_rejected(
        |_| vec!["good.png".into(), "missing.png".into()],
        2,
        "missing.png: no such file",
    );
    assert_rejected(
        |d| {
            std::fs::write(d.join("empty.png"), b"").unwrap();
            vec!["good.png".into(), "empty.png".into()]
        },
        2,
        "empty.png: file is empty",
    );
    assert_rejected(
        |d| {
            std::fs::write(d.join("notes.png"), b"shopping list: milk, eggs\n").unwrap();
            vec!["good.png".into(), "notes.png".into()]
        },
        2,
        "notes.png: not a PNG image",
    );
    assert_rejected(
        |d| {
            let full = std::fs::read(d.join("good.png")).unwrap();
            std::fs::write(d.join("cut.png"), &full[..full.len() / 2]).unwrap();
            vec!["good.png".into(), "cut.png".into()]
        },
        2,
        "cut.png: cannot decode PNG image",
    );
    assert_rejected(
        |_| vec!["good.png".into(), "-l".into(), "xyz".into()],
        3,
        "'xyz' is not installed",
    );
    assert_rejected(
        |_| vec!["good.png".into(), "--max-pixels".into(), "1000".into()],
        2,
        "good.png: image is too large",
    );
}

#[test]
fn refuses_to_overwrite_an_input_or_guess_the_output() {
    let dir = tempfile::tempdir().unwrap();
    save_png(&small_page(1, 1), &dir.path().join("a.png"));
    let original = std::fs::read(dir.path().join("a.png")).unwrap();

    let run = ocrpdf(dir.path(), &["a.png", "-o", "./a.png"], None);
    assert_eq!(run.code, 9, "{}", run.stderr);
    assert!(
        run.stderr.contains("would overwrite an input"),
        "{}",
        run.stderr
    );

    // Without -o nothing is guessed: the last argument is not an output.
    let run = ocrpdf(dir.path(), &["a.png", "b.pdf"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--output"), "{}", run.stderr);

    assert_eq!(std::fs::read(dir.path().join("a.png")).unwrap(), original);
    assert_eq!(listing(dir.path()), ["a.png"]);
}

#[test]
fn help_documents_exit_codes_and_blank_pages_work() {
    let dir = tempfile::tempdir().unwrap();
    let run = ocrpdf(dir.path(), &["--help"], None);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("Exit codes:") && run.stdout.contains("130"),
        "{}",
        run.stdout
    );

    // A blank page and an all-black page give valid pages with no text.
    image::GrayImage::from_pixel(1240, 1754, image::Luma([255]))
        .save(dir.path().join("white.png"))
        .unwrap();
    image::GrayImage::from_pixel(1240, 1754, image::Luma([0]))
        .save(dir.path().join("black.png"))
        .unwrap();
    let run = ocrpdf(
        dir.path(),
        &["white.png", "black.png", "-o", "out.pdf"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    assert_eq!(page_count(&pdf), 2);
    assert_qpdf_ok(&pdf);
    assert!(pdftotext(&pdf, 1).trim().is_empty());
    assert!(pdftotext(&pdf, 2).trim().len() < 10);
}

/// Every long option any command's `--help` lists is in the README (which
/// promises every option), so a new flag cannot land undocumented.
#[test]
fn every_option_in_help_is_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut missing = Vec::new();
    for sub in ["", "clean", "watch", "batch", "worker", "separator-sheet"] {
        let args: Vec<&str> = [sub, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let run = ocrpdf(dir.path(), &args, None);
        assert_eq!(run.code, 0, "{sub} --help: {}", run.stderr);
        let options = run
            .stdout
            .split(|c: char| c.is_whitespace() || c == ',' || c == '=');
        let mut seen = 0;
        for o in options {
            let name = o.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            if !name.starts_with("--") || name.len() < 4 || ["--help", "--version"].contains(&name)
            {
                continue;
            }
            seen += 1;
            let documented = readme.match_indices(name).any(|(i, _)| {
                let next = readme[i + name.len()..].chars().next();
                !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            });
            if !documented {
                missing.push(format!(
                    "{} {name}",
                    if sub.is_empty() { "ocrpdf" } else { sub }
                ));
            }
        }
        assert!(seen > 0, "{sub} --help lists no options: {}", run.stdout);
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "options missing from README: {missing:?}"
    );
}

#[test]
fn interrupt_leaves_no_output_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let args = copies(dir.path(), &small_page(7, 12), 12);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ocrpdf"))
        .current_dir(dir.path())
        .args(&args)
        .args(["-j", "1", "-q", "-o", "out.pdf"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(send_signal(child.id(), "-INT"));
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    let left: Vec<String> = listing(dir.path())
        .into_iter()
        .filter(|f| !f.ends_with(".png"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// SIGKILL cannot be caught: what it leaves is up to how the output is
/// created. An unnamed temp file (`O_TMPFILE`) leaves nothing; where the
/// filesystem lacks it, the named temp file of the dead run is removed by
/// the next run writing into that folder. Either way, after the next run
/// only the inputs and its output are there, and the killed run's output
/// never appeared.
#[test]
fn a_killed_run_leaves_no_temp_file_behind_after_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = copies(dir.path(), &small_page(8, 12), 8);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_ocrpdf"))
        .current_dir(dir.path())
        .args(&args)
        .args(["-j", "1", "-q", "-o", "killed.pdf"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(send_signal(child.id(), "-KILL"));
    let mut child = child;
    child.wait().unwrap();
    assert!(!dir.path().join("killed.pdf").exists());
    let run = ocrpdf(dir.path(), &["p00.png", "-o", "next.pdf", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let left: Vec<String> = listing(dir.path())
        .into_iter()
        .filter(|f| !f.ends_with(".png") && f != "next.pdf")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// `n` copies of `page` in `dir` as `p00.png`, `p01.png`, …; their names.
fn copies(dir: &std::path::Path, page: &common::generator::Page, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let name = format!("p{i:02}.png");
            save_png(page, &dir.join(&name));
            name
        })
        .collect()
}
