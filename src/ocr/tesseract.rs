//! libtesseract in-process, through `tesseract-sys`.
//!
//! The `tesseract` crate's safe wrapper has no result iterator, and words,
//! boxes, baselines and confidences come only from there, so this small safe
//! type wraps the C API directly. One instance per worker; models load once.

use super::{
    Block, BlockKind, Engine, Line, OcrImage, OcrPage, Orientation, OrientationDetector, Paragraph,
    Rect, Word,
};
use crate::error::{Error, Result};
use crate::input::Dpi;
use image::GrayImage;
use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};
use tesseract_sys as sys;

/// Where Debian (and most builds) keep language data when
/// `TESSDATA_PREFIX` is not set.
const DEFAULT_TESSDATA: &[&str] = &[
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/local/share/tessdata",
    "/usr/share/tessdata",
];

/// ocrpdf's own model folder, below the XDG data folder:
/// `${XDG_DATA_HOME:-$HOME/.local/share}/ocrpdf/tessdata`, where
/// `scripts/get-model.sh` installs the larger models. `None` without a home.
pub fn own_tessdata() -> Option<PathBuf> {
    // The XDG Base Directory spec ignores relative values.
    let base = match std::env::var_os("XDG_DATA_HOME").map(PathBuf::from) {
        Some(p) if p.is_absolute() => p,
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".local/share"),
    };
    Some(base.join("ocrpdf").join("tessdata"))
}

/// The folders OCR models are looked for in, in the order
/// [`check_languages`] tries them: `tessdata` alone when given
/// (`--tessdata`), else `$TESSDATA_PREFIX` (its `tessdata` subfolder and
/// itself), else ocrpdf's own folder and Debian's.
pub fn model_folders(tessdata: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = tessdata {
        return vec![dir.to_path_buf()];
    }
    match std::env::var_os("TESSDATA_PREFIX") {
        Some(p) => {
            let p = PathBuf::from(p);
            vec![p.join("tessdata"), p]
        }
        None => own_tessdata()
            .into_iter()
            .chain(DEFAULT_TESSDATA.iter().map(PathBuf::from))
            .collect(),
    }
}

/// Find the tessdata folder that holds every language of `languages`, or
/// say which language is missing and where we looked.
///
/// A chosen folder (`tessdata`, from `--tessdata`) is the only place
/// looked in, and so is `TESSDATA_PREFIX` when set: a model the user picked
/// is never silently swapped for another. Otherwise ocrpdf's own folder
/// (`own_tessdata`) comes first, then Debian's, the first holding every
/// language winning: the larger models `scripts/get-model.sh` puts there
/// read about a fifth fewer characters wrong than Debian's at 1.27 x the
/// CPU time (README, "Better models"), so once installed they are the
/// default.
pub fn check_languages(languages: &str, tessdata: Option<&Path>) -> Result<PathBuf> {
    let langs: Vec<&str> = languages.split('+').collect();
    for l in &langs {
        let ok = !l.is_empty()
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/');
        if !ok || l.contains("..") {
            return Err(Error::Config(format!(
                "'{languages}' is not a language list like 'eng' or 'eng+deu'"
            )));
        }
    }
    let first_missing = |d: &Path| {
        langs
            .iter()
            .find(|l| !d.join(format!("{l}.traineddata")).is_file())
            .copied()
    };
    if let Some(dir) = tessdata {
        return match first_missing(dir) {
            None => Ok(dir.to_path_buf()),
            Some(lang) => Err(Error::MissingModel {
                lang: lang.to_string(),
                dir: dir.to_path_buf(),
            }),
        };
    }
    let dirs = model_folders(None);
    if let Some(d) = dirs.iter().find(|d| first_missing(d).is_none()) {
        return Ok(d.clone());
    }
    let lang = dirs
        .iter()
        .find_map(|d| first_missing(d))
        .unwrap_or(langs[0])
        .to_string();
    let searched = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::MissingLanguage { lang, searched })
}

