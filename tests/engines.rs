//! The pipeline above OCR with a fake engine (`ocrpdf::ocr::Engines`):
//! page order, engine faults, panics and an engine that ignores its time
//! limit, without Tesseract reading a word.
//! That OCR itself works is proved with the real engine elsewhere
//! (tests/page_kinds.rs, tests/end_to_end.rs); here the fake's words only
//! label the pages, so the order and the errors can be checked exactly.

use crate::common;

use common::{generator, listing, ocrpdf, page_count, pdftotext, small_page};
use image::{GrayImage, Luma};
use ocrpdf::ocr::{
    Engine, Engines, Line, OcrImage, OcrOptions, OcrPage, Orientation, OrientationDetector, Rect,
    Word,
};
use ocrpdf::watch::{Events, Outcome, WatchConfig, watch_with};
use ocrpdf::{Error, ErrorKind, Job, Options, Silent, Workers, convert_with, input::Input};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// A page that is white paper with one black bar: `width` tells pages
/// apart (the fake reads it back).
fn write_page(dir: &Path, name: &str, width: u32) -> PathBuf {
    let mut img = GrayImage::from_pixel(width, 400, Luma([255]));
    for y in 180..200 {
        for x in 40..width - 40 {
            img.put_pixel(x, y, Luma([0]));
        }
    }
    let path = dir.join(name);
    img.save(&path).unwrap();
    path
}

/// What the fake does when it meets a page of this width.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    Fail(u32),
    Panic(u32),
    /// Blocks in `recognize`, deaf to any deadline, until the gate opens.
    Hang(u32),
    None,
}

/// Where a hanging fake waits; the test opens it once it has seen the
/// conversion return without it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
    /// Engine calls blocked in it now, and those that came back out.
    waiting: AtomicUsize,
    returned: AtomicUsize,
}

impl Gate {
    fn wait(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        self.returned.fetch_add(1, Ordering::SeqCst);
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

/// One word per page, `w<width>`, over the bar; faults on request.
struct FakeEngine {
    fault: Fault,
    delay_ms: u64,
    gate: Arc<Gate>,
}

impl Engine for FakeEngine {
    fn recognize(&mut self, image: &OcrImage) -> Result<OcrPage, String> {
        // Back to the stored page's width (the pipeline may enlarge).
        let width = (image.gray.width() as f32 / image.scale).round() as u32;
        std::thread::sleep(std::time::Duration::from_millis(
            self.delay_ms * u64::from(width % 3),
        ));
        match self.fault {
            Fault::Fail(w) if w == width => return Err("the fake engine gave up".into()),
            Fault::Panic(w) if w == width => panic!("the fake engine broke"),
            Fault::Hang(w) if w == width => self.gate.wait(),
            _ => {}
        }
        let s = image.scale;
        let px = |v: f32| (v * s).round() as u32;
        let bbox = Rect {
            x0: px(40.0),
            y0: px(170.0),
            x1: px(width as f32 - 40.0),
            y1: px(205.0),
        };
        Ok(OcrPage {
            lines: vec![Line {
                bbox,
                baseline: (
                    (bbox.x0 as f32, px(200.0) as f32),
                    (bbox.x1 as f32, px(200.0) as f32),
                ),
                words: vec![Word {
                    text: format!("w{width}"),
                    bbox,
                    confidence: 95.0,
                }],
                paragraph: None,
            }],
            ..OcrPage::default()
        })
    }
}

impl OrientationDetector for FakeEngine {
    fn detect_orientation(
        &mut self,
        _image: &GrayImage,
        _dpi: ocrpdf::input::Dpi,
    ) -> Result<Orientation, String> {
        Ok(Orientation {
            degrees: 0,
            confidence: 0.0,
        })
    }
}

/// Fake engines, counting the threads that asked for one.
struct Fakes {
    fault: Fault,
    delay_ms: u64,
    threads: Mutex<Vec<ThreadId>>,
    calls: AtomicUsize,
    gate: Arc<Gate>,
}

impl Fakes {
    fn new(fault: Fault) -> Arc<Self> {
        Arc::new(Fakes {
            fault,
            delay_ms: 5,
            threads: Mutex::new(Vec::new()),
            calls: AtomicUsize::new(0),
            gate: Arc::default(),
        })
    }
}

impl Engines for Fakes {
    fn with_ocr(
        &self,
        _opts: &OcrOptions,
        f: &mut dyn FnMut(&mut dyn Engine),
    ) -> ocrpdf::Result<()> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let id = std::thread::current().id();
        let mut threads = self.threads.lock().unwrap();
        if !threads.contains(&id) {
            threads.push(id);
        }
        drop(threads);
        f(&mut FakeEngine {
            fault: self.fault,
            delay_ms: self.delay_ms,
            gate: Arc::clone(&self.gate),
        });
        Ok(())
    }

    fn with_osd(
        &self,
        _tessdata: Option<&Path>,
        f: &mut dyn FnMut(&mut dyn OrientationDetector),
    ) -> ocrpdf::Result<()> {
        f(&mut FakeEngine {
            fault: Fault::None,
            delay_ms: 0,
            gate: Arc::clone(&self.gate),
        });
        Ok(())
    }
}

/// Pages `widths` as `p00.png`, `p01.png`, … and a job writing `out.pdf`.
fn job(dir: &Path, widths: &[u32]) -> Job {
    let inputs = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| Input::Path(write_page(dir, &format!("p{i:02}.png"), w)))
        .collect();
    Job::new(inputs, dir.join("out.pdf"))
}

