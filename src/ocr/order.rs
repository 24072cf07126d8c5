//! Reading order: the page's text lines as a person reads them.
//!
//! Columns top to bottom, left to right (right to left on a page written
//! mostly in a right-to-left script); a headline spanning columns before
//! them; a caption where its picture stands in its column; page headers
//! first and footers last. The text layer is written in this order, and
//! the PDF content-stream order is what poppler, MuPDF, PDFium and PDF.js
//! copy, so every viewer gives the same text; hOCR and the sidecar follow
//! it too.
//!
//! # Why not the engine's order
//!
//! Tesseract orders its blocks by its column partitions, and on magazine
//! pages that puts a headline after the first column or a caption between
//! two column pieces. Its blocks and paragraphs are good *groupings*,
//! though: the order is decided here, over groups of lines.
//!
//! # How
//!
//! 1. **Header and footer bands.** The y-projection of the lines is cut
//!    into rows at full-width gaps (the first cut of a recursive X-Y cut,
//!    Nagy & Seth 1984; Ha, Haralick & Phillips 1995). Up to three top rows
//!    (a masthead, then small print) set off by a wide gap are the page
//!    header and are read first, row by row; the bottom rows likewise are
//!    the footer and read last. (Under the rules of step 4 a page number
//!    at the top right would come after the left columns.)
//! 2. **Units.** Consecutive lines of one engine paragraph that stack
//!    downwards with aligned left edges (or centres) and similar heights
//!    form a unit (a column piece); everything else is a unit of one line.
//!    Ordering lines, not the engine's blocks, means a block that wrongly
//!    spans two columns still comes out column by column; grouping the
//!    safe runs keeps the work small on dense pages. Pieces of one
//!    headline that the engine cut apart on a row are joined
//!    (`join_split_headings`).
//! 3. **Floaters.** A unit set across a gutter with column text beside it
//!    on both sides (a caption under a figure between two columns, a pull
//!    quote centred on the gutter) is taken out (`floats`) and put back
//!    at its picture once the rest is ordered.
//! 4. **Partial order, then a topological sort** (Breuel 2003, "High
//!    performance document layout analysis", the reading-order rules of
//!    OCRopus): unit *a* comes before *b*
//!    - if their x-ranges overlap and *a* is above *b*; or
//!    - if *a* lies wholly left of *b* and no unit *c* between them in y
//!      overlaps both in x (a spanning headline or section break between
//!      them stops the rule).
//!
//!    A heading is first widened to the gutter of the next story
//!    (`widen_headings`): a headline narrower than its story's columns
//!    still separates that story from the one below it.
//!
//!    The sort takes, of the units whose predecessors are all placed, the
//!    topmost (then leftmost); a cycle (only possible from overlapping,
//!    skewed boxes) is broken the same way.
//!
//! A plain recursive X-Y cut was not used for the body: with line or
//! paragraph boxes, the line gaps of neighbouring columns line up and a
//! horizontal cut across the whole page then interleaves the columns line
//! by line, and on a newspaper page the widest cut (a gutter) can split a
//! story from its headline; the choice of cut needs thresholds that fail
//! on either dense newspapers or airy magazines. Breuel's rules order
//! columns without any gap threshold (only a quarter of a line height for
//! touching boxes); the X-Y cut is kept where it is reliable, for the
//! page's outer rows.
//!
//! Right-to-left pages are ordered with x mirrored. Known limits: a box
//! set across a gutter with no text beside it acts as a section break
//! (the column text above it on both sides is read first), which is right
//! for a spanning heading and wrong for an unwrapped figure caption in
//! mid-column; past `MAX_UNITS` units (tables, noise) the engine's order
//! is kept.

use super::{Line, OcrPage, Rect};

/// Beyond this many units the page keeps the engine's order: the rules
/// cost O(n³) and such pages are tables or noise, not columns.
const MAX_UNITS: usize = 600;

/// Page header and footer: at most this many rows of text (a masthead and
/// a dateline, a running head)…
const BAND_MAX_ROWS: usize = 3;
/// …the outermost at most this many median line heights tall (a 20-pt
/// masthead over 8-pt text), the others at most [`BAND_SMALL_LINES`]
/// (small print: a headline is in the body)…
const BAND_ROW_LINES: f32 = 3.2;
/// Height of a header or footer row other than the outermost, in median
/// line heights.
const BAND_SMALL_LINES: f32 = 1.3;
/// …set off from the body by a gap of at least this many line heights
/// (wider than paragraph spacing, as running heads are; running text has
/// no such gap, so its rows never pass for a header).
const BAND_MIN_GAP: f32 = 1.5;

