//! Decoding what people have: truncated JPEGs refused (or kept with a
//! warning), WebP, BMP, GIF, 16-bit and CMYK images, EXIF orientation.
//! Inputs are generated here, encoded with the `image` crate, and checked
//! through the real binary and the PDF it writes.

use crate::common;

use common::generator::cer;
use common::*;
use std::path::Path;

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

/// A JPEG cut in the middle and re-terminated with its end marker (a
/// transfer that lost its middle, a tool that "repaired" a cut file) has
/// every marker it needs, and its decoder fills the rest with grey
/// without a word; its scans are short of the image, and that is found:
/// exit 2 naming the file (the main command, `clean`, `batch`), or with
/// `--accept-truncated` the page with a `truncated_input` warning.
#[test]
fn re_terminated_jpegs_are_refused_or_kept_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (_, baseline, progressive) = jpegs(74);
    let mut names = Vec::new();
    for (kind, file) in [("baseline", &baseline), ("progressive", &progressive)] {
        let n = file.len();
        for cut in [n / 5, n / 2, n * 9 / 10, n - 3] {
            let name = format!("{kind}{cut}.jpg");
            let bytes = [&file[..cut], &[0xFF, 0xD9][..]].concat();
            std::fs::write(dir.path().join(&name), bytes).unwrap();
            let run = ocrpdf(dir.path(), &[&name, "-o", "out.pdf"], None);
            assert_eq!(run.code, 2, "{kind} cut at {cut}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!(
                    "{name}: truncated JPEG (its image data ends at byte"
                )) && run.stderr.contains("--accept-truncated keeps what decodes"),
                "{kind} cut at {cut}: {}",
                run.stderr
            );
            assert!(!dir.path().join("out.pdf").exists());
            names.push(name);
        }
    }
    let run = ocrpdf(dir.path(), &["clean", &names[1], "-o", "clean.png"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("truncated JPEG"), "{}", run.stderr);
    std::fs::write(dir.path().join("m.txt"), format!("{}\n", names[5])).unwrap();
    let run = ocrpdf(
        dir.path(),
        &["batch", "--manifest", "m.txt", "--out", "pdf", "-q"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(doc["status"], "failed", "{doc}");
    assert!(
        doc["error"].as_str().unwrap().contains("truncated JPEG"),
        "{doc}"
    );

    let run = ocrpdf(
        dir.path(),
        &[&names[1], "--accept-truncated", "--json", "-o", "out.pdf"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = format!(
        "warning: {}: truncated JPEG (its image data ends at byte",
        names[1]
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    let page: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(page["warnings"][0]["code"], "truncated_input", "{page}");
}

fn write_tiff<C: tiff::encoder::colortype::ColorType>(
    path: &Path,
    w: u32,
    h: u32,
    data: &[C::Inner],
) where
    [C::Inner]: tiff::encoder::TiffValue,
{
    let f = std::fs::File::create(path).unwrap();
    let mut enc = tiff::encoder::TiffEncoder::new(std::io::BufWriter::new(f)).unwrap();
    enc.write_image::<C>(w, h, data).unwrap();
}

/// Widths and heights of every page in points, as `pdfinfo` reports them.
fn page_sizes(pdf: &Path, pages: usize) -> Vec<(f32, f32)> {
    let out = std::process::Command::new("pdfinfo")
        .args(["-f", "1", "-l", &pages.to_string(), pdf.to_str().unwrap()])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let n: Vec<f32> = l
                .split_once("size:")
                .unwrap()
                .1
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            (n[0], n[1])
        })
        .collect()
}

#[test]
fn webp_bmp_gif_16_bit_and_cmyk_pages_are_read() {
    use image::{DynamicImage, ImageFormat};
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(73, 3);
    let (w, h) = page.image.dimensions();
    let rgb = DynamicImage::ImageRgb8(page.image.clone());
    let gray = rgb.to_luma8();
    let save = |name: &str, img: &DynamicImage, f: ImageFormat| {
        img.save_with_format(dir.path().join(name), f).unwrap();
        name.to_string()
    };
    let mut names = vec![
        save("scan.webp", &rgb, ImageFormat::WebP),
        save("scan.bmp", &rgb, ImageFormat::Bmp),
        save(
            "grey16.png",
            &DynamicImage::ImageLuma16(rgb.to_luma16()),
            ImageFormat::Png,
        ),
        save(
            "rgb16.png",
            &DynamicImage::ImageRgb16(rgb.to_rgb16()),
            ImageFormat::Png,
        ),
    ];
    // GIF: grey pages quantise to a grey palette; the fastest quantiser.
    {
        let f = std::fs::File::create(dir.path().join("scan.gif")).unwrap();
        let mut enc = image::codecs::gif::GifEncoder::new_with_speed(f, 30);
        let frame = image::Frame::new(DynamicImage::ImageLuma8(gray.clone()).to_rgba8());
        enc.encode_frames([frame.clone(), frame]).unwrap();
        names.push("scan.gif".into());
    }
    let grey16: Vec<u16> = gray.as_raw().iter().map(|&v| v as u16 * 257).collect();
    write_tiff::<tiff::encoder::colortype::Gray16>(&dir.path().join("grey16.tif"), w, h, &grey16);
    // CMYK: grey ink as K only, plus a cyan band so colour is kept.
    let cmyk: Vec<u8> = gray
        .enumerate_pixels()
        .flat_map(|(_, y, p)| [if y < 8 { 255 } else { 0 }, 0, 0, 255 - p.0[0]])
        .collect();
    write_tiff::<tiff::encoder::colortype::CMYK8>(&dir.path().join("cmyk.tif"), w, h, &cmyk);
    names.extend(["grey16.tif", "cmyk.tif"].map(String::from));

    let mut args: Vec<&str> = names.iter().map(String::as_str).collect();
    args.extend(["-o", "out.pdf"]);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf");
    assert_eq!(
        page_count(&pdf),
        names.len(),
        "a GIF gives its first frame only"
    );
    // None of these carries a resolution (BMP's is 0): 300 dpi is assumed.
    let want = (w as f32 * 72.0 / 300.0, h as f32 * 72.0 / 300.0);
    for (i, (name, size)) in names.iter().zip(page_sizes(&pdf, names.len())).enumerate() {
        let rate = cer(&page.text, &pdftotext(&pdf, i + 1));
        assert!(rate <= 0.05, "{name}: CER {rate}");
        assert!(
            (size.0 - want.0).abs() < 1.0 && (size.1 - want.1).abs() < 1.0,
            "{name}: page {size:?}, want {want:?}"
        );
    }
}

/// `jpeg` with an EXIF APP1 segment stating `orientation` inserted after
/// SOI: "Exif\0\0", a big-endian TIFF header and one IFD entry (tag 0x0112,
/// SHORT, count 1).
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend(1u16.to_be_bytes());
    tiff.extend([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0, 0, 0, 0, 0]); // value padding, then no next IFD
    let body = [&b"Exif\0\0"[..], &tiff].concat();
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend((body.len() as u16 + 2).to_be_bytes());
    out.extend(body);
    out.extend(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_applied_even_with_no_rotate() {
    use image::DynamicImage;
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(74, 3);
    let upright = DynamicImage::ImageRgb8(page.image.clone());
    // Stored turned as a phone might, with the tag that undoes it.
    let cases = [
        ("cw.jpg", upright.rotate90(), 8),
        ("ccw.jpg", upright.rotate270(), 6),
        ("flipped.jpg", upright.rotate180(), 3),
    ];
    for (name, stored, tag) in &cases {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(stored)
            .unwrap();
        std::fs::write(dir.path().join(name), with_exif_orientation(&jpeg, *tag)).unwrap();
    }
    // A TIFF's own Orientation tag (TIFF 6.0), the same values.
    {
        let gray = upright.rotate270().into_luma8();
        let f = std::fs::File::create(dir.path().join("ccw.tif")).unwrap();
        let mut enc = tiff::encoder::TiffEncoder::new(std::io::BufWriter::new(f)).unwrap();
        let mut img = enc
            .new_image::<tiff::encoder::colortype::Gray8>(gray.width(), gray.height())
            .unwrap();
        img.encoder()
            .write_tag(tiff::tags::Tag::Orientation, 6u16)
            .unwrap();
        img.write_data(gray.as_raw()).unwrap();
    }
    let names = ["cw.jpg", "ccw.jpg", "flipped.jpg", "ccw.tif"];
    let run = ocrpdf(
        dir.path(),
        &[&names[..], &["--no-rotate", "-v", "-o", "out.pdf"]].concat(),
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "cw.jpg: ",
        "turned 90° counter-clockwise (orientation tag 8) as its file says",
    ] {
        assert!(run.stderr.contains(line), "{}", run.stderr);
    }
    let sixes = run.stderr.matches("(orientation tag 6)").count();
    assert_eq!(sixes, 2, "JPEG and TIFF: {}", run.stderr);
    assert!(
        run.stderr.contains("turned 180° (orientation tag 3)"),
        "{}",
        run.stderr
    );
    let pdf = dir.path().join("out.pdf");
    let (w, h) = page.image.dimensions();
    let want = (w as f32 * 72.0 / 300.0, h as f32 * 72.0 / 300.0);
    let sizes = page_sizes(&pdf, names.len());
    assert_eq!(sizes.len(), names.len());
    for (i, (size, name)) in sizes.into_iter().zip(names).enumerate() {
        let rate = cer(&page.text, &pdftotext(&pdf, i + 1));
        assert!(rate <= 0.05, "{name}: CER {rate}");
        assert!(
            (size.0 - want.0).abs() < 1.0 && (size.1 - want.1).abs() < 1.0,
            "{name}: page {size:?}, want {want:?}"
        );
    }
}

/// A strip longer than Tesseract's 32767-px limit is an input error saying
/// why (it was "OCR failed", exit 7); one within it is a page.
#[test]
fn strips_longer_than_the_ocr_engine_reads_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, w, h) in [
        ("wide.png", 100_000, 1),
        ("tall.png", 1, 100_000),
        ("long.png", 30_000, 1),
    ] {
        image::GrayImage::from_pixel(w, h, image::Luma([255]))
            .save(dir.path().join(name))
            .unwrap();
        let run = ocrpdf(dir.path(), &[name, "-o", "out.pdf"], None);
        if w.max(h) > 32767 {
            assert_eq!(run.code, 2, "{name}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!(
                    "{name}: image is {w} x {h} px: longer than 32767 px on a side"
                )),
                "{}",
                run.stderr
            );
            assert!(!dir.path().join("out.pdf").exists());
        } else {
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            assert_eq!(page_count(&dir.path().join("out.pdf")), 1);
        }
    }
}

