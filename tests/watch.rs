//! `ocrpdf watch` as a real process on temp folders: files written slowly,
//! in bulk, broken, in folders, killed mid-job, polled; checked by what
//! ends up where (and with pdftotext/pdfinfo/qpdf), never by timing.
//!
//! Synchronisation is by polling the file system and the watcher's JSON
//! lines with generous deadlines, so a loaded CI machine only makes the
//! tests slower. Pauses inside a slow write are shorter than the settle
//! time on purpose; that is the behaviour under test.

use crate::common;

use common::generator::{Layout, Page, cer, render, save_png};
use common::*;
use ocrpdf::report::{Body, Record, Status, WatchReport};
use serde_json::Value;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `ocrpdf watch`, its stdout and stderr collected as they come.
struct Watch {
    child: Option<Child>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(r: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
    let buf = Arc::new(Mutex::new(String::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        let mut r = std::io::BufReader::new(r);
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            b.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    buf
}

impl Watch {
    fn start(dir: &Path, args: &[&str]) -> Watch {
        Watch::start_with(dir, args, Path::new(env!("CARGO_BIN_EXE_ocrpdf")), |_| {})
    }

    /// [`Watch::start`] of the program `exe`, its command changed by `how`
    /// first.
    fn start_with(dir: &Path, args: &[&str], exe: &Path, how: impl FnOnce(&mut Command)) -> Watch {
        let mut cmd = Command::new(exe);
        cmd.current_dir(dir)
            .arg("watch")
            .args(args)
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        how(&mut cmd);
        let mut child = cmd.spawn().expect("ocrpdf runs");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Watch {
            child: Some(child),
            stdout,
            stderr,
        }
    }

    /// Start and wait until the watcher is listening.
    fn started(dir: &Path, args: &[&str]) -> Watch {
        let mut w = Watch::start(dir, args);
        w.wait_for("the watcher to start", |w| w.stderr().contains("watching "));
        w
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The complete JSON lines printed so far, each checked against
    /// README's `watch_document` record.
    fn json(&self) -> Vec<Value> {
        let out = self.stdout.lock().unwrap().clone();
        let schema = common::schema::readme();
        out.split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .map(|l| {
                let v = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
                assert_eq!(schema.check_record(&v), "watch_document", "{l}");
                v
            })
            .collect()
    }

    /// The JSON lines so far as the library's model.
    fn reports(&self) -> Vec<WatchReport> {
        self.json()
            .into_iter()
            .map(
                |v| match serde_json::from_value::<Record>(v).unwrap().body {
                    Body::WatchDocument(r) => r,
                    other => panic!("{other:?}"),
                },
            )
            .collect()
    }

    /// JSON lines of documents done, by input file name.
    fn done_inputs(&self) -> Vec<String> {
        self.json()
            .iter()
            .filter(|v| v["status"] == "done")
            .map(|v| file_name(v["input"].as_str().unwrap()))
            .collect()
    }

    /// Poll `cond` until it holds; fail with the watcher's stderr after
    /// a deadline far beyond any expected duration, or if it exits.
    fn wait_for(&mut self, what: &str, cond: impl Fn(&Watch) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(300);
        while !cond(self) {
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                std::thread::sleep(Duration::from_millis(200));
                if cond(self) {
                    return;
                }
                panic!(
                    "watcher exited ({status}) while waiting for {what}\nstderr:\n{}",
                    self.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}\nstderr:\n{}\nstdout:\n{}",
                self.stderr(),
                self.stdout.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait for the process to exit by itself; its exit code.
    fn exit_code(&mut self) -> i32 {
        let child = self.child.as_mut().unwrap();
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                // Let the readers take the last lines.
                std::thread::sleep(Duration::from_millis(200));
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "watcher did not exit\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ctrl-C, then its exit code.
    fn interrupt(&mut self) -> i32 {
        self.signal("-INT");
        self.exit_code()
    }

    /// SIGKILL: no chance to clean up.
    fn kill(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    fn signal(&self, sig: &str) {
        assert!(send_signal(self.child.as_ref().unwrap().id(), sig));
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// A temp folder with `in/` (existing) and `out/` (made by the watcher).
fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    let out = dir.path().join("out");
    (dir, inbox, out)
}

/// A tiny page (a few words at 150 dpi) so OCR is quick.
fn tiny_page(seed: u64) -> Page {
    render(&Layout {
        seed,
        dpi: 150.0,
        size_in: (5.0, 2.2),
        lines: 1,
        font_pt: 14.0,
    })
}

fn png_bytes(page: &Page) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.png");
    save_png(page, &p);
    std::fs::read(p).unwrap()
}

/// Visible files of a folder (not `.done`, `.ocrpdf`, stage folders).
/// A FIFO at `path` (coreutils' mkfifo).
fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn visible(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    listing(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect()
}

fn assert_text(pdf: &Path, page: usize, truth: &str) {
    let got = pdftotext(pdf, page);
    let rate = cer(truth, &got);
    assert!(
        rate < 0.1,
        "{} page {page}: CER {rate:.2}\ntruth: {truth}\ngot: {got}",
        pdf.display()
    );
}

/// Write `bytes` to `path` in `chunks` pieces with `pause` between them.
fn slow_write(path: &Path, bytes: &[u8], chunks: usize, pause: Duration) {
    let mut f = std::fs::File::create(path).unwrap();
    for (i, c) in bytes.chunks(bytes.len().div_ceil(chunks)).enumerate() {
        if i > 0 {
            std::thread::sleep(pause);
        }
        f.write_all(c).unwrap();
        f.flush().unwrap();
    }
}

#[test]
fn slow_writes_renamed_parts_and_late_content_are_taken_once_complete() {
    let (dir, inbox, out) = folders();
    let (slow, part, late) = (tiny_page(1), tiny_page(2), tiny_page(3));
    let mut w = Watch::started(
        dir.path(),
        &["in", "--out", "out", "--settle", "2", "--json"],
    );
    // Written under a temporary name, complete long before it is renamed.
    std::fs::write(inbox.join("x.png.part"), png_bytes(&part)).unwrap();
    // Created empty; content comes later.
    std::fs::write(inbox.join("late.png"), b"").unwrap();
    // Five chunks, 0.5 s apart: each pause shorter than the settle time.
    let slow_png = png_bytes(&slow);
    slow_write(
        &inbox.join("slow.png"),
        &slow_png,
        5,
        Duration::from_millis(500),
    );

    w.wait_for("slow.png", |w| w.done_inputs().contains(&"slow.png".into()));
    // By now the .part file and the empty file have sat unchanged for
    // longer than the settle time: neither was taken nor failed.
    assert_eq!(visible(&out), ["slow.pdf"]);
    assert_eq!(visible(&inbox), ["late.png", "x.png.part"]);
    assert!(!inbox.join(".failed").exists(), "{}", w.stderr());

    std::fs::rename(inbox.join("x.png.part"), inbox.join("x.png")).unwrap();
    std::fs::write(inbox.join("late.png"), png_bytes(&late)).unwrap();
    w.wait_for("x.png and late.png", |w| w.done_inputs().len() == 3);
    assert_eq!(w.interrupt(), 130);

    let mut done = w.done_inputs();
    done.sort();
    assert_eq!(done, ["late.png", "slow.png", "x.png"], "each exactly once");
    assert_eq!(visible(&out), ["late.pdf", "slow.pdf", "x.pdf"]);
    assert_eq!(
        listing(&out),
        ["late.pdf", "slow.pdf", "x.pdf"],
        "no temp files left"
    );
    assert_eq!(visible(&inbox), Vec::<String>::new());
    assert_eq!(
        listing(&inbox.join(".done")),
        ["late.png", "slow.png", "x.png"]
    );
    assert_eq!(
        std::fs::read(inbox.join(".done/slow.png")).unwrap(),
        slow_png
    );
    assert!(!inbox.join(".failed").exists());
    for (name, page) in [("slow", &slow), ("x", &part), ("late", &late)] {
        let pdf = out.join(format!("{name}.pdf"));
        assert_qpdf_ok(&pdf);
        assert_eq!(page_count(&pdf), 1);
        assert_text(&pdf, 1, &page.text);
    }
}

/// A page of three lines: the first half of its file holds only part of
/// the text.
fn three_line_page(seed: u64) -> Page {
    render(&Layout {
        seed,
        dpi: 150.0,
        size_in: (5.0, 2.6),
        lines: 3,
        font_pt: 14.0,
    })
}

fn jpeg_bytes(page: &Page) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&page.image)
        .unwrap();
    out
}

/// A network scanner or SMB copy that stops half-way for longer than the
/// settle time: the half file looks settled, but its own structure (no
/// JPEG end marker, no PNG IEND) says it is not whole, so it is not taken
/// or failed; once the rest arrives, the PDF holds the whole scan.
#[test]
fn a_writer_pausing_mid_file_longer_than_settle_gets_the_whole_scan_converted() {
    let (dir, inbox, out) = folders();
    let (a, b) = (three_line_page(21), three_line_page(22));
    let files = [("a.jpg", jpeg_bytes(&a)), ("b.png", png_bytes(&b))];
    let mut w = Watch::started(
        dir.path(),
        &["in", "--out", "out", "--settle", "1", "--json"],
    );
    let mut open = Vec::new();
    for (name, bytes) in &files {
        let mut f = std::fs::File::create(inbox.join(name)).unwrap();
        f.write_all(&bytes[..bytes.len() / 2]).unwrap();
        f.flush().unwrap();
        open.push(f);
    }
    w.wait_for("both halves to be found incomplete", |w| {
        let e = w.stderr();
        e.contains("a.jpg: incomplete (JPEG without its end marker")
            && e.contains("b.png: incomplete (PNG without its IEND chunk")
    });
    // Three more settle times of silence: still not taken nor failed.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(visible(&out), Vec::<String>::new(), "{}", w.stderr());
    assert!(!inbox.join(".done").exists() && !inbox.join(".failed").exists());
    assert_eq!(visible(&inbox), ["a.jpg", "b.png"]);
    assert!(w.json().is_empty());

    for ((_, bytes), f) in files.iter().zip(&mut open) {
        f.write_all(&bytes[bytes.len() / 2..]).unwrap();
        f.flush().unwrap();
    }
    drop(open);
    w.wait_for("both documents", |w| w.done_inputs().len() == 2);
    assert_eq!(w.interrupt(), 130);
    for ((name, bytes), page) in files.iter().zip([&a, &b]) {
        assert_eq!(
            &std::fs::read(inbox.join(".done").join(name)).unwrap(),
            bytes
        );
        let stem = name.split('.').next().unwrap();
        let pdf = out.join(format!("{stem}.pdf"));
        assert_eq!(page_count(&pdf), 1);
        assert_text(&pdf, 1, &page.text);
    }
}

/// A cut file that never gets its rest fails after --incomplete-wait,
/// with the reason.
#[test]
fn a_file_left_incomplete_fails_after_the_incomplete_wait_with_its_reason() {
    let (dir, inbox, _out) = folders();
    let png = png_bytes(&tiny_page(23));
    std::fs::write(inbox.join("cut.png"), &png[..png.len() - 20]).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--settle",
            "1",
            "--incomplete-wait",
            "2",
            "--json",
        ],
    );
    w.wait_for("the failure", |w| !w.json().is_empty());
    let r = &w.reports()[0];
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.exit_code, Some(2));
    let why = r.error.as_deref().unwrap();
    assert!(
        why.contains("cut.png") && why.contains("PNG without its IEND chunk"),
        "{why}"
    );
    let note = std::fs::read_to_string(inbox.join(".failed/cut.png.error.txt")).unwrap();
    assert!(
        note.contains("IEND") && note.contains("nothing changed for 2 s"),
        "{note}"
    );
}

#[test]
fn two_hundred_files_dropped_at_once_are_each_converted_once() {
    let (dir, inbox, out) = folders();
    let n = 200;
    let pages: Vec<Page> = (0..n).map(|i| tiny_page(1000 + i)).collect();
    let pngs: Vec<Vec<u8>> = pages.iter().map(png_bytes).collect();
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--settle", "1", "--json", "-q"],
    );
    // -q hides the start line; the journal's lock shows it is up.
    w.wait_for("the watcher to start", |_| {
        inbox.join(".ocrpdf/lock").exists()
    });
    for (i, png) in pngs.iter().enumerate() {
        std::fs::write(inbox.join(format!("p{i:03}.png")), png).unwrap();
    }
    w.wait_for("200 documents", |w| {
        let json = w.json();
        assert!(
            json.iter().all(|v| v["status"] == "done"),
            "a document failed: {json:?}"
        );
        json.len() >= n as usize
    });
    assert_eq!(w.interrupt(), 130);
    assert!(
        w.stderr().trim().lines().all(|l| l.contains("stopped")),
        "-q printed: {}",
        w.stderr()
    );

    let expect = |ext: &str| -> Vec<String> { (0..n).map(|i| format!("p{i:03}.{ext}")).collect() };
    let mut done = w.done_inputs();
    done.sort();
    assert_eq!(done, expect("png"), "each input reported exactly once");
    assert_eq!(
        listing(&out),
        expect("pdf"),
        "one PDF per input, no suffixed twins"
    );
    assert_eq!(listing(&inbox.join(".done")), expect("png"));
    assert_eq!(visible(&inbox), Vec::<String>::new());
    for i in 0..n as usize {
        assert_eq!(page_count(&out.join(format!("p{i:03}.pdf"))), 1);
    }
    // Each PDF holds its own input's text.
    for i in (0..n as usize).step_by(20) {
        assert_text(&out.join(format!("p{i:03}.pdf")), 1, &pages[i].text);
    }
}

#[test]
fn a_corrupt_file_fails_with_its_reason_while_the_others_convert() {
    let (dir, inbox, out) = folders();
    let good = tiny_page(7);
    let png = png_bytes(&good);
    // A real PNG cut in half: its header reads, its pixels do not.
    std::fs::write(inbox.join("a-broken.png"), &png[..png.len() / 2]).unwrap();
    std::fs::write(inbox.join("b-good.png"), &png).unwrap();
    std::fs::write(inbox.join("notes.txt"), "not a scan\n").unwrap();
    std::fs::write(inbox.join("waiting.png"), b"").unwrap();
    let mut w = Watch::start(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--once",
            "--settle",
            "1",
            "--incomplete-wait",
            "1",
            "--json",
        ],
    );
    assert_eq!(w.exit_code(), 2, "first failure's code\n{}", w.stderr());

    let failed = inbox.join(".failed");
    assert_eq!(
        listing(&failed),
        [
            "a-broken.png",
            "a-broken.png.error.txt",
            "notes.txt",
            "notes.txt.error.txt"
        ]
    );
    assert_eq!(
        std::fs::read(failed.join("a-broken.png")).unwrap(),
        &png[..png.len() / 2],
        "the original is kept as it was"
    );
    let why = std::fs::read_to_string(failed.join("a-broken.png.error.txt")).unwrap();
    assert!(
        why.contains("a-broken.png") && why.contains("PNG") && why.contains("exit code: 2"),
        "{why}"
    );
    let why = std::fs::read_to_string(failed.join("notes.txt.error.txt")).unwrap();
    assert!(why.contains("not a supported image"), "{why}");

    assert_eq!(visible(&out), ["b-good.pdf"]);
    assert_text(&out.join("b-good.pdf"), 1, &good.text);
    assert_eq!(listing(&inbox.join(".done")), ["b-good.png"]);
    // An empty file is not failed: it may still be filled.
    assert_eq!(visible(&inbox), ["waiting.png"]);

    let json = w.json();
    let failures: Vec<&Value> = json.iter().filter(|v| v["status"] == "failed").collect();
    assert_eq!(failures.len(), 2, "{json:?}");
    for f in failures {
        assert_eq!(f["exit_code"], 2);
        assert!(
            f["error"]
                .as_str()
                .unwrap()
                .contains(&file_name(f["input"].as_str().unwrap()))
        );
        assert!(f["output"].is_null());
    }
}

#[test]
fn a_folder_of_images_becomes_one_pdf_in_natural_order() {
    let (dir, inbox, out) = folders();
    let batch = inbox.join("batch7");
    std::fs::create_dir(&batch).unwrap();
    let pages = [tiny_page(21), tiny_page(22), tiny_page(23)];
    // Natural order is p1, p2, p10 (plain byte order would put p10 second).
    let names = ["p1.png", "p2.png", "p10.png"];
    std::fs::write(batch.join(names[0]), png_bytes(&pages[0])).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--once", "--settle", "3", "--json"],
    );
    // The scanner is still adding pages, each within the settle time.
    for (name, page) in names.iter().zip(&pages).skip(1) {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(batch.join(name), png_bytes(page)).unwrap();
    }
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());

