//! Issue 11: pages whose ink carries colour are stored as colour layers
//! (mask + foreground + background) that keep their colour in every
//! renderer, at close to a text page's size, while black-text pages and
//! the text layer stay as they were.
//!
//! The pages come from `tests/common/colour.rs`, with the inks and tints
//! known; each is converted once in `--mode auto` (the default) and once
//! in `--mode text` (the old default), and rendered with poppler
//! (`pdftoppm`) and MuPDF (`mutool draw`) at the scan's resolution.

use crate::common;

use common::colour::{self, ColourPage};
use common::{ocrpdf, pdfimages_list, pdfimages_png, pdftotext, same_words};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One generated page converted both ways and rendered.
struct Converted {
    name: &'static str,
    page: ColourPage,
    auto: PathBuf,
    text: PathBuf,
    /// The `auto` PDF rendered by poppler and by MuPDF.
    renders: Vec<(&'static str, RgbImage)>,
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    pages: Vec<Converted>,
}

fn render_poppler(pdf: &Path, out: &Path) -> RgbImage {
    common::render_page(pdf, 1, 300, out)
}

fn render_mupdf(pdf: &Path, out: &Path) -> RgbImage {
    let ok = Command::new("mutool")
        .args(["draw", "-q", "-r", "300", "-c", "rgb", "-o"])
        .arg(out)
        .arg(pdf)
        .arg("1")
        .status()
        .unwrap()
        .success();
    assert!(ok, "mutool draw failed");
    image::open(out).unwrap().to_rgb8()
}

fn convert(dir: &Path, name: &str, mode: &str) -> PathBuf {
    let pdf = dir.join(format!("{name}-{mode}.pdf"));
    let png = format!("{name}.png");
    let r = ocrpdf(
        dir,
        &["--mode", mode, &png, "-o", pdf.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{name} --mode {mode}: {}", r.stderr);
    pdf
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let pages = [
            ("letter", colour::letter(true)),
            ("headings", colour::headings_and_photo()),
            ("black", colour::letter(false)),
        ];
        let pages = pages
            .into_iter()
            .map(|(name, page)| {
                common::generator::save_png(&page.page, &dir.join(format!("{name}.png")));
                let auto = convert(&dir, name, "auto");
                let text = convert(&dir, name, "text");
                let renders = if name == "black" {
                    Vec::new()
                } else {
                    vec![
                        (
                            "poppler",
                            render_poppler(&auto, &dir.join(format!("{name}-p.png"))),
                        ),
                        (
                            "mupdf",
                            render_mupdf(&auto, &dir.join(format!("{name}-m.png"))),
                        ),
                    ]
                };
                Converted {
                    name,
                    page,
                    auto,
                    text,
                    renders,
                }
            })
            .collect();
        Fixture {
            _dir: tmp,
            dir,
            pages,
        }
    })
}

fn page(name: &str) -> &'static Converted {
    fixture().pages.iter().find(|p| p.name == name).unwrap()
}

/// Pixels where `stencil` (pdfimages' rendering of a stencil mask: white
/// where it paints) is not the inverse of `gray` (black = ink).
fn flipped_pixels(stencil: &image::GrayImage, gray: &image::GrayImage) -> usize {
    let pairs = stencil.iter().zip(gray.iter());
    pairs.filter(|(a, b)| **a != 255 - **b).count()
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().len()
}

#[test]
fn ciede2000_matches_the_published_test_pairs() {
    // Sharma, Wu & Dalal (2005), table 1, pairs 1, 7 and 17.
    let pairs = [
        ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
        ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
        ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
    ];
    for (a, b, want) in pairs {
        let got = colour::ciede2000(a, b);
        assert!((got - want).abs() < 1e-3, "{a:?} {b:?}: {got} != {want}");
    }
}

#[test]
fn colour_pages_keep_their_hues_in_poppler_and_mupdf() {
    for name in ["letter", "headings"] {
        let p = page(name);
        let scan = &p.page.page.image;
        for (engine, render) in &p.renders {
            let kept = colour::colour_kept(scan, render);
            eprintln!("{name} in {engine}: colour kept {kept:.3}");
            assert!(kept >= 0.85, "{name} in {engine}: colour kept {kept:.3}");
        }
    }
    // The measure sees the difference: the text mode's rendering of the
    // letter has no colour at all.
    let p = page("letter");
    let text = render_poppler(&p.text, &fixture().dir.join("letter-text-p.png"));
    let kept = colour::colour_kept(&p.page.page.image, &text);
    assert!(
        kept < 0.1,
        "--mode text keeps {kept:.3} of the letter's colour"
    );
}

