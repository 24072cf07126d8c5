//! Pages printed light on dark (white text on a black page, a negative
//! scan): cleaned as their negative, stored as they look.
//!
//! Every later stage expects dark ink on light paper: background
//! normalisation takes the lightest level for paper, the threshold takes
//! the darker class for ink, Tesseract reads dark text. On a light-on-dark
//! page all of them read the holes in the letters, and OCR (and its
//! orientation check) reads junk. So a page whose pixels are mostly one
//! solid dark level is inverted before cleanup, and the stored parts (the
//! bilevel image and any picture) are inverted back after it: the PDF shows
//! the page as it was, and OCR reads the cleaned negative, dark on light.
//!
//! "Mostly one solid dark level" keeps photographs out: a dark photo has
//! dark pixels of many levels, a printed background is one ink.

use super::bits::{INK, PAPER};
use super::{CleanPage, Picture};
use crate::input::{PageImage, Pixels};
use image::{GrayImage, RgbImage};

/// Share of the page darker than mid-grey for a light-on-dark page.
const DARK_SHARE: f32 = 0.7;
/// Share of those dark pixels within [`SOLID_SPREAD`] levels of their
/// median: one printed background, not the shades of a photo.
const SOLID_SHARE: f32 = 0.8;
/// Spread of a solid background's levels (paper grain, noise, JPEG).
const SOLID_SPREAD: i32 = 25;

/// Whether `pixels` show a light-on-dark page; looks at every fourth pixel
/// of every fourth row.
pub(crate) fn is_negative(pixels: &Pixels) -> bool {
    let mut dark: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    let mut look = |v: u8| {
        seen += 1;
        if v < 128 {
            dark.push(v);
        }
    };
    match pixels {
        Pixels::Gray(g) => {
            for y in (0..g.height()).step_by(4) {
                for x in (0..g.width()).step_by(4) {
                    look(g.get_pixel(x, y).0[0]);
                }
            }
        }
        Pixels::Rgb(c) => {
            for y in (0..c.height()).step_by(4) {
                for x in (0..c.width()).step_by(4) {
                    let [r, g, b] = c.get_pixel(x, y).0.map(u32::from);
                    look(((299 * r + 587 * g + 114 * b) / 1000) as u8);
                }
            }
        }
    }
    if seen == 0 || (dark.len() as f32) < DARK_SHARE * seen as f32 {
        return false;
    }
    let mid = dark.len() / 2;
    let median = i32::from(*dark.select_nth_unstable(mid).1);
    let solid = dark
        .iter()
        .filter(|&&v| (i32::from(v) - median).abs() <= SOLID_SPREAD)
        .count();
    solid as f32 >= SOLID_SHARE * dark.len() as f32
}

/// The negative of `page`.
pub(crate) fn negative(page: &PageImage) -> PageImage {
    PageImage {
        pixels: invert_pixels(&page.pixels),
        dpi: page.dpi,
    }
}

fn invert_pixels(p: &Pixels) -> Pixels {
    match p {
        Pixels::Gray(g) => {
            let mut g: GrayImage = g.clone();
            g.iter_mut().for_each(|v| *v = 255 - *v);
            Pixels::Gray(g)
        }
        Pixels::Rgb(c) => {
            let mut c: RgbImage = c.clone();
            c.iter_mut().for_each(|v| *v = 255 - *v);
            Pixels::Rgb(c)
        }
    }
}

/// Turn the stored parts of a page cleaned as its negative back to how the
/// page looks: the bilevel image and the pictures inverted, colour layers
/// dropped (their mask would be the inverted image; the page is stored as
/// bilevel and pictures). `gray`, what OCR reads, stays the negative.
pub(crate) fn restore(page: &mut CleanPage) {
    page.bits
        .gray_mut()
        .iter_mut()
        .for_each(|v| *v = if *v == INK { PAPER } else { INK });
    page.picture = match std::mem::replace(&mut page.picture, Picture::None) {
        Picture::None => Picture::None,
        Picture::Page(p) => Picture::Page(invert_pixels(&p)),
        Picture::Regions(r) => {
            // Regions are blank (paper) in the cleaned bilevel image, so
            // ink in the restored one: blank them again.
            for (rect, _) in &r {
                let g = page.bits.gray_mut();
                for y in rect.y0..rect.y1 {
                    for x in rect.x0..rect.x1 {
                        g.put_pixel(x, y, image::Luma([PAPER]));
                    }
                }
            }
            Picture::Regions(
                r.into_iter()
                    .map(|(rect, p)| (rect, invert_pixels(&p)))
                    .collect(),
            )
        }
    };
    page.layers = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn a_black_page_with_white_marks_is_negative() {
        let g = GrayImage::from_fn(400, 400, |x, y| {
            Luma([if (x / 10 + y / 25) % 5 == 0 { 240 } else { 20 }])
        });
        assert!(is_negative(&Pixels::Gray(g)));
    }

    #[test]
    fn text_pages_and_dark_photos_are_not() {
        let text = GrayImage::from_fn(400, 400, |x, _| Luma([if x % 9 == 0 { 10 } else { 250 }]));
        assert!(!is_negative(&Pixels::Gray(text)));
        // A dark photograph: many levels under mid-grey.
        let photo = GrayImage::from_fn(400, 400, |x, y| Luma([((x * 7 + y * 3) % 120) as u8]));
        assert!(!is_negative(&Pixels::Gray(photo)));
    }
}
