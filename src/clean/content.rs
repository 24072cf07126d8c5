//! Content kind: finding the photographs and continuous-tone figures on a
//! page, so they are kept in grey or colour while text is stored bilevel.
//!
//! Text on white paper is bimodal: paper, ink, and a rim of mid-tones at
//! stroke edges, with paper showing between strokes, letters and lines.
//! Pictures are mostly mid-tones with little pure paper. The page is cut
//! into cells of 1/10 inch (a few strokes wide); cells that are mostly
//! mid-tone and almost free of paper are picture cells; a morphological
//! closing joins them, and connected groups of at least half a square inch
//! become picture regions (bounding rectangles, merged where they overlap).
//!
//! Text lines win over pictures. A shadow, a stain, a tinted box or a
//! tinted page on a white canvas is mid-tone with little paper, like a
//! photo, but it holds rows of letters. Cells covered by text lines (found
//! on the bilevel page, [`super::lines`]) are never picture cells, and a
//! region whose area is largely text lines is text on a background, not a
//! picture: its text goes into the crisp bilevel layer and its background
//! is whitened. Words read in a real photo are OCR's business, not this
//! module's (see `read`).

use super::lines::TextLine;
use crate::input::Dpi;
pub use crate::rect::Rect;
use image::GrayImage;

/// Grey levels counted as mid-tone (neither paper nor ink) after
/// background normalisation.
const MID: std::ops::RangeInclusive<u8> = 50..=210;
/// Grey levels counted as paper after background normalisation.
const PAPER: u8 = 235;
/// A cell is a picture cell when this share of its pixels is mid-tone…
const PICTURE_MID: f32 = 0.5;
/// …and at most this share is paper.
const PICTURE_PAPER: f32 = 0.15;
/// Smallest picture, in square inches.
const MIN_AREA_IN2: f32 = 0.5;
/// Text line boxes are grown up and down by this share of their height
/// when they claim cells, so the leading between the lines of a paragraph
/// goes with the text too.
const LINE_REACH: f32 = 0.5;
/// A region is text on a background, not a picture, when text lines (with
/// their leading) cover this share of its area (a photo with a label or
/// two stays far below; a paragraph on a tint is at 0.5–0.9).
const TEXT_REGION_SHARE: f32 = 0.25;

/// Picture regions of a normalised grey page, largest first. `text`: the
/// page's text lines, which no picture may take.
pub fn picture_regions(gray: &GrayImage, dpi: Dpi, text: &[TextLine]) -> Vec<Rect> {
    let (w, h) = gray.dimensions();
    let cell = ((dpi.x.max(dpi.y) / 10.0).round() as u32).max(2);
    let Cells {
        cw,
        ch,
        mid,
        paper,
        total,
    } = Cells::count(gray, cell);
    let marked: Vec<bool> = (0..cw * ch)
        .map(|i| {
            let t = total[i] as f32;
            mid[i] as f32 >= PICTURE_MID * t && paper[i] as f32 <= PICTURE_PAPER * t
        })
        .collect();
    // Closing: dilate then erode by two cells, to bridge text-like gaps
    // inside pictures (dark or light patches) without joining separate ones.
    let closed = erode(&dilate(&marked, cw, ch, 2), cw, ch, 2);
    let text_cells = text_cells(text, cell, cw, ch);
    let closed: Vec<bool> = closed
        .iter()
        .zip(&text_cells)
        .map(|(&c, &t)| c && !t)
        .collect();

    let min_cells = (MIN_AREA_IN2 * (dpi.x / cell as f32) * (dpi.y / cell as f32)) as usize;
    let mut seen = vec![false; cw * ch];
    let mut rects = Vec::new();
    for start in 0..cw * ch {
        if !closed[start] || seen[start] {
            continue;
        }
        let (mut n, mut x0, mut y0, mut x1, mut y1) = (0, usize::MAX, usize::MAX, 0, 0);
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % cw, i / cw);
            n += 1;
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < cw).then(|| i + 1),
                (y > 0).then(|| i - cw),
                (y + 1 < ch).then(|| i + cw),
            ];
            for j in neighbours.into_iter().flatten() {
                if closed[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        if n >= min_cells.max(1) {
            rects.push(Rect {
                x0: x0 as u32 * cell,
                y0: y0 as u32 * cell,
                x1: ((x1 as u32 + 1) * cell).min(w),
                y1: ((y1 as u32 + 1) * cell).min(h),
            });
        }
    }
    let mut rects: Vec<Rect> = merge(rects)
        .into_iter()
        .filter_map(|r| clear_of_text(r, text))
        .filter(|r| r.width() as f32 * r.height() as f32 >= MIN_AREA_IN2 * dpi.x * dpi.y)
        .collect();
    rects.retain(|r| text_share(r, &text_cells, cell, cw) < TEXT_REGION_SHARE);
    rects
}