#[test]
fn coloured_glyph_cores_show_their_ink_colour() {
    for name in ["letter", "headings"] {
        let p = page(name);
        for e in &p.page.elements {
            assert!(
                e.core.len() > 200,
                "{}: core of {} px",
                e.name,
                e.core.len()
            );
            for (engine, render) in &p.renders {
                let de = colour::core_delta_e(render, e);
                eprintln!("{name} {} in {engine}: mean CIEDE2000 {de:.2}", e.name);
                assert!(de <= 10.0, "{name} {} in {engine}: ΔE00 {de:.2}", e.name);
            }
        }
    }
}

#[test]
fn highlighter_and_note_box_keep_their_tint_and_the_text_on_them_stays_black() {
    let p = page("letter");
    for (engine, render) in &p.renders {
        for t in &p.page.tints {
            let [x0, y0, x1, y1] = t.rect;
            let (mut paper, mut ink, mut n_paper, mut n_ink) = (0.0, 0.0, 0, 0);
            let want = colour::lab(t.colour);
            for y in y0 + 4..y1 - 4 {
                for x in x0 + 4..x1 - 4 {
                    let c = colour::lab(render.get_pixel(x, y).0);
                    if c[0] < 30.0 {
                        ink += c[0] as f64;
                        n_ink += 1;
                    } else if c[0] > 60.0 {
                        paper += colour::ciede2000(want, c);
                        n_paper += 1;
                    }
                }
            }
            let (paper, ink) = (paper / n_paper as f64, ink / n_ink.max(1) as f64);
            eprintln!(
                "{} in {engine}: paper ΔE00 {paper:.2}, ink L* {ink:.1} ({n_ink} px)",
                t.name
            );
            assert!(
                paper <= 10.0,
                "{} in {engine}: tint ΔE00 {paper:.2}",
                t.name
            );
            assert!(
                n_ink > 1000,
                "{} in {engine}: the text on it is gone",
                t.name
            );
        }
    }
}