/// Lines of one run differ in height by at most this ratio (a headline
/// in the same engine paragraph as body text starts its own unit).
const RUN_HEIGHT_RATIO: f32 = 1.3;
/// Left edges (or centres) of a run's lines agree within this many line
/// heights (an indent is about one).
const RUN_EDGE: f32 = 1.5;

/// Units whose lines are at least this many median line heights tall are
/// headings ([`widen_headings`]).
const HEADING_RATIO: f32 = 1.25;

/// Boxes touching by less than this share of the line height do not
/// overlap (column gutters are several times wider).
const TOUCH: f32 = 0.25;

/// `page`'s lines in reading order. Paragraphs and blocks are unchanged
/// (lines refer to them by index). A page mostly in a right-to-left script
/// ([`mostly_rtl`]) has its columns ordered right to left.
pub fn reading_order(mut page: OcrPage) -> OcrPage {
    let rtl = mostly_rtl(&page);
    let order = order_lines(&page.lines, rtl);
    let mut lines: Vec<Option<Line>> = page.lines.drain(..).map(Some).collect();
    page.lines = order.into_iter().filter_map(|i| lines[i].take()).collect();
    page
}

/// Whether most letters on the page are of a right-to-left script.
pub fn mostly_rtl(page: &OcrPage) -> bool {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for c in page
        .lines
        .iter()
        .flat_map(|l| &l.words)
        .flat_map(|w| w.text.chars())
        .filter(|c| c.is_alphabetic())
    {
        if is_rtl(c) {
            rtl += 1;
        } else {
            ltr += 1;
        }
    }
    rtl > ltr
}

/// Letters of the right-to-left scripts Tesseract reads (Hebrew, Arabic,
/// Syriac, Thaana, N'Ko and their presentation forms).
pub(crate) fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// A box in the order's own frame: x mirrored on right-to-left pages.
#[derive(Debug, Clone, Copy)]
struct B {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl B {
    fn of(r: Rect, rtl: bool) -> Self {
        let (x0, x1) = (r.x0 as f32, r.x1 as f32);
        let (x0, x1) = if rtl { (-x1, -x0) } else { (x0, x1) };
        B {
            x0,
            y0: r.y0 as f32,
            x1,
            y1: r.y1 as f32,
        }
    }

