//! PDF input: each page becomes one [`PageImage`](super::PageImage).
//!
//! A scanned page (one image covering the page, perhaps under an invisible
//! text layer from an earlier OCR run) gives up its image without loss: the
//! pixels the scanner made, at the resolution it drew them, turned the way
//! the viewer shows the page. Every other page is rendered with poppler's
//! `pdftoppm`, at the resolution of its images or 300 dpi.
//!
//! Each page is also classified ([`fate::Look`]: text, invisible text, a
//! page-covering scan, anchored annotations) so the PDF editor can decide
//! its fate: kept, given a text layer, or cleaned and stored anew. Text
//! hidden under a page-sized image does not count as shown.
//!
//! The document is parsed once, when pages are listed; each page keeps what
//! decoding it needs (the image's data, or how to render it), so workers do
//! not parse the file again. lopdf may panic on hostile files: parsing and
//! decoding run under `catch_unwind` and a panic becomes an input error.

mod content;
pub(crate) mod fate;
mod image;
mod place;
mod render;
mod space;

use super::{Dpi, Limits, Pixels, Source};
use crate::error::{Error, Result};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::path::Path;
use std::sync::Arc;

/// More pages than any scan batch; bounds work on hostile page trees.
const MAX_PAGES: usize = 100_000;
/// Parent links followed for inherited page attributes.
const MAX_INHERIT: usize = 64;
const LETTER: Rect = Rect {
    x0: 0.0,
    y0: 0.0,
    x1: 612.0,
    y1: 792.0,
};

/// How one page of a PDF becomes pixels, decided when pages are listed.
#[derive(Debug)]
pub(crate) struct PdfPage {
    /// 1-based page number, for messages and for the renderer.
    pub(crate) number: u32,
    plan: Plan,
    /// The page object, for the editor.
    pub(crate) id: ObjectId,
    pub(crate) look: fate::Look,
    pub(crate) geometry: Geometry,
    /// Where the page's visible text lies (default user space).
    pub(crate) text_boxes: Vec<Rect>,
    /// What the editor does with it, and what that is called.
    pub(crate) treatment: fate::Treatment,
    pub(crate) fate: fate::Fate,
    /// A `/Font` resource name the page does not use, for the text layer.
    pub(crate) font_name: Vec<u8>,
    /// With `Overlay { strip }`: the page's content without its invisible
    /// text.
    pub(crate) stripped: Option<Vec<u8>>,
    /// Its one image is stored lossy (JPEG): stored anew it may stay so.
    pub(crate) lossy: bool,
}

/// Where a page shows: its crop box (default user space), /Rotate and
/// /UserUnit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    pub crop: Rect,
    pub rotate: u16,
    pub user_unit: f32,
}

impl Geometry {
    /// The matrix from an upright `w`×`h` pixel image of the page as shown
    /// (origin at its bottom left, one unit a pixel) to default user space,
    /// with the page turned by `rotate` degrees clockwise.
    pub fn pixels_to_user(&self, w: u32, h: u32, rotate: u16) -> [f32; 6] {
        let c = self.crop;
        let quarter = rotate % 180 == 90;
        let (dw, dh) = if quarter {
            (c.height(), c.width())
        } else {
            (c.width(), c.height())
        };
        let (sx, sy) = (dw / w.max(1) as f32, dh / h.max(1) as f32);
        // Shown (u, v) to user space for each quarter turn; then pixels
        // to shown by the scale.
        let turn = match rotate % 360 {
            90 => Matrix([0.0, 1.0, -1.0, 0.0, c.x1, c.y0]),
            180 => Matrix([-1.0, 0.0, 0.0, -1.0, c.x1, c.y1]),
            270 => Matrix([0.0, -1.0, 1.0, 0.0, c.x0, c.y1]),
            _ => Matrix([1.0, 0.0, 0.0, 1.0, c.x0, c.y0]),
        };
        Matrix([sx, 0.0, 0.0, sy, 0.0, 0.0]).then(&turn).0
    }
}

