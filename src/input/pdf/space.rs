//! Colour as the PDF reader needs it: the fill colour of content streams
//! and the component count of a colour space. Shared by the content-stream
//! walker and the image decoder, so neither depends on the other.

use super::resolve;
use lopdf::{Document, Object};

/// The colour that paints fills, text and image masks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fill {
    Gray(f32),
    Rgb([f32; 3]),
    Cmyk([f32; 4]),
    /// Patterns, separations and other spaces this module does not follow.
    Other,
}

/// Colour components of a grey, RGB or CMYK-like colour space (device,
/// calibrated or ICC-based); `None` for indexed, patterns, separations, Lab.
pub(super) fn components(doc: &Document, cs: &Object) -> Option<u8> {
    match resolve(doc, cs) {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Some(1),
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Some(3),
            b"DeviceCMYK" | b"CMYK" => Some(4),
            _ => None,
        },
        Object::Array(a) => match a.first().and_then(|o| o.as_name().ok())? {
            b"CalGray" => Some(1),
            b"CalRGB" => Some(3),
            b"ICCBased" => {
                let s = resolve(doc, a.get(1)?).as_stream().ok()?;
                let n = resolve(doc, s.dict.get(b"N").ok()?).as_i64().ok()?;
                u8::try_from(n).ok().filter(|n| matches!(n, 1 | 3 | 4))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether an RGB image's samples are shown as they are (on an sRGB
/// screen) by poppler and MuPDF: device and calibrated spaces are, an ICC
/// profile only when it is sRGB; any other profile (Adobe RGB, a camera's)
/// is converted by the viewer, so the page is rendered instead of taking
/// the samples for sRGB.
pub(super) fn rgb_as_is(doc: &Document, cs: &Object) -> bool {
    let Object::Array(a) = resolve(doc, cs) else {
        return true;
    };
    if a.first().and_then(|o| o.as_name().ok()) != Some(b"ICCBased") {
        return true;
    }
    let Some(profile) = a
        .get(1)
        .and_then(|p| resolve(doc, p).as_stream().ok())
        .and_then(|s| s.decompressed_content_with_limit(1 << 20).ok())
    else {
        return false;
    };
    // The profile's description tag names it ("sRGB IEC61966-2.1",
    // "sRGB built-in", in ASCII or UTF-16).
    let utf16: Vec<u8> = "sRGB".bytes().flat_map(|b| [0, b]).collect();
    profile.windows(4).any(|w| w == b"sRGB") || profile.windows(8).any(|w| w == utf16.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    #[test]
    fn only_srgb_profiles_are_taken_as_they_are() {
        let mut doc = Document::with_version("1.7");
        let mut icc = |desc: &[u8]| {
            let mut data = vec![0u8; 128];
            data.extend_from_slice(b"desc\0\0\0\0");
            data.extend_from_slice(desc);
            let id = doc.add_object(Stream::new(dictionary! { "N" => 3 }, data));
            Object::Array(vec![Object::Name(b"ICCBased".to_vec()), id.into()])
        };
        let srgb = icc(b"sRGB IEC61966-2.1");
        let adobe = icc(b"Adobe RGB (1998)");
        assert!(rgb_as_is(&doc, &srgb));
        assert!(!rgb_as_is(&doc, &adobe));
        assert!(rgb_as_is(&doc, &Object::Name(b"DeviceRGB".to_vec())));
    }
}
