//! One page's PDF objects, built on a worker thread with local object ids
//! that the assembler renumbers.

use super::bilevel_batch::Deferred;
use super::bilevel_batch::{self, Stored};
use super::chunk;
use super::deflate;
use super::images::{self, Codec, ImageOptions};
use crate::clean::{CleanPage, Picture, Rect};
use crate::ocr::OcrPage;
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
    /// Images whose coding waits for the document's batch (their ids are
    /// the page's, the objects not among `objects` yet).
    pub(crate) waiting: Vec<Deferred>,
    pub(crate) page: Ref,
    /// Codecs of the page's images, the page background first.
    codecs: Vec<Codec>,
}

impl PagePdf {
    /// Bytes this page adds to the file (before renumbering; close enough),
    /// images still waiting for their batch not counted.
    pub fn len(&self) -> usize {
        self.objects.iter().map(Chunk::len).sum()
    }

    /// How the page's images were stored, e.g. `ccitt-g4` or
    /// `ccitt-g4+jpeg` for text with pictures.
    pub fn codec(&self) -> String {
        let names: Vec<&str> = self.codecs.iter().map(|c| c.name()).collect();
        names.join("+")
    }
}

/// How one page's images are to be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PageEncoding {
    /// How the page's images are stored (codecs, JPEG quality, picture
    /// resolution).
    pub images: ImageOptions,
    /// A whole-page tone image may be stored lossy: the scan was a JPEG
    /// already, or the user chose a JPEG quality. Lossless scans are never
    /// turned lossy behind the user's back.
    pub lossy_page: bool,
}

/// The page's images as objects with ids from `next_id` on, and where each
/// is drawn (pixels), in drawing order.
struct Images {
    objects: Vec<Chunk>,
    waiting: Vec<Deferred>,
    /// (name, object id, rectangle in pixels) of every image drawn.
    drawn: Vec<(String, Ref, Rect)>,
    codecs: Vec<Codec>,
}

/// A whole page's images, encoded ([`encode`]) before the page is read, so
/// its tones need not be held through OCR ([`CleanPage::let_go_of_tones`]).
pub(crate) struct PageImages(Images);

/// Encode the images of a page [`build_with`] is to write.
pub(crate) fn encode(page: &CleanPage, enc: &PageEncoding) -> PageImages {
    PageImages(images(page, enc, FIRST_LOCAL + 2))
}

fn images(page: &CleanPage, enc: &PageEncoding, mut next_id: i32) -> Images {
    let (w, h) = (page.bits.width(), page.bits.height());
    let opts = enc.images;
    let mut images: Vec<(String, Ref, Rect)> = Vec::new();
    let mut objects = Vec::new();
    let mut waiting = Vec::new();
    let mut codecs = Vec::new();
    let full = Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    };
    // `rect` is where the image is drawn; `None` for an image that is
    // only referred to (a stencil mask). A waiting bilevel image is listed
    // as JBIG2 until its batch decides (the document corrects the report).
    let mut add = |stored: Stored, id: Ref, rect: Option<Rect>| {
        if let Some(rect) = rect {
            images.push((format!("Im{}", images.len()), id, rect));
        }
        let codec = match stored {
            Stored::Done(chunk, codec) => {
                objects.push(chunk);
                codec
            }
            Stored::Waiting(d) => {
                waiting.push(d);
                Codec::Jbig2
            }
        };
        if !codecs.contains(&codec) {
            codecs.push(codec);
        }
    };
    let mut alloc = || {
        next_id += 1;
        Ref::new(next_id - 1)
    };
    match &page.picture {
        Picture::Page(pixels) => {
            let id = alloc();
            let lossy = enc.lossy_page && !opts.lossless;
            let (chunk, codec) = images::tone(id, pixels, lossy, opts.quality());
            add(Stored::Done(chunk, codec), id, Some(full));
        }
        Picture::None | Picture::Regions(_) => match &page.layers {
            None => {
                let id = alloc();
                add(
                    bilevel_batch::bilevel(id, &page.bits, opts.bilevel, false),
                    id,
                    Some(full),
                );
            }
            Some(layers) => {
                let ids = super::layers::LayerIds {
                    background: alloc(),
                    mask: alloc(),
                    foreground: alloc(),
                };
                let o = super::layers::write(&ids, layers, &page.bits, &opts);
                let done = |(chunk, codec)| Stored::Done(chunk, codec);
                add(done(o.background), ids.background, Some(full));
                add(o.mask, ids.mask, None);
                add(done(o.foreground), ids.foreground, Some(full));
            }
        },
    }
    if let Picture::Regions(regions) = &page.picture {
        for (rect, pixels) in regions {
            let id = alloc();
            let dpi = page.dpi.x.min(page.dpi.y);
            let small = opts
                .picture_dpi
                .and_then(|target| images::downsample(pixels, dpi, target));
            let stored = small.as_ref().unwrap_or(pixels);
            let (chunk, codec) = images::tone(id, stored, !opts.lossless, opts.quality());
            add(Stored::Done(chunk, codec), id, Some(*rect));
        }
    }

    Images {
        objects,
        waiting,
        drawn: images,
        codecs,
    }
}

