//! One page from scan to PDF objects: decode, clean, read, turn upright if
//! needed, build. Runs on a worker thread; engines come from [`Engines`].

use super::EngineClock;
use crate::clean;
use crate::error::{Error, Result};
use crate::input::{self, PageImage, PageRef};
use crate::job::{Job, Options};
use crate::ocr::{self, Engine, Engines, OcrPage, Orientation};
use crate::pdf::{self, PageEncoding, PagePdf};
use crate::stack::{self, BlankPages, Blankness, Separator, SplitOn};
use crate::summary::{PageSummary, StageTimes};
use std::path::PathBuf;
use std::time::Instant;

/// A page ready to be written: its PDF objects, its report, and its hOCR
/// when asked for.
pub(crate) struct PageDone {
    pub pdf: PageOut,
    pub report: PageSummary,
    pub hocr: Option<String>,
    /// How blank the page is, when the stack options ask.
    pub blank: Option<Blankness>,
    /// The separator it is, when splitting at patch or QR sheets.
    pub separator: Option<Separator>,
}

/// What a page gives the document: a new page, or a change to a page of
/// the PDF being edited (its object id in that PDF).
pub(crate) enum PageOut {
    New(PagePdf),
    Edit(lopdf::ObjectId, pdf::PageChange),
}

/// One page's work: the page, its number in the document (from 1), and
/// what it is converted with.
pub(crate) struct PageTask<'a> {
    pub page: &'a PageRef,
    pub number: usize,
    pub job: &'a Job,
    pub opts: &'a Options,
    pub engines: &'a dyn Engines,
    /// Times each engine call, for the scheduler's watchdog.
    pub clock: &'a EngineClock,
}

/// An engine whose calls are timed on `clock`.
struct Timed<'a> {
    engine: &'a mut dyn Engine,
    clock: &'a EngineClock,
}

impl Engine for Timed<'_> {
    fn recognize(&mut self, image: &ocr::OcrImage) -> std::result::Result<OcrPage, String> {
        self.clock.time(|| self.engine.recognize(image))
    }
}

/// Read `cleaned` with this thread's engine.
pub(super) fn recognize(
    engines: &dyn Engines,
    clock: &EngineClock,
    opts: &Options,
    page: &PageRef,
    cleaned: &mut clean::CleanPage,
) -> Result<OcrPage> {
    let (w, h) = cleaned.gray.dimensions();
    if w.max(h) > ocr::MAX_SIDE {
        return Err(Error::input(
            PathBuf::from(page.label()),
            format!(
                "image is {w} x {h} px: longer than {} px on a side, the most the OCR engine \
                 (Tesseract) reads; scale it down or split it",
                ocr::MAX_SIDE
            ),
        ));
    }
    let mut read = None;
    engines.with_ocr(&opts.ocr, &mut |engine| {
        let mut timed = Timed { engine, clock };
        read = Some(crate::read::read_packing(
            &mut timed,
            cleaned,
            opts.ocr.source,
        ));
    })?;
    read.ok_or_else(|| not_run(page))?
        .map_err(|reason| Error::Ocr {
            path: PathBuf::from(page.label()),
            reason,
        })
}

/// An [`Engines`] that returned without running the engine: a bug in it.
fn not_run(page: &PageRef) -> Error {
    Error::Internal(format!(
        "{}: the engine provider returned without reading the page",
        page.label()
    ))
}

