//! Page cleanup: paper to white, skew removed, ink to black, specks and
//! scanner borders removed, pictures found and kept in tone.
//!
//! Each stage is a pure function over buffers in its own module; [`clean`]
//! runs them in order. The result holds the exact bilevel image embedded in
//! the PDF, any continuous-tone parts, and the cleaned grey page that OCR
//! reads (so what is stored never decides what is read).

// The stages are crate-private: benches and tests reach them through
// `ocrpdf::internals`, which is not part of the API.
pub(crate) mod background;
pub(crate) mod binarize;
pub(crate) mod bits;
pub(crate) mod border;
pub(crate) mod boxmean;
pub(crate) mod check;
pub(crate) mod colour;
pub(crate) mod components;
pub(crate) mod content;
pub(crate) mod deconvolve;
pub(crate) mod deskew;
pub(crate) mod despeckle;
pub(crate) mod flatten;
pub(crate) mod grounds;
pub(crate) mod invert;
pub(crate) mod light_ink;
pub(crate) mod lines;
pub(crate) mod mask;
pub(crate) mod minmax;
pub(crate) mod packed;
pub(crate) mod resolution;
pub(crate) mod scan;
#[cfg(test)]
pub(crate) mod testing;

pub use crate::rect::Rect;
pub use binarize::Method as Binarize;
pub use bits::BitImage;
pub use colour::Layers;
pub use despeckle::Despeckle;
pub use lines::InkStats;

use crate::input::{Dpi, PageImage, Pixels};
use image::GrayImage;
use mask::Mask;
use packed::HeldGray;
use scan::Scan;
use std::borrow::Cow;
use std::convert::Infallible;

/// How a page is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Mode {
    /// Bilevel text, with pictures kept in grey or colour where found and,
    /// on pages whose ink or paper carries colour, colour layers under and
    /// through the text (mixed raster content, `colour`).
    #[default]
    Auto,
    /// Bilevel text in black, with pictures kept in grey or colour where
    /// found (`auto` without the colour layers).
    Text,
    /// Bilevel only.
    Bw,
    /// The whole page in grey.
    Gray,
    /// The whole page in colour (grey when the scan is grey).
    Color,
}

/// Which cleanup stages run and how. The defaults are what `ocrpdf` does
/// without flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CleanOptions {
    /// Normalise the paper to white (default `true`; off for scans that are
    /// already clean).
    pub whiten_background: bool,
    /// Thresholding method (default [`Binarize::Intermeans`]).
    pub binarize: Binarize,
    /// How hard to remove specks (default [`Despeckle::Normal`]).
    pub despeckle: Despeckle,
    /// Straighten skewed pages (default `true`).
    pub deskew: bool,
    /// Whiten dark scanner borders at the page edges (default `true`).
    pub remove_borders: bool,
    /// How the page is stored (default [`Mode::Auto`]).
    pub mode: Mode,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions {
            whiten_background: true,
            binarize: Binarize::default(),
            despeckle: Despeckle::default(),
            deskew: true,
            remove_borders: true,
            mode: Mode::default(),
        }
    }
}

/// The continuous-tone part of a cleaned page.
#[derive(Debug, Clone)]
pub enum Picture {
    /// Nothing: the page is the bilevel image alone.
    None,
    /// The whole page in tone; the bilevel image serves OCR only.
    Page(Pixels),
    /// Regions drawn in tone over the bilevel image (blank under them).
    Regions(Vec<(Rect, Pixels)>),
}

impl Picture {
    /// The picture regions' rectangles (none for a page stored whole).
    fn rects(&self) -> Vec<Rect> {
        match self {
            Picture::Regions(r) => r.iter().map(|(r, _)| *r).collect(),
            _ => Vec::new(),
        }
    }
}