    assert_eq!(visible(&out), ["batch7.pdf"]);
    let pdf = out.join("batch7.pdf");
    assert_qpdf_ok(&pdf);
    assert_eq!(page_count(&pdf), 3);
    for (i, page) in pages.iter().enumerate() {
        assert_text(&pdf, i + 1, &page.text);
    }
    assert_eq!(
        listing(&inbox.join(".done/batch7")),
        ["p1.png", "p10.png", "p2.png"]
    );
    let json = w.json();
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["page_count"], 3);
    assert_eq!(
        json[0]["output"].as_str().unwrap(),
        out.canonicalize()
            .unwrap()
            .join("batch7.pdf")
            .to_str()
            .unwrap()
    );
}

#[test]
fn killed_mid_job_and_restarted_gives_exactly_one_pdf_per_input() {
    let (dir, inbox, out) = folders();
    let n = 8;
    let originals: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let p = inbox.join(format!("s{i}.png"));
            save_png(&small_page(40 + i, 4), &p);
            std::fs::read(&p).unwrap()
        })
        .collect();
    let args = ["in", "--out", "out", "--settle", "0.3", "-j", "1", "--json"];
    let pdfs = |out: &Path| visible(out).len();
    // Each original is in the inbox or in .done, unchanged, never both.
    let check_originals = |round: usize| {
        for (i, bytes) in originals.iter().enumerate() {
            let name = format!("s{i}.png");
            let here = inbox.join(&name);
            let done = inbox.join(".done").join(&name);
            assert!(
                here.exists() != done.exists(),
                "round {round}: {name} lost or doubled"
            );
            let at = if here.exists() { here } else { done };
            assert_eq!(
                &std::fs::read(at).unwrap(),
                bytes,
                "round {round}: {name} changed"
            );
        }
        for pdf in visible(&out) {
            assert!(
                pdf.ends_with(".pdf") && !pdf.contains('-'),
                "round {round}: {pdf}"
            );
            assert_qpdf_ok(&out.join(pdf));
        }
    };
    for round in 0..3 {
        let before = if out.exists() { pdfs(&out) } else { 0 };
        let mut w = Watch::started(dir.path(), &args);
        // Kill as soon as one more PDF lands: the watcher is then in the
        // middle of finishing it or of converting the next one.
        let deadline = Instant::now() + Duration::from_secs(300);
        while pdfs(&out) <= before {
            assert!(Instant::now() < deadline, "no progress\n{}", w.stderr());
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(30 * round as u64));
        w.kill();
        check_originals(round);
    }
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--settle", "0.3", "--once", "--json"],
    );
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());
    check_originals(99);
    let expect: Vec<String> = (0..n).map(|i| format!("s{i}.pdf")).collect();
    assert_eq!(
        listing(&out),
        expect,
        "one PDF each, no temp or stage files left"
    );
    assert_eq!(visible(&inbox), Vec::<String>::new());
    assert_eq!(
        listing(&inbox.join(".ocrpdf/intents")),
        Vec::<String>::new()
    );
}