/// Tesseract's `debug_file` is a process-wide parameter (a global, not
/// per engine), so setting it from every worker's engine at once was a data
/// race. It is set once, before the first engine is made.
fn silence_tesseract() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Tesseract prints size estimates and warnings to stderr; they
        // mean nothing to users and would break the progress bar.
        let (n, v) = (c"debug_file", c"/dev/null");
        // SAFETY: a throwaway handle, used by this thread only and freed
        // here; setting a variable before Init is allowed (it creates the
        // parameter tables), and a global one outlives the handle.
        unsafe {
            let api = sys::TessBaseAPICreate();
            if !api.is_null() {
                sys::TessBaseAPISetVariable(api, n.as_ptr(), v.as_ptr());
                sys::TessBaseAPIDelete(api);
            }
        }
        // Leptonica, which Tesseract calls, reports its own errors on
        // stderr ("Error in boxClipToRectangle: box outside rectangle" on
        // a page of noise): Tesseract copes with them, and `-q` must stay
        // quiet. SAFETY: sets one global severity level.
        unsafe {
            leptonica_sys::setMsgSeverity(leptonica_sys::L_SEVERITY_NONE as i32);
        }
    });
}

/// A Tesseract engine with its models loaded.
pub struct Tesseract {
    api: *mut sys::TessBaseAPI,
    /// How long one page's recognition may take.
    deadline: Option<Duration>,
}

// The handle is used by one thread at a time (it is `&mut` in every call);
// Tesseract keeps no thread-affine state in it.
unsafe impl Send for Tesseract {}

impl Tesseract {
    /// An OCR engine for `languages` (LSTM models), from the folder
    /// [`check_languages`] picks for `tessdata`.
    pub fn new(languages: &str, tessdata: Option<&Path>) -> Result<Self> {
        Self::init(languages, tessdata, sys::TessOcrEngineMode_OEM_LSTM_ONLY)
    }

    /// An orientation detector (the legacy `osd` model, Debian's
    /// tesseract-ocr-osd).
    pub fn osd(tessdata: Option<&Path>) -> Result<Self> {
        Self::init("osd", tessdata, sys::TessOcrEngineMode_OEM_TESSERACT_ONLY)
    }

    fn init(languages: &str, tessdata: Option<&Path>, oem: sys::TessOcrEngineMode) -> Result<Self> {
        let datapath = check_languages(languages, tessdata)?;
        silence_tesseract();
        let c_path = CString::new(datapath.to_string_lossy().as_bytes())
            .map_err(|e| Error::OcrInit(e.to_string()))?;
        let c_lang = CString::new(languages).map_err(|e| Error::OcrInit(e.to_string()))?;
        // SAFETY: plain C calls on a handle we own; strings outlive the calls.
        unsafe {
            let api = sys::TessBaseAPICreate();
            if api.is_null() {
                return Err(Error::OcrInit("TessBaseAPICreate returned null".into()));
            }
            let engine = Tesseract {
                api,
                deadline: None,
            };
            let rc = sys::TessBaseAPIInit2(api, c_path.as_ptr(), c_lang.as_ptr(), oem);
            if rc != 0 {
                return Err(Error::OcrInit(format!(
                    "cannot load language data '{languages}' from {}",
                    datapath.display()
                )));
            }
            sys::TessBaseAPISetPageSegMode(api, sys::TessPageSegMode_PSM_AUTO);
            Ok(engine)
        }
    }
}

impl Tesseract {
    /// Give up on a page after `deadline` (`None`: never). Tesseract checks
    /// it between words (its `ETEXT_DESC` monitor), so a page stops within a
    /// word's time of it and the engine stays usable for the next page.
    pub fn set_deadline(&mut self, deadline: Option<Duration>) {
        self.deadline = deadline;
    }
}

impl Drop for Tesseract {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is freed once.
        unsafe {
            sys::TessBaseAPIEnd(self.api);
            sys::TessBaseAPIDelete(self.api);
        }
    }
}

