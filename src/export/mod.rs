//! `ocrpdf clean`: the cleanup pipeline writing images instead of a PDF.
//!
//! Pages are decoded, cleaned and turned upright exactly as for the PDF
//! (the same `pipeline::clean_upright`), then written one file per page,
//! each through a temp file and a rename. A page that fails does not stop
//! the others; every failure is reported.
//!
//! Pages run on the conversion's page workers and scheduler
//! (`pipeline::Workers`, `schedule::in_order`): the same bounded window
//! and cancellation, and an orientation call that hangs past the default
//! OCR time limit is abandoned with its worker replaced, stopping the run
//! instead of holding it forever.

mod encode;
mod layers;

pub use encode::ImageFormat;
pub(crate) use encode::PageRaster;

use crate::clean::{CleanPage, Picture};
use crate::error::{Error, Result};
use crate::input::{self, Input, PageRef, Pixels};
use crate::job::PageOptions;
use crate::ocr::{DEFAULT_OCR_TIMEOUT, TesseractEngines};
use crate::output::{self, Mode};
use crate::pipeline::{self, EngineClock, Progress, Workers};
use crate::prepare::{Preflight, prepare};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where cleaned pages go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One file per page in this folder, named after the input.
    Dir(PathBuf),
    /// Exactly one page to this file.
    File(PathBuf),
    /// Exactly one page to standard output.
    Stdout,
}

/// An `ocrpdf clean` job.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    /// Images or PDFs to clean, in order; each page gives one image.
    pub inputs: Vec<Input>,
    /// Where the images go.
    pub target: Target,
    /// Output format; `None` takes it from the file name, else PNG.
    pub format: Option<ImageFormat>,
    /// How pages are cleaned, as for a conversion.
    pub page: PageOptions,
    /// The folder of Tesseract's orientation model (`osd.traineddata`);
    /// `None` searches as for OCR ([`crate::ocr::check_languages`]).
    pub tessdata: Option<PathBuf>,
    /// Replace existing output files.
    pub force: bool,
    /// Also write a colour-layered page's mask, foreground and background.
    pub layers: bool,
}

/// What was written for one page.
#[derive(Debug, Clone)]
pub struct ExportReport {
    /// The page, as messages name it (`scan.pdf page 3`).
    pub label: String,
    /// The image written.
    pub output: PathBuf,
    /// Skew removed, in degrees.
    pub skew_deg: f32,
    /// Rotation applied to make the page upright, in degrees.
    pub rotated_deg: u16,
    /// `bilevel`, `gray`, `color`, `mixed` (bilevel with pictures) or
    /// `colour-layers` ([`CleanPage::kind`]).
    pub kind: &'static str,
    /// What decoding had to say (a kept truncated JPEG, an estimated
    /// resolution).
    pub warnings: Vec<input::Warning>,
    /// The layer files written (`--layers`): mask, foreground, background.
    pub layers: Vec<PathBuf>,
}

impl From<&ExportReport> for crate::report::CleanPageReport {
    fn from(r: &ExportReport) -> Self {
        crate::report::CleanPageReport {
            input: r.label.clone(),
            output: crate::report::absolute(&r.output),
            skew_deg: crate::report::round(r.skew_deg.into(), 2),
            rotation_deg: r.rotated_deg,
            kind: r.kind.to_string(),
            warnings: r.warnings.iter().map(Into::into).collect(),
            layers: r
                .layers
                .iter()
                .map(|p| crate::report::absolute(p))
                .collect(),
        }
    }
}

/// The result of a job: the pages written and the errors met, in page order.
#[derive(Debug)]
pub struct ExportOutcome {
    /// Pages written, in page order.
    pub written: Vec<ExportReport>,
    /// Pages that failed; the others were written regardless.
    pub errors: Vec<Error>,
}