    fn union(self, o: B) -> B {
        B {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    fn yc(&self) -> f32 {
        f32::midpoint(self.y0, self.y1)
    }

    fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// How far the x-ranges overlap (negative: the gap between them).
    fn x_overlap(&self, o: &B) -> f32 {
        self.x1.min(o.x1) - self.x0.max(o.x0)
    }
}

/// The reading order of `lines`: a permutation of their indices.
pub(crate) fn order_lines(lines: &[Line], rtl: bool) -> Vec<usize> {
    let n = lines.len();
    if n < 2 {
        return (0..n).collect();
    }
    let boxes: Vec<B> = lines.iter().map(|l| B::of(l.bbox, rtl)).collect();
    let mut heights: Vec<f32> = boxes.iter().map(B::height).collect();
    heights.sort_by(f32::total_cmp);
    let h = heights[n / 2].max(1.0);

    let (head, body, foot) = bands(&boxes, h);
    let mut units = units(lines, &boxes, &body, h);
    join_split_headings(&mut units, &boxes, h);
    if units.len() > MAX_UNITS {
        return (0..n).collect();
    }
    let unit_box = |u: &Vec<usize>| {
        u.iter()
            .map(|&i| boxes[i])
            .reduce(B::union)
            .expect("units are not empty")
    };
    let (floaters, units): (Vec<Vec<usize>>, Vec<Vec<usize>>) = units
        .into_iter()
        .partition(|u| floats(&unit_box(u), u, &body, &boxes, h));
    let mut out = head;
    let mut unit_boxes: Vec<B> = units.iter().map(unit_box).collect();
    widen_headings(&mut unit_boxes, &units, &boxes, h);
    for u in topological(&unit_boxes, h) {
        out.extend_from_slice(&units[u]);
    }
    // Top to bottom; a floater just under the previous one (the second
    // line of a caption the engine split) follows it.
    let mut floaters = floaters;
    floaters.sort_by(|a, b| unit_box(a).y0.total_cmp(&unit_box(b).y0));
    let mut last: Option<(B, usize)> = None;
    for f in floaters {
        let fb = unit_box(&f);
        let overlaps = |i: &usize| boxes[*i].x_overlap(&fb) > TOUCH * h;
        let at = match last {
            Some((lb, end)) if lb.x_overlap(&fb) > TOUCH * h && fb.y0 - lb.y1 < h => end,
            _ => out
                .iter()
                .position(|i| overlaps(i) && boxes[*i].yc() > fb.y1)
                .or_else(|| {
                    out.iter()
                        .rposition(|i| overlaps(i) && boxes[*i].yc() < fb.y0)
                        .map(|p| p + 1)
                })
                .unwrap_or(out.len()),
        };
        last = Some((fb, at + f.len()));
        out.splice(at..at, f);
    }
    out.extend(foot);
    out
}

/// Join one-line headings that the engine cut into pieces on one row (a
/// stain or a wide word space in a headline splits it into two lines):
/// pieces of heading size ([`HEADING_RATIO`]), level and alike in height,
/// less than their own height apart (a word space in large type; the
/// gutters between stories are many times that). Left apart, the second
/// piece would be read after the column below the first.
fn join_split_headings(units: &mut Vec<Vec<usize>>, boxes: &[B], h: f32) {
    let row = |u: &Vec<usize>| {
        u.iter()
            .map(|&i| boxes[i])
            .reduce(B::union)
            .expect("units are not empty")
    };
    // One row of heading-size type.
    let heading = |u: &Vec<usize>| {
        let tallest = u.iter().map(|&i| boxes[i].height()).fold(0.0, f32::max);
        u.iter().all(|&i| boxes[i].height() >= HEADING_RATIO * h)
            && row(u).height() <= 1.5 * tallest
    };
    loop {
        let mut pair = None;
        'search: for a in 0..units.len() {
            for b in 0..units.len() {
                if a == b || !heading(&units[a]) || !heading(&units[b]) {
                    continue;
                }
                let (ba, bb) = (row(&units[a]), row(&units[b]));
                let tall = ba.height().max(bb.height());
                let level =
                    ba.y1.min(bb.y1) - ba.y0.max(bb.y0) >= 0.5 * ba.height().min(bb.height());
                let gap = bb.x0 - ba.x1;
                if level
                    && ba.height() / bb.height() <= RUN_HEIGHT_RATIO
                    && bb.height() / ba.height() <= RUN_HEIGHT_RATIO
                    && gap > -TOUCH * h
                    && gap <= tall
                {
                    pair = Some((a, b));
                    break 'search;
                }
            }
        }
        let Some((a, b)) = pair else { return };
        let piece = units.remove(b);
        let a = if b < a { a - 1 } else { a };
        // `piece` lies right of `a`: the joined unit reads left to right.
        units[a].extend(piece);
    }
}

/// Widen each heading (a unit of type at least [`HEADING_RATIO`] times the
/// median line height) in reading direction up to the next unit level with
/// it, or the body's edge.
///
/// A headline is often narrower than the columns of its story: over three
/// newspaper columns it may end in the second. Breuel's rules would then
/// read the headline before the third column's text above it (that text
/// lies wholly right of the headline); widened to the gutter of the next
/// story, the headline is below that text and a separator between the
/// stories, as a reader sees it.
fn widen_headings(unit_boxes: &mut [B], units: &[Vec<usize>], boxes: &[B], h: f32) {
    let touch = TOUCH * h;
    let Some(edge) = unit_boxes.iter().map(|b| b.x1).reduce(f32::max) else {
        return;
    };
    for k in 0..units.len() {
        let mut heights: Vec<f32> = units[k].iter().map(|&i| boxes[i].height()).collect();
        heights.sort_by(f32::total_cmp);
        if heights[heights.len() / 2] < HEADING_RATIO * h {
            continue;
        }
        let b = unit_boxes[k];
        let level = |o: &B| o.y1.min(b.y1 + h / 2.0) - o.y0.max(b.y0 - h / 2.0) > touch;
        let limit = unit_boxes
            .iter()
            .enumerate()
            .filter(|&(j, o)| j != k && level(o) && o.x0 >= b.x1 - touch)
            .map(|(_, o)| o.x0 - 2.0 * touch)
            .reduce(f32::min)
            .unwrap_or(edge);
        unit_boxes[k].x1 = b.x1.max(limit);
    }
}

/// Whether a unit (box `fb`, lines `unit`) floats between columns: it
/// straddles a gutter (it overlaps two body lines that do not overlap each
/// other) and column text runs beside it on both sides (a body line
/// wholly left of it and one wholly right of it, level with it). A figure
/// caption or pull quote set across two columns with the text wrapped
/// around it is such a unit. Left in the partial order it would act as a
/// section break (Breuel's second rule) and read the tops of both columns
/// before their bottoms; instead it is placed at its picture: before the
/// first line below it that it overlaps, in the order of the rest.
fn floats(fb: &B, unit: &[usize], body: &[usize], boxes: &[B], h: f32) -> bool {
    let touch = TOUCH * h;
    let others: Vec<&B> = body
        .iter()
        .filter(|i| !unit.contains(i))
        .map(|&i| &boxes[i])
        .collect();
    // Level with it: overlapping its box grown by half a line, so a
    // one-line unit between two wrapped lines still has them beside it.
    let level = |b: &B| b.y1.min(fb.y1 + h / 2.0) - b.y0.max(fb.y0 - h / 2.0) > touch;
    let left = others.iter().any(|b| level(b) && b.x1 <= fb.x0 + touch);
    let right = others.iter().any(|b| level(b) && b.x0 >= fb.x1 - touch);
    if !(left && right) {
        return false;
    }
    let over: Vec<&&B> = others.iter().filter(|b| b.x_overlap(fb) > touch).collect();
    over.iter()
        .any(|a| over.iter().any(|b| a.x_overlap(b) <= touch))
}

/// Split lines (by index) into header, body and footer: the top and bottom
/// rows of the y-projection when they are few, short and set off by a
/// wide gap (each in reading order: rows top to bottom, a row in reading
/// direction), and the rest. Header and footer are empty otherwise.
fn bands(boxes: &[B], h: f32) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut by_top: Vec<usize> = (0..boxes.len()).collect();
    by_top.sort_by(|&a, &b| boxes[a].y0.total_cmp(&boxes[b].y0));
    // Bands: (first index in by_top, one past the last, top, bottom).
    let mut bands: Vec<(usize, usize, f32, f32)> = Vec::new();
    for (k, &i) in by_top.iter().enumerate() {
        let b = boxes[i];
        match bands.last_mut() {
            // Lines that overlap in y by more than a touch are one band.
            Some(band) if b.y0 < band.3 - TOUCH * h => {
                band.1 = k + 1;
                band.3 = band.3.max(b.y1);
            }
            _ => bands.push((k, k + 1, b.y0, b.y1)),
        }
    }
    let all: Vec<usize> = by_top.clone();
    let n = bands.len();
    let gap = |k: usize| bands[k + 1].2 - bands[k].3;
    let height = |k: usize| bands[k].3 - bands[k].2;
    // Header: the first rows down to the last wide gap among them, if
    // they are few: the outermost row may be as tall as a masthead, the
    // others small print (a dateline, a running head), so that a row of
    // headlines over separate columns stays in the body.
    let furniture = |k: usize, outer: bool| {
        height(k)
            <= if outer {
                BAND_ROW_LINES
            } else {
                BAND_SMALL_LINES
            } * h
    };
    let mut head_rows = 0;
    for k in 1..=BAND_MAX_ROWS.min(n.saturating_sub(1)) {
        if !furniture(k - 1, k == 1) {
            break;
        }
        if gap(k - 1) >= BAND_MIN_GAP * h {
            head_rows = k;
        }
    }
    let mut foot_rows = 0;
    for k in 1..=BAND_MAX_ROWS.min(n.saturating_sub(head_rows + 1)) {
        if !furniture(n - k, k == 1) {
            break;
        }
        if gap(n - k - 1) >= BAND_MIN_GAP * h {
            foot_rows = k;
        }
    }
    let head_end = if head_rows > 0 {
        bands[head_rows - 1].1
    } else {
        0
    };
    let foot_start = if foot_rows > 0 {
        bands[n - foot_rows].0
    } else {
        all.len()
    };
    // Header and footer rows top to bottom, each row in reading direction.
    let rows = |range: std::ops::Range<usize>| {
        let mut v: Vec<usize> = Vec::new();
        for band in bands.iter().filter(|b| range.contains(&b.0)) {
            let mut row = all[band.0..band.1].to_vec();
            row.sort_by(|&a, &b| boxes[a].x0.total_cmp(&boxes[b].x0));
            v.extend(row);
        }
        v
    };
    (
        rows(0..head_end),
        all[head_end..foot_start].to_vec(),
        rows(foot_start..all.len()),
    )
}

/// Group the `body` lines into units: runs of consecutive lines (engine
/// order) of one paragraph that go downwards, keep their left edge (or
/// their centre, for centred lines) and height, and never grow wider on
/// the right. Each unit lists line indices
/// in engine order.
fn units(lines: &[Line], boxes: &[B], body: &[usize], h: f32) -> Vec<Vec<usize>> {
    let mut body = body.to_vec();
    body.sort_unstable();
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut run_box: Option<B> = None;
    for &i in &body {
        let b = boxes[i];
        let joins = match (units.last(), run_box) {
            (Some(unit), Some(run)) => {
                let prev = *unit.last().expect("units are not empty");
                let p = boxes[prev];
                let ratio = b.height() / p.height().max(1.0);
                prev + 1 == i
                    && lines[prev].paragraph.is_some()
                    && lines[prev].paragraph == lines[i].paragraph
                    && b.yc() > p.y1 - TOUCH * h
                    && b.y0 - p.y1 < h
                    && (1.0 / RUN_HEIGHT_RATIO..=RUN_HEIGHT_RATIO).contains(&ratio)
                    && ((b.x0 - run.x0).abs() <= RUN_EDGE * h
                        || ((b.x0 + b.x1) - (run.x0 + run.x1)).abs() <= 2.0 * RUN_EDGE * h)
                    && b.x1 <= run.x1 + RUN_EDGE * h
            }
            _ => false,
        };
        if joins {
            units.last_mut().expect("checked").push(i);
            run_box = run_box.map(|r| r.union(b));
        } else {
            units.push(vec![i]);
            run_box = Some(b);
        }
    }
    units
}

/// Breuel's reading-order rules over `boxes`, then a topological sort
/// (Kahn), ties and cycles broken by the topmost, then leftmost box.
fn topological(boxes: &[B], h: f32) -> Vec<usize> {
    let n = boxes.len();
    let touch = TOUCH * h;
    // before[a * n + b]: a is read before b.
    let mut before = vec![false; n * n];
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            let (ba, bb) = (&boxes[a], &boxes[b]);
            let ov = ba.x_overlap(bb);
            before[a * n + b] = if ov > touch {
                ba.yc() < bb.yc() || (ba.yc() == bb.yc() && a < b)
            } else if ba.x0 < bb.x0 {
                let (lo, hi) = (ba.yc().min(bb.yc()), ba.yc().max(bb.yc()));
                !boxes.iter().enumerate().any(|(c, bc)| {
                    c != a
                        && c != b
                        && bc.yc() > lo
                        && bc.yc() < hi
                        && bc.x_overlap(ba) > touch
                        && bc.x_overlap(bb) > touch
                })
            } else {
                false
            };
        }
    }
    let mut preds: Vec<usize> = (0..n)
        .map(|b| (0..n).filter(|&a| before[a * n + b]).count())
        .collect();
    let mut placed = vec![false; n];
    let mut out = Vec::with_capacity(n);
    let key = |i: usize| (boxes[i].y0, boxes[i].x0);
    for _ in 0..n {
        let ready = (0..n)
            .filter(|&i| !placed[i] && preds[i] == 0)
            .min_by(|&a, &b| {
                key(a)
                    .partial_cmp(&key(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        // A cycle: take the unplaced unit with the fewest predecessors left.
        let next = ready.or_else(|| {
            (0..n).filter(|&i| !placed[i]).min_by(|&a, &b| {
                preds[a].cmp(&preds[b]).then(
                    key(a)
                        .partial_cmp(&key(b))
                        .unwrap_or(std::cmp::Ordering::Equal),
                )
            })
        });
        let Some(u) = next else { break };
        placed[u] = true;
        out.push(u);
        for v in 0..n {
            if before[u * n + v] && !placed[v] {
                preds[v] -= 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
