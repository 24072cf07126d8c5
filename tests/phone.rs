//! Issue 25, points 1, 2, 4, 6 and 7: a phone photo of a page becomes the
//! page — found, flattened to its true proportions, cropped, given the
//! resolution of its paper size — and a flatbed scan stays as it was.
//! Photos are generated from rendered pages with known corners
//! (`common::phone`); the larger sweep is `examples/outline_bench.rs`.

use crate::common;

use common::generator::{Page, cer, save_png, write_png};
use common::phone::{
    Book, Desk, Shot, book_page, book_photo, kinds, line_sags, page_for, photograph, shot,
};
use common::*;
use ocrpdf::capture::{find_outline, flatten, iou};
use ocrpdf::input::Pixels;
use std::path::Path;

fn json_line(run: &Run) -> serde_json::Value {
    serde_json::from_str(run.stdout.lines().next().expect("a JSON line")).unwrap()
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
        // Its lines once flat, at 300 dpi: straight (the homography keeps
        // lines straight; a wrong corner would not bend them but a lens
        // model or a bad warp would).
        // At the size capture warps it to (a page seen small, larger).
        let (fw, fh) = flatten::at_least((fw, fh), 200.0 * shot.paper.1);
        let Some(Pixels::Gray(flat)) =
            flatten::flatten(&Pixels::Gray(gray.clone()), &found.quad, (fw, fh))
        else {
            panic!("{name}: not flattened")
        };
        let k = 300.0 * shot.paper.1 / fh as f64;
        let big = image::imageops::resize(
            &flat,
            (fw as f64 * k) as u32,
            (fh as f64 * k) as u32,
            image::imageops::FilterType::Triangle,
        );
        let sags = line_sags(&even_paper(&big), 16);
        let bend = sags.iter().copied().fold(0.0, f64::max);
        table.push_str(&format!(
            "{name:<18} IoU {overlap:.4} aspect {:+.2}% bend {bend:.2} px ({} lines)\n",
            100.0 * aspect,
            sags.len()
        ));
        if overlap < 0.98 || aspect.abs() > 0.02 || bend > 2.0 || sags.len() < 6 {
            failures.push(format!(
                "{name}: IoU {overlap:.4}, aspect {aspect:+.4}, bend {bend:.2}"
            ));
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

/// `gray` with its light evened out (each pixel over the brightest within
/// 24 px, as paper; three quarters of that is ink): a shadow across a
/// photo's page is no ink, a photo's soft letters are.
fn even_paper(gray: &image::GrayImage) -> image::GrayImage {
    let paper =
        imageproc::morphology::grayscale_dilate(gray, &imageproc::morphology::Mask::square(24));
    image::GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        let (v, p) = (gray.get_pixel(x, y).0[0], paper.get_pixel(x, y).0[0]);
        // Three quarters of the paper's level is the ink threshold (128).
        let r = f64::from(v) / f64::from(p.max(1));
        image::Luma([(255.0 * 2.0 * (r - 0.5)).clamp(0.0, 255.0) as u8])
    })
}