/// Decode, clean, OCR and build one page.
pub(crate) fn process(task: &PageTask) -> Result<PageDone> {
    let PageTask {
        page,
        number,
        job,
        opts: cfg,
        engines,
        clock,
    } = *task;
    let mut t = StageTimes::default();
    let timed = |slot: &mut f64, started: Instant| *slot += started.elapsed().as_secs_f64();
    // Decoding is deterministic: a page turned after OCR is decoded again
    // rather than kept, so its scan (three bytes a pixel in colour) is not
    // held through OCR.
    let decode = || decode_page(page, &cfg.page);
    let started = Instant::now();
    let (
        input::Decoded {
            image,
            warnings: decoded,
            orientation,
            ..
        },
        captured,
    ) = decode()?;
    timed(&mut t.decode, started);
    crate::heap::mark("page: decoded");
    let encoding = PageEncoding {
        images: cfg.images,
        lossy_page: cfg.images.jpeg_quality.is_some()
            || matches!(
                page.format,
                input::Format::Jpeg | input::Format::Heic | input::Format::Avif
            ),
    };
    // The page's images are encoded before it is read and its tones let
    // go of: a page stored in colour would otherwise hold three bytes a
    // pixel beside what OCR takes. (A page found turned after OCR is
    // cleaned again and its images encoded anew.)
    let encode = |cleaned: &mut clean::CleanPage, t: &mut StageTimes| {
        let started = Instant::now();
        let images = pdf::encode_page_images(cleaned, &encoding);
        cleaned.let_go_of_tones();
        timed(&mut t.pdf, started);
        crate::heap::mark("page: images encoded");
        images
    };
    let recognize = |c: &mut clean::CleanPage| recognize(engines, clock, cfg, page, c);
    let finish = |images: pdf::PageImages,
                  cleaned: &clean::CleanPage,
                  rotated: u16,
                  ocr: &OcrPage,
                  mut t: StageTimes| {
        let started = Instant::now();
        let pdf = pdf::build_page_with(images, cleaned, ocr);
        crate::heap::mark("page: pdf built");
        let stored = (pdf.len(), pdf.codec());
        let pdf = PageOut::New(pdf);
        let hocr = job.extras.hocr_dir.as_ref().map(|_| {
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
        let mut report = PageSummary::stored(page, cleaned, rotated, ocr, stored, t);
        // What decoding said (a kept truncated JPEG) comes first.
        report.warnings.splice(0..0, decoded.iter().cloned());
        report.orientation_tag = orientation.clone();
        report.capture = captured.clone();
        let (blank, separator) = judge_sheet(&cfg.stack, cleaned, ocr, &mut report);
        Ok(PageDone {
            pdf,
            report,
            hocr,
            blank,
            separator,
        })
    };
    let started = Instant::now();
    let mut cleaned = clean_owned(page, &cfg.page, image, 0)?;
    timed(&mut t.clean, started);
    crate::heap::mark("page: cleaned");
    let images = encode(&mut cleaned, &mut t);
    let started = Instant::now();
    let ocr = recognize(&mut cleaned)?;
    timed(&mut t.ocr, started);
    crate::heap::mark("page: read");
    // Orientation detection costs a fifth of OCR; a page that already
    // reads as confident, horizontal text is upright and skips it.
    if !cfg.page.rotate || reads_upright(&ocr) {
        return finish(images, &cleaned, 0, &ocr, t);
    }
    let started = Instant::now();
    let turn = turn_found(engines, clock, page, &cleaned, cfg.ocr.tessdata.as_deref())?;
    timed(&mut t.orient, started);
    let Some(degrees) = turn else {
        return finish(images, &cleaned, 0, &ocr, t);
    };
    // The first reading is done with before the page is read again.
    drop((images, cleaned, ocr));
    let started = Instant::now();
    let scan = input::rotate(&decode()?.0.image, degrees);
    let mut turned = clean_owned(page, &cfg.page, scan, degrees)?;
    timed(&mut t.orient, started);
    let images = encode(&mut turned, &mut t);
    let started = Instant::now();
    let ocr = recognize(&mut turned)?;
    timed(&mut t.ocr, started);
    finish(images, &turned, degrees, &ocr, t)
}

/// [`decode_captured`], the page's resolution estimated where the file's
/// is implausible: the page every command cleans.
fn decode_page(
    page: &PageRef,
    opts: &crate::job::PageOptions,
) -> Result<(input::Decoded, Option<crate::capture::Captured>)> {
    let (mut decoded, captured) = decode_captured(page, opts)?;
    clean::resolution::estimate(&mut decoded);
    Ok((decoded, captured))
}

/// Clean `image`, `page` decoded (by [`decode_page`]) and turned
/// `turn` degrees clockwise, as cleanup's own: a colour scan is given up
/// once cleanup has its grey page and decoded again where its colour is
/// needed (see `clean::scan`), so no colour scan is held beside the
/// grey stages' buffers. Decoding is deterministic; a file changed
/// meanwhile (another size) is an input error.
fn clean_owned(
    page: &PageRef,
    opts: &crate::job::PageOptions,
    image: PageImage,
    turn: u16,
) -> Result<clean::CleanPage> {
    let shape = |p: &PageImage| (p.pixels.dimensions(), std::mem::discriminant(&p.pixels));
    let size = shape(&image);
    let again = || {
        let image = decode_page(page, opts)?.0.image;
        let image = match turn {
            0 => image,
            _ => input::rotate(&image, turn),
        };
        if shape(&image) != size {
            return Err(Error::input(
                PathBuf::from(page.label()),
                "the input changed while it was being converted",
            ));
        }
        Ok(image)
    };
    clean::clean_decoding_again(image, &opts.clean, &again)
}

/// Decode a page and, when it is a photo the options look at, find the
/// page in it and flatten it ([`crate::capture`]): what every command
/// (`ocrpdf`, `ocrpdf clean`, the front-ends) starts a page with.
pub(crate) fn decode_captured(
    page: &PageRef,
    opts: &crate::job::PageOptions,
) -> Result<(input::Decoded, Option<crate::capture::Captured>)> {
    let mut decoded = input::decode(page, &opts.limits, opts.dpi)?;
    let mut captured = crate::capture::apply(&mut decoded, opts.capture, opts.dpi);
    crate::capture::book(&mut decoded, &mut captured, page.spread);
    Ok((decoded, captured))
}

/// With `--split-spreads`, each page decoded (and flattened, if a photo)
/// and looked at for a book's spine: a spread becomes its two sides in
/// reading order (`right_to_left`: the right page first), any other page
/// stays one. Done when the pages are listed, before they are scheduled,
/// so each side is a page of its own to every command. A page that does
/// not decode is left as listed, to fail where it always does.
pub(crate) fn split_spreads(
    pages: Vec<PageRef>,
    opts: &crate::job::PageOptions,
    right_to_left: bool,
) -> Vec<PageRef> {
    use crate::capture::{SpreadPart, spread};
    if !opts.split_spreads {
        return pages;
    }
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let gutter = input::decode(&page, &opts.limits, opts.dpi)
            .ok()
            .map(|mut d| {
                crate::capture::apply(&mut d, opts.capture, opts.dpi);
                match &d.image.pixels {
                    input::Pixels::Gray(g) => spread::find_gutter(g),
                    input::Pixels::Rgb(c) => spread::find_gutter(&input::luma(c)),
                }
            });
        match gutter {
            None => out.push(page),
            Some(None) => out.push(PageRef {
                spread: Some(SpreadPart::Whole),
                ..page
            }),
            Some(Some(g)) => {
                for side in spread::reading_order(right_to_left) {
                    out.push(PageRef {
                        spread: Some(SpreadPart::Page { side, cut: g.cut }),
                        ..page.clone()
                    });
                }
            }
        }
    }
    out
}

/// What the stack options need to know of a page: its blankness and the
/// separator it is. `--blank report` adds its warning here.
pub(super) fn judge_sheet(
    opts: &stack::StackOptions,
    cleaned: &clean::CleanPage,
    ocr: &OcrPage,
    report: &mut PageSummary,
) -> (Option<Blankness>, Option<Separator>) {
    let blank = opts
        .needs_blank()
        .then(|| stack::blank::assess(cleaned, ocr));
    report.blank = blank;
    if opts.blank == BlankPages::Report && blank.is_some_and(|b| b.is_blank()) {
        report.warnings.push(crate::read::Warning {
            code: "blank_page",
            message:
                "the page is blank (no ink beyond dust, borders or show-through, and no words)"
                    .into(),
        });
    }
    let separator = match &opts.split {
        Some(split @ (SplitOn::Patch | SplitOn::Qr(_))) => {
            stack::separator::detect(&cleaned.gray, cleaned.dpi.x, split)
        }
        _ => None,
    };
    (blank, separator)
}

/// Decode a page, clean it and, when the options say to rotate, turn it
/// upright: the page image `ocrpdf clean` writes. Returns the decoding's
/// warnings and the turn undone. `tessdata` is the model folder of the
/// orientation model; `clock` times its call for the scheduler's watchdog.
/// The scan is not held beside the cleaned page: a colour one is decoded
/// again where cleanup needs its colour, and a page found turned is
/// decoded again to be turned and cleaned anew. The grey page OCR would
/// read is not kept (empty in the result): nothing writes it, and the
/// orientation model reads the bilevel page beside what is written.
pub(crate) fn clean_upright(
    engines: &dyn Engines,
    clock: &EngineClock,
    page: &PageRef,
    opts: &crate::job::PageOptions,
    tessdata: Option<&std::path::Path>,
) -> Result<(clean::CleanPage, Vec<crate::input::Warning>, u16)> {
    let input::Decoded {
        image, warnings, ..
    } = decode_page(page, opts)?.0;
    let without_gray = |mut cleaned: clean::CleanPage| {
        cleaned.gray = image::GrayImage::new(0, 0);
        cleaned
    };
    let cleaned = without_gray(clean_owned(page, opts, image, 0)?);
    if !opts.rotate {
        return Ok((cleaned, warnings, 0));
    }
    let Some(degrees) = turn_found(engines, clock, page, &cleaned, tessdata)? else {
        return Ok((cleaned, warnings, 0));
    };
    drop(cleaned);
    let scan = input::rotate(&decode_page(page, opts)?.0.image, degrees);
    let turned = without_gray(clean_owned(page, opts, scan, degrees)?);
    Ok((turned, warnings, degrees))
}

/// Ask OSD which way up the cleaned page is; if it is confidently turned,
/// turn the scan itself and clean again (so deskew and everything after it
/// see an upright page). `None` when the page stays as it is.
pub(super) fn orient(
    engines: &dyn Engines,
    clock: &EngineClock,
    page: &PageRef,
    image: &PageImage,
    cleaned: &clean::CleanPage,
    opts: &clean::CleanOptions,
    tessdata: Option<&std::path::Path>,
) -> Result<Option<(clean::CleanPage, u16)>> {
    let Some(degrees) = turn_found(engines, clock, page, cleaned, tessdata)? else {
        return Ok(None);
    };
    Ok(Some((
        clean::clean(&input::rotate(image, degrees), opts),
        degrees,
    )))
}

/// The clockwise turn OSD confidently finds on the cleaned page (see
/// [`orient`]); `None` when it stays as it is.
fn turn_found(
    engines: &dyn Engines,
    clock: &EngineClock,
    page: &PageRef,
    cleaned: &clean::CleanPage,
    tessdata: Option<&std::path::Path>,
) -> Result<Option<u16>> {
    let mut found: Option<std::result::Result<Orientation, String>> = None;
    engines.with_osd(tessdata, &mut |e| {
        found = Some(clock.time(|| e.detect_orientation(cleaned.bits.as_gray(), cleaned.dpi)));
    })?;
    let found = found
        .ok_or_else(|| not_run(page))?
        .map_err(|reason| Error::Ocr {
            path: PathBuf::from(page.label()),
            reason,
        })?;
    if found.degrees == 0 || found.confidence < ROTATE_MIN_CONFIDENCE {
        return Ok(None);
    }
    Ok(Some(found.degrees))
}

/// Whether OCR output looks like an upright page: enough words, read with
/// good confidence, laid out in horizontal lines. Upside-down pages read as
/// low-confidence garbage; sideways ones as tall, narrow words.
pub(super) fn reads_upright(ocr: &OcrPage) -> bool {
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
/// Below this OSD confidence a page is left as scanned: turning a good
/// page wrongly is worse than leaving a turned one.
const ROTATE_MIN_CONFIDENCE: f32 = 2.0;
