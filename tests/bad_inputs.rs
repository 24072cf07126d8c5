//! README's "Bad and odd inputs" table, row by row: each row's file is made
//! here, run through `ocrpdf FILE -o out.pdf`, and must give the row's exit
//! code and message. A row without a case here, or a case without a row,
//! fails the test, so the table stays true and complete.

use crate::common;

use common::*;
use std::path::Path;

/// One README row as the test reads it.
#[derive(Debug)]
struct Row {
    file: String,
    extra: Vec<String>,
    exit: i32,
    /// Every `…` span of the message cell, each in stderr.
    message: Vec<String>,
}

/// The rows of the table under `### Bad and odd inputs`: the second column
/// is the file (and options) in backticks, the third the exit code, the
/// fourth the message in backticks (one span or several, with what varies
/// between them).
fn readme_rows() -> Vec<Row> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### Bad and odd inputs")
        .nth(1)
        .expect("README has a 'Bad and odd inputs' section");
    let section = section.split("\n#").next().unwrap();
    let ticked = |cell: &str| -> String {
        cell.split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("no `…` in {cell}"))
            .to_string()
    };
    section
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| input"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let mut args = ticked(cells[2])
                .split(' ')
                .map(String::from)
                .collect::<Vec<_>>();
            Row {
                file: args.remove(0),
                extra: args,
                exit: cells[3]
                    .parse()
                    .unwrap_or_else(|_| panic!("exit code in {l}")),
                message: cells[4]
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(String::from)
                    .collect(),
            }
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn png(page: &image::GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    page.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg(page: &image::RgbImage, dpi: Option<u16>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    if let Some(d) = dpi {
        enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(d));
    }
    enc.encode_image(page).unwrap();
    out
}

/// A one-page PDF through the binary itself (a scanned page of its own).
fn pdf_of(dir: &Path, name: &str, page: &common::generator::Page) {
    let png = dir.join(format!("{name}.png"));
    common::generator::save_png(page, &png);
    let run = ocrpdf(dir, &[&format!("{name}.png"), "-o", name], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(png).unwrap();
}

/// A grey TIFF of one strip holding `jpeg` (compression 7, no shared
/// tables), as scanners write JPEG-compressed TIFF; little-endian, the
/// directory first, then the strip.
fn jpeg_tiff((w, h): (u32, u32), jpeg: &[u8]) -> Vec<u8> {
    let entries: [(u16, u16, u32); 9] = [
        (256, 4, w),
        (257, 4, h),
        (258, 3, 8),
        (259, 3, 7),
        (262, 3, 1),
        (273, 4, 0), // the strip's offset, set below
        (277, 3, 1),
        (278, 4, h),
        (279, 4, jpeg.len() as u32),
    ];
    let data_at = 8 + 2 + 12 * entries.len() as u32 + 4;
    let mut t = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    t.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        let value = if tag == 273 { data_at } else { value };
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(1u32.to_le_bytes());
        if kind == 3 {
            t.extend((value as u16).to_le_bytes());
            t.extend([0, 0]);
        } else {
            t.extend(value.to_le_bytes());
        }
    }
    t.extend(0u32.to_le_bytes());
    t.extend_from_slice(jpeg);
    t
}

