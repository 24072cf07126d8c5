//! Whether a file is whole, judged from its own structure without
//! decoding it.
//!
//! A file still being written (an SMB copy, a network scanner that pauses
//! mid-page) looks settled while its writer waits; its size and time say
//! nothing. Most formats state where they end: JPEG's EOI marker (ITU-T
//! T.81, B.2.1), PNG's IEND chunk (PNG spec, 5.6), the strip and tile
//! offsets of every TIFF directory (TIFF 6.0, section 2), a PDF's `%%EOF`
//! after `startxref` (ISO 32000-1, 7.5.5), a binary PNM's raster size from
//! its header (netpbm), the RIFF length of a WebP, a BMP's file size field,
//! GIF's trailer byte, and the box sizes and item locations of a HEIC or
//! AVIF (ISO/IEC 14496-12, 4.2 and 8.11.3). A file whose structure promises more than it
//! holds is incomplete; one that cannot be judged (ASCII PNM, unknown
//! bytes) is left to the decoder.

use super::Format;
use super::jpeg;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How far from the end of a PDF its `%%EOF` may be: writers append line
/// ends or a little padding, and ISO 32000-1's implementation notes let
/// readers accept the marker within the last 1024 bytes.
const PDF_TAIL: u64 = 1024;
/// Directories walked in one TIFF at most; a loop of next-IFD pointers in
/// a corrupt file ends here (the decoder then judges it).
const MAX_TIFF_DIRECTORIES: usize = 100_000;

/// Why the file at `path` is not yet whole, or `None` when it is whole or
/// its format cannot tell.
pub(crate) fn incomplete(path: &Path) -> std::io::Result<Option<String>> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = Vec::new();
    (&mut f).take(super::HEAD_LEN).read_to_end(&mut head)?;
    let Ok(format) = super::sniff(&head, path) else {
        return Ok(None);
    };
    if format == Format::Pdf {
        let start = len.saturating_sub(PDF_TAIL);
        f.seek(SeekFrom::Start(start))?;
        let mut tail = Vec::new();
        f.read_to_end(&mut tail)?;
        return Ok(pdf_tail(&tail));
    }
    f.seek(SeekFrom::Start(0))?;
    let mut data = Vec::new();
    f.read_to_end(&mut data)?;
    Ok(missing(&data, format))
}

/// Why `data`, a file of `format`, is not whole (see the module doc).
pub fn missing(data: &[u8], format: Format) -> Option<String> {
    let n = data.len();
    match format {
        Format::Jpeg => match jpeg::ending(data) {
            jpeg::Ending::Complete => None,
            jpeg::Ending::Truncated { at } => Some(format!(
                "JPEG without its end marker (data ends at byte {at})"
            )),
        },
        Format::Png => (!png_whole(data))
            .then(|| format!("PNG without its IEND chunk (data ends at byte {n})")),
        Format::Tiff => tiff_missing(data),
        Format::Pnm => match pnm_size(data) {
            PnmSize::Known(want) if (n as u128) < want => Some(format!(
                "PNM shorter than its header says ({n} of {want} bytes)"
            )),
            PnmSize::Short => Some(format!("PNM cut short in its header ({n} bytes)")),
            _ => None,
        },
        Format::Webp => {
            let want = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?) as u64 + 8;
            ((n as u64) < want)
                .then(|| format!("WebP shorter than its RIFF header says ({n} of {want} bytes)"))
        }
        Format::Bmp => {
            // Some writers leave the size field 0: then nothing is known.
            let want = u32::from_le_bytes(data.get(2..6)?.try_into().ok()?) as u64;
            ((n as u64) < want)
                .then(|| format!("BMP shorter than its header says ({n} of {want} bytes)"))
        }
        Format::Gif => {
            (!gif_whole(data)).then(|| format!("GIF without its trailer (data ends at byte {n})"))
        }
        Format::Pdf => pdf_tail(&data[n.saturating_sub(PDF_TAIL as usize)..]),
        Format::Heic | Format::Avif => super::heif::missing(data, format),
    }
}

fn pdf_tail(tail: &[u8]) -> Option<String> {
    let has = |w: &[u8]| tail.windows(w.len()).any(|x| x == w);
    (!(has(b"startxref") && has(b"%%EOF")))
        .then(|| "PDF without its trailer (no startxref and %%EOF at the end)".to_string())
}

/// Walk the chunks from the signature to IEND.
fn png_whole(data: &[u8]) -> bool {
    let mut i = 8usize;
    loop {
        let Some(len) = data.get(i..i + 4) else {
            return false;
        };
        let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
        let end = i.saturating_add(12).saturating_add(len);
        if end > data.len() {
            return false;
        }
        if &data[i + 4..i + 8] == b"IEND" {
            return true;
        }
        i = end;
    }
}

