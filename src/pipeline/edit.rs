//! One page of a PDF being edited: kept, given a text layer over its own
//! content, or cleaned and stored anew in its own boxes (its fate was
//! decided when the file was listed, `input::pdf::fate`).

use super::page::{self, PageDone, PageOut, PageTask};
use crate::clean::{self, CleanOptions};
use crate::error::Result;
use crate::input::{self, Geometry, PdfPage, Treatment};
use crate::ocr::OcrPage;
use crate::pdf::{self, PageChange, PageEncoding};
use crate::summary::{PageSummary, StageTimes};
use std::time::Instant;

/// Do to `pdf` (the task's page) what its treatment says.
pub(super) fn process(task: &PageTask, pdf: &PdfPage) -> Result<PageDone> {
    let started = Instant::now();
    let (render, overlay) = match pdf.treatment {
        Treatment::Keep => {
            let t = StageTimes {
                pdf: started.elapsed().as_secs_f64(),
                ..StageTimes::default()
            };
            return Ok(PageDone {
                pdf: PageOut::Edit(pdf.id, PageChange::Keep),
                report: PageSummary::kept(task.page, t),
                hocr: None,
                blank: None,
                separator: None,
            });
        }
        Treatment::Rebuild { render } => (render, None),
        Treatment::Overlay {
            render,
            drop_existing,
            ..
        } => (render, Some(drop_existing)),
    };
    let cfg = task.opts;
    let mut t = StageTimes::default();
    let (image, damaged) = input::decode_pdf_page(task.page, &cfg.page.limits, render)?;
    t.decode = started.elapsed().as_secs_f64();
    // What is kept must not move under the words: a page that keeps its
    // content, or carries annotations, is read as it is.
    let fixed = overlay.is_some() || pdf.look.anchored;
    let opts = CleanOptions {
        deskew: cfg.page.clean.deskew && !fixed,
        remove_borders: cfg.page.clean.remove_borders && !pdf.look.anchored,
        ..cfg.page.clean
    };
    let engines = task.engines;
    let recognize =
        |c: &mut clean::CleanPage| page::recognize(engines, task.clock, cfg, task.page, c);
    let started = Instant::now();
    let mut cleaned = clean::clean(&image, &opts);
    t.clean = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut ocr = recognize(&mut cleaned)?;
    t.ocr = started.elapsed().as_secs_f64();
    let mut turned = 0;
    if cfg.page.rotate && !fixed && !page::reads_upright(&ocr) {
        let started = Instant::now();
        let found = page::orient(
            engines,
            task.clock,
            task.page,
            &image,
            &cleaned,
            &opts,
            cfg.ocr.tessdata.as_deref(),
        )?;
        t.orient = started.elapsed().as_secs_f64();
        if let Some((mut c, degrees)) = found {
            let started = Instant::now();
            ocr = recognize(&mut c)?;
            t.ocr += started.elapsed().as_secs_f64();
            (cleaned, turned) = (c, degrees);
        }
    }
    drop(image);
    let started = Instant::now();
    if overlay == Some(true) {
        drop_existing_words(&mut ocr, pdf, &cleaned);
    }
    let (w, h) = (cleaned.bits.width(), cleaned.bits.height());
    let geometry: Geometry = pdf.geometry;
    // The viewer's turn of the page, less the turn OCR undid.
    let rotate = (geometry.rotate + 360 - turned) % 360;
    let matrix = geometry.pixels_to_user(w, h, rotate);
    let font = pdf.font_name.clone();
    let (change, stored) = if overlay.is_some() {
        let parts = pdf::page_parts(None, &ocr, &PageEncoding::default(), h, matrix, font);
        let stored = (parts.len(), parts.codec());
        let content = pdf.stripped.clone();
        (PageChange::Overlay { parts, content }, stored)
    } else {
        let encoding = PageEncoding {
            images: cfg.images,
            // A scan stored as JPEG may stay lossy, as may a rendering
            // (`--force-ocr`); a lossless scan stays lossless.
            lossy_page: cfg.images.jpeg_quality.is_some() || render || pdf.lossy,
        };
        let parts = pdf::page_parts(Some(&cleaned), &ocr, &encoding, h, matrix, font);
        let stored = (parts.len(), parts.codec());
        (PageChange::Replace { parts, rotate }, stored)
    };
    t.pdf = started.elapsed().as_secs_f64();
    let hocr = task.job.extras.hocr_dir.as_ref().map(|_| {
        let info = crate::ocr::hocr::PageInfo {
            width: w,
            height: h,
            dpi: cleaned.dpi.x,
            number: task.number,
            source: &task.page.label(),
        };
        crate::ocr::hocr::page(&ocr, info)
    });
    let mut report = PageSummary::stored(task.page, &cleaned, turned, &ocr, stored, t);
    // What decoding said (damaged JPEG data kept) comes first.
    report.warnings.splice(0..0, damaged);
    report.fate = pdf.fate;
    if overlay.is_some() {
        report.kind = "text-layer";
        report.skew_deg = 0.0;
    }
    let (blank, separator) = page::judge_sheet(&cfg.stack, &cleaned, &ocr, &mut report);
    Ok(PageDone {
        pdf: PageOut::Edit(pdf.id, change),
        report,
        hocr,
        blank,
        separator,
    })
}

/// Remove the words OCR read over the page's own visible text (a stamp
/// or typed line on a scan): that text is there already.
fn drop_existing_words(ocr: &mut OcrPage, pdf: &PdfPage, cleaned: &clean::CleanPage) {
    if pdf.text_boxes.is_empty() {
        return;
    }
    let (w, h) = (cleaned.bits.width(), cleaned.bits.height());
    let Some(to_pixels) = input::invert(&pdf.geometry.pixels_to_user(w, h, pdf.geometry.rotate))
    else {
        return;
    };
    // Boxes in image pixels, y down as OCR gives them.
    let boxes: Vec<[f32; 4]> = pdf
        .text_boxes
        .iter()
        .map(|r| {
            let pts = [(r.x0, r.y0), (r.x1, r.y0), (r.x0, r.y1), (r.x1, r.y1)]
                .map(|(x, y)| apply(&to_pixels, x, y));
            let xs = pts.map(|p| p.0);
            let ys = pts.map(|p| h as f32 - p.1);
            [
                xs.iter().copied().fold(f32::INFINITY, f32::min),
                ys.iter().copied().fold(f32::INFINITY, f32::min),
                xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
            ]
        })
        .collect();
    for line in &mut ocr.lines {
        line.words.retain(|word| {
            let b = &word.bbox;
            let (x0, y0, x1, y1) = (b.x0 as f32, b.y0 as f32, b.x1 as f32, b.y1 as f32);
            let area = ((x1 - x0) * (y1 - y0)).max(1.0);
            let covered: f32 = boxes
                .iter()
                .map(|t| {
                    let iw = (x1.min(t[2]) - x0.max(t[0])).max(0.0);
                    let ih = (y1.min(t[3]) - y0.max(t[1])).max(0.0);
                    iw * ih
                })
                .sum();
            covered < 0.5 * area
        });
    }
    ocr.lines.retain(|l| !l.words.is_empty());
}

fn apply(m: &[f32; 6], x: f32, y: f32) -> (f32, f32) {
    let [a, b, c, d, e, f] = *m;
    (a * x + c * y + e, b * x + d * y + f)
}
