//! Book spreads made two pages (issue 25, point 3, `--split-spreads`):
//! the spine is found, not assumed at the middle, and the image is cut
//! there into its left and right pages, in reading order.
//!
//! The spine is the gutter: a vertical band that no text line crosses,
//! between two blocks of text, usually darkened by the shadow of the
//! pages curving into the binding. [`find_gutter`] works on the luma
//! image reduced to at most [`WORK_WIDTH`] pixels wide:
//!
//! 1. Ink is what is much darker than the paper both above and below it
//!    (the brightest value within a few pixels on each side): text is
//!    ink; the spine's soft shadow, light falling off and the edge of the
//!    desk where a page's top curves away near the spine are not.
//! 2. Columns with (almost) no ink in the middle 90 % of the height are
//!    empty; runs of them in the middle [`SEARCH`] of the width, with at
//!    least [`MIN_SIDE_INK`] of the ink on each side, are gutter
//!    candidates.
//! 3. A candidate is the spine when it is darkened (its darkest column
//!    [`MIN_SHADOW`] grey levels under the paper), or, without a shadow
//!    (a flatbed scan pressed flat), when it is wide ([`MIN_BARE_GAP`] of
//!    the width) — the best by darkness, width and nearness to the middle.
//!    The cut is at its darkest column (the binding), else its middle.
//!
//! A single page is never split: the image must be at least as wide as
//! [`MIN_ASPECT`] of its height (two portrait pages side by side are
//! landscape; one is not), and a single page's column gap has neither the
//! spine's shadow nor, usually, its width. ScanTailor's page-split step
//! (`filters/page_split`, `PageLayoutEstimator`) likewise looks for the
//! split among vertical lines and gaps in the content; page-dewarp and
//! Leptonica's dewarper take one page.

use image::GrayImage;

/// Width of the image the gutter is looked for on.
const WORK_WIDTH: u32 = 800;
/// The share of the width, centred, the spine is looked for in.
const SEARCH: (f64, f64) = (0.3, 0.7);
/// Least share of the page's ink on each side of the spine.
const MIN_SIDE_INK: f64 = 0.15;
/// Least darkening of the spine's shadow under the paper, grey levels.
const MIN_SHADOW: f64 = 14.0;
/// Least width of a gutter without a shadow, as a share of the width.
const MIN_BARE_GAP: f64 = 0.06;
/// Least width of any gutter, as a share of the width.
const MIN_GAP: f64 = 0.012;
/// Least width over height of a spread.
pub const MIN_ASPECT: f64 = 0.9;
/// Darkness under the local paper that is ink, grey levels.
const INK: i16 = 48;

/// Where a spread is cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gutter {
    /// The cut's column in the full image.
    pub cut: u32,
    /// The empty band's columns (full image), start and end.
    pub band: (u32, u32),
    /// The spine's shadow, grey levels under the paper.
    pub shadow: f64,
}

