//! Writing cleaned pages as image files: 1-bit where the page is bilevel,
//! 8-bit grey or colour otherwise, with the resolution in the file.
//!
//! PNG and 8-bit TIFF go through the `png` and `tiff` crates. The `tiff`
//! crate has no CCITT encoder, so bilevel TIFF is written here: one strip of
//! the same G4 data the PDF embeds, under a dozen fixed tags.

use crate::clean::bits::{BitImage, INK};
use crate::input::{Dpi, Pixels};
use crate::pdf::g4;
use std::borrow::Cow;
use std::io::{self, Write};

/// An output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ImageFormat {
    /// PNG: lossless, 1-bit for bilevel pages.
    Png,
    /// TIFF: CCITT G4 for bilevel pages, as scanners write them.
    Tiff,
    /// PBM / PGM / PPM: for tools that read only netpbm.
    Pnm,
}

impl ImageFormat {
    /// The format a file name asks for, if its extension names one.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(ImageFormat::Png),
            "tif" | "tiff" => Some(ImageFormat::Tiff),
            "pnm" | "pbm" | "pgm" | "ppm" => Some(ImageFormat::Pnm),
            _ => None,
        }
    }

    /// The usual extension for a page of this kind.
    pub fn extension(self, bilevel: bool, colour: bool) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Tiff => "tif",
            ImageFormat::Pnm if bilevel => "pbm",
            ImageFormat::Pnm if colour => "ppm",
            ImageFormat::Pnm => "pgm",
        }
    }
}

/// A page image as it will be written.
pub enum PageRaster<'a> {
    Bilevel(&'a BitImage),
    /// Tone: the page's own (a page stored whole) or one composed for it.
    Tone(Cow<'a, Pixels>),
}

fn io_err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Encode `page` in `format` into `out`.
pub fn write(
    out: &mut impl Write,
    page: &PageRaster,
    dpi: Dpi,
    format: ImageFormat,
) -> io::Result<()> {
    match (format, page) {
        (ImageFormat::Png, PageRaster::Bilevel(bits)) => {
            let (w, h) = (bits.width(), bits.height());
            let mut enc = png_encoder(out, w, h, dpi);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::One);
            enc.write_header()
                .map_err(io_err)?
                .write_image_data(&pack_rows(bits, false))
                .map_err(io_err)
        }
        (ImageFormat::Png, PageRaster::Tone(p)) => {
            let (w, h) = p.dimensions();
            let mut enc = png_encoder(out, w, h, dpi);
            let (colour, data) = match &**p {
                Pixels::Gray(g) => (png::ColorType::Grayscale, g.as_raw()),
                Pixels::Rgb(c) => (png::ColorType::Rgb, c.as_raw()),
            };
            enc.set_color(colour);
            enc.write_header()
                .map_err(io_err)?
                .write_image_data(data)
                .map_err(io_err)
        }
        (ImageFormat::Tiff, PageRaster::Bilevel(bits)) => write_g4_tiff(out, bits, dpi),
        (ImageFormat::Tiff, PageRaster::Tone(p)) => {
            let mut buf = io::Cursor::new(Vec::new());
            let mut enc = tiff::encoder::TiffEncoder::new(&mut buf).map_err(io_err)?;
            let res = |v: f32| tiff::encoder::Rational {
                n: (v * 100.0).round() as u32,
                d: 100,
            };
            let (w, h) = p.dimensions();
            macro_rules! page {
                ($ct:ty, $data:expr) => {{
                    let mut img = enc.new_image::<$ct>(w, h).map_err(io_err)?;
                    img.resolution_unit(tiff::tags::ResolutionUnit::Inch);
                    img.x_resolution(res(dpi.x));
                    img.y_resolution(res(dpi.y));
                    img.write_data($data).map_err(io_err)?;
                }};
            }
            match &**p {
                Pixels::Gray(g) => page!(tiff::encoder::colortype::Gray8, g.as_raw()),
                Pixels::Rgb(c) => page!(tiff::encoder::colortype::RGB8, c.as_raw()),
            }
            out.write_all(&buf.into_inner())
        }
        (ImageFormat::Pnm, PageRaster::Bilevel(bits)) => {
            write!(out, "P4\n{} {}\n", bits.width(), bits.height())?;
            out.write_all(&pack_rows(bits, true))
        }
        (ImageFormat::Pnm, PageRaster::Tone(p)) => {
            let (w, h) = p.dimensions();
            let (magic, data) = match &**p {
                Pixels::Gray(g) => ("P5", g.as_raw()),
                Pixels::Rgb(c) => ("P6", c.as_raw()),
            };
            write!(out, "{magic}\n{w} {h}\n255\n")?;
            out.write_all(data)
        }
    }
}

fn png_encoder<W: Write>(out: W, w: u32, h: u32, dpi: Dpi) -> png::Encoder<'static, W> {
    let mut enc = png::Encoder::new(out, w, h);
    let ppm = |d: f32| (d / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm(dpi.x),
        yppu: ppm(dpi.y),
        unit: png::Unit::Meter,
    }));
    enc.set_compression(png::Compression::High);
    enc
}