/// The inverse of an affine matrix; `None` when it is singular.
pub(crate) fn invert(m: &[f32; 6]) -> Option<[f32; 6]> {
    let [a, b, c, d, e, f] = *m;
    let det = a * d - b * c;
    if det.abs() < 1e-12 || !det.is_finite() {
        return None;
    }
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    Some([ia, ib, ic, id, -(e * ia + f * ic), -(e * ib + f * id)])
}

/// A PDF input opened for editing: the parsed document and its pages.
pub(crate) struct Opened {
    pub doc: Arc<Document>,
    pub pages: Vec<Arc<PdfPage>>,
}

#[derive(Debug)]
enum Plan {
    /// Decode the page's one image and place it as the viewer shows it.
    Extract(Box<image::Job>, place::Placement),
    /// Render with pdftoppm at this resolution.
    Render { dpi: f32 },
}

/// An affine transformation `[a b c d e f]` as PDF writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Matrix(pub [f32; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` followed by `next` (PDF's `self × next`).
    pub fn then(&self, next: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [na, nb, nc, nd, ne, nf] = next.0;
        Matrix([
            a * na + b * nc,
            a * nb + b * nd,
            c * na + d * nc,
            c * nb + d * nd,
            e * na + f * nc + ne,
            e * nb + f * nd + nf,
        ])
    }

    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// Where the unit square lands: the area an image drawn under this
    /// matrix covers on the page.
    pub fn unit_square_bbox(&self) -> Rect {
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(u, v)| self.apply(u, v));
        let (xs, ys) = (corners.map(|p| p.0), corners.map(|p| p.1));
        Rect {
            x0: xs.into_iter().fold(f32::INFINITY, f32::min),
            y0: ys.into_iter().fold(f32::INFINITY, f32::min),
            x1: xs.into_iter().fold(f32::NEG_INFINITY, f32::max),
            y1: ys.into_iter().fold(f32::NEG_INFINITY, f32::max),
        }
    }

    fn from_object(doc: &Document, o: &Object) -> Option<Matrix> {
        let v = numbers(doc, o)?;
        Some(Matrix(v.try_into().ok()?))
    }
}

/// A rectangle in page space (points), normalised so x0 ≤ x1, y0 ≤ y1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    fn from_object(doc: &Document, o: &Object) -> Option<Rect> {
        let v = numbers(doc, o)?;
        let [a, b, c, d]: [f32; 4] = v.try_into().ok()?;
        Some(Rect {
            x0: a.min(c),
            y0: b.min(d),
            x1: a.max(c),
            y1: b.max(d),
        })
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }

    pub fn intersect(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }
}

fn numbers(doc: &Document, o: &Object) -> Option<Vec<f32>> {
    resolve(doc, o)
        .as_array()
        .ok()?
        .iter()
        .map(|v| resolve(doc, v).as_float().ok())
        .collect()
}

/// Follow a reference (one level; lopdf stores no chains of references).
pub(super) fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        other => other,
    }
}

/// Parse the PDF and decide, page by page, how each becomes an image.
/// Pages with text are refused: merged with other inputs, a PDF's pages
/// are rebuilt from pictures (the editor, [`open`], keeps them).
pub(crate) fn list(bytes: &[u8], path: &Path, limits: &Limits) -> Result<Vec<Arc<PdfPage>>> {
    let opened = open(bytes, path, limits, &fate::PdfOptions::default())?;
    if let Some(p) = opened
        .pages
        .iter()
        .find(|p| p.look.text || p.look.unmapped_text)
    {
        return Err(Error::input(
            path,
            format!(
                "page {}: already has text, and here (merged with other inputs, with --duplex, \
                 --split-on or --blank drop, or by `ocrpdf clean`) a PDF's pages are rebuilt from \
                 pictures, which would lose it; `ocrpdf FILE.pdf -o OUT.pdf` alone keeps such \
                 pages as they are",
                p.number
            ),
        ));
    }
    Ok(opened.pages)
}

