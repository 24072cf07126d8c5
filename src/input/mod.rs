//! Decoding inputs into [`PageImage`]s: format sniffing, size limits, DPI,
//! multi-page TIFF, PDF, stdin, and the order pages appear in.
//!
//! Inputs are opened read-only and never modified. Each page is validated
//! (dimensions against the pixel cap) before its pixels are allocated.

pub(crate) mod complete;
mod dpi;
mod heif;
pub(crate) mod jpeg;
mod order;
mod pdf;
pub mod spread;
mod tiff;
mod tool;

pub(crate) use complete::incomplete;
pub use dpi::Dpi;
pub(crate) use order::natural_cmp;
pub(crate) use pdf::fate::Treatment;
pub use pdf::fate::{Fate, PdfOptions, TextPolicy};
pub(crate) use pdf::{Geometry, PdfPage, invert};

use crate::error::{Error, Result};
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, RgbImage};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Refuse images above this many pixels unless told otherwise: 1200 dpi A3
/// is ~270 MP, far beyond any scan, and bounds memory per page in flight.
pub const DEFAULT_MAX_PIXELS: u64 = 300_000_000;

/// Largest stdin image accepted, so a runaway pipe cannot exhaust memory.
const MAX_STDIN_BYTES: u64 = 1 << 30;

/// Where a page's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Standard input, read once and shared by its pages.
    Stdin(Arc<Vec<u8>>),
}

/// One page of one input: enough to decode it later on any worker.
#[derive(Debug, Clone)]
pub struct PageRef {
    /// Where the page comes from.
    pub source: Source,
    /// Its format, sniffed from the bytes (not the extension).
    pub format: Format,
    /// Page index inside a multi-page file (0 for single images).
    pub index: u32,
    /// Number of pages in that file.
    pub count: u32,
    /// For PDF pages: how the page becomes pixels, decided when the file
    /// was listed (the document is parsed once, not once per page).
    pub(crate) pdf: Option<Arc<pdf::PdfPage>>,
    /// Its size in pixels and whether it is in colour, as its header
    /// states, when known before decoding (images, TIFF pages): what the
    /// scheduler budgets its memory by.
    pub(crate) size: Option<HeaderSize>,
    /// Its side of a book spread, when `--split-spreads` looked at it.
    pub(crate) spread: Option<spread::SpreadPart>,
}

/// A page's size as its header states it, before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeaderSize {
    pub pixels: u64,
    /// Colour samples (decoded as RGB), not grey.
    pub colour: bool,
}

impl PageRef {
    /// The path used in messages: the file name, or `-` for stdin.
    pub fn path(&self) -> &Path {
        source_path(&self.source)
    }

    /// A human label such as `scan.tiff (page 3 of 5)`.
    pub fn label(&self) -> String {
        let base = self.file_label();
        match self.spread {
            Some(spread::SpreadPart::Page { side, .. }) => {
                format!("{base} ({} page)", side.name())
            }
            _ => base,
        }
    }

    /// [`PageRef::label`] without the spread's side.
    fn file_label(&self) -> String {
        if self.count > 1 {
            format!(
                "{} (page {} of {})",
                self.path().display(),
                self.index + 1,
                self.count
            )
        } else {
            self.path().display().to_string()
        }
    }
}

/// The formats ocrpdf reads, recognised by content, not by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// TIFF, one page per directory.
    Tiff,
    /// PBM, PGM or PPM.
    Pnm,
    /// WebP.
    Webp,
    /// BMP.
    Bmp,
    /// GIF: the first frame.
    Gif,
    /// PDF: edited, not replaced.
    Pdf,
    /// HEIC (iPhone photos): the primary image, through `heif-convert`.
    Heic,
    /// AVIF: the primary image, through `heif-convert`.
    Avif,
}

/// A decoded page: pixels (8-bit grey or RGB, alpha flattened on white) and
/// resolution.
#[derive(Debug, Clone)]
pub struct PageImage {
    /// The decoded pixels.
    pub pixels: Pixels,
    /// Resolution from the file, the caller, or the 300 dpi default.
    pub dpi: Dpi,
}

/// Pixel data in one of the two layouts the cleanup stages accept.
#[derive(Debug, Clone)]
pub enum Pixels {
    /// Grey (or bilevel) pixels: cleaned without colour separation.
    Gray(GrayImage),
    /// Colour pixels.
    Rgb(RgbImage),
}

