//! Which Tesseract model folder is used: `--tessdata` over
//! `TESSDATA_PREFIX` over ocrpdf's own folder over Debian's, for `ocrpdf`,
//! `ocrpdf clean` and `ocrpdf watch`; a language missing from the chosen folder is
//! an exit-3 error naming that folder.
//!
//! The folders are temp folders holding copies of Debian's models
//! (tesseract-ocr-eng, tesseract-ocr-osd): which one was used shows in
//! `-v`'s "OCR models" line, and a folder missing a model shows in the
//! error. Every run is given an empty `XDG_DATA_HOME` and no
//! `TESSDATA_PREFIX` unless it sets one, so a developer's own models do not
//! leak in.

use crate::common;

use common::generator::{cer, save_png};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEBIAN: &str = "/usr/share/tesseract-ocr/5/tessdata";

/// A folder `name` under `root` with copies of Debian's `models`.
fn model_folder(root: &Path, name: &str, models: &[&str]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for m in models {
        let from = Path::new(DEBIAN).join(format!("{m}.traineddata"));
        std::fs::copy(&from, dir.join(format!("{m}.traineddata")))
            .unwrap_or_else(|e| panic!("{}: {e} (tesseract-ocr-{m})", from.display()));
    }
    dir
}

/// A temp folder with `page.png` (three lines of known text) and its truth.
fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(7, 3);
    save_png(&page, &dir.path().join("page.png"));
    std::fs::create_dir(dir.path().join("xdg")).unwrap();
    (dir, page.text)
}

/// Run `ocrpdf args` in `dir` with no `TESSDATA_PREFIX` (or `prefix`) and
/// an empty `XDG_DATA_HOME` (or `xdg`).
fn run(dir: &Path, args: &[&str], prefix: Option<&Path>, xdg: Option<&Path>) -> Run {
    let xdg = xdg.map_or(dir.join("xdg"), Path::to_path_buf);
    ocrpdf_with(dir, args, None, |cmd: &mut Command| {
        cmd.env_remove("TESSDATA_PREFIX").env("XDG_DATA_HOME", &xdg);
        if let Some(p) = prefix {
            cmd.env("TESSDATA_PREFIX", p);
        }
    })
}

/// The folder `-v` says the OCR models came from.
fn models_line(r: &Run) -> &str {
    r.stderr
        .lines()
        .find(|l| l.starts_with("OCR models: "))
        .unwrap_or_else(|| panic!("no 'OCR models' line in:\n{}", r.stderr))
}

#[test]
fn tessdata_folder_is_used_and_beats_tessdata_prefix() {
    let (dir, truth) = setup();
    let chosen = model_folder(dir.path(), "chosen", &["eng", "osd"]);
    let chosen_s = chosen.to_str().unwrap();
    // A prefix with no models at all: used alone it fails...
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = run(dir.path(), &["page.png", "-o", "a.pdf"], Some(&empty), None);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&empty.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("a.pdf").exists());

    // ...and --tessdata wins over it: the page is read with the chosen models.
    let r = run(
        dir.path(),
        &["-v", "--tessdata", chosen_s, "page.png", "-o", "b.pdf"],
        Some(&empty),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), format!("OCR models: eng from {chosen_s}"));
    let got = pdftotext(&dir.path().join("b.pdf"), 1);
    let e = cer(&truth, &got);
    assert!(e < 0.02, "CER {e:.3} with the chosen folder: {got:?}");

    // TESSDATA_PREFIX itself still works, and beats the system's folders.
    let r = run(
        dir.path(),
        &["-v", "page.png", "-o", "c.pdf"],
        Some(&chosen),
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), format!("OCR models: eng from {chosen_s}"));

    // Neither: Debian's folder.
    let r = run(dir.path(), &["-v", "page.png", "-o", "d.pdf"], None, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), format!("OCR models: eng from {DEBIAN}"));
}

