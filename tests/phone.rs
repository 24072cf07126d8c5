//! Issue 25, points 1, 2, 4, 6 and 7: a phone photo of a page becomes the
//! page — found, flattened to its true proportions, cropped, given the
//! resolution of its paper size — and a flatbed scan stays as it was.
//! Photos are generated from rendered pages with known corners
//! (`common::phone`); the larger sweep is `examples/outline_bench.rs`.

mod common;

use common::generator::{Page, cer, save_png, write_png};
use common::phone::{Desk, Shot, kinds, page_for, photograph};
use common::*;
use ocrpdf::capture::{find_outline, flatten, iou};
use std::path::Path;

fn json_line(run: &Run) -> serde_json::Value {
    serde_json::from_str(run.stdout.lines().next().expect("a JSON line")).unwrap()
}

fn shot(name: &str) -> Shot {
    kinds()
        .into_iter()
        .find(|k| k.0 == name)
        .unwrap_or_else(|| panic!("no kind {name}"))
        .1
}

#[test]
fn the_page_outline_is_found_on_every_kind_of_photo() {
    // Light, dark and textured desks, paper under the page, a corner out
    // of the frame, 35° of tilt, a page at 40 % of the frame, a shadow
    // and light falloff, an EXIF-turned JPEG.
    let mut table = String::new();
    let mut failures = Vec::new();
    for (name, shot) in kinds() {
        let page = page_for(shot.paper, 8, 3);
        let photo = photograph(&page, &shot);
        let (w, h) = photo.image.dimensions();
        let gray = image::DynamicImage::ImageRgb8(photo.image.clone()).into_luma8();
        let Some(found) = find_outline(&gray) else {
            failures.push(format!("{name}: no outline"));
            continue;
        };
        let overlap = iou(&found.quad, &photo.corners, (w as f64, h as f64));
        let (fw, fh) = flatten::flat_size(&found.quad, (w, h)).expect("a size");
        let aspect = fw as f64 / fh as f64 / (shot.paper.0 / shot.paper.1) - 1.0;
        table.push_str(&format!(
            "{name:<18} IoU {overlap:.4} aspect {:+.2}%\n",
            100.0 * aspect
        ));
        if overlap < 0.98 || aspect.abs() > 0.02 {
            failures.push(format!("{name}: IoU {overlap:.4}, aspect {aspect:+.4}"));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{failures:?}\n{table}");
}

#[test]
fn a_flatbed_scan_has_no_outline_and_is_not_looked_at() {
    // Flatbed scans: the page fills the frame, or lies on the dark lid
    // with a border around it; at 300 dpi they are never looked at, and
    // even when asked to look (`--capture on`), the frame-filling page
    // has no outline to crop to.
    let dir = tempfile::tempdir().unwrap();
    let page = small_page(5, 8);
    save_png(&page, &dir.path().join("scan.png"));
    let gray = image::DynamicImage::ImageRgb8(page.image.clone()).into_luma8();
    assert!(find_outline(&gray).is_none());
    // On the dark lid: the page's text block is no page to crop to.
    let mut lid = page.clone();
    common::generator::add_dark_border(&mut lid, 60);
    let gray = image::DynamicImage::ImageRgb8(lid.image).into_luma8();
    assert!(find_outline(&gray).is_none());
    for samples in ["page01.jpg", "page02.jpg", "page03.jpg"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(samples);
        let img = image::open(&path).unwrap().into_luma8();
        assert!(find_outline(&img).is_none(), "{samples}");
    }
    let run = ocrpdf(dir.path(), &["scan.png", "-o", "a.pdf", "--json"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert!(report.get("capture").is_none(), "{report}");
    let run = ocrpdf(
        dir.path(),
        &["scan.png", "-o", "b.pdf", "--json", "--capture", "on"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert_eq!(report["capture"]["outline_found"], false, "{report}");
    assert_eq!(
        std::fs::read(dir.path().join("a.pdf")).unwrap().len(),
        std::fs::read(dir.path().join("b.pdf")).unwrap().len()
    );
    let (w, h) = page.image.dimensions();
    let (pw, ph) = page_size_pt(&dir.path().join("b.pdf"));
    assert!(
        (pw - w as f32 * 72.0 / 300.0).abs() < 1.0 && (ph - h as f32 * 72.0 / 300.0).abs() < 1.0
    );
}

/// CER of the text layer of page 1 of `pdf` against `page`'s text.
fn text_cer(page: &Page, pdf: &Path) -> f64 {
    cer(&page.text, &pdftotext_raw(pdf, 1))
}

/// The same page scanned flat at the flattened photo's resolution: its
/// render with the photo's noise and JPEG, what the photo's CER is
/// measured against.
fn flat_cer(dir: &Path, page: &Page) -> f64 {
    let img = &page.image;
    let noisy = common::kinds::finish(img.clone(), 3.0, Some(88), 9);
    let (w, h) = noisy.dimensions();
    write_png(
        noisy.as_raw(),
        (w, h),
        png::ColorType::Rgb,
        page.dpi,
        &dir.join("flat.png"),
    );
    let run = ocrpdf(dir, &["flat.png", "-o", "flat.pdf", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    text_cer(page, &dir.join("flat.pdf"))
}

/// The photo's text may be read a little worse than the flat scan's:
/// within 1.5 times its CER, and a floor of half a percent for a flat
/// scan read perfectly.
fn cer_bound(flat: f64) -> f64 {
    (1.5 * flat).max(flat + 0.005)
}

#[test]
fn a_tilted_phone_photo_becomes_a_flat_a4_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Stored a quarter turn off with EXIF orientation 6, as phones do.
    let shot = shot("exif-6");
    let page = page_for(shot.paper, 14, 11);
    let photo = photograph(&page, &shot);
    std::fs::write(d.join("photo.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(d, &["photo.jpg", "-o", "out.pdf", "--json", "-v"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    let capture = &report["capture"];
    assert_eq!(capture["outline_found"], true, "{report}");
    assert_eq!(capture["flattened"], true, "{report}");
    assert_eq!(capture["paper"], "A4", "{report}");
    assert!(run.stderr.contains("flattened"), "{}", run.stderr);
    // Its corners, as reported, are the page's.
    let c = capture["corners"].as_array().unwrap();
    let quad = ocrpdf::capture::Quad(std::array::from_fn(|i| {
        [c[i][0].as_f64().unwrap(), c[i][1].as_f64().unwrap()]
    }));
    let (w, h) = photo.image.dimensions();
    let overlap = iou(&quad, &photo.corners, (w as f64, h as f64));
    assert!(overlap >= 0.98, "IoU {overlap}");
    // A4 in points, the resolution from its paper size, said so.
    let (pw, ph) = page_size_pt(&d.join("out.pdf"));
    assert!(
        (pw / 595.3 - 1.0).abs() < 0.02 && (ph / 841.9 - 1.0).abs() < 0.02,
        "page {pw} x {ph} pt"
    );
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "estimated_dpi")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("page found in the photo"),
        "{warning}"
    );
    let after = text_cer(&page, &d.join("out.pdf"));
    let flat = flat_cer(d, &page);
    // `--dpi` comes first; `--capture off` keeps the whole photo.
    let run = ocrpdf(
        d,
        &["photo.jpg", "-o", "dpi.pdf", "--json", "--dpi", "200", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert!(!report.to_string().contains("estimated_dpi"), "{report}");
    assert_eq!(report["dpi"], 200.0);
    let run = ocrpdf(
        d,
        &[
            "photo.jpg",
            "-o",
            "off.pdf",
            "--json",
            "--capture",
            "off",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert!(report.get("capture").is_none());
    assert_eq!(
        (report["width_px"].as_u64(), report["height_px"].as_u64()),
        (Some(w as u64), Some(h as u64))
    );
    let before = text_cer(&page, &d.join("off.pdf"));
    println!("CER flat {flat:.4}, photo whole {before:.4}, flattened {after:.4}");
    assert!(after <= cer_bound(flat), "CER {after:.4}, flat {flat:.4}");
}

#[test]
fn a_dark_desk_photo_with_a_shadow_reads_like_a_flat_scan_in_ocrpdf_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shot = Shot {
        desk: Desk::DarkCloth,
        ..shot("dark-cloth-shadow")
    };
    let page = page_for(shot.paper, 14, 12);
    let photo = photograph(&page, &shot);
    std::fs::write(d.join("photo.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(d, &["photo.jpg", "-o", "out.pdf", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = text_cer(&page, &d.join("out.pdf"));
    let flat = flat_cer(d, &page);
    println!("CER flat {flat:.4}, flattened {after:.4}");
    assert!(after <= cer_bound(flat), "CER {after:.4}, flat {flat:.4}");
    // `ocrpdf clean` makes the same flat page.
    let run = ocrpdf(d, &["clean", "photo.jpg", "-o", "page.png", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (w, h) = image::image_dimensions(d.join("page.png")).unwrap();
    let aspect = w as f64 / h as f64 / (8.27 / 11.69) - 1.0;
    assert!(aspect.abs() < 0.02, "{w} x {h}");
    assert!(w < photo.image.width() && h < photo.image.height());
}