/// Tone levels (in the page's whole-page white balance) from which a pixel
/// is paper: balanced paper sits at 255 less its grain; a pale sky or a
/// light tint sits lower.
const TONE_PAPER: u8 = 246;
/// Smallest step in tone across a picture's frame, from the paper outside
/// to the picture inside…
const FRAME_STEP: i16 = 24;
/// …where the outside is paper (a step inside a picture, from its sky to
/// its land, is not its frame).
const FRAME_PAPER: i16 = 236;
/// Share of a side's length along which the frame must show.
const FRAME_SHARE: f32 = 0.6;
/// A row (or column) this much paper stops the search for a frame: the
/// picture has ended.
const PAPER_ROW: f32 = 0.9;

/// `regions` (found on the locally whitened page) fitted to the frames of
/// their pictures as scanned. `tone` is the page white-balanced as a whole,
/// as one channel in which paper is white (grey, or the darkest channel of
/// colour, so a pale blue sky is not paper).
///
/// Local whitening takes a picture's light, smooth parts (a sky, a pale
/// wall, a highlight) for paper, so a region found on it stops where they
/// start, and a region snaps to cells, so a strip of the picture's edge
/// would stay behind as bilevel ink. Pictures are bounded by a frame: a
/// straight step from paper to picture along most of each side, which a
/// shadow or uneven light (soft, continuous with the paper) does not have.
/// Each side of a region moves out to the nearest such frame within the
/// region's own size, unless a row of plain paper comes first (the
/// picture ended) or a text line is in the way (text lines win); the new
/// side takes in the frame's blurred edge.
pub fn fit_to_tone(regions: Vec<Rect>, tone: &GrayImage, text: &[TextLine]) -> Vec<Rect> {
    let fitted = regions.into_iter().map(|mut r| {
        // Twice: a side that moved widens the span the others look along.
        for _ in 0..2 {
            r = to_frame(r, tone, text);
        }
        r
    });
    merge(fitted.collect())
}

/// A side of a region, for [`to_frame`].
#[derive(Clone, Copy)]
enum Side {
    Up,
    Down,
    Left,
    Right,
}

