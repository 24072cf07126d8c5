//! Issue 23 point 5 and issue 24: a page printed white on black is stored
//! as it looks (not as the holes in its letters) and its words are read.
//!
//! The page is a generated half page of body text, inverted and then
//! degraded like a scan (blur, noise, uneven light, JPEG). The PDF is
//! rendered by poppler at the scan's resolution and compared with the scan
//! tile by tile: a tile's mean level must stay on its side of mid-grey.

use crate::common;

use common::generator::{Degrade, cer, degrade, half_page, save_png};
use common::{ocrpdf, pdftotext, render_page};

/// Most characters of the text must be read.
const MAX_CER: f64 = 0.05;
/// Share of 32-px tiles whose mean level the render may turn over (light
/// to dark or back): the scan's vignetted edges, whitened as borders.
const MAX_FLIPPED: f64 = 0.02;
/// Tile side, in pixels.
const TILE: u32 = 32;

#[test]
fn a_white_on_black_page_is_stored_as_it_looks_and_read() {
    let mut page = half_page(5);
    for p in page.image.pixels_mut() {
        p.0 = p.0.map(|v| 255 - v);
    }
    let page = degrade(&page, &Degrade::typical(4));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    save_png(&page, &dir.join("negative.png"));
    let r = ocrpdf(dir, &["negative.png", "-o", "out.pdf"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let text = pdftotext(&dir.join("out.pdf"), 1);
    let got = cer(&page.text, &text);
    println!("CER {got:.4}");
    assert!(got <= MAX_CER, "CER {got:.4}: {text}");

    let render = render_page(&dir.join("out.pdf"), 1, 300, &dir.join("render.png"));
    let render = image::DynamicImage::ImageRgb8(render).to_luma8();
    let scan = image::DynamicImage::ImageRgb8(page.image.clone()).to_luma8();
    // poppler may round the page up by a pixel.
    assert!(render.width().abs_diff(scan.width()) <= 1);
    assert!(render.height().abs_diff(scan.height()) <= 1);
    // Per 32-px tile (deskewing moves strokes, not tones): mean levels.
    let means = |img: &image::GrayImage| -> Vec<f64> {
        let (tw, th) = (scan.width() / TILE, scan.height() / TILE);
        let mut m = Vec::new();
        for ty in 0..th {
            for tx in 0..tw {
                let mut sum = 0u64;
                for y in ty * TILE..(ty + 1) * TILE {
                    for x in tx * TILE..(tx + 1) * TILE {
                        sum += u64::from(img.get_pixel(x, y).0[0]);
                    }
                }
                m.push(sum as f64 / f64::from(TILE * TILE));
            }
        }
        m
    };
    let (s, r) = (means(&scan), means(&render));
    let flipped = s
        .iter()
        .zip(&r)
        .filter(|&(&a, &b)| (a < 128.0) != (b < 128.0) && (a - b).abs() > 40.0)
        .count();
    let share = flipped as f64 / s.len() as f64;
    println!("{flipped} of {} tiles turned over", s.len());
    assert!(share <= MAX_FLIPPED, "{share:.4} of the page turned over");
}