/// Parse the PDF for editing: its document-level checks (signatures,
/// dynamic XFA, `--pdf-text refuse`) and each page's look and plan.
pub(crate) fn open(
    bytes: &[u8],
    path: &Path,
    limits: &Limits,
    opts: &fate::PdfOptions,
) -> Result<Opened> {
    guarded(path, || {
        let doc = Document::load_mem(bytes).map_err(|e| match e {
            lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => Error::Encrypted {
                path: path.to_path_buf(),
            },
            e => Error::input(path, format!("not a readable PDF: {e}")),
        })?;
        if doc.is_encrypted() {
            return Err(Error::Encrypted {
                path: path.to_path_buf(),
            });
        }
        let pages = doc.get_pages();
        if pages.is_empty() {
            return Err(Error::input(path, "the PDF has no pages"));
        }
        if pages.len() > MAX_PAGES {
            return Err(Error::input(path, "the PDF has too many pages"));
        }
        check_document(&doc, path, opts)?;
        let doc = Arc::new(doc);
        let pages = pages
            .into_iter()
            .map(|(number, id)| plan_page(&doc, id, number, path, limits, opts).map(Arc::new))
            .collect::<Result<Vec<_>>>()?;
        if let Some(p) = pages.iter().find(|p| fate::refused(&p.look, opts.text)) {
            return Err(Error::AlreadyDone {
                path: path.to_path_buf(),
                page: p.number,
            });
        }
        Ok(Opened { doc, pages })
    })
}

/// Refuse what cannot be edited: a dynamic XFA form (its pages are drawn
/// by Acrobat from XML; the PDF pages are a placeholder) and, unless
/// asked, a digitally signed file (any change breaks the signature).
fn check_document(doc: &Document, path: &Path, opts: &fate::PdfOptions) -> Result<()> {
    let Ok(catalog) = doc.catalog() else {
        return Ok(());
    };
    let form = catalog
        .get(b"AcroForm")
        .ok()
        .and_then(|f| resolve(doc, f).as_dict().ok());
    let needs_rendering = catalog
        .get(b"NeedsRendering")
        .ok()
        .and_then(|o| resolve(doc, o).as_bool().ok())
        .unwrap_or(false);
    if needs_rendering && form.is_some_and(|f| f.has(b"XFA")) {
        return Err(Error::input(
            path,
            "is a dynamic XFA form: its pages are drawn from XML by Adobe Acrobat or Reader              only, and the PDF pages other programs show are a placeholder; print it to PDF              from Acrobat first",
        ));
    }
    let signed = form.is_some_and(|f| {
        let flags = f
            .get(b"SigFlags")
            .ok()
            .and_then(|o| resolve(doc, o).as_i64().ok())
            .unwrap_or(0);
        flags & 1 != 0 || has_signature(doc, f)
    });
    if signed && !opts.invalidate_signatures {
        return Err(Error::input(
            path,
            "is digitally signed: any change to it breaks the signature; pass              --invalidate-digital-signatures to convert it anyway",
        ));
    }
    Ok(())
}

/// Whether a form has a signature field holding a signature (`/FT /Sig`
/// with a `/V`), looking through field kids a few levels deep.
fn has_signature(doc: &Document, form: &Dictionary) -> bool {
    fn walk(doc: &Document, fields: &Object, depth: u8) -> bool {
        let Ok(fields) = resolve(doc, fields).as_array() else {
            return false;
        };
        fields.iter().take(10_000).any(|f| {
            let Ok(d) = resolve(doc, f).as_dict() else {
                return false;
            };
            let sig = d
                .get(b"FT")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Sig");
            (sig && d.has(b"V"))
                || (depth < 8 && d.get(b"Kids").is_ok_and(|k| walk(doc, k, depth + 1)))
        })
    }
    form.get(b"Fields").is_ok_and(|f| walk(doc, f, 0))
}

/// Run lopdf-facing code, turning a panic into an input error.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::input(
            path,
            "the PDF is damaged beyond reading (the parser gave up)",
        ))
    })
}

/// Inheritable page attributes (PDF 32000-1 §7.7.3.4): the first value on
/// the way from the page up its /Parent chain.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..MAX_INHERIT {
        if let Ok(v) = node.get(key) {
            return Some(resolve(doc, v));
        }
        node = resolve(doc, node.get(b"Parent").ok()?).as_dict().ok()?;
    }
    None
}