impl Engine for Tesseract {
    fn recognize(&mut self, image: &OcrImage) -> std::result::Result<OcrPage, String> {
        let (dpi, image) = (image.dpi, image.gray.as_ref());
        let (w, h) = image.dimensions();
        let (wi, hi) = (
            c_int::try_from(w).map_err(|_| "image too wide")?,
            c_int::try_from(h).map_err(|_| "image too tall")?,
        );
        // SAFETY: the buffer is w*h bytes, one byte per pixel, and outlives
        // Recognize; results are read before Clear releases them.
        unsafe {
            sys::TessBaseAPISetImage(self.api, image.as_raw().as_ptr(), wi, hi, 1, wi);
            sys::TessBaseAPISetSourceResolution(self.api, dpi.x.max(dpi.y).round() as c_int);
            let monitor = match self.deadline {
                Some(d) => {
                    let m = sys::TessMonitorCreate();
                    let ms = d.as_millis().clamp(1, c_int::MAX as u128) as c_int;
                    sys::TessMonitorSetDeadlineMSecs(m, ms);
                    m
                }
                None => std::ptr::null_mut(),
            };
            let started = Instant::now();
            let rc = sys::TessBaseAPIRecognize(self.api, monitor);
            if !monitor.is_null() {
                sys::TessMonitorDelete(monitor);
            }
            if rc != 0 {
                sys::TessBaseAPIClear(self.api);
                return Err(match self.deadline {
                    Some(d) if started.elapsed() >= d => format!(
                        "took longer than the page's time limit of {} s (--ocr-timeout)",
                        d.as_secs_f64()
                    ),
                    _ => "Tesseract could not recognise the page".into(),
                });
            }
            let page = read_results(self.api);
            sys::TessBaseAPIClear(self.api);
            Ok(page)
        }
    }
}

/// `image` a bit a pixel as Tesseract's `SetImage` takes binary images
/// (rows of `(w + 7) / 8` bytes, the first pixel in the high bit, a set
/// bit for white), when every pixel is black (0) or white (255); `None`
/// for an image in tone.
fn packed_bits(image: &GrayImage) -> Option<Vec<u8>> {
    if !image.iter().all(|&v| v == 0 || v == 255) {
        return None;
    }
    let (w, h) = (image.width() as usize, image.height() as usize);
    let line = w.div_ceil(8);
    let mut rows = vec![0u8; line * h];
    for (row, out) in image
        .as_raw()
        .chunks_exact(w.max(1))
        .zip(rows.chunks_exact_mut(line.max(1)))
    {
        for (byte, px) in out.iter_mut().zip(row.chunks(8)) {
            *byte = px
                .iter()
                .enumerate()
                .fold(0, |b, (i, &v)| if v == 255 { b | (0x80 >> i) } else { b });
        }
    }
    Some(rows)
}

impl OrientationDetector for Tesseract {
    fn detect_orientation(
        &mut self,
        image: &GrayImage,
        dpi: Dpi,
    ) -> std::result::Result<Orientation, String> {
        let (w, h) = image.dimensions();
        let (wi, hi) = (
            c_int::try_from(w).map_err(|_| "image too wide")?,
            c_int::try_from(h).map_err(|_| "image too tall")?,
        );
        let (mut deg, mut conf, mut script_conf) = (0 as c_int, 0f32, 0f32);
        let mut script: *const std::os::raw::c_char = std::ptr::null();
        // A bilevel page (the pipeline's) is given a bit a pixel: Tesseract
        // would copy eight and threshold them to the same bits.
        let packed = packed_bits(image);
        let line = c_int::try_from(w.div_ceil(8)).map_err(|_| "image too wide")?;
        // SAFETY: as in `recognize`; the script name points into Tesseract's
        // static tables and is not freed. `packed` rows are `line` bytes,
        // `hi` of them, alive until the image is cleared.
        let ok = unsafe {
            match &packed {
                Some(rows) => sys::TessBaseAPISetImage(self.api, rows.as_ptr(), wi, hi, 0, line),
                None => sys::TessBaseAPISetImage(self.api, image.as_raw().as_ptr(), wi, hi, 1, wi),
            }
            sys::TessBaseAPISetSourceResolution(self.api, dpi.x.max(dpi.y).round() as c_int);
            let ok = sys::TessBaseAPIDetectOrientationScript(
                self.api,
                &mut deg,
                &mut conf,
                &mut script,
                &mut script_conf,
            );
            sys::TessBaseAPIClear(self.api);
            ok
        };
        // Failure means too little text to tell: report upright, no confidence.
        if ok == 0 {
            return Ok(Orientation {
                degrees: 0,
                confidence: 0.0,
            });
        }
        Ok(Orientation {
            degrees: (deg.rem_euclid(360) as u16 / 90) * 90,
            confidence: conf,
        })
    }
}

