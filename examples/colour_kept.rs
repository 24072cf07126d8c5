//! How much of a scan's colour a rendering keeps (issue 11), for
//! `benches/colour.sh`:
//!
//!     cargo run --release --example colour_kept -- SCAN.png RENDER.png
//!
//! Prints the hue-histogram intersection (12 CIELAB hue sectors over the
//! pixels with chroma above 25; 1 = the same hues in the same shares) and
//! the ratio of such chromatic pixels, rendering over scan (1 = as many
//! coloured pixels as the scan has), separated by a space.

#[path = "../tests/common/colour.rs"]
mod colour;
#[path = "../tests/common/gen.rs"]
mod generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(scan), Some(render)) = (args.next(), args.next()) else {
        eprintln!("usage: colour_kept SCAN.png RENDER.png");
        std::process::exit(1);
    };
    let load = |p: &str| {
        image::open(p)
            .unwrap_or_else(|e| panic!("{p}: {e}"))
            .to_rgb8()
    };
    let (scan, render) = (load(&scan), load(&render));
    let kept = colour::colour_kept(&scan, &render);
    let (_, n_scan) = colour::hue_histogram(&scan);
    let (_, n_render) = colour::hue_histogram(&render);
    println!("{kept:.3} {:.3}", n_render as f64 / n_scan.max(1) as f64);
}