fn plan_page(
    doc: &Arc<Document>,
    id: ObjectId,
    number: u32,
    path: &Path,
    limits: &Limits,
    opts: &fate::PdfOptions,
) -> Result<PdfPage> {
    let bad = |what: &str| Error::input(path, format!("page {number}: {what}"));
    let page = doc
        .get_dictionary(id)
        .map_err(|_| bad("page object is missing"))?;
    // Viewers take US Letter when the required /MediaBox is missing.
    let media = inherited(doc, page, b"MediaBox")
        .and_then(|o| Rect::from_object(doc, o))
        .unwrap_or(LETTER);
    let crop = inherited(doc, page, b"CropBox")
        .and_then(|o| Rect::from_object(doc, o))
        .map_or(media, |c| c.intersect(&media));
    if crop.width() < 1.0 || crop.height() < 1.0 {
        return Err(bad("the page has no area"));
    }
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .filter(|r| r % 90 == 0)
        .map_or(0, |r| r.rem_euclid(360) as u16);
    let resources = inherited(doc, page, b"Resources").and_then(|r| r.as_dict().ok());
    let survey = content::survey(doc, id, resources);
    if survey.missing > 0 {
        return Err(bad(
            "refers to objects missing from the file (it is damaged or cut short)",
        ));
    }
    let user_unit = page
        .get(b"UserUnit")
        .ok()
        .and_then(|u| resolve(doc, u).as_float().ok())
        .filter(|u| u.is_finite() && *u > 0.0)
        .unwrap_or(1.0);
    let geometry = Geometry {
        crop,
        rotate,
        user_unit,
    };
    let shown = shows_text(doc, &survey, &crop);
    let all_unmapped =
        survey.unmapped_text > 0 && survey.unmapped_text == survey.visible_text.len();
    let annotated = page
        .get(b"Annots")
        .ok()
        .and_then(|a| resolve(doc, a).as_array().ok())
        .is_some_and(|a| !a.is_empty());
    let plain_scan = survey.complete
        && survey.images.len() == 1
        && survey.other_marks == 0
        && !has_visible_annotations(doc, page);
    let placed = survey.images.first().filter(|_| plain_scan);
    let plan = placed.and_then(|im| {
        let job = image::plan(doc, im.id, im.fill)?;
        let mut placement = place::place(&im.ctm, job.width, job.height, &crop, rotate)?;
        placement.dpi = Dpi {
            x: placement.dpi.x / user_unit,
            y: placement.dpi.y / user_unit,
        };
        // A thumbnail stretched over the page (or a hostile matrix) is
        // better rendered at a resolution the cleanup stages expect.
        Dpi::plausible(placement.dpi.x, placement.dpi.y)
            .filter(|d| *d == placement.dpi)
            .map(|_| Plan::Extract(Box::new(job), placement))
    });
    let plan = if let Some(p) = plan {
        p
    } else {
        // The renderer paints missing samples blank: a short image would
        // become an empty page without a word.
        if let Some(why) = survey
            .images
            .iter()
            .find_map(|im| image::shortfall(doc, im.id, limits.max_pixels))
        {
            return Err(bad(&why));
        }
        Plan::Render {
            dpi: render_dpi(doc, &survey.images),
        }
    };
    // Refuse oversized pages now, before any page is decoded.
    let (w, h) = match &plan {
        Plan::Extract(job, p) => {
            super::check_size(path, job.width, job.height, limits)?;
            p.size()
        }
        Plan::Render { dpi } => (
            (crop.width() * dpi / 72.0).ceil() as u32,
            (crop.height() * dpi / 72.0).ceil() as u32,
        ),
    };
    super::check_size(path, w, h, limits)?;
    let page_image = survey.images.iter().any(|im| covers(doc, im, &crop));
    let look = fate::Look {
        text: shown && !all_unmapped,
        unmapped_text: shown && all_unmapped,
        invisible_text: survey.invisible_text > 0,
        page_image,
        plain_scan: matches!(plan, Plan::Extract(..)),
        empty: survey.complete
            && survey.images.is_empty()
            && survey.other_marks == 0
            && survey.visible_text.is_empty()
            && survey.invisible_text == 0,
        anchored: annotated,
        tagged: page.has(b"StructParents"),
    };
    let (mut treatment, mut fate) = fate::decide(&look, opts);
    let mut stripped = None;
    if let fate::Treatment::Overlay { strip: true, .. } = treatment {
        stripped = content::strip_invisible(doc, id, resources);
        if stripped.is_none() {
            (treatment, fate) = (fate::Treatment::Keep, fate::Fate::Kept);
        }
    }
    let used = resources
        .and_then(|r| resolve(doc, r.get(b"Font").ok()?).as_dict().ok())
        .map(|f| f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    let font_name = (0..)
        .map(|i| format!("OCR{i}").into_bytes())
        .find(|n| !used.contains(n))
        .expect("names are endless");
    let lossy = matches!(&plan, Plan::Extract(job, _) if job.is_lossy());
    Ok(PdfPage {
        number,
        plan,
        id,
        look,
        geometry,
        text_boxes: survey.text_boxes,
        treatment,
        fate,
        font_name,
        stripped,
        lossy,
    })
}

/// Whether an image is opaque and covers (nearly) the whole crop box.
fn covers(doc: &Document, im: &content::Placed, crop: &Rect) -> bool {
    let opaque = doc
        .get_object(im.id)
        .and_then(Object::as_stream)
        .is_ok_and(|s| {
            ["SMask", "Mask", "ImageMask"]
                .iter()
                .all(|k| !s.dict.has(k.as_bytes()))
        });
    let bbox = im.ctm.unit_square_bbox();
    opaque && bbox.intersect(crop).area() >= 0.95 * crop.area()
}

/// Whether the page shows text a reader sees: text in a visible render
/// mode that is not covered by a page-sized opaque image drawn after it.
fn shows_text(doc: &Document, survey: &content::Survey, crop: &Rect) -> bool {
    let Some(&last_text) = survey.visible_text.last() else {
        return false;
    };
    let cover = survey
        .images
        .iter()
        .filter(|im| covers(doc, im, crop))
        .map(|im| im.seq)
        .max();
    cover.is_none_or(|c| last_text > c)
}

/// Annotations a viewer draws (anything but links and pop-ups) make the
/// page more than its image.
fn has_visible_annotations(doc: &Document, page: &Dictionary) -> bool {
    let Some(annots) = page
        .get(b"Annots")
        .ok()
        .and_then(|a| resolve(doc, a).as_array().ok())
    else {
        return false;
    };
    annots.iter().any(|a| {
        let Ok(d) = resolve(doc, a).as_dict() else {
            return false;
        };
        let subtype = d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        !matches!(subtype, b"Link" | b"Popup") && d.has(b"AP")
    })
}

/// Render at the finest image's resolution (so a scan's pixels map 1:1),
/// within sane bounds; 300 dpi when the page has no images.
fn render_dpi(doc: &Document, images: &[content::Placed]) -> f32 {
    let dpi = images
        .iter()
        .filter_map(|im| {
            let d = doc.get_object(im.id).ok()?.as_stream().ok()?;
            let w = resolve(doc, d.dict.get(b"Width").ok()?).as_float().ok()?;
            let h = resolve(doc, d.dict.get(b"Height").ok()?).as_float().ok()?;
            let [a, b, c, dd, _, _] = im.ctm.0;
            let (sw, sh) = (a.hypot(b), c.hypot(dd));
            (sw > 1.0 && sh > 1.0).then(|| (w * 72.0 / sw).min(h * 72.0 / sh))
        })
        .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))));
    match dpi {
        Some(d) if d.is_finite() => d.clamp(render::MIN_DPI, render::MAX_DPI).round(),
        _ => render::DEFAULT_DPI,
    }
}