/// Luminance of a colour image (Rec. 709 weights in 8-bit fixed point).
pub(crate) fn luma(rgb: &RgbImage) -> GrayImage {
    let data = rgb.as_raw().chunks_exact(3).map(luma_of).collect();
    GrayImage::from_raw(rgb.width(), rgb.height(), data).expect("one byte per pixel")
}

/// [`luma`] of one pixel (its three samples).
#[inline]
pub(crate) fn luma_of(p: &[u8]) -> u8 {
    ((54 * p[0] as u32 + 183 * p[1] as u32 + 19 * p[2] as u32 + 128) >> 8) as u8
}

impl Pixels {
    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            Pixels::Gray(g) => g.dimensions(),
            Pixels::Rgb(c) => c.dimensions(),
        }
    }

    fn from_dynamic(img: DynamicImage) -> Pixels {
        match img {
            DynamicImage::ImageLuma8(g) => Pixels::Gray(g),
            DynamicImage::ImageRgb8(c) => Pixels::Rgb(c),
            other if !other.color().has_color() => {
                if other.color().has_alpha() {
                    Pixels::Gray(DynamicImage::ImageRgb8(flatten(&other)).into_luma8())
                } else {
                    Pixels::Gray(other.into_luma8())
                }
            }
            other => Pixels::Rgb(flatten(&other)),
        }
    }
}

/// Turn a page back from a clockwise rotation of `degrees` (90, 180, 270)
/// as scanned. Quarter turns are lossless and swap the resolution axes.
pub(crate) fn rotate(page: &PageImage, degrees: u16) -> PageImage {
    use image::imageops::{rotate90, rotate180, rotate270};
    let turn = |g: &GrayImage| match degrees {
        90 => rotate270(g),
        180 => rotate180(g),
        270 => rotate90(g),
        _ => g.clone(),
    };
    let turn_rgb = |c: &RgbImage| match degrees {
        90 => rotate270(c),
        180 => rotate180(c),
        270 => rotate90(c),
        _ => c.clone(),
    };
    let pixels = match &page.pixels {
        Pixels::Gray(g) => Pixels::Gray(turn(g)),
        Pixels::Rgb(c) => Pixels::Rgb(turn_rgb(c)),
    };
    let dpi = if degrees % 180 == 90 {
        Dpi {
            x: page.dpi.y,
            y: page.dpi.x,
        }
    } else {
        page.dpi
    };
    PageImage { pixels, dpi }
}

/// Composite any alpha onto white paper.
fn flatten(img: &DynamicImage) -> RgbImage {
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = p[3] as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

/// Limits that guard decoders against huge, hostile or incomplete images.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest image accepted, in pixels, checked from the header before
    /// decoding (decompression bombs).
    pub max_pixels: u64,
    /// Keep what a truncated JPEG decodes to (with a `truncated_input`
    /// warning) instead of refusing it. Off by default: a scan cut short
    /// loses part of its page silently otherwise.
    pub accept_truncated: bool,
    /// How long `pdftoppm` may take to render one PDF page, and
    /// `heif-convert` to decode a HEIC or AVIF, before it is killed and
    /// the page is an input error; `None`: no limit.
    pub render_timeout: Option<std::time::Duration>,
}

/// A page of a PDF rendered by pdftoppm: a scanned page at 600 dpi takes
/// seconds; a page that takes minutes is a hostile or broken file (deeply
/// nested forms, huge shadings), not a scan.
pub const DEFAULT_RENDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: DEFAULT_MAX_PIXELS,
            accept_truncated: false,
            render_timeout: Some(DEFAULT_RENDER_TIMEOUT),
        }
    }
}

/// Something about a page or document that a user (or script) should
/// know, though the output was written: what decoding, reading and the
/// stack found (`read::Warning` is this type). It lives here, with
/// the lowest stage that warns, so every stage can use it;
/// `report::Warning` is its JSON form.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// A stable name for scripts, e.g. `truncated_input` (README lists them).
    pub code: &'static str,
    /// What happened, in words.
    pub message: String,
}

