//! Writes generated scan-like pages (and their ground truth) to a folder,
//! for `samples/`, the benchmark script and manual trials.
//!
//!     cargo run --release --example gen_pages -- OUT_DIR [COUNT] [clean|typical|samples|degradations]
//!
//! `clean` and `typical` write A4 PNG pages at 300 dpi; `samples` writes the
//! small JPEG pages kept in the repository's `samples/` folder.
//!
//! `degradations` writes the seven half-page cases of
//! `tests/degradations.rs` (`cleanup_keeps_cer_low_on_every_degradation_…`),
//! with the same seeds and damage, as 300 dpi RGB PNGs named
//! `01-yellow-paper.png` … `07-dark-border.png`, each with its ground truth
//! in `NAME.txt`; COUNT is ignored (always seven pages, pass any number).
//! `benches/cleanup_cer.sh` uses them. Keep the cases in step with the test.

#[path = "../tests/common/gen.rs"]
mod generator;

use generator::{Degrade, Layout, degrade, render, save_png};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(
        args.next()
            .expect("usage: gen_pages OUT_DIR [COUNT] [clean|typical|samples|degradations]"),
    );
    let count: u64 = args
        .next()
        .map(|c| c.parse().expect("COUNT is a number"))
        .unwrap_or(3);
    let kind = args.next().unwrap_or_else(|| "typical".into());
    std::fs::create_dir_all(&dir).unwrap();
    if kind == "degradations" {
        for (name, _, page) in generator::degradation_cases() {
            save_png(&page, &dir.join(format!("{name}.png")));
            std::fs::write(dir.join(format!("{name}.txt")), &page.text).unwrap();
        }
        return;
    }
    for i in 1..=count {
        let name = format!("page{i:02}");
        match kind.as_str() {
            "samples" => {
                // A5 pages, each with its own trouble, saved as a scanner would.
                let page = render(&Layout {
                    seed: 100 + i,
                    size_in: (5.83, 8.27),
                    font_pt: 10.0,
                    lines: 40,
                    ..Default::default()
                });
                let d = match i % 3 {
                    1 => Degrade {
                        uneven_yellow: true,
                        specks: 300,
                        blur: 0.6,
                        skew_deg: 1.2,
                        noise: 3.0,
                        ink: Some(0.85),
                        jpeg_quality: Some(80),
                        seed: i,
                    },
                    2 => Degrade {
                        uneven_yellow: true,
                        specks: 1200,
                        blur: 0.8,
                        skew_deg: -2.5,
                        noise: 3.0,
                        ink: Some(0.8),
                        jpeg_quality: Some(80),
                        seed: i,
                    },
                    _ => Degrade {
                        uneven_yellow: true,
                        specks: 200,
                        blur: 1.0,
                        skew_deg: 0.4,
                        noise: 3.0,
                        ink: Some(0.55),
                        jpeg_quality: Some(80),
                        seed: i,
                    },
                };
                let page = degrade(&page, &d);
                let f = std::fs::File::create(dir.join(format!("{name}.jpg"))).unwrap();
                let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(
                    std::io::BufWriter::new(f),
                    80,
                );
                enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(300));
                enc.encode_image(&page.image).unwrap();
                std::fs::write(dir.join(format!("{name}.txt")), &page.text).unwrap();
            }
            other => {
                let page = render(&Layout {
                    seed: i,
                    ..Default::default()
                });
                let page = if other == "clean" {
                    page
                } else {
                    degrade(&page, &Degrade::typical(i))
                };
                save_png(&page, &dir.join(format!("{name}.png")));
                std::fs::write(dir.join(format!("{name}.txt")), &page.text).unwrap();
            }
        }
    }
}
