//! Despeckling: dust goes, punctuation stays, decided by text lines.
//!
//! A median filter would round letter corners and erase periods; instead
//! each 8-connected ink component is measured. The tiniest (scanner noise)
//! always go. Components that are small against the page's letters (a
//! period, an i-dot, an accent, or dust of that size) are judged by where
//! they sit: the letters are grouped into text lines (`clean::lines::segments`), and a
//! small mark on a line's band, within about a word space of its letters,
//! is punctuation and stays; dots in a row (leaders, ellipses, fill-in
//! lines) stay too; everything else is dust. Larger components always stay.
//! Sizes scale with the page's typical letter height, so small print keeps
//! its periods and large type is not searched for specks of its own size.

mod bands;

use super::bits::{BitImage, PAPER};
use super::components::{Comp, Labels};
use super::lines::segments::{self, JOIN_GAP};
use crate::input::Dpi;
use crate::rect::Rect;
use bands::{Bands, Reach};

/// How hard to look for specks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Despeckle {
    /// Keep every component.
    Off,
    /// Dust off the text lines goes; punctuation and marks beside letters
    /// stay.
    ///
    /// Marks stay on a line's band within 0.45 letter heights of a letter
    /// (a letter height sideways on the baseline) or of a dot kept already,
    /// and next to rules and drawings.
    #[default]
    Normal,
    /// Also larger specks, and marks off the text lines even beside rules
    /// and drawings.
    ///
    /// Tighter bands (half a letter height above the line), larger
    /// noise, and marks off the text lines go even beside rules and
    /// drawings.
    Aggressive,
}

/// A component is a mark (judged by position) when its bounding box fits
/// in this fraction of the typical letter height: periods, commas, quotes,
/// i-dots and accents are 0.2 to 0.5 x-heights, letters and hyphens more.
const MARK_SIZE: f32 = 0.5;
/// Larger components are letters (and start text lines) when their height
/// is within these multiples of the typical letter height; the rest (rules,
/// dashes, frames, drawings, very large type) are kept but start no line.
const LETTER_HEIGHT: (f32, f32) = (0.4, 4.0);
/// Component heights counted for the typical letter height, in inches
/// (2-point to 36-point type, roughly).
const TYPICAL_RANGE_IN: (f32, f32) = (0.02, 0.5);
/// Components always go up to this fraction of the typical letter height
/// squared, when that is below the level's own size: an i-dot in 8-point
/// type at 300 dpi, or 12-point at 200 dpi, has 4 to 6 pixels, 0.016 to
/// 0.025 of it.
const TINY_OF_LETTER: f32 = 0.015;
/// A mark whose bottom is within this many letter heights of its line's
/// baseline (a period, a comma, a colon's lower dot), or whose top is as
/// close to the line's top (a quote, an apostrophe), may stand a word space
/// from the letter before it.
const EDGE_MARK: f32 = 0.4;
/// The typical letter height when a page has no letters: the x-height of
/// 10-point type, in inches.
const DEFAULT_HEIGHT_IN: f32 = 0.07;

struct Params {
    /// Components up to this many pixels always go (fewer in small print,
    /// see [`TINY_OF_LETTER`]).
    tiny: u32,
    /// How far around a text line a mark belongs to it.
    reach: Reach,
    /// How close to a letter (or to a mark kept already) a mark on a line
    /// must be, in the line's letter heights: sideways for a mark on the
    /// baseline or hanging from the line's top (a period after a closing
    /// quote is 0.85 from the letter, a quote after a comma 0.6), and in
    /// every direction for the rest (i-dots and accents are within 0.3 of
    /// their letter, a period 9 px after a "g" in 11-point type at 300 dpi
    /// 0.42). Dust in the gaps between lines and words is further.
    near_letter: (f32, f32),
    /// Marks this close to a kept component that is not a letter (a rule, a
    /// drawing, a frame) stay too, in typical letter heights.
    near_other: Option<f32>,
    /// Marks not on a text line stay when at least this many form a row.
    min_row: u32,
}

