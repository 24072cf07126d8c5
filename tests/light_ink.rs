//! Issue 23, point 3: light ink is ink. Lines of text in yellow, light
//! blue, pale red and pencil grey, on cream paper and on a yellowish tint
//! (`tests/common/colour.rs`, `light_inks`), are kept in what is stored and
//! read into the text layer.
//!
//! Measured on the PDF as poppler renders it at the scan's resolution, not
//! by the code under test: for each ink, in every 64-px tile holding at
//! least [`MIN_CORE`] of its core pixels (fully inked, one pixel in from
//! the stroke's edge), at least [`MIN_RECALL`] of them must show as ink,
//! i.e. differ from the tile's rendered paper by CIEDE2000 ≥ [`SHOWS`].

use crate::common;

use common::colour::{self, ColourPage, LIGHT_INKS};
use common::{ocrpdf, pdftotext, render_page};
use image::RgbImage;

/// Tile side, in pixels.
const TILE: u32 = 64;
/// Tiles with fewer core pixels of an ink are not scored.
const MIN_CORE: usize = 40;
/// Share of core pixels that must show as ink in every scored tile.
const MIN_RECALL: f64 = 0.98;
/// CIEDE2000 from the tile's paper above which a pixel shows as ink.
const SHOWS: f64 = 8.0;

/// The paper of a tile as rendered: the per-channel median (ink covers
/// well under half of any tile of these pages).
fn paper(img: &RgbImage, x0: u32, y0: u32) -> [u8; 3] {
    let mut ch: [Vec<u8>; 3] = Default::default();
    for y in y0..(y0 + TILE).min(img.height()) {
        for x in x0..(x0 + TILE).min(img.width()) {
            for (k, v) in img.get_pixel(x, y).0.iter().enumerate() {
                ch[k].push(*v);
            }
        }
    }
    ch.map(|mut v| {
        v.sort_unstable();
        v[v.len() / 2]
    })
}

/// For each ink: (its name, the worst tile's recall, tiles scored).
fn recall(page: &ColourPage, render: &RgbImage) -> Vec<(&'static str, f64, usize)> {
    page.elements
        .iter()
        .map(|e| {
            let mut tiles: std::collections::BTreeMap<(u32, u32), Vec<(u32, u32)>> =
                Default::default();
            for &(x, y) in &e.core {
                tiles.entry((x / TILE, y / TILE)).or_default().push((x, y));
            }
            let mut worst = 1.0f64;
            let mut scored = 0;
            for ((tx, ty), px) in tiles {
                if px.len() < MIN_CORE {
                    continue;
                }
                let bg = colour::lab(paper(render, tx * TILE, ty * TILE));
                let shown = px
                    .iter()
                    .filter(|&&(x, y)| {
                        colour::ciede2000(colour::lab(render.get_pixel(x, y).0), bg) >= SHOWS
                    })
                    .count();
                let r = shown as f64 / px.len() as f64;
                if r < MIN_RECALL {
                    let (x, y) = (tx * TILE, ty * TILE);
                    eprintln!(
                        "{}: tile at ({x}, {y}): recall {r:.3} of {}",
                        e.name,
                        px.len()
                    );
                }
                worst = worst.min(r);
                scored += 1;
            }
            (e.name, worst, scored)
        })
        .collect()
}

/// Words of `line` missing from `text`.
fn missing<'a>(line: &'a str, text: &str) -> Vec<&'a str> {
    let found: Vec<&str> = text.split_whitespace().collect();
    line.split_whitespace()
        .filter(|w| !found.contains(w))
        .collect()
}

#[test]
fn light_inks_are_stored_and_read() {
    // OCRPDF_LIGHT_OUT=DIR keeps the pages, the PDF and its renders.
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("OCRPDF_LIGHT_OUT").map_or(tmp.path().to_path_buf(), Into::into);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = dir.as_path();
    let pages = [
        ("cream", colour::light_inks(None)),
        ("tinted", colour::light_inks(Some([235, 225, 170]))),
    ];
    for (name, p) in &pages {
        common::generator::save_png(&p.page, &dir.join(format!("{name}.png")));
    }
    let r = ocrpdf(dir, &["cream.png", "tinted.png", "-o", "out.pdf"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.join("out.pdf");
    let mut failures = Vec::new();
    println!("| page | ink | worst tile recall | tiles | words missing |");
    println!("|---|---|---|---|---|");
    for (i, (name, p)) in pages.iter().enumerate() {
        let render = render_page(&pdf, i + 1, 300, &dir.join(format!("{name}-render.png")));
        let text = pdftotext(&pdf, i + 1);
        let lines: Vec<&str> = p.page.text.lines().skip(1).collect();
        assert_eq!(lines.len(), 2 * LIGHT_INKS.len());
        for ((ink, worst, tiles), pair) in recall(p, &render).into_iter().zip(lines.chunks(2)) {
            let lost: Vec<&str> = pair.iter().flat_map(|l| missing(l, &text)).collect();
            println!("| {name} | {ink} | {worst:.3} | {tiles} | {lost:?} |");
            if tiles == 0 || worst < MIN_RECALL {
                failures.push(format!(
                    "{name}/{ink}: recall {worst:.3} over {tiles} tiles"
                ));
            }
            // A word in eighteen may be misread; the line may not be lost.
            if lost.len() > 1 {
                failures.push(format!("{name}/{ink}: words missing {lost:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
