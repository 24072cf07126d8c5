//! Issue 23, point 2: faded ink keeps its strokes in the stored image.
//!
//! Magazine columns faded the way real print fades (tests/common/faded.rs:
//! grey-brown ink on cream paper, worn and uneven strokes, paper fibres,
//! slight blur) are cleaned with the default options; the stored bilevel
//! image is scored against the clean render (DIBCO F-measure), and its
//! letters must not fall apart into more pieces than the render has.
//!
//! `OCRPDF_FADED_OUT=DIR` writes each fixture, its stored bits, its truth
//! and a 3× view of a crop (input, stored, truth) there, to look at.

use crate::common;

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
