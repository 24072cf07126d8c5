//! `ocrpdf clean`: cleaned images instead of a PDF, bit for bit the pages
//! the PDF holds.

use crate::common;

use common::generator::{Degrade, degrade, save_png};
use common::*;
use ocrpdf::report::{Body, CleanPageReport, Record};

fn png_info(
    path: &std::path::Path,
) -> (png::BitDepth, png::ColorType, Option<png::PixelDimensions>) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()))
        .read_info()
        .unwrap();
    let info = dec.info();
    (info.bit_depth, info.color_type, info.pixel_dims)
}

#[test]
fn cleaned_png_is_exactly_the_pdf_page_and_one_bit() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(71, 6), &Degrade::typical(71));
    save_png(&page, &dir.path().join("scan.png"));
    let flags = ["--despeckle", "aggressive", "--binarize", "otsu"];
    let mut args = vec!["clean", "scan.png", "-d", "out"];
    args.extend(flags);
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut args = vec!["scan.png", "-o", "scan.pdf"];
    args.extend(flags);
    assert_eq!(ocrpdf(dir.path(), &args, None).code, 0);

    let cleaned_path = dir.path().join("out/scan.png");
    let (depth, colour, dims) = png_info(&cleaned_path);
    assert_eq!(
        (depth, colour),
        (png::BitDepth::One, png::ColorType::Grayscale)
    );
    assert_eq!(
        dims.map(|d| (d.xppu, d.unit == png::Unit::Meter)),
        Some((11811, true)),
        "300 dpi kept"
    );

    let cleaned = image::open(&cleaned_path).unwrap().into_luma8();
    let extract = tempfile::tempdir().unwrap();
    let embedded = image::open(&pdfimages_png(&dir.path().join("scan.pdf"), extract.path())[0])
        .unwrap()
        .into_luma8();
    assert_eq!(cleaned.dimensions(), embedded.dimensions());
    let differing = cleaned
        .pixels()
        .zip(embedded.pixels())
        .filter(|(a, b)| (a.0[0] < 128) != (b.0[0] < 128))
        .count();
    assert_eq!(differing, 0);
}

