//! One image XObject decoded into pixels without loss: CCITT fax (with the
//! `fax` crate), JPEG (with the `image` crate) and raw or Flate/LZW/ASCII
//! samples (lopdf undoes those filters and their PNG/TIFF predictors) in
//! grey, RGB, indexed colour, or as a stencil mask painted in a colour.
//!
//! Anything else (JBIG2, JPEG 2000, CMYK, Lab, separations, soft masks,
//! unusual /Decode ranges) is left to the renderer: `plan` returns `None`,
//! and so does `decode` when a codec meets a variant it cannot read.

use super::resolve;
use super::space::{Fill, components};
use crate::error::{Error, Result};
use crate::input::{Limits, Pixels, check_size};
use image::{GrayImage, RgbImage};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::path::Path;
use std::sync::Arc;

/// General-purpose filters lopdf decodes (predictors included).
const PLAIN_FILTERS: [&[u8]; 5] = [
    b"FlateDecode",
    b"LZWDecode",
    b"ASCII85Decode",
    b"ASCIIHexDecode",
    b"RunLengthDecode",
];

/// An image ready to decode: its data with only the plain filters left,
/// and what the samples mean.
#[derive(Debug)]
pub(super) struct Job {
    /// The image's dictionary with only the plain filters left.
    dict: Dictionary,
    /// The document holding the image's data, and the image: the data is
    /// read when a worker takes the page, never copied while pages wait.
    doc: Arc<Document>,
    id: ObjectId,
    codec: Codec,
    pub width: u32,
    pub height: u32,
    bpc: u8,
    color: Color,
    /// /Decode [1 0] (per component): samples count from white, not black.
    invert: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Codec {
    Raw,
    Dct,
    /// CCITT fax: `k` < 0 is Group 4, 0 is Group 3 one-dimensional.
    Fax {
        k: i64,
        black_is_1: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Color {
    Gray,
    Rgb,
    /// A palette of `hival + 1` grey or RGB entries.
    Indexed {
        rgb: bool,
        hival: u8,
        lut: Vec<u8>,
    },
    /// A stencil mask: samples of 0 (1 when inverted) paint this colour,
    /// the rest shows the white page.
    Mask(Paint),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Paint {
    Gray(u8),
    Rgb([u8; 3]),
}

impl Job {
    /// Whether the image holds no colour (renders as grey).
    pub fn is_gray(&self) -> bool {
        matches!(
            self.color,
            Color::Gray | Color::Indexed { rgb: false, .. } | Color::Mask(Paint::Gray(_))
        )
    }
}

impl Color {
    fn components(&self) -> u32 {
        if *self == Color::Rgb { 3 } else { 1 }
    }
}

fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    resolve(doc, dict.get(key).ok()?).as_i64().ok()
}

fn flag(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<bool> {
    resolve(doc, dict.get(key).ok()?).as_bool().ok()
}

/// Why the image at `id` holds less than it declares, for an image drawn
/// on a page that goes to the renderer: poppler paints missing samples as
/// blank, so a damaged scan would become an empty page without a word.
/// Checked where it is cheap to know: samples under plain filters
/// (width × height × bits per component × components) and JPEG data
/// cut short (no end marker, or scans short of the image). Other codecs are the renderer's to judge.
pub(super) fn shortfall(doc: &Document, id: ObjectId, max_pixels: u64) -> Option<String> {
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let dict = &stream.dict;
    let width = u64::try_from(int(doc, dict, b"Width")?).ok()?;
    let height = u64::try_from(int(doc, dict, b"Height")?).ok()?;
    let filters: Vec<&[u8]> = match dict.get(b"Filter").map(|f| resolve(doc, f)) {
        Err(_) => Vec::new(),
        Ok(Object::Name(n)) => vec![n.as_slice()],
        Ok(Object::Array(a)) => a
            .iter()
            .map(|f| resolve(doc, f).as_name().ok())
            .collect::<Option<_>>()?,
        Ok(_) => return None,
    };
    let plain = |fs: &[&[u8]]| fs.iter().all(|f| PLAIN_FILTERS.contains(f));
    if let Some((&b"DCTDecode", rest)) = filters.split_last() {
        if !plain(rest) {
            return None;
        }
        let data = if rest.is_empty() {
            stream.content.clone()
        } else {
            stream
                .decompressed_content_with_limit(MAX_CHECKED_BYTES)
                .ok()?
        };
        return crate::input::jpeg::damage(&data, max_pixels)
            .map(|what| format!("JPEG image data: {what}"));
    }
    if !plain(&filters) {
        return None;
    }
    let (bpc, n) = if flag(doc, dict, b"ImageMask").unwrap_or(false) {
        (1, 1)
    } else {
        let bpc = u64::try_from(int(doc, dict, b"BitsPerComponent")?).ok()?;
        let n = components(doc, dict.get(b"ColorSpace").ok()?)?;
        (bpc, u64::from(n))
    };
    let want = width
        .checked_mul(n)?
        .checked_mul(bpc)?
        .div_ceil(8)
        .checked_mul(height)?;
    let limit = usize::try_from(want).ok()?.min(MAX_CHECKED_BYTES);
    let got = stream.decompressed_content_with_limit(limit).ok()?.len();
    ((got as u64) < want && got < limit)
        .then(|| format!("image data is short ({got} of {want} bytes)"))
}

/// Samples decompressed at most to check an image's length (an image past
/// the pixel cap is refused anyway).
const MAX_CHECKED_BYTES: usize = 1 << 30;

/// Decide whether the image at `id`, drawn with fill colour `fill`, can be
/// decoded here, and gather what decoding needs.
impl Job {
    /// Whether the image is stored lossy (JPEG).
    pub fn is_lossy(&self) -> bool {
        self.codec == Codec::Dct
    }
}

pub(super) fn plan(doc: &Arc<Document>, id: ObjectId, fill: Fill) -> Option<Job> {
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let dict = &stream.dict;
    if dict.has(b"SMask") || dict.has(b"Mask") {
        return None; // transparency: the renderer composites it
    }
    let width = u32::try_from(int(doc, dict, b"Width")?).ok()?;
    let height = u32::try_from(int(doc, dict, b"Height")?).ok()?;
    let is_mask = flag(doc, dict, b"ImageMask").unwrap_or(false);

    // Filters in decoding order; a codec may only come last.
    let filters: Vec<Vec<u8>> = match dict.get(b"Filter").map(|f| resolve(doc, f)) {
        Err(_) => Vec::new(),
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .map(|f| resolve(doc, f).as_name().map(<[u8]>::to_vec).ok())
            .collect::<Option<_>>()?,
        Ok(_) => return None,
    };
    let params: Vec<Option<Dictionary>> = (0..filters.len())
        .map(|i| decode_parms(doc, dict, i, filters.len()))
        .collect();
    let (codec_filter, plain) = match filters.split_last() {
        Some((last, rest)) if !PLAIN_FILTERS.contains(&last.as_slice()) => (Some(last), rest),
        _ => (None, filters.as_slice()),
    };
    if !plain.iter().all(|f| PLAIN_FILTERS.contains(&f.as_slice())) {
        return None;
    }
    let last_params = params.last().cloned().flatten().unwrap_or_default();
    let codec = match codec_filter.map(Vec::as_slice) {
        None => Codec::Raw,
        Some(b"DCTDecode") => {
            if int(doc, &last_params, b"ColorTransform").is_some() {
                return None; // an explicit transform choice the decoder may not honour
            }
            Codec::Dct
        }
        Some(b"CCITTFaxDecode") => {
            let k = int(doc, &last_params, b"K").unwrap_or(0);
            let byte_align = flag(doc, &last_params, b"EncodedByteAlign").unwrap_or(false);
            let columns = int(doc, &last_params, b"Columns").unwrap_or(1728);
            let rows = int(doc, &last_params, b"Rows").unwrap_or(0);
            // The fax crate reads Group 4 and one-dimensional Group 3.
            if k > 0 || (k < 0 && byte_align) || columns != width as i64 {
                return None;
            }
            if rows != 0 && rows != height as i64 {
                return None;
            }
            Codec::Fax {
                k,
                black_is_1: flag(doc, &last_params, b"BlackIs1").unwrap_or(false),
            }
        }
        Some(_) => return None, // JBIG2, JPEG 2000, …
    };

    let bpc = if is_mask {
        1
    } else {
        match int(doc, dict, b"BitsPerComponent") {
            Some(b @ (1 | 2 | 4 | 8 | 16)) => b as u8,
            None if codec != Codec::Raw => 8,
            _ => return None,
        }
    };
    let color = if is_mask {
        Color::Mask(match fill {
            Fill::Gray(g) => Paint::Gray(unit_byte(g)),
            Fill::Rgb([r, g, b]) => Paint::Rgb([unit_byte(r), unit_byte(g), unit_byte(b)]),
            Fill::Cmyk(_) | Fill::Other => return None,
        })
    } else {
        image_color(doc, dict.get(b"ColorSpace").ok()?, bpc)?
    };
    if matches!(codec, Codec::Fax { .. }) && bpc != 1 {
        return None;
    }
    if codec == Codec::Dct && !matches!(color, Color::Gray | Color::Rgb) {
        return None;
    }
    let invert = match dict.get(b"Decode").map(|d| resolve(doc, d)) {
        Err(_) => false,
        Ok(Object::Array(d)) => decode_inverted(doc, d, &color, bpc)?,
        Ok(_) => return None,
    };

    let mut plain_dict = Dictionary::new();
    if !plain.is_empty() {
        let names = plain.iter().map(|f| Object::Name(f.clone())).collect();
        plain_dict.set("Filter", Object::Array(names));
        let parms = params[..plain.len()]
            .iter()
            .map(|p| p.clone().map_or(Object::Null, Object::Dictionary))
            .collect();
        plain_dict.set("DecodeParms", Object::Array(parms));
    }
    Some(Job {
        dict: plain_dict,
        doc: Arc::clone(doc),
        id,
        codec,
        width,
        height,
        bpc,
        color,
        invert,
    })
}

/// The /DecodeParms of filter `i`, with its values resolved so lopdf's
/// predictor code sees plain numbers.
fn decode_parms(doc: &Document, dict: &Dictionary, i: usize, n: usize) -> Option<Dictionary> {
    let parms = resolve(doc, dict.get(b"DecodeParms").ok()?);
    let d = match parms {
        Object::Dictionary(d) if n == 1 || i == n - 1 => d,
        Object::Array(a) => resolve(doc, a.get(i)?).as_dict().ok()?,
        _ => return None,
    };
    let mut out = Dictionary::new();
    for (k, v) in d {
        out.set(k.clone(), resolve(doc, v).clone());
    }
    Some(out)
}

fn unit_byte(v: f32) -> u8 {
    (v.clamp(0.0, 1.0) * 255.0).round() as u8
}

fn image_color(doc: &Document, cs: &Object, bpc: u8) -> Option<Color> {
    let cs = resolve(doc, cs);
    if let Object::Array(a) = cs
        && a.first().and_then(|o| o.as_name().ok()) == Some(b"Indexed")
    {
        if bpc > 8 {
            return None;
        }
        let rgb = match components(doc, a.get(1)?)? {
            1 => false,
            3 if super::space::rgb_as_is(doc, a.get(1)?) => true,
            _ => return None,
        };
        let hival = u8::try_from(resolve(doc, a.get(2)?).as_i64().ok()?).ok()?;
        let lut = match resolve(doc, a.get(3)?) {
            Object::String(s, _) => s.clone(),
            Object::Stream(s) => s.decompressed_content_with_limit(1 << 16).ok()?,
            _ => return None,
        };
        let n = if rgb { 3 } else { 1 };
        if lut.len() < (hival as usize + 1) * n {
            return None;
        }
        return Some(Color::Indexed { rgb, hival, lut });
    }
    match components(doc, cs)? {
        1 => Some(Color::Gray),
        3 if super::space::rgb_as_is(doc, cs) => Some(Color::Rgb),
        _ => None, // CMYK: leave the colour conversion to the renderer
    }
}

/// Whether a /Decode array inverts the samples; `None` for any other range.
fn decode_inverted(doc: &Document, d: &[Object], color: &Color, bpc: u8) -> Option<bool> {
    let v: Vec<f32> = d
        .iter()
        .map(|o| resolve(doc, o).as_float().ok())
        .collect::<Option<_>>()?;
    if let Color::Indexed { .. } = color {
        let max = ((1u32 << bpc) - 1) as f32;
        return (v == [0.0, max]).then_some(false);
    }
    let n = color.components() as usize;
    if v.len() != 2 * n {
        return None;
    }
    if v.chunks(2).all(|p| p == [0.0, 1.0]) {
        Some(false)
    } else if v.chunks(2).all(|p| p == [1.0, 0.0]) {
        Some(true)
    } else {
        None
    }
}

/// Decode the image into pixels, with what is missing from JPEG data
/// kept under [`Limits::accept_truncated`] (for the page's
/// `truncated_input` warning). `Ok(None)` means the codec met a variant it
/// cannot read and the page should be rendered instead.
pub(super) fn decode(
    job: &Job,
    path: &Path,
    page: u32,
    limits: &Limits,
) -> Result<Option<(Pixels, Option<String>)>> {
    check_size(path, job.width, job.height, limits)?;
    let (w, h) = (job.width as usize, job.height as usize);
    let stride = (w * job.color.components() as usize * job.bpc as usize).div_ceil(8);
    let raw_len = stride * h;
    // Encoded data is rarely larger than the samples; the margin covers
    // tiny images and headers.
    let limit = raw_len.saturating_mul(2).saturating_add(1 << 20);
    let content = job
        .doc
        .get_object(job.id)
        .and_then(Object::as_stream)
        .map(|s| s.content.clone())
        .map_err(|e| Error::input(path, format!("page {page}: image is missing: {e}")))?;
    let data = Stream::new(job.dict.clone(), content)
        .decompressed_content_with_limit(limit)
        .map_err(|e| {
            Error::input(
                path,
                format!("page {page}: image data cannot be decompressed: {e}"),
            )
        })?;
    let samples = match job.codec {
        Codec::Raw => data,
        Codec::Fax { k, black_is_1 } => {
            match fax_decode(&data, job.width, job.height, k, black_is_1) {
                Some(s) => s,
                None => return Ok(None),
            }
        }
        Codec::Dct => {
            let damage = crate::input::jpeg::damage(&data, limits.max_pixels);
            if let Some(what) = &damage
                && !limits.accept_truncated
            {
                return Err(Error::input(
                    path,
                    format!(
                        "page {page}: JPEG image data: {what}; --accept-truncated keeps what decodes"
                    ),
                ));
            }
            return Ok(dct_decode(&data, job, limits).map(|p| (p, damage)));
        }
    };
    if samples.len() < raw_len {
        return Err(Error::input(
            path,
            format!(
                "page {page}: image data is short ({} of {raw_len} bytes)",
                samples.len()
            ),
        ));
    }
    Ok(Some((
        to_pixels(
            &samples, job.width, job.height, job.bpc, &job.color, job.invert,
        ),
        None,
    )))
}

/// CCITT fax data into packed 1-bit rows (MSB first, rows padded to
/// bytes), with black as 0 unless /BlackIs1.
fn fax_decode(data: &[u8], width: u32, height: u32, k: i64, black_is_1: bool) -> Option<Vec<u8>> {
    let stride = (width as usize).div_ceil(8);
    let mut out = Vec::with_capacity(stride * height as usize);
    let mut emit = |transitions: &[u32]| {
        let start = out.len();
        out.resize(start + stride, 0);
        let row = &mut out[start..];
        // Runs alternate white, black, … between the colour changes; the
        // last colour lasts to the end of the line.
        let (mut from, mut black) = (0u32, false);
        for &t in transitions.iter().chain([width].iter()) {
            let to = t.clamp(from, width);
            if black == black_is_1 {
                for x in from as usize..to as usize {
                    row[x / 8] |= 0x80 >> (x % 8);
                }
            }
            (from, black) = (to, !black);
        }
    };
    let mut rows = 0;
    if k < 0 {
        fax::decoder::decode_g4(data.iter().copied(), width, Some(height), |t| {
            if rows < height {
                emit(t);
                rows += 1;
            }
        })?;
    } else {
        use fax::decoder::{DecodeStatus, Group3Decoder};
        let bytes = data.iter().map(|b| Ok::<u8, std::convert::Infallible>(*b));
        let mut dec = Group3Decoder::new(bytes).ok()?;
        while rows < height {
            let status = dec.advance().ok()?;
            emit(dec.transitions());
            rows += 1;
            if status == DecodeStatus::End {
                break;
            }
        }
    }
    (rows == height).then_some(out)
}

/// JPEG via the `image` crate. CMYK and YCCK JPEGs (whose inversion
/// conventions differ between producers) go to the renderer.
fn dct_decode(data: &[u8], job: &Job, limits: &Limits) -> Option<Pixels> {
    let components = jpeg_components(data)?;
    if components != job.color.components() {
        return None;
    }
    let mut r =
        image::ImageReader::with_format(std::io::Cursor::new(data), image::ImageFormat::Jpeg);
    let mut lim = image::Limits::default();
    lim.max_image_width = Some(job.width);
    lim.max_image_height = Some(job.height);
    lim.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    r.limits(lim);
    let img = r.decode().ok()?;
    if (img.width(), img.height()) != (job.width, job.height) {
        return None;
    }
    let mut pixels = crate::input::Pixels::from_dynamic(img);
    if job.invert {
        match &mut pixels {
            Pixels::Gray(g) => image::imageops::invert(g),
            Pixels::Rgb(c) => image::imageops::invert(c),
        }
    }
    Some(pixels)
}

/// Number of colour components in a JPEG's frame header.
fn jpeg_components(data: &[u8]) -> Option<u32> {
    let mut pos = 2;
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    while pos + 4 <= data.len() {
        if data[pos] != 0xFF {
            return None;
        }
        let marker = data[pos + 1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        let len = u16::from_be_bytes([data[pos + 2], data[pos + 3]]) as usize;
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            return data.get(pos + 9).map(|&n| n as u32);
        }
        pos += 2 + len;
    }
    None
}

/// Unpack samples of `bpc` bits and map them through the colour space.
fn to_pixels(samples: &[u8], w: u32, h: u32, bpc: u8, color: &Color, invert: bool) -> Pixels {
    let n = color.components() as usize;
    let per_row = w as usize * n;
    let stride = (per_row * bpc as usize).div_ceil(8);
    let max = (1u32 << bpc.min(8)) - 1;
    let scale = |s: u8| -> u8 {
        let v = (s as u32 * 255 + max / 2) / max;
        if invert { 255 - v as u8 } else { v as u8 }
    };
    let mut unpacked = vec![0u8; per_row];
    let gray = match color {
        Color::Gray => true,
        Color::Rgb => false,
        Color::Indexed { rgb, .. } => !rgb,
        Color::Mask(Paint::Gray(_)) => true,
        Color::Mask(Paint::Rgb(_)) => false,
    };
    let out_n = if gray { 1 } else { 3 };
    let mut out = Vec::with_capacity(w as usize * h as usize * out_n);
    for row in samples.chunks(stride).take(h as usize) {
        unpack(row, bpc, &mut unpacked);
        match color {
            Color::Gray | Color::Rgb => out.extend(unpacked.iter().map(|&s| scale(s))),
            Color::Indexed { rgb, hival, lut } => {
                let k = if *rgb { 3 } else { 1 };
                for &s in &unpacked {
                    let i = s.min(*hival) as usize * k;
                    out.extend_from_slice(&lut[i..i + k]);
                }
            }
            Color::Mask(paint) => {
                let paint_sample = if invert { 1 } else { 0 };
                for &s in &unpacked {
                    match (s == paint_sample, paint) {
                        (true, Paint::Gray(g)) => out.push(*g),
                        (true, Paint::Rgb(c)) => out.extend_from_slice(c),
                        (false, _) => out.extend(std::iter::repeat_n(255, out_n)),
                    }
                }
            }
        }
    }
    if gray {
        Pixels::Gray(GrayImage::from_raw(w, h, out).expect("one byte per pixel"))
    } else {
        Pixels::Rgb(RgbImage::from_raw(w, h, out).expect("three bytes per pixel"))
    }
}

/// Split one packed row into one byte per sample (16-bit keeps the high byte).
fn unpack(row: &[u8], bpc: u8, out: &mut [u8]) {
    match bpc {
        8 => out.copy_from_slice(&row[..out.len()]),
        16 => {
            for (o, pair) in out.iter_mut().zip(row.chunks_exact(2)) {
                *o = pair[0];
            }
        }
        _ => {
            let bits = bpc as usize;
            let mask = (1u8 << bits) - 1;
            for (i, o) in out.iter_mut().enumerate() {
                let bit = i * bits;
                *o = (row[bit / 8] >> (8 - bits - bit % 8)) & mask;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_byte_samples_unpack_msb_first() {
        let mut out = [0u8; 8];
        unpack(&[0b1011_0001], 1, &mut out);
        assert_eq!(out, [1, 0, 1, 1, 0, 0, 0, 1]);
        let mut out = [0u8; 4];
        unpack(&[0b1110_0100], 2, &mut out);
        assert_eq!(out, [3, 2, 1, 0]);
        let mut out = [0u8; 3];
        unpack(&[0xA5, 0xF0], 4, &mut out);
        assert_eq!(out, [0xA, 0x5, 0xF]);
        let mut out = [0u8; 2];
        unpack(&[0x12, 0x34, 0xAB, 0xCD], 16, &mut out);
        assert_eq!(out, [0x12, 0xAB]);
    }

    #[test]
    fn one_bit_gray_scales_and_inverts() {
        // 3 pixels wide: each row is one byte, padded.
        let rows = [0b1010_0000, 0b0100_0000];
        let Pixels::Gray(g) = to_pixels(&rows, 3, 2, 1, &Color::Gray, false) else {
            panic!("grey expected")
        };
        assert_eq!(g.as_raw(), &[255, 0, 255, 0, 255, 0]);
        let Pixels::Gray(g) = to_pixels(&rows, 3, 2, 1, &Color::Gray, true) else {
            panic!("grey expected")
        };
        assert_eq!(g.as_raw(), &[0, 255, 0, 255, 0, 255]);
        // 2-bit grey: 0, 1, 2, 3 → 0, 85, 170, 255.
        let Pixels::Gray(g) = to_pixels(&[0b0001_1011], 4, 1, 2, &Color::Gray, false) else {
            panic!("grey expected")
        };
        assert_eq!(g.as_raw(), &[0, 85, 170, 255]);
    }

    #[test]
    fn indexed_and_mask_colours() {
        let color = Color::Indexed {
            rgb: true,
            hival: 1,
            lut: vec![255, 0, 0, 0, 0, 255],
        };
        // Index 2 is beyond hival and clamps to the last entry, as viewers do.
        let Pixels::Rgb(c) = to_pixels(&[0, 1, 2], 3, 1, 8, &color, false) else {
            panic!("colour expected")
        };
        assert_eq!(c.as_raw(), &[255, 0, 0, 0, 0, 255, 0, 0, 255]);
        let mask = Color::Mask(Paint::Rgb([200, 10, 20]));
        let Pixels::Rgb(c) = to_pixels(&[0b0100_0000], 2, 1, 1, &mask, false) else {
            panic!("colour expected")
        };
        assert_eq!(c.as_raw(), &[200, 10, 20, 255, 255, 255]);
        let Pixels::Rgb(c) = to_pixels(&[0b0100_0000], 2, 1, 1, &mask, true) else {
            panic!("colour expected")
        };
        assert_eq!(c.as_raw(), &[255, 255, 255, 200, 10, 20]);
    }

    #[test]
    fn g4_round_trip_honours_black_is_1() {
        // A 20x3 page with a black bar, encoded by the fax crate.
        let (w, h) = (20u32, 3u32);
        let black = |x: u32, y: u32| y == 1 && (5..15).contains(&x);
        let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
        for y in 0..h {
            let line = (0..w).map(|x| {
                if black(x, y) {
                    fax::Color::Black
                } else {
                    fax::Color::White
                }
            });
            enc.encode_line(line, w).unwrap();
        }
        let data = enc.finish().unwrap().finish();
        for black_is_1 in [false, true] {
            let bits = fax_decode(&data, w, h, -1, black_is_1).unwrap();
            for y in 0..h {
                for x in 0..w {
                    let byte = bits[(y * 3 + x / 8) as usize];
                    let one = byte & (0x80 >> (x % 8)) != 0;
                    assert_eq!(one, black(x, y) == black_is_1, "({x},{y})");
                }
            }
        }
        // One-dimensional G3 without the EOL codes the fax crate needs is
        // left to the renderer (G4 data read as G3 has none).
        assert_eq!(fax_decode(&data, w, h, 0, false), None);
    }

    #[test]
    fn g3_one_dimensional_with_eols() {
        // T.4 codes for an 8-pixel page: EOL, white 8; EOL, white 3,
        // black 2, white 3; then RTC (six EOLs).
        let eol = "000000000001";
        let bits = [eol, "10011", eol, "1000", "11", "1000", &eol.repeat(6)].concat();
        let mut data = vec![0u8; bits.len().div_ceil(8)];
        for (i, b) in bits.bytes().enumerate() {
            if b == b'1' {
                data[i / 8] |= 0x80 >> (i % 8);
            }
        }
        assert_eq!(
            fax_decode(&data, 8, 2, 0, false),
            Some(vec![0xFF, 0b1110_0111])
        );
        assert_eq!(
            fax_decode(&data, 8, 2, 0, true),
            Some(vec![0x00, 0b0001_1000])
        );
    }

    #[test]
    fn jpeg_frame_components() {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode(
                &[10, 20, 30, 40, 50, 60],
                2,
                1,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        assert_eq!(jpeg_components(&jpeg), Some(3));
        assert_eq!(jpeg_components(b"not a jpeg"), None);
    }

    /// lopdf undoes PNG predictors for the Flate data this module hands it.
    #[test]
    fn flate_with_png_predictors() {
        use std::io::Write;
        // Two RGB pixels per row, two rows: row 0 uses Sub, row 1 uses Up.
        let rows = [[10u8, 20, 30, 40, 60, 80], [11, 21, 31, 41, 61, 81]];
        let mut encoded = vec![1u8];
        encoded.extend_from_slice(&rows[0][..3]);
        encoded.extend((3..6).map(|i| rows[0][i].wrapping_sub(rows[0][i - 3])));
        encoded.push(2);
        encoded.extend((0..6).map(|i| rows[1][i].wrapping_sub(rows[0][i])));
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&encoded).unwrap();
        let mut parms = Dictionary::new();
        parms.set("Predictor", 15);
        parms.set("Colors", 3);
        parms.set("Columns", 2);
        let mut dict = Dictionary::new();
        dict.set(
            "Filter",
            Object::Array(vec![Object::Name(b"FlateDecode".to_vec())]),
        );
        dict.set(
            "DecodeParms",
            Object::Array(vec![Object::Dictionary(parms)]),
        );
        let s = Stream::new(dict, z.finish().unwrap());
        let samples = s.decompressed_content_with_limit(1 << 10).unwrap();
        assert_eq!(samples, rows.concat());
    }
}