/// Walk the result iterator word by word, grouping words into lines and
/// noting each line's paragraph and each paragraph's block (with its
/// `PolyBlockType`). The engine's order is kept here; [`super::order`]
/// decides the reading order.
///
/// # Safety
///
/// `api` is a live Tesseract handle that has just recognised a page (its
/// results are current), used by no other thread meanwhile.
unsafe fn read_results(api: *mut sys::TessBaseAPI) -> OcrPage {
    let mut page = OcrPage::default();
    let none = Rect {
        x0: 0,
        y0: 0,
        x1: 0,
        y1: 0,
    };
    // SAFETY (whole fn): the iterator belongs to `api`'s current results and
    // is deleted before return; strings from it are freed with TessDeleteText.
    unsafe {
        let ri = sys::TessBaseAPIGetIterator(api);
        if ri.is_null() {
            return page;
        }
        let pi = sys::TessResultIteratorGetPageIterator(ri);
        let word_level = sys::TessPageIteratorLevel_RIL_WORD;
        let line_level = sys::TessPageIteratorLevel_RIL_TEXTLINE;
        let para_level = sys::TessPageIteratorLevel_RIL_PARA;
        let block_level = sys::TessPageIteratorLevel_RIL_BLOCK;
        let at_start = |level| sys::TessPageIteratorIsAtBeginningOf(pi, level) != 0;
        loop {
            if page.blocks.is_empty() || at_start(block_level) {
                page.blocks.push(Block {
                    bbox: bounding_box(pi, block_level).unwrap_or(none),
                    kind: block_kind(sys::TessPageIteratorBlockType(pi)),
                });
            }
            if page.paragraphs.is_empty() || at_start(para_level) || at_start(block_level) {
                page.paragraphs.push(Paragraph {
                    bbox: bounding_box(pi, para_level).unwrap_or(none),
                    block: page.blocks.len() - 1,
                });
            }
            if page.lines.is_empty() || at_start(line_level) {
                let bbox = bounding_box(pi, line_level).unwrap_or(none);
                let (mut x1, mut y1, mut x2, mut y2) = (0, 0, 0, 0);
                let baseline = if sys::TessPageIteratorBaseline(
                    pi, line_level, &mut x1, &mut y1, &mut x2, &mut y2,
                ) != 0
                {
                    ((x1 as f32, y1 as f32), (x2 as f32, y2 as f32))
                } else {
                    (
                        (bbox.x0 as f32, bbox.y1 as f32),
                        (bbox.x1 as f32, bbox.y1 as f32),
                    )
                };
                page.lines.push(Line {
                    bbox,
                    baseline,
                    words: Vec::new(),
                    paragraph: Some(page.paragraphs.len() - 1),
                });
            }
            let text_ptr = sys::TessResultIteratorGetUTF8Text(ri, word_level);
            if !text_ptr.is_null() {
                let text = CStr::from_ptr(text_ptr)
                    .to_string_lossy()
                    .trim()
                    .to_string();
                sys::TessDeleteText(text_ptr);
                if let (false, Some(bbox), Some(line)) = (
                    text.is_empty(),
                    bounding_box(pi, word_level),
                    page.lines.last_mut(),
                ) {
                    let confidence = sys::TessResultIteratorConfidence(ri, word_level);
                    line.words.push(Word {
                        text,
                        bbox,
                        confidence,
                    });
                }
            }
            if sys::TessPageIteratorNext(pi, word_level) == 0 {
                break;
            }
        }
        sys::TessResultIteratorDelete(ri);
    }
    page.lines.retain(|l| !l.words.is_empty());
    page
}