/// A decoded page and what decoding it had to say.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    pub image: PageImage,
    pub warnings: Vec<Warning>,
    /// The file's orientation tag (EXIF in JPEG, PNG and WebP; TIFF's
    /// own), in words, when it was not upright; already applied to `image`.
    pub orientation: Option<String>,
    /// The resolution came from `--dpi`, the file or the paper-size
    /// estimate; when not, the caller may estimate it from the text size
    /// (`clean::resolution`), as 300 dpi is only a default.
    pub dpi_stated: bool,
    /// The image is a photo by its resolution: the file states none it
    /// could have been scanned at and it is longer than paper at it
    /// ([`dpi::paper_estimate`] applies, whatever `--dpi` says). Where
    /// the capture stage looks for a page outline by default.
    pub photo: bool,
    /// An image file's page (not a PDF page).
    pub image_input: bool,
}

/// One input as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file: an image, a multi-page TIFF or a PDF.
    Path(PathBuf),
    /// Standard input, read whole first (its format is sniffed like a file's).
    Stdin,
}

/// A job's pages, and the document they come from when the job is one
/// PDF: that PDF is then edited, not rebuilt.
pub(crate) struct Listed {
    pub pages: Vec<PageRef>,
    pub pdf: Option<Arc<lopdf::Document>>,
}

/// [`list_pages`], except that a job of one PDF is opened for editing
/// (pages with text are then kept, not refused).
pub(crate) fn list_document(
    inputs: &[Input],
    limits: &Limits,
    opts: &PdfOptions,
) -> Result<Listed> {
    if let [input] = inputs {
        let source = match input {
            Input::Path(p) => Source::File(p.clone()),
            Input::Stdin => Source::Stdin(Arc::new(read_stdin()?)),
        };
        let head = read_head(&source)?;
        let path = source_path(&source);
        if sniff(&head, path)? == Format::Pdf {
            let opened = pdf::open(&read_all(&source)?, path, limits, opts)?;
            let count = opened.pages.len() as u32;
            let pages = opened
                .pages
                .into_iter()
                .enumerate()
                .map(|(i, p)| PageRef {
                    source: source.clone(),
                    format: Format::Pdf,
                    index: i as u32,
                    count,
                    pdf: Some(p),
                    size: None,
                    spread: None,
                })
                .collect();
            return Ok(Listed {
                pages,
                pdf: Some(opened.doc),
            });
        }
        if let Source::Stdin(bytes) = source {
            return Ok(Listed {
                pages: list_source(Source::Stdin(bytes), limits)?,
                pdf: None,
            });
        }
    }
    Ok(Listed {
        pages: list_pages(inputs, limits)?,
        pdf: None,
    })
}

/// A PDF page decoded for the editor: its one image, or (`render`) a
/// rendering of the page; and its `truncated_input` warning when
/// [`Limits::accept_truncated`] kept damaged JPEG data.
pub(crate) fn decode_pdf_page(
    page: &PageRef,
    limits: &Limits,
    render: bool,
) -> Result<(PageImage, Option<Warning>)> {
    let plan = page
        .pdf
        .as_ref()
        .ok_or_else(|| Error::Internal(format!("{}: PDF page not listed", page.label())))?;
    let (pixels, dpi, damage) = pdf::decode(plan, &page.source, page.path(), limits, render)?;
    Ok((PageImage { pixels, dpi }, damage.map(pdf_truncation)))
}

/// The warning for a PDF page image whose JPEG data was kept damaged.
fn pdf_truncation(what: String) -> Warning {
    Warning {
        code: "truncated_input",
        message: format!(
            "its JPEG image data: {what}: kept what decoded; the rest of the page is missing"
        ),
    }
}

/// Expand inputs into pages in order, checking each file is a readable,
/// supported image of acceptable size. Fails on the first bad input.
pub fn list_pages(inputs: &[Input], limits: &Limits) -> Result<Vec<PageRef>> {
    let mut pages = Vec::new();
    for input in inputs {
        let source = match input {
            Input::Path(p) => Source::File(p.clone()),
            Input::Stdin => Source::Stdin(Arc::new(read_stdin()?)),
        };
        pages.extend(list_source(source, limits)?);
    }
    Ok(pages)
}