/// Clean every page and write it as an image.
pub fn export(
    cfg: &ExportConfig,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<ExportOutcome> {
    // Output files are checked page by page once the pages are known.
    let inputs = prepare(&Preflight {
        inputs: Some(&cfg.inputs),
        output: None,
        ocr: None,
        page: &cfg.page,
        tessdata: cfg.tessdata.as_deref(),
    })?;
    // Each input stands alone: an unreadable one is reported, the rest go on.
    let (mut pages, mut errors) = (Vec::new(), Vec::new());
    for i in &inputs {
        match input::list_pages(std::slice::from_ref(i), &cfg.page.limits) {
            Ok(p) => pages.extend(p),
            Err(e) => errors.push(e),
        }
    }
    // `clean` reads no text: a spread's pages go left to right.
    let pages = pipeline::split_spreads(pages, &cfg.page, false);
    if pages.is_empty() {
        return Ok(ExportOutcome {
            written: Vec::new(),
            errors,
        });
    }
    let plan = plan_outputs(cfg, &pages)?;
    progress.start(pages.len());
    let workers = Workers::for_pages(&cfg.page)?;
    // The pages' work owns what it reads: a worker abandoned to a hung
    // engine may outlive this call.
    let shared = Arc::new((pages, plan, cfg.clone()));
    let theirs = Arc::clone(&shared);
    // A page's failure is its result, not the run's: the others go on.
    let run = move |i: usize, clock: &EngineClock| {
        let (pages, plan, cfg) = &*theirs;
        let page = std::panic::AssertUnwindSafe(|| export_page(&pages[i], &plan[i], cfg, clock));
        Ok(std::panic::catch_unwind(page).unwrap_or_else(|_| Err(panicked(&pages[i]))))
    };
    let label = |i: usize| shared.0[i].label();
    let overdue = |i: usize| Error::Ocr {
        path: PathBuf::from(label(i)),
        reason: format!(
            "the orientation engine was still running {} s after it began, so its worker was abandoned",
            pipeline::abandon_after(DEFAULT_OCR_TIMEOUT).as_secs_f64()
        ),
    };
    let work = pipeline::Work {
        count: shared.0.len(),
        window: 2 * workers.count(),
        cancel,
        run: Arc::new(run),
        panicked: &|i| panicked(&shared.0[i]),
        engine_limit: Some(pipeline::abandon_after(DEFAULT_OCR_TIMEOUT)),
        overdue: &overdue,
        cost: Some(&|i| pipeline::memory::page_need(&shared.0[i])),
    };
    let mut written = Vec::new();
    pipeline::in_order(&workers, work, |i, r: Result<ExportReport>| {
        progress.page_done(&shared.0[i]);
        match r {
            Ok(w) => written.push(w),
            Err(e) => errors.push(e),
        }
        Ok(())
    })?;
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    Ok(ExportOutcome { written, errors })
}

fn panicked(page: &PageRef) -> Error {
    Error::Internal(format!(
        "{}: internal error (panic) while cleaning",
        page.label()
    ))
}

/// Output path and format of each page, decided and checked before any
/// work: no two pages to one file, never onto an input, never over an
/// existing file unless forced.
fn plan_outputs(
    cfg: &ExportConfig,
    pages: &[PageRef],
) -> Result<Vec<(Option<PathBuf>, ImageFormat)>> {
    let format_for = |path: Option<&Path>| {
        cfg.format
            .or_else(|| path.and_then(ImageFormat::from_path))
            .unwrap_or(ImageFormat::Png)
    };
    let plan: Vec<(Option<PathBuf>, ImageFormat)> = match &cfg.target {
        Target::File(_) | Target::Stdout if pages.len() != 1 => {
            return Err(Error::Config(format!(
                "{} pages to clean but one output file: give a folder with -d",
                pages.len()
            )));
        }
        Target::File(p) => {
            if cfg.format.is_none() && ImageFormat::from_path(p).is_none() {
                return Err(Error::Config(format!(
                    "{}: unknown image extension; use --format png|tiff|pnm",
                    p.display()
                )));
            }
            vec![(Some(p.clone()), format_for(Some(p)))]
        }
        Target::Stdout => vec![(None, format_for(None))],
        Target::Dir(dir) => {
            if !dir.is_dir() {
                std::fs::create_dir_all(dir).map_err(|e| Error::Output {
                    path: dir.clone(),
                    source: e,
                })?;
            }
            let format = format_for(None);
            pages
                .iter()
                .map(|p| {
                    let stem = match p.path().file_stem() {
                        Some(s) if p.path() != Path::new("-") => s.to_string_lossy().into_owned(),
                        _ => "stdin".to_string(),
                    };
                    let mut name = if p.count > 1 {
                        format!("{stem}-{:03}", p.index + 1)
                    } else {
                        stem
                    };
                    if let Some(crate::capture::SpreadPart::Page { side, .. }) = p.spread {
                        name = format!("{name}-{}", side.name());
                    }
                    // The extension follows the page's kind for PNM only,
                    // which is known after cleaning; PNG and TIFF fix it now.
                    (
                        Some(dir.join(format!("{name}.{}", format.extension(true, false)))),
                        format,
                    )
                })
                .collect()
        }
    };
    let mut seen = std::collections::HashSet::new();
    let inputs: Vec<PathBuf> = pages
        .iter()
        .filter_map(|p| p.path().canonicalize().ok())
        .collect();
    for (path, _) in &plan {
        let Some(path) = path else { continue };
        if !seen.insert(path.clone()) {
            return Err(Error::Config(format!(
                "{}: two pages would be written to this file",
                path.display()
            )));
        }
        if let Some(c) = crate::prepare::canonical_target(path)
            && inputs.contains(&c)
        {
            return Err(Error::Config(format!(
                "{}: output would overwrite an input",
                path.display()
            )));
        }
        if path.exists() && !cfg.force {
            return Err(Error::Config(format!(
                "{}: already exists (use --force to replace it)",
                path.display()
            )));
        }
    }
    Ok(plan)
}

fn export_page(
    page: &PageRef,
    (path, format): &(Option<PathBuf>, ImageFormat),
    cfg: &ExportConfig,
    clock: &EngineClock,
) -> Result<ExportReport> {
    let (cleaned, mut warnings, rotated_deg) = pipeline::clean_upright(
        &TesseractEngines,
        clock,
        page,
        &cfg.page,
        cfg.tessdata.as_deref(),
    )?;
    warnings.extend(cleaned.warnings.iter().cloned());
    if cfg.layers && path.is_none() && cleaned.layers.is_some() {
        return Err(Error::Config(format!(
            "{}: --layers writes files next to the page's; give -o FILE or -d DIR",
            page.label()
        )));
    }
    let (raster, kind) = raster(&cleaned);
    let colour = matches!(&raster, PageRaster::Tone(p) if matches!(**p, Pixels::Rgb(_)));
    let bilevel = matches!(raster, PageRaster::Bilevel(_));
    let mut encoded = Vec::new();
    encode::write(&mut encoded, &raster, cleaned.dpi, *format)
        .map_err(|e| Error::Internal(format!("{}: {e}", page.label())))?;
    let output = match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&encoded)
                .and_then(|()| out.flush())
                .map_err(|e| Error::Output {
                    path: "-".into(),
                    source: e,
                })?;
            PathBuf::from("-")
        }
        Some(p) => {
            // PNM's extension says what it holds (pbm/pgm/ppm).
            let p = if *format == ImageFormat::Pnm && matches!(cfg.target, Target::Dir(_)) {
                p.with_extension(format.extension(bilevel, colour))
            } else {
                p.clone()
            };
            // Without --force an existing file was refused up front; one
            // that appeared since is not replaced either.
            let mode = if cfg.force {
                Mode::Replace
            } else {
                Mode::NoReplace
            };
            output::write(&p, &encoded, mode)?;
            p
        }
    };
    let layers = match (&cleaned.layers, cfg.layers) {
        (Some(l), true) => layers::write(&output, *format, l, &cleaned, cfg.force)?,
        _ => Vec::new(),
    };
    Ok(ExportReport {
        label: page.label(),
        output,
        skew_deg: cleaned.skew_deg,
        rotated_deg,
        kind,
        warnings,
        layers,
    })
}

