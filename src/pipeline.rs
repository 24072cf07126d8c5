//! Per-page work in parallel, pages written in order.
//!
//! Workers (a rayon pool of `jobs` threads, each with its own Tesseract
//! loaded once) decode, clean, OCR and build each page; the calling thread
//! streams finished pages to the assembler in input order. At most
//! `2 × jobs` pages are in flight, so memory does not grow with the page
//! count.

use crate::clean::{self, CleanOptions};
use crate::error::{Error, Result};
use crate::extras;
use crate::input::{self, Dpi, Input, Limits, PageImage, PageRef};
use crate::ocr::{self, OcrOptions, OcrPage, OrientationDetector, Tesseract};
use crate::output::AtomicFile;
use crate::pdf::{
    self, Assembler, DateSource, DocDate, DocInfo, ImageOptions, PageEncoding, PagePdf,
};
use crate::read::Warning;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// How pages are read, cleaned and scheduled: the part every command
/// (`ocrpdf`, `ocrpdf clean`, `ocrpdf watch`) shares.
#[derive(Debug, Clone)]
pub struct PageOptions {
    pub clean: CleanOptions,
    /// Turn pages that lie sideways or upside down (Tesseract OSD).
    pub rotate: bool,
    /// Worker threads; `None` means one per core.
    pub jobs: Option<usize>,
    /// Overrides the resolution stated by the images.
    pub dpi: Option<Dpi>,
    pub natural_sort: bool,
    pub limits: Limits,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            clean: CleanOptions::default(),
            rotate: true,
            jobs: None,
            dpi: None,
            natural_sort: false,
            limits: Limits::default(),
        }
    }
}

/// Everything a conversion needs, decided before it starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub output: PathBuf,
    pub ocr: OcrOptions,
    pub page: PageOptions,
    pub info: DocInfo,
    pub images: ImageOptions,
    /// Files written beside the PDF, committed together with it.
    pub extras: Extras,
}

/// Optional outputs beside the PDF.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The recognised text, pages separated by form feeds.
    pub sidecar: Option<PathBuf>,
    /// A folder for one hOCR file per page.
    pub hocr_dir: Option<PathBuf>,
    /// A JSON report of every page (codec, bytes, skew, timings, …).
    pub report: Option<PathBuf>,
}

/// Hears about progress; the CLI draws a bar with it.
pub trait Progress: Sync {
    fn start(&self, _pages: usize) {}
    fn page_done(&self, _page: &PageRef) {}
}

/// Progress that reports nothing.
pub struct Silent;
impl Progress for Silent {}

/// What a finished conversion produced.
#[derive(Debug, Clone)]
pub struct Summary {
    /// One report per page, in page order.
    pub pages: Vec<PageReport>,
    /// Size of the PDF written.
    pub bytes: u64,
}

impl Summary {
    /// Every page's warnings, with the page (counting from 1) and its
    /// label, in page order.
    pub fn warnings(&self) -> Vec<PageWarning<'_>> {
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.warnings.iter().map(move |w| PageWarning {
                    page: i + 1,
                    input: &p.label,
                    warning: w,
                })
            })
            .collect()
    }
}

/// A page's warning in a document's list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageWarning<'a> {
    pub page: usize,
    pub input: &'a str,
    #[serde(flatten)]
    pub warning: &'a Warning,
}

/// What happened to one page.
#[derive(Debug, Clone)]
pub struct PageReport {
    /// The input and page it came from, e.g. `scan.tiff (page 2 of 5)`.
    pub label: String,
    /// Skew removed, in degrees (positive: lines fell to the right).
    pub skew_deg: f32,
    /// Clockwise quarter-turn the page had as scanned and was undone (0,
    /// 90, 180 or 270).
    pub rotated_deg: u16,
    /// Words recognised and their mean confidence (0–100).
    pub words: usize,
    pub confidence: f32,
    /// Bytes the page's objects take in the PDF.
    pub bytes: usize,
    /// How its images were stored, e.g. `ccitt-g4` or `ccitt-g4+jpeg`.
    pub codec: String,
    /// Size of the cleaned page in pixels and its resolution.
    pub width: u32,
    pub height: u32,
    pub dpi: f32,
    /// Where the time went.
    pub seconds: StageTimes,
    /// The recognised text, a line per text line.
    pub text: String,
    /// What the user should know about this page (e.g. `few_words`).
    pub warnings: Vec<Warning>,
}