#[test]
fn ctrl_c_mid_conversion_leaves_the_original_and_no_output() {
    let (dir, inbox, out) = folders();
    save_png(&render(&Layout::default()), &inbox.join("page.png"));
    let before = std::fs::read(inbox.join("page.png")).unwrap();
    let mut w = Watch::start(dir.path(), &["in", "--out", "out", "--settle", "0.3", "-v"]);
    w.wait_for("the conversion to start", |w| {
        w.stderr().contains("converting ")
    });
    assert_eq!(w.interrupt(), 130);
    assert_eq!(listing(&out), Vec::<String>::new(), "no PDF, no temp file");
    assert_eq!(std::fs::read(inbox.join("page.png")).unwrap(), before);
    assert!(!inbox.join(".done").exists() && !inbox.join(".failed").exists());
    assert!(w.stderr().contains("stopped"), "{}", w.stderr());
}

#[test]
fn output_errors_are_retried_with_backoff_then_failed_with_exit_class_5() {
    let (dir, inbox, out) = folders();
    let mut w = Watch::started(
        dir.path(),
        &["in", "--out", "out", "--settle", "0.3", "--json"],
    );
    // Block the watcher's private folder in the outbox with a file: every
    // write of a PDF fails (tests may run as root, so permissions would not).
    let stage = listing(&out)
        .into_iter()
        .find(|n| n.starts_with(".ocrpdf-work-"))
        .expect("the watcher's stage folder");
    let stage = out.join(stage);
    std::fs::remove_dir(&stage).unwrap();
    std::fs::write(&stage, b"in the way").unwrap();

    // Unblocked after the first retry is announced: converted, not failed.
    let first = tiny_page(81);
    std::fs::write(inbox.join("first.png"), png_bytes(&first)).unwrap();
    w.wait_for("a retry", |w| w.stderr().contains("trying again in 2 s"));
    std::fs::remove_file(&stage).unwrap();
    w.wait_for("first.png", |w| w.done_inputs() == ["first.png"]);
    assert_text(&out.join("first.pdf"), 1, &first.text);
    let retries_before = w.stderr().matches("trying again in").count();

    // Never unblocked: after five tries (2 + 4 + 8 + 16 s apart) it fails.
    std::fs::remove_dir(&stage).unwrap();
    std::fs::write(&stage, b"in the way").unwrap();
    std::fs::write(inbox.join("second.png"), png_bytes(&tiny_page(82))).unwrap();
    w.wait_for("second.png to fail", |w| {
        w.json().iter().any(|v| v["status"] == "failed")
    });
    let why = std::fs::read_to_string(inbox.join(".failed/second.png.error.txt")).unwrap();
    assert!(
        why.contains("exit code: 5") && why.contains("attempts: 5"),
        "{why}"
    );
    assert!(inbox.join(".failed/second.png").exists());
    let retries = w.stderr().matches("trying again in").count() - retries_before;
    assert_eq!(retries, 4, "{}", w.stderr());
    assert_eq!(w.interrupt(), 130);
    assert_eq!(visible(&out), ["first.pdf"]);
}