fn options() -> Options {
    let mut opts = Options::default();
    opts.page.rotate = false;
    opts
}

/// `job` on `workers` threads with `fakes`, cancelled when `cancel` is.
fn run(
    workers: usize,
    fakes: &Arc<Fakes>,
    job: &Job,
    cancel: &AtomicBool,
) -> ocrpdf::Result<ocrpdf::Summary> {
    let workers = Workers::new(Some(workers)).unwrap();
    convert_with(&workers, fakes.clone(), job, &options(), &Silent, cancel)
}

fn widths(n: u32) -> Vec<u32> {
    (0..n).map(|i| 300 + 7 * i).collect()
}

#[test]
fn pages_are_written_in_input_order_whatever_order_they_finish_in() {
    let dir = tempfile::tempdir().unwrap();
    let ws = widths(12);
    let job = job(dir.path(), &ws);
    let fakes = Fakes::new(Fault::None);
    let summary = run(3, &fakes, &job, &AtomicBool::new(false)).expect("the run succeeds");
    let pdf = dir.path().join("out.pdf");
    assert_eq!(page_count(&pdf), ws.len());
    for (i, w) in ws.iter().enumerate() {
        assert_eq!(
            pdftotext(&pdf, i + 1).trim(),
            format!("w{w}"),
            "page {}",
            i + 1
        );
        assert_eq!(summary.pages[i].words, 1);
    }
    assert_eq!(fakes.calls.load(Ordering::SeqCst), ws.len());
    let threads = fakes.threads.lock().unwrap().len();
    assert!(
        threads <= 3,
        "engines asked for on {threads} threads, pool has 3"
    );
}

/// `err` is an OCR failure (exit 7) of the page read from `page`, its
/// reason saying each of `says`.
fn assert_ocr_error(err: &Error, page: &str, says: &[&str]) {
    match err {
        Error::Ocr { path, reason } => {
            assert!(path.to_string_lossy().contains(page), "{err}");
            for s in says {
                assert!(reason.contains(s), "{err}");
            }
        }
        other => panic!("expected an OCR error, got {other}"),
    }
    assert_eq!(err.kind().exit_code(), 7);
}

/// Only the PDF and its inputs are in the folder: no temp file left.
fn assert_nothing_left(dir: &Path, pages: usize) {
    let names = listing(dir);
    assert_eq!(names.len(), pages, "left behind: {names:?}");
    assert!(names.iter().all(|n| n.ends_with(".png")), "{names:?}");
}

