//! Whether a JPEG file is whole.
//!
//! Two checks: the markers end with EOI (here), and the scans hold data
//! for every block of the image ([`scans`], for files cut and
//! re-terminated).
//!
//! The JPEG decoder the `image` crate uses (zune-jpeg) fills missing
//! entropy-coded data with grey and returns success, so a scan cut short by
//! a failed copy or a scanner that stopped writing decodes "fine" with part
//! of the page gone. A whole JPEG ends with an EOI marker (FF D9) after its
//! last scan (ITU-T T.81, B.2.1), so walking the marker segments tells a
//! complete file from a truncated one without decoding it.

mod scans;

/// What is missing from a JPEG's image data, in words (`truncated JPEG
/// (…)`, `corrupt JPEG (…)`); `None` when it is whole: its markers end
/// with EOI ([`ending`]) and its scans hold every block of the image
/// ([`scans::check`]). A frame over `max_pixels` is not walked: the size
/// check refuses it with the one "too large" message.
pub(crate) fn damage(data: &[u8], max_pixels: u64) -> Option<String> {
    match ending(data) {
        Ending::Truncated { at } => Some(format!("truncated JPEG (data ends at byte {at})")),
        Ending::Complete => scans::check(data, max_pixels).map(|d| d.describe()),
    }
}

/// Width and height from the frame header (SOFn), read before any
/// decoder: the image crate's reader asks for a scan too, so a huge frame
/// without one would get the decoder's words instead of "too large".
pub(crate) fn size(data: &[u8]) -> Option<(u32, u32)> {
    if data.get(..2)? != [0xFF, SOI] {
        return None;
    }
    let mut i = 2;
    loop {
        if *data.get(i)? != 0xFF {
            return None;
        }
        while *data.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *data.get(i)?;
        i += 1;
        if marker == EOI || marker == SOS {
            return None;
        }
        if standalone(marker) {
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]));
        // SOF0–SOF15, less DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let b = data.get(i + 2..i + 7)?;
            let h = u16::from_be_bytes([b[1], b[2]]);
            let w = u16::from_be_bytes([b[3], b[4]]);
            return Some((u32::from(w), u32::from(h)));
        }
        i += len.max(2);
    }
}

/// How a JPEG's marker structure ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The EOI marker follows the last scan (anything after it is ignored,
    /// as decoders do: cameras append preview images there).
    Complete,
    /// The data stops before EOI; `at` is its length in bytes.
    Truncated { at: usize },
}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
/// Restart markers RST0–RST7 and TEM stand alone: no length follows.
fn standalone(marker: u8) -> bool {
    (0xD0..=0xD7).contains(&marker) || marker == 0x01
}

/// Walk the marker segments from SOI to EOI. A file that does not even
/// start with SOI is left to the decoder to refuse.
pub(crate) fn ending(data: &[u8]) -> Ending {
    let truncated = Ending::Truncated { at: data.len() };
    if data.len() < 2 || data[0] != 0xFF || data[1] != SOI {
        return truncated;
    }
    let mut i = 2;
    loop {
        // A marker is FF, optionally padded with more FFs (B.1.1.2).
        if data.get(i) != Some(&0xFF) {
            // Junk where a marker should be: a corrupt file, which the
            // decoder judges; look for the end marker anywhere after it.
            return match data[i.min(data.len())..]
                .windows(2)
                .any(|w| w == [0xFF, EOI])
            {
                true => Ending::Complete,
                false => truncated,
            };
        }
        while data.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&marker) = data.get(i) else {
            return truncated;
        };
        i += 1;
        if marker == EOI {
            return Ending::Complete;
        }
        if standalone(marker) {
            continue;
        }
        let Some(len) = data
            .get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
        else {
            return truncated;
        };
        if len < 2 || i + len > data.len() {
            return truncated;
        }
        i += len;
        if marker == SOS {
            // Entropy-coded data: FF is stuffed as FF 00 and restart
            // markers may appear; any other marker ends the scan.
            loop {
                let Some(off) = data[i..].iter().position(|&b| b == 0xFF) else {
                    return truncated;
                };
                i += off;
                match data.get(i + 1) {
                    None => return truncated,
                    Some(&0x00) => i += 2,
                    Some(&m) if (0xD0..=0xD7).contains(&m) => i += 2,
                    Some(&0xFF) => i += 1,
                    Some(_) => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal marker skeleton: SOI, one segment, a scan with stuffed
    /// bytes and a restart marker, EOI.
    fn skeleton() -> Vec<u8> {
        let mut v = vec![0xFF, SOI];
        v.extend([0xFF, 0xE0, 0x00, 0x04, b'J', b'F']);
        v.extend([0xFF, SOS, 0x00, 0x03, 0x01]);
        v.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        v.extend([0xFF, EOI]);
        v
    }

    #[test]
    fn the_frame_size_is_read_from_the_header() {
        let mut v = vec![0xFF, SOI];
        v.extend([0xFF, 0xE0, 0x00, 0x04, b'J', b'F']);
        v.extend([
            0xFF, 0xC2, 0x00, 0x0B, 8, 0x01, 0x2C, 0x00, 0xC8, 1, 1, 0x11, 0,
        ]);
        v.extend([0xFF, EOI]);
        assert_eq!(size(&v), Some((200, 300)));
        assert_eq!(size(&v[..10]), None);
    }

    #[test]
    fn every_cut_of_a_whole_file_is_truncated() {
        let whole = skeleton();
        assert_eq!(ending(&whole), Ending::Complete);
        for n in 0..whole.len() {
            assert_eq!(
                ending(&whole[..n]),
                Ending::Truncated { at: n },
                "cut at {n}"
            );
        }
        // Data after EOI (a camera's preview) does not matter.
        let trailing = [&whole[..], &[0xFF, 0xD8, 0x00][..]].concat();
        assert_eq!(ending(&trailing), Ending::Complete);
    }

    /// Real encoders' files, baseline (image) and progressive
    /// (jpeg-encoder): complete, and truncated at every shorter length.
    #[test]
    fn real_files_are_judged_at_every_length() {
        let img = image::RgbImage::from_fn(48, 40, |x, y| {
            image::Rgb([(x * 5) as u8, (y * 6) as u8, ((x * y) % 251) as u8])
        });
        let mut baseline = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut baseline, 90)
            .encode_image(&img)
            .unwrap();
        let mut progressive = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut progressive, 90);
        enc.set_progressive(true);
        enc.encode(img.as_raw(), 48, 40, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        for file in [baseline, progressive] {
            assert_eq!(ending(&file), Ending::Complete);
            for n in 0..file.len() {
                assert_eq!(ending(&file[..n]), Ending::Truncated { at: n });
            }
        }
    }
}