#[test]
fn polling_mode_finds_new_files_without_events() {
    let (dir, inbox, out) = folders();
    let mut w = Watch::started(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--poll",
            "0.5",
            "--settle",
            "0.5",
            "--json",
            "--delete-originals",
        ],
    );
    assert!(w.stderr().contains("polling every 0.5 s"), "{}", w.stderr());
    let page = tiny_page(31);
    std::fs::write(inbox.join("polled.png"), png_bytes(&page)).unwrap();
    w.wait_for("polled.png", |w| w.done_inputs().len() == 1);
    assert_eq!(w.interrupt(), 130);
    assert_eq!(visible(&out), ["polled.pdf"]);
    assert_text(&out.join("polled.pdf"), 1, &page.text);
    // --delete-originals: gone, not in .done.
    assert_eq!(visible(&inbox), Vec::<String>::new());
    assert!(!inbox.join(".done").exists());
    assert_eq!(w.json()[0]["original"], Value::Null);
}

#[test]
fn overlapping_inbox_and_outbox_are_refused_with_exit_9() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs/scans")).unwrap();
    for (inbox, outbox) in [
        ("in", "in/pdf"),
        ("in", "./in/../in/"),
        ("docs/scans", "docs"),
    ] {
        let mut w = Watch::start(dir.path(), &[inbox, "--out", outbox, "--once"]);
        assert_eq!(w.exit_code(), 9, "{inbox} → {outbox}: {}", w.stderr());
        assert!(w.stderr().contains("inbox"), "{}", w.stderr());
    }
    assert!(
        !dir.path().join("in/pdf").exists(),
        "a refused outbox is not created"
    );
    assert_eq!(listing(&dir.path().join("in")), Vec::<String>::new());
}