/// The pages of one input.
fn list_source(source: Source, limits: &Limits) -> Result<Vec<PageRef>> {
    let mut pages = Vec::new();
    {
        let head = read_head(&source)?;
        let path = source_path(&source);
        let format = sniff(&head, path)?;
        let mut pdf_pages = Vec::new();
        let mut sizes = Vec::new();
        let count = match format {
            Format::Tiff => {
                sizes = tiff::page_sizes(open(&source)?, path)
                    .map_err(|e| tiff_cut(e, &source, "not a valid TIFF image"))?;
                sizes.len() as u32
            }
            Format::Pdf => {
                pdf_pages = pdf::list(&read_all(&source)?, path, limits)?;
                pdf_pages.len() as u32
            }
            Format::Heic | Format::Avif => {
                // Whole, and within the pixel cap by the size its boxes
                // state, before heif-convert runs on it.
                let info = heif::check(&read_all(&source)?, format, path, limits)?;
                sizes.push(Some(HeaderSize {
                    pixels: info.width as u64 * info.height as u64,
                    colour: true,
                }));
                1
            }
            _ => {
                // A truncated JPEG decodes without complaint (the missing
                // rest grey), so its data is checked now, before any page
                // is converted (one over the pixel limit is left to the
                // size check below).
                if format == Format::Jpeg {
                    let bytes = read_all(&source)?;
                    if let Some((w, h)) = header_size(&bytes, format) {
                        check_size(path, w, h, limits)?;
                    }
                    jpeg_truncation(&bytes, path, limits)?;
                }
                // Read only the header: refuse garbage and huge images now,
                // before any page is decoded.
                let f = image_format(format).ok_or_else(|| {
                    Error::Internal(format!("{}: not an image format", path.display()))
                })?;
                let r = image::ImageReader::with_format(std::io::BufReader::new(open(&source)?), f);
                let decoder = r.into_decoder().map_err(|e| {
                    Error::input(
                        path,
                        format!("not a valid {} image: {e}", format_name(format)),
                    )
                })?;
                let (w, h) = decoder.dimensions();
                check_size(path, w, h, limits)?;
                sizes.push(Some(HeaderSize {
                    pixels: w as u64 * h as u64,
                    colour: decoder.color_type().has_color(),
                }));
                1
            }
        };
        for index in 0..count {
            pages.push(PageRef {
                source: source.clone(),
                format,
                index,
                count,
                pdf: pdf_pages.get(index as usize).cloned(),
                size: sizes.get(index as usize).copied().flatten(),
                spread: None,
            });
        }
    }
    Ok(pages)
}

/// The path used in messages: the file name, or `-` for stdin.
fn source_path(source: &Source) -> &Path {
    match source {
        Source::File(p) => p,
        Source::Stdin(_) => Path::new("-"),
    }
}

fn read_stdin() -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::input("-", format!("cannot read standard input: {e}")))?;
    if buf.len() as u64 > MAX_STDIN_BYTES {
        return Err(Error::input("-", "standard input is larger than 1 GiB"));
    }
    Ok(buf)
}

/// A reader over the whole input, seekable for TIFF directories.
pub(crate) trait ReadSeek: Read + std::io::Seek + Send {}
impl<T: Read + std::io::Seek + Send> ReadSeek for T {}

fn open(source: &Source) -> Result<Box<dyn ReadSeek>> {
    match source {
        Source::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| Error::input(p, io_reason(&e)))?;
            if f.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(Error::input(p, "is a directory, not an image"));
            }
            Ok(Box::new(std::io::BufReader::new(f)))
        }
        Source::Stdin(bytes) => Ok(Box::new(Cursor::new(SharedBytes(bytes.clone())))),
    }
}

/// `Arc<Vec<u8>>` as a byte slice, so stdin's pages share one buffer.
struct SharedBytes(Arc<Vec<u8>>);
impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Bytes read to recognise a format: PDF readers accept the `%PDF-`
/// header anywhere in the first 1024 bytes.
const HEAD_LEN: u64 = 1024;

fn read_head(source: &Source) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_LEN as usize);
    open(source)?
        .take(HEAD_LEN)
        .read_to_end(&mut head)
        .map_err(|e| Error::input(source_path(source), io_reason(&e)))?;
    Ok(head)
}

