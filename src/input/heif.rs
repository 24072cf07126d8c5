//! HEIC (the iPhone camera's format) and AVIF input, decoded by libheif's
//! `heif-convert` (Debian package `libheif-examples`; Debian 12 has 1.15),
//! run the way `pdftoppm` is for PDF pages: after the pixel cap is checked
//! against the size the file states, within the same time limit
//! ([`Limits::render_timeout`]), with its last words on standard error as
//! the reason when it fails, and a message naming the package when it is
//! missing. No Rust binding fits: libheif-rs 2 needs libheif 1.17 or later,
//! and `image`'s AVIF decoder (dav1d-sys 0.8) needs dav1d 1.3 (Debian 12
//! has 1.0). heif-convert cannot write to a pipe nor read one (libheif
//! seeks in its input), so it writes a PNG (lossless, the decoded pixels
//! exactly) into a private temporary folder, where standard input is
//! first written too; the folder goes when the page is decoded.
//!
//! Read here, from the file's own boxes (the ISO base media file format,
//! ISO/IEC 14496-12, and the HEIF items and properties of ISO/IEC
//! 23008-12): the primary image's size (`ispe`), its rotation and mirror
//! (`irot`, `imir`), and where each box and item's data ends, so that a
//! file cut short is named as such before the converter runs (and `watch`
//! waits for its rest).
//!
//! Orientation is applied once. A HEIF image is shown turned and mirrored
//! as its `irot` and `imir` properties say; its EXIF orientation is only
//! informative and written to match them. heif-convert 1.15 applies
//! `irot`/`imir` while decoding and copies the EXIF into its PNG with the
//! orientation reset to 1 (upright); the PNG's orientation is ignored all
//! the same, so no tag can turn the page a second time. The resolution is
//! the EXIF's `XResolution` (phones write 72 dpi), then handled as any
//! photo's ([`super::dpi::paper_estimate`], the capture stage).

use super::tool::{exited, last_line, wait_within};
use super::{Format, Limits, Pixels, Source, Warning, check_size, dpi};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// HEIC or AVIF, by the ISO base media file's `ftyp` box: its major brand
/// or one of its compatible brands. AVIF wins when both are named (an
/// AVIF is also `mif1`); `None` for other ISO media (an MP4 video).
pub(super) fn kind(head: &[u8]) -> Option<Format> {
    if head.len() < 16 || &head[4..8] != b"ftyp" {
        return None;
    }
    let size = (u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize).min(head.len());
    let brands =
        std::iter::once(&head[8..12]).chain(head.get(16..size).unwrap_or_default().chunks_exact(4));
    let mut found = None;
    for brand in brands {
        match brand {
            b"avif" | b"avis" => return Some(Format::Avif),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
                found = Some(Format::Heic);
            }
            _ => {}
        }
    }
    found
}

/// What the boxes say about the primary image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Info {
    /// Width and height as shown (after a quarter turn of `irot`).
    pub width: u32,
    pub height: u32,
    /// Anticlockwise quarter turns (`irot`), 0–3.
    pub turns: u8,
    /// Mirrored (`imir`).
    pub mirrored: bool,
}

impl Info {
    /// How the file turned the page, for `-v` and `orientation_tag`;
    /// `None` when upright.
    pub fn describe(&self) -> Option<String> {
        let turn = match self.turns {
            1 => Some("turned 90° counter-clockwise"),
            2 => Some("turned 180°"),
            3 => Some("turned 90° clockwise"),
            _ => None,
        };
        let what = match (turn, self.mirrored) {
            (None, false) => return None,
            (None, true) => "mirrored".to_string(),
            (Some(t), false) => t.to_string(),
            (Some(t), true) => format!("{t} and mirrored"),
        };
        Some(format!("{what} (HEIF irot/imir)"))
    }
}

/// A box: its type, its contents, and the offset just past it.
struct Boxed<'a> {
    kind: [u8; 4],
    body: &'a [u8],
    end: usize,
}

