//! The scan as cleanup holds it, and the colour pages made from it.
//!
//! A colour scan is three bytes a pixel: held beside the grey page, its
//! bilevel image and the buffers of the grey stages it would be the
//! largest part of a page's memory. So when the caller can decode the
//! page again (decoding is deterministic, and inputs are never changed),
//! the scan is given up as soon as its grey page is made, and decoded anew
//! where its colour is needed: the white-balanced colour page for light
//! ink and colour layers ([`Scan::colour`]) and the page balanced as a
//! whole for pictures ([`Scan::balanced`]). Both are made over the decoded
//! scan itself ([`background::normalize_rgb_in_place`],
//! [`deskew::rotate_rgb_in_place`]), so no second colour page is held
//! while they are made.

use super::{background, deskew};
use crate::input::{PageImage, Pixels};
use image::{GrayImage, RgbImage};
use std::borrow::Cow;

/// A colour scan up to this size is kept while cleanup runs: within the
/// fixed part of the memory budget (an A4 or Letter page at 300 dpi is
/// 26 MB), where decoding it once or twice more would cost a tenth of the
/// cleanup's time (issue 28). Larger scans are given up and decoded again.
pub const KEEP_BYTES: usize = 32 << 20;

/// Decodes the page again: the same pixels as the page cleanup was given.
pub type Again<'a, E> = &'a dyn Fn() -> Result<PageImage, E>;

/// The scan, while cleanup holds it, and how to decode it again.
pub(crate) struct Scan<'a, E> {
    pub page: Cow<'a, PageImage>,
    again: Option<Again<'a, E>>,
    /// Decided once, as the scan is given: its pixels are taken later.
    decodes_again: bool,
}

impl<'a, E> Scan<'a, E> {
    /// The scan `page`, which `again` decodes anew when given; a colour
    /// scan of up to `keep` bytes ([`KEEP_BYTES`]; tests give their small
    /// pages up, to prove both ways give the same page) is kept.
    pub fn keeping(page: Cow<'a, PageImage>, again: Option<Again<'a, E>>, keep: usize) -> Self {
        let decodes_again = again.is_some()
            && matches!(
                &page,
                Cow::Owned(PageImage {
                    pixels: Pixels::Rgb(c),
                    ..
                }) if c.as_raw().len() > keep
            );
        Scan {
            page,
            again,
            decodes_again,
        }
    }

    /// Whether this is a colour scan that is given up and decoded again:
    /// an owned one with a way to decode it, larger than [`KEEP_BYTES`]
    /// when it was given (the size is not asked again: once given up, its
    /// pixels are an empty image).
    pub fn decodes_again(&self) -> bool {
        self.decodes_again
    }

    /// The luma of a colour scan ([`crate::input::luma`]); `None` for a
    /// grey one. A scan that decodes again is given up for it: its
    /// pixels become an empty image until they are decoded again, and
    /// the luma is made over their buffer.
    pub fn luma(&mut self) -> Option<GrayImage> {
        if !self.decodes_again() {
            return match &self.page.pixels {
                Pixels::Rgb(c) => Some(crate::input::luma(c)),
                Pixels::Gray(_) => None,
            };
        }
        let Cow::Owned(PageImage {
            pixels: Pixels::Rgb(c),
            ..
        }) = &mut self.page
        else {
            unreachable!("decodes_again holds an owned colour scan")
        };
        let (w, h) = c.dimensions();
        let mut px = std::mem::take(c).into_raw();
        // Pixel i's samples start at 3i, at or after i: each is read
        // before anything is written over it.
        for i in 0..(w * h) as usize {
            px[i] = crate::input::luma_of(&px[3 * i..3 * i + 3]);
        }
        px.truncate((w * h) as usize);
        px.shrink_to_fit();
        Some(GrayImage::from_raw(w, h, px).expect("one sample a pixel"))
    }

    /// The darkest channel of the page [`Scan::balanced`] gives (the grey
    /// itself for a grey scan): the tone in which only paper is white,
    /// that pictures are fitted to. Made over the balanced page itself,
    /// which is used up.
    pub fn tone(&mut self, cleaned: &GrayImage, skew_deg: f32) -> Result<GrayImage, E> {
        Ok(match self.balanced(cleaned, skew_deg, true)? {
            Pixels::Gray(g) => g,
            Pixels::Rgb(c) => {
                let (w, h) = c.dimensions();
                let mut px = c.into_raw();
                // Pixel i's three samples start at 3i, at or after i: each
                // is read before anything is written over it.
                for i in 0..(w * h) as usize {
                    px[i] = px[3 * i].min(px[3 * i + 1]).min(px[3 * i + 2]);
                }
                px.truncate((w * h) as usize);
                px.shrink_to_fit();
                GrayImage::from_raw(w, h, px).expect("one sample a pixel")
            }
        })
    }