/// Seconds spent in each stage of one page (on its worker thread).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    pub decode: f64,
    /// Cleanup, including a second pass after turning the page.
    pub clean: f64,
    /// Orientation detection (zero when OCR showed the page upright).
    pub orient: f64,
    pub ocr: f64,
    /// Image encoding and the page's PDF objects.
    pub pdf: f64,
}

impl PageReport {
    fn new(
        page: &PageRef,
        cleaned: &clean::CleanPage,
        rotated_deg: u16,
        ocr: &OcrPage,
        pdf: &PagePdf,
        seconds: StageTimes,
    ) -> Self {
        let words: Vec<&ocr::Word> = ocr.lines.iter().flat_map(|l| &l.words).collect();
        let confidence = if words.is_empty() {
            0.0
        } else {
            words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32
        };
        PageReport {
            label: page.label(),
            skew_deg: cleaned.skew_deg,
            rotated_deg,
            words: words.len(),
            confidence,
            bytes: pdf.len(),
            codec: pdf.codec(),
            width: cleaned.bits.width(),
            height: cleaned.bits.height(),
            dpi: cleaned.dpi.x,
            seconds,
            text: ocr.text(),
            warnings: crate::read::few_words(&cleaned.ink, words.len())
                .into_iter()
                .collect(),
        }
    }
}

/// Convert the configured images into one searchable PDF.
///
/// `cancel` is polled between pages; once set, the run stops, the partial
/// output is discarded and [`Error::Interrupted`] is returned.
pub fn convert(cfg: &Config, progress: &dyn Progress, cancel: &AtomicBool) -> Result<Summary> {
    convert_with(&Workers::new(cfg.page.jobs)?, cfg, progress, cancel)
}

/// Page workers that outlive one document: each keeps its Tesseract models
/// loaded, and several documents converted at once on the same workers
/// share them page by page (`ocrpdf watch`). `PageOptions::jobs` is
/// ignored by [`convert_with`]; the pool's size decides.
pub struct Workers(rayon::ThreadPool);

impl Workers {
    /// `jobs` workers; `None` means one per core.
    pub fn new(jobs: Option<usize>) -> Result<Self> {
        worker_pool(jobs).map(Workers)
    }

    pub fn count(&self) -> usize {
        self.0.current_num_threads()
    }
}