#[test]
fn the_mask_is_the_text_image_bit_for_bit() {
    for name in ["letter", "headings"] {
        let p = page(name);
        let list = pdfimages_list(&p.auto);
        // Background and foreground in colour, the mask 1-bit.
        let masks: Vec<_> = list.iter().filter(|r| r.4 == 1).collect();
        assert_eq!(masks.len(), 1, "{name}: {list:?}");
        let dir = fixture().dir.join(format!("{name}-images"));
        let text_dir = fixture().dir.join(format!("{name}-text-images"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&text_dir).unwrap();
        let auto_imgs = pdfimages_png(&p.auto, &dir);
        let text_imgs = pdfimages_png(&p.text, &text_dir);
        let mask_at = list.iter().position(|r| r.4 == 1).unwrap();
        let mask = image::open(&auto_imgs[mask_at]).unwrap().to_luma8();
        let text = image::open(&text_imgs[0]).unwrap().to_luma8();
        assert_eq!(mask.dimensions(), text.dimensions(), "{name}");
        // pdfimages writes a stencil mask white where it paints (the ink)
        // and the text page's image as grey (0 = black ink).
        let differ = flipped_pixels(&mask, &text);
        assert_eq!(differ, 0, "{name}: {differ} pixels differ");
        assert!(mask.as_raw().contains(&0) && mask.as_raw().contains(&255));
    }
}

#[test]
fn the_letter_is_small_and_the_black_page_keeps_its_size() {
    let letter = size(&page("letter").auto);
    eprintln!(
        "letter: {letter} bytes (text mode {})",
        size(&page("letter").text)
    );
    assert!(letter <= 80_000, "letter: {letter} bytes");
    let black = page("black");
    let (auto, text) = (size(&black.auto), size(&black.text));
    eprintln!("black letter: auto {auto} bytes, text {text}");
    assert!(
        (auto as f64 - text as f64).abs() <= 0.02 * text as f64,
        "black page: auto {auto} vs text {text} bytes"
    );
    let list = pdfimages_list(&black.auto);
    assert_eq!(list.len(), 1, "black page images: {list:?}");
}

#[test]
fn the_text_layer_is_the_text_modes() {
    for p in &fixture().pages {
        let (auto, text) = (pdftotext(&p.auto, 1), pdftotext(&p.text, 1));
        assert!(auto.split_whitespace().count() > 100, "{}: {auto}", p.name);
        if let Err(e) = same_words(&text, &auto) {
            panic!("{}: {e}", p.name);
        }
    }
}

#[test]
fn lossless_layers_are_flate_and_json_names_the_kind() {
    let dir = &fixture().dir;
    let out = dir.join("letter-lossless.pdf");
    let r = ocrpdf(
        dir,
        &[
            "letter.png",
            "--lossless",
            "--json",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"kind\":\"colour-layers\""),
        "{}",
        r.stdout
    );
    let list = pdfimages_list(&out);
    let tone: Vec<&String> = list.iter().filter(|r| r.4 == 8).map(|r| &r.5).collect();
    assert_eq!(tone, ["image", "image"], "{list:?}");
    let r = ocrpdf(
        dir,
        &[
            "black.png",
            "--json",
            "-o",
            dir.join("b.pdf").to_str().unwrap(),
        ],
        None,
    );
    assert!(r.stdout.contains("\"kind\":\"bilevel\""), "{}", r.stdout);
}

#[test]
fn pdfa_output_uses_only_opaque_explicit_masking() {
    let dir = &fixture().dir;
    let out = dir.join("letter-pdfa.pdf");
    let r = ocrpdf(
        dir,
        &["letter.png", "--pdfa", "-o", out.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    common::assert_qpdf_ok(&out);
    let qdf = dir.join("letter-pdfa.qdf");
    let ok = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&out)
        .arg(&qdf)
        .status()
        .unwrap();
    assert!(ok.success());
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(text.contains("/ImageMask true"), "no stencil mask");
    assert!(text.contains("/Mask "), "no explicit mask");
    for forbidden in ["/SMask", "/Interpolate true", "/Group", "/BM "] {
        assert!(!text.contains(forbidden), "{forbidden} in a PDF/A page");
    }
}

#[test]
fn clean_writes_the_composed_page_and_its_layers() {
    let dir = &fixture().dir;
    let out = dir.join("clean").join("letter.png");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let r = ocrpdf(
        dir,
        &[
            "clean",
            "letter.png",
            "--layers",
            "--json",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"kind\":\"colour-layers\""),
        "{}",
        r.stdout
    );
    let composed = image::open(&out).unwrap().to_rgb8();
    let mask = image::open(dir.join("clean/letter-mask.png"))
        .unwrap()
        .to_luma8();
    let fg = image::open(dir.join("clean/letter-foreground.png")).unwrap();
    let bg = image::open(dir.join("clean/letter-background.png")).unwrap();
    assert_eq!(composed.dimensions(), mask.dimensions());
    assert!(fg.width() * 5 < mask.width() && bg.width() * 2 < mask.width());
    // The layers file's mask is the PDF's.
    let pdf_dir = dir.join("clean-pdf-images");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    let p = page("letter");
    let list = pdfimages_list(&p.auto);
    let imgs = pdfimages_png(&p.auto, &pdf_dir);
    let at = list.iter().position(|r| r.4 == 1).unwrap();
    let pdf_mask = image::open(&imgs[at]).unwrap().to_luma8();
    assert_eq!(pdf_mask.dimensions(), mask.dimensions());
    assert_eq!(
        flipped_pixels(&pdf_mask, &mask),
        0,
        "layer file vs PDF mask"
    );
    // The composed page is what the viewers show.
    let kept = colour::colour_kept(&p.page.page.image, &composed);
    assert!(kept >= 0.85, "composed page keeps {kept:.3}");
    let (poppler, (w, h)) = (&p.renders[0].1, composed.dimensions());
    let mut diff = 0u64;
    for y in 0..h.min(poppler.height()) {
        for x in 0..w.min(poppler.width()) {
            let (a, b) = (composed.get_pixel(x, y).0, poppler.get_pixel(x, y).0);
            diff += (0..3).map(|k| a[k].abs_diff(b[k]) as u64).sum::<u64>();
        }
    }
    let mean = diff as f64 / (w as f64 * h as f64 * 3.0);
    assert!(
        mean < 3.0,
        "composed page vs poppler: mean difference {mean:.2}"
    );
}

/// Photos beside black text are pictures, not coloured ink: a magazine
/// page and a photo alone keep exactly the bytes of `--mode text` (the
/// photo's rim, which a picture region can stop short of by up to one
/// detector cell, must not trigger colour layers).
#[test]
fn photos_with_black_text_get_no_colour_layers() {
    let dir = tempfile::tempdir().unwrap();
    for kind in common::kinds::page_kinds()
        .into_iter()
        .filter(|k| k.name == "09-magazine" || k.name == "12-photo-only")
    {
        let png = format!("{}.png", kind.name);
        common::generator::save_png(&kind.page, &dir.path().join(&png));
        let mut sizes = Vec::new();
        for mode in ["auto", "text"] {
            let pdf = format!("{}-{mode}.pdf", kind.name);
            let run = ocrpdf(dir.path(), &[&png, "--mode", mode, "-o", &pdf, "-q"], None);
            assert_eq!(run.code, 0, "{}", run.stderr);
            sizes.push(std::fs::metadata(dir.path().join(&pdf)).unwrap().len());
        }
        assert_eq!(sizes[0], sizes[1], "{}: auto vs text bytes", kind.name);
    }
}