/// A cleaned page, ready for OCR and the PDF.
#[derive(Debug, Clone)]
pub struct CleanPage {
    /// The deskewed, background-normalised grey page (luma for colour
    /// scans), pixel for pixel aligned with `bits`: what OCR reads.
    pub gray: GrayImage,
    /// The bilevel image stored in the PDF (blank under picture regions).
    pub bits: BitImage,
    /// Regions kept as a picture (JPEG) instead of bilevel ink.
    pub picture: Picture,
    /// Resolution of `gray` and `bits`, for the PDF page size and OCR.
    pub dpi: Dpi,
    /// Skew that was detected and removed, in degrees (0 when none).
    pub skew_deg: f32,
    /// How much of the stored bilevel ink looks like lines of text.
    pub ink: lines::InkStats,
    /// Colour foreground and background for `bits` as their mask, on a
    /// page whose ink or paper carries colour (`Mode::Auto` only).
    pub layers: Option<colour::Layers>,
    /// What cleanup stored differently from what the mode asks, and why
    /// (e.g. `stored_in_colour`: colour layers would have changed the page).
    pub warnings: Vec<crate::input::Warning>,
}

impl CleanPage {
    /// Free the pixels of the page's tones (its picture regions, or the
    /// page stored whole in colour: three bytes a pixel) once they are
    /// encoded, so they are not held while OCR reads the page. The page
    /// keeps its shape: each picture becomes an empty image of its own
    /// kind at its own rectangle, so [`kind`](Self::kind) and the regions
    /// OCR weighs its words by are unchanged. Layers, a few bytes per
    /// cell, are kept.
    pub fn let_go_of_tones(&mut self) {
        fn empty(p: &mut Pixels) {
            *p = match p {
                Pixels::Gray(_) => Pixels::Gray(GrayImage::new(0, 0)),
                Pixels::Rgb(_) => Pixels::Rgb(image::RgbImage::new(0, 0)),
            };
        }
        match &mut self.picture {
            Picture::None => {}
            Picture::Page(p) => empty(p),
            Picture::Regions(regions) => regions.iter_mut().for_each(|(_, p)| empty(p)),
        }
    }

    /// How the page is stored, as reports name it: `bilevel` (text only),
    /// `gray` or `color` (the whole page in tone), `mixed` (bilevel text
    /// with pictures in tone) or `colour-layers` (bilevel text over colour
    /// layers, pictures in tone if any).
    pub fn kind(&self) -> &'static str {
        match (&self.picture, &self.layers) {
            (Picture::Page(Pixels::Gray(_)), _) => "gray",
            (Picture::Page(_), _) => "color",
            (_, Some(_)) => "colour-layers",
            (Picture::Regions(_), None) => "mixed",
            (Picture::None, None) => "bilevel",
        }
    }
}

/// Run the cleanup stages on one decoded page. A light-on-dark page is
/// cleaned as its negative and stored as it looks ([`invert`]).
pub fn clean(page: &PageImage, opts: &CleanOptions) -> CleanPage {
    no_error(clean_scan(
        Cow::Borrowed(page),
        opts,
        None,
        scan::KEEP_BYTES,
    ))
}

/// [`clean`] a scan the caller is done with: memory is given back as soon
/// as cleanup is (a grey scan once its background is flattened, a
/// negative once it is turned positive), the same page results.
pub fn clean_owned(page: PageImage, opts: &CleanOptions) -> CleanPage {
    no_error(clean_scan(Cow::Owned(page), opts, None, scan::KEEP_BYTES))
}

/// [`clean_owned`] a scan that `again` decodes anew (the same pixels): a
/// colour scan is given up once its grey page is made and decoded again
/// where its colour is needed ([`scan`]), so a colour page is never held
/// beside the grey stages' buffers. The same page results; `again`'s
/// error, if it fails, is returned.
pub fn clean_decoding_again<E>(
    page: PageImage,
    opts: &CleanOptions,
    again: &dyn Fn() -> Result<PageImage, E>,
) -> Result<CleanPage, E> {
    clean_scan(Cow::Owned(page), opts, Some(again), scan::KEEP_BYTES)
}

fn no_error(r: Result<CleanPage, Infallible>) -> CleanPage {
    match r {
        Ok(page) => page,
        Err(e) => match e {},
    }
}