/// The page exactly as the PDF shows it: the bilevel image, the tone page,
/// the colour layers composed through their mask, and any pictures painted
/// in.
fn raster(page: &CleanPage) -> (PageRaster<'_>, &'static str) {
    let kind = page.kind();
    let regions: &[(crate::clean::Rect, Pixels)] = match &page.picture {
        Picture::None => &[],
        Picture::Page(p) => return (PageRaster::Tone(Cow::Borrowed(p)), kind),
        Picture::Regions(r) => r,
    };
    let base = page.bits.as_gray();
    let mut out = match &page.layers {
        Some(l) => Pixels::Rgb(l.compose(&page.bits)),
        None if regions.is_empty() => return (PageRaster::Bilevel(&page.bits), kind),
        None if regions.iter().any(|(_, p)| matches!(p, Pixels::Rgb(_))) => {
            Pixels::Rgb(image::DynamicImage::ImageLuma8(base.clone()).into_rgb8())
        }
        None => Pixels::Gray(base.clone()),
    };
    for (r, p) in regions {
        match (&mut out, p) {
            (Pixels::Gray(o), Pixels::Gray(g)) => {
                image::imageops::replace(o, g, r.x0 as i64, r.y0 as i64);
            }
            (Pixels::Rgb(o), Pixels::Rgb(c)) => {
                image::imageops::replace(o, c, r.x0 as i64, r.y0 as i64);
            }
            (Pixels::Rgb(o), Pixels::Gray(g)) => {
                let c = image::DynamicImage::ImageLuma8(g.clone()).into_rgb8();
                image::imageops::replace(o, &c, r.x0 as i64, r.y0 as i64);
            }
            (Pixels::Gray(_), Pixels::Rgb(_)) => {
                unreachable!("colour regions make a colour page")
            }
        }
    }
    (PageRaster::Tone(Cow::Owned(out)), kind)
}
