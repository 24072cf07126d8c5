//! Multi-page TIFF: the `image` crate reads only the first directory, so
//! pages are counted and decoded with the `tiff` crate directly.

use super::{Dpi, HeaderSize, Limits, Pixels, ReadSeek, check_size, jpeg};
use crate::error::{Error, Result};
use image::metadata::Orientation;
use image::{GrayImage, RgbImage};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use tiff::ColorType;
use tiff::decoder::{Decoder, DecodingResult};
use tiff::tags::Tag;

/// More directories than any real scan batch; stops IFD loops in hostile files.
const MAX_PAGES: u32 = 100_000;

fn decoder(r: Box<dyn ReadSeek>, path: &Path) -> Result<Decoder<Box<dyn ReadSeek>>> {
    Decoder::new(r).map_err(|e| Error::input(path, format!("not a valid TIFF image: {e}")))
}

/// Each page's size (`None` where its directory gives none, left for
/// decoding to report), one entry a page: what the scheduler budgets
/// memory by before any page is decoded.
pub(crate) fn page_sizes(r: Box<dyn ReadSeek>, path: &Path) -> Result<Vec<Option<HeaderSize>>> {
    let mut dec = decoder(r, path)?;
    let size = |dec: &mut Decoder<Box<dyn ReadSeek>>| {
        let (w, h) = dec.dimensions().ok()?;
        let colour = !matches!(
            dec.colortype().ok()?,
            ColorType::Gray(_) | ColorType::GrayA(_)
        );
        Some(HeaderSize {
            pixels: w as u64 * h as u64,
            colour,
        })
    };
    let mut pages = vec![size(&mut dec)];
    while dec.more_images() {
        if pages.len() as u32 >= MAX_PAGES {
            return Err(Error::input(path, "TIFF has too many pages"));
        }
        dec.next_image().map_err(|e| {
            Error::input(path, format!("broken TIFF page {}: {e}", pages.len() + 1))
        })?;
        pages.push(size(&mut dec));
    }
    Ok(pages)
}

/// A decoded page: its pixels, resolution and orientation tag, and what
/// is missing from its JPEG-compressed data when that was kept
/// ([`Limits::accept_truncated`]; without it such a page is refused).
pub fn decode(
    r: Box<dyn ReadSeek>,
    path: &Path,
    index: u32,
    limits: &Limits,
) -> Result<(Pixels, Option<Dpi>, Orientation, Option<String>)> {
    let page_err = |e: tiff::TiffError| Error::input(path, format!("TIFF page {}: {e}", index + 1));
    let mut dec = decoder(r, path)?;
    for _ in 0..index {
        dec.next_image().map_err(page_err)?;
    }
    let (w, h) = dec.dimensions().map_err(page_err)?;
    check_size(path, w, h, limits)?;
    let mut tl = tiff::decoder::Limits::default();
    tl.decoding_buffer_size = (limits.max_pixels as usize).saturating_mul(8);
    tl.intermediate_buffer_size = tl.decoding_buffer_size;
    let mut dec = dec.with_limits(tl);
    let damage = jpeg_damage(&mut dec, limits.max_pixels)
        .map(|what| format!("TIFF page {}, {what}", index + 1));
    if let Some(what) = &damage
        && !limits.accept_truncated
    {
        return Err(Error::input(
            path,
            format!("{what}; --accept-truncated keeps what decodes"),
        ));
    }
    let dpi = read_dpi(&mut dec);
    let orientation = dec
        .find_tag_unsigned::<u16>(Tag::Orientation)
        .ok()
        .flatten()
        .and_then(|v| u8::try_from(v).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms);
    let color = dec.colortype().map_err(page_err)?;
    if matches!(color, ColorType::Lab(_)) {
        // The tiff crate names Lab but does not decode its samples (0.11).
        return Err(Error::input(
            path,
            format!(
                "TIFF page {}: CIELab colour is not supported; convert the file to RGB first",
                index + 1
            ),
        ));
    }
    let data = dec.read_image().map_err(page_err)?;
    let unsupported = || {
        Error::input(
            path,
            format!("TIFF page {}: unsupported pixel type {color:?}", index + 1),
        )
    };
    let samples: Vec<u8> = match data {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.into_iter().map(|s| (s >> 8) as u8).collect(),
        _ => return Err(unsupported()),
    };
    let n = w as usize * h as usize;
    let pixels = match color {
        ColorType::Gray(1) => {
            // Rows are packed MSB-first and padded to whole bytes.
            let stride = (w as usize).div_ceil(8);
            let g = GrayImage::from_fn(w, h, |x, y| {
                let byte = samples
                    .get(y as usize * stride + x as usize / 8)
                    .copied()
                    .unwrap_or(0);
                let bit = (byte >> (7 - (x % 8))) & 1;
                // The tiff crate hands out BlackIsZero whatever the file
                // says (it inverts WhiteIsZero itself): 1 is white.
                image::Luma([if bit == 1 { 255 } else { 0 }])
            });
            Pixels::Gray(g)
        }
        ColorType::Gray(8 | 16) if samples.len() >= n => {
            let mut s = samples;
            s.truncate(n);
            Pixels::Gray(GrayImage::from_raw(w, h, s).ok_or_else(unsupported)?)
        }
        ColorType::RGB(8 | 16) if samples.len() >= 3 * n => {
            let mut s = samples;
            s.truncate(3 * n);
            Pixels::Rgb(RgbImage::from_raw(w, h, s).ok_or_else(unsupported)?)
        }
        ColorType::RGBA(8 | 16) | ColorType::GrayA(8 | 16) => {
            let ch = if matches!(color, ColorType::RGBA(_)) {
                4
            } else {
                2
            };
            if samples.len() < ch * n {
                return Err(unsupported());
            }
            let img = if ch == 4 {
                image::DynamicImage::ImageRgba8(
                    image::RgbaImage::from_raw(w, h, samples[..4 * n].to_vec())
                        .ok_or_else(unsupported)?,
                )
            } else {
                image::DynamicImage::ImageLumaA8(
                    image::GrayAlphaImage::from_raw(w, h, samples[..2 * n].to_vec())
                        .ok_or_else(unsupported)?,
                )
            };
            Pixels::from_dynamic(img)
        }
        ColorType::CMYK(8 | 16) | ColorType::CMYKA(8 | 16) => {
            let ch = if matches!(color, ColorType::CMYK(_)) {
                4
            } else {
                5
            };
            if samples.len() < ch * n {
                return Err(unsupported());
            }
            Pixels::Rgb(
                RgbImage::from_raw(w, h, cmyk_to_rgb(&samples[..ch * n], ch))
                    .ok_or_else(unsupported)?,
            )
        }
        _ => return Err(unsupported()),
    };
    Ok((pixels, dpi, orientation, damage))
}