/// The box at `at` in `data`; `Err` with the offset it would end at when
/// `data` stops short of it (`u64::MAX` when its header is cut), `Ok(None)`
/// at the end.
fn next_box(data: &[u8], at: usize) -> std::result::Result<Option<Boxed<'_>>, u64> {
    if at >= data.len() {
        return Ok(None);
    }
    let head = data.get(at..at + 8).ok_or(u64::MAX)?;
    let kind = [head[4], head[5], head[6], head[7]];
    let (size, header) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
        0 => ((data.len() - at) as u64, 8),
        1 => {
            let large = data.get(at + 8..at + 16).ok_or(u64::MAX)?;
            (u64::from_be_bytes(large.try_into().expect("8 bytes")), 16)
        }
        n => (n as u64, 8),
    };
    let end = (at as u64).saturating_add(size);
    if size < header || end > data.len() as u64 {
        return Err(end.max(at as u64 + header));
    }
    let end = end as usize;
    Ok(Some(Boxed {
        kind,
        body: &data[at + header as usize..end],
        end,
    }))
}

/// The child boxes of a container's contents (which must be whole).
fn children(body: &[u8]) -> impl Iterator<Item = Boxed<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let b = next_box(body, at).ok().flatten()?;
        at = b.end;
        Some(b)
    })
}

/// Big-endian fields read in order; `None` past the end.
struct Fields<'a> {
    data: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn uint(&mut self, bytes: usize) -> Option<u64> {
        let b = self.data.get(self.at..self.at + bytes)?;
        self.at += bytes;
        Some(b.iter().fold(0, |v, &x| (v << 8) | x as u64))
    }
    fn u8(&mut self) -> Option<u8> {
        self.uint(1).map(|v| v as u8)
    }
    fn u16(&mut self) -> Option<u16> {
        self.uint(2).map(|v| v as u16)
    }
    fn u32(&mut self) -> Option<u32> {
        self.uint(4).map(|v| v as u32)
    }
}

/// A full box's version and the rest of its contents after its flags.
fn full(body: &[u8]) -> Option<(u8, u32, Fields<'_>)> {
    let mut f = Fields { data: body, at: 0 };
    let v = f.u32()?;
    Some(((v >> 24) as u8, v & 0xFF_FFFF, f))
}

/// The top-level `meta` box's contents after its version and flags.
fn meta(data: &[u8]) -> std::result::Result<&[u8], String> {
    let mut at = 0;
    while let Ok(Some(b)) = next_box(data, at) {
        if &b.kind == b"meta" {
            return b
                .body
                .get(4..)
                .ok_or_else(|| "its meta box is empty".into());
        }
        at = b.end;
    }
    Err("no meta box (not an image file)".into())
}

/// Why `data` is not whole: a box, or the data of an item its `iloc` box
/// places in the file, runs past its end.
pub(super) fn missing(data: &[u8], format: Format) -> Option<String> {
    let n = data.len() as u64;
    let name = super::format_name(format);
    let mut at = 0;
    loop {
        match next_box(data, at) {
            Ok(Some(b)) => at = b.end,
            Ok(None) => break,
            Err(u64::MAX) => return Some(format!("{name} cut short in a box header ({n} bytes)")),
            Err(want) => {
                return Some(format!(
                    "{name} shorter than its boxes say ({n} of {want} bytes)"
                ));
            }
        }
    }
    let want = meta(data).ok().and_then(item_data_end)?;
    (want > n).then(|| format!("{name} shorter than its images' data ({n} of {want} bytes)"))
}