/// Draw `images` with one pixel `sx`×`sy` units, on a page `pt_h` high.
fn draw(content: &mut Content, images: &[(String, Ref, Rect)], sx: f32, sy: f32, pt_h: f32) {
    for (name, _, r) in images {
        content.save_state();
        let (rw, rh) = (r.width() as f32 * sx, r.height() as f32 * sy);
        content.transform([rw, 0.0, 0.0, rh, r.x0 as f32 * sx, pt_h - r.y1 as f32 * sy]);
        content.x_object(Name(name.as_bytes()));
        content.restore_state();
    }
}

/// Build the page: the cleaned image (bilevel for text, pictures in tone
/// drawn over it) and the OCR words as an invisible text layer on top.
/// Page size follows the image's DPI.
pub fn build(page: &CleanPage, ocr: &OcrPage, enc: &PageEncoding) -> PagePdf {
    build_with(encode(page, enc), page, ocr)
}

/// [`build`] with the page's images encoded already (`page`'s tones may
/// have been let go of since: only its size and resolution are used).
pub(crate) fn build_with(images: PageImages, page: &CleanPage, ocr: &OcrPage) -> PagePdf {
    let (w, h) = (page.bits.width(), page.bits.height());
    let (sx, sy) = (72.0 / page.dpi.x, 72.0 / page.dpi.y);
    let (pt_w, pt_h) = (w as f32 * sx, h as f32 * sy);
    let page_id = Ref::new(FIRST_LOCAL);
    let content_id = Ref::new(FIRST_LOCAL + 1);
    let font_name = Name(b"F0");
    let PageImages(Images {
        objects,
        waiting,
        drawn: images,
        codecs,
    }) = images;

    let mut content = Content::new();
    draw(&mut content, &images, sx, sy, pt_h);
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
        waiting,
        page: page_id,
        codecs,
    }
}

/// What the PDF editor puts on an existing page: new objects (local ids,
/// the text-layer font as [`FONT`]), the images they name, and one content
/// stream drawn in the page's default user space.
pub struct PageParts {
    pub(crate) objects: Vec<Chunk>,
    /// Images whose coding waits for the document's batch.
    pub(crate) waiting: Vec<Deferred>,
    /// Resource names of the images drawn, with their local ids.
    pub(crate) xobjects: Vec<(String, Ref)>,
    /// The content (uncompressed), inside `q … Q`.
    pub(crate) content: Vec<u8>,
    /// Resource name the content uses for the text-layer font, and
    /// whether it does (a page without words does not).
    pub(crate) font: Vec<u8>,
    pub(crate) uses_font: bool,
    codecs: Vec<Codec>,
}

impl PageParts {
    /// Bytes these parts add (before compression of the content).
    pub fn len(&self) -> usize {
        self.objects.iter().map(Chunk::len).sum::<usize>() + self.content.len()
    }

    /// How the images were stored (empty for a text layer alone).
    pub fn codec(&self) -> String {
        let names: Vec<&str> = self.codecs.iter().map(|c| c.name()).collect();
        names.join("+")
    }
}