/// Make the file a row names in `dir`.
fn make(dir: &Path, file: &str) {
    let text = || small_page(81, 3);
    let white = |w, h| image::GrayImage::from_pixel(w, h, image::Luma([255]));
    match file {
        "empty.png" => write(dir, file, b""),
        "notes.txt" => write(dir, file, b"not a scan\n"),
        // The opening box of an iPhone's HEIC file (ftyp: heic, mif1).
        "IMG_0001.HEIC" => write(dir, file, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0meta"),
        "cut.heic" => {
            let h = common::phone::heif_file(&text().image, 1, false, dir);
            write(dir, file, &h[..h.len() * 3 / 4]);
        }
        "scan.png" => write(dir, file, b"hello world"),
        "cut.png" => {
            let p = png(&image::DynamicImage::ImageRgb8(text().image).into_luma8());
            write(dir, file, &p[..p.len() / 2]);
        }
        "cut.jpg" => {
            let j = jpeg(&text().image, None);
            write(dir, file, &j[..j.len() * 3 / 4]);
        }
        "reterminated.jpg" => {
            let j = jpeg(&text().image, None);
            write(dir, file, &[&j[..j.len() / 2], &[0xFF, 0xD9][..]].concat());
        }
        "jpeg.tif" => {
            // One strip of JPEG data (TIFF compression 7), cut in the
            // middle of its scan and re-terminated with FF D9.
            let g = image::DynamicImage::ImageRgb8(text().image).into_luma8();
            let mut j = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut j, 85)
                .encode_image(&g)
                .unwrap();
            let cut = [&j[..j.len() / 2], &[0xFF, 0xD9][..]].concat();
            write(dir, file, &jpeg_tiff(g.dimensions(), &cut));
        }
        "cut.pgm" => {
            let g = image::DynamicImage::ImageRgb8(text().image).into_luma8();
            let mut p = format!("P5\n{} {}\n255\n", g.width(), g.height()).into_bytes();
            p.extend_from_slice(g.as_raw());
            write(dir, file, &p[..p.len() / 2]);
        }
        "cut.tif" => {
            let g = image::DynamicImage::ImageRgb8(text().image).into_luma8();
            write_tiff_pages(&dir.join(file), &[g], 300);
            let t = std::fs::read(dir.join(file)).unwrap();
            write(dir, file, &t[..t.len() / 2]);
        }
        "cut.pdf" => {
            pdf_of(dir, file, &text());
            let p = std::fs::read(dir.join(file)).unwrap();
            write(dir, file, &p[..p.len() / 2]);
        }
        "strip.png" => write(dir, file, &png(&white(100_000, 1))),
        "big.png" => write(dir, file, &png(&white(3000, 2000))),
        "phone.jpg" => {
            let img = image::RgbImage::from_pixel(1500, 2000, image::Rgb([255, 255, 255]));
            write(dir, file, &jpeg(&img, Some(72)));
        }
        "locked.pdf" => {
            pdf_of(dir, "open.pdf", &text());
            let status = std::process::Command::new("qpdf")
                .current_dir(dir)
                .args(["--encrypt", "u", "o", "256", "--", "open.pdf", file])
                .status()
                .unwrap();
            assert!(status.success());
        }
        "missing.png" => {}
        other => panic!("README row {other} has no case in tests/bad_inputs.rs"),
    }
}

#[test]
fn the_readme_table_of_bad_inputs_is_what_ocrpdf_does() {
    let rows = readme_rows();
    assert!(rows.len() >= 12, "{rows:?}");
    for row in &rows {
        let dir = tempfile::tempdir().unwrap();
        make(dir.path(), &row.file);
        let mut args = vec![row.file.as_str()];
        args.extend(row.extra.iter().map(String::as_str));
        args.extend(["-o", "out.pdf"]);
        let run = ocrpdf(dir.path(), &args, None);
        eprintln!("{} -> {}: {}", row.file, run.code, run.stderr.trim());
        assert_eq!(run.code, row.exit, "{row:?}\n{}", run.stderr);
        for m in &row.message {
            assert!(run.stderr.contains(m), "{row:?}\nstderr: {}", run.stderr);
        }
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        // A refused input leaves no output behind.
        assert_eq!(
            dir.path().join("out.pdf").exists(),
            row.exit == 0,
            "{row:?}"
        );
    }
}

/// A page of random noise (a scanner's lid left open on a dusty glass):
/// whatever it gives, `-q` prints nothing — Leptonica's and Tesseract's
/// own messages never reach the user.
#[test]
fn a_noise_page_with_q_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let noise = image::GrayImage::from_fn(1240, 1754, |_, _| {
        // xorshift64*: noise without a dependency; black and white dots.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let v = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
        image::Luma([if v < 128 { 0 } else { 255 }])
    });
    write(dir.path(), "noise.png", &png(&noise));
    let run = ocrpdf(dir.path(), &["noise.png", "-o", "out.pdf", "-q"], None);
    assert!(run.code == 0 || run.code == 2, "{}", run.stderr);
    assert_eq!(run.stderr, "", "stderr under -q");
}