/// One pass of [`fit_to_tone`] over the four sides of `r`.
fn to_frame(mut r: Rect, tone: &GrayImage, text: &[TextLine]) -> Rect {
    let (w, h) = tone.dimensions();
    let reach = r.width().max(r.height());
    let at = |x: u32, y: u32| i16::from(tone.get_pixel(x, y).0[0]);
    let free = |c: &Rect| !text.iter().any(|l| l.rect.overlaps(c));
    // Walk a side outwards, row (or column) `d` at a time, reading its
    // (outside, inside) pixel pairs along the side: the nearest frame, or
    // `None` at a row of paper or the search's end.
    let search = |span: u32, limit: u32, pairs: &dyn Fn(u32, u32) -> (i16, i16)| -> Option<u32> {
        for d in 1..=reach.min(limit) {
            let (mut frame, mut paper) = (0u32, 0u32);
            for i in 0..span {
                let (out, inside) = pairs(d, i);
                frame += (out >= FRAME_PAPER && out - inside >= FRAME_STEP) as u32;
                paper += (inside >= i16::from(TONE_PAPER)) as u32;
            }
            if frame as f32 >= FRAME_SHARE * span as f32 {
                return Some(d);
            }
            if paper as f32 >= PAPER_ROW * span as f32 {
                return None;
            }
        }
        None
    };
    for side in [Side::Up, Side::Down, Side::Left, Side::Right] {
        // Along the side (span) and the room beyond it.
        let (span, room) = match side {
            Side::Up => (r.width(), r.y0),
            Side::Down => (r.width(), h - r.y1),
            Side::Left => (r.height(), r.x0),
            Side::Right => (r.height(), w - r.x1),
        };
        // The row or column `d` pixels out, at `i` along the side, and the
        // outward step: (pixel 2 further out, pixel 1 back in).
        let pair = |d: u32, i: u32| {
            let (x, y, dx, dy) = match side {
                Side::Up => (r.x0 + i, r.y0 - d, 0, -1),
                Side::Down => (r.x0 + i, r.y1 - 1 + d, 0, 1),
                Side::Left => (r.x0 - d, r.y0 + i, -1, 0),
                Side::Right => (r.x1 - 1 + d, r.y0 + i, 1, 0),
            };
            let step = |k: i32| at(x.wrapping_add_signed(k * dx), y.wrapping_add_signed(k * dy));
            (step(2), step(-1))
        };
        let Some(d) = search(span, room.saturating_sub(2), &pair) else {
            continue;
        };
        // The band taken in, with the frame's blurred edge.
        let band = match side {
            Side::Up => Rect {
                y0: r.y0.saturating_sub(d + 2),
                y1: r.y0,
                ..r
            },
            Side::Down => Rect {
                y0: r.y1,
                y1: (r.y1 + d + 2).min(h),
                ..r
            },
            Side::Left => Rect {
                x0: r.x0.saturating_sub(d + 2),
                x1: r.x0,
                ..r
            },
            Side::Right => Rect {
                x0: r.x1,
                x1: (r.x1 + d + 2).min(w),
                ..r
            },
        };
        if free(&band) {
            r = r.union(&band);
        }
    }
    r
}

/// Pixel counts per cell of the page, row by row.
struct Cells {
    cw: usize,
    ch: usize,
    /// Mid-tone pixels ([`MID`]).
    mid: Vec<u32>,
    /// Paper pixels ([`PAPER`] and lighter).
    paper: Vec<u32>,
    /// All pixels (fewer in the cells cut by the right and bottom edges).
    total: Vec<u32>,
}

impl Cells {
    /// Counts over cells of `cell` × `cell` pixels, in one pass over the
    /// page.
    fn count(gray: &GrayImage, cell: u32) -> Self {
        let (w, h) = gray.dimensions();
        let (cw, ch) = (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize);
        let mut mid = vec![0u32; cw * ch];
        let mut paper = vec![0u32; cw * ch];
        let mut total = vec![0u32; cw * ch];
        for (y, row) in gray.as_raw().chunks_exact(w as usize).enumerate() {
            let cy = y / cell as usize;
            for (x, &v) in row.iter().enumerate() {
                let i = cy * cw + x / cell as usize;
                total[i] += 1;
                mid[i] += MID.contains(&v) as u32;
                paper[i] += (v >= PAPER) as u32;
            }
        }
        Cells {
            cw,
            ch,
            mid,
            paper,
            total,
        }
    }
}

/// `r` cut back so that no text line that starts or ends outside it
/// reaches into it: the edge that loses the least area moves past the
/// line. A region is a bounding box, and the dark band of a book fold or
/// shadow next to a column would otherwise take the ends of its lines.
/// Lines that lie inside the region (a label in a figure) are left for OCR
/// to read from the grey page. `None` when nothing is left.
fn clear_of_text(mut r: Rect, text: &[TextLine]) -> Option<Rect> {
    loop {
        let intruder = text.iter().find(|l| {
            let (cx, cy) = l.rect.centre();
            l.rect.overlaps(&r) && !r.contains(cx, cy)
        });
        let Some(l) = intruder.map(|l| l.rect) else {
            return Some(r);
        };
        let cuts = [
            Rect { x0: l.x1, ..r },
            Rect { x1: l.x0, ..r },
            Rect { y0: l.y1, ..r },
            Rect { y1: l.y0, ..r },
        ];
        r = cuts
            .into_iter()
            .filter(|c| c.x0 < c.x1 && c.y0 < c.y1)
            .max_by_key(|c| c.width() as u64 * c.height() as u64)?;
    }
}