/// Walk GIF's blocks (GIF89a spec, sections 17-27) to the trailer byte:
/// a cut file may end in that byte by chance, so its place is checked.
fn gif_whole(data: &[u8]) -> bool {
    /// Size of a colour table a packed flags byte announces.
    fn table(flags: u8) -> usize {
        if flags & 0x80 == 0 {
            0
        } else {
            3 << ((flags & 7) + 1)
        }
    }
    /// Skip data sub-blocks (a length byte, that many bytes) up to the
    /// zero-length terminator.
    fn sub_blocks(data: &[u8], mut i: usize) -> Option<usize> {
        loop {
            let len = *data.get(i)? as usize;
            i += 1 + len;
            if len == 0 {
                return Some(i);
            }
        }
    }
    let Some(&flags) = data.get(10) else {
        return false;
    };
    let mut i = 13 + table(flags);
    loop {
        let next = match data.get(i) {
            Some(0x3B) => return true,
            Some(0x21) => sub_blocks(data, i + 2),
            Some(0x2C) => data
                .get(i + 9)
                .and_then(|&f| sub_blocks(data, i + 10 + table(f) + 1)),
            _ => None,
        };
        match next {
            Some(n) => i = n,
            None => return false,
        }
    }
}

/// What a PNM header says about the file's size.
enum PnmSize {
    /// Header plus raster, in bytes.
    Known(u128),
    /// The data ends inside the header.
    Short,
    /// ASCII raster or a header that does not parse: the decoder judges.
    Unknown,
}

/// The size a binary PNM's header promises (netpbm's pbm/pgm/ppm/pam).
fn pnm_size(data: &[u8]) -> PnmSize {
    let Some(&kind) = data.get(1) else {
        return PnmSize::Short;
    };
    let mut i = 2usize;
    let at = |i: usize| data.get(i).copied().ok_or(PnmSize::Short);
    // The next whitespace-separated decimal, skipping `#` comments.
    let mut number = || -> Result<u128, PnmSize> {
        loop {
            match at(i)? {
                b'#' => {
                    while at(i)? != b'\n' {
                        i += 1;
                    }
                }
                c if c.is_ascii_whitespace() => i += 1,
                _ => break,
            }
        }
        let start = i;
        while at(i)?.is_ascii_digit() {
            i += 1;
        }
        std::str::from_utf8(&data[start..i])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or(PnmSize::Unknown)
    };
    let mut fields = || -> Result<(u128, u128, u128, u128), PnmSize> {
        Ok(match kind {
            b'4' => (number()?, number()?, 1, 1),
            b'5' => (number()?, number()?, 1, number()?),
            b'6' => (number()?, number()?, 3, number()?),
            _ => return Err(PnmSize::Unknown),
        })
    };
    if kind == b'7' {
        return pam_size(data);
    }
    let (w, h, channels, maxval) = match fields() {
        Ok(f) => f,
        Err(e) => return e,
    };
    // One whitespace byte ends the header.
    let header = i as u128 + 1;
    // Saturating: a header may state any number.
    let raster = if kind == b'4' {
        w.div_ceil(8).saturating_mul(h)
    } else {
        let bytes = if maxval > 255 { 2 } else { 1 };
        w.saturating_mul(h).saturating_mul(channels * bytes)
    };
    PnmSize::Known(header.saturating_add(raster))
}

/// PAM (P7): `KEY value` lines up to `ENDHDR`.
fn pam_size(data: &[u8]) -> PnmSize {
    let Some(end) = data.windows(7).position(|w| w == b"ENDHDR\n") else {
        return PnmSize::Short;
    };
    let end = end + 7;
    let Ok(text) = std::str::from_utf8(&data[..end]) else {
        return PnmSize::Unknown;
    };
    let field = |key: &str| -> Option<u128> {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
    };
    match (
        field("WIDTH "),
        field("HEIGHT "),
        field("DEPTH "),
        field("MAXVAL "),
    ) {
        (Some(w), Some(h), Some(d), Some(maxval)) => {
            let bytes = if maxval > 255 { 2 } else { 1 };
            let raster = w.saturating_mul(h).saturating_mul(d).saturating_mul(bytes);
            PnmSize::Known((end as u128).saturating_add(raster))
        }
        _ => PnmSize::Unknown,
    }
}

