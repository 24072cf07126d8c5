//! Where the pipeline's workers get their engines.
//!
//! Engines are not shared between threads and are costly to make (models
//! load in ~0.3 s), so each worker thread keeps its own. [`Engines`] is the
//! seam: the pipeline asks it for this thread's engine for a page and never
//! names Tesseract, so everything above OCR runs with a fake engine in
//! tests (scheduling, fault injection, deadlines).

use super::{Engine, OcrOptions, OrientationDetector, Tesseract};
use crate::error::Result;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// Hands each worker thread its engines. Called from many threads at once,
/// and `Send`: a worker abandoned to a hung engine keeps its handle after
/// the conversion returned. Each method runs `f` once, or returns the
/// error that kept it from making the engine (a missing model).
pub trait Engines: Send + Sync {
    /// Run `f` on this thread's OCR engine for `opts` (languages and model
    /// folder), made on first use.
    fn with_ocr(&self, opts: &OcrOptions, f: &mut dyn FnMut(&mut dyn Engine)) -> Result<()>;
    /// Run `f` on this thread's orientation detector (models in `tessdata`).
    fn with_osd(
        &self,
        tessdata: Option<&Path>,
        f: &mut dyn FnMut(&mut dyn OrientationDetector),
    ) -> Result<()>;
}

/// Tesseract engines, one per worker thread, kept in thread-locals so a
/// pool's threads reuse their models page after page and document after
/// document.
#[derive(Debug, Clone, Copy, Default)]
pub struct TesseractEngines;

/// What a cached engine was made for: its languages and model folder.
type EngineKey = (String, Option<PathBuf>);

thread_local! {
    /// Each worker's engine, loaded on its first page and kept.
    static ENGINE: RefCell<Option<(EngineKey, Tesseract)>> = const { RefCell::new(None) };
    /// Each worker's orientation detector, likewise.
    static OSD_ENGINE: RefCell<Option<(EngineKey, Tesseract)>> = const { RefCell::new(None) };
}

/// The orientation model's pseudo-language.
pub(crate) const OSD: &str = "osd";

/// Run `f` on this thread's engine for `languages` from `tessdata`, made on
/// first use and again whenever either changes (a watcher's jobs, a library
/// caller's options).
fn cached<T>(
    languages: &str,
    tessdata: Option<&Path>,
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

impl Engines for TesseractEngines {
    fn with_ocr(&self, opts: &OcrOptions, f: &mut dyn FnMut(&mut dyn Engine)) -> Result<()> {
        cached(&opts.languages, opts.tessdata.as_deref(), |e| {
            e.set_deadline(opts.timeout);
            f(e);
        })
    }

    fn with_osd(
        &self,
        tessdata: Option<&Path>,
        f: &mut dyn FnMut(&mut dyn OrientationDetector),
    ) -> Result<()> {
        cached(OSD, tessdata, |e| f(e))
    }
}
