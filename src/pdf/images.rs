//! Image XObjects: how each part of a page is compressed.
//!
//! Bilevel text goes in as lossless JBIG2 (symbol-coded or one generic
//! region) or CCITT G4, whichever is smallest for the page — symbol-coded
//! JBIG2 on text pages, at 0.2–0.8× the generic coding, which is itself
//! about two thirds of G4. Symbol-coded images wait for the document's
//! batch, which shares their shapes across pages (`bilevel_batch`). Continuous-tone parts
//! are JPEG — 4:2:0, optimised Huffman tables, via `jpeg-encoder`, which
//! makes files ~15% smaller than `image`'s baseline 4:2:2 encoder — or,
//! where lossy storage was not allowed, Flate with PNG row predictors: the
//! `png` crate does the adaptive filtering and deflating and we lift its
//! IDAT stream, which is exactly what `FlateDecode` with `/Predictor 15`
//! expects.

use super::chunk;
use crate::input::Pixels;
use pdf_writer::{Chunk, Filter, Finish, Name, Ref};

/// Which lossless codec stores bilevel images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Bilevel {
    /// The smallest of symbol-coded JBIG2 (its shapes shared with the
    /// other pages of the batch through `/JBIG2Globals`), generic JBIG2 and
    /// G4, page by page.
    #[default]
    Auto,
    /// CCITT G4 only: what every PDF reader since PDF 1.0 decodes.
    G4,
    /// Lossless JBIG2 only (PDF 1.4 and later): the smaller of its symbol
    /// and generic codings.
    Jbig2,
    /// Lossless JBIG2, one generic region per page (what `jbig2` was before
    /// symbol coding).
    Jbig2Generic,
    /// Lossless symbol-coded JBIG2 where the page has letter-sized
    /// components (generic JBIG2 where it has none).
    Jbig2Symbols,
}

/// How page images are stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageOptions {
    /// How bilevel (text) images are compressed.
    pub bilevel: Bilevel,
    /// JPEG quality, 1–100, when the user chose one; choosing one also
    /// lets whole-page grey/colour images of lossless scans be JPEG.
    /// `None`: [`DEFAULT_JPEG_QUALITY`], and lossless scans stay lossless.
    pub jpeg_quality: Option<u8>,
    /// Never store anything lossy (pictures and tone pages go in as Flate).
    pub lossless: bool,
    /// Pictures finer than this are resampled down to it; `None` keeps
    /// them at scan resolution.
    pub picture_dpi: Option<f32>,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            bilevel: Bilevel::Auto,
            jpeg_quality: None,
            lossless: false,
            picture_dpi: Some(DEFAULT_PICTURE_DPI),
        }
    }
}

/// Pictures stay clean at this quality; text is carried by the bilevel
/// layer, not by them.
pub const DEFAULT_JPEG_QUALITY: u8 = 75;
/// Photos and figures on a page look the same on screen and in print at
/// 150 dpi, and take a quarter of the bytes of a 300-dpi scan; resampling
/// with an area filter also removes most of a printed halftone's screen.
pub const DEFAULT_PICTURE_DPI: f32 = 150.0;

impl ImageOptions {
    /// The JPEG quality in effect.
    pub fn quality(&self) -> u8 {
        self.jpeg_quality.unwrap_or(DEFAULT_JPEG_QUALITY)
    }
}

/// The codec an image was stored with, as reported per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    G4,
    Jbig2,
    Jpeg,
    Flate,
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::G4 => "ccitt-g4",
            Codec::Jbig2 => "jbig2",
            Codec::Jpeg => "jpeg",
            Codec::Flate => "flate",
        }
    }
}

/// The image XObject of a `w` × `h` bilevel image coded as `data`
/// (`codec`: JBIG2 or G4), a stencil mask when `stencil`; a JBIG2 image
/// refers to the `globals` stream when given.
pub(super) fn bilevel_xobject(
    id: Ref,
    w: u32,
    h: u32,
    data: &[u8],
    codec: Codec,
    stencil: bool,
    globals: Option<Ref>,
) -> Chunk {
    let (w, h) = (w as i32, h as i32);
    let mut c = chunk();
    let mut xobj = c.image_xobject(id, data);
    xobj.width(w).height(h).bits_per_component(1);
    if stencil {
        xobj.image_mask(true);
    } else {
        xobj.color_space().device_gray();
    }
    if codec == Codec::Jbig2 {
        // JBIG2's 1 is black, as PDF's JBIG2Decode draws it: no /Decode.
        xobj.filter(Filter::Jbig2Decode);
        if let Some(g) = globals {
            xobj.decode_parms().pair(Name(b"JBIG2Globals"), g);
        }
    } else {
        xobj.filter(Filter::CcittFaxDecode);
        xobj.decode_parms()
            .pair(Name(b"K"), -1)
            .pair(Name(b"Columns"), w)
            .pair(Name(b"Rows"), h);
    }
    xobj.finish();
    c
}

/// A grey or colour image, JPEG when `lossy`, else Flate (also for images
/// wider or taller than JPEG's 65535 pixels).
pub fn tone(id: Ref, pixels: &Pixels, lossy: bool, quality: u8) -> (Chunk, Codec) {
    tone_through(id, pixels, lossy, quality, None)
}