/// Clean `page`, which `again` decodes anew when given; colour scans of up
/// to `keep` bytes are kept rather than decoded again ([`scan`]).
fn clean_scan<E>(
    page: Cow<'_, PageImage>,
    opts: &CleanOptions,
    again: Option<scan::Again<'_, E>>,
    keep: usize,
) -> Result<CleanPage, E> {
    if !invert::is_negative(&page.pixels) {
        return clean_positive(Scan::keeping(page, again, keep), opts);
    }
    let negative = invert::negative(&page);
    drop(page);
    let again_negative = again.map(|a| move || a().map(|p| invert::negative(&p)));
    let again_negative = again_negative
        .as_ref()
        .map(|a| a as &dyn Fn() -> Result<PageImage, E>);
    let scan = Scan::keeping(Cow::Owned(negative), again_negative, keep);
    let mut out = clean_positive(scan, opts)?;
    invert::restore(&mut out);
    Ok(out)
}

/// [`clean`] on a page of dark ink on light paper.
fn clean_positive<E>(mut scan: Scan<'_, E>, opts: &CleanOptions) -> Result<CleanPage, E> {
    let dpi = scan.page.dpi;
    // A bilevel scan (black and white only) has nothing to whiten, no
    // tones to be pictures and nothing to threshold, as long as it is not
    // resampled: those stages would give it back unchanged.
    let two_level = matches!(&scan.page.pixels, Pixels::Gray(g) if is_two_level(g));
    // What a colour scan's own pixels say before it is given up: whether
    // it may hold light ink, and colour for layers (both quick samples).
    let (light_may, colour_may) = match &scan.page.pixels {
        Pixels::Rgb(c) => {
            let light =
                matches!(opts.mode, Mode::Auto | Mode::Text | Mode::Bw) && light_ink::may_have(c);
            (
                light,
                opts.mode == Mode::Auto && !light && colour::may_have(c, dpi),
            )
        }
        Pixels::Gray(_) => (false, false),
    };
    // A colour scan's grey page is its luma, whitened over itself; a scan
    // that decodes again is given up for it (`Scan::luma`).
    let gray = match scan.luma() {
        Some(mut g) => {
            if opts.whiten_background {
                background::normalize_in_place(&mut g, dpi);
            }
            g
        }
        None => match &scan.page.pixels {
            Pixels::Gray(g) if !opts.whiten_background || two_level => g.clone(),
            Pixels::Gray(g) => background::normalize(g, dpi),
            Pixels::Rgb(_) => unreachable!("a colour scan has a luma"),
        },
    };
    crate::heap::mark("clean: grey page");
    // A grey scan's own pixels are read again only for pictures (cut from
    // the scan as it was, not the whitened page): an owned one without
    // any is freed (a colour scan stays for the colour page and its
    // checks, unless it is decoded again). Pictures are looked for here
    // without text lines, which only take some away.
    let candidates = if two_level {
        Vec::new()
    } else {
        content::picture_regions(&gray, dpi, &[])
    };
    if let Cow::Owned(PageImage {
        pixels: Pixels::Gray(g),
        ..
    }) = &mut scan.page
        && candidates.is_empty()
    {
        drop(std::mem::take(g));
    }
    crate::heap::mark("clean: picture candidates");

    // Skew is measured on a binarised page once borders are gone (a dark
    // band along an edge would pull the estimate to 0°). A global threshold
    // shows the lines well enough, at a fifth of the adaptive one's cost.
    let without_borders = |mut bits: BitImage| {
        let removed = if opts.remove_borders {
            border::remove(&mut bits)
        } else {
            Vec::new()
        };
        (bits, removed)
    };
    let skew = if !opts.deskew {
        None
    } else {
        let (rough, _) = without_borders(binarize::binarize(&gray, dpi, Binarize::Otsu));
        deskew::detect(rough.as_gray(), dpi)
    };
    crate::heap::mark("clean: skew found");
    // Rotating costs a resampling; below a twentieth of a degree it buys nothing.
    let skew_deg = skew.filter(|a| a.abs() >= 0.05).unwrap_or(0.0);
    let gray = if skew_deg != 0.0 {
        deskew::rotate(&gray, skew_deg)
    } else {
        gray
    };
    crate::heap::mark("clean: grey deskewed");
    // The ink as first thresholded is kept packed for `whiten_removed`, and
    // the image despeckling starts from is freed once it has.
    // Photographs are left out of the print's blur (see `binarize_around`).
    let candidates = if skew_deg != 0.0 && !candidates.is_empty() {
        content::picture_regions(&gray, dpi, &[])
    } else {
        candidates
    };
    let two_level = two_level && skew_deg == 0.0;
    let raw = if two_level {
        BitImage::from_levels(gray.clone())
    } else {
        binarize::binarize_around(&gray, dpi, opts.binarize, &candidates)
    };
    drop(candidates);
    crate::heap::mark("clean: binarized");
    let raw_ink = Mask::ink_of(&raw);
    let (unbordered, borders) = without_borders(raw);
    let mut bits = despeckle::despeckle(&unbordered, dpi, opts.despeckle);
    drop(unbordered);
    crate::heap::mark("clean: despeckled");
    // Scanner borders are removed on purpose; a band across the page is
    // not a border, and what it took with it is for the page check.
    let borders: Vec<Rect> = borders.iter().filter(|b| b.along).map(|b| b.rect).collect();

    // The colour page (`Scan::colour`) is made only when some of it will
    // be kept, as it triples the work; beyond light ink, only colour layers
    // read it, and a page scanned in colour that shows none gets none.
    // While a colour page is at hand, the grey page is held packed when
    // the scan decodes again (`packed`).
    let wants_layers = opts.mode == Mode::Auto && (light_may || colour_may);
    let decodes_again = scan.decodes_again();
    // Light ink (yellow) that the luma threshold cannot see joins the
    // bilevel page, and OCR's grey page shows it dark.
    let mut scan_colour = None;
    let mut light_on_dark = Vec::new();
    let mut gray = gray;
    if light_may {
        let held = HeldGray::of(gray, decodes_again);
        scan_colour = scan.colour(opts.whiten_background, skew_deg, dpi)?;
        let darkening = scan_colour.as_ref().and_then(|c| {
            let light = light_ink::find(c, &bits, dpi)?;
            Some(light_ink::darkening(
                &|y0, y1| held.rows(y0, y1),
                c,
                light,
                dpi,
            ))
        });
        // Made again for the layers when the scan decodes again.
        if decodes_again || !wants_layers {
            scan_colour = None;
        }
        gray = held.unpack();
        if let Some(d) = darkening {
            light_on_dark = light_ink::darken(&mut gray, &d);
            d.light().add_to(&mut bits);
        }
    }
    crate::heap::mark("clean: light ink");
    // Found before pictures blank anything: text lines win over pictures.
    let text = lines::find(&bits, dpi);
    let mut balanced = None;
    let near = near_ink(&bits, &text, dpi);
    crate::heap::mark("clean: text lines");
    // What cuts pictures, for the regions found and for the check's areas.
    let mut pictures = Pictures {
        scan: &mut scan,
        scan_colour: &mut scan_colour,
        balanced: &mut balanced,
        wants_layers,
        skew_deg,
        opts,
    };
    let picture = match opts.mode {
        Mode::Bw => Picture::None,
        Mode::Gray => Picture::Page(Pixels::Gray(gray.clone())),
        Mode::Color => Picture::Page(
            pictures
                .scan
                .colour(opts.whiten_background, skew_deg, dpi)?
                .map_or_else(|| Pixels::Gray(gray.clone()), Pixels::Rgb),
        ),
        Mode::Auto | Mode::Text => {
            let rects = content::picture_regions(&gray, dpi, &text);
            if rects.is_empty() {
                Picture::None
            } else {
                // Pictures are cut from the page as scanned, white-balanced
                // as a whole: local whitening would take their sky for paper.
                let fit = Fit::ToTone(&text);
                pictures.cut(&mut gray, &mut bits, rects, fit)?
            }
        }
    };
    // The page check: marks of the scan that nothing stored shows are kept
    // in tone, as pictures, and the page says so.
    let mut warnings = Vec::new();
    let picture = match picture {
        Picture::None | Picture::Regions(_) if matches!(opts.mode, Mode::Auto | Mode::Text) => {
            let mut rects = picture.rects();
            let found = check::changes(&gray, &bits, &rects, &borders, dpi);
            if found.is_empty() {
                picture
            } else {
                warnings.push(found.warning(gray.dimensions()));
                rects.extend(found.areas().copied());
                // Its regions are cut anew with the check's areas: the old
                // crops are not held beside the new ones.
                drop(picture);
                pictures.cut(&mut gray, &mut bits, rects, Fit::Merge)?
            }
        }
        other => other,
    };
    crate::heap::mark("clean: pictures and check");
    let pictures = picture.rects();
    let ink = lines::summarize(&bits, &text, &pictures);
    // The layers are made from the colour page, the grey page held packed
    // meanwhile when the scan decodes again (the colour page is then made
    // anew here).
    let held = HeldGray::of(gray, wants_layers && scan_colour.is_none() && decodes_again);
    if wants_layers && scan_colour.is_none() {
        scan_colour = scan.colour(opts.whiten_background, skew_deg, dpi)?;
    }
    let layers = scan_colour
        .as_ref()
        .filter(|_| opts.mode == Mode::Auto)
        .and_then(|c| colour::separate(c, &bits, &pictures, dpi));
    crate::heap::mark("clean: layers");
    // Layers that do not hold (a map, a chart: see `check`) give way to the
    // page in colour, white-balanced as a whole so its tints stay.
    let scanned_rgb = matches!(scan.page.pixels, Pixels::Rgb(_));
    let changed = match (&layers, &scan_colour) {
        (Some(l), Some(c)) if scanned_rgb => {
            Some(check::layers_change(c, l, &bits, &pictures, dpi))
        }
        _ => None,
    };
    drop(scan_colour);
    let mut gray = held.unpack();
    let whole = changed.filter(|&c| c > check::MAX_CHANGED);
    let (mut picture, layers) = match whole {
        Some(changed) => {
            // The whole page is stored in tone: no part of it is a picture
            // of its own any more.
            warnings.retain(|w| w.code != "stored_as_picture");
            warnings.push(crate::input::Warning {
                code: "stored_in_colour",
                message: format!(
                    "colour layers would change {:.0}% of the page (a map, chart or \
                     illustration): stored as a colour image",
                    changed * 100.0
                ),
            });
            (Picture::None, None)
        }
        None => (picture, layers),
    };
    // The scan and its balanced copy are done with unless the page is
    // stored whole, and then they are taken for it once the grey page's
    // last passes are done (their buffers are not held beside it).
    let for_whole = whole.map(|_| (scan, balanced));
    crate::heap::mark("clean: layers checked");
    // Stains and shadows under the text are divided out of what OCR reads,
    // and light letters on a dark ground are given back as they were.
    light_ink::restore_on_dark(&mut gray, light_on_dark);
    if !two_level {
        flatten::under_ink(&mut gray, &bits, dpi, &pictures);
    }
    grounds::lighten(&mut gray, &pictures);
    whiten_removed(&mut gray, &raw_ink, &bits, &pictures);
    whiten_far_from_ink(&mut gray, &near, &pictures);
    drop((raw_ink, near));
    if let Some((mut scan, mut balanced)) = for_whole {
        picture = Picture::Page(match balanced.take() {
            Some(b) => b,
            // A colour scan (`changed` is for colour scans only): `gray`
            // is not read.
            None => scan.balanced(&gray, skew_deg, true)?,
        });
    }
    crate::heap::mark("clean: done");
    Ok(CleanPage {
        gray,
        bits,
        picture,
        dpi,
        skew_deg,
        ink,
        layers,
        warnings,
    })
}

