//! `ocrpdf batch` as real processes: a manifest over three shards run at
//! once, one shard SIGKILLed mid-document and rerun, compared byte for
//! byte with a one-process run; a failing document among good ones; a
//! broken file under an output's name; the README's Slurm script run with
//! the array variables a loop sets, and its Kubernetes Job checked against
//! the Kubernetes schema.

use crate::common;

use common::generator::{Layout, Page, render, save_png};
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// A tiny page (a few words at 150 dpi) so OCR is quick; the seed is
/// spread (Fibonacci hashing) as the generator's first draw barely moves
/// between small seeds, and each document must differ.
fn tiny_page(seed: u64) -> Page {
    render(&Layout {
        seed: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        dpi: 150.0,
        size_in: (5.0, 2.2),
        lines: 1,
        font_pt: 14.0,
    })
}

/// Twelve documents: ten single pages, two folders of two pages, among
/// them two `scan.png` in different folders. Returns the manifest and the
/// page count of each document.
fn twelve_documents(root: &Path) -> (PathBuf, Vec<usize>) {
    let data = root.join("data");
    let mut lines = vec!["# twelve documents".to_string(), String::new()];
    let mut pages = Vec::new();
    for i in 0..12u64 {
        let (line, n) = match i {
            3 | 8 => {
                let dir = data.join(format!("folder{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                // Natural order: page2 before page10.
                save_png(&tiny_page(100 + i), &dir.join("page2.png"));
                save_png(&tiny_page(200 + i), &dir.join("page10.png"));
                (format!("data/folder{i}"), 2)
            }
            5 | 6 => {
                let dir = data.join(format!("box{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                save_png(&tiny_page(i), &dir.join("scan.png"));
                (format!("data/box{i}/scan.png"), 1)
            }
            _ => {
                std::fs::create_dir_all(&data).unwrap();
                save_png(&tiny_page(i), &data.join(format!("p{i}.png")));
                (format!("data/p{i}.png"), 1)
            }
        };
        lines.push(line);
        pages.push(n);
    }
    let manifest = root.join("manifest.txt");
    std::fs::write(&manifest, lines.join("\n") + "\n").unwrap();
    (manifest, pages)
}

/// The batch command for `manifest` into `out`.
fn batch(manifest: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocrpdf"));
    cmd.args(["batch", "--manifest"])
        .arg(manifest)
        .arg("--out")
        .arg(out)
        .args(["-j", "1", "-q"])
        .args(extra)
        .env("XDG_DATA_HOME", out.with_extension("no-xdg"))
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("OCRPDF_SHARDS")
        .stdin(Stdio::null());
    for v in [
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

/// Run to the end: exit code and the JSON lines, each checked against
/// README's schema.
fn run(mut cmd: Command) -> (i32, Vec<Value>, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for v in &lines {
        schema::readme().check_record(v);
    }
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), lines, stderr)
}

fn documents(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|v| v["type"] == "batch_document")
        .collect()
}

/// Bytes, inode and modification time of every file in `dir`.
fn files(dir: &Path) -> BTreeMap<String, (Vec<u8>, u64, SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    listing(dir)
        .into_iter()
        .map(|n| {
            let p = dir.join(&n);
            let m = std::fs::metadata(&p).unwrap();
            (
                n,
                (std::fs::read(&p).unwrap(), m.ino(), m.modified().unwrap()),
            )
        })
        .collect()
}

#[test]
fn three_shards_one_killed_and_rerun_give_the_one_process_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (manifest, pages) = twelve_documents(dir.path());

    // One process, the whole manifest.
    let single = dir.path().join("single");
    let (code, lines, err) = run(batch(&manifest, &single, &[]));
    assert_eq!(code, 0, "{err}");
    let docs = documents(&lines);
    assert_eq!(docs.len(), 12);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "batch_summary");
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(12), Some(0)),
        "{lines:#?}"
    );
    let reference = files(&single);
    assert_eq!(
        reference.len(),
        12,
        "one output each: {:?}",
        reference.keys()
    );
    for (d, n) in docs.iter().zip(&pages) {
        let out = PathBuf::from(d["output"].as_str().unwrap());
        assert_eq!(d["status"], "done");
        assert_eq!(page_count(&out), *n, "{d}");
        assert_eq!(d["page_count"].as_u64(), Some(*n as u64));
        assert_qpdf_ok(&out);
    }
    // A folder is one PDF of its pages in natural order (page2, page10).
    let folder3 = PathBuf::from(docs[3]["output"].as_str().unwrap());
    for (page, seed) in [(1, 103), (2, 203)] {
        let truth = tiny_page(seed).text;
        let got = pdftotext(&folder3, page);
        assert!(
            word_recall(&truth, &got) >= 0.5,
            "page {page}: {got:?} for {truth:?}"
        );
    }
    // The two scan.png (different bytes) have different outputs, both
    // named after the file.
    let scans: Vec<&String> = reference
        .keys()
        .filter(|n| n.starts_with("scan-"))
        .collect();
    assert_eq!(scans.len(), 2, "{:?}", reference.keys());

    // Three shards at once; shard 1 killed once its first output is in,
    // that is during its second document.
    let sharded = dir.path().join("sharded");
    let mut children: Vec<_> = (0..3)
        .map(|i| {
            let mut c = batch(&manifest, &sharded, &["--shard", &format!("{i}/3")]);
            c.stdout(Stdio::null()).stderr(Stdio::null());
            c.spawn().unwrap()
        })
        .collect();
    let shard1: Vec<String> = docs
        .iter()
        .filter(|d| d["index"].as_u64().unwrap() % 3 == 1)
        .map(|d| file_name(d["output"].as_str().unwrap()))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !sharded.join(&shard1[0]).exists() {
        assert!(Instant::now() < deadline, "shard 1 made no output");
        std::thread::sleep(Duration::from_millis(2));
    }
    children[1].kill().unwrap();
    children[1].wait().unwrap();
    for i in [0, 2] {
        assert!(children[i].wait().unwrap().success(), "shard {i}");
    }
    let before = files(&sharded);
    let placed_by_shard1 = shard1.iter().filter(|n| before.contains_key(*n)).count();
    assert!(
        (1..shard1.len()).contains(&placed_by_shard1),
        "killed mid-shard: {placed_by_shard1} of {} placed",
        shard1.len()
    );
    for (name, content) in &before {
        assert_eq!(
            content.0, reference[name].0,
            "{name} as the one-process run"
        );
    }

    // The rerun finishes the shard and leaves finished outputs untouched.
    let (code, lines, err) = run(batch(&manifest, &sharded, &["--shard", "1/3"]));
    assert_eq!(code, 0, "{err}");
    let statuses: Vec<&str> = documents(&lines)
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "skipped").count(),
        placed_by_shard1,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == "skipped" || *s == "done"));
    assert_eq!(lines.last().unwrap()["shard"], "1/3");
    let after = files(&sharded);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>(),
        "exactly the twelve outputs, no temp or stage file left"
    );
    for (name, content) in &after {
        assert_eq!(content.0, reference[name].0, "{name}: bytes as one process");
        assert_qpdf_ok(&sharded.join(name));
        if let Some(old) = before.get(name) {
            assert_eq!((content.1, content.2), (old.1, old.2), "{name} was touched");
        }
    }

    // The whole manifest again: nothing to do.
    let (code, lines, err) = run(batch(&manifest, &sharded, &[]));
    assert_eq!(code, 0, "{err}");
    let summary = lines.last().unwrap();
    assert_eq!(
        (summary["skipped"].as_u64(), summary["done"].as_u64()),
        (Some(12), Some(0))
    );
    assert_eq!(files(&sharded), after);

    // Other options that change the output, other names.
    let (code, lines, err) = run(batch(
        &manifest,
        &sharded,
        &["--shard", "0/12", "--no-deskew"],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&lines)[0]["status"], "done");
    assert_eq!(listing(&sharded).len(), 13);
}

fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn failures_are_reported_per_document_and_set_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    save_png(&tiny_page(7), &dir.path().join("good.png"));
    std::fs::write(
        dir.path().join("corrupt.png"),
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    // A folder with a page that is a symbolic link fails as a whole.
    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    save_png(&tiny_page(8), &linked.join("1.png"));
    std::os::unix::fs::symlink(dir.path().join("good.png"), linked.join("2.png")).unwrap();
    let manifest = dir.path().join("m.txt");
    std::fs::write(
        &manifest,
        "corrupt.png\nmissing.png\nempty\nlinked\ngood.png\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    // Relative to the working directory: every path in the records is
    // absolute all the same.
    let mut cmd = batch(Path::new("m.txt"), Path::new("out"), &[]);
    cmd.current_dir(dir.path());
    let (code, lines, err) = run(cmd);
    assert_eq!(code, 2, "the first failure's code (not an image): {err}");
    let docs = documents(&lines);
    let status: Vec<&str> = docs.iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(status, ["failed", "failed", "failed", "failed", "done"]);
    for d in &docs[..4] {
        assert_eq!(d["exit_code"], 2, "{d}");
        assert!(d["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let why = docs[3]["error"].as_str().unwrap();
    assert!(
        why.contains("2.png") && why.contains("symbolic link"),
        "{why}"
    );
    for d in &docs {
        for key in ["output"] {
            if let Some(p) = d[key].as_str() {
                assert!(Path::new(p).is_absolute(), "{key} of {d}");
            }
        }
    }
    assert_eq!(listing(&out).len(), 1, "only the good document's output");
    // Run again: the good document is skipped, the rest fail again; the
    // output path is absolute in every status (`input` is the manifest's
    // own line, as documented).
    let mut cmd = batch(Path::new("m.txt"), Path::new("out"), &[]);
    cmd.current_dir(dir.path());
    let (_, lines, err) = run(cmd);
    let docs = documents(&lines);
    assert_eq!(docs[4]["status"], "skipped", "{err}");
    for d in &docs {
        if let Some(p) = d["output"].as_str() {
            assert!(Path::new(p).is_absolute(), "output of {d}");
        }
    }
    assert!(docs[4]["output"].as_str().is_some(), "{}", docs[4]);

    // A broken file under the good document's name is reported (exit 4)
    // and left as it is, never replaced.
    let good = listing(&out).remove(0);
    std::fs::write(out.join(&good), b"%PDF-1.7 broken").unwrap();
    std::fs::write(&manifest, "good.png\n").unwrap();
    let (code, lines, _) = run(batch(&manifest, &out, &[]));
    assert_eq!(code, 4);
    assert!(
        documents(&lines)[0]["error"]
            .as_str()
            .unwrap()
            .contains("remove it")
    );
    assert_eq!(std::fs::read(out.join(&good)).unwrap(), b"%PDF-1.7 broken");

    // An engine index without a shard count is refused up front.
    let mut cmd = batch(&manifest, &out, &[]);
    cmd.env("JOB_COMPLETION_INDEX", "0");
    let (code, _, err) = run(cmd);
    assert_eq!(code, 1);
    assert!(err.contains("--shards"), "{err}");
}

/// A fenced block of README.md that follows the line holding `marker`.
fn readme_block(marker: &str) -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("README has {marker}"));
    let rest = &text[at..];
    let start = rest.find("```").unwrap();
    let body = &rest[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_readmes_slurm_script_runs_each_array_task_once() {
    let dir = tempfile::tempdir().unwrap();
    three_documents(dir.path(), 300);
    let script = dir.path().join("ocrpdf.sbatch");
    std::fs::write(&script, readme_block("<!-- slurm-array-script -->")).unwrap();
    let path = path_with_ocrpdf();
    // What Slurm sets for `sbatch --array=1-2` then `--array=3` … here one
    // array 1-3 (MIN 1, COUNT 3): each task gets one document.
    for id in 1..=3 {
        let out = Command::new("bash")
            .arg(&script)
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("SLURM_ARRAY_TASK_ID", id.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_MAX", "3")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_ARRAY_TASK_STEP", "1")
            .env("MANIFEST", "manifest.txt")
            .env("OUT", "pdfs")
            .env("XDG_DATA_HOME", dir.path().join("no-xdg"))
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let docs: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &Value| v["type"] == "batch_document")
            .collect();
        assert_eq!(docs.len(), 1, "task {id}: {stdout}");
        assert_eq!(docs[0]["index"], id - 1);
        assert_eq!(docs[0]["status"], "done");
    }
    let pdfs = listing(&dir.path().join("pdfs"));
    assert_eq!(pdfs.len(), 3, "{pdfs:?}");
    for (i, p) in pdfs.iter().enumerate() {
        assert!(p.starts_with(&format!("s{i}-")), "{p}");
    }
}

#[test]
fn the_readmes_kubernetes_job_passes_the_kubernetes_schema() {
    let validator =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pytools/bin/kubernetes-validate");
    assert!(
        validator.exists(),
        "{} missing: run scripts/deps.sh",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("job.yaml");
    let text = readme_block("<!-- kubernetes-indexed-job -->");
    assert!(text.contains("completionMode: Indexed") && text.contains("backoffLimitPerIndex"));
    std::fs::write(&yaml, &text).unwrap();
    // Kubernetes 1.33, where backoffLimitPerIndex is GA (beta since 1.29).
    let out = Command::new(&validator)
        .args(["--strict", "-k", "1.33.0"])
        .arg(&yaml)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    // The validator does catch a wrong key, so its pass means something.
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        text.replace("backoffLimitPerIndex", "backoffLimitPerIndx"),
    )
    .unwrap();
    let out = Command::new(&validator)
        .args(["--strict", "-k", "1.33.0"])
        .arg(&broken)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a misspelt key must fail");
}

/// Three one-page documents `data/sN.png` and `manifest.txt` in `dir`.
fn three_documents(dir: &Path, seed: u64) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut manifest = String::new();
    for i in 0..3 {
        save_png(&tiny_page(seed + i), &data.join(format!("s{i}.png")));
        manifest.push_str(&format!("data/s{i}.png\n"));
    }
    std::fs::write(dir.join("manifest.txt"), manifest).unwrap();
}

/// `PATH` with the built ocrpdf first.
fn path_with_ocrpdf() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_ocrpdf")).parent().unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

#[test]
fn the_readmes_aws_batch_command_takes_its_array_index() {
    let dir = tempfile::tempdir().unwrap();
    three_documents(dir.path(), 400);
    let def: Value =
        serde_json::from_str(&readme_block("<!-- aws-batch-job-definition -->")).unwrap();
    let params = &def["parameters"];
    let command: Vec<String> = def["containerProperties"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_str().unwrap();
            match a.strip_prefix("Ref::") {
                Some("manifest") => "manifest.txt".to_string(),
                Some("out") => "pdfs".to_string(),
                Some(other) => panic!("parameter {other} not filled in by the test"),
                None => a.to_string(),
            }
        })
        .collect();
    assert!(params["manifest"].is_string() && params["out"].is_string());
    // The array is larger than the manifest: indices past it have nothing.
    for index in 0..4 {
        let out = Command::new(env!("CARGO_BIN_EXE_ocrpdf"))
            .args(&command)
            .current_dir(dir.path())
            .env("AWS_BATCH_JOB_ARRAY_INDEX", index.to_string())
            .env_remove("OCRPDF_SHARDS")
            .env("XDG_DATA_HOME", dir.path().join("no-xdg"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let last: Value = serde_json::from_str(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .last()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(last["shard"], format!("{index}/100"));
        assert_eq!(last["done"], u64::from(index < 3));
    }
    assert_eq!(listing(&dir.path().join("pdfs")).len(), 3);
}

#[test]
fn the_readmes_gnu_parallel_line_converts_every_document_once() {
    let dir = tempfile::tempdir().unwrap();
    three_documents(dir.path(), 500);
    let line = readme_block("<!-- gnu-parallel -->");
    let out = Command::new("bash")
        .args(["-c", line.trim()])
        .current_dir(dir.path())
        .env("PATH", path_with_ocrpdf())
        .env("XDG_DATA_HOME", dir.path().join("no-xdg"))
        .env("HOME", dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let summaries: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v["type"] == "batch_summary")
        .collect();
    assert_eq!(summaries.len(), 8, "one shard per job: {stdout}");
    let done: u64 = summaries.iter().map(|s| s["done"].as_u64().unwrap()).sum();
    assert_eq!(done, 3);
    assert_eq!(listing(&dir.path().join("pdf")).len(), 3);
}

/// `--split-on` in a batch: a folder scanned as one stack with a blank
/// separator gives its numbered parts (`NAME-HASH-001.pdf`, …) together;
/// a rerun converts it again and finds both parts in place, untouched.
#[test]
fn a_split_document_gives_its_parts_and_a_rerun_keeps_them() {
    use common::sheets::{Mark, Scan, sheet};
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack");
    std::fs::create_dir_all(&stack).unwrap();
    save_png(&tiny_page(1), &stack.join("p1.png"));
    let blank = sheet(
        &[Mark::Dust(30)],
        Scan {
            dpi: 100.0,
            ..common::sheets::Scan::office(9)
        },
    );
    save_png(&blank, &stack.join("p2.png"));
    save_png(&tiny_page(2), &stack.join("p3.png"));
    save_png(&tiny_page(3), &stack.join("p4.png"));
    let manifest = dir.path().join("manifest.txt");
    std::fs::write(&manifest, "stack\n").unwrap();
    let out = dir.path().join("out");
    let (code, lines, stderr) = run(batch(&manifest, &out, &["--split-on", "blank"]));
    assert_eq!(code, 0, "{stderr}");
    let names = listing(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].starts_with("stack-") && names[0].ends_with("-001.pdf"),
        "{names:?}"
    );
    assert!(names[1].ends_with("-002.pdf"), "{names:?}");
    assert_eq!(page_count(&out.join(&names[0])), 1);
    assert_eq!(page_count(&out.join(&names[1])), 2);
    assert_eq!(documents(&lines)[0]["status"], "done");
    let before = files(&out);
    let (code, lines, stderr) = run(batch(&manifest, &out, &["--split-on", "blank"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(documents(&lines)[0]["status"], "skipped");
    assert_eq!(files(&out), before);
}

/// A document of batch gets the same bilevel coding as the plain command:
/// its pages' symbols shared through one `/JBIG2Globals` stream.
#[test]
fn a_batch_document_shares_its_symbols_through_globals() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("book");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..2 {
        save_png(&tiny_page(40 + i), &folder.join(format!("p{i}.png")));
    }
    let manifest = dir.path().join("manifest.txt");
    std::fs::write(&manifest, "book\n").unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run(batch(&manifest, &out, &["--bilevel", "jbig2-symbols"]));
    assert_eq!(code, 0, "{stderr}");
    let names = listing(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    let pdf = out.join(&names[0]);
    assert_qpdf_ok(&pdf);
    let images = jbig2_images(&pdf);
    assert_eq!(images.len(), 2);
    shared_globals(&images);
}

/// A PDF with a scanned page and a born-digital page goes through batch
/// as through the plain command: the scan read, the typed page kept as it
/// was, the record counting both fates; a rerun finds it in place (its
/// page count checked against the edited document's, not refused).
#[test]
fn a_pdf_with_a_text_page_is_edited_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::pdfdoc::scan_then_digital(11).write(&dir.path().join("mixed.pdf"));
    let manifest = dir.path().join("m.txt");
    std::fs::write(&manifest, "mixed.pdf\n").unwrap();
    let out = dir.path().join("out");
    let (code, lines, err) = run(batch(&manifest, &out, &[]));
    assert_eq!(code, 0, "{err}");
    let doc = documents(&lines)[0];
    assert_eq!(doc["status"], "done", "{doc}");
    assert_eq!(doc["page_count"], 2);
    assert_eq!(doc["fates"]["ocr"], 1, "{doc}");
    assert_eq!(doc["fates"]["kept"], 1, "{doc}");
    let pdf = out.join(listing(&out).remove(0));
    let typed = pdftotext(&pdf, 2);
    let input_text = pdftotext(&dir.path().join("mixed.pdf"), 2);
    assert_eq!(typed, input_text, "the typed page's text is the input's");
    assert!(pdftotext(&pdf, 1).split_whitespace().count() >= 5);

    let (code, lines, err) = run(batch(&manifest, &out, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&lines)[0]["status"], "skipped");
}

/// `--split-spreads` in a batch (commit 18ced9f): a book spread gives a
/// document of two pages from one input image, and a rerun finds it in
/// place and skips it instead of refusing it for having more pages than
/// its input.
#[test]
fn a_split_spread_document_is_skipped_on_a_rerun() {
    use common::phone::{Book, book_page, book_photo};
    let dir = tempfile::tempdir().unwrap();
    let book = Book {
        depth: 0.0,
        ..Book::default()
    };
    let photo = book_photo(&book_page(6, 3), Some(&book_page(6, 4)), &book);
    std::fs::write(dir.path().join("spread.jpg"), &photo.jpeg).unwrap();
    let manifest = dir.path().join("manifest.txt");
    std::fs::write(&manifest, "spread.jpg\n").unwrap();
    let out = dir.path().join("out");
    let (code, lines, stderr) = run(batch(&manifest, &out, &["--split-spreads"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(documents(&lines)[0]["status"], "done", "{lines:?}");
    let names = listing(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(page_count(&out.join(&names[0])), 2);
    let before = files(&out);
    let (code, lines, stderr) = run(batch(&manifest, &out, &["--split-spreads"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(documents(&lines)[0]["status"], "skipped", "{lines:?}");
    assert_eq!(files(&out), before);
}

/// A small file system of its own (tmpfs) at `at`, unmounted when
/// dropped; `None` where this process may not mount one (not root, or a
/// container without the capability).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A full output disk: the document fails with exit class 5 and a reason
/// naming the document and the folder that is full (not a stage file),
/// no partial PDF is left, and the same batch, once there is room,
/// converts it. Needs a file system of its own to fill: where this
/// process may not mount one, the test says so and checks nothing.
#[test]
fn a_full_disk_names_the_document_and_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let Some(_disk) = SmallDisk::mount(&out, "256k") else {
        eprintln!("not run: this process may not mount a tmpfs (needs root)");
        return;
    };
    save_png(&tiny_page(11), &dir.path().join("scan.png"));
    let manifest = dir.path().join("m.txt");
    std::fs::write(&manifest, "scan.png\n").unwrap();
    // Fill the disk to the last byte.
    let filler = out.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    let (code, lines, err) = run(batch(&manifest, &out, &[]));
    assert_eq!(code, 5, "{err}");
    let docs = documents(&lines);
    assert_eq!(docs[0]["status"], "failed", "{err}");
    let why = docs[0]["error"].as_str().unwrap();
    assert!(
        why.contains(&*dir.path().join("scan.png").to_string_lossy())
            && why.contains(&*out.to_string_lossy())
            && why.contains("the disk is full"),
        "{why}"
    );
    assert!(!why.contains(".ocrpdf-"), "a stage file named: {why}");
    assert_eq!(listing(&out), ["filler"], "nothing left behind");
    // Room again: converted.
    std::fs::remove_file(&filler).unwrap();
    let (code, lines, err) = run(batch(&manifest, &out, &[]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(documents(&lines)[0]["status"], "done");
}