/// The gutter of a book spread in `gray`, `None` when there is none (a
/// single page).
pub fn find_gutter(gray: &GrayImage) -> Option<Gutter> {
    let (w, h) = gray.dimensions();
    if w < 64 || h < 64 || (w as f64) < MIN_ASPECT * h as f64 {
        return None;
    }
    let f = w.div_ceil(WORK_WIDTH).max(1);
    let (sw, sh) = (w / f, h / f);
    let small = reduce(gray, f, sw, sh);
    // Local paper, above and below (`paper_both_sides`).
    let r = 4usize;
    let paper = paper_both_sides(&small, sw as usize, sh as usize, r);
    let (top, bottom) = ((sh as f64 * 0.05) as usize, (sh as f64 * 0.95) as usize);
    let mut ink = vec![0u32; sw as usize];
    let mut mean = vec![0f64; sw as usize];
    for y in top..bottom {
        let row = &small[y * sw as usize..(y + 1) * sw as usize];
        let prow = &paper[y * sw as usize..(y + 1) * sw as usize];
        for x in 0..sw as usize {
            ink[x] += u32::from(prow[x] as i16 - row[x] as i16 > INK);
            mean[x] += row[x] as f64;
        }
    }
    let rows = (bottom - top).max(1) as f64;
    for m in &mut mean {
        *m /= rows;
    }
    let total: u64 = ink.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return None;
    }
    let mut sorted = mean.clone();
    sorted.sort_by(f64::total_cmp);
    let paper_level = sorted[sorted.len() * 3 / 4];
    // A column is empty with at most one ink pixel in 400 rows (specks).
    let empty_max = (rows / 400.0).max(1.0) as u32;
    let (lo, hi) = (
        (SEARCH.0 * sw as f64) as usize,
        (SEARCH.1 * sw as f64) as usize,
    );
    let mut best: Option<(f64, Gutter)> = None;
    let mut x = lo;
    while x < hi {
        if ink[x] > empty_max {
            x += 1;
            continue;
        }
        // The whole run of empty columns, also beyond the search window.
        let (mut a, mut b) = (x, x);
        while a > 0 && ink[a - 1] <= empty_max {
            a -= 1;
        }
        while b + 1 < sw as usize && ink[b + 1] <= empty_max {
            b += 1;
        }
        x = b + 1;
        let width = (b - a + 1) as f64 / sw as f64;
        let left: u64 = ink[..a].iter().map(|&c| u64::from(c)).sum();
        let right: u64 = ink[b + 1..].iter().map(|&c| u64::from(c)).sum();
        let side = left.min(right) as f64 / total as f64;
        if width < MIN_GAP || side < MIN_SIDE_INK {
            continue;
        }
        // The darkest column, smoothed over three inside the run (a text
        // column next to it is no shadow).
        let (dark_x, dark) = (a..=b)
            .map(|i| {
                let near = i.saturating_sub(1).max(a)..=(i + 1).min(b);
                let n = near.clone().count() as f64;
                (i, near.map(|j| mean[j]).sum::<f64>() / n)
            })
            .min_by(|p, q| p.1.total_cmp(&q.1))
            .expect("a non-empty run");
        let shadow = paper_level - dark;
        let shadowed = shadow >= MIN_SHADOW;
        if !shadowed && width < MIN_BARE_GAP {
            continue;
        }
        let cut_small = if shadowed {
            dark_x
        } else {
            usize::midpoint(a, b)
        };
        let off_middle = (cut_small as f64 / sw as f64 - 0.5).abs();
        let score = width * (1.0 + shadow.max(0.0) / 10.0) / (1.0 + off_middle / 0.1);
        let cut = ((cut_small as f64 + 0.5) * f as f64).round() as u32;
        let g = Gutter {
            cut: cut.clamp(1, w - 1),
            band: (a as u32 * f, ((b + 1) as u32 * f).min(w)),
            shadow,
        };
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, g));
        }
    }
    best.map(|b| b.1)
}

/// `gray` reduced by `f` (box mean) to `sw` × `sh`.
fn reduce(gray: &GrayImage, f: u32, sw: u32, sh: u32) -> Vec<u8> {
    let (w, f) = (gray.width() as usize, f as usize);
    let raw = gray.as_raw();
    let mut out = vec![0u8; (sw * sh) as usize];
    for y in 0..sh as usize {
        for x in 0..sw as usize {
            let mut s = 0u32;
            for yy in y * f..(y + 1) * f {
                let row = &raw[yy * w + x * f..yy * w + (x + 1) * f];
                s += row.iter().map(|&v| u32::from(v)).sum::<u32>();
            }
            out[y * sw as usize + x] = (s / (f * f) as u32) as u8;
        }
    }
    out
}

/// The paper around each pixel of `img` for telling ink: the brightest
/// value within `r` pixels above it in its column and the brightest
/// within `r` below, the darker of the two. A text stroke is short, paper
/// above and below it; the edge of a dark region (the desk showing where
/// a book page's top edge curves away near the spine) has paper on one
/// side only, and is not ink.
fn paper_both_sides(img: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let mut out = vec![0u8; img.len()];
    for y in 0..h {
        for x in 0..w {
            let max_of = |ys: std::ops::Range<usize>| ys.map(|yy| img[yy * w + x]).max();
            let up = max_of(y.saturating_sub(r)..y);
            let down = max_of(y + 1..(y + r + 1).min(h));
            // At the image's top or bottom one side is all there is.
            out[y * w + x] = match (up, down) {
                (Some(u), Some(d)) => u.min(d),
                (u, d) => u.or(d).unwrap_or(img[y * w + x]),
            };
        }
    }
    out
}