/// The parts for an existing page: `page`'s images when it is stored anew
/// (`None`: a text layer alone) and the words, drawn through `matrix`
/// (pixels of the image read, `height` pixels high, origin bottom left, to
/// the page's default user space). `font` must not clash with the page's
/// own font names.
pub fn parts(
    page: Option<&CleanPage>,
    ocr: &OcrPage,
    enc: &PageEncoding,
    height: u32,
    matrix: [f32; 6],
    font: Vec<u8>,
) -> PageParts {
    let Images {
        objects,
        waiting,
        drawn,
        codecs,
    } = page.map_or(
        Images {
            objects: Vec::new(),
            waiting: Vec::new(),
            drawn: Vec::new(),
            codecs: Vec::new(),
        },
        |p| images(p, enc, FIRST_LOCAL),
    );
    let mut content = Content::new();
    content.save_state();
    content.transform(matrix);
    draw(&mut content, &drawn, 1.0, 1.0, height as f32);
    super::text::write_layer(&mut content, ocr, Name(&font), height as f32);
    content.restore_state();
    PageParts {
        objects,
        waiting,
        xobjects: drawn.into_iter().map(|(n, id, _)| (n, id)).collect(),
        content: content.finish().into_vec(),
        font,
        uses_font: ocr.lines.iter().any(|l| !l.words.is_empty()),
        codecs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{BitImage, InkStats};
    use crate::input::{Dpi, Pixels};
    use image::{GrayImage, Luma, Rgb, RgbImage};

    fn page(picture: Picture) -> CleanPage {
        let bits = BitImage::from_gray_threshold(GrayImage::from_fn(240, 160, |x, y| {
            Luma([if (x / 6 + y / 9) % 3 == 0 { 0 } else { 255 }])
        }));
        CleanPage {
            gray: bits.as_gray().clone(),
            bits,
            picture,
            dpi: Dpi::uniform(150.0),
            skew_deg: 0.0,
            ink: InkStats::default(),
            layers: None,
            warnings: Vec::new(),
        }
    }

    fn rgb(w: u32, h: u32) -> Pixels {
        Pixels::Rgb(RgbImage::from_fn(w, h, |x, y| {
            Rgb([(x * 3) as u8, (y * 5) as u8, ((x + y) * 2) as u8])
        }))
    }

    /// A page whose images are encoded before OCR and whose tones are then
    /// let go of is written byte for byte as one built whole, and it still
    /// says how it is stored.
    #[test]
    fn images_encoded_before_the_tones_are_let_go_give_the_same_page() {
        let rect = Rect {
            x0: 40,
            y0: 30,
            x1: 140,
            y1: 110,
        };
        let gray = Pixels::Gray(GrayImage::from_fn(60, 40, |x, y| Luma([(x * 4 + y) as u8])));
        let enc = PageEncoding::default();
        let ocr = OcrPage::default();
        for picture in [
            Picture::None,
            Picture::Page(rgb(240, 160)),
            Picture::Regions(vec![(rect, rgb(100, 80)), (rect, gray)]),
        ] {
            let whole = page(picture);
            let kind = whole.kind();
            let built = build(&whole, &ocr, &enc);
            let mut released = whole.clone();
            let images = encode(&released, &enc);
            released.let_go_of_tones();
            assert_eq!(released.kind(), kind);
            let tones = match &released.picture {
                Picture::None => Vec::new(),
                Picture::Page(p) => vec![p],
                Picture::Regions(r) => r.iter().map(|(_, p)| p).collect(),
            };
            for p in tones {
                let empty = match p {
                    Pixels::Gray(g) => g.is_empty(),
                    Pixels::Rgb(c) => c.is_empty(),
                };
                assert!(empty, "{kind}: a tone was kept");
            }
            let later = build_with(images, &released, &ocr);
            let bytes = |p: &PagePdf| {
                p.objects
                    .iter()
                    .map(|c| c.as_bytes().to_vec())
                    .collect::<Vec<_>>()
            };
            assert_eq!(bytes(&built), bytes(&later), "{kind}");
            assert_eq!(built.codec(), later.codec());
        }
    }
}
