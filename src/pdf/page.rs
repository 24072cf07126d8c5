//! One page's PDF objects, built on a worker thread with local object ids
//! that the assembler renumbers.

use super::{deflate, g4};
use crate::clean::CleanPage;
use crate::ocr::OcrPage;
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref};

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

/// Build the page: the cleaned image as a CCITT G4 image and the OCR words
/// as an invisible text layer on top, page size from the image's DPI.
pub fn build(page: &CleanPage, ocr: &OcrPage) -> PagePdf {
    let (w, h) = (page.bits.width(), page.bits.height());
    let pt_w = w as f32 * 72.0 / page.dpi.x;
    let pt_h = h as f32 * 72.0 / page.dpi.y;
    let (page_id, content_id, image_id) = (
        Ref::new(FIRST_LOCAL),
        Ref::new(FIRST_LOCAL + 1),
        Ref::new(FIRST_LOCAL + 2),
    );
    let image_name = Name(b"Im0");
    let font_name = Name(b"F0");

    let mut image = chunk();
    let data = g4::encode(&page.bits);
    let mut xobj = image.image_xobject(image_id, &data);
    xobj.filter(Filter::CcittFaxDecode);
    xobj.width(w as i32).height(h as i32).bits_per_component(1);
    xobj.color_space().device_gray();
    xobj.decode_parms()
        .pair(Name(b"K"), -1)
        .pair(Name(b"Columns"), w as i32)
        .pair(Name(b"Rows"), h as i32);
    xobj.finish();

    let mut content = Content::new();
    content.save_state();
    content.transform([pt_w, 0.0, 0.0, pt_h, 0.0, 0.0]);
    content.x_object(image_name);
    content.restore_state();
    content.save_state();
    content.transform([72.0 / page.dpi.x, 0.0, 0.0, 72.0 / page.dpi.y, 0.0, 0.0]);
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
        .media_box(Rect::new(0.0, 0.0, pt_w, pt_h))
        .contents(content_id);
    let mut res = p.resources();
    res.x_objects().pair(image_name, image_id);
    res.fonts().pair(font_name, FONT);
    res.finish();
    p.finish();

    PagePdf {
        objects: vec![page_obj, contents, image],
        page: page_id,
    }
}