/// [`convert`] on existing workers.
pub fn convert_with(
    workers: &Workers,
    cfg: &Config,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Summary> {
    check_paths(cfg)?;
    let tessdata = cfg.ocr.tessdata.as_deref();
    ocr::check_languages(&cfg.ocr.languages, tessdata)?;
    if cfg.page.rotate {
        check_osd(tessdata)?;
    }
    let mut inputs = cfg.inputs.clone();
    if cfg.page.natural_sort {
        inputs.sort_by(|a, b| input::natural_cmp(&input_label(a), &input_label(b)));
    }
    let pages = input::list_pages(&inputs, &cfg.page.limits)?;
    progress.start(pages.len());

    let out = AtomicFile::create(&cfg.output)?;
    let out_err = |e| Error::Output {
        path: cfg.output.clone(),
        source: e,
    };
    let mut asm = Assembler::new(BufWriter::new(out.file())).map_err(out_err)?;
    let mut extras = extras::Pending::create(&cfg.extras, &cfg.output)?;
    let pool = &workers.0;
    let jobs = pool.current_num_threads();

    let mut reports = Vec::with_capacity(pages.len());
    let window = 2 * jobs;
    let (tx, rx) = mpsc::channel::<(usize, Result<PageDone>)>();
    let stop = AtomicBool::new(false);
    let mut first_error: Option<Error> = None;
    pool.in_place_scope(|scope| {
        let mut next_to_start = 0;
        let mut pending = BTreeMap::new();
        let start = |i: usize| {
            let (tx, page, stop) = (tx.clone(), &pages[i], &stop);
            scope.spawn(move |_| {
                let result = if stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
                    Err(Error::Interrupted)
                } else {
                    // A bug on one page must not hang the run: report it.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        process(page, i + 1, cfg)
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Internal(format!(
                            "{}: internal error (panic) while processing",
                            page.label()
                        )))
                    })
                };
                let _ = tx.send((i, result));
            });
        };
        while next_to_start < pages.len().min(window) {
            start(next_to_start);
            next_to_start += 1;
        }
        for next_to_write in 0..pages.len() {
            let result = loop {
                if let Some(r) = pending.remove(&next_to_write) {
                    break r;
                }
                let (i, r) = rx
                    .recv()
                    .expect("a worker holds a sender for every page not yet received");
                pending.insert(i, r);
            };
            if cancel.load(Ordering::Relaxed) {
                first_error.get_or_insert(Error::Interrupted);
            }
            match result {
                Ok(done) if first_error.is_none() => {
                    if let Err(e) = asm.add_page(&done.pdf) {
                        first_error = Some(out_err(e));
                    }
                    if let Err(e) = extras.add_page(next_to_write + 1, &done.report, done.hocr) {
                        first_error = Some(e);
                    }
                    reports.push(done.report);
                    progress.page_done(&pages[next_to_write]);
                }
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
            if first_error.is_some() {
                // Let queued pages return at once; keep draining to join them.
                stop.store(true, Ordering::Relaxed);
            }
            if next_to_start < pages.len() {
                start(next_to_start);
                next_to_start += 1;
            }
        }
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    let created = match cfg.info.date {
        DateSource::Inputs => newest_input_time(&inputs),
        DateSource::At(d) => Some(d),
        DateSource::Omit => None,
    };
    let writer = asm.finish(&cfg.info, created).map_err(out_err)?;
    writer.into_inner().map_err(|e| out_err(e.into_error()))?;
    verify(out.temp_path(), &cfg.output, pages.len())?;
    let bytes = out.file().metadata().map(|m| m.len()).unwrap_or(0);
    let summary = Summary {
        pages: reports,
        bytes,
    };
    let extras = extras.finish(&summary, &cfg.output)?;
    out.commit()?;
    extras.commit()?;
    Ok(summary)
}

/// The newest modification time of the input files ([`DateSource::Inputs`]
/// says why newest); `None` when only standard input was read.
fn newest_input_time(inputs: &[Input]) -> Option<DocDate> {
    inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path(p) => std::fs::metadata(p).and_then(|m| m.modified()).ok(),
            Input::Stdin => None,
        })
        .max()
        .and_then(DocDate::from_system_time)
}

/// Page rotation needs Tesseract's orientation model; say so up front,
/// naming the chosen model folder if there is one.
pub(crate) fn check_osd(tessdata: Option<&std::path::Path>) -> Result<()> {
    ocr::check_languages(OSD, tessdata).map(|_| ()).map_err(|_| {
        Error::Config(match tessdata {
            Some(dir) => format!(
                "page rotation needs Tesseract's orientation model osd.traineddata in the chosen model folder {} (copy Debian's from tesseract-ocr-osd); or turn it off with --no-rotate",
                dir.display()
            ),
            None => "page rotation needs Tesseract's orientation model (apt-get install tesseract-ocr-osd); or turn it off with --no-rotate".into(),
        })
    })
}

/// A rayon pool of `jobs` workers (default: one per core).
pub(crate) fn worker_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("ocrpdf-page-{i}"))
        .build()
        .map_err(|e| Error::Config(format!("cannot start worker threads: {e}")))
}

pub(crate) fn input_label(i: &Input) -> String {
    match i {
        Input::Path(p) => p.to_string_lossy().into_owned(),
        Input::Stdin => "-".into(),
    }
}

/// Refuse outputs that would overwrite an input or cannot be a file.
fn check_paths(cfg: &Config) -> Result<()> {
    if cfg.inputs.is_empty() {
        return Err(Error::Config("no input images given".into()));
    }
    if cfg.output.is_dir() {
        return Err(Error::Config(format!(
            "{}: output is a directory",
            cfg.output.display()
        )));
    }
    let canon_out = canonical_target(&cfg.output);
    for i in &cfg.inputs {
        if let Input::Path(p) = i
            && let (Ok(a), Some(b)) = (p.canonicalize(), canon_out.as_ref())
            && &a == b
        {
            return Err(Error::Config(format!(
                "{}: output would overwrite an input",
                cfg.output.display()
            )));
        }
    }
    Ok(())
}

