//! One page's PDF objects, built on a worker thread with local object ids
//! that the assembler renumbers.

use super::{deflate, g4};
use crate::clean::{BitImage, CleanPage, Picture, Rect};
use crate::input::Pixels;
use crate::ocr::OcrPage;
use image::ImageEncoder;
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect as PdfRect, Ref};

/// Local id that stands for the document's shared text-layer font.
pub(crate) const FONT: Ref = Ref::new(1);
/// Local id that stands for the document's page tree.
pub(crate) const PARENT: Ref = Ref::new(2);
/// First id of the page's own objects.
pub(crate) const FIRST_LOCAL: i32 = 10;

/// A finished page: one chunk per object, so the assembler can record each
/// object's offset as it streams them to the file.
pub struct PagePdf {
    pub(crate) objects: Vec<Chunk>,
    pub(crate) page: Ref,
}

impl PagePdf {
    /// Bytes this page adds to the file (before renumbering; close enough).
    pub fn len(&self) -> usize {
        self.objects.iter().map(Chunk::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

fn chunk() -> Chunk {
    Chunk::with_settings(pdf_writer::Settings { pretty: false })
}

/// JPEG quality for continuous-tone parts: pictures stay clean, and text is
/// carried by the bilevel layer, not by them.
const JPEG_QUALITY: u8 = 75;

/// Build the page: the cleaned image (CCITT G4 for the bilevel part, JPEG
/// for pictures) and the OCR words as an invisible text layer on top. Page
/// size follows the image's DPI.
pub fn build(page: &CleanPage, ocr: &OcrPage) -> PagePdf {
    let (w, h) = (page.bits.width(), page.bits.height());
    let (sx, sy) = (72.0 / page.dpi.x, 72.0 / page.dpi.y);
    let (pt_w, pt_h) = (w as f32 * sx, h as f32 * sy);
    let page_id = Ref::new(FIRST_LOCAL);
    let content_id = Ref::new(FIRST_LOCAL + 1);
    let mut next_id = FIRST_LOCAL + 2;
    let font_name = Name(b"F0");

    // (name, object id, rectangle in pixels) of every image drawn, in order.
    let mut images: Vec<(String, Ref, Rect)> = Vec::new();
    let mut objects = Vec::new();
    let full = Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    };
    let mut add = |chunk: Chunk, id: Ref, rect: Rect, images: &mut Vec<(String, Ref, Rect)>| {
        images.push((format!("Im{}", images.len()), id, rect));
        objects.push(chunk);
    };
    let mut alloc = || {
        next_id += 1;
        Ref::new(next_id - 1)
    };
    match &page.picture {
        Picture::Page(pixels) => {
            let id = alloc();
            add(jpeg_image(id, pixels), id, full, &mut images);
        }
        Picture::None | Picture::Regions(_) => {
            let id = alloc();
            add(g4_image(id, &page.bits), id, full, &mut images);
        }
    }
    if let Picture::Regions(regions) = &page.picture {
        for (rect, pixels) in regions {
            let id = alloc();
            add(jpeg_image(id, pixels), id, *rect, &mut images);
        }
    }

    let mut content = Content::new();
    for (name, _, r) in &images {
        content.save_state();
        let (rw, rh) = (r.width() as f32 * sx, r.height() as f32 * sy);
        content.transform([rw, 0.0, 0.0, rh, r.x0 as f32 * sx, pt_h - r.y1 as f32 * sy]);
        content.x_object(Name(name.as_bytes()));
        content.restore_state();
    }
    content.save_state();
    content.transform([sx, 0.0, 0.0, sy, 0.0, 0.0]);
    super::text::write_layer(&mut content, ocr, font_name, h as f32);
    content.restore_state();
    let content = deflate(&content.finish().into_vec());
    let mut contents = chunk();
    contents
        .stream(content_id, &content)
        .filter(Filter::FlateDecode);

    let mut page_obj = chunk();
    let mut p = page_obj.page(page_id);
    p.parent(PARENT)
        .media_box(PdfRect::new(0.0, 0.0, pt_w, pt_h))
        .contents(content_id);
    let mut res = p.resources();
    let mut xobjects = res.x_objects();
    for (name, id, _) in &images {
        xobjects.pair(Name(name.as_bytes()), *id);
    }
    xobjects.finish();
    res.fonts().pair(font_name, FONT);
    res.finish();
    p.finish();

    let mut all = vec![page_obj, contents];
    all.extend(objects);
    PagePdf {
        objects: all,
        page: page_id,
    }
}

fn g4_image(id: Ref, bits: &BitImage) -> Chunk {
    let (w, h) = (bits.width() as i32, bits.height() as i32);
    let data = g4::encode(bits);
    let mut c = chunk();
    let mut xobj = c.image_xobject(id, &data);
    xobj.filter(Filter::CcittFaxDecode);
    xobj.width(w).height(h).bits_per_component(1);
    xobj.color_space().device_gray();
    xobj.decode_parms()
        .pair(Name(b"K"), -1)
        .pair(Name(b"Columns"), w)
        .pair(Name(b"Rows"), h);
    xobj.finish();
    c
}

fn jpeg_image(id: Ref, pixels: &Pixels) -> Chunk {
    let (w, h) = pixels.dimensions();
    let mut data = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY);
    let ok = match pixels {
        Pixels::Gray(g) => enc.write_image(g.as_raw(), w, h, image::ExtendedColorType::L8),
        Pixels::Rgb(c) => enc.write_image(c.as_raw(), w, h, image::ExtendedColorType::Rgb8),
    };
    ok.expect("JPEG encoding of an in-memory image cannot fail");
    let mut c = chunk();
    let mut xobj = c.image_xobject(id, &data);
    xobj.filter(Filter::DctDecode);
    xobj.width(w as i32).height(h as i32).bits_per_component(8);
    match pixels {
        Pixels::Gray(_) => xobj.color_space().device_gray(),
        Pixels::Rgb(_) => xobj.color_space().device_rgb(),
    }
    xobj.finish();
    c
}
