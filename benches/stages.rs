//! Per-stage timings of one scan-like A4 page at 300 dpi (2481×3507 pixels).
//!
//! Run it as
//!
//!     OMP_THREAD_LIMIT=1 cargo bench --bench stages
//!
//! `OMP_THREAD_LIMIT=1` matters: libgomp (used by Tesseract) reads it once,
//! when the library is loaded at process start, so it cannot be set from
//! inside the benchmark. Without it Tesseract spreads one page over every
//! core and the OCR figure is not the per-worker cost the pipeline sees.
//!
//! The page comes from the test generator (`tests/common/gen.rs`): rendered
//! DejaVu text, degraded like a typical office scan (uneven yellow paper,
//! specks, blur, 0.8° skew, noise, JPEG). Each stage is fed what it gets
//! inside `clean::clean`: grey, background, binarize + border removal,
//! deskew detect (on those bits), rotate, binarize + border removal again
//! (on the level page), despeckle, picture regions. So every figure is
//! milliseconds per page for that stage alone, and `clean::clean` is about
//! the sum with binarize and border removal counted twice. The page has no
//! pictures, so the colour path of `clean` (run only when pictures are
//! kept) is not exercised. The page measures sharp, so binarize does not
//! deconvolve it; `deconvolve::richardson_lucy` is timed on the page
//! blurred further by σ 1.1 px, what binarize adds on a phone photo in soft
//! focus. After cleanup come the orientation check (OSD) and OCR of the
//! cleaned page, as in the pipeline.
//!
//! Four figures follow one page through the pipeline's stages as a worker
//! runs them, so a regression in any shows in review: `decode::png` and
//! `decode::jpeg` (the page read from a file of each kind, as
//! `input::decode_page` does for every page), `clean::clean`, `read::read
//! (grey page)` (OCR, in the `ocr` group) and `pdf::build_page` (the
//! page's images encoded and its text layer written, from the OCR words of
//! that reading). The other figures split cleanup into its steps.
//!
//! Sample sizes and measurement times are kept short so the whole run takes
//! about two and a half minutes on two cores; the numbers are for spotting
//! the dominant stage and gross regressions, not for fine comparisons. Other
//! work on the machine (builds, tests) shows up directly in them.

#[path = "../tests/common/gen.rs"]
mod generator;

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use ocrpdf::clean::{self, Binarize, CleanOptions, Despeckle};
use ocrpdf::input::{Dpi, Input, Limits, PageImage, PageRef, Pixels};
use ocrpdf::internals::page_pdf::{self, PageEncoding};
use ocrpdf::internals::read;
use ocrpdf::internals::{background, binarize, border, content, deskew};
use ocrpdf::ocr::{OrientationDetector, Tesseract};
use ocrpdf::pdf::ImageOptions;
use std::hint::black_box;
use std::time::Duration;

const SEED: u64 = 1;
/// Focus blur (Gaussian σ, pixels) added for the deconvolution figure.
const SOFT_FOCUS_SIGMA: f32 = 1.1;

/// The generated page as the pipeline would decode it, and its ground truth.
fn page() -> (PageImage, String) {
    let page = generator::render(&generator::Layout {
        seed: SEED,
        ..Default::default()
    });
    let page = generator::degrade(&page, &generator::Degrade::typical(SEED));
    let image = PageImage {
        pixels: Pixels::Rgb(page.image),
        dpi: Dpi::uniform(300.0),
    };
    (image, page.text)
}

