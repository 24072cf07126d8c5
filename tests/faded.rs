//! Issue 23, point 2: faded ink keeps its strokes in the stored image.
//!
//! Magazine columns faded the way real print fades (tests/common/faded.rs:
//! grey-brown ink on cream paper, worn and uneven strokes, paper fibres,
//! slight blur) are cleaned with the default options; the stored bilevel
//! image is scored against the clean render (DIBCO F-measure), and its
//! letters must not fall apart into more pieces than the render has.

mod common;

use common::faded::{Fading, faded_columns};
use common::kinds::{Kind, fmeasure, precision_recall};
use image::GrayImage;
use ocrpdf::clean::{CleanOptions, clean};
use ocrpdf::input::{Dpi, PageImage, Pixels};

/// The stored text must score at least this against the clean render.
const MIN_F: f64 = 95.0;
/// Broken strokes split letters into pieces: the stored ink may have at
/// most this many connected pieces per piece of the clean render.
const MAX_PIECES_RATIO: f64 = 1.05;

/// The faded fixtures: a crop of two magazine columns each, 9 and 10 pt.
fn fixtures() -> Vec<Kind> {
    vec![
        faded_columns("faded-9pt", (4.2, 2.6), 2, 9.0, &Fading::magazine(231)),
        faded_columns(
            "faded-10pt-worn",
            (4.2, 2.6),
            2,
            10.0,
            &Fading {
                wear: 0.4,
                contrast: (35.0, 65.0),
                ..Fading::magazine(232)
            },
        ),
    ]
}