/// Cells (of `cell` pixels, `cw` × `ch` of them) that a text line, grown
/// by [`LINE_REACH`] up and down, covers by at least a third.
fn text_cells(text: &[TextLine], cell: u32, cw: usize, ch: usize) -> Vec<bool> {
    let mut cover = vec![0u32; cw * ch];
    for l in text {
        let reach = (l.rect.height() as f32 * LINE_REACH) as u32;
        let (y0, y1) = (l.rect.y0.saturating_sub(reach), l.rect.y1 + reach);
        for cy in (y0 / cell) as usize..((y1.div_ceil(cell)) as usize).min(ch) {
            let (top, bottom) = (cy as u32 * cell, (cy as u32 + 1) * cell);
            let dy = bottom.min(y1).saturating_sub(top.max(y0));
            for cx in (l.rect.x0 / cell) as usize..(l.rect.x1.div_ceil(cell) as usize).min(cw) {
                let (left, right) = (cx as u32 * cell, (cx as u32 + 1) * cell);
                let dx = right.min(l.rect.x1).saturating_sub(left.max(l.rect.x0));
                cover[cy * cw + cx] += dx * dy;
            }
        }
    }
    cover.iter().map(|&a| a * 3 >= cell * cell).collect()
}

/// Share of `r`'s cells that are text cells (lines with their leading).
fn text_share(r: &Rect, text_cells: &[bool], cell: u32, cw: usize) -> f32 {
    let (cx0, cy0) = ((r.x0 / cell) as usize, (r.y0 / cell) as usize);
    let (cx1, cy1) = (r.x1.div_ceil(cell) as usize, r.y1.div_ceil(cell) as usize);
    let ch = text_cells.len() / cw.max(1);
    let (mut text, mut all) = (0usize, 0usize);
    for cy in cy0..cy1.min(ch) {
        for cx in cx0..cx1.min(cw) {
            all += 1;
            text += text_cells[cy * cw + cx] as usize;
        }
    }
    text as f32 / all.max(1) as f32
}

fn dilate(m: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    morph(m, w, h, r, true)
}

fn erode(m: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    morph(m, w, h, r, false)
}

/// Square structuring element of radius `r`; `any` picks dilation.
fn morph(m: &[bool], w: usize, h: usize, r: usize, any: bool) -> Vec<bool> {
    let mut out = vec![false; m.len()];
    for y in 0..h {
        for x in 0..w {
            let mut hit = !any;
            'win: for yy in y.saturating_sub(r)..=(y + r).min(h - 1) {
                for xx in x.saturating_sub(r)..=(x + r).min(w - 1) {
                    if m[yy * w + xx] == any {
                        hit = any;
                        break 'win;
                    }
                }
            }
            out[y * w + x] = hit;
        }
    }
    out
}