/// Every directory, and every strip or tile it points to, must lie inside
/// the file. Classic TIFF and BigTIFF.
fn tiff_missing(data: &[u8]) -> Option<String> {
    let n = data.len() as u64;
    let le = data.get(..2)? == b"II";
    let u = |at: u64, size: u64| -> Option<u64> {
        let start = usize::try_from(at).ok()?;
        let b = data.get(start..start.checked_add(size as usize)?)?;
        let mut v = 0u64;
        for k in 0..size as usize {
            let byte = if le { b[size as usize - 1 - k] } else { b[k] };
            v = (v << 8) | u64::from(byte);
        }
        Some(v)
    };
    let past = |what: &str, at: u64| {
        Some(format!(
            "TIFF whose {what} runs past the end of the file (byte {at} of {n})"
        ))
    };
    let big = u(2, 2)? == 43;
    // Field widths: entry count, one entry, a value or offset.
    let (count_w, entry_w, word) = if big { (8, 20, 8) } else { (2, 12, 4) };
    let Some(mut ifd) = u(if big { 8 } else { 4 }, word) else {
        return past("header", n + 1);
    };
    let mut seen = std::collections::HashSet::new();
    while ifd != 0 && seen.len() < MAX_TIFF_DIRECTORIES && seen.insert(ifd) {
        let Some(entries) = u(ifd, count_w) else {
            return past("directory", ifd);
        };
        let table_end = ifd
            .saturating_add(count_w)
            .saturating_add(entries.saturating_mul(entry_w))
            .saturating_add(word);
        if table_end > n {
            return past("directory", table_end);
        }
        let mut offsets = Vec::new();
        let mut counts = Vec::new();
        for e in 0..entries {
            // Inside the file: table_end <= n was checked.
            let at = ifd + count_w + e * entry_w;
            let (tag, kind) = (u(at, 2)?, u(at + 2, 2)?);
            let count = u(at + 4, word)?;
            let size = match kind {
                3 => 2,
                4 => 4,
                16 => 8,
                _ => continue,
            };
            let target = match tag {
                273 | 324 => &mut offsets,
                279 | 325 => &mut counts,
                _ => continue,
            };
            let bytes = count.saturating_mul(size);
            let values = if bytes <= word {
                at + 4 + word
            } else {
                u(at + 4 + word, word)?
            };
            if values.saturating_add(bytes) > n {
                return past("strip table", values.saturating_add(bytes));
            }
            // Inside the file, so `count` is bounded by its length.
            target.extend((0..count).filter_map(|k| u(values + k * size, size)));
        }
        for (off, len) in offsets.iter().zip(&counts) {
            let end = off.saturating_add(*len);
            if end > n {
                return past("image data", end);
            }
        }
        ifd = u(table_end - word, word)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, GrayImage, ImageFormat};
    use std::io::Cursor;

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let img = GrayImage::from_fn(37, 23, |x, y| image::Luma([((x * 7 + y * 3) % 256) as u8]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(img).to_rgb8())
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    /// Every real file is whole, and every cut of it (past the part that
    /// names its format) is not.
    #[test]
    fn every_format_is_whole_and_every_cut_is_incomplete() {
        let cases = [
            (ImageFormat::Png, Format::Png),
            (ImageFormat::Jpeg, Format::Jpeg),
            (ImageFormat::Tiff, Format::Tiff),
            (ImageFormat::Pnm, Format::Pnm),
            (ImageFormat::WebP, Format::Webp),
            (ImageFormat::Bmp, Format::Bmp),
            (ImageFormat::Gif, Format::Gif),
        ];
        for (encoding, format) in cases {
            let whole = encoded(encoding);
            assert_eq!(missing(&whole, format), None, "{format:?}");
            for n in 8..whole.len() {
                assert!(
                    missing(&whole[..n], format).is_some(),
                    "{format:?} cut at {n} of {}",
                    whole.len()
                );
            }
        }
    }

    #[test]
    fn tiff_with_its_directory_at_the_end_and_pnm_headers() {
        // A directory written after the strips (as libtiff does): the
        // header points past the end of a half-written file.
        let mut t = b"II*\0".to_vec();
        t.extend(100u32.to_le_bytes());
        assert!(missing(&t, Format::Tiff).unwrap().contains("directory"));
        let p = b"P5\n# comment\n4 2\n255\n\x01\x02\x03\x04\x05\x06\x07\x08";
        assert_eq!(missing(p, Format::Pnm), None);
        let cut = missing(&p[..p.len() - 1], Format::Pnm).unwrap();
        assert!(cut.contains("28 of 29"), "{cut}");
        // ASCII rasters cannot be judged.
        assert_eq!(missing(b"P2\n4 2\n255\n1 2", Format::Pnm), None);
    }

    #[test]
    fn pdf_needs_its_trailer() {
        let whole = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF\n";
        assert_eq!(missing(whole, Format::Pdf), None);
        assert!(missing(&whole[..30], Format::Pdf).is_some());
    }
}
