//! Writes generated scan-like pages (and their ground truth) to a folder,
//! for `samples/`, the benchmark script and manual trials.
//!
//!     cargo run --release --example gen_pages -- OUT_DIR [COUNT] [clean|typical|mixed|samples|degradations|kinds|layouts|models]
//!
//! `clean` and `typical` write A4 PNG pages at 300 dpi; `samples` writes the
//! small JPEG pages kept in the repository's `samples/` folder.
//!
//! `mixed` writes magazine-like pages for `benches/sizes.sh`: page N is the
//! `typical` page N plus two colour photos covering about 44% of the page,
//! one over the right half of the upper part and one across the bottom. The
//! text flows around them as in print: words the photos would cut are left
//! out before the page is degraded, so the truth holds exactly the words
//! that can be read, none of them half hidden.
//!
//! `degradations` writes the seven half-page cases of
//! `tests/degradations.rs` (`cleanup_keeps_cer_low_on_every_degradation_…`),
//! with the same seeds and damage, as 300 dpi RGB PNGs named
//! `01-yellow-paper.png` … `07-dark-border.png`, each with its ground truth
//! in `NAME.txt`; COUNT is ignored (always seven pages, pass any number).
//! `benches/cleanup_cer.sh` uses them. Keep the cases in step with the test.
//!
//! `kinds` writes the page kinds of `tests/common/kinds.rs` (issue 10:
//! uneven light, book fold, stains, faded ink, tinted boxes and pages, a
//! magazine page, 150 and 200 dpi, a photo alone) as RGB PNGs with their
//! dpi in pHYs, named `01-clean.png` … `12-photo-only.png`, each with its
//! text in `NAME.txt` and, for pages with text, the clean bilevel render
//! pixel-aligned with it in `NAME.truth.png` (black = ink), against which a
//! binarisation's F-measure is taken. COUNT is ignored.
//! `benches/kinds_cer.sh` uses them.
//! `colour` writes the colour pages of `tests/colour.rs` (issue 11):
//! `letter.png` (a business letter with coloured marks), `headings.png`
//! (coloured headings and a photo) and `black-letter.png` (the letter in
//! black ink only), with their text in `NAME.txt`, and without text files
//! `light-inks.png`, `light-inks-tint.png` (light and pale inks, on white
//! and on a tint) and `map.png` (a street map, stored whole in colour).
//! COUNT is ignored. `benches/colour.sh` uses the first three.
//! `layouts` writes the multi-column pages of `tests/common/layouts.rs`
//! (issue 24: magazine, figure between columns, newspaper) as
//! `order-NAME.png`, the text in reading order in `NAME.txt` and every
//! other acceptable order in `NAME.alt-N.txt` (N from 1). COUNT is
//! ignored. `benches/order.sh` uses them.
//! `models` writes the pages `benches/models.sh` compares Tesseract models
//! on: the seven `degradations`, plus `08-clean` (a clean half page),
//! `09-150dpi` (a typical office scan at 150 dpi) and `10-faded-ink` (ink
//! at 35 % on white paper), named and paired with their truth the same way.

#[path = "../tests/common/colour.rs"]
mod colour;
#[path = "../tests/common/gen.rs"]
mod generator;
#[path = "../tests/common/kinds.rs"]
mod kinds;
#[path = "../tests/common/layouts.rs"]
mod layouts;

