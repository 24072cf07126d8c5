//! A truncation and bit-flip sweep over every decoder, through the
//! library's own entry points (`list_pages`, `decode_page`, and the watch
//! folder's completeness check): whatever the bytes, no panic, and a
//! failure is an input error (exit code class 2). A guard fails the test
//! if one case runs far longer than any decode of these small files
//! should (a hang guard, not a timing assertion). The `fuzz/` targets
//! explore the same entry points with cargo-fuzz.

use crate::common;

use image::{DynamicImage, ImageFormat, RgbImage};
use lopdf::{Document, Object, Stream, dictionary};
use ocrpdf::input::{Input, Limits, decode_page, list_pages};
use ocrpdf::internals::complete::missing;
use std::io::Cursor;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Far beyond the milliseconds one case takes, even on a loaded machine.
const HANG_GUARD: Duration = Duration::from_secs(60);
/// Cuts and bit-flip variants per format.
const CUTS: usize = 14;
const FLIPS: usize = 22;

fn picture() -> RgbImage {
    RgbImage::from_fn(24, 16, |x, y| {
        image::Rgb([(x * 10) as u8, (y * 15) as u8, ((x ^ y) * 9) as u8])
    })
}

fn encoded(format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(picture())
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// A one-page PDF whose page is one Flate image (the extracted path).
fn pdf() -> Vec<u8> {
    let img = picture();
    let mut doc = Document::with_version("1.7");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, img.as_raw()).unwrap();
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 24, "Height" => 16,
            "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "FlateDecode",
        },
        z.finish().unwrap(),
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"q 24 0 0 16 0 0 cm /Im0 Do Q".to_vec(),
    ));
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 24.into(), 16.into()],
        "Contents" => content,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Cuts at spread lengths, and copies with 1-8 random bytes replaced.
fn variants(whole: &[u8], seed: u64) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..CUTS)
        .map(|i| whole[..whole.len() * i / CUTS].to_vec())
        .collect();
    out.push(whole[..whole.len() - 1].to_vec());
    let mut rng = common::generator::Rng::new(seed);
    for _ in 0..FLIPS {
        let mut v = whole.to_vec();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(v.len());
            // Header bytes are where decoders trust the most.
            let at = if rng.below(2) == 0 {
                at % 64.min(v.len())
            } else {
                at
            };
            v[at] ^= 1 << rng.below(8);
        }
        out.push(v);
    }
    out
}

/// Decode every page of `path` as `ocrpdf` would; a panic is reported,
/// an error must be an input error. Whether it decoded.
fn decode_all(path: &Path, limits: &Limits) -> Result<bool, String> {
    let run = || -> Result<(), ocrpdf::Error> {
        for page in list_pages(&[Input::Path(path.to_path_buf())], limits)? {
            decode_page(&page, limits, None)?;
        }
        Ok(())
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Err(_) => Err("panicked".into()),
        Ok(Err(e)) if e.kind().exit_code() != 2 => {
            Err(format!("exit {}: {e}", e.kind().exit_code()))
        }
        Ok(r) => Ok(r.is_ok()),
    }
}

/// The formats swept: file extension, how the `image` crate writes it,
/// and what ocrpdf calls it.
const FORMATS: [(&str, ImageFormat, ocrpdf::input::Format); 7] = [
    ("png", ImageFormat::Png, ocrpdf::input::Format::Png),
    ("jpg", ImageFormat::Jpeg, ocrpdf::input::Format::Jpeg),
    ("tif", ImageFormat::Tiff, ocrpdf::input::Format::Tiff),
    ("ppm", ImageFormat::Pnm, ocrpdf::input::Format::Pnm),
    ("webp", ImageFormat::WebP, ocrpdf::input::Format::Webp),
    ("bmp", ImageFormat::Bmp, ocrpdf::input::Format::Bmp),
    ("gif", ImageFormat::Gif, ocrpdf::input::Format::Gif),
];

/// Seed corpora for the cargo-fuzz targets: the sweep's whole files, in
/// `fuzz/seeds/decode_image/` and `fuzz/seeds/read_pdf/` (the PDF without
/// its header line, which that target adds). Not part of the suite; run
/// with `cargo test --release --test suite -- --ignored fuzz_sweep::fuzz_seeds`.
#[test]
#[ignore = "writes fuzz/seeds for cargo-fuzz"]
fn fuzz_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let (images, pdfs) = (root.join("decode_image"), root.join("read_pdf"));
    std::fs::create_dir_all(&images).unwrap();
    std::fs::create_dir_all(&pdfs).unwrap();
    for (ext, encoding, _) in FORMATS {
        std::fs::write(images.join(format!("seed.{ext}")), encoded(encoding)).unwrap();
    }
    let pdf = pdf();
    std::fs::write(images.join("seed.pdf"), &pdf).unwrap();
    let body = pdf.iter().position(|&b| b == b'\n').map_or(0, |n| n + 1);
    std::fs::write(pdfs.join("seed"), &pdf[body..]).unwrap();
}

