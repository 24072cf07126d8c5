//! A printable separator sheet (`ocrpdf separator-sheet`): vector bars
//! and barcodes, so a print at any resolution stays sharp.
//!
//! The patch-T sheet carries the Kodak patch T twice, near the top and,
//! read from the other end, near the bottom (so it reads from whichever
//! edge leads into the feeder, each within 3.75 in of it as Kodak's
//! readers require), and a Code 128 barcode reading `PATCHT` between
//! them for software that reads barcodes instead (Paperless-ngx). The QR
//! sheet carries one large QR code of the given text.

use super::separator::{PATCH_T_TEXT, patch_t_bars};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// Paper sizes, in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Paper {
    #[default]
    /// ISO A4, 210 x 297 mm.
    A4,
    /// US Letter, 8.5 x 11 in.
    Letter,
}

impl Paper {
    fn points(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// Which separator to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetKind {
    /// Patch code T, the scanner industry's document separator.
    PatchT,
    /// A QR code holding this text (`--split-on qr`).
    Qr(String),
}

const PT_PER_IN: f32 = 72.0;
/// The patch's bars run this long across the sheet (Kodak asks for at
/// least 2 in on some readers; longer survives skew and side guides).
const BAR_LENGTH_IN: f32 = 5.0;
/// The top patch starts this far below the leading edge.
const PATCH_TOP_IN: f32 = 0.75;

/// The separator sheet as a one-page PDF.
pub fn separator_sheet(kind: &SheetKind, paper: Paper) -> Result<Vec<u8>, String> {
    let (w, h) = paper.points();
    let mut c = Content::new();
    c.set_fill_gray(0.0);
    let (title, lines): (&str, Vec<String>) = match kind {
        SheetKind::PatchT => {
            let x0 = (w - BAR_LENGTH_IN * PT_PER_IN) / 2.0;
            let top = h - PATCH_TOP_IN * PT_PER_IN;
            for (y, height) in patch_t_bars() {
                // Top patch: narrow bar first from the top edge down.
                c.rect(
                    x0,
                    top - (y + height) * PT_PER_IN,
                    BAR_LENGTH_IN * PT_PER_IN,
                    height * PT_PER_IN,
                );
                // Bottom patch: the same from the bottom edge up.
                c.rect(
                    x0,
                    PATCH_TOP_IN * PT_PER_IN + y * PT_PER_IN,
                    BAR_LENGTH_IN * PT_PER_IN,
                    height * PT_PER_IN,
                );
            }
            c.fill_nonzero();
            code128(&mut c, PATCH_T_TEXT, w / 2.0, h / 2.0 - 40.0)?;
            (
                "PATCH T",
                vec![
                    "Document separator: put this sheet in front of each document.".into(),
                    "ocrpdf --split-on patch starts a new PDF here and leaves the sheet out."
                        .into(),
                    "Print at 100 % (no \"fit to page\"); either edge may lead into the feeder."
                        .into(),
                ],
            )
        }
        SheetKind::Qr(text) => {
            qr(&mut c, text, w / 2.0, h / 2.0 - 130.0)?;
            (
                "QR SEPARATOR",
                vec![
                    format!("Reads: {text}"),
                    "ocrpdf --split-on qr starts a new PDF here and leaves the sheet out.".into(),
                ],
            )
        }
    };
    c.begin_text();
    c.set_font(Name(b"F1"), 30.0);
    c.next_line(72.0, h / 2.0 + 150.0);
    c.show(Str(title.as_bytes()));
    c.set_font(Name(b"F1"), 11.0);
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            c.next_line(0.0, -30.0);
        } else {
            c.next_line(0.0, -16.0);
        }
        c.show(Str(latin1(line).as_slice()));
    }
    c.end_text();
    let content = c.finish();

    let (catalog, tree, page, font, contents) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, w, h))
        .parent(tree)
        .contents(contents);
    p.resources().fonts().pair(Name(b"F1"), font);
    p.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.stream(contents, &content);
    Ok(pdf.finish())
}

/// Text for a WinAnsi-encoded standard font: Latin-1 as is, anything
/// else as `?`.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// A Code 128 symbol of `text` centred on (`cx`, `cy`), modules 1/50 in
/// wide (3 px at 150 dpi), bars 0.6 in tall.
#[cfg(feature = "barcodes")]
fn code128(c: &mut Content, text: &str, cx: f32, cy: f32) -> Result<(), String> {
    use rxing::Writer;
    let m = rxing::MultiFormatWriter
        .encode(text, &rxing::BarcodeFormat::CODE_128, 0, 0)
        .map_err(|e| format!("cannot encode {text} as Code 128: {e}"))?;
    let module = PT_PER_IN / 50.0;
    let tall = 0.6 * PT_PER_IN;
    let x0 = cx - m.getWidth() as f32 * module / 2.0;
    for x in 0..m.getWidth() {
        if m.get(x, 0) {
            c.rect(x0 + x as f32 * module, cy - tall / 2.0, module, tall);
        }
    }
    c.fill_nonzero();
    Ok(())
}

/// Without barcode support the sheet has the patches only.
#[cfg(not(feature = "barcodes"))]
fn code128(_c: &mut Content, _text: &str, _cx: f32, _cy: f32) -> Result<(), String> {
    Ok(())
}

/// A QR code of `text` centred on (`cx`, `cy`), 3 in square.
#[cfg(feature = "barcodes")]
fn qr(c: &mut Content, text: &str, cx: f32, cy: f32) -> Result<(), String> {
    use rxing::Writer;
    let m = rxing::MultiFormatWriter
        .encode(text, &rxing::BarcodeFormat::QR_CODE, 0, 0)
        .map_err(|e| format!("cannot encode the text as a QR code: {e}"))?;
    let (mw, mh) = (m.getWidth(), m.getHeight());
    let module = 3.0 * PT_PER_IN / mw.max(mh) as f32;
    let (x0, y0) = (cx - mw as f32 * module / 2.0, cy + mh as f32 * module / 2.0);
    for y in 0..mh {
        for x in 0..mw {
            if m.get(x, y) {
                c.rect(
                    x0 + x as f32 * module,
                    y0 - (y + 1) as f32 * module,
                    module,
                    module,
                );
            }
        }
    }
    c.fill_nonzero();
    Ok(())
}

#[cfg(not(feature = "barcodes"))]
fn qr(_c: &mut Content, _text: &str, _cx: f32, _cy: f32) -> Result<(), String> {
    Err("QR separator sheets need barcode support, which this build lacks (cargo feature `barcodes`)".into())
}

/// Write the separator sheet to `path`, atomically replacing it.
pub fn write_separator_sheet(
    path: &std::path::Path,
    kind: &SheetKind,
    paper: Paper,
) -> crate::Result<()> {
    let pdf = separator_sheet(kind, paper).map_err(crate::Error::Config)?;
    crate::output::write(path, &pdf, crate::output::Mode::Replace)
}