/// How picture regions are fitted before they are cut.
enum Fit<'t> {
    /// To the frame or edge of tone around them
    /// ([`content::fit_to_tone`], with the page's text lines).
    ToTone(&'t [lines::TextLine]),
    /// Merged where they overlap ([`content::merge`]).
    Merge,
}

/// What cutting pictures reads and keeps: the scan, the colour page the
/// layers may hold, and the page balanced as a whole that pictures are
/// cut from (kept for a later cut unless the scan decodes again).
struct Pictures<'p, 'a, E> {
    scan: &'p mut Scan<'a, E>,
    scan_colour: &'p mut Option<image::RgbImage>,
    balanced: &'p mut Option<Pixels>,
    wants_layers: bool,
    skew_deg: f32,
    opts: &'p CleanOptions,
}

impl<E> Pictures<'_, '_, E> {
    /// `rects`, fitted as `fit` says, as pictures cut from the page
    /// balanced as a whole ([`Scan::balanced`]), the bilevel page blanked
    /// under them. A scan that decodes again is decoded for the tone the
    /// regions are fitted to and again for the pictures, with the grey
    /// page held packed meanwhile and no colour page held beside them;
    /// otherwise the balanced page is made once and kept (the colour page
    /// the layers need made first, as the scan is taken).
    fn cut(
        &mut self,
        gray: &mut GrayImage,
        bits: &mut BitImage,
        rects: Vec<Rect>,
        fit: Fit<'_>,
    ) -> Result<Picture, E> {
        let skew_deg = self.skew_deg;
        if !self.scan.decodes_again() {
            if self.balanced.is_none() {
                if self.wants_layers && self.scan_colour.is_none() {
                    let dpi = self.scan.page.dpi;
                    *self.scan_colour =
                        self.scan
                            .colour(self.opts.whiten_background, skew_deg, dpi)?;
                }
                *self.balanced = Some(self.scan.balanced(gray, skew_deg, true)?);
            }
            let b = self.balanced.as_ref().expect("made above");
            let rects = match fit {
                Fit::ToTone(text) => content::fit_to_tone(rects, &tone(b), text),
                Fit::Merge => content::merge(rects),
            };
            return Ok(cut(bits, b, rects));
        }
        *self.scan_colour = None;
        let held = HeldGray::of(std::mem::take(gray), true);
        let rects = match fit {
            Fit::ToTone(text) => {
                let tone = self.scan.tone(&GrayImage::new(0, 0), skew_deg)?;
                content::fit_to_tone(rects, &tone, text)
            }
            Fit::Merge => content::merge(rects),
        };
        let b = self.scan.balanced(&GrayImage::new(0, 0), skew_deg, true)?;
        let picture = cut(bits, &b, rects);
        drop(b);
        *gray = held.unpack();
        Ok(picture)
    }
}