    /// The colour scan's pixels, for the caller to use up: taken from the
    /// page when it can be decoded again or `last` says nothing reads it
    /// later (decoded again if read after that), copied otherwise. A kept
    /// scan is taken too: a colour page is made over it in place rather
    /// than beside it, and the scan is decoded again only if pictures or
    /// a page stored whole read it later (most colour pages have neither).
    fn take_rgb(&mut self, last: bool) -> Result<Option<RgbImage>, E> {
        let again = self.again;
        match &mut self.page {
            Cow::Owned(PageImage {
                pixels: Pixels::Rgb(c),
                ..
            }) if again.is_some() || last => {
                if !c.is_empty() {
                    return Ok(Some(std::mem::take(c)));
                }
                let Some(again) = again else {
                    return Ok(Some(std::mem::take(c)));
                };
                match again()?.pixels {
                    Pixels::Rgb(c) => Ok(Some(c)),
                    Pixels::Gray(_) => unreachable!("a colour page decoded again as grey"),
                }
            }
            page => Ok(match &page.pixels {
                Pixels::Rgb(c) => Some(c.clone()),
                Pixels::Gray(_) => None,
            }),
        }
    }

    /// The colour page, white-balanced locally (unless `whiten` is off)
    /// and deskewed like the grey one: what light ink and colour layers are
    /// found on. `None` for a grey scan.
    pub fn colour(
        &mut self,
        whiten: bool,
        skew_deg: f32,
        dpi: crate::input::Dpi,
    ) -> Result<Option<RgbImage>, E> {
        let Some(mut c) = self.take_rgb(false)? else {
            return Ok(None);
        };
        if whiten {
            background::normalize_rgb_in_place(&mut c, dpi);
        }
        if skew_deg != 0.0 {
            deskew::rotate_rgb_in_place(&mut c, skew_deg);
        }
        Ok(Some(c))
    }

    /// The page as scanned, white-balanced as a whole
    /// ([`background::balance_rgb`], [`background::balance`]) and
    /// deskewed: what pictures are stored from, so their light parts keep
    /// their tone. `cleaned`, the whitened grey page, stands in for a grey
    /// scan that was freed (a page without pictures of its own, see
    /// `clean_positive`). `last`: nothing reads the scan after this, so an
    /// owned one is balanced in place and taken (callers keep the result).
    pub fn balanced(
        &mut self,
        cleaned: &GrayImage,
        skew_deg: f32,
        last: bool,
    ) -> Result<Pixels, E> {
        let turn = skew_deg != 0.0;
        if let Some(mut c) = self.take_rgb(last)? {
            background::balance_rgb_in_place(&mut c);
            if turn {
                deskew::rotate_rgb_in_place(&mut c, skew_deg);
            }
            return Ok(Pixels::Rgb(c));
        }
        let g = match &mut self.page {
            Cow::Owned(PageImage {
                pixels: Pixels::Gray(g),
                ..
            }) if g.is_empty() => return Ok(Pixels::Gray(cleaned.clone())),
            Cow::Owned(PageImage {
                pixels: Pixels::Gray(g),
                ..
            }) => std::mem::take(g),
            page => match &page.pixels {
                Pixels::Gray(g) => g.clone(),
                Pixels::Rgb(_) => unreachable!("colour pages are taken above"),
            },
        };
        let mut b = g;
        background::balance_in_place(&mut b);
        if turn {
            deskew::rotate_in_place(&mut b, skew_deg);
        }
        Ok(Pixels::Gray(b))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CleanOptions, CleanPage, Mode, Picture, clean, clean_decoding_again};
    use crate::input::{Dpi, PageImage, Pixels};
    use image::{Rgb, RgbImage};
    use std::borrow::Cow;
    use std::cell::Cell;

