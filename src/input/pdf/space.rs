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