/// Rows packed 8 pixels a byte, MSB first, each row padded to a byte.
/// `ink_is_one` picks PBM's convention (1 = black) over PNG's (1 = white).
fn pack_rows(bits: &BitImage, ink_is_one: bool) -> Vec<u8> {
    let w = bits.width() as usize;
    let stride = w.div_ceil(8);
    let mut out = vec![0u8; stride * bits.height() as usize];
    for y in 0..bits.height() {
        let row = bits.row(y);
        let dst = &mut out[y as usize * stride..(y as usize + 1) * stride];
        for (x, &p) in row.iter().enumerate() {
            if (p == INK) == ink_is_one {
                dst[x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    out
}

/// A single-strip, little-endian TIFF holding the page as CCITT G4
/// (compression 4), WhiteIsZero as fax images are.
fn write_g4_tiff(out: &mut impl Write, bits: &BitImage, dpi: Dpi) -> io::Result<()> {
    let data = g4::encode(bits);
    let (w, h) = (bits.width(), bits.height());
    // Layout: header (8) | strip data | padding | X/Y resolution (16) | IFD.
    let data_at = 8u32;
    let res_at = (data_at + data.len() as u32).div_ceil(2) * 2;
    let ifd_at = res_at + 16;
    // (tag, type, count, value); type 3 SHORT, 4 LONG, 5 RATIONAL.
    let entries: [(u16, u16, u32, u32); 12] = [
        (256, 4, 1, w),                 // ImageWidth
        (257, 4, 1, h),                 // ImageLength
        (258, 3, 1, 1),                 // BitsPerSample
        (259, 3, 1, 4),                 // Compression: CCITT T.6
        (262, 3, 1, 0),                 // PhotometricInterpretation: WhiteIsZero
        (273, 4, 1, data_at),           // StripOffsets
        (277, 3, 1, 1),                 // SamplesPerPixel
        (278, 4, 1, h),                 // RowsPerStrip
        (279, 4, 1, data.len() as u32), // StripByteCounts
        (282, 5, 1, res_at),            // XResolution
        (283, 5, 1, res_at + 8),        // YResolution
        (296, 3, 1, 2),                 // ResolutionUnit: inch
    ];
    let mut f = Vec::with_capacity(ifd_at as usize + 2 + 12 * entries.len() + 4);
    f.extend(b"II*\0");
    f.extend(ifd_at.to_le_bytes());
    f.extend(&data);
    f.resize(res_at as usize, 0);
    for v in [dpi.x, dpi.y] {
        f.extend(((v * 100.0).round() as u32).to_le_bytes());
        f.extend(100u32.to_le_bytes());
    }
    f.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        f.extend(tag.to_le_bytes());
        f.extend(kind.to_le_bytes());
        f.extend(count.to_le_bytes());
        if kind == 3 {
            f.extend((value as u16).to_le_bytes());
            f.extend([0, 0]);
        } else {
            f.extend(value.to_le_bytes());
        }
    }
    f.extend(0u32.to_le_bytes()); // no next IFD
    out.write_all(&f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Input, Limits, decode_page, list_pages};
    use image::GrayImage;

    fn sample() -> BitImage {
        BitImage::from_gray_threshold(GrayImage::from_fn(203, 61, |x, y| {
            image::Luma([if (x / 7 + y / 5) % 3 == 0 || (x * y) % 17 == 1 {
                0
            } else {
                255
            }])
        }))
    }

    /// Write, read back through ocrpdf's own decoder, compare bits and DPI.
    fn round_trip(format: ImageFormat, name: &str) {
        let bits = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        write(
            &mut f,
            &PageRaster::Bilevel(&bits),
            Dpi { x: 300.0, y: 200.0 },
            format,
        )
        .unwrap();
        drop(f);
        let pages = list_pages(&[Input::Path(path)], &Limits::default()).unwrap();
        let page = decode_page(&pages[0], &Limits::default(), None).unwrap();
        let Pixels::Gray(g) = page.pixels else {
            panic!("bilevel read back as colour")
        };
        assert_eq!(BitImage::from_gray_threshold(g), bits, "{name}");
        if format != ImageFormat::Pnm {
            assert!(
                (page.dpi.x - 300.0).abs() < 0.5 && (page.dpi.y - 200.0).abs() < 0.5,
                "{name}: {:?}",
                page.dpi
            );
        }
    }

    #[test]
    fn bilevel_pages_round_trip_exactly_in_every_format() {
        round_trip(ImageFormat::Png, "a.png");
        round_trip(ImageFormat::Tiff, "a.tif");
        round_trip(ImageFormat::Pnm, "a.pbm");
    }

    #[test]
    fn bilevel_png_is_one_bit() {
        let mut buf = Vec::new();
        write(
            &mut buf,
            &PageRaster::Bilevel(&sample()),
            Dpi::DEFAULT,
            ImageFormat::Png,
        )
        .unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(buf))
            .read_info()
            .unwrap();
        assert_eq!(dec.info().bit_depth, png::BitDepth::One);
    }
}