/// Where the last item stored in the file itself (`iloc` construction
/// method 0) ends.
fn item_data_end(meta: &[u8]) -> Option<u64> {
    let iloc = children(meta).find(|b| &b.kind == b"iloc")?;
    let (version, _, mut f) = full(iloc.body)?;
    let sizes = f.u16()?;
    let (offset_size, length_size) = ((sizes >> 12) as usize, ((sizes >> 8) & 15) as usize);
    let base_size = ((sizes >> 4) & 15) as usize;
    let index_size = if version >= 1 {
        (sizes & 15) as usize
    } else {
        0
    };
    let items = if version < 2 {
        f.u16()? as u32
    } else {
        f.u32()?
    };
    let mut end = 0u64;
    for _ in 0..items {
        f.uint(if version < 2 { 2 } else { 4 })?;
        let method = if version >= 1 { f.u16()? & 15 } else { 0 };
        f.u16()?; // data_reference_index
        let base = f.uint(base_size)?;
        for _ in 0..f.u16()? {
            f.uint(index_size)?;
            let offset = f.uint(offset_size)?;
            let length = f.uint(length_size)?;
            if method == 0 {
                end = end.max(base.saturating_add(offset).saturating_add(length));
            }
        }
    }
    Some(end)
}

/// The primary image's size and orientation, from its properties.
pub(super) fn info(data: &[u8]) -> std::result::Result<Info, String> {
    let meta = meta(data)?;
    let cut = |what: &str| format!("its {what} box is cut short");
    let pitm = children(meta)
        .find(|b| &b.kind == b"pitm")
        .ok_or("no primary image (pitm)")?;
    let (v, _, mut f) = full(pitm.body).ok_or_else(|| cut("pitm"))?;
    let primary = if v == 0 {
        f.u16().map(u32::from)
    } else {
        f.u32()
    }
    .ok_or_else(|| cut("pitm"))?;
    let iprp = children(meta)
        .find(|b| &b.kind == b"iprp")
        .ok_or("no item properties (iprp)")?;
    let properties: Vec<Boxed> = children(iprp.body)
        .find(|b| &b.kind == b"ipco")
        .map(|b| children(b.body).collect())
        .unwrap_or_default();
    let mut found = Info {
        width: 0,
        height: 0,
        turns: 0,
        mirrored: false,
    };
    let mut size = None;
    for ipma in children(iprp.body).filter(|b| &b.kind == b"ipma") {
        let (v, flags, mut f) = full(ipma.body).ok_or_else(|| cut("ipma"))?;
        let entries = f.u32().ok_or_else(|| cut("ipma"))?;
        for _ in 0..entries {
            let item = if v < 1 {
                f.u16().map(u32::from)
            } else {
                f.u32()
            };
            let item = item.ok_or_else(|| cut("ipma"))?;
            for _ in 0..f.u8().ok_or_else(|| cut("ipma"))? {
                let index = if flags & 1 == 1 {
                    f.u16().map(|i| i & 0x7FFF)
                } else {
                    f.u8().map(|i| u16::from(i & 0x7F))
                };
                let index = index.ok_or_else(|| cut("ipma"))? as usize;
                let Some(p) = index.checked_sub(1).and_then(|i| properties.get(i)) else {
                    continue;
                };
                if item != primary {
                    continue;
                }
                match &p.kind {
                    b"ispe" => {
                        let (_, _, mut f) = full(p.body).ok_or_else(|| cut("ispe"))?;
                        let w = f.u32().ok_or_else(|| cut("ispe"))?;
                        let h = f.u32().ok_or_else(|| cut("ispe"))?;
                        size = Some((w, h));
                    }
                    b"irot" => {
                        let a = p.body.first().ok_or_else(|| cut("irot"))?;
                        found.turns = (found.turns + (a & 3)) % 4;
                    }
                    b"imir" => found.mirrored = !found.mirrored,
                    _ => {}
                }
            }
        }
    }
    let (w, h) = size.ok_or("no size (ispe) for its primary image")?;
    (found.width, found.height) = if found.turns % 2 == 1 { (h, w) } else { (w, h) };
    Ok(found)
}