#[test]
fn hidden_files_clutter_links_and_fifos_are_left_alone() {
    let (dir, inbox, out) = folders();
    let png = png_bytes(&tiny_page(51));
    for name in [
        ".hidden.png",
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
        "real.png",
    ] {
        std::fs::write(inbox.join(name), &png).unwrap();
    }
    for folder in ["@eaDir", "#recycle", ".Trash-1000"] {
        std::fs::create_dir(inbox.join(folder)).unwrap();
        std::fs::write(inbox.join(folder).join("x.png"), &png).unwrap();
    }
    std::fs::write(dir.path().join("elsewhere.png"), &png).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.png"), inbox.join("link.png")).unwrap();
    mkfifo(&inbox.join("pipe.png"));
    let before = listing(&inbox);

    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--once", "--settle", "0.5"],
    );
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());
    assert_eq!(visible(&out), ["real.pdf"]);
    let mut after = listing(&inbox);
    after.retain(|n| n != ".done" && n != ".ocrpdf");
    let mut expect = before;
    expect.retain(|n| n != "real.png");
    assert_eq!(after, expect, "everything else left in place");
    let err = w.stderr();
    assert_eq!(
        err.matches("link.png: symbolic link skipped").count(),
        1,
        "{err}"
    );
    assert_eq!(
        err.matches("pipe.png: not a regular file").count(),
        1,
        "{err}"
    );
}

/// A document folder holding a page it cannot take (a symbolic link, a
/// FIFO) fails as a whole into `.failed/`, the reason naming that page:
/// never a PDF with the page silently left out. A sound folder beside
/// them is converted.
#[test]
fn a_folder_with_a_linked_or_fifo_page_fails_as_a_whole() {
    let (dir, inbox, out) = folders();
    let png = png_bytes(&tiny_page(52));
    for folder in ["linked", "piped", "sound"] {
        std::fs::create_dir(inbox.join(folder)).unwrap();
        std::fs::write(inbox.join(folder).join("1.png"), &png).unwrap();
    }
    std::fs::write(dir.path().join("elsewhere.png"), &png).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.png"), inbox.join("linked/2.png"))
        .unwrap();
    mkfifo(&inbox.join("piped/2.png"));
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--once", "--settle", "0.5", "--json"],
    );
    w.exit_code();
    assert_eq!(visible(&out), ["sound.pdf"], "{}", w.stderr());
    assert_eq!(
        listing(&inbox.join(".failed")).len(),
        4,
        "both folders and their notes"
    );
    for (folder, what) in [("linked", "symbolic link"), ("piped", "not a regular file")] {
        let r = w
            .reports()
            .into_iter()
            .find(|r| r.input.ends_with(folder))
            .unwrap_or_else(|| panic!("no record of {folder}: {}", w.stderr()));
        assert_eq!(r.status, Status::Failed, "{folder}");
        let why = r.error.as_deref().unwrap();
        assert!(why.contains("2.png") && why.contains(what), "{why}");
        let note =
            std::fs::read_to_string(inbox.join(format!(".failed/{folder}.error.txt"))).unwrap();
        assert!(note.contains("2.png"), "{note}");
    }
    // The folders were given relative to the working directory; every
    // path in the records, done and failed, is absolute all the same.
    let reports = w.reports();
    assert_eq!(reports.len(), 3, "{}", w.stderr());
    for r in &reports {
        let paths = [Some(&r.input), r.output.as_ref(), r.original.as_ref()];
        for p in paths.into_iter().flatten().chain(&r.parts) {
            assert!(Path::new(p).is_absolute(), "{p} in {r:?}");
        }
        assert!(r.original.is_some(), "{r:?}");
    }
    assert!(
        reports
            .iter()
            .any(|r| r.status == Status::Done && r.output.is_some())
    );
}

/// A document folder holding a page the watcher may not read fails as a
/// whole into `.failed/`, the reason naming the page and why. Root reads
/// any file, so when the test runs as root the watcher runs as `nobody`
/// (its own copy of the program, the folders open to it).
#[test]
fn a_folder_with_an_unreadable_page_fails_as_a_whole() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let (dir, inbox, out) = folders();
    let png = png_bytes(&tiny_page(53));
    for folder in ["locked", "sound"] {
        std::fs::create_dir(inbox.join(folder)).unwrap();
        std::fs::write(inbox.join(folder).join("1.png"), &png).unwrap();
    }
    let locked = inbox.join("locked/2.png");
    std::fs::write(&locked, &png).unwrap();
    let mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, PermissionsExt::from_mode(m)).unwrap();
    mode(&locked, 0o000);
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let exe = if root {
        let exe = dir.path().join("ocrpdf");
        std::fs::copy(env!("CARGO_BIN_EXE_ocrpdf"), &exe).unwrap();
        mode(&exe, 0o755);
        for d in [
            dir.path(),
            &inbox,
            &inbox.join("locked"),
            &inbox.join("sound"),
        ] {
            mode(d, 0o777);
        }
        exe
    } else {
        PathBuf::from(env!("CARGO_BIN_EXE_ocrpdf"))
    };
    let args = ["in", "--out", "out", "--once", "--settle", "0.5", "--json"];
    let mut w = Watch::start_with(dir.path(), &args, &exe, |cmd| {
        if root {
            let nobody = 65534;
            cmd.env("HOME", dir.path())
                .env("XDG_DATA_HOME", dir.path().join("xdg"))
                .uid(nobody)
                .gid(nobody);
        }
    });
    w.exit_code();
    assert_eq!(visible(&out), ["sound.pdf"], "{}", w.stderr());
    let r = w
        .reports()
        .into_iter()
        .find(|r| r.input.ends_with("locked"))
        .unwrap_or_else(|| panic!("no record of the folder: {}", w.stderr()));
    assert_eq!(r.status, Status::Failed);
    let why = r.error.as_deref().unwrap();
    assert!(
        why.contains("2.png") && why.contains("permission denied"),
        "{why}"
    );
    assert!(inbox.join(".failed/locked/2.png").exists());
    let note = std::fs::read_to_string(inbox.join(".failed/locked.error.txt")).unwrap();
    assert!(note.contains("2.png"), "{note}");
}