/// `Compression` 7: each strip or tile is a JPEG stream (TIFF Technical
/// Note 2), its tables perhaps in `JPEGTables`.
const COMPRESSION_JPEG: u16 = 7;

/// What is missing from the JPEG data of the current page's strips or
/// tiles, the first one found: the tiff crate hands them to zune-jpeg,
/// which decodes a stream cut short (or with corrupt codes) as grey and
/// reports nothing, so each is walked as a JPEG file is ([`jpeg::damage`]):
/// the tables, then the strip after its SOI, as the decoder joins them.
/// A strip or tile's data is read up to its byte count, never more than
/// the file holds.
fn jpeg_damage<R: Read + Seek>(dec: &mut Decoder<R>, max_pixels: u64) -> Option<String> {
    let compression = dec.find_tag_unsigned::<u16>(Tag::Compression).ok()??;
    if compression != COMPRESSION_JPEG {
        return None;
    }
    let (offsets, counts, what) = match dec.get_chunk_type() {
        tiff::decoder::ChunkType::Strip => (Tag::StripOffsets, Tag::StripByteCounts, "strip"),
        tiff::decoder::ChunkType::Tile => (Tag::TileOffsets, Tag::TileByteCounts, "tile"),
    };
    let offsets = dec.get_tag_u64_vec(offsets).ok()?;
    let counts = dec.get_tag_u64_vec(counts).ok()?;
    // The tables stream without its EOI, as the decoder uses it.
    let tables = dec
        .get_tag_u8_vec(Tag::JPEGTables)
        .ok()
        .filter(|t| t.len() >= 4)
        .map(|mut t| {
            t.truncate(t.len() - 2);
            t
        });
    let n = offsets.len();
    for (k, (&at, &len)) in offsets.iter().zip(&counts).enumerate() {
        let place = format!("{what} {} of {n}", k + 1);
        let mut data = tables.clone().unwrap_or_default();
        let start = data.len();
        let read = dec
            .inner()
            .seek(SeekFrom::Start(at))
            .and_then(|_| dec.inner().by_ref().take(len).read_to_end(&mut data));
        let got = data.len() - start;
        if read.is_err() || (got as u64) < len {
            return Some(format!("{place}: its data runs past the end of the file"));
        }
        if got < 2 {
            return Some(format!("{place}: no JPEG data"));
        }
        if tables.is_some() {
            // The strip's own SOI goes; the tables' SOI starts the stream.
            data.drain(start..start + 2);
        }
        if let Some(why) = jpeg::damage(&data, max_pixels) {
            return Some(format!("{place}: {why}"));
        }
    }
    None
}

/// Ink to light without a colour profile: each of C, M, Y takes its share
/// of the light the black ink leaves, `R = (1 − C)(1 − K)` and so on. A
/// press profile would shift hues a little; cleanup and OCR do not need
/// that. `ch` is 4, or 5 with an alpha channel (dropped: the paper shows).
fn cmyk_to_rgb(samples: &[u8], ch: usize) -> Vec<u8> {
    let light = |ink: u8, k: u8| ((255 - ink as u32) * (255 - k as u32) / 255) as u8;
    samples
        .chunks_exact(ch)
        .flat_map(|p| [light(p[0], p[3]), light(p[1], p[3]), light(p[2], p[3])])
        .collect()
}

fn read_dpi<R: std::io::Read + std::io::Seek>(dec: &mut Decoder<R>) -> Option<Dpi> {
    let x = tag_number(dec, Tag::XResolution)? as f32;
    let y = tag_number(dec, Tag::YResolution).map_or(x, |v| v as f32);
    let unit = dec
        .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
        .ok()
        .flatten()
        .unwrap_or(2);
    match unit {
        2 => Dpi::plausible(x, y),
        3 => Dpi::plausible(x * 2.54, y * 2.54),
        _ => None,
    }
}

/// A numeric tag of any type; resolutions are RATIONAL, which the `tiff`
/// crate's `get_tag_f64` refuses.
fn tag_number<R: std::io::Read + std::io::Seek>(dec: &mut Decoder<R>, tag: Tag) -> Option<f64> {
    use tiff::decoder::ifd::Value;
    match dec.find_tag(tag).ok()?? {
        Value::Rational(n, d) if d != 0 => Some(n as f64 / d as f64),
        Value::Short(v) => Some(v as f64),
        Value::Unsigned(v) => Some(v as f64),
        Value::Float(v) => Some(v as f64),
        Value::Double(v) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmyk_becomes_rgb() {
        // White paper, full black, pure cyan ink.
        let cmyk = [0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0];
        assert_eq!(cmyk_to_rgb(&cmyk, 4), [255, 255, 255, 0, 0, 0, 0, 255, 255]);
    }
}