/// Decode one listed page into pixels and resolution: its one image as
/// shown, or (`render`, or no such image) a rendering of the page. The
/// third part says what its JPEG data lacks, when
/// [`Limits::accept_truncated`] kept it.
pub(crate) fn decode(
    page: &PdfPage,
    source: &Source,
    path: &Path,
    limits: &Limits,
    render: bool,
) -> Result<(Pixels, Dpi, Option<String>)> {
    if let (Plan::Extract(job, placement), false) = (&page.plan, render) {
        let decoded = guarded(path, || image::decode(job, path, page.number, limits))?;
        if let Some((pixels, damage)) = decoded {
            return Ok((place::apply(placement, pixels), placement.dpi, damage));
        }
    }
    // An image the decoder could not read after all is rendered at its
    // own resolution.
    let uu = page.geometry.user_unit;
    let (dpi, gray) = match &page.plan {
        Plan::Render { dpi } => (*dpi, false),
        Plan::Extract(job, p) => (
            (p.dpi.x.min(p.dpi.y) * uu)
                .clamp(render::MIN_DPI, render::MAX_DPI)
                .round(),
            job.is_gray() && !render,
        ),
    };
    let pixels = render::render(source, path, page.number, dpi, gray, limits)?;
    // pdftoppm draws a point as 1/72 in, whatever the /UserUnit.
    Ok((pixels, Dpi::uniform(dpi / uu), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page PDF (8x4 pt, /MediaBox inherited from the page tree) with
    /// an 8x4 grey gradient `/Im0`, a form `/Fm0` whose content is `form`,
    /// and Helvetica as `/F1`.
    fn pdf(content: &str, form: &str) -> Vec<u8> {
        pdf_with(content, form, Dictionary::new())
    }

    /// As [`pdf`], with `extra` entries in the image's dictionary.
    fn pdf_with(content: &str, form: &str, extra: Dictionary) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pixels: Vec<u8> = (0..32).map(|i| i * 8).collect();
        let mut image = dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 8, "Height" => 4,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        };
        for (k, v) in &extra {
            image.set(k.clone(), v.clone());
        }
        let image = doc.add_object(Stream::new(image, pixels));
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let form = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()],
                "Resources" => dictionary! {
                    "XObject" => dictionary! { "Im0" => image },
                    "Font" => dictionary! { "F1" => font },
                },
            },
            form.as_bytes().to_vec(),
        ));
        let contents = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents,
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im0" => image, "Fm0" => form },
                "Font" => dictionary! { "F1" => font },
            },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 8.into(), 4.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn read(bytes: Vec<u8>) -> Result<(PdfPage, Pixels, Dpi)> {
        let path = Path::new("t.pdf");
        let limits = Limits::default();
        let mut pages = list(&bytes, path, &limits)?;
        let page = Arc::into_inner(pages.remove(0)).unwrap();
        let (px, dpi, _) = decode(&page, &Source::Stdin(Arc::new(bytes)), path, &limits, false)?;
        Ok((page, px, dpi))
    }

    fn gradient() -> Vec<u8> {
        (0..32).map(|i| i * 8).collect()
    }

    #[test]
    fn image_drawn_through_a_form_under_invisible_text() {
        let (page, px, dpi) = read(pdf(
            "q 8 0 0 4 0 0 cm /Fm0 Do Q BT 3 Tr /F1 2 Tf (ocr layer) Tj ET",
            "/Im0 Do",
        ))
        .unwrap();
        assert!(matches!(page.plan, Plan::Extract(..)), "{:?}", page.plan);
        let Pixels::Gray(g) = px else {
            panic!("grey expected")
        };
        assert_eq!(g.as_raw(), &gradient());
        assert_eq!(dpi, Dpi::uniform(72.0));
    }

    #[test]
    fn visible_text_is_refused_unless_an_image_covers_it() {
        for (content, form) in [
            ("q 8 0 0 4 0 0 cm /Im0 Do Q BT /F1 2 Tf (typed) Tj ET", ""),
            // Text in a form counts too, and the render mode is per state.
            (
                "q 8 0 0 4 0 0 cm /Fm0 Do Q",
                "/Im0 Do BT 3 Tr q 0 Tr /F1 1 Tf (x) Tj Q ET",
            ),
        ] {
            let e = read(pdf(content, form)).unwrap_err();
            assert!(e.to_string().contains("page 1: already has text"), "{e}");
        }
        let (page, px, _) = read(pdf(
            "BT /F1 2 Tf (under) Tj ET q 8 0 0 4 0 0 cm /Im0 Do Q",
            "",
        ))
        .unwrap();
        assert!(matches!(page.plan, Plan::Extract(..)));
        assert!(matches!(px, Pixels::Gray(g) if g.as_raw() == &gradient()));
    }

    #[test]
    fn codecs_and_transparency_without_a_decoder_are_rendered() {
        let path = Path::new("t.pdf");
        for extra in [
            dictionary! { "Filter" => "JBIG2Decode" },
            dictionary! { "Filter" => "JPXDecode" },
            dictionary! { "Filter" => vec![Object::Name(b"FlateDecode".to_vec()), Object::Name(b"DCTDecode".to_vec()), Object::Name(b"FlateDecode".to_vec())] },
            // (2 bits per component: the 32 bytes hold 8 x 4 CMYK pixels)
            dictionary! { "ColorSpace" => "DeviceCMYK", "BitsPerComponent" => 2 },
            dictionary! { "Decode" => vec![0.2.into(), 0.8.into()] },
            dictionary! { "SMask" => Object::Reference((1, 0)) },
        ] {
            let bytes = pdf_with("q 8 0 0 4 0 0 cm /Im0 Do Q", "", extra.clone());
            let pages = list(&bytes, path, &Limits::default()).unwrap();
            // Rendered at the image's 72 dpi, raised to the 150 dpi floor.
            assert!(
                matches!(pages[0].plan, Plan::Render { dpi } if dpi == 150.0),
                "{extra:?}: {:?}",
                pages[0].plan
            );
        }
    }

    #[test]
    fn color_space_components() {
        let mut doc = Document::with_version("1.7");
        let icc = doc.add_object(Stream::new(dictionary! { "N" => 3 }, vec![]));
        let icc_cs = Object::Array(vec![Object::Name(b"ICCBased".to_vec()), icc.into()]);
        assert_eq!(space::components(&doc, &icc_cs), Some(3));
        let cal = Object::Array(vec![
            Object::Name(b"CalGray".to_vec()),
            Dictionary::new().into(),
        ]);
        assert_eq!(space::components(&doc, &cal), Some(1));
        assert_eq!(
            space::components(&doc, &Object::Name(b"DeviceCMYK".to_vec())),
            Some(4)
        );
        let sep = Object::Array(vec![Object::Name(b"Separation".to_vec())]);
        assert_eq!(space::components(&doc, &sep), None);
    }

    #[test]
    fn pixels_map_to_the_shown_page_for_every_turn() {
        // A 100 x 50 pt crop box at (10, 20); the image of the page as
        // shown is 200 px wide per 100 pt shown.
        let crop = Rect {
            x0: 10.0,
            y0: 20.0,
            x1: 110.0,
            y1: 70.0,
        };
        let at = |rotate: u16, (w, h): (u32, u32), (x, y): (f32, f32)| {
            let g = Geometry {
                crop,
                rotate,
                user_unit: 1.0,
            };
            let m = Matrix(g.pixels_to_user(w, h, rotate));
            let back = invert(&m.0).unwrap();
            let (px, py) = m.apply(x, y);
            let round = Matrix(back).apply(px, py);
            assert!((round.0 - x).abs() < 1e-3 && (round.1 - y).abs() < 1e-3);
            (px.round(), py.round())
        };
        // Upright: the image's bottom left is the crop box's.
        assert_eq!(at(0, (200, 100), (0.0, 0.0)), (10.0, 20.0));
        assert_eq!(at(0, (200, 100), (200.0, 100.0)), (110.0, 70.0));
        // Turned 90° clockwise when shown: the shown bottom left is the
        // box's bottom right, the shown top left its bottom left.
        assert_eq!(at(90, (100, 200), (0.0, 0.0)), (110.0, 20.0));
        assert_eq!(at(90, (100, 200), (0.0, 200.0)), (10.0, 20.0));
        assert_eq!(at(180, (200, 100), (0.0, 0.0)), (110.0, 70.0));
        assert_eq!(at(270, (100, 200), (0.0, 0.0)), (10.0, 70.0));
    }

    #[test]
    fn matrices_compose_like_pdf() {
        let scale = Matrix([2.0, 0.0, 0.0, 3.0, 0.0, 0.0]);
        let shift = Matrix([1.0, 0.0, 0.0, 1.0, 10.0, 20.0]);
        // `cm` scale then shift: a point is scaled first, then moved.
        assert_eq!(scale.then(&shift).apply(1.0, 1.0), (12.0, 23.0));
        assert_eq!(shift.then(&scale).apply(1.0, 1.0), (22.0, 63.0));
    }
}