    /// A 300-dpi colour page with what every colour path reads: black
    /// text-like strokes, yellow strokes (light ink), a red stroke and a
    /// tinted box (colour layers), a photo-like area of colour noise
    /// (a picture), all turned by a skew cleanup straightens.
    fn page() -> PageImage {
        let (w, h) = (900u32, 700u32);
        let c = RgbImage::from_fn(w, h, |x, y| {
            // Skewed by about 1°: one row down every 57 columns.
            let ys = y + x / 57;
            let text = (ys % 40) < 12 && (ys / 40) % 2 == 0 && (x % 9) < 3 && x > 60 && x < 840;
            let yellow = (400..420).contains(&ys) && (x % 10) < 3 && (100..400).contains(&x);
            let red = (460..466).contains(&ys) && (100..500).contains(&x);
            let tint = (520..600).contains(&ys) && (100..400).contains(&x);
            let photo = (420..680).contains(&y) && (600..860).contains(&x);
            let n = ((x * 7919 + y * 104_729) % 251) as u8;
            Rgb(if photo {
                [n, 255 - n, (n / 2).wrapping_mul(3)]
            } else if text {
                [20, 20, 25]
            } else if yellow {
                [250, 225, 10]
            } else if red {
                [200, 30, 30]
            } else if tint {
                [215, 230, 250]
            } else {
                [248, 242, 226]
            })
        });
        PageImage {
            pixels: Pixels::Rgb(c),
            dpi: Dpi::uniform(300.0),
        }
    }

    fn same(a: &CleanPage, b: &CleanPage) {
        assert_eq!(a.gray, b.gray);
        assert_eq!(a.bits, b.bits);
        assert_eq!(a.layers, b.layers);
        assert_eq!(a.skew_deg, b.skew_deg);
        assert_eq!(a.kind(), b.kind());
        let tone = |p: &Picture| match p {
            Picture::None => Vec::new(),
            Picture::Page(px) => vec![(
                crate::rect::Rect {
                    x0: 0,
                    y0: 0,
                    x1: 0,
                    y1: 0,
                },
                px.clone(),
            )],
            Picture::Regions(r) => r.clone(),
        };
        let (ta, tb) = (tone(&a.picture), tone(&b.picture));
        assert_eq!(ta.len(), tb.len());
        for ((ra, pa), (rb, pb)) in ta.iter().zip(&tb) {
            assert_eq!(ra, rb);
            match (pa, pb) {
                (Pixels::Rgb(x), Pixels::Rgb(y)) => assert_eq!(x, y),
                (Pixels::Gray(x), Pixels::Gray(y)) => assert_eq!(x, y),
                _ => panic!("picture in grey on one side, colour on the other"),
            }
        }
    }

    /// A colour scan that decodes again is given up and decoded anew where
    /// its colour is needed, and cleanup gives the page it gives when the
    /// scan is held throughout, in every mode. One within the size kept is
    /// never decoded again.
    #[test]
    fn a_scan_decoded_again_cleans_to_the_same_page() {
        let scan = page();
        for mode in [Mode::Auto, Mode::Text, Mode::Bw, Mode::Gray, Mode::Color] {
            let opts = CleanOptions {
                mode,
                ..CleanOptions::default()
            };
            let decoded = Cell::new(0);
            let again = || {
                decoded.set(decoded.get() + 1);
                Ok::<_, ()>(page())
            };
            let held = clean(&scan, &opts);
            let kept = clean_decoding_again(page(), &opts, &again).expect("decodes");
            same(&held, &kept);
            let kept_decodes = decoded.replace(0);
            let given_up = super::super::clean_scan(Cow::Owned(page()), &opts, Some(&again), 0)
                .expect("decodes");
            same(&held, &given_up);
            // Colour is read again for light ink, layers and pictures (in
            // the modes that keep them), never more than a few times.
            let want_some = mode != Mode::Gray;
            assert_eq!(decoded.get() > 0, want_some, "{mode:?}: {}", decoded.get());
            assert!(
                decoded.get() <= 4,
                "{mode:?}: decoded {} times",
                decoded.get()
            );
            // A kept scan is read again only after a colour page was
            // made over it, so less often than one given up.
            assert!(
                kept_decodes < decoded.get() || kept_decodes == 0,
                "{mode:?}: kept {kept_decodes}, given up {}",
                decoded.get()
            );
        }
    }

    /// An error decoding the page again is the caller's.
    #[test]
    fn an_error_decoding_again_is_returned() {
        let again = || Err::<PageImage, _>("gone");
        let r = super::super::clean_scan(
            Cow::Owned(page()),
            &CleanOptions::default(),
            Some(&again),
            0,
        );
        assert_eq!(r.err(), Some("gone"));
    }
}