#[test]
fn truncated_and_bit_flipped_files_never_panic_in_any_decoder() {
    let mut files: Vec<(String, ocrpdf::input::Format, Vec<u8>)> = Vec::new();
    for (i, (ext, encoding, format)) in FORMATS.into_iter().enumerate() {
        for (j, v) in variants(&encoded(encoding), 100 + i as u64)
            .into_iter()
            .enumerate()
        {
            files.push((format!("{ext}-{j}.{ext}"), format, v));
        }
    }
    for (j, v) in variants(&pdf(), 200).into_iter().enumerate() {
        files.push((format!("pdf-{j}.pdf"), ocrpdf::input::Format::Pdf, v));
    }
    let cases = files.len();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    // The decoders' own limits, small enough that a flipped dimension
    // cannot ask for gigabytes.
    let limits = Limits {
        max_pixels: 4_000_000,
        ..Limits::default()
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for (name, format, bytes) in files {
            let path = root.join(&name);
            std::fs::write(&path, &bytes).unwrap();
            let mut result = decode_all(&path, &limits);
            if std::panic::catch_unwind(|| missing(&bytes, format)).is_err() {
                result = Err("completeness check panicked".into());
            }
            if tx.send((name, result)).is_err() {
                return;
            }
        }
    });
    let (mut failures, mut refused) = (Vec::new(), 0);
    for _ in 0..cases {
        let (name, result) = rx
            .recv_timeout(HANG_GUARD)
            .expect("a case ran past the hang guard");
        match result {
            Ok(true) => {}
            Ok(false) => refused += 1,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    eprintln!("{cases} cases, {refused} refused");
    assert!(cases >= 280, "{cases}");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// PNG chunks re-framed with their CRCs, so a cut keeps a well-formed file.
fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let crc = |bytes: &[u8]| {
        !bytes.iter().fold(0xFFFF_FFFFu32, |mut c, &b| {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            c
        })
    };
    let body = [kind, data].concat();
    [
        &(data.len() as u32).to_be_bytes()[..],
        &body,
        &crc(&body).to_be_bytes(),
    ]
    .concat()
}

/// Image data cut in the middle, the file's end structure put back (a
/// transfer that lost its middle, a tool that "repaired" a cut file): a
/// JPEG re-terminated with EOI, a PNG whose IDAT is halved under a valid
/// CRC before its IEND, a GIF whose LZW data stops before the trailer, a
/// WebP whose chunk and RIFF sizes were fixed. Each decoder that knows its
/// data ran out says so, and that is an input error, never a page with a
/// grey or blank part.
#[test]
fn data_cut_under_a_whole_file_structure_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = encoded(ImageFormat::Jpeg);
    let png = encoded(ImageFormat::Png);
    let gif = encoded(ImageFormat::Gif);
    let webp = encoded(ImageFormat::WebP);
    let mut cases = Vec::new();
    for cut in [jpeg.len() / 2, jpeg.len() - 3] {
        cases.push(("jpg", [&jpeg[..cut], &[0xFF, 0xD9][..]].concat()));
    }
    let mut cut_png = png[..8].to_vec();
    let mut i = 8;
    while i + 8 <= png.len() {
        let n = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        let (kind, data) = (&png[i + 4..i + 8], &png[i + 8..i + 8 + n]);
        let data = if kind == b"IDAT" {
            &data[..n / 2]
        } else {
            data
        };
        cut_png.extend(png_chunk(kind, data));
        i += 12 + n;
    }
    cases.push(("png", cut_png));
    cases.push(("gif", [&gif[..gif.len() / 2], &[0x3B][..]].concat()));
    let keep = ((webp.len() - 20) / 2) & !1;
    let mut cut_webp = webp[..20 + keep].to_vec();
    cut_webp[16..20].copy_from_slice(&(keep as u32).to_le_bytes());
    let riff = (cut_webp.len() - 8) as u32;
    cut_webp[4..8].copy_from_slice(&riff.to_le_bytes());
    cases.push(("webp", cut_webp));
    for (k, (ext, bytes)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("cut{k}.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            decode_all(&path, &Limits::default()),
            Ok(false),
            "{}",
            path.display()
        );
    }
}
