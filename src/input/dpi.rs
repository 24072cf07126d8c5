//! Resolution read from the file's own header.
//!
//! The `image` crate decodes pixels but drops resolution metadata, so the few
//! header fields that carry it (PNG `pHYs`, JPEG JFIF `APP0`, BMP
//! `biXPelsPerMeter`, TIFF `XResolution`) are read here directly. TIFF is
//! handled in `tiff.rs`; WebP and GIF carry no resolution.

/// Horizontal and vertical resolution in dots per inch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dpi {
    /// Horizontal resolution.
    pub x: f32,
    /// Vertical resolution.
    pub y: f32,
}

impl Dpi {
    /// What a file without a resolution is taken to have: the common scan
    /// resolution.
    pub const DEFAULT: Dpi = Dpi { x: 300.0, y: 300.0 };

    /// The same resolution both ways.
    pub fn uniform(v: f32) -> Dpi {
        Dpi { x: v, y: v }
    }

    /// Keep only plausible values: headers often hold 0 or 1 for "unknown".
    pub(crate) fn plausible(x: f32, y: f32) -> Option<Dpi> {
        let ok = |v: f32| v.is_finite() && (20.0..=10_000.0).contains(&v);
        match (ok(x), ok(y)) {
            (true, true) => Some(Dpi { x, y }),
            (true, false) => Some(Dpi::uniform(x)),
            (false, true) => Some(Dpi::uniform(y)),
            _ => None,
        }
    }
}

/// Below this a stated resolution is not trusted on its own: 72 and 96 dpi
/// are screen and camera defaults (phones write 72 into every photo), not
/// a measurement of the paper.
pub const MIN_TRUSTED_DPI: f32 = 150.0;
/// Longest paper side taken as plausible, in inches: A3 is 16.5 in,
/// tabloid 17 in. A page longer than this at the stated (or assumed)
/// resolution is a photo whose resolution says nothing about the paper.
pub const MAX_PAPER_IN: f32 = 17.0;
/// Paper the estimate chooses from: (name, long side, short side) in
/// inches, ISO 216 A4 and US Letter.
const PAPERS: [(&str, f32, f32); 2] = [("A4", 11.69, 8.27), ("Letter", 11.0, 8.5)];

/// A resolution guessed from the page's proportions, for a photo whose
/// own resolution (`dpi`, `None` when the file has none and 300 dpi was
/// assumed) is below [`MIN_TRUSTED_DPI`] or unknown and would make the page
/// longer than [`MAX_PAPER_IN`]: the paper (A4 or Letter) whose
/// proportions are nearest the image's is assumed to fill it, so the long
/// side in pixels over the paper's long side in inches is the resolution.
/// Returns it with the paper's name.
pub(crate) fn paper_estimate((w, h): (u32, u32), dpi: Option<Dpi>) -> Option<(Dpi, &'static str)> {
    let stated = dpi.unwrap_or(Dpi::DEFAULT);
    if dpi.is_some() && stated.x.min(stated.y) >= MIN_TRUSTED_DPI {
        return None;
    }
    let inches = (w as f32 / stated.x).max(h as f32 / stated.y);
    if inches <= MAX_PAPER_IN {
        return None;
    }
    let (long, short) = (w.max(h) as f32, w.min(h).max(1) as f32);
    let aspect = long / short;
    let (name, long_in, _) = PAPERS.into_iter().min_by(|a, b| {
        let off = |p: &(&str, f32, f32)| (p.1 / p.2 - aspect).abs();
        off(a).total_cmp(&off(b))
    })?;
    let estimate = (long / long_in).round();
    Dpi::plausible(estimate, estimate).map(|d| (d, name))
}

/// Resolution from a PNG's `pHYs` chunk, if it states metres.
pub fn png(data: &[u8]) -> Option<Dpi> {
    let mut pos = 8;
    while pos + 8 <= data.len() {
        let len = u32::from_be_bytes(data[pos..pos + 4].try_into().ok()?) as usize;
        let kind = &data[pos + 4..pos + 8];
        let body = data.get(pos + 8..pos + 8 + len)?;
        match kind {
            b"pHYs" if len == 9 && body[8] == 1 => {
                let ppm_x = u32::from_be_bytes(body[0..4].try_into().ok()?) as f32;
                let ppm_y = u32::from_be_bytes(body[4..8].try_into().ok()?) as f32;
                return Dpi::plausible(ppm_x * 0.0254, ppm_y * 0.0254);
            }
            b"IDAT" | b"IEND" => return None,
            _ => {}
        }
        pos += 12 + len;
    }
    None
}