fn stages(c: &mut Criterion) {
    let (image, truth) = page();
    let dpi = image.dpi;
    let (w, h) = image.pixels.dimensions();
    let Pixels::Rgb(rgb) = &image.pixels else {
        unreachable!("the generator makes RGB pages")
    };

    // Inputs for each stage, made once, in the order `clean::clean` runs them.
    let method = Binarize::default();
    let binarize_unbordered = |gray: &image::GrayImage| {
        let mut bits = binarize::binarize(gray, dpi, method);
        let removed = border::remove(&mut bits);
        (bits, removed)
    };
    let gray = image::DynamicImage::ImageRgb8(rgb.clone()).into_luma8();
    let normalized = background::normalize(&gray, dpi);
    let (skewed_bits, _) = binarize_unbordered(&normalized);
    let skew = deskew::detect(skewed_bits.as_gray(), dpi);
    // Rotate by what was found (the generator skews by 0.8°), so the rotate
    // figure is the cost on a page that needs it.
    let angle = skew.filter(|a| a.abs() >= 0.05).unwrap_or(0.8);
    let rotated = deskew::rotate(&normalized, angle);
    let bits = binarize::binarize(&rotated, dpi, method);
    let (unbordered, borders) = binarize_unbordered(&rotated);
    let despeckled = ocrpdf::internals::despeckle::despeckle(&unbordered, dpi, Despeckle::Normal);
    let pictures = content::picture_regions(&rotated, dpi, &[]);
    let cleaned = clean::clean(&image, &CleanOptions::default());
    // The page as files, PNG and JPEG (quality 85, as scanners write), for
    // the decode figures.
    let files = tempfile::tempdir().expect("a temporary folder");
    let file = |name: &str, format: image::ImageFormat| -> PageRef {
        let path = files.path().join(name);
        rgb.save_with_format(&path, format).expect("page written");
        let pages = ocrpdf::input::list_pages(&[Input::Path(path)], &Limits::default())
            .expect("page listed");
        pages.into_iter().next().expect("one page")
    };
    let png = file("page.png", image::ImageFormat::Png);
    let jpeg_path = files.path().join("page.jpg");
    {
        let out = std::fs::File::create(&jpeg_path).expect("jpeg created");
        image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(out), 85)
            .encode_image(rgb)
            .expect("jpeg written");
    }
    let jpeg = ocrpdf::input::list_pages(&[Input::Path(jpeg_path)], &Limits::default())
        .expect("page listed")
        .remove(0);
    // The OCR words the text layer is written from (none without
    // Tesseract: the figure is then the images alone).
    let words = Tesseract::new("eng", None)
        .ok()
        .and_then(|mut e| read::read(&mut e, &cleaned, Default::default()).ok())
        .unwrap_or_default();
    let encoding = PageEncoding {
        images: ImageOptions::default(),
        lossy_page: false,
    };
    let g4 = ocrpdf::internals::g4::encode(&cleaned.bits);
    let jbig2 = ocrpdf::internals::jbig2::encode(&cleaned.bits);
    eprintln!(
        "page {w}x{h} @ {} dpi: skew detected {skew:?}°, ink px {} after binarize, \
         {} border areas removed, {} ink px after despeckle, {} picture regions, \
         G4 {} bytes, JBIG2 {} bytes ({:.2}× G4)",
        dpi.x,
        bits.ink_count(),
        borders.len(),
        despeckled.ink_count(),
        pictures.len(),
        g4.len(),
        jbig2.len(),
        jbig2.len() as f64 / g4.len() as f64
    );

    let mut g = c.benchmark_group("stages");
    // Flat sampling: the same few iterations per sample, so stages of
    // 100+ ms fit the time without criterion's linear ramp.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(1));
    g.bench_function("decode::png", |b| {
        b.iter(|| ocrpdf::input::decode_page(black_box(&png), &Limits::default(), None));
    });
    g.bench_function("decode::jpeg", |b| {
        b.iter(|| ocrpdf::input::decode_page(black_box(&jpeg), &Limits::default(), None));
    });
    g.bench_function("to_gray", |b| {
        b.iter(|| image::DynamicImage::ImageRgb8(black_box(rgb).clone()).into_luma8());
    });
    g.bench_function("background::normalize", |b| {
        b.iter(|| background::normalize(black_box(&gray), dpi));
    });
    g.bench_function("binarize::intermeans", |b| {
        b.iter(|| binarize::binarize(black_box(&rotated), dpi, Binarize::Intermeans));
    });
    g.bench_function("binarize::sauvola", |b| {
        b.iter(|| binarize::binarize(black_box(&rotated), dpi, Binarize::Sauvola));
    });
    g.bench_function("binarize::otsu", |b| {
        b.iter(|| binarize::binarize(black_box(&rotated), dpi, Binarize::Otsu));
    });
    // The page as a phone in soft focus would take it (σ 1.1 px more),
    // deconvolved as binarize does: 14·σ² iterations.
    let soft = imageproc::filter::gaussian_blur_f32(&rotated, SOFT_FOCUS_SIGMA);
    let soft_iterations = (14.0 * SOFT_FOCUS_SIGMA * SOFT_FOCUS_SIGMA).round() as usize;
    g.bench_function("deconvolve::richardson_lucy", |b| {
        b.iter(|| {
            ocrpdf::internals::deconvolve::richardson_lucy(
                black_box(&soft),
                SOFT_FOCUS_SIGMA,
                soft_iterations,
            )
        });
    });
    g.bench_function("border::remove", |b| {
        b.iter_batched_ref(
            || bits.clone(),
            |bits| border::remove(black_box(bits)),
            BatchSize::LargeInput,
        );
    });
    g.bench_function("deskew::detect", |b| {
        b.iter(|| deskew::detect(black_box(skewed_bits.as_gray()), dpi));
    });
    g.bench_function("deskew::rotate", |b| {
        b.iter(|| deskew::rotate(black_box(&normalized), angle));
    });
    g.bench_function("despeckle::despeckle", |b| {
        b.iter(|| {
            ocrpdf::internals::despeckle::despeckle(black_box(&unbordered), dpi, Despeckle::Normal)
        });
    });
    g.bench_function("content::picture_regions", |b| {
        b.iter(|| content::picture_regions(black_box(&rotated), dpi, &[]));
    });
    g.bench_function("check::changes", |b| {
        b.iter(|| {
            ocrpdf::internals::check::changes(black_box(&rotated), &despeckled, &pictures, &[], dpi)
        });
    });
    // Ten flat samples of the whole cleanup need 7-10 s.
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("clean::clean", |b| {
        b.iter(|| clean::clean(black_box(&image), &CleanOptions::default()));
    });
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("pdf::g4::encode", |b| {
        b.iter(|| ocrpdf::internals::g4::encode(black_box(&cleaned.bits)));
    });
    g.bench_function("pdf::jbig2::encode", |b| {
        b.iter(|| ocrpdf::internals::jbig2::encode(black_box(&cleaned.bits)));
    });
    g.bench_function("pdf::build_page", |b| {
        b.iter(|| page_pdf::build(black_box(&cleaned), &words, &encoding));
    });
    g.finish();

    ocr(c, &cleaned, &truth);
}