/// Connected pieces of ink (8-connected), ignoring pieces of fewer than
/// `min` pixels.
fn pieces(bits: &GrayImage, min: usize) -> usize {
    let (w, h) = (bits.width() as usize, bits.height() as usize);
    let raw = bits.as_raw();
    let mut seen = vec![false; w * h];
    let mut count = 0;
    let mut stack = Vec::new();
    for start in 0..w * h {
        if seen[start] || raw[start] >= 128 {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            for yy in y.saturating_sub(1)..(y + 2).min(h) {
                for xx in x.saturating_sub(1)..(x + 2).min(w) {
                    let j = yy * w + xx;
                    if !seen[j] && raw[j] < 128 {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        count += usize::from(size >= min);
    }
    count
}

#[test]
fn faded_magazine_columns_keep_their_strokes() {
    let kinds = fixtures();
    let results: Vec<_> = std::thread::scope(|s| {
        let jobs: Vec<_> = kinds
            .iter()
            .map(|k| {
                s.spawn(move || {
                    let page = PageImage {
                        pixels: Pixels::Rgb(k.page.image.clone()),
                        dpi: Dpi::uniform(k.page.dpi),
                    };
                    let out = clean(&page, &CleanOptions::default());
                    (k, out.bits.as_gray().clone())
                })
            })
            .collect();
        jobs.into_iter().map(|j| j.join().unwrap()).collect()
    });
    let mut table = format!(
        "{:<18}{:>8}{:>8}{:>8}{:>9}{:>9}\n",
        "fixture", "F %", "P %", "R %", "pieces", "truth"
    );
    let mut failures = Vec::new();
    for (k, got) in results {
        let truth = k.truth_bits.as_ref().unwrap();
        if let Ok(dir) = std::env::var("OCRPDF_FADED_OUT") {
            let dir = std::path::Path::new(&dir);
            common::generator::save_png(&k.page, &dir.join(format!("{}.png", k.name)));
            got.save(dir.join(format!("{}.bits.png", k.name))).unwrap();
            truth
                .save(dir.join(format!("{}.truth.png", k.name)))
                .unwrap();
            // Input, stored and truth, one above the other, full size.
            let (cx, cy, cw, ch, zoom) = (90, 90, 260, 80, 3);
            let input = image::DynamicImage::ImageRgb8(k.page.image.clone()).into_luma8();
            let view = GrayImage::from_fn(cw * zoom, 3 * ch * zoom, |x, y| {
                let (x, y) = (x / zoom, y / zoom);
                let src = [&input, &got, truth][(y / ch) as usize];
                *src.get_pixel(cx + x, cy + y % ch)
            });
            view.save(dir.join(format!("{}.view.png", k.name))).unwrap();
        }
        assert_eq!(got.dimensions(), truth.dimensions(), "{}", k.name);
        let f = fmeasure(truth, &got);
        let (p, r) = precision_recall(truth, &got).unwrap();
        let (n_got, n_truth) = (pieces(&got, 3), pieces(truth, 3));
        table.push_str(&format!(
            "{:<18}{f:>8.2}{:>8.2}{:>8.2}{n_got:>9}{n_truth:>9}\n",
            k.name,
            100.0 * p,
            100.0 * r
        ));
        if f < MIN_F {
            failures.push(format!("{}: F-measure {f:.2} < {MIN_F}", k.name));
        }
        if n_got as f64 > MAX_PIECES_RATIO * n_truth as f64 {
            failures.push(format!(
                "{}: {n_got} pieces of ink where the render has {n_truth}: strokes broken",
                k.name
            ));
        }
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
}

#[test]
#[ignore]
fn diag_stages() {
    use ocrpdf::internals::{background, binarize, despeckle};
    let wears: Vec<f32> = std::env::var("WEARS")
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let brk: f32 = std::env::var("BREAKS").unwrap().parse().unwrap();
    let smooth = std::env::var("SMOOTH").is_ok();
    let ks: Vec<Kind> = wears
        .iter()
        .map(|&w| {
            let mut f = Fading {
                wear: w,
                breaks: brk,
                ..Fading::magazine(231)
            };
            if let Ok(b) = std::env::var("BLUR") {
                f.blur = b.parse().unwrap();
            }
            if let Ok(b) = std::env::var("MOTTLE") {
                f.mottle = b.parse().unwrap();
            }
            if smooth {
                f.texture = 0.0;
                f.noise = 0.0;
                f.fibres_per_sq_in = 0.0;
                f.contrast = (60.0, 60.0);
                f.paper = (225.0, 225.0);
            }
            faded_columns(
                "faded-x",
                (4.2, 2.6),
                2,
                std::env::var("PT").unwrap().parse().unwrap(),
                &f,
            )
        })
        .collect();
    for (k, wear) in ks.into_iter().zip(&wears) {
        eprintln!("wear {wear}");
        let truth = k.truth_bits.as_ref().unwrap();
        let dpi = Dpi::uniform(300.0);
        let g = image::DynamicImage::ImageRgb8(k.page.image.clone()).into_luma8();
        let n = background::normalize(&g, dpi);
        if let Ok(dir) = std::env::var("OCRPDF_FADED_OUT") {
            n.save(std::path::Path::new(&dir).join(format!("{}.norm.png", k.name)))
                .unwrap();
        }
        for (label, img) in [("raw", &g), ("norm", &n)] {
            let best = (60u8..=254)
                .map(|t| {
                    let b = GrayImage::from_fn(img.width(), img.height(), |x, y| {
                        image::Luma([if img.get_pixel(x, y).0[0] <= t {
                            0
                        } else {
                            255
                        }])
                    });
                    (fmeasure(truth, &b), t)
                })
                .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
            eprintln!(
                "{} best global on {label}: F {:.2} at {}",
                k.name, best.0, best.1
            );
        }
        for m in [
            binarize::Method::Otsu,
            binarize::Method::Sauvola,
            binarize::Method::Intermeans,
        ] {
            let b = binarize::binarize(&n, dpi, m);
            let d = despeckle::despeckle(&b, dpi, Default::default());
            let raw_g = binarize::binarize(&g, dpi, m);
            eprintln!(
                "{} {:?}: raw-input {:.2} normalized {:.2} despeckled {:.2} pieces {}",
                k.name,
                m,
                fmeasure(truth, raw_g.as_gray()),
                fmeasure(truth, b.as_gray()),
                fmeasure(truth, d.as_gray()),
                pieces(d.as_gray(), 3)
            );
        }
    }
}