pub use crate::input::spread::Side;

/// The two pages of a spread in reading order: left first, right first
/// for a right-to-left script.
pub fn reading_order(right_to_left: bool) -> [Side; 2] {
    if right_to_left {
        [Side::Right, Side::Left]
    } else {
        [Side::Left, Side::Right]
    }
}

/// Tesseract languages written right to left (Arabic script, Hebrew,
/// Syriac, Thaana, N'Ko).
const RTL_LANGUAGES: [&str; 12] = [
    "ara", "heb", "fas", "urd", "pus", "snd", "uig", "yid", "syr", "div", "kur_ara", "Arabic",
];

/// Whether a Tesseract language list (`eng+heb`) reads right to left: its
/// first language (the main one) does.
pub fn right_to_left(languages: &str) -> bool {
    languages
        .split('+')
        .next()
        .is_some_and(|l| RTL_LANGUAGES.contains(&l.trim()) || l.trim() == "script/Hebrew")
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Two blocks of text-like bars with an empty band and optional
    /// shadow at `spine`.
    fn spread(w: u32, h: u32, spine: u32, shadow: f64, gap: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let d = (x as f64 - spine as f64) / 20.0;
            let paper = 240.0 - shadow * (-d * d).exp();
            let in_text = (x + gap / 2 < spine || x > spine + gap / 2)
                && x > w / 12
                && x < w - w / 12
                && y > h / 10
                && y < h * 9 / 10;
            let inked = in_text && (y / 6) % 3 == 0 && (x / 9) % 5 != 0;
            Luma([if inked { 30 } else { paper as u8 }])
        })
    }

    #[test]
    fn the_spine_is_found_off_the_middle() {
        let img = spread(1600, 1100, 880, 60.0, 70);
        let g = find_gutter(&img).expect("a gutter");
        assert!((g.cut as i64 - 880).abs() <= 6, "{g:?}");
        assert!(g.band.0 < 880 && g.band.1 > 880);
    }

    #[test]
    fn the_desk_where_the_pages_curve_away_is_no_ink() {
        // A deep book: near the spine the pages' top and bottom edges
        // curve down into the binding, and a dark desk shows there in
        // wedges reaching into the middle 90 % of the height.
        let (w, h, spine) = (1600, 1100, 880);
        let mut img = spread(w, h, spine, 60.0, 70);
        for (x, y, p) in img.enumerate_pixels_mut() {
            let near = 1.0 - (x as f64 - spine as f64).abs() / 120.0;
            let wedge = 0.12 * h as f64 * near;
            if (y as f64) < wedge || ((h - 1 - y) as f64) < wedge {
                *p = Luma([60]);
            }
        }
        let g = find_gutter(&img).expect("a gutter");
        assert!((g.cut as i64 - spine as i64).abs() <= 6, "{g:?}");
    }

    #[test]
    fn a_single_page_is_not_split() {
        // Portrait: never.
        assert_eq!(find_gutter(&spread(1100, 1600, 550, 60.0, 70)), None);
        // Landscape with a narrow unshadowed column gap: not a spine.
        assert_eq!(find_gutter(&spread(1600, 1100, 800, 0.0, 40)), None);
        // A blank image.
        assert_eq!(
            find_gutter(&GrayImage::from_pixel(1600, 1100, Luma([240]))),
            None
        );
    }

    #[test]
    fn right_to_left_languages_put_the_right_page_first() {
        assert_eq!(
            reading_order(right_to_left("eng")),
            [Side::Left, Side::Right]
        );
        assert_eq!(
            reading_order(right_to_left("heb")),
            [Side::Right, Side::Left]
        );
        assert_eq!(
            reading_order(right_to_left("ara+eng")),
            [Side::Right, Side::Left]
        );
        assert_eq!(
            reading_order(right_to_left("eng+fas")),
            [Side::Left, Side::Right]
        );
    }
}
