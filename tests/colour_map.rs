//! Issue 23 point 4: colour layers only where they hold. A street map
//! (`tests/common/colour.rs`, `street_map`: pale land tints, a river with
//! banks, hollow roads, black names) is not ink over paper; layered, it
//! lost its tints and parts of its river and roads. It must come out as it
//! looks, with a `stored_in_colour` warning, and its names in the text
//! layer.
//!
//! Measured on poppler's render at the map's resolution against the map
//! itself, white-balanced by its known ground colour (what "paper to white"
//! means here): the mean CIEDE2000 of every 64-px tile is at most
//! [`MAX_TILE_DE`].

use crate::common;

use common::colour::{ciede2000, lab, street_map};
use common::{ocrpdf, pdftotext, render_page};

/// The map's ground, which white balance turns white.
const GROUND: [f32; 3] = [246.0, 238.0, 220.0];
/// Tile side, in pixels.
const TILE: u32 = 64;
/// Largest mean CIEDE2000 of a tile (about a just-noticeable difference
/// over an area, with JPEG and white-balance error).
const MAX_TILE_DE: f64 = 6.0;

#[test]
fn a_map_is_stored_as_it_looks_with_a_warning() {
    let (map, names) = street_map();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::generator::write_png(
        map.as_raw(),
        map.dimensions(),
        png::ColorType::Rgb,
        150.0,
        &dir.join("map.png"),
    );
    let r = ocrpdf(dir, &["--json", "map.png", "-o", "map.pdf"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"stored_in_colour\""), "{}", r.stdout);

    let letters = |s: &str| -> String { s.chars().filter(|c| c.is_alphabetic()).collect() };
    let text = letters(&pdftotext(&dir.join("map.pdf"), 1));
    let missing: Vec<_> = names
        .iter()
        .filter(|n| !text.contains(&letters(n)))
        .collect();
    assert!(missing.is_empty(), "names missing: {missing:?} in {text}");

    let render = render_page(&dir.join("map.pdf"), 1, 150, &dir.join("render.png"));
    let (w, h) = (
        map.width().min(render.width()),
        map.height().min(render.height()),
    );
    let mut worst = (0.0f64, 0, 0);
    for ty in 0..h / TILE {
        for tx in 0..w / TILE {
            let mut sum = 0.0;
            for y in ty * TILE..(ty + 1) * TILE {
                for x in tx * TILE..(tx + 1) * TILE {
                    let want = map.get_pixel(x, y).0;
                    let want = [0, 1, 2]
                        .map(|k| (f32::from(want[k]) * 255.0 / GROUND[k]).min(255.0) as u8);
                    sum += ciede2000(lab(want), lab(render.get_pixel(x, y).0));
                }
            }
            let mean = sum / f64::from(TILE * TILE);
            if mean > worst.0 {
                worst = (mean, tx * TILE, ty * TILE);
            }
        }
    }
    println!(
        "worst tile: mean CIEDE2000 {:.2} at {:?}",
        worst.0,
        (worst.1, worst.2)
    );
    assert!(
        worst.0 <= MAX_TILE_DE,
        "tile at ({}, {}): mean CIEDE2000 {:.2}",
        worst.1,
        worst.2,
        worst.0
    );
}
