//! hOCR output: the recognised page as HTML with boxes, for other tools
//! (hocr-tools, search indexers, proof-reading editors).
//!
//! Follows the hOCR 1.2 specification: one `ocr_page` holding `ocr_par`s
//! (the engine's paragraphs, as runs of lines in reading order, see
//! [`super::order`]) of `ocr_line`s of `ocrx_word`s, each with a `bbox` in
//! image pixels; lines carry their
//! `baseline` (slope and offset from the line box's bottom-left corner),
//! words their confidence (`x_wconf`). Written by hand because it is a few
//! lines of formatting; no crate adds anything here.

use super::{Line, OcrPage, Rect};
use std::fmt::Write;

/// What the page header says about the image the boxes refer to.
#[derive(Debug, Clone, Copy)]
pub struct PageInfo<'a> {
    /// Image size in pixels.
    pub width: u32,
    pub height: u32,
    /// Resolution (pixels per inch) of the image.
    pub dpi: f32,
    /// Page number, counting from 1.
    pub number: usize,
    /// Where the image came from, for the `image` property.
    pub source: &'a str,
}

/// One page as a complete hOCR document.
pub fn page(ocr: &OcrPage, info: PageInfo) -> String {
    let mut s = String::with_capacity(4096 + ocr.lines.len() * 512);
    s.push_str(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" ",
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n",
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n<head>\n",
        "<title></title>\n",
        "<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n",
    ));
    let _ = writeln!(
        s,
        "<meta name=\"ocr-system\" content=\"ocrpdf {} (tesseract)\"/>",
        env!("CARGO_PKG_VERSION")
    );
    s.push_str(concat!(
        "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_par ocr_line ocrx_word\"/>\n",
        "</head>\n<body>\n",
    ));
    let n = info.number;
    let _ = writeln!(
        s,
        "<div class=\"ocr_page\" id=\"page_{n}\" title=\"image &quot;{}&quot;; bbox 0 0 {} {}; ppageno {}; scan_res {} {}\">",
        escape(info.source),
        info.width,
        info.height,
        n.saturating_sub(1),
        info.dpi.round(),
        info.dpi.round()
    );
    let (mut para, mut open) = (0, false);
    for (li, line) in ocr.lines.iter().enumerate() {
        if line.words.is_empty() {
            continue;
        }
        // A paragraph is a run of lines in reading order that the engine
        // put in one paragraph; lines without one are each their own.
        let same = |o: &Line| line.paragraph.is_some() && o.paragraph == line.paragraph;
        let starts = li == 0 || !same(&ocr.lines[li - 1]);
        if starts || !open {
            if open {
                s.push_str(" </p>\n");
            }
            (para, open) = (para + 1, true);
            let run = ocr.lines[li..]
                .iter()
                .take_while(|o| o.words.is_empty() || same(o) || std::ptr::eq(*o, line))
                .filter(|o| !o.words.is_empty())
                .map(|o| o.bbox)
                .reduce(|a, b| Rect {
                    x0: a.x0.min(b.x0),
                    y0: a.y0.min(b.y0),
                    x1: a.x1.max(b.x1),
                    y1: a.y1.max(b.y1),
                })
                .unwrap_or(line.bbox);
            let _ = writeln!(
                s,
                " <p class=\"ocr_par\" id=\"par_{n}_{para}\" title=\"bbox {} {} {} {}\">",
                run.x0, run.y0, run.x1, run.y1
            );
        }
        let b = line.bbox;
        let (slope, offset) = baseline(line);
        let _ = writeln!(
            s,
            " <span class=\"ocr_line\" id=\"line_{n}_{}\" title=\"bbox {} {} {} {}; baseline {slope:.4} {offset:.0}\">",
            li + 1,
            b.x0,
            b.y0,
            b.x1,
            b.y1
        );
        for (wi, w) in line.words.iter().enumerate() {
            let b = w.bbox;
            let _ = writeln!(
                s,
                "  <span class=\"ocrx_word\" id=\"word_{n}_{}_{}\" title=\"bbox {} {} {} {}; x_wconf {:.0}\">{}</span>",
                li + 1,
                wi + 1,
                b.x0,
                b.y0,
                b.x1,
                b.y1,
                w.confidence,
                escape(&w.text)
            );
        }
        s.push_str(" </span>\n");
    }
    if open {
        s.push_str(" </p>\n");
    }
    s.push_str("</div>\n</body>\n</html>\n");
    s
}