/// The canonical path the output will have, even if it does not exist yet.
pub(crate) fn canonical_target(p: &std::path::Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(parent.join(p.file_name()?))
}

/// A page ready to be written: its PDF objects, its report, and its hOCR
/// when asked for.
struct PageDone {
    pdf: PagePdf,
    report: PageReport,
    hocr: Option<String>,
}

/// Decode, clean, OCR and build one page (`number` counts from 1).
fn process(page: &PageRef, number: usize, cfg: &Config) -> Result<PageDone> {
    let mut t = StageTimes::default();
    let timed = |slot: &mut f64, started: Instant| *slot += started.elapsed().as_secs_f64();
    let recognize = |c: &clean::CleanPage| {
        with_engine(&cfg.ocr.languages, cfg.ocr.tessdata.as_deref(), |e| {
            crate::read::read(e, c, cfg.ocr.source)
        })?
        .map_err(|reason| Error::Ocr {
            path: PathBuf::from(page.label()),
            reason,
        })
    };
    let finish = |cleaned: &clean::CleanPage, rotated: u16, ocr: &OcrPage, mut t: StageTimes| {
        let started = Instant::now();
        let encoding = PageEncoding {
            images: cfg.images,
            lossy_page: cfg.images.jpeg_quality.is_some() || page.format == input::Format::Jpeg,
        };
        let pdf = pdf::build_page(cleaned, ocr, &encoding);
        let hocr = cfg.extras.hocr_dir.as_ref().map(|_| {
            let (width, height) = (cleaned.bits.width(), cleaned.bits.height());
            let info = ocr::hocr::PageInfo {
                width,
                height,
                dpi: cleaned.dpi.x,
                number,
                source: &page.label(),
            };
            ocr::hocr::page(ocr, info)
        });
        timed(&mut t.pdf, started);
        let report = PageReport::new(page, cleaned, rotated, ocr, &pdf, t);
        Ok(PageDone { pdf, report, hocr })
    };
    let started = Instant::now();
    let image = input::decode_page(page, &cfg.page.limits, cfg.page.dpi)?;
    timed(&mut t.decode, started);
    let started = Instant::now();
    let cleaned = clean::clean(&image, &cfg.page.clean);
    timed(&mut t.clean, started);
    let started = Instant::now();
    let ocr = recognize(&cleaned)?;
    timed(&mut t.ocr, started);
    // Orientation detection costs a fifth of OCR; a page that already
    // reads as confident, horizontal text is upright and skips it.
    if !cfg.page.rotate || reads_upright(&ocr) {
        return finish(&cleaned, 0, &ocr, t);
    }
    let started = Instant::now();
    let turned = orient(
        page,
        &image,
        &cleaned,
        &cfg.page.clean,
        cfg.ocr.tessdata.as_deref(),
    )?;
    timed(&mut t.orient, started);
    match turned {
        None => finish(&cleaned, 0, &ocr, t),
        Some((turned, degrees)) => {
            drop(image);
            let started = Instant::now();
            let ocr = recognize(&turned)?;
            timed(&mut t.ocr, started);
            finish(&turned, degrees, &ocr, t)
        }
    }
}

/// Clean a page and, when `rotate` is on, turn it upright: the page image
/// both `ocrpdf` and `ocrpdf clean` produce. Returns the turn undone.
/// `tessdata` is the model folder of the orientation model.
pub(crate) fn clean_upright(
    page: &PageRef,
    image: &PageImage,
    opts: &clean::CleanOptions,
    rotate: bool,
    tessdata: Option<&std::path::Path>,
) -> Result<(clean::CleanPage, u16)> {
    let cleaned = clean::clean(image, opts);
    if !rotate {
        return Ok((cleaned, 0));
    }
    Ok(orient(page, image, &cleaned, opts, tessdata)?.unwrap_or((cleaned, 0)))
}

