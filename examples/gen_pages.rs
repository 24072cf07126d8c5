//! Writes generated scan-like pages (and their ground truth) to a folder,
//! for `samples/`, the benchmark script and manual trials.
//!
//!     cargo run --release --example gen_pages -- OUT_DIR [COUNT] [clean|typical]

#[path = "../tests/common/gen.rs"]
mod generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(
        args.next()
            .expect("usage: gen_pages OUT_DIR [COUNT] [clean|typical]"),
    );
    let count: u64 = args
        .next()
        .map(|c| c.parse().expect("COUNT is a number"))
        .unwrap_or(3);
    let kind = args.next().unwrap_or_else(|| "typical".into());
    std::fs::create_dir_all(&dir).unwrap();
    for i in 1..=count {
        let page = generator::render(&generator::Layout {
            seed: i,
            ..Default::default()
        });
        let page = match kind.as_str() {
            "clean" => page,
            _ => generator::degrade(&page, &generator::Degrade::typical(i)),
        };
        generator::save_png(&page, &dir.join(format!("page{i:02}.png")));
        std::fs::write(dir.join(format!("page{i:02}.txt")), &page.text).unwrap();
    }
}
