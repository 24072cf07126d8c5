//! The image OCR reads, and how it is made from a cleaned page.
//!
//! OCR reads the cleaned *grey* page (deskewed, upright, paper made white),
//! not the stored bilevel image: Tesseract's LSTM recogniser was trained on
//! grey text lines and reads stroke edges that a threshold throws away, and
//! a wrong storage decision (a picture region over text, a faint stroke
//! lost by binarisation) then costs bytes, never words. Small text is
//! enlarged first: the LSTM models read best at an x-height of roughly
//! 20–30 px (Tesseract's "ImproveQuality" notes ask for about 300 dpi at
//! 10 pt); below that, characters blur into each other.

use super::{Block, Line, OcrPage, Paragraph, Rect, Word};
use crate::input::Dpi;
use image::GrayImage;
use std::borrow::Cow;

/// What an [`Engine`](super::Engine) receives: a grey page and the scale it
/// was enlarged by, so boxes can be mapped back to the stored image.
#[derive(Debug, Clone)]
pub struct OcrImage<'a> {
    /// The grey page to read (borrowed when not enlarged).
    pub gray: Cow<'a, GrayImage>,
    /// Resolution of `gray` (the page's resolution times `scale`).
    pub dpi: Dpi,
    /// How much `gray` is enlarged relative to the stored page (1 = same
    /// pixels). Boxes the engine returns are divided by it.
    pub scale: f32,
}

/// Below this resolution a page is enlarged for OCR whatever its letters
/// measure: scanner presets of 150–200 dpi give body text an x-height of
/// 8–14 px.
pub const MIN_DPI: f32 = 250.0;
/// Letters (median height of letter-sized marks, about the x-height) below
/// this many pixels are enlarged until they reach [`TARGET_LETTER_PX`].
pub const MIN_LETTER_PX: f32 = 16.0;
/// The letter height enlargement aims at.
pub const TARGET_LETTER_PX: f32 = 24.0;
/// Largest enlargement: beyond it the scan holds no more detail to recover.
pub const MAX_SCALE: f32 = 3.0;
/// Largest enlarged image in pixels (bounds time and memory per page).
pub const MAX_PIXELS: u64 = 80_000_000;
/// Longest side Tesseract reads: it keeps coordinates in 16-bit integers
/// and refuses a larger image outright ("could not recognise the page").
/// A page longer than this is an input error saying so; enlargement stops
/// short of it.
pub const MAX_SIDE: u32 = i16::MAX as u32;

impl<'a> OcrImage<'a> {
    /// The image as it is, unscaled.
    pub fn new(gray: &'a GrayImage, dpi: Dpi) -> Self {
        OcrImage {
            gray: Cow::Borrowed(gray),
            dpi,
            scale: 1.0,
        }
    }

    /// The page prepared for OCR: enlarged when its resolution or its
    /// letters are small (`letter_px`: median letter height in pixels, when
    /// the page has text lines).
    pub fn for_page(gray: &'a GrayImage, dpi: Dpi, letter_px: Option<f32>) -> Self {
        let scale = enlargement(gray.dimensions(), dpi, letter_px);
        if scale <= 1.0 {
            return OcrImage::new(gray, dpi);
        }
        let (w, h) = gray.dimensions();
        let (nw, nh) = (
            (w as f32 * scale).round() as u32,
            (h as f32 * scale).round() as u32,
        );
        // Catmull-Rom keeps stroke edges sharp without the ringing of
        // Lanczos on near-bilevel text.
        let big = image::imageops::resize(gray, nw, nh, image::imageops::FilterType::CatmullRom);
        OcrImage {
            gray: Cow::Owned(big),
            dpi: Dpi {
                x: dpi.x * scale,
                y: dpi.y * scale,
            },
            scale,
        }
    }

