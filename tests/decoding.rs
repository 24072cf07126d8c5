//! Decoding what people have: truncated JPEGs refused (or kept with a
//! warning), WebP, BMP, GIF, 16-bit and CMYK images, EXIF orientation.
//! Inputs are generated here, encoded with the `image` crate, and checked
//! through the real binary and the PDF it writes.

mod common;

use common::generator::cer;
use common::*;

/// A small page of text as a baseline and a progressive JPEG.
fn jpegs(seed: u64) -> (common::generator::Page, Vec<u8>, Vec<u8>) {
    let page = small_page(seed, 3);
    let mut baseline = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut baseline, 85)
        .encode_image(&page.image)
        .unwrap();
    let mut progressive = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut progressive, 85);
    enc.set_progressive(true);
    let (w, h) = page.image.dimensions();
    enc.encode(
        page.image.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    (page, baseline, progressive)
}

#[test]
fn truncated_jpegs_are_refused_at_any_length() {
    let dir = tempfile::tempdir().unwrap();
    let (_, baseline, progressive) = jpegs(71);
    for (kind, file) in [("baseline", &baseline), ("progressive", &progressive)] {
        // Past the headers (300 bytes, 1 KB), through the scans, and the
        // last two bytes (only the end marker missing).
        let n = file.len();
        for cut in [300, 1024, n / 4, n / 2, n * 9 / 10, n - 2, n - 1] {
            let name = format!("{kind}{cut}.jpg");
            std::fs::write(dir.path().join(&name), &file[..cut]).unwrap();
            let run = ocrpdf(dir.path(), &[&name, "-o", "out.pdf"], None);
            assert_eq!(run.code, 2, "{kind} cut at {cut}: {}", run.stderr);
            let want = format!("{name}: truncated JPEG (data ends at byte {cut})");
            assert!(
                run.stderr.contains(&want),
                "{kind} cut at {cut}: {}",
                run.stderr
            );
            assert!(!dir.path().join("out.pdf").exists());
        }
    }
}

#[test]
fn accept_truncated_keeps_the_page_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (page, baseline, _) = jpegs(72);
    let cut = baseline.len() * 3 / 4;
    std::fs::write(dir.path().join("scan7.jpg"), &baseline[..cut]).unwrap();
    let run = ocrpdf(
        dir.path(),
        &["scan7.jpg", "--accept-truncated", "--json", "-o", "out.pdf"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = format!("scan7.jpg: truncated JPEG (data ends at byte {cut})");
    assert!(
        run.stderr.contains(&format!("warning: {want}")),
        "{}",
        run.stderr
    );
    let schema = schema::readme();
    let records: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(schema.check_record(&records[0]), "page");
    let warnings = records[0]["warnings"].as_array().unwrap();
    assert_eq!(warnings[0]["code"], "truncated_input", "{}", run.stdout);
    schema.check("warning", &warnings[0]);
    // The first lines decoded: most of the text is there.
    let text = pdftotext(&dir.path().join("out.pdf"), 1);
    let first = page.text.lines().next().unwrap();
    assert!(
        cer(first, text.lines().next().unwrap_or("")) <= 0.1,
        "{text}"
    );
}