/// Whether every pixel is black (0) or white (255).
fn is_two_level(gray: &GrayImage) -> bool {
    gray.iter().all(|&v| v == bits::INK || v == bits::PAPER)
}

/// Below this grey level (paper = 255) removed ink is dirt to paint out of
/// the grey page: dust and scanner borders are dark. Fragments of faded
/// strokes that a threshold broke up and despeckle then dropped are light;
/// they stay, so OCR still reads the letters they belong to.
const DARK_DIRT: u8 = 128;

/// Paint white, in the grey page OCR reads, the dark ink that cleanup
/// removed from the bilevel one (specks, dust, scanner borders), with a
/// one-pixel rim for their anti-aliased edges, so OCR does not read them
/// as punctuation. Kept ink is left alone, and so is everything under
/// picture regions (blank in `kept` for storage, not because it is dirt).
/// `raw` is the ink as first thresholded.
fn whiten_removed(gray: &mut GrayImage, raw: &Mask, kept: &BitImage, pictures: &[Rect]) {
    let (w, h) = gray.dimensions();
    let in_picture = |x: u32, y: u32| pictures.iter().any(|r| r.contains(x, y));
    let dirt: Vec<(u32, u32)> = raw
        .set_pixels()
        .filter(|&(x, y)| {
            !kept.is_ink(x, y) && gray.get_pixel(x, y).0[0] < DARK_DIRT && !in_picture(x, y)
        })
        .collect();
    for (x, y) in dirt {
        for yy in y.saturating_sub(1)..(y + 2).min(h) {
            for xx in x.saturating_sub(1)..(x + 2).min(w) {
                if !kept.is_ink(xx, yy) {
                    gray.put_pixel(xx, yy, image::Luma([255]));
                }
            }
        }
    }
}