    /// `page`'s boxes and baselines mapped from this image's pixels back to
    /// the stored page's.
    pub fn to_page_coords(&self, page: OcrPage) -> OcrPage {
        if self.scale == 1.0 {
            return page;
        }
        let s = self.scale;
        let (w, h) = (
            (self.gray.width() as f32 / s).round() as u32,
            (self.gray.height() as f32 / s).round() as u32,
        );
        let r = |r: Rect| Rect {
            x0: ((r.x0 as f32 / s).floor() as u32).min(w),
            y0: ((r.y0 as f32 / s).floor() as u32).min(h),
            x1: ((r.x1 as f32 / s).ceil() as u32).min(w),
            y1: ((r.y1 as f32 / s).ceil() as u32).min(h),
        };
        let p = |(x, y): (f32, f32)| (x / s, y / s);
        OcrPage {
            lines: page
                .lines
                .into_iter()
                .map(|l| Line {
                    bbox: r(l.bbox),
                    baseline: (p(l.baseline.0), p(l.baseline.1)),
                    words: l
                        .words
                        .into_iter()
                        .map(|w| Word {
                            bbox: r(w.bbox),
                            ..w
                        })
                        .collect(),
                    paragraph: l.paragraph,
                })
                .collect(),
            paragraphs: page
                .paragraphs
                .into_iter()
                .map(|q| Paragraph {
                    bbox: r(q.bbox),
                    ..q
                })
                .collect(),
            blocks: page
                .blocks
                .into_iter()
                .map(|b| Block {
                    bbox: r(b.bbox),
                    ..b
                })
                .collect(),
        }
    }
}

/// How much to enlarge a page of `dims` pixels at `dpi` for OCR (1 = not).
pub fn enlargement(dims: (u32, u32), dpi: Dpi, letter_px: Option<f32>) -> f32 {
    let res = dpi.x.min(dpi.y);
    let mut scale: f32 = 1.0;
    if res > 0.0 && res < MIN_DPI {
        scale = scale.max(300.0 / res);
    }
    if let Some(px) = letter_px.filter(|&p| p > 0.0 && p < MIN_LETTER_PX) {
        scale = scale.max(TARGET_LETTER_PX / px);
    }
    let pixels = dims.0 as f64 * dims.1 as f64;
    let fit = (MAX_PIXELS as f64 / pixels.max(1.0)).sqrt() as f32;
    let side = MAX_SIDE as f32 / dims.0.max(dims.1).max(1) as f32;
    let scale = scale.min(MAX_SCALE).min(fit).min(side);
    // Small enlargements are not worth a resampling.
    if scale < 1.15 { 1.0 } else { scale }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enlarges_low_resolution_and_small_letters_only() {
        let a4 = |dpi: f32| ((8.27 * dpi) as u32, (11.69 * dpi) as u32);
        let d = Dpi::uniform;
        assert_eq!(enlargement(a4(300.0), d(300.0), Some(21.0)), 1.0);
        assert_eq!(enlargement(a4(300.0), d(300.0), None), 1.0);
        assert_eq!(enlargement(a4(150.0), d(150.0), Some(10.0)), 2.4);
        // A long strip is enlarged only up to Tesseract's longest side.
        let s = enlargement((20_000, 200), d(100.0), None);
        assert!(s > 1.15 && (20_000.0 * s).round() as u32 <= MAX_SIDE, "{s}");
        assert_eq!(enlargement(a4(200.0), d(200.0), None), 1.5);
        // 6-pt print at 300 dpi: letters of about 12 px.
        assert_eq!(enlargement(a4(300.0), d(300.0), Some(12.0)), 2.0);
        // Never past the cap, nor past the pixel budget.
        assert_eq!(enlargement(a4(72.0), d(72.0), Some(3.0)), MAX_SCALE);
        let huge = enlargement((20_000, 20_000), d(100.0), None);
        assert_eq!(huge, 1.0);
    }

    #[test]
    fn boxes_map_back_to_page_pixels() {
        let g = GrayImage::from_pixel(100, 50, image::Luma([255]));
        let img = OcrImage::for_page(&g, Dpi::uniform(150.0), None);
        assert_eq!(img.scale, 2.0);
        assert_eq!(img.gray.dimensions(), (200, 100));
        let word = Word {
            text: "x".into(),
            bbox: Rect {
                x0: 21,
                y0: 10,
                x1: 61,
                y1: 31,
            },
            confidence: 90.0,
        };
        let page = OcrPage {
            lines: vec![Line {
                bbox: word.bbox,
                baseline: ((20.0, 30.0), (60.0, 30.0)),
                words: vec![word],
                paragraph: None,
            }],
            ..OcrPage::default()
        };
        let back = img.to_page_coords(page);
        let w = &back.lines[0].words[0];
        assert_eq!(
            w.bbox,
            Rect {
                x0: 10,
                y0: 5,
                x1: 31,
                y1: 16
            }
        );
        assert_eq!(back.lines[0].baseline, ((10.0, 15.0), (30.0, 15.0)));
    }
}