/// Dark pixels of page 1 of `pdf`, rendered at 100 dpi, within 2 % of the
/// page's side from its edges: the desk's trace along a flattened
/// photo's border (a row of specks) shows here; a page's margins are
/// wider than that.
fn border_ink(pdf: &Path, dir: &Path) -> usize {
    let img = common::render_page(pdf, 1, 100, &dir.join("border.png"));
    let (w, h) = img.dimensions();
    let (bx, by) = (w / 50, h / 50);
    img.enumerate_pixels()
        .filter(|(x, y, p)| {
            (*x < bx || *x >= w - bx || *y < by || *y >= h - by)
                && p.0.iter().map(|&v| u32::from(v)).sum::<u32>() < 3 * 128
        })
        .count()
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
    assert_a4_page(&d.join("out.pdf"));
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
    // Cropped inside the paper's edge: no trace of the dark desk.
    assert_eq!(border_ink(&d.join("out.pdf"), d), 0);
    // `ocrpdf clean` makes the same flat page.
    let run = ocrpdf(d, &["clean", "photo.jpg", "-o", "page.png", "-q"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (w, h) = image::image_dimensions(d.join("page.png")).unwrap();
    let aspect = w as f64 / h as f64 / (8.27 / 11.69) - 1.0;
    assert!(aspect.abs() < 0.02, "{w} x {h}");
    // Cropped to the page (not the photo's frame, whose proportions are
    // 3:4), at the resolution its paper size gives it: the photo saw it
    // under 200 dpi, and it is warped up to that.
    assert!((w as f64 / (8.27 * 200.0) - 1.0).abs() < 0.01, "{w} x {h}");
}

#[test]
fn a_page_seen_small_is_warped_up_to_200_dpi_and_reads_like_a_flat_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The page fills 42 % of the frame's width: about 75 dpi on A4.
    let shot = shot("small-40");
    let page = page_for(shot.paper, 14, 13);
    let photo = photograph(&page, &shot);
    std::fs::write(d.join("photo.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(
        d,
        &[
            "photo.jpg",
            "-o",
            "out.pdf",
            "--json",
            "-v",
            "--report",
            "report.json",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    // `--report` says what `--json` says.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("report.json")).unwrap()).unwrap();
    assert_eq!(file["pages"][0]["capture"], report["capture"], "{file}");
    let seen = report["capture"]["seen_dpi"].as_f64().unwrap_or(0.0);
    assert!(seen > 50.0 && seen < 100.0, "{report}");
    assert_eq!(report["dpi"], 200.0, "{report}");
    assert!(run.stderr.contains("resampled from"), "{}", run.stderr);
    // Stored as a 200-dpi bilevel image, not as blocks of 75-dpi pixels.
    let list = pdfimages_list(&d.join("out.pdf"));
    assert!(
        list.iter()
            .any(|i| i.4 == 1 && (i.1 as f64 / (8.27 * 200.0) - 1.0).abs() < 0.01),
        "{list:?}"
    );
    assert_eq!(border_ink(&d.join("out.pdf"), d), 0);
    let after = text_cer(&page, &d.join("out.pdf"));
    let flat = flat_cer(d, &page);
    println!("CER flat {flat:.4}, seen at {seen:.0} dpi and flattened {after:.4}");
    assert!(after <= cer_bound(flat), "CER {after:.4}, flat {flat:.4}");
}

/// Worst line bend of page `page` of `pdf` (stored at `size` pixels, for
/// a page generated at 150 dpi), in pixels at 300 dpi: rendered at twice
/// its size, so a baseline is found to half a stored pixel.
fn stored_sag(pdf: &Path, page: usize, size: (u32, u32), dir: &Path) -> f64 {
    let out = dir.join(format!("sag-{page}.png"));
    let img = common::render_page_sized(pdf, page, (2 * size.0, 2 * size.1), &out);
    sag_300(&image::DynamicImage::ImageRgb8(img).into_luma8())
}

/// The most bent line of a 150-dpi page image, at 300 dpi (scaled up
/// twice, bilinear, as `stored_sag` renders).
fn worst_sag(gray: &image::GrayImage) -> f64 {
    let (w, h) = gray.dimensions();
    let big = image::imageops::resize(gray, 2 * w, 2 * h, image::imageops::FilterType::Triangle);
    sag_300(&big)
}

/// The most bent line of a 300-dpi page image (`line_sags`).
fn sag_300(gray: &image::GrayImage) -> f64 {
    let sags = line_sags(gray, 16);
    assert!(sags.len() >= 10, "{} lines found", sags.len());
    sags.iter().copied().fold(0.0, f64::max)
}

fn pages_of(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "page")
        .collect()
}

fn size_of(page: &serde_json::Value) -> (u32, u32) {
    (
        page["width_px"].as_u64().unwrap() as u32,
        page["height_px"].as_u64().unwrap() as u32,
    )
}

#[test]
fn a_curved_book_spread_becomes_two_straight_pages_in_reading_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (left, right) = (book_page(24, 3), book_page(24, 9));
    let photo = book_photo(&left, Some(&right), &Book::default());
    std::fs::write(d.join("spread.jpg"), &photo.jpeg).unwrap();
    let gray = image::DynamicImage::ImageRgb8(photo.image.clone()).into_luma8();
    let before = {
        let (w, h) = gray.dimensions();
        let l = image::imageops::crop_imm(&gray, 0, 0, photo.spine as u32, h).to_image();
        let r = image::imageops::crop_imm(&gray, photo.spine as u32, 0, w - photo.spine as u32, h)
            .to_image();
        worst_sag(&l).max(worst_sag(&r))
    };
    let run = ocrpdf(
        d,
        &[
            "spread.jpg",
            "-o",
            "out.pdf",
            "--split-spreads",
            "--json",
            "-v",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages_of(&run);
    assert_eq!(pages.len(), 2, "{}", run.stdout);
    assert_eq!(pages[0]["capture"]["split"], "left", "{}", pages[0]);
    assert_eq!(pages[1]["capture"]["split"], "right", "{}", pages[1]);
    assert!(
        run.stderr.contains("left page of a book spread"),
        "{}",
        run.stderr
    );
    // The cut is in the gutter: the left page and the strip of desk cut
    // off at its outer edge are as wide as the spine is from the photo's
    // left edge (the empty band is a few pixels each way).
    let (lw, _) = size_of(&pages[0]);
    let trimmed = pages[0]["capture"]["trimmed_px"].as_f64().unwrap();
    assert!(
        (lw as f64 + trimmed - photo.spine).abs() <= 12.0,
        "cut at {lw} + {trimmed}, spine at {}",
        photo.spine
    );
    // The desk beyond the left page's outer edge is gone, and no more
    // (the generator's page starts `photo.outside` pixels in); the right
    // page's paper reaches the photo's edge. Both spine shadows are
    // lifted: no strip of them is kept as a picture.
    assert!(
        (trimmed - photo.outside).abs() <= 4.0,
        "cut {trimmed} px, the desk is {} px",
        photo.outside
    );
    assert_eq!(pages[1]["capture"]["trimmed_px"], 0, "{}", pages[1]);
    for page in &pages {
        assert!(
            page["capture"]["shadow_lifted_px"].as_u64().unwrap() > 10,
            "{page}"
        );
        assert!(!page.to_string().contains("stored_as_picture"), "{page}");
        assert_eq!(page["codec"], "jbig2", "{page}");
    }
    assert!(
        run.stderr.contains("the spine's shadow lifted"),
        "{}",
        run.stderr
    );
    let floor = {
        let g = image::DynamicImage::ImageRgb8(left.image.clone()).into_luma8();
        worst_sag(&g)
    };
    let mut table =
        format!("bend before {before:.1} px at 300 dpi (the flat render measures {floor:.1})\n");
    for (i, (page, truth)) in [&left, &right]
        .into_iter()
        .enumerate()
        .map(|(i, t)| (i, (&pages[i], t)))
    {
        assert_eq!(page["capture"]["dewarped"], true, "{page}");
        let after = stored_sag(&d.join("out.pdf"), i + 1, size_of(page), d);
        let got = cer(&truth.text, &pdftotext_raw(&d.join("out.pdf"), i + 1));
        let flat = flat_cer(d, truth);
        // The measure's own floor: the same page scanned flat, through
        // the same pipeline (binarized, stored, rendered).
        let (fw, fh) = truth.image.dimensions();
        let flat_bend = stored_sag(&d.join("flat.pdf"), 1, (fw, fh), d);
        table.push_str(&format!(
            "page {}: bend after {after:.2} px at 300 dpi (flat scan {flat_bend:.2}), \
             CER {got:.4} (flat {flat:.4})\n",
            i + 1
        ));
        assert!(flat_bend < 1.0, "{table}");
        // The target.
        assert!(after <= 2.0, "{table}");
        assert!(got <= cer_bound(flat), "{table}");
    }
    println!("{table}");
    assert!(before > 6.0, "{table}");
}

#[test]
fn a_right_to_left_spread_starts_with_its_right_page() {
    // The order follows the first -l language; Hebrew's model reads the
    // English text badly, so the pages are told apart by their width.
    if !ocrpdf::about::installed_languages(None)
        .iter()
        .any(|l| l == "heb")
    {
        println!("no heb model: order checked in capture::spread's unit test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (left, right) = (book_page(12, 4), book_page(12, 8));
    let book = Book {
        depth: 0.0,
        ..Book::default()
    };
    let photo = book_photo(&left, Some(&right), &book);
    std::fs::write(d.join("spread.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(
        d,
        &[
            "spread.jpg",
            "-o",
            "out.pdf",
            "--split-spreads",
            "-l",
            "heb+eng",
            "--json",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages_of(&run);
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0]["capture"]["split"], "right");
    assert_eq!(pages[1]["capture"]["split"], "left");
    let w = photo.image.width() as f64;
    assert!((size_of(&pages[0]).0 as f64 - (w - photo.spine)).abs() <= 12.0);
    // A flat spread (no bend) is cut, not dewarped.
    assert_eq!(pages[0]["capture"]["dewarped"], false);
}

#[test]
fn a_curved_single_page_is_dewarped_not_split_and_flat_pages_are_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = book_page(24, 5);
    let photo = book_photo(&page, None, &Book::default());
    std::fs::write(d.join("page.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(
        d,
        &[
            "page.jpg",
            "-o",
            "out.pdf",
            "--split-spreads",
            "--json",
            "-v",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages_of(&run);
    assert_eq!(pages.len(), 1, "{}", run.stdout);
    assert!(pages[0]["capture"].get("split").is_none(), "{}", pages[0]);
    assert_eq!(pages[0]["capture"]["dewarped"], true, "{}", pages[0]);
    // Its spine's shadow (along its right edge) is lifted, not kept as a
    // grey strip of picture.
    assert!(
        pages[0]["capture"]["shadow_lifted_px"].as_u64().unwrap() > 10,
        "{}",
        pages[0]
    );
    assert_eq!(pages[0]["codec"], "jbig2", "{}", pages[0]);
    assert!(run.stderr.contains("no book spine found"), "{}", run.stderr);
    let after = stored_sag(&d.join("out.pdf"), 1, size_of(&pages[0]), d);
    let got = cer(&page.text, &pdftotext_raw(&d.join("out.pdf"), 1));
    let flat = flat_cer(d, &page);
    println!(
        "single curved page: bend after {after:.2} px at 300 dpi, CER {got:.4} (flat {flat:.4})"
    );
    assert!(after <= 2.0 && got <= cer_bound(flat));

    // A flatbed scan: not split, not dewarped, the same PDF.
    let scan = small_page(5, 8);
    save_png(&scan, &d.join("scan.png"));
    let plain = ocrpdf(d, &["scan.png", "-o", "a.pdf", "-q"], None);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let run = ocrpdf(
        d,
        &["scan.png", "-o", "b.pdf", "--split-spreads", "--json", "-q"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert!(report["capture"].get("split").is_none(), "{report}");
    assert_eq!(report["capture"]["dewarped"], false, "{report}");
    assert_eq!(
        pdftotext_raw(&d.join("a.pdf"), 1),
        pdftotext_raw(&d.join("b.pdf"), 1)
    );
    assert_eq!(
        std::fs::read(d.join("a.pdf")).unwrap().len(),
        std::fs::read(d.join("b.pdf")).unwrap().len()
    );

    // A flat phone photo of a page: flattened as before, not dewarped,
    // and not split (one page, portrait).
    let shot = shot("wood-tilted");
    let page = page_for(shot.paper, 8, 3);
    let photo = photograph(&page, &shot);
    std::fs::write(d.join("photo.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(
        d,
        &[
            "photo.jpg",
            "-o",
            "p.pdf",
            "--split-spreads",
            "--json",
            "-q",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages_of(&run);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0]["capture"]["flattened"], true, "{}", pages[0]);
    assert_eq!(pages[0]["capture"]["dewarped"], false, "{}", pages[0]);
    assert!(pages[0]["capture"].get("split").is_none());
}

#[test]
fn an_iphone_heic_photo_is_found_turned_once_and_read() {
    // Issue 25 point 5: the photo as an iPhone stores it, a quarter turn
    // off with irot (and EXIF orientation 6 beside it) and 72 dpi in its
    // EXIF. `--no-rotate`: only the file's own orientation may turn it,
    // so a page turned twice (irot, then the EXIF) would be read sideways.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shot = shot("exif-6");
    let page = page_for(shot.paper, 14, 11);
    let photo = photograph(&page, &shot);
    let stored = image::imageops::rotate270(&photo.image);
    let heic = common::phone::heif_file(&stored, 6, false, d);
    std::fs::write(d.join("IMG_0001.HEIC"), &heic).unwrap();
    let started = std::time::Instant::now();
    let run = ocrpdf(
        d,
        &[
            "IMG_0001.HEIC",
            "-o",
            "out.pdf",
            "--json",
            "-v",
            "--no-rotate",
        ],
        None,
    );
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert_eq!(
        report["orientation_tag"], "turned 90° clockwise (HEIF irot/imir)",
        "{report}"
    );
    assert_eq!(report["rotation_deg"], 0, "{report}");
    let capture = &report["capture"];
    assert_eq!(capture["outline_found"], true, "{report}");
    assert_eq!(capture["flattened"], true, "{report}");
    assert_eq!(capture["paper"], "A4", "{report}");
    let c = capture["corners"].as_array().unwrap();
    let quad = ocrpdf::capture::Quad(std::array::from_fn(|i| {
        [c[i][0].as_f64().unwrap(), c[i][1].as_f64().unwrap()]
    }));
    let (w, h) = photo.image.dimensions();
    let overlap = iou(&quad, &photo.corners, (w as f64, h as f64));
    assert!(overlap >= 0.98, "IoU {overlap}");
    assert_a4_page(&d.join("out.pdf"));
    let after = text_cer(&page, &d.join("out.pdf"));
    let flat = flat_cer(d, &page);
    println!("HEIC photo: {seconds:.1} s, CER {after:.4} (flat {flat:.4})");
    assert!(after <= cer_bound(flat), "CER {after:.4}, flat {flat:.4}");

    // From standard input (heif-convert reads a temporary copy): the same.
    let run = ocrpdf(
        d,
        &["-", "-o", "stdin.pdf", "-q", "--no-rotate"],
        Some(&heic),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        pdftotext_raw(&d.join("stdin.pdf"), 1),
        pdftotext_raw(&d.join("out.pdf"), 1)
    );

    // Without heif-convert: exit 3, naming the file and the package.
    let run = common::ocrpdf_with(d, &["IMG_0001.HEIC", "-o", "no.pdf"], None, |c| {
        c.env("PATH", d.join("no-tools"));
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("IMG_0001.HEIC: heif-convert was not found")
            && run.stderr.contains("apt-get install libheif-examples"),
        "{}",
        run.stderr
    );
    assert!(!d.join("no.pdf").exists());
}

#[test]
fn an_avif_image_and_a_damaged_heic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // AVIF: the same converter, libheif's AV1 decoder (dav1d).
    let page = small_page(7, 6);
    let avif = common::phone::heif_file(&page.image, 1, true, d);
    std::fs::write(d.join("page.avif"), &avif).unwrap();
    let run = ocrpdf(
        d,
        &["page.avif", "-o", "avif.pdf", "--json", "--dpi", "300"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_line(&run);
    assert!(report["orientation_tag"].is_null(), "{report}");
    let got = cer(&page.text, &pdftotext_raw(&d.join("avif.pdf"), 1));
    println!("AVIF page: CER {got:.4}");
    assert!(got < 0.02, "CER {got:.4}");
    let (pw, _) = page_size_pt(&d.join("avif.pdf"));
    assert!((pw - 8.27 * 72.0).abs() < 2.0, "{pw}");

    // A HEIC whose image data is damaged (not cut: its boxes are whole;
    // the length of its first NAL unit is garbage — HEVC data damaged
    // further on decodes, to a garbled page, as a damaged JPEG's does):
    // heif-convert's reason, exit 2, the file named, nothing written.
    let mut heic = common::phone::heif_file(&page.image, 1, false, d);
    let mdat = heic.windows(4).position(|w| w == b"mdat").unwrap() + 4;
    heic[mdat..mdat + 64].fill(0xFF);
    std::fs::write(d.join("damaged.heic"), &heic).unwrap();
    let run = ocrpdf(d, &["damaged.heic", "-o", "bad.pdf"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("damaged.heic: cannot decode HEIC image: heif-convert: "),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!d.join("bad.pdf").exists());
}

#[test]
fn a_whole_spread_is_not_dewarped_as_one_page() {
    // Without --split-spreads a curved spread stays one page, as taken:
    // its two pages bend towards the spine from both sides, which no
    // one-page model follows (it would fold one page to straighten the
    // other), so it is not dewarped, and -v says why.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let photo = book_photo(&book_page(16, 3), Some(&book_page(16, 9)), &Book::default());
    std::fs::write(d.join("spread.jpg"), &photo.jpeg).unwrap();
    let run = ocrpdf(d, &["spread.jpg", "-o", "out.pdf", "--json", "-v"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages_of(&run);
    assert_eq!(pages.len(), 1, "{}", run.stdout);
    assert_eq!(pages[0]["capture"]["dewarped"], false, "{}", pages[0]);
    // Kept whole: as wide as the photo (no cut, no crop).
    let (w, _) = size_of(&pages[0]);
    assert!(w * 50 >= photo.image.width() * 49, "{}", pages[0]);
    assert!(
        run.stderr
            .contains("a book spread: not dewarped as one page"),
        "{}",
        run.stderr
    );
}
