//! Symbol-coded lossless JBIG2 (`ocrpdf::internals::jbig2::encode_symbols`)
//! decoded by `jbig2dec` (the library inside MuPDF) and compared bit for
//! bit with the pixels that went in, on generated text pages in DejaVu
//! serif and sans at 8–14 pt and 200–600 dpi, clean and scanned-looking.

mod common;

use common::generator::{CORPUS, Degrade, FONT_PATHS, degrade, render_lines_at};
use image::{GrayImage, Luma};
use ocrpdf::clean::{self, BitImage, CleanOptions};
use ocrpdf::input::{Dpi, PageImage, Pixels};
use ocrpdf::internals::{g4, jbig2};
use std::process::Command;

/// The pixels `jbig2dec` decodes from an embedded stream (1 = ink).
fn jbig2dec(stream: &[u8]) -> (u32, u32, Vec<bool>) {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("page.jb2"), dir.path().join("page.pbm"));
    std::fs::write(&input, stream).unwrap();
    let out = Command::new("jbig2dec")
        .args(["-e", "-t", "pbm", "-o"])
        .arg(&output)
        .arg(&input)
        .output()
        .expect("jbig2dec is needed (scripts/deps.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "jbig2dec: {}\n{stderr}", out.status);
    let pbm = std::fs::read(&output).unwrap();
    // P4: "P4\n<w> <h>\n" then rows packed MSB first, 1 = black.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 3 {
        while pbm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pbm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pbm[start..at]).to_string());
    }
    at += 1;
    assert_eq!(fields[0], "P4");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let stride = w.div_ceil(8) as usize;
    let mut px = Vec::with_capacity((w * h) as usize);
    for y in 0..h as usize {
        let row = &pbm[at + y * stride..at + (y + 1) * stride];
        for x in 0..w as usize {
            px.push(row[x / 8] & (0x80 >> (x % 8)) != 0);
        }
    }
    (w, h, px)
}

fn assert_jbig2dec_exact(what: &str, bits: &BitImage, stream: &[u8]) {
    let (w, h, px) = jbig2dec(stream);
    assert_eq!((w, h), (bits.width(), bits.height()), "{what}: size");
    let wrong = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| px[(y * w + x) as usize] != bits.is_ink(x, y))
        .count();
    assert_eq!(wrong, 0, "{what}: {wrong} pixels differ");
}

fn image(w: u32, h: u32, mut ink: impl FnMut(u32, u32) -> bool) -> BitImage {
    BitImage::from_gray_threshold(GrayImage::from_fn(w, h, |x, y| {
        Luma([if ink(x, y) { 0 } else { 255 }])
    }))
}

/// `lines` lines of the corpus in `font` at `pt` and `dpi`, cut to its top
/// `part` of the page, degraded like a scan when `scanned`, cleaned by the
/// library as the pipeline would store it.
fn text_page(font: usize, pt: f32, dpi: f32, lines: usize, scanned: bool, seed: u64) -> BitImage {
    let words: Vec<&str> = CORPUS.split_whitespace().collect();
    let per_line = ((6.0 * 72.0 / pt) as usize).max(3);
    let text: Vec<String> = (0..lines)
        .map(|l| {
            (0..per_line)
                .map(|i| words[(seed as usize * 7 + l * per_line + i) % words.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    let mut page = render_lines_at(&refs, pt, dpi, FONT_PATHS[font], false);
    let keep =
        ((dpi + pt * dpi / 72.0 * 1.5 * (lines as f32 + 1.0)) as u32).min(page.image.height());
    page.image = image::imageops::crop_imm(&page.image, 0, 0, page.image.width(), keep).to_image();
    if scanned {
        page = degrade(&page, &Degrade::typical(seed));
    }
    let image = PageImage {
        pixels: Pixels::Rgb(page.image),
        dpi: Dpi::uniform(dpi),
    };
    clean::clean(&image, &CleanOptions::default()).bits
}

#[test]
#[ignore = "measurement"]
fn measure() {
    for (font, pt, dpi, scanned) in [
        (0, 11.0, 300.0, false),
        (1, 11.0, 300.0, false),
        (0, 10.0, 300.0, true),
        (1, 8.0, 200.0, true),
        (0, 14.0, 600.0, false),
    ] {
        let bits = text_page(font, pt, dpi, 25, scanned, 3);
        let t = std::time::Instant::now();
        let sym = jbig2::encode_symbols(&bits);
        let ts = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let generic = jbig2::encode(&bits);
        let tg = t.elapsed().as_secs_f64();
        let g4 = g4::encode(&bits).len();
        let djvu = cjb2(&bits);
        eprintln!(
            "font {font} {pt}pt {dpi}dpi scanned {scanned} {}x{}: g4 {g4} generic {} ({tg:.3}s) symbols {} ({ts:.3}s) ratio {:.3} cjb2 {djvu:?}",
            bits.width(),
            bits.height(),
            generic.len(),
            sym.len(),
            sym.len() as f64 / generic.len() as f64
        );
        assert_jbig2dec_exact("measure", &bits, &sym);
    }
}

/// Bytes of `cjb2 -lossless` (DjVu's JB2 coder, Debian `djvulibre-bin`) on
/// the page, when it is installed.
fn cjb2(bits: &BitImage) -> Option<usize> {
    let dir = tempfile::tempdir().unwrap();
    let (pbm, djvu) = (dir.path().join("p.pbm"), dir.path().join("p.djvu"));
    let (w, h) = (bits.width(), bits.height());
    let stride = w.div_ceil(8) as usize;
    let mut data = format!("P4\n{w} {h}\n").into_bytes();
    for y in 0..h {
        let mut row = vec![0u8; stride];
        for x in 0..w {
            if bits.is_ink(x, y) {
                row[x as usize / 8] |= 0x80 >> (x % 8);
            }
        }
        data.extend(row);
    }
    std::fs::write(&pbm, data).unwrap();
    let ok = Command::new("cjb2")
        .arg("-lossless")
        .arg(&pbm)
        .arg(&djvu)
        .status()
        .ok()?
        .success();
    ok.then(|| std::fs::metadata(&djvu).unwrap().len() as usize)
}
