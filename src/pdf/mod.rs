//! Turning cleaned pages and OCR words into a PDF: image encoding, the
//! invisible text layer and its font, the streaming document assembler and
//! the document's metadata (Info, XMP, PDF/A output intent).
//! Nothing here knows which OCR engine ran.

mod assemble;
mod bilevel_batch;
mod edit;
pub(crate) mod font;
pub(crate) mod g4;
mod icc;
pub(crate) mod images;
mod info;
pub(crate) mod jbig2;
mod layers;
pub(crate) mod page;
mod text;
mod xmp;

pub(crate) use assemble::Assembler;
pub(crate) use bilevel_batch::Settled;
pub(crate) use edit::{Editor, PageChange};
pub(crate) use images::Codec;
pub use images::{Bilevel, DEFAULT_JPEG_QUALITY, DEFAULT_PICTURE_DPI, ImageOptions};
pub use info::{DateSource, DocDate, DocInfo, is_forbidden_char};
pub(crate) use page::{
    PageEncoding, PageImages, PagePdf, build_with as build_page_with, encode as encode_page_images,
    parts as page_parts,
};

/// A chunk for one object, written compactly (no pretty-printing).
pub(crate) fn chunk() -> pdf_writer::Chunk {
    pdf_writer::Chunk::with_settings(pdf_writer::Settings { pretty: false })
}

/// zlib-compress a stream body (PDF's FlateDecode).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}
