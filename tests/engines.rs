//! The pipeline above OCR with a fake engine (`ocrpdf::ocr::Engines`):
//! page order, engine faults and panics, without Tesseract reading a word.
//! That OCR itself works is proved with the real engine elsewhere
//! (tests/page_kinds.rs, tests/end_to_end.rs); here the fake's words only
//! label the pages, so the order and the errors can be checked exactly.

mod common;

use common::{generator, listing, ocrpdf, page_count, pdftotext, small_page};
use image::{GrayImage, Luma};
use ocrpdf::ocr::{
    Engine, Engines, Line, OcrImage, OcrOptions, OcrPage, Orientation, OrientationDetector, Rect,
    Word,
};
use ocrpdf::{Error, Job, Options, Silent, Workers, convert_with, input::Input};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::ThreadId;

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
    None,
}

/// One word per page, `w<width>`, over the bar; faults on request.
struct FakeEngine {
    fault: Fault,
    delay_ms: u64,
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
            _ => {}
        }
        let s = image.scale;
        let px = |v: f32| (v * s).round() as i32;
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
            }],
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
}

impl Fakes {
    fn new(fault: Fault) -> Self {
        Fakes {
            fault,
            delay_ms: 5,
            threads: Mutex::new(Vec::new()),
            calls: AtomicUsize::new(0),
        }
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
    fakes: &Fakes,
    job: &Job,
    cancel: &AtomicBool,
) -> ocrpdf::Result<ocrpdf::Summary> {
    let workers = Workers::new(Some(workers)).unwrap();
    convert_with(&workers, fakes, job, &options(), &Silent, cancel)
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
    match &err {
        Error::Ocr { path, reason } => {
            assert!(path.to_string_lossy().contains("p05.png"), "{err}");
            assert!(reason.contains("gave up"), "{err}");
        }
        other => panic!("expected an OCR error, got {other}"),
    }
    assert_eq!(err.kind().exit_code(), 7);
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