#[test]
fn ocrpdf_own_folder_comes_after_the_chosen_ones_and_before_debian() {
    // README "Better models": a model in ocrpdf's own folder (below
    // XDG_DATA_HOME, where scripts/get-model.sh puts it) is the default...
    let (dir, _) = setup();
    let xdg = dir.path().join("home-data");
    let own = model_folder(&xdg.join("ocrpdf"), "tessdata", &["eng", "osd"]);
    let own_line = format!("OCR models: eng from {}", own.display());
    let r = run(
        dir.path(),
        &["-v", "page.png", "-o", "a.pdf"],
        None,
        Some(&xdg),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), own_line);
    // ...for the languages it has: eng+deu needs one folder with both.
    let r = run(
        dir.path(),
        &["-v", "-l", "eng+deu", "page.png", "-o", "b.pdf"],
        None,
        Some(&xdg),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        models_line(&r),
        format!("OCR models: eng+deu from {DEBIAN}")
    );
    // TESSDATA_PREFIX and --tessdata both beat it.
    let chosen = model_folder(dir.path(), "chosen", &["eng", "osd"]);
    let chosen_line = format!("OCR models: eng from {}", chosen.display());
    let r = run(
        dir.path(),
        &["-v", "page.png", "-o", "c.pdf"],
        Some(&chosen),
        Some(&xdg),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), chosen_line);
    let r = run(
        dir.path(),
        &[
            "-v",
            "--tessdata",
            chosen.to_str().unwrap(),
            "page.png",
            "-o",
            "d.pdf",
        ],
        None,
        Some(&xdg),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(models_line(&r), chosen_line);
}

#[test]
fn a_language_missing_from_the_chosen_folder_is_exit_3_naming_it() {
    let (dir, _) = setup();
    let chosen = model_folder(dir.path(), "chosen", &["eng", "osd"]);
    let chosen_s = chosen.to_str().unwrap();
    // deu is installed system-wide (tesseract-ocr-deu) but not in the
    // chosen folder: no silent fallback to another model.
    for (args, what) in [
        (vec!["-l", "deu", "page.png", "-o", "out.pdf"], "ocrpdf"),
        (vec!["-l", "eng+deu", "page.png", "-o", "out.pdf"], "ocrpdf"),
    ] {
        let mut all = vec!["--tessdata", chosen_s];
        all.extend(args);
        let r = run(dir.path(), &all, None, None);
        assert_eq!(r.code, 3, "{what} {all:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("'deu'") && r.stderr.contains(chosen_s),
            "{what} {all:?}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
        assert!(!dir.path().join("out.pdf").exists());
    }
    // A folder that does not exist is the same error, not a crash.
    let r = run(
        dir.path(),
        &["--tessdata", "no-such-folder", "page.png", "-o", "out.pdf"],
        None,
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("no-such-folder"), "{}", r.stderr);

    // ocrpdf watch checks the folder before it starts watching.
    std::fs::create_dir(dir.path().join("in")).unwrap();
    let r = run(
        dir.path(),
        &[
            "watch",
            "in",
            "--out",
            "out",
            "--once",
            "--tessdata",
            chosen_s,
            "-l",
            "deu",
        ],
        None,
        None,
    );
    assert_eq!(r.code, 3, "watch: {}", r.stderr);
    assert!(
        r.stderr.contains("'deu'") && r.stderr.contains(chosen_s),
        "watch: {}",
        r.stderr
    );
}

#[test]
fn orientation_model_comes_from_the_chosen_folder_too() {
    let (dir, _) = setup();
    let no_osd = model_folder(dir.path(), "eng-only", &["eng"]);
    let no_osd_s = no_osd.to_str().unwrap();
    let with_osd = model_folder(dir.path(), "with-osd", &["osd"]);
    // Rotation needs osd.traineddata in the chosen folder: exit 9 (as for
    // a missing tesseract-ocr-osd), naming the folder, for both commands.
    for args in [
        vec!["--tessdata", no_osd_s, "page.png", "-o", "out.pdf"],
        vec!["clean", "--tessdata", no_osd_s, "page.png", "-o", "out.png"],
    ] {
        let r = run(dir.path(), &args, None, None);
        assert_eq!(r.code, 9, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("osd.traineddata") && r.stderr.contains(no_osd_s),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!dir.path().join("out.pdf").exists());
    assert!(!dir.path().join("out.png").exists());
    // Without rotation the OCR model alone is enough.
    let r = run(
        dir.path(),
        &[
            "--tessdata",
            no_osd_s,
            "--no-rotate",
            "page.png",
            "-o",
            "out.pdf",
        ],
        None,
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `ocrpdf clean` only needs the orientation model.
    let r = run(
        dir.path(),
        &[
            "clean",
            "--tessdata",
            with_osd.to_str().unwrap(),
            "page.png",
            "-o",
            "out.png",
        ],
        None,
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("out.png").is_file());
}