/// Ink kept after cleanup, grown by about one letter height (at least
/// [`NEAR_INK_IN`]): set near ink. Grown a band of rows at a time, as it
/// is made beside the colour page.
fn near_ink(bits: &BitImage, text: &[lines::TextLine], dpi: Dpi) -> Mask {
    let letter = lines::letter_px(text).unwrap_or(0.0);
    let radius = letter.max(NEAR_INK_IN * dpi.x.max(dpi.y)).clamp(1.0, 255.0) as u8;
    let (w, h) = bits.dimensions();
    let mut rows = minmax::GrownInk::new(bits, radius as usize);
    let mut near = Mask::new(w, h);
    for y in 0..h {
        for (x, &v) in rows.row(y as usize).iter().enumerate() {
            if v != 0 {
                near.set(x as u32, y);
            }
        }
    }
    near
}

/// Smallest reach of [`near_ink`], in inches.
const NEAR_INK_IN: f32 = 0.05;

/// Paint white, in the grey page OCR reads, the background far from any
/// kept ink and outside picture regions: the rest of a shadow, a stain,
/// bleed-through or a tint that binarisation already judged to be paper.
/// Tesseract otherwise reads their edges as stray marks. Near ink the grey
/// is kept as it is, so OCR still sees every stroke's own edges and faint
/// parts of letters the threshold missed. `near` is [`near_ink`]'s set
/// pixels.
fn whiten_far_from_ink(gray: &mut GrayImage, near: &Mask, pictures: &[Rect]) {
    let w = gray.width() as usize;
    for (i, g) in gray.iter_mut().enumerate() {
        if *g != 255 {
            let (x, y) = ((i % w) as u32, (i / w) as u32);
            if !near.get(x, y) && !pictures.iter().any(|r| r.contains(x, y)) {
                *g = 255;
            }
        }
    }
}