// The main command in scanner scripts.

#[test]
fn json_lines_print_path_and_open_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(61, 3);
    save_png(&page, &dir.path().join("scan.png"));
    let png = std::fs::read(dir.path().join("scan.png")).unwrap();

    // `scanimage --format=png | ocrpdf - -o out.pdf --json`
    let run = ocrpdf(
        dir.path(),
        &["-", "-o", "out.pdf", "--json", "-q"],
        Some(&png),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema = common::schema::readme();
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(schema.check_record(&lines[0]), "page");
    assert_eq!(schema.check_record(&lines[1]), "document");
    let read = |v: &Value| serde_json::from_value::<Record>(v.clone()).unwrap().body;
    let (Body::Page(p), Body::Document(d)) = (read(&lines[0]), read(&lines[1])) else {
        panic!("a page line, then the document's: {}", run.stdout)
    };
    assert_eq!((p.page, p.input.as_str()), (1, "-"));
    assert!(p.words >= 10, "{p:?}");
    assert!(p.confidence > 50.0, "{p:?}");
    assert!(
        p.skew_deg.abs() < 0.5 && p.rotation_deg == 0 && p.bytes > 0,
        "{p:?}"
    );
    let pdf = dir.path().join("out.pdf");
    assert_eq!(d.output, pdf.canonicalize().unwrap().to_str().unwrap());
    assert_eq!(d.page_count, 1);
    assert_eq!(d.bytes, std::fs::metadata(&pdf).unwrap().len());
    assert!(d.seconds.unwrap() > 0.0);
    assert!(d.pages.is_none(), "pages are lines of their own");
    assert!(p.warnings.is_empty() && d.warnings.is_empty());
    assert_text(&pdf, 1, &page.text);

    // `--print-path`: the one line a script captures.
    let run = ocrpdf(
        dir.path(),
        &["scan.png", "-o", "again.pdf", "--print-path"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = dir.path().join("again.pdf").canonicalize().unwrap();
    assert_eq!(run.stdout, format!("{}\n", again.display()));

    // `--open` hands the PDF to xdg-open (here a stand-in that records it);
    // without any xdg-open it warns and still succeeds.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let opener = bin.join("xdg-open");
    let record = dir.path().join("opened.txt");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let open = |path_env: &Path| {
        Command::new(env!("CARGO_BIN_EXE_ocrpdf"))
            .current_dir(dir.path())
            .args(["scan.png", "-o", "opened.pdf", "--open", "-q"])
            .env("PATH", path_env)
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .unwrap()
    };
    let o = open(&bin);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let opened = dir.path().join("opened.pdf").canonicalize().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&record)
        .ok()
        .as_deref()
        .map(str::trim)
        != Some(opened.to_str().unwrap())
    {
        assert!(
            Instant::now() < deadline,
            "xdg-open was not run with {}",
            opened.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = open(&dir.path().join("nowhere"));
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("could not open"));
}

#[test]
fn scanimage_batch_names_work_through_a_shell_glob() {
    // What `scanimage --batch=p%03d.png --format=png` leaves behind.
    let dir = tempfile::tempdir().unwrap();
    let pages = [tiny_page(71), tiny_page(72), tiny_page(73)];
    for (i, p) in pages.iter().enumerate() {
        save_png(p, &dir.path().join(format!("p{:03}.png", i + 1)));
    }
    std::fs::create_dir(dir.path().join("Scans")).unwrap();
    let status = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "'{}' p*.png -o Scans/batch.pdf -q",
            env!("CARGO_BIN_EXE_ocrpdf")
        ))
        .env("OMP_THREAD_LIMIT", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let pdf = dir.path().join("Scans/batch.pdf");
    assert_eq!(page_count(&pdf), 3);
    for (i, p) in pages.iter().enumerate() {
        assert_text(&pdf, i + 1, &p.text);
    }
}

/// A document's warnings reach its `--json` line, with the page they are
/// about, as in the main command's document line.
#[test]
fn a_documents_warnings_are_in_its_json_line() {
    let (dir, inbox, _out) = folders();
    save_png(
        &common::generator::unreadable_text_like_page(),
        &inbox.join("bars.png"),
    );
    std::fs::write(inbox.join("note.png"), png_bytes(&tiny_page(51))).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--once", "--settle", "0.3", "--json"],
    );
    assert_eq!(w.exit_code(), 0, "a warning is no failure: {}", w.stderr());
    let mut reports = w.reports();
    reports.sort_by(|a, b| a.input.cmp(&b.input));
    assert_eq!(reports.len(), 2, "{reports:?}");
    let (bars, note) = (&reports[0], &reports[1]);
    assert!(bars.input.ends_with("bars.png") && note.input.ends_with("note.png"));
    for r in &reports {
        assert_eq!((r.status, r.page_count), (Status::Done, 1), "{r:?}");
        assert!(r.error.is_none() && r.exit_code.is_none() && r.output.is_some());
    }
    assert_eq!(bars.warnings.len(), 1, "{bars:?}");
    let warning = &bars.warnings[0];
    assert_eq!(warning.code, "few_words");
    assert_eq!(warning.page, Some(1));
    assert!(warning.input.as_deref().unwrap().ends_with("bars.png"));
    assert!(note.warnings.is_empty(), "{note:?}");
}