use generator::{Degrade, Layout, Page, add_photo, degrade, render, save_png};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect(
        "usage: gen_pages OUT_DIR [COUNT] [clean|typical|mixed|samples|degradations|kinds]",
    ));
    let count: u64 = args
        .next()
        .map_or(3, |c| c.parse().expect("COUNT is a number"));
    let kind = args.next().unwrap_or_else(|| "typical".into());
    std::fs::create_dir_all(&dir).unwrap();
    if kind == "degradations" || kind == "models" {
        let mut pages: Vec<(&str, Page)> = generator::degradation_cases()
            .into_iter()
            .map(|(name, _, page)| (name, page))
            .collect();
        if kind == "models" {
            pages.extend(model_cases());
        }
        for (name, page) in pages {
            save_png(&page, &dir.join(format!("{name}.png")));
            std::fs::write(dir.join(format!("{name}.txt")), &page.text).unwrap();
        }
        return;
    }
    if kind == "colour" {
        let pages = [
            ("letter", colour::letter(true).page),
            ("headings", colour::headings_and_photo().page),
            ("black-letter", colour::letter(false).page),
        ];
        for (name, page) in pages {
            save_png(&page, &dir.join(format!("{name}.png")));
            std::fs::write(dir.join(format!("{name}.txt")), &page.text).unwrap();
        }
        // The other colour paths cleanup takes: light inks (yellow and
        // pale colours on white and on a tint) and a map stored whole in
        // colour (tests/colour_map.rs, at its 150 dpi).
        let light = [
            ("light-inks", colour::light_inks(None).page),
            (
                "light-inks-tint",
                colour::light_inks(Some([214, 232, 250])).page,
            ),
        ];
        for (name, page) in light {
            save_png(&page, &dir.join(format!("{name}.png")));
        }
        let (map, _) = colour::street_map();
        generator::write_png(
            map.as_raw(),
            map.dimensions(),
            png::ColorType::Rgb,
            150.0,
            &dir.join("map.png"),
        );
        return;
    }
    if kind == "layouts" {
        for l in layouts::layouts() {
            save_png(&l.page, &dir.join(format!("{}.png", l.name)));
            for (i, t) in l.truths.iter().enumerate() {
                let file = match i {
                    0 => format!("{}.txt", l.name),
                    _ => format!("{}.alt-{i}.txt", l.name),
                };
                std::fs::write(dir.join(file), t).unwrap();
            }
        }
        return;
    }
    if kind == "kinds" {
        for k in kinds::page_kinds() {
            save_png(&k.page, &dir.join(format!("{}.png", k.name)));
            std::fs::write(dir.join(format!("{}.txt", k.name)), &k.page.text).unwrap();
            if let Some(bits) = &k.truth_bits {
                kinds::save_gray_png(bits, k.page.dpi, &dir.join(format!("{}.truth.png", k.name)));
            }
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
            "mixed" => {
                let page = mixed(i);
                save_png(&page, &dir.join(format!("{name}.png")));
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

/// The `typical` page `seed` with two colour photos; see the module doc.
fn mixed(seed: u64) -> Page {
    let mut page = render(&Layout {
        seed,
        ..Default::default()
    });
    let d = Degrade::typical(seed);
    let (w, h) = page.image.dimensions();
    let photos = [
        [w / 2, 300, w - 150, 1600],
        [150, h - 1350, w - 150, h - 250],
    ];
    // The skew moves no point further than its distance from the centre
    // times the angle, so a word whose box stays this far from every photo
    // is still whole after `degrade`; the others are erased beforehand.
    let half_diagonal = ((w * w + h * h) as f32).sqrt() / 2.0;
    let reach = half_diagonal * d.skew_deg.abs().to_radians() + 4.0;
    let hidden = |b: &[f32; 4]| {
        photos.iter().any(|r| {
            b[0] < r[2] as f32 + reach
                && b[2] > r[0] as f32 - reach
                && b[1] < r[3] as f32 + reach
                && b[3] > r[1] as f32 - reach
        })
    };
    // Rebuild the truth line by line from the words left visible.
    let mut words = page.words.iter();
    let mut kept = Vec::new();
    let mut text = String::new();
    for line in page.text.lines() {
        let mut visible = Vec::new();
        for _ in line.split_whitespace() {
            let word = words.next().expect("one truth word per printed word");
            if hidden(&word.bbox) {
                erase(&mut page.image, word.bbox);
            } else {
                visible.push(word.text.as_str());
                kept.push(word.clone());
            }
        }
        if !visible.is_empty() {
            text.push_str(&visible.join(" "));
            text.push('\n');
        }
    }
    page.words = kept;
    page.text = text;
    let mut page = degrade(&page, &d);
    for (k, rect) in photos.into_iter().enumerate() {
        add_photo(&mut page, rect, 1000 + 2 * seed + k as u64);
    }
    page
}

/// Paint a word's box (plus a few pixels for overhanging glyphs) white.
fn erase(image: &mut image::RgbImage, bbox: [f32; 4]) {
    let (w, h) = image.dimensions();
    let x0 = (bbox[0] - 4.0).max(0.0) as u32;
    let y0 = (bbox[1] - 2.0).max(0.0) as u32;
    let x1 = ((bbox[2] + 4.0).ceil() as u32).min(w);
    let y1 = ((bbox[3] + 2.0).ceil() as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            image.put_pixel(x, y, image::Rgb([255, 255, 255]));
        }
    }
}

/// The pages `models` adds to the degradations: where a larger model could
/// differ most from a small one besides damage, i.e. clean print, few
/// pixels per letter, and faint ink.
fn model_cases() -> Vec<(&'static str, Page)> {
    let half = |dpi: f32, seed: u64| {
        render(&Layout {
            dpi,
            seed,
            lines: 12,
            size_in: (8.27, 5.5),
            ..Default::default()
        })
    };
    vec![
        ("08-clean", half(300.0, 58)),
        (
            "09-150dpi",
            degrade(&half(150.0, 59), &Degrade::typical(59)),
        ),
        (
            "10-faded-ink",
            degrade(
                &half(300.0, 60),
                &Degrade {
                    ink: Some(0.35),
                    seed: 60,
                    ..Default::default()
                },
            ),
        ),
    ]
}