/// [`tone`], shown only where the stencil mask `mask` has ink (PDF's
/// explicit masking, ISO 32000-1 § 8.9.6.3) when given.
pub(super) fn tone_through(
    id: Ref,
    pixels: &Pixels,
    lossy: bool,
    quality: u8,
    mask: Option<Ref>,
) -> (Chunk, Codec) {
    let (w, h) = pixels.dimensions();
    let lossy = lossy && w <= 65535 && h <= 65535;
    let (data, filter, codec) = if lossy {
        (jpeg(pixels, quality), Filter::DctDecode, Codec::Jpeg)
    } else {
        (png_idat(pixels), Filter::FlateDecode, Codec::Flate)
    };
    let mut c = chunk();
    let mut xobj = c.image_xobject(id, &data);
    xobj.filter(filter);
    xobj.width(w as i32).height(h as i32).bits_per_component(8);
    let colors = match pixels {
        Pixels::Gray(_) => {
            xobj.color_space().device_gray();
            1
        }
        Pixels::Rgb(_) => {
            xobj.color_space().device_rgb();
            3
        }
    };
    if let Some(mask) = mask {
        xobj.stencil_mask(mask);
    }
    if codec == Codec::Flate {
        xobj.decode_parms()
            .pair(Name(b"Predictor"), 15)
            .pair(Name(b"Colors"), colors)
            .pair(Name(b"BitsPerComponent"), 8)
            .pair(Name(b"Columns"), w as i32);
    }
    xobj.finish();
    (c, codec)
}

fn jpeg(pixels: &Pixels, quality: u8) -> Vec<u8> {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let (w, h) = pixels.dimensions();
    let mut data = Vec::new();
    let mut enc = Encoder::new(&mut data, quality.clamp(1, 100));
    enc.set_optimized_huffman_tables(true);
    enc.set_sampling_factor(SamplingFactor::F_2_2);
    let (raw, kind) = match pixels {
        Pixels::Gray(g) => (g.as_raw(), ColorType::Luma),
        Pixels::Rgb(c) => (c.as_raw(), ColorType::Rgb),
    };
    // `tone` sends only images within JPEG's 65535-pixel sides here.
    enc.encode(raw, w as u16, h as u16, kind)
        .expect("JPEG encoding of an in-memory image within 65535 px cannot fail");
    data
}

/// The zlib stream of a PNG encoding of `pixels` (filtered rows, deflated).
fn png_idat(pixels: &Pixels) -> Vec<u8> {
    let (w, h) = pixels.dimensions();
    let mut file = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut file, w, h);
        let (raw, color) = match pixels {
            Pixels::Gray(g) => (g.as_raw(), png::ColorType::Grayscale),
            Pixels::Rgb(c) => (c.as_raw(), png::ColorType::Rgb),
        };
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        enc.set_filter(png::Filter::Adaptive);
        let mut writer = enc.write_header().expect("writing to a Vec cannot fail");
        writer
            .write_image_data(raw)
            .expect("buffer size matches the header");
    }
    idat(&file)
}

/// Concatenate the IDAT chunks of a PNG file.
fn idat(png: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8; // signature
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[at + 4..at + 8];
        let body = at + 8;
        if kind == b"IDAT" {
            out.extend_from_slice(&png[body..body + len]);
        }
        at = body + len + 4; // skip the CRC
    }
    out
}

/// `pixels` resampled from `dpi` down to `target` dpi with an
/// area-averaging filter; `None` when already at or below it (or nearly
/// so: a 10% reduction saves too little to be worth the softening).
pub fn downsample(pixels: &Pixels, dpi: f32, target: f32) -> Option<Pixels> {
    if target <= 0.0 || dpi <= target * 1.1 {
        return None;
    }
    let scale = target / dpi;
    let (w, h) = pixels.dimensions();
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    let filter = image::imageops::FilterType::Triangle;
    Some(match pixels {
        Pixels::Gray(g) => Pixels::Gray(image::imageops::resize(g, nw, nh, filter)),
        Pixels::Rgb(c) => Pixels::Rgb(image::imageops::resize(c, nw, nh, filter)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma, Rgb, RgbImage};

    fn gradient() -> Pixels {
        Pixels::Rgb(RgbImage::from_fn(301, 97, |x, y| {
            Rgb([(x % 256) as u8, (y * 2) as u8, ((x + y) % 200) as u8])
        }))
    }

    #[test]
    fn flate_stream_inflates_to_predicted_rows_of_the_image() {
        let px = gradient();
        let z = png_idat(&px);
        let mut raw = Vec::new();
        use std::io::Read;
        flate2::read::ZlibDecoder::new(&z[..])
            .read_to_end(&mut raw)
            .unwrap();
        // One filter byte per row, three bytes per pixel.
        assert_eq!(raw.len(), 97 * (1 + 301 * 3));
        assert!(raw.iter().step_by(1 + 301 * 3).all(|&f| f <= 4));
    }

    #[test]
    fn jpeg_decodes_to_the_same_size_close_to_the_original() {
        let px = Pixels::Gray(GrayImage::from_fn(120, 80, |x, _| Luma([(x * 2) as u8])));
        let data = jpeg(&px, 90);
        let back = image::load_from_memory(&data).unwrap().to_luma8();
        assert_eq!(back.dimensions(), (120, 80));
        let Pixels::Gray(orig) = &px else {
            unreachable!()
        };
        let worst = orig
            .pixels()
            .zip(back.pixels())
            .map(|(a, b)| (a.0[0] as i32 - b.0[0] as i32).abs())
            .max()
            .unwrap();
        assert!(worst <= 6, "max error {worst}");
    }

    #[test]
    fn downsampling_halves_300_dpi_pictures_and_leaves_coarse_ones() {
        let px = gradient();
        let half = downsample(&px, 300.0, 150.0).expect("halved");
        assert_eq!(half.dimensions(), (151, 49));
        assert!(downsample(&px, 160.0, 150.0).is_none());
    }
}
