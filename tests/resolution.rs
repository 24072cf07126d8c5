//! Issue 23, point 6: an image whose file states no resolution gets one
//! from the size of its text (with an `estimated_dpi` warning), not a
//! silent 300 dpi; a stated resolution is kept as it is.

use crate::common;

use common::generator::{Page, render_lines_at, write_png};
use common::*;

/// Lines of 11-point body text rendered at `dpi`, cropped to a `w` × `h`
/// screenshot (the render's one-inch margin shrunk to a sixth of an inch).
fn screenshot(dpi: f32, (w, h): (u32, u32)) -> Page {
    let lines = [
        "The committee met on Tuesday to review the annual budget",
        "and the plans for the new library. Several members asked",
        "whether the building could be finished before winter, since",
        "the old reading room is too small for the number of visitors",
        "it receives each week. The architect explained that the roof",
        "would be delivered in October and that the windows were",
        "already on their way from a factory in the north.",
    ];
    let page = render_lines_at(&lines, 11.0, dpi, common::generator::FONT_PATHS[1], false);
    let off = (5.0 * dpi / 6.0) as u32;
    let image = image::imageops::crop_imm(&page.image, off, off, w, h).to_image();
    Page { image, ..page }
}

fn json_line(run: &Run) -> serde_json::Value {
    serde_json::from_str(run.stdout.lines().next().expect("a JSON line")).unwrap()
}

#[test]
fn a_screenshot_without_resolution_gets_one_from_its_text_size() {
    let dir = tempfile::tempdir().unwrap();
    // 640 px wide at 96 dpi: 6.67 × 4.17 in, not the 2.1 × 1.3 in that
    // 300 dpi would make it.
    let shot = screenshot(96.0, (640, 400));
    // `image` writes PNG without a pHYs chunk.
    shot.image.save(dir.path().join("shot.png")).unwrap();
    let bytes = std::fs::read(dir.path().join("shot.png")).unwrap();
    assert!(
        !bytes.windows(4).any(|w| w == b"pHYs"),
        "the fixture must state no resolution"
    );
    let run = ocrpdf(dir.path(), &["shot.png", "--json", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (pw, ph) = page_size_pt(&dir.path().join("out.pdf"));
    let (ew, eh) = (640.0 * 72.0 / 96.0, 400.0 * 72.0 / 96.0);
    assert!(
        (pw / ew - 1.0).abs() <= 0.2 && (ph / eh - 1.0).abs() <= 0.2,
        "page {pw} x {ph} pt, expected about {ew} x {eh}"
    );
    let page = json_line(&run);
    let warnings = page["warnings"].as_array().unwrap();
    let estimated = warnings
        .iter()
        .find(|w| w["code"] == "estimated_dpi")
        .unwrap_or_else(|| panic!("no estimated_dpi warning: {page}"));
    assert!(
        estimated["message"]
            .as_str()
            .unwrap()
            .contains("from the text size"),
        "{estimated}"
    );
    let text = pdftotext(&dir.path().join("out.pdf"), 1);
    assert!(text.contains("committee"), "{text}");
}

#[test]
fn a_stated_resolution_is_kept_without_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // The same screenshot, but its file says 200 dpi: that is what counts.
    let shot = screenshot(96.0, (640, 400));
    let (w, h) = shot.image.dimensions();
    write_png(
        shot.image.as_raw(),
        (w, h),
        png::ColorType::Rgb,
        200.0,
        &dir.path().join("stated.png"),
    );
    let run = ocrpdf(dir.path(), &["stated.png", "--json", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (pw, ph) = page_size_pt(&dir.path().join("out.pdf"));
    assert!(
        (pw - 640.0 * 72.0 / 200.0).abs() < 1.0 && (ph - 400.0 * 72.0 / 200.0).abs() < 1.0,
        "{pw} x {ph}"
    );
    let page = json_line(&run);
    assert!(
        !page["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["code"] == "estimated_dpi")),
        "{page}"
    );
}

#[test]
fn a_page_without_text_and_without_resolution_stays_at_300_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let blank = image::GrayImage::from_fn(600, 450, |x, y| {
        image::Luma([if (x / 60 + y / 60) % 2 == 0 { 250 } else { 240 }])
    });
    blank.save(dir.path().join("blank.png")).unwrap();
    let run = ocrpdf(dir.path(), &["blank.png", "--json", "-o", "out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (pw, ph) = page_size_pt(&dir.path().join("out.pdf"));
    assert!(
        (pw - 600.0 * 0.24).abs() < 1.0 && (ph - 450.0 * 0.24).abs() < 1.0,
        "{pw} x {ph}"
    );
}