/// Ask OSD which way up the cleaned page is; if it is confidently turned,
/// turn the scan itself and clean again (so deskew and everything after it
/// see an upright page). `None` when the page stays as it is.
fn orient(
    page: &PageRef,
    image: &PageImage,
    cleaned: &clean::CleanPage,
    opts: &clean::CleanOptions,
    tessdata: Option<&std::path::Path>,
) -> Result<Option<(clean::CleanPage, u16)>> {
    let found = with_engine(OSD, tessdata, |e| {
        e.detect_orientation(cleaned.bits.as_gray(), cleaned.dpi)
    })?
    .map_err(|reason| Error::Ocr {
        path: PathBuf::from(page.label()),
        reason,
    })?;
    if found.degrees == 0 || found.confidence < ROTATE_MIN_CONFIDENCE {
        return Ok(None);
    }
    Ok(Some((
        clean::clean(&input::rotate(image, found.degrees), opts),
        found.degrees,
    )))
}

/// Whether OCR output looks like an upright page: enough words, read with
/// good confidence, laid out in horizontal lines. Upside-down pages read as
/// low-confidence garbage; sideways ones as tall, narrow words.
fn reads_upright(ocr: &OcrPage) -> bool {
    let words: Vec<&ocr::Word> = ocr
        .lines
        .iter()
        .flat_map(|l| &l.words)
        .filter(|w| w.text.chars().count() >= 3)
        .collect();
    if words.len() < UPRIGHT_MIN_WORDS {
        return false;
    }
    let chars: f32 = words.iter().map(|w| w.text.chars().count() as f32).sum();
    let confidence = words
        .iter()
        .map(|w| w.confidence * w.text.chars().count() as f32)
        .sum::<f32>()
        / chars;
    let wide = words
        .iter()
        .filter(|w| w.bbox.width() > w.bbox.height())
        .count();
    confidence >= UPRIGHT_MIN_CONFIDENCE && wide * 10 >= words.len() * 9
}

/// Fewer words than this (of three letters or more) say too little about
/// orientation; such pages always get OSD.
const UPRIGHT_MIN_WORDS: usize = 8;
/// Mean word confidence (0–100) above which text is taken as read right.
const UPRIGHT_MIN_CONFIDENCE: f32 = 75.0;
/// The orientation model's pseudo-language.
const OSD: &str = "osd";
/// Below this OSD confidence a page is left as scanned: turning a good
/// page wrongly is worse than leaving a turned one.
const ROTATE_MIN_CONFIDENCE: f32 = 2.0;

/// What a cached engine was made for: its languages and model folder.
type EngineKey = (String, Option<PathBuf>);

thread_local! {
    /// Each worker's engine, loaded on its first page and kept.
    static ENGINE: RefCell<Option<(EngineKey, Tesseract)>> = const { RefCell::new(None) };
    /// Each worker's orientation detector, likewise.
    static OSD_ENGINE: RefCell<Option<(EngineKey, Tesseract)>> = const { RefCell::new(None) };
}

/// Run `f` on this worker's engine for `languages` from `tessdata`, made
/// on first use and again whenever either changes (a watcher's jobs, a
/// library caller's configs).
fn with_engine<T>(
    languages: &str,
    tessdata: Option<&std::path::Path>,
    f: impl FnOnce(&mut Tesseract) -> T,
) -> Result<T> {
    let slot = if languages == OSD {
        &OSD_ENGINE
    } else {
        &ENGINE
    };
    slot.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot
            .as_ref()
            .is_none_or(|((l, d), _)| l != languages || d.as_deref() != tessdata)
        {
            let engine = if languages == OSD {
                Tesseract::osd(tessdata)?
            } else {
                Tesseract::new(languages, tessdata)?
            };
            *slot = Some(((languages.to_string(), tessdata.map(PathBuf::from)), engine));
        }
        let (_, engine) = slot.as_mut().expect("just set");
        Ok(f(engine))
    })
}

/// Re-read the written file and check it holds every page.
fn verify(temp: &std::path::Path, dest: &std::path::Path, pages: usize) -> Result<()> {
    let invalid = |reason: String| Error::InvalidOutput {
        path: dest.to_path_buf(),
        reason,
    };
    let doc = lopdf::Document::load(temp).map_err(|e| invalid(format!("cannot be parsed: {e}")))?;
    let found = doc.get_pages().len();
    if found != pages {
        return Err(invalid(format!("has {found} pages, expected {pages}")));
    }
    Ok(())
}
