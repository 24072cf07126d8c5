#[path = "../tests/common/gen.rs"]
mod generator;
fn main() {
    use generator::*;
    let src = render(&Layout {
        seed: 13,
        ..Default::default()
    });
    let heavy = degrade(
        &src,
        &Degrade {
            uneven_yellow: true,
            specks: 3000,
            blur: 1.0,
            skew_deg: -2.0,
            noise: 10.0,
            ink: Some(0.7),
            jpeg_quality: Some(60),
            seed: 13,
        },
    );
    save_png(&heavy, std::path::Path::new("/tmp/dbg/heavy.png"));
    for w in &src.words {
        println!(
            "{} {:.1} {:.1} {:.1} {:.1}",
            w.text,
            w.bbox[0] * 0.24,
            w.bbox[1] * 0.24,
            w.bbox[2] * 0.24,
            w.bbox[3] * 0.24
        );
    }
}