#[test]
fn tiff_pages_become_numbered_files_with_their_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<image::GrayImage> = (0..3)
        .map(|s| {
            image::DynamicImage::ImageRgb8(
                degrade(&small_page(72 + s, 3), &Degrade::typical(s)).image,
            )
            .into_luma8()
        })
        .collect();
    write_tiff_pages(&dir.path().join("batch.tif"), &pages, 200);
    let run = ocrpdf(
        dir.path(),
        &[
            "clean",
            "batch.tif",
            "-d",
            "out",
            "--format",
            "tiff",
            "--json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        listing(&dir.path().join("out")),
        ["batch-001.tif", "batch-002.tif", "batch-003.tif"]
    );
    // One JSON line per page, naming input page and output: README's
    // `clean_page` record, read back as the library's model.
    let schema = common::schema::readme();
    let lines: Vec<CleanPageReport> = run
        .stdout
        .lines()
        .map(|l| {
            let raw: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(schema.check_record(&raw), "clean_page", "{l}");
            match serde_json::from_value::<Record>(raw).unwrap().body {
                Body::CleanPage(p) => p,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    assert_eq!(lines.len(), 3);
    let out = dir.path().join("out").canonicalize().unwrap();
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.input, format!("batch.tif (page {} of 3)", i + 1));
        assert_eq!(l.kind, "bilevel");
        let name = format!("batch-{:03}.tif", i + 1);
        assert_eq!(l.output, out.join(name).to_str().unwrap(), "absolute");
        assert_eq!(l.rotation_deg, 0);
        // Degrade::typical skews by 0.8°: found in degrees.
        assert!((l.skew_deg.abs() - 0.8).abs() < 0.3, "{l:?}");
        assert!(l.warnings.is_empty());
    }
    // Bilevel TIFF is CCITT G4 at the input's 200 dpi.
    for name in ["batch-001.tif", "batch-003.tif"] {
        let mut dec = tiff::decoder::Decoder::new(
            std::fs::File::open(dir.path().join("out").join(name)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            dec.get_tag_u32(tiff::tags::Tag::Compression).unwrap(),
            4,
            "{name}"
        );
        assert_eq!(dec.colortype().unwrap(), tiff::ColorType::Gray(1));
        assert_eq!(
            dec.get_tag(tiff::tags::Tag::XResolution).unwrap(),
            tiff::decoder::ifd::Value::Rational(20000, 100)
        );
    }
}

#[test]
fn pipes_refusals_and_failures_in_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(75, 3), &Degrade::typical(75));
    save_png(&page, &dir.path().join("a.png"));
    let input = std::fs::read(dir.path().join("a.png")).unwrap();

    // stdin to stdout, as after scanimage in a pipe.
    let run = ocrpdf(dir.path(), &["clean", "-", "-o", "-", "-q"], Some(&input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.as_bytes().starts_with(b"\x89PNG") || run.stdout.starts_with("\u{fffd}PNG"));

    // An existing output is not replaced without --force.
    assert_eq!(
        ocrpdf(dir.path(), &["clean", "a.png", "-o", "c.png"], None).code,
        0
    );
    let run = ocrpdf(dir.path(), &["clean", "a.png", "-o", "c.png"], None);
    assert_eq!(run.code, 9, "{}", run.stderr);
    assert!(run.stderr.contains("already exists"));
    assert_eq!(
        ocrpdf(
            dir.path(),
            &["clean", "a.png", "-o", "c.png", "--force"],
            None
        )
        .code,
        0
    );
    // Nor is an input.
    let run = ocrpdf(
        dir.path(),
        &["clean", "a.png", "-o", "a.png", "--force"],
        None,
    );
    assert_eq!(run.code, 9, "{}", run.stderr);
    assert_eq!(std::fs::read(dir.path().join("a.png")).unwrap(), input);

    // A broken file in a batch is named; the good one is still written.
    std::fs::write(dir.path().join("bad.png"), &input[..input.len() / 3]).unwrap();
    std::fs::write(dir.path().join("text.png"), b"not an image").unwrap();
    let run = ocrpdf(
        dir.path(),
        &["clean", "bad.png", "text.png", "a.png", "-d", "out"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.png: cannot decode PNG image"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("text.png: not a PNG image"),
        "{}",
        run.stderr
    );
    assert_eq!(listing(&dir.path().join("out")), ["a.png"]);
}

/// A truncated JPEG is refused by `clean` as by the main command; with
/// `--accept-truncated` the cleaned page is written and the
/// `truncated_input` warning reaches stderr and the JSON line.
#[test]
fn clean_reports_a_kept_truncated_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(76, 3);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&page.image)
        .unwrap();
    let cut = jpeg.len() * 3 / 4;
    std::fs::write(dir.path().join("scan7.jpg"), &jpeg[..cut]).unwrap();
    let run = ocrpdf(dir.path(), &["clean", "scan7.jpg", "-o", "a.png"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("truncated JPEG"), "{}", run.stderr);
    assert!(!dir.path().join("a.png").exists());

    let args = [
        "clean",
        "scan7.jpg",
        "--accept-truncated",
        "--json",
        "-o",
        "b.png",
    ];
    let run = ocrpdf(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = format!("warning: scan7.jpg: truncated JPEG (data ends at byte {cut})");
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    let line: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(schema::readme().check_record(&line), "clean_page");
    assert_eq!(line["warnings"][0]["code"], "truncated_input", "{line}");
    let r: CleanPageReport = match serde_json::from_value::<Record>(line).unwrap().body {
        Body::CleanPage(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(r.warnings.len(), 1);
    assert!(dir.path().join("b.png").exists());
}