/// Tesseract's `PolyBlockType` as a [`BlockKind`]. Image and rule kinds
/// hold no words, so they never reach a line; they map to `Other`.
fn block_kind(t: sys::TessPolyBlockType) -> BlockKind {
    match t {
        sys::TessPolyBlockType_PT_FLOWING_TEXT => BlockKind::Text,
        sys::TessPolyBlockType_PT_HEADING_TEXT => BlockKind::Heading,
        sys::TessPolyBlockType_PT_PULLOUT_TEXT => BlockKind::PullOut,
        sys::TessPolyBlockType_PT_CAPTION_TEXT => BlockKind::Caption,
        sys::TessPolyBlockType_PT_TABLE => BlockKind::Table,
        sys::TessPolyBlockType_PT_VERTICAL_TEXT => BlockKind::Vertical,
        _ => BlockKind::Other,
    }
}

/// The box of the iterator's element at `level`; `None` when Tesseract has
/// none or it is empty.
///
/// # Safety
///
/// `pi` is a live page iterator of the current results.
unsafe fn bounding_box(
    pi: *const sys::TessPageIterator,
    level: sys::TessPageIteratorLevel,
) -> Option<Rect> {
    let (mut x0, mut y0, mut x1, mut y1) = (0, 0, 0, 0);
    // SAFETY: `pi` is a live iterator; outputs are plain ints.
    let ok =
        unsafe { sys::TessPageIteratorBoundingBox(pi, level, &mut x0, &mut y0, &mut x1, &mut y1) }
            != 0;
    // Tesseract clips boxes to the image, so they are never negative.
    let [x0, y0, x1, y1] = [x0, y0, x1, y1].map(|v| v.max(0) as u32);
    (ok && x1 > x0 && y1 > y0).then_some(Rect { x0, y0, x1, y1 })
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};
    use std::os::fd::AsRawFd;

    /// A bilevel image packs to rows of whole bytes, high bit first, white
    /// set; an image in tone is not packed.
    #[test]
    fn bilevel_images_pack_as_tesseract_reads_them() {
        let img = image::GrayImage::from_fn(10, 2, |x, y| {
            image::Luma([if (x + y) % 3 == 0 { 0 } else { 255 }])
        });
        // Row 0: black at x = 0, 3, 6, 9; row 1: at x = 2, 5, 8.
        assert_eq!(
            super::packed_bits(&img),
            Some(vec![0b0110_1101, 0b1000_0000, 0b1101_1011, 0b0100_0000])
        );
        let mut tone = img.clone();
        tone.put_pixel(4, 1, image::Luma([128]));
        assert_eq!(super::packed_bits(&tone), None);
    }

    /// What Leptonica writes to the process's stderr while `f` runs.
    fn stderr_of(f: impl FnOnce()) -> String {
        let mut file = tempfile::tempfile().unwrap();
        // SAFETY: fd 2 is saved, pointed at the temp file for the call,
        // and restored; nothing else closes it meanwhile.
        unsafe {
            let saved = libc::dup(2);
            libc::dup2(file.as_raw_fd(), 2);
            f();
            libc::dup2(saved, 2);
            libc::close(saved);
        }
        let mut out = String::new();
        file.rewind().unwrap();
        file.read_to_string(&mut out).unwrap();
        out
    }

    /// Leptonica reports a null image on stderr ("Error in pixGetWidth:
    /// pix not defined") until the engines' set-up silences it.
    #[test]
    fn leptonica_errors_do_not_reach_stderr() {
        // SAFETY: a null image is what Leptonica checks for and reports.
        let before = stderr_of(|| unsafe {
            leptonica_sys::pixGetWidth(std::ptr::null());
        });
        super::silence_tesseract();
        let after = stderr_of(|| unsafe {
            leptonica_sys::pixGetWidth(std::ptr::null());
        });
        // Another test may have made an engine first; if not, the capture
        // is seen to work.
        assert!(
            before.is_empty() || before.contains("pixGetWidth"),
            "{before}"
        );
        assert_eq!(after, "");
    }
}