/// Orientation check and OCR of the cleaned page: a second or two per call,
/// so few samples.
fn ocr(c: &mut Criterion, cleaned: &clean::CleanPage, truth: &str) {
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        eprintln!(
            "warning: OMP_THREAD_LIMIT is not set; run as \
             `OMP_THREAD_LIMIT=1 cargo bench --bench stages` for the per-worker OCR cost"
        );
    }
    let mut engine = match Tesseract::new("eng", None) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("skipping ocr benchmark: {e}");
            return;
        }
    };
    match read::read(&mut engine, cleaned, Default::default()) {
        Ok(page) => eprintln!(
            "ocr: {} lines, CER {:.2}% against the ground truth",
            page.lines.len(),
            100.0 * generator::cer(truth, &page.text())
        ),
        Err(e) => {
            eprintln!("skipping ocr benchmark: {e}");
            return;
        }
    }

    let mut osd = match Tesseract::osd(None) {
        Ok(e) => Some(e),
        Err(e) => {
            eprintln!("skipping orientation benchmark: {e}");
            None
        }
    };
    if let Some(o) = osd.as_mut() {
        match o.detect_orientation(cleaned.bits.as_gray(), cleaned.dpi) {
            Ok(found) => eprintln!("osd: {found:?}"),
            Err(e) => {
                eprintln!("skipping orientation benchmark: {e}");
                osd = None;
            }
        }
    }

    let mut g = c.benchmark_group("ocr");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(1));
    if let Some(mut osd) = osd {
        g.bench_function("tesseract::detect_orientation", |b| {
            b.iter(|| {
                osd.detect_orientation(black_box(cleaned.bits.as_gray()), cleaned.dpi)
                    .expect("detected once already")
            });
        });
    }
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("read::read (grey page)", |b| {
        b.iter(|| {
            read::read(&mut engine, black_box(cleaned), Default::default())
                .expect("recognised once already")
        });
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