/// A phone photo of a Letter page at the phones' 72 dpi (it would be a
/// 16.7 x 22.2 in page): its resolution is estimated from the paper's
/// proportions, said in a warning (stderr and JSON), and the PDF page is
/// Letter-sized; its EXIF orientation is in the page's JSON.
#[test]
fn a_72_dpi_phone_photo_gets_a_paper_sized_page_and_says_so() {
    use common::generator::{Layout, render};
    use image::codecs::jpeg::{JpegEncoder, PixelDensity};
    let dir = tempfile::tempdir().unwrap();
    // 4:3 like a phone camera, text at about 144 dpi.
    let page = render(&Layout {
        seed: 75,
        dpi: 144.0,
        size_in: (8.33, 11.11),
        lines: 4,
        font_pt: 14.0,
    });
    let (w, h) = page.image.dimensions();
    let stored = image::DynamicImage::ImageRgb8(page.image.clone()).rotate270();
    let mut jpeg = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut jpeg, 90);
    enc.set_pixel_density(PixelDensity::dpi(72));
    enc.encode_image(&stored).unwrap();
    std::fs::write(
        dir.path().join("photo.jpg"),
        with_exif_orientation(&jpeg, 6),
    )
    .unwrap();
    let run = ocrpdf(
        dir.path(),
        &["photo.jpg", "--json", "-v", "-o", "out.pdf"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dpi = (w.max(h) as f32 / 11.0).round();
    let said = format!(
        "photo.jpg: resolution estimated as {dpi:.0} dpi from Letter proportions (the file says 72 dpi"
    );
    assert!(run.stderr.contains(&said), "{said}\n{}", run.stderr);
    let page_json: serde_json::Value =
        serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(schema::readme().check_record(&page_json), "page");
    assert_eq!(page_json["warnings"][0]["code"], "estimated_dpi");
    assert_eq!(page_json["dpi"], dpi as f64);
    assert_eq!(
        page_json["orientation_tag"],
        "turned 90° clockwise (orientation tag 6)"
    );
    let (pw, ph) = page_size_pt(&dir.path().join("out.pdf"));
    let (lw, lh) = (w as f32 * 72.0 / dpi, h as f32 * 72.0 / dpi);
    assert!(
        (pw - lw).abs() < 2.0 && (ph - lh).abs() < 2.0,
        "{pw} x {ph}"
    );
    assert!((ph - 792.0).abs() < 4.0, "a Letter page: {pw} x {ph} pt");
    let got = pdftotext(&dir.path().join("out.pdf"), 1);
    assert!(cer(&page.text, &got) < 0.1, "{got}");
}
