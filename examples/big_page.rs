//! Writes one large page for `benches/memory.sh`: the colour business
//! letter of `tests/common/colour.rs` (A4 at 300 dpi: coloured letterhead,
//! stamp, highlighter, a tinted box, black body text), turned by a small
//! skew and tiled over a canvas of the size asked, so every stage that
//! scales with the page (decoding, background, deskew, colour layers, OCR)
//! sees a realistic page of that many pixels.
//!
//!     cargo run --release --example big_page -- OUT.png WIDTH HEIGHT DPI [rgb|gray|map] [SKEW_DEG]
//!
//! The PNG states DPI in pHYs. `gray` writes the page's luma (one byte a
//! pixel); `map` tiles the street map of `tests/common/colour.rs` instead
//! (a page stored whole in colour, `stored_in_colour`). SKEW_DEG (default 0.8) turns every tile alike, so the page as a
//! whole reads as skewed and cleanup rotates it (the costliest path).

#[path = "../tests/common/colour.rs"]
mod colour;
#[path = "../tests/common/gen.rs"]
mod generator;

use image::{Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: big_page OUT.png WIDTH HEIGHT DPI [rgb|gray|map] [SKEW_DEG]";
    let out = std::path::PathBuf::from(args.first().expect(usage));
    let num = |i: usize| -> f32 { args.get(i).expect(usage).parse().expect(usage) };
    let (w, h, dpi) = (num(1) as u32, num(2) as u32, num(3));
    let gray = args.get(4).is_some_and(|k| k == "gray");
    let skew: f32 = args.get(5).map_or(0.8, |s| s.parse().expect(usage));
    let tile = match args.get(4).map(String::as_str) {
        Some("map") => colour::street_map().0,
        _ => colour::letter(true).page.image,
    };
    let tile = imageproc::geometric_transformations::rotate_about_center(
        &tile,
        skew.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        imageproc::geometric_transformations::Border::Constant(Rgb([250, 246, 236])),
    );
    let (tw, th) = tile.dimensions();
    let page = RgbImage::from_fn(w, h, |x, y| *tile.get_pixel(x % tw, y % th));
    drop(tile);
    let (pixels, color) = if gray {
        let luma: Vec<u8> = page
            .as_raw()
            .chunks_exact(3)
            .map(|p| ((54 * p[0] as u32 + 183 * p[1] as u32 + 19 * p[2] as u32 + 128) >> 8) as u8)
            .collect();
        (luma, png::ColorType::Grayscale)
    } else {
        (page.into_raw(), png::ColorType::Rgb)
    };
    generator::write_png(&pixels, (w, h), color, dpi, &out);
}