/// hOCR's baseline: slope, and the baseline's height at the line box's
/// left edge measured from the box's bottom (negative: above it).
fn baseline(line: &Line) -> (f32, f32) {
    let ((x1, y1), (x2, y2)) = line.baseline;
    let slope = if (x2 - x1).abs() > 1.0 {
        (y2 - y1) / (x2 - x1)
    } else {
        0.0
    };
    let at_left = y1 + (line.bbox.x0 as f32 - x1) * slope;
    (slope, at_left - line.bbox.y1 as f32)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::{Rect, Word};

    fn sample() -> OcrPage {
        let word = |t: &str, x0, x1| Word {
            text: t.into(),
            bbox: Rect {
                x0,
                y0: 100,
                x1,
                y1: 140,
            },
            confidence: 91.4,
        };
        OcrPage {
            lines: vec![Line {
                bbox: Rect {
                    x0: 50,
                    y0: 98,
                    x1: 400,
                    y1: 150,
                },
                baseline: ((50.0, 140.0), (400.0, 140.0)),
                words: vec![word("Tom", 50, 150), word("&<Jerry>", 170, 400)],
                paragraph: None,
            }],
            ..OcrPage::default()
        }
    }

    #[test]
    fn page_has_boxes_confidence_and_escaped_text() {
        let info = PageInfo {
            width: 2480,
            height: 3508,
            dpi: 300.0,
            number: 2,
            source: "a\"b.png",
        };
        let h = page(&sample(), info);
        assert!(h.contains("bbox 0 0 2480 3508; ppageno 1; scan_res 300 300"));
        assert!(h.contains("image &quot;a&quot;b.png&quot;"));
        assert!(h.contains(
            "class=\"ocr_line\" id=\"line_2_1\" title=\"bbox 50 98 400 150; baseline 0.0000 -10\""
        ));
        assert!(h.contains("title=\"bbox 50 100 150 140; x_wconf 91\">Tom</span>"));
        assert!(h.contains(">&amp;&lt;Jerry&gt;</span>"));
        // Well-formed enough for an XML parser: every span closed.
        assert_eq!(h.matches("<span").count(), h.matches("</span>").count());
        assert!(h.contains("<p class=\"ocr_par\" id=\"par_2_1\" title=\"bbox 50 98 400 150\">"));
        assert_eq!(h.matches("<p ").count(), h.matches("</p>").count());
    }

    #[test]
    fn lines_of_one_paragraph_share_an_ocr_par() {
        let mut ocr = sample();
        let line = ocr.lines[0].clone();
        let at = |y: u32, paragraph| Line {
            bbox: Rect {
                y0: y,
                y1: y + 52,
                ..line.bbox
            },
            paragraph,
            ..line.clone()
        };
        ocr.lines = vec![
            at(100, Some(0)),
            at(160, Some(0)),
            at(300, Some(1)),
            at(400, None),
        ];
        let info = PageInfo {
            width: 1000,
            height: 1000,
            dpi: 300.0,
            number: 1,
            source: "p.png",
        };
        let h = page(&ocr, info);
        assert_eq!(h.matches("class=\"ocr_par\"").count(), 3, "{h}");
        assert!(
            h.contains("id=\"par_1_1\" title=\"bbox 50 100 400 212\""),
            "{h}"
        );
        assert_eq!(h.matches("<p ").count(), h.matches("</p>").count());
    }
}