#[test]
fn a_scanned_pdf_dropped_in_becomes_a_searchable_pdf() {
    let (dir, inbox, out) = folders();
    // A scanner that writes PDFs: an image-only PDF made from a page.
    let page = tiny_page(41);
    std::fs::write(dir.path().join("scan.png"), png_bytes(&page)).unwrap();
    let run = common::ocrpdf(
        dir.path(),
        &["scan.png", "-o", "scanner.pdf", "--bilevel", "g4", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::copy(dir.path().join("scanner.pdf"), inbox.join("scan.pdf")).unwrap();
    let mut w = Watch::started(
        dir.path(),
        &["in", "--out", "out", "--settle", "0.5", "--json", "--once"],
    );
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());
    assert_eq!(visible(&out), ["scan.pdf"]);
    assert_text(&out.join("scan.pdf"), 1, &page.text);
    assert_eq!(w.json()[0]["page_count"], 1);
    assert!(inbox.join(".done/scan.pdf").exists());
}

/// A phone photo dropped in (issue 25, point 7) comes out as its page,
/// found, flattened and cropped to A4, as `ocrpdf` makes it; the watch's
/// JSON line carries the page's resolution warning.
#[test]
fn a_phone_photo_dropped_in_becomes_its_flat_page() {
    use common::phone::{page_for, photograph, shot};
    let (dir, inbox, out) = folders();
    let shot = shot("wood-tilted");
    let page = page_for(shot.paper, 6, 52);
    std::fs::write(inbox.join("photo.jpg"), photograph(&page, &shot).jpeg).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &["in", "--out", "out", "--once", "--settle", "0.3", "--json"],
    );
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());
    assert_eq!(visible(&out), ["photo.pdf"]);
    assert_a4_page(&out.join("photo.pdf"));
    let reports = w.reports();
    assert!(
        reports[0]
            .warnings
            .iter()
            .any(|w| w.code == "estimated_dpi" && w.message.contains("page found in the photo")),
        "{reports:?}"
    );
    assert_text(&out.join("photo.pdf"), 1, &page.text);
}

/// With --accept-truncated, a JPEG that stays cut short is converted once
/// the incomplete wait is over, with its truncated_input warning.
#[test]
fn accept_truncated_converts_a_cut_jpeg_after_the_incomplete_wait() {
    let (dir, inbox, out) = folders();
    let page = three_line_page(24);
    let jpeg = jpeg_bytes(&page);
    std::fs::write(inbox.join("cut.jpg"), &jpeg[..jpeg.len() * 3 / 4]).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--settle",
            "1",
            "--incomplete-wait",
            "2",
            "--accept-truncated",
            "--json",
        ],
    );
    w.wait_for("the document", |w| !w.json().is_empty());
    let r = &w.reports()[0];
    assert_eq!(r.status, Status::Done, "{r:?}");
    assert_eq!(r.warnings[0].code, "truncated_input", "{r:?}");
    assert!(
        w.stderr()
            .contains("cut.jpg: incomplete (JPEG without its end marker")
    );
    assert_eq!(page_count(&out.join("cut.pdf")), 1);
}

/// `--split-on` applies to the inbox: a folder scanned as one stack with
/// a blank separator sheet gives its numbered parts, all placed before
/// the original is moved, and its JSON line lists every part.
#[test]
fn a_split_stack_gives_all_its_parts_then_the_original_moves() {
    use common::sheets::{Mark, Scan, sheet};
    let (dir, inbox, out) = folders();
    let stack = inbox.join("stack");
    std::fs::create_dir(&stack).unwrap();
    let pages = [tiny_page(31), tiny_page(32), tiny_page(33)];
    let blank = sheet(
        &[Mark::Dust(40)],
        Scan {
            dpi: 150.0,
            ..Scan::office(3)
        },
    );
    std::fs::write(stack.join("p1.png"), png_bytes(&pages[0])).unwrap();
    std::fs::write(stack.join("p2.png"), png_bytes(&blank)).unwrap();
    std::fs::write(stack.join("p3.png"), png_bytes(&pages[1])).unwrap();
    std::fs::write(stack.join("p4.png"), png_bytes(&pages[2])).unwrap();
    let mut w = Watch::start(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--once",
            "--settle",
            "0.5",
            "--json",
            "--split-on",
            "blank",
        ],
    );
    assert_eq!(w.exit_code(), 0, "{}", w.stderr());
    assert_eq!(visible(&out), ["stack-001.pdf", "stack-002.pdf"]);
    assert_eq!(page_count(&out.join("stack-001.pdf")), 1);
    assert_text(&out.join("stack-001.pdf"), 1, &pages[0].text);
    assert_eq!(page_count(&out.join("stack-002.pdf")), 2);
    assert_text(&out.join("stack-002.pdf"), 2, &pages[2].text);
    assert_eq!(listing(&inbox.join(".done/stack")).len(), 4);
    let json = w.json();
    assert_eq!(json.len(), 1);
    let parts: Vec<String> = json[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| file_name(p.as_str().unwrap()))
        .collect();
    assert_eq!(parts, ["stack-001.pdf", "stack-002.pdf"]);
    assert_eq!(json[0]["page_count"], 3);
}

/// Sheets of a two-pass duplex scan: `n` sheets, both sides printed; the
/// fronts as one multi-page TIFF, the backs as the turned-over stack
/// feeds them (last sheet first). Returns the sides' texts in sheet order.
fn duplex_stack(fronts: &Path, backs: &Path, n: usize, seed: u64) -> Vec<String> {
    let sides: Vec<Page> = (0..2 * n).map(|k| tiny_page(seed + k as u64)).collect();
    let gray = |p: &Page| image::DynamicImage::ImageRgb8(p.image.clone()).to_luma8();
    let f: Vec<_> = sides.iter().step_by(2).map(gray).collect();
    let b: Vec<_> = sides.iter().skip(1).step_by(2).rev().map(gray).collect();
    write_tiff_pages(fronts, &f, 150);
    // Written after the fronts: the pairing goes by modification time.
    std::thread::sleep(Duration::from_millis(20));
    write_tiff_pages(backs, &b, 150);
    sides.into_iter().map(|p| p.text).collect()
}