/// Recognise the format from the first bytes; name the expected format in
/// the message when the extension promised one.
pub(crate) fn sniff(head: &[u8], path: &Path) -> Result<Format> {
    if head.is_empty() {
        return Err(Error::input(path, "file is empty"));
    }
    let found = if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some(Format::Tiff)
    } else if head.len() >= 2 && head[0] == b'P' && (b'1'..=b'7').contains(&head[1]) {
        Some(Format::Pnm)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if head.starts_with(b"BM") && head.len() >= 18 && bmp_header_size(&head[14..18]) {
        Some(Format::Bmp)
    } else if head.windows(5).any(|w| w == b"%PDF-") {
        Some(Format::Pdf)
    } else {
        heif::kind(head)
    };
    if let Some(f) = found {
        return Ok(f);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let expected = match ext.as_deref() {
        Some("png") => "not a PNG image",
        Some("jpg" | "jpeg") => "not a JPEG image",
        Some("tif" | "tiff") => "not a TIFF image",
        Some("pnm" | "pbm" | "pgm" | "ppm") => "not a PNM image",
        Some("webp") => "not a WebP image",
        Some("bmp") => "not a BMP image",
        Some("gif") => "not a GIF image",
        Some("pdf") => "not a PDF (no %PDF- header)",
        Some("heic" | "heif") => "not a HEIC image",
        Some("avif") => "not an AVIF image",
        _ => {
            "not a supported image or PDF (PNG, JPEG, TIFF, PNM, WebP, BMP, GIF, HEIC, AVIF or PDF)"
        }
    };
    Err(Error::input(path, expected))
}

/// "BM" is a short magic: a BMP also names one of the known info-header
/// sizes (core 12, OS/2 16 or 64, v1 40, v2 52, v3 56, v4 108, v5 124).
fn bmp_header_size(le: &[u8]) -> bool {
    let size = u32::from_le_bytes([le[0], le[1], le[2], le[3]]);
    matches!(size, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// Decode one page into pixels and resolution. `dpi_override` wins over the
/// file's own value; when neither is known, the resolution is estimated
/// from the paper's proportions (a photographed page), else from the size
/// of its text, and 300 dpi is assumed only for a page without text. PDF pages
/// ignore it: their size is fixed, so their resolution is known exactly.
pub fn decode_page(
    page: &PageRef,
    limits: &Limits,
    dpi_override: Option<Dpi>,
) -> Result<PageImage> {
    decode(page, limits, dpi_override).map(|d| d.image)
}

/// [`decode_page`], with the warnings decoding gave (a truncated JPEG kept
/// under [`Limits::accept_truncated`]).
pub(crate) fn decode(
    page: &PageRef,
    limits: &Limits,
    dpi_override: Option<Dpi>,
) -> Result<Decoded> {
    let path = page.path();
    let mut warnings = Vec::new();
    // How a HEIC's own properties turned it (heif-convert applied them).
    let mut turned = None;
    let (pixels, file_dpi, orientation) = match page.format {
        Format::Tiff => {
            let (pixels, dpi, orientation, damage) =
                tiff::decode(open(&page.source)?, path, page.index, limits)
                    .map_err(|e| tiff_cut(e, &page.source, "cannot decode TIFF image"))?;
            warnings.extend(damage.map(|what| Warning {
                code: "truncated_input",
                message: format!("{what}: kept what decoded; the rest of the page is missing"),
            }));
            (pixels, dpi, orientation)
        }
        Format::Pdf => {
            let plan = page
                .pdf
                .as_ref()
                .ok_or_else(|| Error::Internal(format!("{}: PDF page not listed", page.label())))?;
            let (pixels, dpi, damage) = pdf::decode(plan, &page.source, path, limits, false)?;
            warnings.extend(damage.map(pdf_truncation));
            return Ok(Decoded {
                image: PageImage { pixels, dpi },
                warnings,
                orientation: None,
                dpi_stated: true,
                photo: false,
                image_input: false,
            });
        }
        format @ (Format::Heic | Format::Avif) => {
            let c = heif::decode(&page.source, path, format, limits)?;
            warnings.extend(c.warnings);
            turned = c.turned;
            (c.pixels, c.dpi, Orientation::NoTransforms)
        }
        format => {
            let bytes = read_all(&page.source)?;
            // Checked before decoding: the check's own memory (a mask
            // per block of a progressive file) is freed before the pixels
            // are allocated.
            if format == Format::Jpeg {
                warnings.extend(jpeg_truncation(&bytes, path, limits)?);
            }
            let dpi = match format {
                Format::Png => dpi::png(&bytes),
                Format::Jpeg => dpi::jpeg(&bytes),
                Format::Bmp => dpi::bmp(&bytes),
                _ => None,
            };
            let (pixels, orientation) = decode_single(&bytes, format, path, limits)?;
            (pixels, dpi, orientation)
        }
    };
    let photo = dpi::paper_estimate(pixels.dimensions(), file_dpi).is_some();
    let mut dpi = dpi_override.or(file_dpi).unwrap_or(Dpi::DEFAULT);
    let mut stated = dpi_override.is_some() || file_dpi.is_some();
    if dpi_override.is_none()
        && let Some((guess, paper)) = dpi::paper_estimate(pixels.dimensions(), file_dpi)
    {
        let (w, h) = pixels.dimensions();
        let said = match file_dpi {
            Some(d) => format!("the file says {:.0} dpi", d.x.min(d.y)),
            None => "the file states none".to_string(),
        };
        warnings.push(Warning {
            code: "estimated_dpi",
            message: format!(
                "resolution estimated as {:.0} dpi from {paper} proportions ({said}, which would \
                 make the page {:.1} x {:.1} in); --dpi sets it",
                guess.x,
                w as f32 / dpi.x,
                h as f32 / dpi.y
            ),
        });
        dpi = guess;
        stated = true;
    }
    let image = PageImage { pixels, dpi };
    // Orientation is metadata, not detection: applied before anything else
    // sees the page, whatever `--no-rotate` says.
    Ok(Decoded {
        image: apply_orientation(image, orientation),
        warnings,
        orientation: turned.or_else(|| describe_orientation(orientation)),
        dpi_stated: stated,
        photo,
        image_input: true,
    })
}

/// Turn and mirror a page as its orientation tag says it is meant to be
/// seen (TIFF 6.0 `Orientation`, the same values in EXIF); a quarter turn
/// swaps the resolution axes.
fn apply_orientation(page: PageImage, o: Orientation) -> PageImage {
    if o == Orientation::NoTransforms {
        return page;
    }
    let mut img = match page.pixels {
        Pixels::Gray(g) => DynamicImage::ImageLuma8(g),
        Pixels::Rgb(c) => DynamicImage::ImageRgb8(c),
    };
    img.apply_orientation(o);
    let quarter = matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let dpi = if quarter {
        Dpi {
            x: page.dpi.y,
            y: page.dpi.x,
        }
    } else {
        page.dpi
    };
    PageImage {
        pixels: Pixels::from_dynamic(img),
        dpi,
    }
}

/// What an orientation tag asked for, for `-v`; `None` when upright.
fn describe_orientation(o: Orientation) -> Option<String> {
    let (tag, what) = match o {
        Orientation::NoTransforms => return None,
        Orientation::FlipHorizontal => (2, "mirrored left to right"),
        Orientation::Rotate180 => (3, "turned 180°"),
        Orientation::FlipVertical => (4, "mirrored top to bottom"),
        Orientation::Rotate90FlipH => (5, "turned 90° clockwise and mirrored"),
        Orientation::Rotate90 => (6, "turned 90° clockwise"),
        Orientation::Rotate270FlipH => (7, "turned 90° counter-clockwise and mirrored"),
        Orientation::Rotate270 => (8, "turned 90° counter-clockwise"),
    };
    Some(format!("{what} (orientation tag {tag})"))
}

/// A JPEG whose image data is cut short or corrupt (no end marker, or
/// scans that stop before the image is complete: [`jpeg::damage`]) is
/// refused, or with [`Limits::accept_truncated`] kept with a warning.
fn jpeg_truncation(bytes: &[u8], path: &Path, limits: &Limits) -> Result<Option<Warning>> {
    let Some(what) = jpeg::damage(bytes, limits.max_pixels) else {
        return Ok(None);
    };
    if !limits.accept_truncated {
        return Err(Error::input(
            path,
            format!("{what}; --accept-truncated keeps what decodes"),
        ));
    }
    Ok(Some(Warning {
        code: "truncated_input",
        message: format!("{what}: kept what decoded; the rest of the page is missing"),
    }))
}

/// A TIFF that its decoder fails on ("failed to fill whole buffer") is
/// named for what is missing when its own structure says it is cut short
/// ([`complete::missing`]); otherwise the decoder's error stands.
fn tiff_cut(e: Error, source: &Source, what: &str) -> Error {
    let cut = read_all(source)
        .ok()
        .and_then(|b| complete::missing(&b, Format::Tiff));
    match cut {
        Some(why) => Error::input(source_path(source), format!("{what}: {why}")),
        None => e,
    }
}

/// The whole input; stdin's buffer is shared, not copied.
fn read_all(source: &Source) -> Result<std::borrow::Cow<'_, [u8]>> {
    match source {
        Source::File(p) => std::fs::read(p)
            .map(Into::into)
            .map_err(|e| Error::input(p, io_reason(&e))),
        Source::Stdin(b) => Ok(b.as_slice().into()),
    }
}

/// Decode an image the `image` crate reads, with the orientation its
/// metadata states (EXIF in JPEG, PNG `eXIf` and WebP; upright when absent
/// or unreadable, as viewers do).
fn decode_single(
    bytes: &[u8],
    format: Format,
    path: &Path,
    limits: &Limits,
) -> Result<(Pixels, Orientation)> {
    let image_format = image_format(format)
        .ok_or_else(|| Error::Internal(format!("{}: not an image format", path.display())))?;
    let name = format_name(format);
    let reader = || image::ImageReader::with_format(Cursor::new(bytes), image_format);
    // The PNG decoder refuses a huge header with its own words ("Memory
    // limit exceeded"), the JPEG reader a frame without a scan ("Premature
    // End of image"): the size is judged first, as for every format.
    if let Some((w, h)) = header_size(bytes, format) {
        check_size(path, w, h, limits)?;
    }
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| Error::input(path, format!("not a valid {name} image: {e}")))?;
    check_size(path, w, h, limits)?;
    let mut r = reader();
    let mut lim = image::Limits::default();
    lim.max_image_width = Some(w);
    lim.max_image_height = Some(h);
    lim.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    r.limits(lim);
    // A file cut short fails deep in its decoder ("failed to fill whole
    // buffer"); its own structure says what is missing.
    let decode_err = |e: image::ImageError| {
        let why = complete::missing(bytes, format).unwrap_or_else(|| e.to_string());
        Error::input(path, format!("cannot decode {name} image: {why}"))
    };
    let mut decoder = r.into_decoder().map_err(decode_err)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(decode_err)?;
    Ok((Pixels::from_dynamic(img), orientation))
}

/// The size a PNG or JPEG header declares, read by hand (see
/// [`decode_single`]); `None` for other formats.
fn header_size(bytes: &[u8], format: Format) -> Option<(u32, u32)> {
    match format {
        Format::Png => png_size(bytes),
        // Height 0: defined later by a DNL marker; the decoder judges.
        Format::Jpeg => jpeg::size(bytes).filter(|&(_, h)| h > 0),
        _ => None,
    }
}

/// Width and height from a PNG's IHDR chunk, which must come first
/// (PNG spec, 11.2.2); `None` when the file does not start that way.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let head = bytes.get(..24)?;
    if head[..8] != *b"\x89PNG\r\n\x1a\n" || head[12..16] != *b"IHDR" {
        return None;
    }
    let be = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    Some((be(16), be(20)))
}