#[test]
fn an_engine_failure_names_the_page_and_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let ws = widths(8);
    let job = job(dir.path(), &ws);
    let fakes = Fakes::new(Fault::Fail(ws[5]));
    let err = run(2, &fakes, &job, &AtomicBool::new(false)).unwrap_err();
    assert_ocr_error(&err, "p05.png", &["gave up"]);
    assert_nothing_left(dir.path(), ws.len());
}

#[test]
fn an_engine_panic_is_an_internal_error_naming_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let ws = widths(6);
    let job = job(dir.path(), &ws);
    let fakes = Fakes::new(Fault::Panic(ws[2]));
    let err = run(2, &fakes, &job, &AtomicBool::new(false)).unwrap_err();
    assert!(matches!(err, Error::Internal(_)), "{err}");
    assert!(err.to_string().contains("p02.png"), "{err}");
    assert_nothing_left(dir.path(), ws.len());
}

#[test]
fn cancelling_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let ws = widths(6);
    let job = job(dir.path(), &ws);
    let cancel = AtomicBool::new(true);
    let err = run(2, &Fakes::new(Fault::None), &job, &cancel).unwrap_err();
    assert!(matches!(err, Error::Interrupted), "{err}");
    assert_nothing_left(dir.path(), ws.len());
}

/// The real engine's deadline: a page over its time limit fails the run
/// (exit 7) naming the page and the option, and nothing is written.
#[test]
fn tesseract_stops_a_page_at_its_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    generator::save_png(&small_page(3, 6), &dir.path().join("slow.png"));
    let run = ocrpdf(
        dir.path(),
        &[
            "slow.png",
            "-o",
            "out.pdf",
            "--ocr-timeout",
            "0.001",
            "--no-rotate",
        ],
        None,
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert!(run.stderr.contains("slow.png"), "{}", run.stderr);
    assert!(run.stderr.contains("--ocr-timeout"), "{}", run.stderr);
    assert_nothing_left(dir.path(), 1);
    // The same page within a generous limit reads.
    let run = ocrpdf(
        dir.path(),
        &[
            "slow.png",
            "-o",
            "out.pdf",
            "--ocr-timeout",
            "120",
            "--no-rotate",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!pdftotext(&dir.path().join("out.pdf"), 1).trim().is_empty());
}

/// Long enough for any run here on a loaded machine; a guard, not a
/// timing assertion: a hang fails the test instead of holding CI.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// `f` on its own thread, failing the test if it has not returned within
/// [`HANG_GUARD`].
fn guarded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HANG_GUARD)
        .expect("the call hung past the hang guard (or panicked)")
}

/// Wait (within the guard) until `done` holds.
fn wait_for(done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < HANG_GUARD, "hang guard");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A short OCR time limit: a hung engine is abandoned 2 s after it
/// (the least grace), so these tests take seconds.
fn short_limit() -> Options {
    let mut opts = options();
    opts.ocr.timeout = Some(Duration::from_millis(500));
    opts
}