fn warning_codes(r: &WatchReport) -> Vec<&str> {
    r.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// `--once` over a duplex inbox holding a pair, two files whose page
/// counts differ, a pair whose backs are broken, and a last lone file: the
/// pair becomes one PDF in sheet order with both originals in `.done`;
/// the broken pair goes to `.failed` together; the others are each
/// converted alone, saying why.
#[test]
fn a_duplex_inbox_pairs_fronts_and_backs_into_one_pdf() {
    let (dir, _inbox, out) = folders();
    let duplex = dir.path().join("duplex");
    std::fs::create_dir(&duplex).unwrap();
    let truth = duplex_stack(
        &duplex.join("a-fronts.tif"),
        &duplex.join("b-backs.tif"),
        2,
        60,
    );
    std::thread::sleep(Duration::from_millis(20));
    // Two fronts but one back: not a pair (a sheet was double-fed).
    let odd = duplex_stack(&duplex.join("c.tif"), &duplex.join("d.tif"), 2, 70);
    let one_back = tiny_page(79);
    write_tiff_pages(
        &duplex.join("d.tif"),
        &[image::DynamicImage::ImageRgb8(one_back.image.clone()).to_luma8()],
        150,
    );
    std::thread::sleep(Duration::from_millis(20));
    // A pair whose backs do not decode: both fail together.
    std::fs::write(duplex.join("f.png"), png_bytes(&tiny_page(81))).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(duplex.join("g.png"), b"not an image at all").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(duplex.join("e.png"), png_bytes(&tiny_page(80))).unwrap();

    let mut w = Watch::start(
        dir.path(),
        &[
            "in",
            "--out",
            "out",
            "--once",
            "--settle",
            "0.5",
            "--json",
            "--duplex-inbox",
            "duplex",
        ],
    );
    assert_eq!(w.exit_code(), 2, "{}", w.stderr());
    assert_eq!(visible(&out), ["a-fronts.pdf", "c.pdf", "d.pdf", "e.pdf"]);
    let pair = out.join("a-fronts.pdf");
    assert_eq!(page_count(&pair), 4);
    for (k, t) in truth.iter().enumerate() {
        assert_text(&pair, k + 1, t);
    }
    assert_text(&out.join("c.pdf"), 2, &odd[2]);
    assert_text(&out.join("d.pdf"), 1, &one_back.text);
    assert_eq!(
        listing(&duplex.join(".done")),
        ["a-fronts.tif", "b-backs.tif", "c.tif", "d.tif", "e.png"]
    );
    assert_eq!(
        listing(&duplex.join(".failed")),
        ["f.png", "f.png.error.txt", "g.png", "g.png.error.txt"]
    );
    let why = std::fs::read_to_string(duplex.join(".failed/f.png.error.txt")).unwrap();
    assert!(
        why.contains("g.png"),
        "the reason names the bad file: {why}"
    );
    assert!(visible(&duplex).is_empty());

    let reports = w.reports();
    assert_eq!(reports.len(), 6, "{reports:?}");
    for n in ["f.png", "g.png"] {
        let r = reports.iter().find(|r| file_name(&r.input) == n).unwrap();
        assert_eq!((r.status, r.exit_code), (Status::Failed, Some(2)), "{r:?}");
    }
    let by = |name: &str| {
        reports
            .iter()
            .find(|r| file_name(&r.input) == name)
            .unwrap_or_else(|| panic!("no line for {name}: {reports:?}"))
    };
    let p = by("a-fronts.tif");
    assert_eq!(
        p.backs.as_deref().map(file_name),
        Some("b-backs.tif".into())
    );
    assert!(
        p.backs_original
            .as_deref()
            .unwrap()
            .ends_with(".done/b-backs.tif")
    );
    assert_eq!(p.page_count, 4);
    assert!(
        !warning_codes(p).iter().any(|c| c.starts_with("duplex")),
        "{p:?}"
    );
    for n in ["c.tif", "d.tif"] {
        assert!(
            warning_codes(by(n)).contains(&"duplex_mismatch"),
            "{:?}",
            by(n)
        );
        assert!(by(n).backs.is_none());
    }
    assert!(warning_codes(by("e.png")).contains(&"duplex_unpaired"));
    assert!(
        w.stderr().contains("are not a duplex pair"),
        "{}",
        w.stderr()
    );
}

/// Fronts dropped, the watcher killed and restarted, then the backs:
/// still one PDF of both, and nothing moved or written before it. A lone
/// file after that goes alone once its wait is over.
#[test]
fn killed_between_the_fronts_and_the_backs_still_pairs_them() {
    let (dir, _inbox, out) = folders();
    let duplex = dir.path().join("duplex");
    std::fs::create_dir(&duplex).unwrap();
    let staging = tempfile::tempdir().unwrap();
    let truth = duplex_stack(
        &staging.path().join("fronts.tif"),
        &staging.path().join("backs.tif"),
        2,
        90,
    );
    let args = [
        "in",
        "--out",
        "out",
        "--settle",
        "0.5",
        "--json",
        "-v",
        "--duplex-inbox",
        "duplex",
        "--duplex-wait",
        "12",
    ];
    let mut w = Watch::started(dir.path(), &args);
    std::fs::rename(staging.path().join("fronts.tif"), duplex.join("fronts.tif")).unwrap();
    w.wait_for("the fronts to wait for their backs", |w| {
        w.stderr().contains("waiting up to")
    });
    w.kill();
    assert!(visible(&out).is_empty(), "{:?}", visible(&out));
    assert_eq!(visible(&duplex), ["fronts.tif"]);

    let mut w = Watch::started(dir.path(), &args);
    // Fresh mtime: the backs come now, within the wait of the fronts.
    let backs = std::fs::read(staging.path().join("backs.tif")).unwrap();
    std::fs::write(duplex.join("backs.tif"), backs).unwrap();
    w.wait_for("the pair's PDF", |w| !w.done_inputs().is_empty());
    assert_eq!(visible(&out), ["fronts.pdf"]);
    assert_eq!(page_count(&out.join("fronts.pdf")), 4);
    for (k, t) in truth.iter().enumerate() {
        assert_text(&out.join("fronts.pdf"), k + 1, t);
    }
    assert_eq!(listing(&duplex.join(".done")), ["backs.tif", "fronts.tif"]);

    std::fs::write(duplex.join("lone.png"), png_bytes(&tiny_page(99))).unwrap();
    w.wait_for("the lone file", |w| w.done_inputs().len() == 2);
    assert!(warning_codes(&w.reports()[1]).contains(&"duplex_unpaired"));
    assert!(
        w.stderr().contains("no backs came within 12 s"),
        "{}",
        w.stderr()
    );
    assert_eq!(visible(&out), ["fronts.pdf", "lone.pdf"]);
    assert_eq!(w.interrupt(), 130);
}