/// Resolution from a BMP's info header (pixels per metre at bytes 38 and
/// 42 of the file, in every header version from BITMAPINFOHEADER on; the
/// old 12-byte core header has none).
pub fn bmp(data: &[u8]) -> Option<Dpi> {
    let header = u32::from_le_bytes(data.get(14..18)?.try_into().ok()?);
    if header < 40 {
        return None;
    }
    let ppm = |at: usize| -> Option<f32> {
        Some(i32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?) as f32)
    };
    Dpi::plausible(ppm(38)? * 0.0254, ppm(42)? * 0.0254)
}

/// Resolution from a JPEG's JFIF `APP0` segment, if it states inches or
/// cm, else from its EXIF `APP1` segment ([`exif`]): cameras, iPhones
/// among them, write no JFIF segment, only EXIF (72 dpi, which is how a
/// photo is told from a scan).
pub fn jpeg(data: &[u8]) -> Option<Dpi> {
    let mut pos = 2;
    let mut from_exif = None;
    while pos + 4 <= data.len() && data[pos] == 0xFF {
        let marker = data[pos + 1];
        let len = u16::from_be_bytes([data[pos + 2], data[pos + 3]]) as usize;
        let Some(body) = data.get(pos + 4..pos + 2 + len) else {
            break;
        };
        if marker == 0xE0 && body.len() >= 12 && body.starts_with(b"JFIF\0") {
            let x = u16::from_be_bytes([body[8], body[9]]) as f32;
            let y = u16::from_be_bytes([body[10], body[11]]) as f32;
            let stated = match body[7] {
                1 => Dpi::plausible(x, y),
                2 => Dpi::plausible(x * 2.54, y * 2.54),
                _ => None,
            };
            if stated.is_some() {
                return stated;
            }
        }
        if marker == 0xE1 && from_exif.is_none() && body.starts_with(b"Exif\0\0") {
            from_exif = exif(body);
        }
        if marker == 0xDA {
            break;
        }
        pos += 2 + len;
    }
    from_exif
}