fn params(level: Despeckle, dpi: Dpi) -> Option<Params> {
    let s = dpi.x.max(dpi.y) / 300.0;
    let area = |a: f32| (a * s * s).round().max(1.0) as u32;
    match level {
        Despeckle::Off => None,
        Despeckle::Normal => Some(Params {
            tiny: area(6.0),
            reach: Reach {
                side: 1.5,
                up: 0.7,
                down: 0.35,
            },
            near_letter: (1.0, 0.45),
            near_other: Some(0.3),
            min_row: 4,
        }),
        Despeckle::Aggressive => Some(Params {
            tiny: area(10.0),
            reach: Reach {
                side: 1.0,
                up: 0.5,
                down: 0.25,
            },
            near_letter: (1.0, 0.45),
            near_other: None,
            min_row: 5,
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Tiny,
    Mark,
    Letter,
    Other,
}

/// The page's typical letter height: the height of the component a random
/// ink pixel belongs to (the median weighted by area), over components in
/// a plausible range. On a text page this is close to the x-height; the
/// weighting keeps dust, however plentiful, from pulling it down to its own
/// size, as each speck has a tenth of a letter's ink.
fn typical_height(comps: &[Comp], tiny: u32, dpi: Dpi) -> f32 {
    let (lo, hi) = (
        (dpi.y * TYPICAL_RANGE_IN.0) as u32,
        (dpi.y * TYPICAL_RANGE_IN.1) as u32,
    );
    let mut heights: Vec<(u32, u32)> = comps
        .iter()
        .filter(|c| c.area > tiny && (lo..=hi).contains(&c.height()))
        .map(|c| (c.height(), c.area))
        .collect();
    heights.sort_unstable();
    let total: u64 = heights.iter().map(|&(_, a)| a as u64).sum();
    let mut seen = 0u64;
    for (h, a) in heights {
        seen += a as u64;
        if 2 * seen >= total {
            return h as f32;
        }
    }
    dpi.y * DEFAULT_HEIGHT_IN
}

/// Remove specks; returns the cleaned image.
pub fn despeckle(bits: &BitImage, dpi: Dpi, level: Despeckle) -> BitImage {
    let Some(p) = params(level, dpi) else {
        return bits.clone();
    };
    if bits.width() == 0 || bits.height() == 0 {
        return bits.clone();
    }
    let labels = Labels::new(bits);
    let comps = &labels.comps;
    let typical = typical_height(comps, p.tiny, dpi);
    let tiny = p.tiny.min((TINY_OF_LETTER * typical * typical) as u32);
    let mark_side = (MARK_SIZE * typical) as u32;
    let letter_h = (LETTER_HEIGHT.0 * typical, LETTER_HEIGHT.1 * typical);
    let class: Vec<Class> = comps
        .iter()
        .map(|c| {
            let h = c.height() as f32;
            if c.area <= tiny {
                Class::Tiny
            } else if c.side() <= mark_side {
                Class::Mark
            } else if (letter_h.0..=letter_h.1).contains(&h) {
                Class::Letter
            } else {
                Class::Other
            }
        })
        .collect();
    let mut keep: Vec<bool> = class
        .iter()
        .map(|&c| c == Class::Letter || c == Class::Other)
        .collect();

    let letters: Vec<Rect> = (0..comps.len())
        .filter(|&i| class[i] == Class::Letter)
        .map(|i| comps[i].rect)
        .collect();
    let (segs, _) = segments::group(&letters, typical, 1.0, f32::INFINITY);
    let mut bands = Bands::new(&segs, p.reach, bits.width(), bits.height(), typical);

    // Marks on a text line, close to its letters, stay. A kept mark
    // stretches its segment, so a row of dots is followed away from the
    // words in either direction.
    let mut marks: Vec<u32> = (0..comps.len() as u32)
        .filter(|&i| class[i as usize] == Class::Mark)
        .collect();
    marks.sort_unstable_by_key(|&i| comps[i as usize].rect.x0);
    loop {
        let mut changed = false;
        for pass in 0..2 {
            for k in 0..marks.len() {
                let i = marks[if pass == 0 { k } else { marks.len() - 1 - k }] as usize;
                if keep[i] {
                    continue;
                }
                let c = comps[i];
                let (x, y) = c.centre();
                let Some(s) = bands.at(x, y) else {
                    continue;
                };
                // On the band, and beside a letter or a mark kept already
                // (the next dot of an ellipsis or a leader).
                let seg = segs[s as usize];
                let within = |v: u32, line: f32| (v as f32 - line).abs() <= EDGE_MARK * seg.xh;
                let (xh, on_edge) = (
                    seg.xh,
                    within(c.rect.y1 - 1, seg.base) || within(c.rect.y0, seg.top as f32),
                );
                let ry = (p.near_letter.1 * xh).round() as u32;
                let rx = if on_edge {
                    (p.near_letter.0 * xh).round() as u32
                } else {
                    ry
                };
                let chain = (p.reach.side * xh).round() as u32;
                if labels.near(c.rect, rx, ry, |k| class[k] == Class::Letter)
                    || labels.near(c.rect, chain, ry, |k| {
                        k != i && class[k] == Class::Mark && keep[k]
                    })
                {
                    keep[i] = true;
                    bands.stretch(s, c.rect.x0 as i32, c.rect.x1 as i32 - 1);
                    changed = true;
                }
            }
        }
        marks.retain(|&i| !keep[i as usize]);
        if !changed {
            break;
        }
    }

    // Dots in a row off the text lines (a fill-in line of periods) stay.
    let boxes: Vec<Rect> = marks.iter().map(|&i| comps[i as usize].rect).collect();
    let join = p.reach.side / JOIN_GAP;
    let (rows, of) = segments::group(&boxes, typical, join, f32::INFINITY);
    for (k, &i) in marks.iter().enumerate() {
        if rows[of[k] as usize].count >= p.min_row {
            keep[i as usize] = true;
        }
    }
    marks.retain(|&i| !keep[i as usize]);

    if let Some(f) = p.near_other {
        let r = (f * typical).round() as u32;
        for &i in &marks {
            if labels.near(comps[i as usize].rect, r, r, |k| class[k] == Class::Other) {
                keep[i as usize] = true;
            }
        }
    }

    let mut out = bits.clone();
    let w = bits.width() as usize;
    let buf: &mut [u8] = out.gray_mut();
    for y in 0..bits.height() as usize {
        for i in labels.row_start[y]..labels.row_start[y + 1] {
            if !keep[labels.comp[i] as usize] {
                let run = labels.runs[i];
                buf[y * w + run.x0 as usize..y * w + run.x1 as usize].fill(PAPER);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::bits::INK;
    use image::{GrayImage, Luma};

    fn draw(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32) {
        for yy in y..y + h {
            for xx in x..x + w {
                img.put_pixel(xx, yy, Luma([INK]));
            }
        }
    }

    #[test]
    fn isolated_specks_go_and_dots_beside_letters_stay() {
        let mut img = GrayImage::from_pixel(300, 200, Luma([PAPER]));
        draw(&mut img, 50, 50, 6, 40); // a letter stem
        draw(&mut img, 51, 42, 4, 4); // its i-dot, 4 px above
        draw(&mut img, 60, 86, 4, 4); // a period after it
        draw(&mut img, 200, 150, 4, 4); // a lone speck of the same size
        draw(&mut img, 150, 20, 1, 1); // dust
        let bits = BitImage::from_gray_threshold(img);
        let out = despeckle(&bits, Dpi::uniform(300.0), Despeckle::Normal);
        assert!(out.is_ink(52, 43), "i-dot removed");
        assert!(out.is_ink(61, 87), "period removed");
        assert!(!out.is_ink(201, 151), "lone speck kept");
        assert!(!out.is_ink(150, 20), "dust kept");
        assert_eq!(out.ink_count(), 6 * 40 + 16 + 16);
    }

    /// 11-point type at 300 dpi: x-height 22 px, letters 18 px wide with
    /// 4 px between them.
    const XH: u32 = 22;
    const ADVANCE: u32 = 22;

    /// An "o": a ring in the x-height band above `baseline`.
    fn o(img: &mut GrayImage, x: u32, baseline: u32) {
        let top = baseline - XH;
        draw(img, x, top, 18, 3);
        draw(img, x, baseline - 3, 18, 3);
        draw(img, x, top, 3, XH);
        draw(img, x + 15, top, 3, XH);
    }

    /// A "g": a bowl, a stem on the right and a hook below the baseline.
    fn g(img: &mut GrayImage, x: u32, baseline: u32) {
        o(img, x, baseline);
        draw(img, x + 15, baseline - XH, 3, XH + 9);
        draw(img, x + 2, baseline + 6, 16, 3);
    }

    /// A word of `n` letters (an "o" and a "g" by turns); returns the
    /// right edge of its last letter.
    fn word(img: &mut GrayImage, x: u32, baseline: u32, n: u32) -> u32 {
        for k in 0..n {
            if k % 2 == 0 {
                o(img, x + k * ADVANCE, baseline);
            } else {
                g(img, x + k * ADVANCE, baseline);
            }
        }
        x + (n - 1) * ADVANCE + 17
    }

    fn run(img: GrayImage, level: Despeckle) -> BitImage {
        despeckle(
            &BitImage::from_gray_threshold(img),
            Dpi::uniform(300.0),
            level,
        )
    }

    const LEVELS: [Despeckle; 2] = [Despeckle::Normal, Despeckle::Aggressive];

    #[test]
    fn a_period_nine_pixels_after_a_g_stays_and_the_same_dot_in_the_margin_goes() {
        for level in LEVELS {
            let mut img = GrayImage::from_pixel(1000, 400, Luma([PAPER]));
            let mut x = 100;
            for n in [3, 5, 4] {
                x = word(&mut img, x, 200, n) + 14;
            }
            // A "g" then a period 9 px to its right, on the baseline.
            g(&mut img, x, 200);
            draw(&mut img, x + 18 + 9, 195, 5, 5);
            // The same dot in the margin, and in the gap above the line.
            draw(&mut img, 900, 195, 5, 5);
            draw(&mut img, 300, 60, 5, 5);
            let out = run(img, level);
            assert!(out.is_ink(x + 29, 197), "{level:?}: period removed");
            assert!(!out.is_ink(902, 197), "{level:?}: margin dot kept");
            assert!(!out.is_ink(302, 62), "{level:?}: dot above the line kept");
        }
    }

    #[test]
    fn dots_accents_commas_and_quotes_on_a_line_stay() {
        for level in LEVELS {
            let mut img = GrayImage::from_pixel(1000, 400, Luma([PAPER]));
            // Opening quote at the line's start, above the x-height.
            draw(&mut img, 92, 168, 3, 10);
            // "mini"-like stems without ascenders, each with a dot above.
            for k in 0..4 {
                draw(&mut img, 100 + k * 12, 178, 4, XH);
                draw(&mut img, 100 + k * 12, 170, 4, 4);
            }
            let end = word(&mut img, 160, 200, 3);
            // A comma after the word, reaching below the baseline.
            draw(&mut img, end + 3, 195, 5, 9);
            let comma = (end + 5, 202);
            // A colon inside the x-height band after the next word.
            let end = word(&mut img, end + 20, 200, 3);
            draw(&mut img, end + 3, 181, 4, 4);
            draw(&mut img, end + 3, 196, 4, 4);
            // A capital 30 px tall with an acute accent above it.
            draw(&mut img, end + 20, 170, 4, 30);
            draw(&mut img, end + 20, 170, 16, 3);
            draw(&mut img, end + 24, 162, 6, 5);
            let out = run(img, level);
            assert!(out.is_ink(93, 170), "{level:?}: quote");
            for k in 0..4 {
                assert!(out.is_ink(101 + k * 12, 171), "{level:?}: i-dot {k}");
            }
            assert!(out.is_ink(comma.0, comma.1), "{level:?}: comma");
            assert!(out.is_ink(end + 4, 182), "{level:?}: colon, upper dot");
            assert!(out.is_ink(end + 4, 197), "{level:?}: colon, lower dot");
            assert!(out.is_ink(end + 26, 164), "{level:?}: accent");
        }
    }

    #[test]
    fn dust_between_lines_and_above_them_goes() {
        for level in LEVELS {
            let mut img = GrayImage::from_pixel(1000, 500, Luma([PAPER]));
            word(&mut img, 100, 150, 20);
            word(&mut img, 100, 350, 20);
            draw(&mut img, 300, 250, 5, 5); // halfway between the lines
            draw(&mut img, 400, 150 - XH - 25, 5, 5); // 1.1 x-heights above
            draw(&mut img, 500, 150 + 20, 5, 5); // under the descenders
            let out = run(img, level);
            assert!(!out.is_ink(302, 252), "{level:?}: between lines");
            assert!(!out.is_ink(402, 150 - XH - 23), "{level:?}: above");
            assert!(!out.is_ink(502, 172), "{level:?}: below");
        }
    }

    #[test]
    fn leaders_and_rows_of_dots_stay_and_pairs_of_dust_go() {
        for level in LEVELS {
            let mut img = GrayImage::from_pixel(1400, 500, Luma([PAPER]));
            // "word ............ 12": dots every 12 px, far past the reach
            // of the words on either side.
            let end = word(&mut img, 100, 150, 4);
            for k in 0..60 {
                draw(&mut img, end + 6 + k * 12, 145, 4, 4);
            }
            word(&mut img, end + 6 + 60 * 12 + 10, 150, 2);
            // A fill-in line of six periods with no letters.
            for k in 0..6 {
                draw(&mut img, 200 + k * 14, 350, 4, 4);
            }
            // Two specks side by side are not a row.
            draw(&mut img, 800, 350, 4, 4);
            draw(&mut img, 812, 350, 4, 4);
            let out = run(img, level);
            for k in 0..60 {
                assert!(
                    out.is_ink(end + 7 + k * 12, 146),
                    "{level:?}: leader dot {k}"
                );
            }
            for k in 0..6 {
                assert!(out.is_ink(201 + k * 14, 351), "{level:?}: row dot {k}");
            }
            assert!(
                !out.is_ink(801, 351) && !out.is_ink(813, 351),
                "{level:?}: pair"
            );
        }
    }

    #[test]
    fn aggressive_reaches_less_far_and_ignores_drawings() {
        let mut img = GrayImage::from_pixel(1200, 500, Luma([PAPER]));
        word(&mut img, 100, 150, 11);
        // 0.4 x-heights above the first letter: inside the normal band,
        // outside the aggressive one.
        draw(&mut img, 106, 150 - XH - 9 - 5, 5, 5);
        // A rule far from the text, with a dot 3 px above it.
        draw(&mut img, 100, 400, 900, 3);
        draw(&mut img, 500, 392, 5, 5);
        let normal = run(img.clone(), Despeckle::Normal);
        let aggressive = run(img, Despeckle::Aggressive);
        assert!(normal.is_ink(108, 150 - XH - 10) && !aggressive.is_ink(108, 150 - XH - 10));
        assert!(normal.is_ink(502, 394) && !aggressive.is_ink(502, 394));
        assert!(normal.is_ink(300, 401) && aggressive.is_ink(300, 401));
    }

    #[test]
    fn a_line_skewed_by_a_degree_keeps_its_periods() {
        for level in LEVELS {
            let mut img = GrayImage::from_pixel(2400, 300, Luma([PAPER]));
            // 90 letters in words of five, the baseline falling 1 px every
            // 57 px (1°); a period after every word.
            let mut x = 50;
            let mut periods = Vec::new();
            for _ in 0..18 {
                for k in 0..5 {
                    let lx = x + k * ADVANCE;
                    o(&mut img, lx, 100 + lx / 57);
                }
                let px = x + 4 * ADVANCE + 20;
                let base = 100 + px / 57;
                draw(&mut img, px, base - 5, 5, 5);
                periods.push((px + 2, base - 3));
                x += 5 * ADVANCE + 20;
            }
            let out = run(img, level);
            for (k, &(px, py)) in periods.iter().enumerate() {
                assert!(out.is_ink(px, py), "{level:?}: period {k}");
            }
        }
    }

    #[test]
    fn empty_and_blank_pages_pass_through() {
        let empty = BitImage::from_gray_threshold(GrayImage::new(0, 0));
        assert_eq!(
            despeckle(&empty, Dpi::uniform(300.0), Despeckle::Normal),
            empty
        );
        let blank = BitImage::from_gray_threshold(GrayImage::from_pixel(50, 40, Luma([PAPER])));
        assert_eq!(
            despeckle(&blank, Dpi::uniform(300.0), Despeckle::Aggressive),
            blank
        );
    }

    #[test]
    fn off_changes_nothing() {
        let mut img = GrayImage::from_pixel(20, 20, Luma([PAPER]));
        draw(&mut img, 5, 5, 1, 1);
        let bits = BitImage::from_gray_threshold(img);
        assert_eq!(despeckle(&bits, Dpi::uniform(300.0), Despeckle::Off), bits);
    }
}

/// Run labelling and the searches over runs against a pixel flood fill
/// and pixel scans.
#[cfg(test)]
mod against_naive {
    use super::*;
    use crate::clean::testing;
    use crate::rect::Rect;
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The area-weighted median height is the median of the heights of
        /// every counted pixel, listed one by one.
        #[test]
        fn typical_height_is_the_median_over_pixels(
            comps in vec((1u32..=60, 0u32..=60, 0u32..=60), 0..30),
            tiny in 0u32..=20,
            dpi in 20f32..=600.0,
        ) {
            let comps: Vec<Comp> = comps
                .iter()
                .map(|&(area, y0, dh)| Comp {
                    area,
                    rect: Rect { x0: 0, y0, x1: 1, y1: y0 + dh + 1 },
                })
                .collect();
            let dpi = Dpi::uniform(dpi);
            let (lo, hi) = ((dpi.y * TYPICAL_RANGE_IN.0) as u32, (dpi.y * TYPICAL_RANGE_IN.1) as u32);
            let mut pixels: Vec<u32> = comps
                .iter()
                .filter(|c| c.area > tiny && (lo..=hi).contains(&c.height()))
                .flat_map(|c| std::iter::repeat_n(c.height(), c.area as usize))
                .collect();
            pixels.sort_unstable();
            let want = match pixels.len() {
                0 => dpi.y * DEFAULT_HEIGHT_IN,
                n => pixels[n.div_ceil(2) - 1] as f32,
            };
            prop_assert_eq!(typical_height(&comps, tiny, dpi), want);
        }

        /// Whatever the page and level, despeckling removes whole
        /// components and adds no ink.
        #[test]
        fn despeckle_removes_whole_components(
            bits in testing::bits(),
            dpi in 20f32..=600.0,
            level in prop_oneof![Just(Despeckle::Normal), Just(Despeckle::Aggressive)],
        ) {
            let out = despeckle(&bits, Dpi::uniform(dpi), level);
            let (comps, label) = testing::components(&bits);
            let w = bits.width() as usize;
            let mut kept = vec![None; comps.len()];
            for (i, l) in label.iter().enumerate() {
                let (x, y) = ((i % w) as u32, (i / w) as u32);
                match *l {
                    None => prop_assert!(!out.is_ink(x, y), "ink added at {},{}", x, y),
                    Some(c) => {
                        let k = out.is_ink(x, y);
                        prop_assert!(kept[c].is_none_or(|was| was == k), "component {} split", c);
                        kept[c] = Some(k);
                    }
                }
            }
        }
    }
}