pub(crate) fn check_size(path: &Path, width: u32, height: u32, limits: &Limits) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::input(path, "image has no pixels"));
    }
    if width as u64 * height as u64 > limits.max_pixels {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    Ok(())
}

/// The `image` crate's name for a format it decodes (PDF is not one).
fn image_format(f: Format) -> Option<ImageFormat> {
    match f {
        Format::Png => Some(ImageFormat::Png),
        Format::Jpeg => Some(ImageFormat::Jpeg),
        Format::Pnm => Some(ImageFormat::Pnm),
        Format::Tiff => Some(ImageFormat::Tiff),
        Format::Webp => Some(ImageFormat::WebP),
        Format::Bmp => Some(ImageFormat::Bmp),
        Format::Gif => Some(ImageFormat::Gif),
        Format::Pdf | Format::Heic | Format::Avif => None,
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Png => "PNG",
        Format::Jpeg => "JPEG",
        Format::Tiff => "TIFF",
        Format::Pnm => "PNM",
        Format::Webp => "WebP",
        Format::Bmp => "BMP",
        Format::Gif => "GIF",
        Format::Pdf => "PDF",
        Format::Heic => "HEIC",
        Format::Avif => "AVIF",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_names_the_promised_format() {
        let e = sniff(b"hello world", Path::new("scan7.png")).unwrap_err();
        assert_eq!(e.to_string(), "scan7.png: not a PNG image");
        let e = sniff(b"", Path::new("a.jpg")).unwrap_err();
        assert_eq!(e.to_string(), "a.jpg: file is empty");
        assert_eq!(sniff(b"P5\n", Path::new("x")).unwrap(), Format::Pnm);
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ", Path::new("x")).unwrap(),
            Format::Webp
        );
        assert_eq!(sniff(b"GIF89a\x01\0", Path::new("x")).unwrap(), Format::Gif);
        let bmp = [&b"BM"[..], &[0; 12], &[40, 0, 0, 0]].concat();
        assert_eq!(sniff(&bmp, Path::new("x")).unwrap(), Format::Bmp);
        // "BM" alone (a text file starting "BMW …") is not a BMP.
        let e = sniff(b"BMW 320i, 1987, blue", Path::new("car.bmp")).unwrap_err();
        assert_eq!(e.to_string(), "car.bmp: not a BMP image");
        assert_eq!(sniff(b"%PDF-1.7\n", Path::new("x")).unwrap(), Format::Pdf);
        // Readers allow junk (a mail header, a BOM) before the PDF header.
        let late = [&[b' '; 600][..], b"%PDF-1.4"].concat();
        assert_eq!(sniff(&late, Path::new("x")).unwrap(), Format::Pdf);
        let e = sniff(b"%PS-Adobe", Path::new("a.pdf")).unwrap_err();
        assert_eq!(e.to_string(), "a.pdf: not a PDF (no %PDF- header)");
        // Phone formats are recognised by their ftyp brands.
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic, Path::new("x")).unwrap(), Format::Heic);
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(sniff(avif, Path::new("x")).unwrap(), Format::Avif);
        let e = sniff(b"hello", Path::new("IMG_0001.HEIC")).unwrap_err();
        assert_eq!(e.to_string(), "IMG_0001.HEIC: not a HEIC image");
        // Other ISO media (an MP4 video) stays "not supported".
        let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isomiso2";
        let e = sniff(mp4, Path::new("clip.mp4")).unwrap_err();
        assert!(e.to_string().contains("not a supported image"), "{e}");
    }

    #[test]
    fn alpha_is_flattened_on_white() {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            2,
            2,
            image::Rgba([0, 0, 0, 0]),
        ));
        match Pixels::from_dynamic(img) {
            Pixels::Rgb(c) => assert_eq!(c.get_pixel(0, 0).0, [255, 255, 255]),
            Pixels::Gray(_) => panic!("colour image became grey"),
        }
    }

    #[test]
    fn oversized_images_are_refused_before_decoding() {
        let limits = Limits {
            max_pixels: 100,
            ..Limits::default()
        };
        let e = check_size(Path::new("big.png"), 20, 20, &limits).unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }));
    }

    /// A PNG header declaring 2147483647² pixels gets the same message as
    /// any oversized image, not the PNG decoder's "Memory limit exceeded";
    /// so does a huge JPEG frame.
    #[test]
    fn a_huge_png_or_jpeg_header_is_too_large_like_any_other() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(0x7FFF_FFFFu32.to_be_bytes());
        png.extend(0x7FFF_FFFFu32.to_be_bytes());
        png.extend([8, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(png_size(&png), Some((0x7FFF_FFFF, 0x7FFF_FFFF)));
        let e = decode_single(&png, Format::Png, Path::new("huge.png"), &Limits::default())
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("too large"), "{e}");
        // A JPEG frame header of 65535² without a scan: the same words,
        // not the reader's "Premature End of image".
        let mut jpg = vec![
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1,
        ];
        jpg.extend([1, 0x11, 0, 0xFF, 0xD9]);
        let e = decode_single(
            &jpg,
            Format::Jpeg,
            Path::new("huge.jpg"),
            &Limits::default(),
        )
        .map(|_| ())
        .unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
    }
}