/// Resolution from EXIF data (a TIFF header and its first directory, with
/// or without JPEG's `Exif\0\0` before it): `XResolution` and
/// `YResolution` in the unit of `ResolutionUnit` (inches unless it says
/// centimetres; none when it says it has no unit).
pub fn exif(data: &[u8]) -> Option<Dpi> {
    let t = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
    let le = match t.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u32> {
        let b: [u8; 2] = t.get(at..at + 2)?.try_into().ok()?;
        Some(if le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        } as u32)
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = t.get(at..at + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let (mut x, mut y, mut unit) = (None, None, 2);
    for i in 0..u16_at(ifd)? as usize {
        let entry = ifd + 2 + 12 * i;
        let rational = || -> Option<f32> {
            let at = u32_at(entry + 8)? as usize;
            let (num, den) = (u32_at(at)?, u32_at(at + 4)?);
            (den > 0).then(|| num as f32 / den as f32)
        };
        match (u16_at(entry)?, u16_at(entry + 2)?) {
            (0x011A, 5) => x = rational(),
            (0x011B, 5) => y = rational(),
            (0x0128, 3) => unit = u16_at(entry + 8)?,
            _ => {}
        }
    }
    let scale = match unit {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    let (x, y) = (x.unwrap_or(f32::NAN), y.unwrap_or(f32::NAN));
    Dpi::plausible(x * scale, y * scale)
}

/// Resolution from the EXIF of a PNG's `eXIf` chunk (where heif-convert
/// puts a HEIC's EXIF; `pHYs` is PNG's own, [`png`]).
pub fn png_exif(data: &[u8]) -> Option<Dpi> {
    let mut pos = 8;
    while pos + 8 <= data.len() {
        let len = u32::from_be_bytes(data[pos..pos + 4].try_into().ok()?) as usize;
        let body = data.get(pos + 8..(pos + 8).checked_add(len)?)?;
        match &data[pos + 4..pos + 8] {
            b"eXIf" => return exif(body),
            b"IEND" => return None,
            _ => {}
        }
        pos += 12 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_phys_in_metres_becomes_dpi() {
        let mut png_bytes = Vec::new();
        let img = image::GrayImage::new(4, 4);
        let mut enc = png::Encoder::new(&mut png_bytes, 4, 4);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 11811,
            yppu: 7874,
            unit: png::Unit::Meter,
        }));
        enc.write_header().unwrap().write_image_data(&img).unwrap();
        let dpi = png(&png_bytes).unwrap();
        assert!(
            (dpi.x - 300.0).abs() < 0.1 && (dpi.y - 200.0).abs() < 0.1,
            "{dpi:?}"
        );
    }

    #[test]
    fn jfif_density_in_inches() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        bytes.extend_from_slice(b"JFIF\0");
        bytes.extend_from_slice(&[1, 1, 1, 0x01, 0x2C, 0x01, 0x2C, 0, 0]);
        bytes.extend_from_slice(&[0xFF, 0xDA]);
        assert_eq!(jpeg(&bytes), Some(Dpi::uniform(300.0)));
    }

    #[test]
    fn phone_photos_get_a_resolution_from_their_paper() {
        // A 12 MP phone photo (4032 x 3024) at 72 dpi would be 56 in long;
        // 4:3 is nearer Letter's proportions than A4's.
        let (d, paper) = paper_estimate((3024, 4032), Some(Dpi::uniform(72.0))).unwrap();
        assert_eq!((d, paper), (Dpi::uniform(367.0), "Letter"));
        // An A4-shaped photo without any resolution, too long at 300 dpi.
        let (d, paper) = paper_estimate((5953, 8419), None).unwrap();
        assert_eq!((d, paper), (Dpi::uniform(720.0), "A4"));
        // Trusted or plausible: left alone.
        assert_eq!(
            paper_estimate((3024, 4032), Some(Dpi::uniform(300.0))),
            None
        );
        assert_eq!(paper_estimate((2480, 3508), None), None);
        assert_eq!(paper_estimate((600, 800), Some(Dpi::uniform(72.0))), None);
    }

    #[test]
    fn implausible_values_are_unknown() {
        assert_eq!(Dpi::plausible(1.0, 1.0), None);
        assert_eq!(Dpi::plausible(0.0, 300.0), Some(Dpi::uniform(300.0)));
    }

    /// EXIF as a TIFF header (big-endian) and one directory of three
    /// entries: `dpi`/1 × `dpi`/1 per inch.
    fn exif_inches(dpi: u32) -> Vec<u8> {
        let mut t = b"MM\0*\0\0\0\x08\0\x03".to_vec();
        for (tag, kind, value) in [(0x011A, 5, 50), (0x011B, 5, 50), (0x0128, 3, 2 << 16)] {
            t.extend((tag as u16).to_be_bytes());
            t.extend((kind as u16).to_be_bytes());
            t.extend(1u32.to_be_bytes());
            t.extend((value as u32).to_be_bytes());
        }
        t.extend(0u32.to_be_bytes());
        t.extend(dpi.to_be_bytes());
        t.extend(1u32.to_be_bytes());
        t
    }

    /// A JPEG's segments after SOI, each (marker, body), then SOS.
    fn jpeg_of(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8];
        for (marker, body) in segments {
            f.extend_from_slice(&[0xFF, *marker]);
            f.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
            f.extend_from_slice(body);
        }
        f.extend_from_slice(&[0xFF, 0xDA, 0, 2]);
        f
    }

    #[test]
    fn a_jpeg_without_jfif_density_takes_its_exif_resolution() {
        let t = [b"Exif\0\0".as_slice(), &exif_inches(300)].concat();
        let jfif = |unit: u8, v: u16| {
            let mut b = b"JFIF\0\x01\x02".to_vec();
            b.push(unit);
            b.extend_from_slice(&v.to_be_bytes());
            b.extend_from_slice(&v.to_be_bytes());
            b.extend_from_slice(&[0, 0]);
            b
        };
        // Only EXIF (an iPhone's camera), or JFIF stating no unit.
        assert_eq!(
            jpeg(&jpeg_of(&[(0xE1, t.clone())])),
            Some(Dpi::uniform(300.0))
        );
        assert_eq!(
            jpeg(&jpeg_of(&[(0xE0, jfif(0, 1)), (0xE1, t.clone())])),
            Some(Dpi::uniform(300.0))
        );
        // JFIF's own density comes first.
        assert_eq!(
            jpeg(&jpeg_of(&[(0xE0, jfif(1, 200)), (0xE1, t.clone())])),
            Some(Dpi::uniform(200.0))
        );
        // Neither: unknown; a segment cut short ends the walk.
        assert_eq!(jpeg(&jpeg_of(&[(0xE0, jfif(0, 1))])), None);
        let mut cut = jpeg_of(&[(0xE1, t)]);
        cut.truncate(20);
        assert_eq!(jpeg(&cut), None);
    }

    #[test]
    fn exif_resolution_in_inches_or_centimetres() {
        let t = exif_inches(72);
        assert_eq!(t.len(), 58);
        assert_eq!(exif(&t), Some(Dpi::uniform(72.0)));
        // Per centimetre: 118.11/cm is 300 dpi; no unit: nothing.
        let mut cm = t.clone();
        cm[8 + 2 + 24 + 9] = 3;
        cm[50..54].copy_from_slice(&11811u32.to_be_bytes());
        cm[54..58].copy_from_slice(&100u32.to_be_bytes());
        let d = exif(&cm).unwrap();
        assert!((d.x - 300.0).abs() < 0.1, "{d:?}");
        cm[8 + 2 + 24 + 9] = 1;
        assert_eq!(exif(&cm), None);
        assert_eq!(exif(b"Exif\0\0II"), None);
    }
}