/// An engine deaf to its deadline: the run fails (exit 7) naming the page
/// and the option, returns while the engine is still blocked, and leaves
/// nothing; the same workers (one thread, the one the engine holds) go
/// on converting the next document; when the engine finally returns, its
/// page goes nowhere.
#[test]
fn an_engine_that_ignores_its_time_limit_is_abandoned_and_the_run_fails() {
    let dir = tempfile::tempdir().unwrap();
    let ws = widths(5);
    let job = job(dir.path(), &ws);
    let fakes = Fakes::new(Fault::Hang(ws[2]));
    let workers = Arc::new(Workers::new(Some(1)).unwrap());
    let (w, f, j) = (workers.clone(), fakes.clone(), job.clone());
    let err =
        guarded(move || convert_with(&w, f, &j, &short_limit(), &Silent, &AtomicBool::new(false)))
            .unwrap_err();
    assert_eq!(
        fakes.gate.waiting.load(Ordering::SeqCst),
        1,
        "the run returned only once the engine did"
    );
    assert_ocr_error(&err, "p02.png", &["--ocr-timeout", "abandoned"]);
    assert_nothing_left(dir.path(), ws.len());

    // The engine still holds the only worker thread it had.
    let second = Job::new(job.inputs.clone(), dir.path().join("second.pdf"));
    let fine = Fakes::new(Fault::None);
    let (w, f, j) = (workers.clone(), fine.clone(), second.clone());
    guarded(move || convert_with(&w, f, &j, &short_limit(), &Silent, &AtomicBool::new(false)))
        .expect("the next document converts on the replacement worker");
    assert_eq!(page_count(&second.output), ws.len());
    let written = std::fs::read(&second.output).unwrap();

    fakes.gate.open();
    wait_for(|| fakes.gate.returned.load(Ordering::SeqCst) == 1);
    std::thread::sleep(Duration::from_millis(200));
    let mut expect: Vec<String> = (0..ws.len()).map(|i| format!("p{i:02}.png")).collect();
    expect.push("second.pdf".into());
    assert_eq!(
        listing(dir.path()),
        expect,
        "the abandoned page wrote something"
    );
    assert_eq!(std::fs::read(&second.output).unwrap(), written);
}

/// What a watch run reported, document by document.
#[derive(Default)]
struct Seen(Mutex<Vec<Outcome>>);

impl Events for Seen {
    fn document(&self, outcome: &Outcome) {
        self.0.lock().unwrap().push(outcome.clone());
    }
}

/// `ocrpdf watch` on one worker: the document whose engine hangs goes to
/// `.failed/` with the reason, the next one is converted (on the worker
/// that replaced the abandoned one) while the engine is still blocked,
/// and no stage file of the failed one is left in the outbox.
#[test]
fn watch_fails_a_document_whose_engine_hangs_and_converts_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, outbox) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&outbox).unwrap();
    write_page(&inbox, "a.png", 310);
    write_page(&inbox, "b.png", 320);
    let fakes = Fakes::new(Fault::Hang(310));
    let mut opts = short_limit();
    opts.page.jobs = Some(1);
    let mut cfg = WatchConfig::new(inbox.clone(), outbox.clone(), opts);
    cfg.once = true;
    cfg.settle = Duration::from_millis(100);
    let seen = Arc::new(Seen::default());
    let (f, s) = (fakes.clone(), seen.clone());
    let totals = guarded(move || watch_with(&cfg, f, &*s, &AtomicBool::new(false)))
        .expect("the watch run ends");
    assert_eq!((totals.done, totals.failed), (1, 1));
    assert_eq!(totals.first_failure, Some(ErrorKind::Ocr));
    assert_eq!(fakes.gate.waiting.load(Ordering::SeqCst), 1);
    assert_eq!(pdftotext(&outbox.join("b.pdf"), 1).trim(), "w320");
    let reason = std::fs::read_to_string(inbox.join(".failed/a.png.error.txt")).unwrap();
    assert!(reason.contains("a.png"), "{reason}");
    assert!(reason.contains("--ocr-timeout"), "{reason}");
    assert!(reason.contains("exit code: 7"), "{reason}");
    assert!(inbox.join(".failed/a.png").exists());
    let seen = seen.0.lock().unwrap();
    let a = seen.iter().find(|o| o.input.ends_with("a.png")).unwrap();
    assert!(a.output.is_none() && a.failure.is_some());
    drop(seen);
    fakes.gate.open();
    wait_for(|| fakes.gate.returned.load(Ordering::SeqCst) == 1);
    std::thread::sleep(Duration::from_millis(200));
    let pdfs: Vec<String> = files_under(&outbox)
        .into_iter()
        .filter(|p| !p.contains("journal"))
        .collect();
    assert_eq!(pdfs, ["b.pdf"], "outbox holds only b.pdf");
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