/// Check a listed HEIC or AVIF file: whole, with a primary image within
/// the pixel cap. Returns what its boxes say.
pub(super) fn check(data: &[u8], format: Format, path: &Path, limits: &Limits) -> Result<Info> {
    let name = super::format_name(format);
    if let Some(why) = missing(data, format) {
        return Err(Error::input(
            path,
            format!("cannot decode {name} image: {why}"),
        ));
    }
    let info =
        info(data).map_err(|why| Error::input(path, format!("not a valid {name} image: {why}")))?;
    check_size(path, info.width, info.height, limits)?;
    Ok(info)
}

/// A HEIC or AVIF page as heif-convert decoded it.
pub(super) struct Converted {
    /// Upright, as its `irot`/`imir` say.
    pub pixels: Pixels,
    /// The resolution its EXIF states.
    pub dpi: Option<dpi::Dpi>,
    /// How its properties turned it, in words ([`Info::describe`]).
    pub turned: Option<String>,
    /// A warning when the file holds several images (the first is the
    /// page).
    pub warnings: Vec<Warning>,
}

/// Decode a HEIC or AVIF page through heif-convert.
pub(super) fn decode(
    source: &Source,
    path: &Path,
    format: Format,
    limits: &Limits,
) -> Result<Converted> {
    let name = super::format_name(format);
    let data = super::read_all(source)?;
    let info = check(&data, format, path, limits)?;
    let dir = tempfile::Builder::new()
        .prefix("ocrpdf-heif-")
        .tempdir()
        .map_err(|e| Error::input(path, format!("cannot make a temporary folder: {e}")))?;
    let input = match source {
        Source::File(p) => p.clone(),
        Source::Stdin(bytes) => {
            let p = dir.path().join("input");
            std::fs::write(&p, bytes.as_slice()).map_err(|e| {
                Error::input(path, format!("cannot write a temporary copy of it: {e}"))
            })?;
            p
        }
    };
    drop(data);
    let out = dir.path().join("page.png");
    let mut child = Command::new("heif-convert")
        .arg("--quiet")
        .arg(&input)
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::MissingTool {
                path: path.to_path_buf(),
                tool: "heif-convert",
                purpose: format!("decode {name} images"),
                package: "libheif-examples",
            },
            _ => Error::input(path, format!("cannot run heif-convert: {e}")),
        })?;
    let mut stderr = child.stderr.take().expect("piped");
    let (errors, status) = std::thread::scope(|s| {
        let err = s.spawn(move || {
            let mut text = String::new();
            let _ = (&mut stderr).take(1 << 16).read_to_string(&mut text);
            text
        });
        let status = wait_within(&mut child, limits.render_timeout);
        (err.join().unwrap_or_default(), status)
    });
    let status = exited(status, "heif-convert", "decoding it", limits.render_timeout)
        .map_err(|m| Error::input(path, m))?;
    // Several top-level images are written as page-1.png, page-2.png, …
    let written = |i: usize| dir.path().join(format!("page-{i}.png"));
    let (png, count) = if out.exists() {
        (out.clone(), 1)
    } else {
        let count = (1..).take_while(|&i| written(i).exists()).count();
        (written(1), count)
    };
    if !status.success() || count == 0 {
        return Err(Error::input(
            path,
            format!(
                "cannot decode {name} image: heif-convert: {}",
                last_line(&errors)
            ),
        ));
    }
    let bytes =
        std::fs::read(&png).map_err(|e| Error::input(path, format!("heif-convert output: {e}")))?;
    let file_dpi = dpi::png_exif(&bytes);
    // The orientation its PNG states is ignored: heif-convert applied the
    // file's own (see the module doc).
    let (pixels, _) = super::decode_single(&bytes, Format::Png, path, limits)
        .map_err(|e| Error::input(path, format!("bad heif-convert output: {e}")))?;
    let mut warnings = Vec::new();
    if count > 1 {
        warnings.push(Warning {
            code: "more_images",
            message: format!("the {name} file holds {count} images; only the first was converted"),
        });
    }
    Ok(Converted {
        pixels,
        dpi: file_dpi,
        turned: info.describe(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    fn full_box(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
        let mut b = (((version as u32) << 24) | flags).to_be_bytes().to_vec();
        b.extend_from_slice(body);
        boxed(kind, &b)
    }

    /// A HEIC of one 4032 x 3024 image item (id 1) stored turned a quarter
    /// (irot 3: 270° anticlockwise), its data `len` bytes from `mdat`.
    fn heic(len: u32, irot: u8) -> Vec<u8> {
        let ftyp = boxed(b"ftyp", b"heic\0\0\0\0mif1heic");
        let pitm = full_box(b"pitm", 0, 0, &1u16.to_be_bytes());
        let mut ispe = 4032u32.to_be_bytes().to_vec();
        ispe.extend(3024u32.to_be_bytes());
        let ipco = boxed(
            b"ipco",
            &[full_box(b"ispe", 0, 0, &ispe), boxed(b"irot", &[irot])].concat(),
        );
        // item 1: properties 1 and 2 (the second essential).
        let ipma = full_box(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x01, 0x82]);
        let iprp = boxed(b"iprp", &[ipco, ipma].concat());
        let iloc_of = |offset: u32| {
            // version 1: offset and length 4 bytes, no base offset.
            let mut l = vec![0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1];
            l.extend(offset.to_be_bytes());
            l.extend(len.to_be_bytes());
            full_box(b"iloc", 1, 0, &l)
        };
        let meta_len = |offset| {
            full_box(
                b"meta",
                0,
                0,
                &[pitm.clone(), iloc_of(offset), iprp.clone()].concat(),
            )
            .len()
        };
        let data_at = (ftyp.len() + meta_len(0) + 8) as u32;
        let meta = full_box(
            b"meta",
            0,
            0,
            &[pitm.clone(), iloc_of(data_at), iprp.clone()].concat(),
        );
        let mdat = boxed(b"mdat", &vec![7; len as usize]);
        [ftyp, meta, mdat].concat()
    }

    #[test]
    fn the_primary_image_size_and_turn_are_read_from_its_properties() {
        let file = heic(1000, 3);
        assert_eq!(kind(&file), Some(Format::Heic));
        let i = info(&file).unwrap();
        assert_eq!(
            (i.width, i.height, i.turns, i.mirrored),
            (3024, 4032, 3, false)
        );
        assert_eq!(
            i.describe().as_deref(),
            Some("turned 90° clockwise (HEIF irot/imir)")
        );
        assert_eq!(info(&heic(10, 0)).unwrap().describe(), None);
        assert_eq!(missing(&file, Format::Heic), None);
    }

    #[test]
    fn a_file_cut_short_is_named_so() {
        let file = heic(1000, 0);
        let n = file.len();
        let why = missing(&file[..n - 10], Format::Heic).unwrap();
        assert_eq!(
            why,
            format!("HEIC shorter than its boxes say ({} of {n} bytes)", n - 10)
        );
        // An mdat without a size (to the end of the file): iloc tells.
        let mut open = file.clone();
        let at = n - 1000 - 8;
        open[at..at + 4].copy_from_slice(&[0; 4]);
        assert_eq!(missing(&open, Format::Heic), None);
        let why = missing(&open[..n - 10], Format::Heic).unwrap();
        assert!(why.contains("shorter than its images' data"), "{why}");
        let why = missing(&file[..5], Format::Heic).unwrap();
        assert!(why.contains("cut short in a box header"), "{why}");
    }

    #[test]
    fn brands_tell_heic_from_avif_and_from_video() {
        assert_eq!(
            kind(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Some(Format::Avif)
        );
        assert_eq!(
            kind(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf"),
            Some(Format::Avif)
        );
        assert_eq!(
            kind(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(Format::Heic)
        );
        assert_eq!(kind(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2"), None);
        // Only the opening box and an empty meta box: not a valid image.
        let e = info(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0meta").unwrap_err();
        assert_eq!(e, "its meta box is empty");
    }
}