/// Merge overlapping rectangles until none overlap; largest first.
pub(crate) fn merge(mut rects: Vec<Rect>) -> Vec<Rect> {
    loop {
        let mut merged = false;
        'outer: for i in 0..rects.len() {
            for j in i + 1..rects.len() {
                if rects[i].overlaps(&rects[j]) {
                    rects[i] = rects[i].union(&rects[j]);
                    rects.swap_remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            break;
        }
    }
    rects.sort_by_key(|r| std::cmp::Reverse(r.width() as u64 * r.height() as u64));
    rects
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn a_photo_among_text_is_found_and_text_is_not() {
        // 300 dpi page: text-like stripes on the top half, a smooth
        // gradient "photo" of 2 x 1.5 inches below.
        let img = GrayImage::from_fn(1200, 1500, |x, y| {
            let photo = (300..900).contains(&x) && (800..1250).contains(&y);
            let v = if photo {
                (60 + (x - 300) / 5 + (y - 800) / 8) as u8
            } else if y < 600 && y % 40 < 12 && x % 20 < 9 {
                0
            } else {
                255
            };
            Luma([v])
        });
        let regions = picture_regions(&img, Dpi::uniform(300.0), &[]);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let r = regions[0];
        // Within one cell (30 px) of the picture's edges.
        assert!(
            r.x0 <= 330 && r.x1 >= 870 && r.y0 <= 830 && r.y1 >= 1220,
            "{r:?}"
        );
        assert!(
            r.x0 >= 270 && r.x1 <= 930 && r.y0 >= 770 && r.y1 <= 1280,
            "{r:?}"
        );
    }

    /// A 300-dpi page of `w` × `h`: a mid-grey band (a shadow or tint)
    /// over `band`'s columns and rows of 14 × 20 px "letters" in
    /// `text_x`.., with the text lines `lines::find` sees on it.
    fn shaded_text(
        band: (u32, u32),
        text_x: (u32, u32),
    ) -> (GrayImage, Vec<super::super::lines::TextLine>) {
        let img = GrayImage::from_fn(1500, 1200, |x, y| {
            let letter = (text_x.0..text_x.1).contains(&x)
                && (x - text_x.0) % 22 < 14
                && (200..1000).contains(&y)
                && (y - 200) % 50 < 20;
            let shade = (band.0..band.1).contains(&x);
            Luma([match (letter, shade) {
                (true, _) => 20,
                (false, true) => 160,
                (false, false) => 255,
            }])
        });
        let bits = crate::clean::binarize::binarize(
            &img,
            Dpi::uniform(300.0),
            crate::clean::binarize::Method::default(),
        );
        let text = super::super::lines::find(&bits, Dpi::uniform(300.0));
        (img, text)
    }

    #[test]
    fn a_shaded_area_holding_text_lines_is_not_a_picture() {
        // Text on a grey band: a tinted box or a shadow across a column.
        let (img, text) = shaded_text((200, 1300), (300, 1200));
        assert_eq!(text.len(), 16, "{text:?}");
        assert!(picture_regions(&img, Dpi::uniform(300.0), &[]).len() == 1);
        let regions = picture_regions(&img, Dpi::uniform(300.0), &text);
        assert!(regions.is_empty(), "{regions:?}");
    }

    #[test]
    fn a_shadow_beside_a_column_does_not_take_its_line_ends() {
        // A book-fold shadow from x = 1000 right; lines run to x = 1090.
        let (img, text) = shaded_text((1000, 1500), (200, 1090));
        let regions = picture_regions(&img, Dpi::uniform(300.0), &text);
        assert_eq!(regions.len(), 1, "{regions:?}");
        let line_end = text.iter().map(|l| l.rect.x1).max().unwrap();
        assert!(
            regions[0].x0 >= line_end,
            "{regions:?} takes text ending at {line_end}"
        );
    }

    #[test]
    fn a_region_grows_over_the_light_part_of_its_picture_and_to_its_edges() {
        // 300 dpi: a photo at (305..905, 295..1195): a pale sky (225) over
        // a darker ground (120); paper 255. Found on the whitened page, the
        // region covered only the ground, on cell bounds.
        let photo = Rect {
            x0: 305,
            y0: 295,
            x1: 905,
            y1: 1195,
        };
        let tone = GrayImage::from_fn(1200, 1500, |x, y| {
            Luma([match (photo.contains(x, y), y < 700) {
                (true, true) => 225,
                (true, false) => 120,
                _ => 255,
            }])
        });
        let found = Rect {
            x0: 330,
            y0: 720,
            x1: 870,
            y1: 1170,
        };
        let fitted = fit_to_tone(vec![found], &tone, &[]);
        assert_eq!(fitted.len(), 1, "{fitted:?}");
        // The whole photo, and paper beyond it by less than a cell.
        let r = fitted[0];
        assert!(
            r.x0 <= photo.x0 && r.y0 <= photo.y0 && r.x1 >= photo.x1 && r.y1 >= photo.y1,
            "{r:?}"
        );
        assert!(photo.x0 - r.x0 < 30 && photo.y0 - r.y0 < 30, "{r:?}");
        assert!(r.x1 - photo.x1 < 30 && r.y1 - photo.y1 < 30, "{r:?}");
    }

    #[test]
    fn a_region_does_not_grow_over_a_shadow_or_text_or_another_picture() {
        // 300 dpi: a dark "photo" (300..600)² in a soft shadow that darkens
        // towards the left edge (no frame), a text line to its right, and
        // a second photo below it, past a strip of paper.
        let tone = GrayImage::from_fn(1500, 1500, |x, y| {
            let v = if (300..600).contains(&x) && (300..600).contains(&y) {
                100
            } else if (300..600).contains(&x) && (700..1000).contains(&y) {
                90
            } else if x < 300 {
                (130 + x / 5) as u8
            } else {
                255
            };
            Luma([v])
        });
        let line = TextLine {
            rect: Rect {
                x0: 640,
                y0: 300,
                x1: 1400,
                y1: 340,
            },
            letters: 20,
            letter_px: 30.0,
        };
        // Found a little inside the photo on every side.
        let found = Rect {
            x0: 320,
            y0: 320,
            x1: 560,
            y1: 570,
        };
        let fitted = fit_to_tone(vec![found], &tone, &[line]);
        assert_eq!(fitted.len(), 1, "{fitted:?}");
        let r = fitted[0];
        // Out to the photo's frame on top, right and bottom (its blurred
        // edge included), not into the shadow on the left (no frame
        // there), nor down to the second photo.
        assert!(
            (296..=300).contains(&r.y0) && (600..=604).contains(&r.x1),
            "{r:?}"
        );
        assert!((600..=604).contains(&r.y1), "{r:?}");
        assert_eq!(r.x0, 320, "{r:?}");
    }

    #[test]
    fn text_pages_and_blank_pages_have_no_pictures() {
        let blank = GrayImage::from_pixel(600, 600, Luma([255]));
        assert!(picture_regions(&blank, Dpi::uniform(300.0), &[]).is_empty());
        // Grey anti-aliased text edges (every stroke 1 px grey each side).
        let text = GrayImage::from_fn(900, 900, |x, y| {
            let (xm, ym) = (x % 14, y % 30);
            Luma([match (xm, ym < 14) {
                (0 | 5, true) => 128,
                (1..=4, true) => 0,
                _ => 255,
            }])
        });
        assert!(picture_regions(&text, Dpi::uniform(300.0), &[]).is_empty());
    }
}

/// Cell counts and text-line cover against pixel-by-pixel counts.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The one-pass counts are those of each cell's own pixels.
        #[test]
        fn cell_counts_are_the_counts_of_each_cell(gray in testing::gray(), cell in 1u32..=45) {
            let (w, h) = gray.dimensions();
            let cells = Cells::count(&gray, cell);
            prop_assert_eq!((cells.cw, cells.ch), (w.div_ceil(cell) as usize, h.div_ceil(cell) as usize));
            for cy in 0..cells.ch as u32 {
                for cx in 0..cells.cw as u32 {
                    let px: Vec<u8> = (cy * cell..((cy + 1) * cell).min(h))
                        .flat_map(|y| (cx * cell..((cx + 1) * cell).min(w)).map(move |x| (x, y)))
                        .map(|(x, y)| gray.get_pixel(x, y).0[0])
                        .collect();
                    let count = |f: fn(&u8) -> bool| px.iter().filter(|v| f(v)).count() as u32;
                    let i = (cy as usize) * cells.cw + cx as usize;
                    prop_assert_eq!(cells.total[i], px.len() as u32);
                    prop_assert_eq!(cells.mid[i], count(|v| MID.contains(v)));
                    prop_assert_eq!(cells.paper[i], count(|&v| v >= PAPER));
                }
            }
        }

        /// A cell is a text cell when the grown lines cover at least a third
        /// of its pixels, counted one by one (lines may overlap, and reach
        /// past the page).
        #[test]
        fn text_cells_count_covered_pixels(
            (cell, cw, ch) in (1u32..=12, 1usize..=10, 1usize..=10),
            rects in vec((0u32..130, 0u32..130, 1u32..60, 1u32..40), 0..6),
        ) {
            let text: Vec<TextLine> = rects
                .iter()
                .map(|&(x0, y0, rw, rh)| TextLine {
                    rect: Rect { x0, y0, x1: x0 + rw, y1: y0 + rh },
                    letters: 4,
                    letter_px: rh as f32,
                })
                .collect();
            let (gw, gh) = (cw as u32 * cell, ch as u32 * cell);
            let mut cover = vec![0u32; cw * ch];
            for l in &text {
                let reach = (l.rect.height() as f32 * LINE_REACH) as u32;
                for y in l.rect.y0.saturating_sub(reach)..(l.rect.y1 + reach).min(gh) {
                    for x in l.rect.x0..l.rect.x1.min(gw) {
                        cover[(y / cell) as usize * cw + (x / cell) as usize] += 1;
                    }
                }
            }
            let want: Vec<bool> = cover.iter().map(|&a| a * 3 >= cell * cell).collect();
            prop_assert_eq!(text_cells(&text, cell, cw, ch), want);
        }
    }
}