/// Clear the bilevel image under a picture region: the picture covers it,
/// and OCR should not read photographs as text.
fn blank(bits: &mut BitImage, r: Rect) {
    let g = bits.gray_mut();
    for y in r.y0..r.y1 {
        for x in r.x0..r.x1 {
            g.put_pixel(x, y, image::Luma([bits::PAPER]));
        }
    }
}

/// One channel of a balanced page in which only paper is white: the grey
/// itself, or the darkest channel of colour (a pale sky is not paper).
fn tone(scan: &Pixels) -> GrayImage {
    match scan {
        Pixels::Gray(g) => g.clone(),
        Pixels::Rgb(c) => {
            let darkest = c.as_raw().chunks_exact(3).map(|p| p[0].min(p[1]).min(p[2]));
            GrayImage::from_raw(c.width(), c.height(), darkest.collect()).expect("same size")
        }
    }
}

/// `rects` as pictures cut from `scan`, the bilevel page blanked under
/// them.
fn cut(bits: &mut BitImage, scan: &Pixels, rects: Vec<Rect>) -> Picture {
    let regions = rects
        .into_iter()
        .map(|r| {
            blank(bits, r);
            (r, crop(scan, r))
        })
        .collect();
    Picture::Regions(regions)
}

/// The region's pixels, in colour only when they have visible colour.
fn crop(scan: &Pixels, r: Rect) -> Pixels {
    match scan {
        Pixels::Rgb(c) => {
            let sub = image::imageops::crop_imm(c, r.x0, r.y0, r.width(), r.height()).to_image();
            if is_colourful(&sub) {
                Pixels::Rgb(sub)
            } else {
                Pixels::Gray(crate::input::luma(&sub))
            }
        }
        Pixels::Gray(g) => {
            Pixels::Gray(image::imageops::crop_imm(g, r.x0, r.y0, r.width(), r.height()).to_image())
        }
    }
}

/// More than 5% of pixels with a chroma (max − min channel) above 24.
fn is_colourful(img: &image::RgbImage) -> bool {
    let coloured = img
        .pixels()
        .filter(|p| {
            let [r, g, b] = p.0;
            r.max(g).max(b) - r.min(g).min(b) > 24
        })
        .count();
    coloured * 20 > img.pixels().len()
}
