//! Reading order on synthetic line boxes: 30-px lines, 45-px line pitch,
//! columns 300 px wide with 60-px gutters.

use super::*;
use crate::ocr::Word;

const PITCH: u32 = 45;
const LINE_H: u32 = 30;

/// A line at (x0, y0)–(x1, y0 + 30) holding one word `text`.
fn line(x0: u32, y0: u32, x1: u32, text: &str, paragraph: Option<usize>) -> Line {
    let bbox = Rect {
        x0,
        y0,
        x1,
        y1: y0 + LINE_H,
    };
    Line {
        bbox,
        baseline: ((x0 as f32, (y0 + 24) as f32), (x1 as f32, (y0 + 24) as f32)),
        words: vec![Word {
            text: text.into(),
            bbox,
            confidence: 90.0,
        }],
        paragraph,
    }
}

/// `rows` lines of column `col` (0-based) from `top`, named `{name}{row}`.
fn column(col: u32, top: u32, rows: u32, name: &str, paragraph: Option<usize>) -> Vec<Line> {
    let x0 = 100 + col * 360;
    (0..rows)
        .map(|r| {
            line(
                x0,
                top + r * PITCH,
                x0 + 300,
                &format!("{name}{r}"),
                paragraph,
            )
        })
        .collect()
}

/// The page's words in reading order, one per line.
fn read(lines: Vec<Line>) -> Vec<String> {
    let page = OcrPage {
        lines,
        ..OcrPage::default()
    };
    reading_order(page)
        .lines
        .iter()
        .map(|l| l.words[0].text.clone())
        .collect()
}

fn names(prefix: &str, n: u32) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// Engine order that interleaves the columns row by row.
fn interleaved(cols: &[Vec<Line>]) -> Vec<Line> {
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    (0..rows)
        .flat_map(|r| cols.iter().filter_map(move |c| c.get(r).cloned()))
        .collect()
}

#[test]
fn columns_with_aligned_lines_are_read_one_after_another() {
    let cols: Vec<Vec<Line>> = (0..3)
        .map(|c| column(c, 100, 8, &format!("c{c}-"), None))
        .collect();
    let got = read(interleaved(&cols));
    let want: Vec<String> = (0..3).flat_map(|c| names(&format!("c{c}-"), 8)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_block_spanning_two_columns_is_read_column_by_column() {
    // The engine put both columns in one paragraph, row by row.
    let cols = vec![
        column(0, 100, 6, "a", Some(0)),
        column(1, 100, 6, "b", Some(0)),
    ];
    let got = read(interleaved(&cols));
    let want: Vec<String> = names("a", 6).into_iter().chain(names("b", 6)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_headline_over_two_columns_comes_before_them_and_the_third() {
    // Headline over columns 0 and 1; column 2 starts at the top.
    let mut lines = column(2, 100, 10, "c", Some(3));
    lines.extend(column(1, 220, 7, "b", Some(2)));
    lines.extend(column(0, 220, 7, "a", Some(1)));
    lines.push(Line {
        bbox: Rect {
            x0: 100,
            y0: 100,
            x1: 760,
            y1: 180,
        },
        ..line(100, 100, 760, "headline", Some(0))
    });
    let got = read(lines);
    let mut want = vec!["headline".to_string()];
    want.extend(names("a", 7));
    want.extend(names("b", 7));
    want.extend(names("c", 10));
    assert_eq!(got, want);
}

#[test]
fn page_header_first_and_footer_last() {
    let mut lines = vec![
        line(880, 20, 1000, "page-7", None),
        line(100, 20, 400, "running-head", None),
        line(500, 900, 560, "footer", None),
    ];
    lines.extend(interleaved(&[
        column(0, 120, 8, "a", None),
        column(1, 120, 8, "b", None),
        column(2, 120, 8, "c", None),
    ]));
    let got = read(lines);
    let mut want = vec!["running-head".to_string(), "page-7".into()];
    want.extend(names("a", 8));
    want.extend(names("b", 8));
    want.extend(names("c", 8));
    want.push("footer".into());
    assert_eq!(got, want);
}

#[test]
fn a_caption_is_read_at_its_picture_not_inside_the_next_column() {
    // Column 1: four lines, a picture (no lines), a caption, four lines.
    let mut b = column(1, 100, 4, "b", Some(1));
    b.push(line(460, 500, 700, "caption", Some(2)));
    b.extend(
        column(1, 580, 4, "b", Some(3))
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l.words[0].text = format!("b{}", i + 4);
                l
            }),
    );
    let a = column(0, 100, 14, "a", Some(0));
    let c = column(2, 100, 14, "c", Some(4));
    // The engine listed the caption first.
    let mut lines = vec![b[4].clone()];
    lines.extend(interleaved(&[a, b[..4].to_vec(), b[5..].to_vec(), c]));
    let got = read(lines);
    let mut want = names("a", 14);
    want.extend(names("b", 4));
    want.push("caption".into());
    want.extend((4..8).map(|i| format!("b{i}")));
    want.extend(names("c", 14));
    assert_eq!(got, want);
}

#[test]
fn a_full_width_heading_between_two_articles_is_a_section_break() {
    let mut lines = interleaved(&[column(0, 100, 4, "a", None), column(1, 100, 4, "b", None)]);
    lines.push(line(100, 320, 760, "section", None));
    lines.extend(interleaved(&[
        column(0, 400, 4, "c", None),
        column(1, 400, 4, "d", None),
    ]));
    let got = read(lines);
    let mut want = names("a", 4);
    want.extend(names("b", 4));
    want.push("section".into());
    want.extend(names("c", 4));
    want.extend(names("d", 4));
    assert_eq!(got, want);
}

#[test]
fn right_to_left_pages_read_the_right_column_first() {
    let mut left = column(0, 100, 3, "x", None);
    let mut right = column(1, 100, 3, "x", None);
    for (i, l) in left.iter_mut().enumerate() {
        l.words[0].text = format!("{}{i}", "ש".repeat(3));
    }
    for (i, l) in right.iter_mut().enumerate() {
        l.words[0].text = format!("{}{i}", "ם".repeat(3));
    }
    let got = read(interleaved(&[left, right]));
    let want: Vec<String> = (0..3)
        .map(|i| format!("{}{i}", "ם".repeat(3)))
        .chain((0..3).map(|i| format!("{}{i}", "ש".repeat(3))))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn nothing_and_one_line_are_their_own_order() {
    assert!(read(Vec::new()).is_empty());
    assert_eq!(read(vec![line(0, 0, 10, "x", None)]), vec!["x".to_string()]);
}

#[test]
fn ties_and_skewed_overlaps_still_give_every_line_once() {
    // Overlapping, crossing boxes: a cycle is possible; no line may be
    // lost or doubled.
    let lines: Vec<Line> = (0..40)
        .map(|i| {
            line(
                (i * 37) % 500,
                (i * 53) % 400,
                (i * 37) % 500 + 200,
                &i.to_string(),
                None,
            )
        })
        .collect();
    let mut got = read(lines);
    got.sort_by_key(|s| s.parse::<u32>().unwrap());
    assert_eq!(got, (0..40).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[test]
fn a_dense_five_column_page_is_ordered() {
    // 500 one-line units: the cubic rules must still run in well under a
    // second (the cap, MAX_UNITS, is above this).
    let cols: Vec<Vec<Line>> = (0..5)
        .map(|c| column(c, 100, 100, &format!("c{c}-"), None))
        .collect();
    let started = std::time::Instant::now();
    let got = read(interleaved(&cols));
    eprintln!("500 lines ordered in {:?}", started.elapsed());
    let want: Vec<String> = (0..5).flat_map(|c| names(&format!("c{c}-"), 100)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_caption_across_the_gutter_with_wrapped_text_is_read_at_its_figure() {
    // Two columns of ten lines; rows 3–6 are narrowed around a figure
    // centred on the gutter, whose two-line caption (rows 5–6) straddles
    // the gutter. Without care the caption is a section break: both
    // columns' tops, the caption, both bottoms.
    let mut a = column(0, 100, 10, "a", None);
    let mut b = column(1, 100, 10, "b", None);
    for r in 3..7 {
        a[r].bbox.x1 = 300;
        a[r].words[0].bbox.x1 = 300;
        b[r].bbox.x0 = 560;
        b[r].words[0].bbox.x0 = 560;
    }
    let caption = vec![
        line(330, 100 + 5 * PITCH, 530, "cap0", Some(7)),
        line(340, 100 + 6 * PITCH, 520, "cap1", Some(7)),
    ];
    let mut lines = caption;
    lines.extend(interleaved(&[a, b]));
    let got = read(lines);
    let mut want = names("a", 7);
    want.extend(["cap0".to_string(), "cap1".into()]);
    want.extend((7..10).map(|i| format!("a{i}")));
    want.extend(names("b", 10));
    assert_eq!(got, want);
}

/// Line boxes Tesseract 5.3 gave for the figure page of tests/common/layouts.rs
/// (title; two columns wrapped around a figure; its two-line caption, centred
/// across the gutter, lines 16 and 17), in the order main's build wrote
/// them: the first column's top (1–12) and the second's (13–15) before the
/// caption, as if it were a section break.
const FIGURE_PAGE: &[[u32; 4]] = &[
    [775, 130, 1707, 186],
    [150, 267, 1168, 300],
    [151, 323, 1039, 349],
    [150, 378, 1106, 412],
    [151, 433, 759, 467],
    [152, 489, 760, 515],
    [152, 544, 818, 578],
    [151, 600, 730, 633],
    [152, 655, 734, 689],
    [151, 711, 755, 744],
    [151, 766, 750, 800],
    [152, 821, 713, 855],
    [151, 877, 795, 910],
    [1287, 267, 2283, 301],
    [1287, 323, 2273, 356],
    [1287, 378, 2275, 411],
    [1049, 809, 1432, 837],
    [1102, 852, 1377, 874],
    [151, 932, 1087, 966],
    [150, 988, 1130, 1021],
    [151, 1043, 1165, 1077],
    [151, 1098, 1131, 1132],
    [151, 1154, 1090, 1188],
    [151, 1209, 1094, 1243],
    [151, 1265, 1135, 1298],
    [1647, 433, 2286, 467],
    [1646, 489, 2199, 522],
    [1647, 544, 2271, 578],
    [1646, 600, 2267, 626],
    [1647, 655, 2319, 689],
    [1646, 711, 2249, 744],
    [1646, 766, 2277, 800],
    [1646, 821, 2327, 855],
    [1646, 877, 2220, 903],
    [1286, 932, 2297, 966],
    [1286, 988, 2217, 1021],
    [1287, 1043, 2274, 1077],
    [1286, 1098, 2302, 1132],
    [1287, 1154, 2242, 1187],
    [1286, 1209, 2326, 1243],
    [1287, 1265, 2194, 1298],
];

#[test]
fn tesseracts_boxes_of_the_figure_page_come_out_in_reading_order() {
    // Engine order reversed, each line its own paragraph (the worst case:
    // no runs to lean on).
    let lines: Vec<Line> = FIGURE_PAGE
        .iter()
        .enumerate()
        .rev()
        .map(|(i, b)| {
            let mut l = line(b[0], b[1], b[2], &i.to_string(), None);
            l.bbox.y1 = b[3];
            l
        })
        .collect();
    let got = read(lines);
    let want: Vec<String> = (0..=12)
        .chain([16, 17])
        .chain(18..=24)
        .chain(13..=15)
        .chain(25..FIGURE_PAGE.len())
        .map(|i| i.to_string())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn masthead_and_dateline_are_the_header_and_headlines_over_columns_are_not() {
    // Masthead (60 px), a dateline with a price at the right, then two
    // headlines (45 px) side by side over three and two columns.
    let mut lines = vec![line(600, 0, 1500, "masthead", None)];
    lines[0].bbox.y1 = 60;
    lines.push(line(1650, 130, 1800, "price", None));
    lines.push(line(100, 130, 300, "date", None));
    let mut h2 = line(1180, 230, 1700, "h2", None);
    h2.bbox.y1 = 275;
    let mut h1 = line(100, 230, 900, "h1", None);
    h1.bbox.y1 = 275;
    lines.extend([h2, h1]);
    lines.extend(interleaved(&[
        column(3, 300, 12, "d", None),
        column(4, 300, 12, "e", None),
        column(0, 300, 12, "a", None),
        column(1, 300, 12, "b", None),
        column(2, 300, 12, "c", None),
    ]));
    let got = read(lines);
    let mut want: Vec<String> = ["masthead", "date", "price", "h1"].map(String::from).into();
    for c in ["a", "b", "c"] {
        want.extend(names(c, 12));
    }
    want.push("h2".into());
    want.extend(names("d", 12));
    want.extend(names("e", 12));
    assert_eq!(got, want);
}

#[test]
fn a_headline_narrower_than_its_three_columns_separates_two_stories() {
    // Story 1: headline over columns 0–1 only, text in columns 0–2; story
    // 2 below it likewise; story 3 down columns 3–4.
    let heading = |x0, y0, x1, text: &str| {
        let mut l = line(x0, y0, x1, text, None);
        l.bbox.y1 = y0 + 45;
        l
    };
    let mut lines = vec![
        heading(100, 100, 700, "h1"),
        heading(1180, 100, 1700, "h2"),
        heading(100, 600, 700, "h3"),
    ];
    lines.extend(interleaved(&[
        column(0, 170, 9, "a", None),
        column(1, 170, 9, "b", None),
        column(2, 170, 9, "c", None),
        column(0, 670, 6, "d", None),
        column(1, 670, 6, "e", None),
        column(2, 670, 6, "f", None),
        column(3, 170, 20, "g", None),
        column(4, 170, 20, "k", None),
    ]));
    let got = read(lines);
    let mut want = vec!["h1".to_string()];
    for c in ["a", "b", "c"] {
        want.extend(names(c, 9));
    }
    want.push("h3".into());
    for c in ["d", "e", "f"] {
        want.extend(names(c, 6));
    }
    want.push("h2".into());
    want.extend(names("g", 20));
    want.extend(names("k", 20));
    assert_eq!(got, want);
}

#[test]
fn a_headline_cut_in_two_by_the_engine_is_read_whole_before_the_columns() {
    // "Notes from the" over the left column, "reading room" over the
    // right one, 20 px apart: one headline, read before both columns.
    let big = |x0, x1, text: &str| {
        let mut l = line(x0, 100, x1, text, None);
        l.bbox.y1 = 160;
        l
    };
    let mut lines = vec![
        big(480, 740, "reading-room"),
        big(200, 460, "notes-from-the"),
    ];
    lines.extend(interleaved(&[
        column(0, 220, 5, "a", None),
        column(1, 220, 5, "b", None),
    ]));
    let got = read(lines);
    let mut want = vec!["notes-from-the".to_string(), "reading-room".into()];
    want.extend(names("a", 5));
    want.extend(names("b", 5));
    assert_eq!(got, want);
}

/// A page left skewed by 5° (a PDF page edited in place is not
/// straightened): a 1200-px line rises 105 px across, more than twice the
/// line pitch, so its box overlaps its neighbours; short last lines of
/// paragraphs sit lower in their boxes. The lines still come out top to
/// bottom.
#[test]
fn a_skewed_page_reads_top_to_bottom() {
    let slope = -(5f32.to_radians().tan());
    let lines: Vec<Line> = (0..12u32)
        .map(|r| {
            let x0 = 100.0;
            let x1 = if r % 4 == 3 { 500.0 } else { 1300.0 };
            // Baseline at the left end; it rises to the right.
            let y = 200.0 + r as f32 * PITCH as f32;
            let (yl, yr) = (y, y + slope * (x1 - x0));
            let bbox = Rect {
                x0: x0 as u32,
                y0: (yr - 24.0) as u32,
                x1: x1 as u32,
                y1: (yl + 6.0) as u32,
            };
            Line {
                bbox,
                baseline: ((x0, yl), (x1, yr)),
                words: vec![Word {
                    text: format!("s{r}"),
                    bbox,
                    confidence: 90.0,
                }],
                paragraph: None,
            }
        })
        .collect();
    assert_eq!(read(lines), names("s", 12));
}
