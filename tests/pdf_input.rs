//! PDF input: scanned pages give up their image exactly (checked pixel by
//! pixel against what was embedded, and against poppler's rendering of the
//! page), other pages are rendered with pdftoppm, and encrypted, damaged or
//! born-digital PDFs are refused with the right exit code.

use crate::common;

use common::generator::{Degrade, Page, cer, degrade, font, save_png};
use common::*;
use image::{DynamicImage, GrayImage, Luma, Rgb, RgbImage};
use ocrpdf::input::{Dpi, Input, Limits, PageImage, Pixels, decode_page, list_pages};
use pdf_writer::writers::ImageXObject;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref};
use std::io::Write;
use std::path::Path;

// ---------------------------------------------------------------- building

/// One image XObject: its stream bytes and what goes in its dictionary.
struct Img {
    data: Vec<u8>,
    dict: Box<dyn Fn(&mut ImageXObject)>,
}

/// One page: size in points, /Rotate, raw content stream, its images
/// (`/Im0`, `/Im1`, …) and whether `/F1` (Helvetica) is available.
struct Spec {
    size: (f32, f32),
    rotate: i32,
    content: String,
    images: Vec<Img>,
    font: bool,
}

impl Spec {
    /// A page exactly the size of one image drawn upright over all of it.
    fn full(img: Img, size: (f32, f32)) -> Spec {
        Spec {
            size,
            rotate: 0,
            content: format!("q {} 0 0 {} 0 0 cm /Im0 Do Q", size.0, size.1),
            images: vec![img],
            font: false,
        }
    }
}

fn write_pdf(pages: Vec<Spec>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree) = (Ref::new(1), Ref::new(2));
    let mut next = 3;
    let mut alloc = || {
        next += 1;
        Ref::new(next - 1)
    };
    let page_ids: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    for (spec, id) in pages.iter().zip(&page_ids) {
        let content = alloc();
        let font = alloc();
        let images: Vec<Ref> = spec.images.iter().map(|_| alloc()).collect();
        let names: Vec<String> = (0..images.len()).map(|i| format!("Im{i}")).collect();
        {
            let mut page = pdf.page(*id);
            page.parent(tree)
                .media_box(Rect::new(0.0, 0.0, spec.size.0, spec.size.1))
                .contents(content);
            if spec.rotate != 0 {
                page.rotate(spec.rotate);
            }
            let mut res = page.resources();
            let mut x = res.x_objects();
            for (name, img) in names.iter().zip(&images) {
                x.pair(Name(name.as_bytes()), *img);
            }
            x.finish();
            if spec.font {
                res.fonts().pair(Name(b"F1"), font);
            }
        }
        pdf.stream(content, spec.content.as_bytes());
        for (img, id) in spec.images.iter().zip(&images) {
            let mut x = pdf.image_xobject(*id, &img.data);
            (img.dict)(&mut x);
        }
        if spec.font {
            pdf.type1_font(font).base_font(Name(b"Helvetica"));
        }
    }
    pdf.finish()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn flate_rgb(img: &RgbImage) -> Img {
    let (w, h) = img.dimensions();
    Img {
        data: zlib(img.as_raw()),
        dict: Box::new(move |x| {
            x.filter(Filter::FlateDecode);
            x.width(w as i32).height(h as i32).bits_per_component(8);
            x.color_space().device_rgb();
        }),
    }
}

/// Grey samples Flate-compressed behind PNG predictors, the filter type
/// cycling through None, Sub, Up, Average and Paeth row by row.
fn flate_png_predicted(img: &GrayImage) -> Img {
    let (w, h) = img.dimensions();
    let row = |y: u32| &img.as_raw()[(y * w) as usize..((y + 1) * w) as usize];
    let zero = vec![0u8; w as usize];
    let mut enc = Vec::new();
    for y in 0..h {
        let cur = row(y);
        let up = if y == 0 { &zero[..] } else { row(y - 1) };
        let kind = (y % 5) as u8;
        enc.push(kind);
        for x in 0..w as usize {
            let a = if x > 0 { cur[x - 1] } else { 0 };
            let (b, c) = (up[x], if x > 0 { up[x - 1] } else { 0 });
            let pred = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => u16::midpoint(a as u16, b as u16) as u8,
                _ => {
                    let p = a as i16 + b as i16 - c as i16;
                    let (pa, pb, pc) = (
                        (p - a as i16).abs(),
                        (p - b as i16).abs(),
                        (p - c as i16).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
            };
            enc.push(cur[x].wrapping_sub(pred));
        }
    }
    Img {
        data: zlib(&enc),
        dict: Box::new(move |x| {
            x.filter(Filter::FlateDecode);
            x.width(w as i32).height(h as i32).bits_per_component(8);
            x.color_space().device_gray();
            x.decode_parms()
                .pair(Name(b"Predictor"), 15)
                .pair(Name(b"Columns"), w as i32);
        }),
    }
}

fn jpeg(img: &DynamicImage, quality: u8) -> (Img, DynamicImage) {
    let mut data = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut data, quality,
    ))
    .unwrap();
    let decoded = image::load_from_memory(&data).unwrap();
    let (w, h) = (img.width(), img.height());
    let gray = !img.color().has_color();
    let img = Img {
        data,
        dict: Box::new(move |x| {
            x.filter(Filter::DctDecode);
            x.width(w as i32).height(h as i32).bits_per_component(8);
            if gray {
                x.color_space().device_gray();
            } else {
                x.color_space().device_rgb();
            }
        }),
    };
    (img, decoded)
}

/// Pack a bilevel image into rows of bits, MSB first; `one` says which
/// pixels become 1 bits.
fn pack_bits(img: &GrayImage, one: impl Fn(u8) -> bool) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let stride = w.div_ceil(8) as usize;
    let mut out = vec![0u8; stride * h as usize];
    for (x, y, p) in img.enumerate_pixels() {
        if one(p.0[0]) {
            out[y as usize * stride + x as usize / 8] |= 0x80 >> (x % 8);
        }
    }
    out
}

fn g4(img: &GrayImage) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
    for y in 0..h {
        let line = (0..w).map(|x| {
            if img.get_pixel(x, y).0[0] < 128 {
                fax::Color::Black
            } else {
                fax::Color::White
            }
        });
        enc.encode_line(line, w).unwrap();
    }
    enc.finish().unwrap().finish()
}

/// Text drawn as filled glyph outlines (no font, no text operators): a
/// page with nothing but vector paths on it.
fn outline_text(lines: &[&str], size_pt: f32, left: f32, top: f32) -> String {
    use ab_glyph::{Font, OutlineCurve};
    let f = font();
    let scale = size_pt / f.units_per_em().unwrap();
    let mut ops = String::from("0 g\n");
    for (i, line) in lines.iter().enumerate() {
        let base = top - size_pt * (1.0 + 1.5 * i as f32);
        let mut pen = left;
        for ch in line.chars() {
            let id = f.glyph_id(ch);
            if let Some(outline) = f.outline(id) {
                let p = |pt: ab_glyph::Point| (pen + pt.x * scale, base + pt.y * scale);
                let mut last: Option<(f32, f32)> = None;
                for curve in &outline.curves {
                    let (start, end) = match curve {
                        OutlineCurve::Line(a, b) => (p(*a), p(*b)),
                        OutlineCurve::Quad(a, _, c) => (p(*a), p(*c)),
                        OutlineCurve::Cubic(a, _, _, d) => (p(*a), p(*d)),
                    };
                    if last != Some(start) {
                        ops += &format!("{} {} m\n", start.0, start.1);
                    }
                    match curve {
                        OutlineCurve::Line(..) => ops += &format!("{} {} l\n", end.0, end.1),
                        OutlineCurve::Quad(a, b, c) => {
                            // Raise the quadratic to a cubic.
                            let (a, b, c) = (p(*a), p(*b), p(*c));
                            let c1 = (a.0 + 2.0 / 3.0 * (b.0 - a.0), a.1 + 2.0 / 3.0 * (b.1 - a.1));
                            let c2 = (c.0 + 2.0 / 3.0 * (b.0 - c.0), c.1 + 2.0 / 3.0 * (b.1 - c.1));
                            ops +=
                                &format!("{} {} {} {} {} {} c\n", c1.0, c1.1, c2.0, c2.1, c.0, c.1);
                        }
                        OutlineCurve::Cubic(_, b, c, d) => {
                            let (b, c, d) = (p(*b), p(*c), p(*d));
                            ops += &format!("{} {} {} {} {} {} c\n", b.0, b.1, c.0, c.1, d.0, d.1);
                        }
                    }
                    last = Some(end);
                }
                ops += "f\n";
            }
            pen += f.h_advance_unscaled(id) * scale;
        }
    }
    ops
}

// ---------------------------------------------------------------- checking

fn pages_of(pdf: &Path) -> Vec<PageImage> {
    let limits = Limits::default();
    let pages = list_pages(&[Input::Path(pdf.to_path_buf())], &limits).unwrap();
    pages
        .iter()
        .map(|p| decode_page(p, &limits, None).unwrap())
        .collect()
}

fn gray_of(p: &PageImage) -> &GrayImage {
    match &p.pixels {
        Pixels::Gray(g) => g,
        Pixels::Rgb(_) => panic!("expected a grey page"),
    }
}

fn rgb_of(p: &PageImage) -> &RgbImage {
    match &p.pixels {
        Pixels::Rgb(c) => c,
        Pixels::Gray(_) => panic!("expected a colour page"),
    }
}

/// Page `n` (1-based) as poppler draws it at `dpi`, in RGB.
fn poppler(pdf: &Path, n: usize, dpi: f32) -> RgbImage {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let out = std::process::Command::new("pdftoppm")
        .args([
            "-f",
            &n.to_string(),
            "-l",
            &n.to_string(),
            "-r",
            &dpi.to_string(),
        ])
        .args([
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    image::open(dir.path().join("p.png")).unwrap().into_rgb8()
}

fn as_rgb(page: &PageImage) -> RgbImage {
    match &page.pixels {
        Pixels::Gray(g) => DynamicImage::ImageLuma8(g.clone()).into_rgb8(),
        Pixels::Rgb(c) => c.clone(),
    }
}

/// How far two pictures of a page are apart: the mean absolute difference
/// of 10x10-pixel block averages. Poppler smooths images even at 1:1 (edges
/// get partial coverage, 1-bit images drift by a pixel or two), so pixels
/// cannot be compared one by one; blocks still show any wrong turn, mirror
/// or colour.
fn block_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions(), "sizes differ");
    let blocks = |img: &RgbImage| -> Vec<f64> {
        let (w, h) = img.dimensions();
        let mut v = Vec::new();
        for by in 0..h / 10 {
            for bx in 0..w / 10 {
                for c in 0..3 {
                    let mut s = 0u32;
                    for y in by * 10..by * 10 + 10 {
                        for x in bx * 10..bx * 10 + 10 {
                            s += img.get_pixel(x, y)[c] as u32;
                        }
                    }
                    v.push(s as f64 / 100.0);
                }
            }
        }
        v
    };
    let (a, b) = (blocks(a), blocks(b));
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len() as f64
}

/// A colourful test card: gradients, blocks and a diagonal, nothing
/// symmetric, so any turn or mirror shows.
fn card(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if x < w / 4 && y < h / 3 {
            Rgb([200, 30, 40])
        } else if (x as i32 - 2 * y as i32).abs() < 3 {
            Rgb([0, 0, 0])
        } else {
            Rgb([
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) % 256) as u8,
            ])
        }
    })
}

fn bilevel(w: u32, h: u32) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| {
        let ink = (x / 23 + y / 17) % 3 == 0 || (x < 60 && y < 40);
        Luma([if ink { 0 } else { 255 }])
    })
}

// ---------------------------------------------------------------- tests

/// Every lossless kind of scanned page decodes to exactly the embedded
/// pixels, turned as the viewer turns it, and matches poppler's rendering.
#[test]
fn scanned_pages_are_extracted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (w, h) = (300u32, 200u32);
    // Drawn at 144 dpi: 150 x 100 pt (sizes exact in binary).
    let size = (w as f32 / 2.0, h as f32 / 2.0);
    let color = card(w, h);
    let gray = DynamicImage::ImageRgb8(color.clone()).into_luma8();
    let bits = bilevel(w, h);
    let (jpeg_rgb, jpeg_rgb_px) = jpeg(&DynamicImage::ImageRgb8(color.clone()), 85);
    let (jpeg_gray, jpeg_gray_px) = jpeg(&DynamicImage::ImageLuma8(gray.clone()), 85);

    // 1-bit grey where 1 is black (/Decode [1 0]).
    let one_is_black = Img {
        data: pack_bits(&bits, |v| v < 128),
        dict: Box::new(move |x| {
            x.width(w as i32).height(h as i32).bits_per_component(1);
            x.color_space().device_gray();
            x.decode([1.0, 0.0]);
        }),
    };
    // CCITT G4 with /BlackIs1 and a matching /Decode, as some scanners write.
    let g4_data = g4(&bits);
    let g4_black_is_1 = Img {
        data: g4_data.clone(),
        dict: Box::new(move |x| {
            x.filter(Filter::CcittFaxDecode);
            x.width(w as i32).height(h as i32).bits_per_component(1);
            x.color_space().device_gray();
            x.decode([1.0, 0.0]);
            x.decode_parms()
                .pair(Name(b"K"), -1)
                .pair(Name(b"Columns"), w as i32)
                .pair(Name(b"Rows"), h as i32)
                .pair(Name(b"BlackIs1"), true);
        }),
    };
    // A four-colour palette.
    let palette = [[255u8, 255, 255], [0, 0, 0], [200, 30, 40], [20, 90, 200]];
    let indexed_px = RgbImage::from_fn(w, h, |x, y| Rgb(palette[((x / 23 + y / 17) % 4) as usize]));
    let lut: Vec<u8> = palette.concat();
    let indexed = Img {
        data: zlib(
            &(0..h)
                .flat_map(|y| (0..w).map(move |x| ((x / 23 + y / 17) % 4) as u8))
                .collect::<Vec<_>>(),
        ),
        dict: Box::new(move |x| {
            x.filter(Filter::FlateDecode);
            x.width(w as i32).height(h as i32).bits_per_component(8);
            x.color_space().indexed(Name(b"DeviceRGB"), 3, &lut);
        }),
    };
    // A stencil mask painted dark red.
    let mask = Img {
        data: pack_bits(&bits, |v| v >= 128),
        dict: Box::new(move |x| {
            x.width(w as i32).height(h as i32);
            x.image_mask(true);
        }),
    };
    let mask_px = RgbImage::from_fn(w, h, |x, y| {
        if bits.get_pixel(x, y).0[0] < 128 {
            Rgb([153, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    });
    let turned = |img: Img, rotate: i32| Spec {
        rotate,
        ..Spec::full(img, size)
    };
    let specs = vec![
        Spec::full(flate_rgb(&color), size),
        Spec::full(flate_png_predicted(&gray), size),
        Spec::full(jpeg_rgb, size),
        Spec::full(jpeg_gray, size),
        Spec::full(one_is_black, size),
        Spec::full(g4_black_is_1, size),
        Spec::full(indexed, size),
        Spec {
            content: format!("0.6 0 0 rg q {} 0 0 {} 0 0 cm /Im0 Do Q", size.0, size.1),
            ..Spec::full(mask, size)
        },
        // Viewer turns the page a quarter clockwise.
        turned(flate_rgb(&color), 90),
        turned(flate_rgb(&color), 270),
        // Drawn turned a quarter counter-clockwise on a portrait page.
        Spec {
            size: (size.1, size.0),
            content: format!("q 0 {} -{} 0 {} 0 cm /Im0 Do Q", size.0, size.1, size.1),
            ..Spec::full(flate_rgb(&color), size)
        },
        // Drawn upside down.
        Spec {
            content: format!("q {} 0 0 -{} 0 {} cm /Im0 Do Q", size.0, size.1, size.1),
            ..Spec::full(flate_rgb(&color), size)
        },
        // Smaller than the page: one inch of white paper on the left.
        Spec {
            size: (size.0 + 72.0, size.1),
            content: format!("q {} 0 0 {} 72 0 cm /Im0 Do Q", size.0, size.1),
            ..Spec::full(flate_rgb(&color), size)
        },
        // Visible text hidden under the page image (an old OCR layout).
        Spec {
            content: format!(
                "BT /F1 12 Tf 20 20 Td (hidden) Tj ET q {} 0 0 {} 0 0 cm /Im0 Do Q",
                size.0, size.1
            ),
            font: true,
            ..Spec::full(flate_rgb(&color), size)
        },
    ];
    let pdf = dir.path().join("scans.pdf");
    std::fs::write(&pdf, write_pdf(specs)).unwrap();
    let pages = pages_of(&pdf);
    assert_eq!(pages.len(), 14);

    let binary = GrayImage::from_fn(w, h, |x, y| Luma([bits.get_pixel(x, y).0[0]]));
    let rot = |img: &RgbImage, turns: u8| match turns {
        1 => image::imageops::rotate90(img),
        2 => image::imageops::rotate180(img),
        3 => image::imageops::rotate270(img),
        _ => img.clone(),
    };
    let mut padded = RgbImage::from_pixel(w + 144, h, Rgb([255, 255, 255]));
    image::imageops::replace(&mut padded, &color, 144, 0);
    assert_eq!(rgb_of(&pages[0]), &color, "Flate RGB");
    assert_eq!(gray_of(&pages[1]), &gray, "Flate with PNG predictors");
    assert_eq!(rgb_of(&pages[2]), &jpeg_rgb_px.to_rgb8(), "JPEG RGB");
    assert_eq!(gray_of(&pages[3]), &jpeg_gray_px.to_luma8(), "JPEG grey");
    assert_eq!(gray_of(&pages[4]), &binary, "1-bit, /Decode [1 0]");
    assert_eq!(gray_of(&pages[5]), &binary, "G4, /BlackIs1");
    assert_eq!(rgb_of(&pages[6]), &indexed_px, "indexed");
    assert_eq!(rgb_of(&pages[7]), &mask_px, "image mask in red");
    assert_eq!(rgb_of(&pages[8]), &rot(&color, 1), "/Rotate 90");
    assert_eq!(rgb_of(&pages[9]), &rot(&color, 3), "/Rotate 270");
    assert_eq!(rgb_of(&pages[10]), &rot(&color, 3), "drawn turned");
    let flipped = image::imageops::flip_vertical(&color);
    assert_eq!(rgb_of(&pages[11]), &flipped, "drawn upside down");
    assert_eq!(rgb_of(&pages[12]), &padded, "margin");
    assert_eq!(rgb_of(&pages[13]), &color, "text under the image");
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.dpi, Dpi::uniform(144.0), "page {}", i + 1);
        let theirs = poppler(&pdf, i + 1, page.dpi.x);
        let d = block_diff(&as_rgb(page), &theirs);
        // The measure tells a mirror image apart.
        let mirrored = image::imageops::flip_horizontal(&as_rgb(page));
        let m = block_diff(&mirrored, &theirs);
        eprintln!("page {}: {d:.2} from poppler, mirror {m:.2}", i + 1);
        assert!(
            d < 10.0,
            "page {} differs from poppler's rendering by {d:.2}",
            i + 1
        );
        assert!(
            m > 2.0 * d && m > 15.0,
            "page {}: mirror is only {m:.2} away",
            i + 1
        );
    }
}

/// (a) ocrpdf's own output fed back in: the G4 image comes out bit for bit
/// (as poppler decodes it), the page keeps its size, and OCR reads the same
/// text, from a file and from standard input. JBIG2 pages (the default
/// output) are rendered rather than extracted, and read the same too.
#[test]
fn own_output_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let page = degrade(&small_page(31, 3), &Degrade::typical(31));
    save_png(&page, &dir.path().join("scan.png"));
    let run = ocrpdf(dir.path(), &["scan.png", "-o", "jbig2.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = ocrpdf(
        dir.path(),
        &["scan.png", "-o", "first.pdf", "--bilevel", "g4"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = dir.path().join("first.pdf");
    let images = pdfimages_list(&first);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].5, "ccitt");

    // The extracted page is the embedded G4 image, pixel for pixel.
    let pages = pages_of(&first);
    assert_eq!(pages.len(), 1);
    let png_dir = dir.path().join("img");
    std::fs::create_dir(&png_dir).unwrap();
    let embedded = image::open(&pdfimages_png(&first, &png_dir)[0])
        .unwrap()
        .into_luma8();
    assert_eq!(gray_of(&pages[0]), &embedded);
    assert_eq!(pages[0].dpi, Dpi::uniform(300.0));

    let run = ocrpdf(dir.path(), &["first.pdf", "-o", "second.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(&first).unwrap();
    let run = ocrpdf(dir.path(), &["-", "-o", "third.pdf"], Some(&bytes));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = ocrpdf(dir.path(), &["jbig2.pdf", "-o", "fourth.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first_text = pdftotext(&first, 1);
    assert!(cer(&page.text, &first_text) <= 0.05);
    for out in ["second.pdf", "third.pdf", "fourth.pdf"] {
        let out = dir.path().join(out);
        assert_eq!(page_count(&out), 1);
        let (a, b) = (page_size_pt(&first), page_size_pt(&out));
        // Rendering (the JBIG2 page) may round the page up to a whole pixel.
        let tolerance = if out.ends_with("fourth.pdf") {
            0.3
        } else {
            0.05
        };
        assert!(
            (a.0 - b.0).abs() < tolerance && (a.1 - b.1).abs() < tolerance,
            "{a:?} vs {b:?}"
        );
        let rate = cer(&first_text, &pdftotext(&out, 1));
        assert!(
            rate <= 0.01,
            "{}: CER {rate} against the first run",
            out.display()
        );
        assert_qpdf_ok(&out);
    }
}

/// A text page as a scanner might put it in a PDF, and its ground truth.
fn text_page(seed: u64) -> Page {
    degrade(&small_page(seed, 3), &Degrade::typical(seed))
}

/// Page size in points of an image at 300 dpi.
fn pt(img_w: u32, img_h: u32) -> (f32, f32) {
    (img_w as f32 * 0.24, img_h as f32 * 0.24)
}

const VECTOR_LINES: [&str; 3] = [
    "The treasurer will prepare a detailed report",
    "for the next meeting, listing every expense",
    "of the past twelve months and the new plans.",
];

/// (b), (c), (d), (g): one PDF with a JPEG colour page, a Flate page with
/// predictors, a page turned by /Rotate, a page drawn turned, and a
/// vector-only page, between a PNG and ocrpdf's own G4 PDF: every page
/// comes out upright (with --no-rotate, so nothing else turns them), in
/// order, and reads right.
#[test]
fn mixed_inputs_keep_page_order() {
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<Page> = (41..=45).map(text_page).collect();
    let gray = |p: &Page| DynamicImage::ImageRgb8(p.image.clone()).into_luma8();
    let (jpeg_img, _) = jpeg(&DynamicImage::ImageRgb8(pages[0].image.clone()), 80);
    let (w, h) = pages[0].image.dimensions();
    let size = pt(w, h);
    // Stored turned a quarter counter-clockwise; /Rotate 90 shows it upright.
    let ccw = image::imageops::rotate270(&pages[2].image);
    // Stored turned a quarter clockwise; drawn turned back.
    let cw = image::imageops::rotate90(&pages[3].image);
    let mixed = write_pdf(vec![
        Spec::full(jpeg_img, size),
        Spec::full(flate_png_predicted(&gray(&pages[1])), size),
        Spec {
            rotate: 90,
            ..Spec::full(flate_rgb(&ccw), (size.1, size.0))
        },
        Spec {
            content: format!("q 0 {} -{} 0 {} 0 cm /Im0 Do Q", size.1, size.0, size.0),
            ..Spec::full(flate_rgb(&cw), size)
        },
        Spec {
            size,
            rotate: 0,
            content: outline_text(&VECTOR_LINES, 16.0, 72.0, size.1 - 40.0),
            images: vec![],
            font: false,
        },
    ]);
    std::fs::write(dir.path().join("mixed.pdf"), mixed).unwrap();
    save_png(&pages[4], &dir.path().join("first.png"));
    let g4_page = text_page(46);
    save_png(&g4_page, &dir.path().join("g4.png"));
    let run = ocrpdf(dir.path(), &["g4.png", "-o", "g4.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = ocrpdf(
        dir.path(),
        &[
            "first.png",
            "mixed.pdf",
            "g4.pdf",
            "--no-rotate",
            "-v",
            "-o",
            "out.pdf",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("mixed.pdf (page 3 of 5)"),
        "{}",
        run.stderr
    );
    let out = dir.path().join("out.pdf");
    assert_eq!(page_count(&out), 7);
    assert_qpdf_ok(&out);
    let vector_text = VECTOR_LINES.join("\n");
    let truths = [
        pages[4].text.as_str(),
        &pages[0].text,
        &pages[1].text,
        &pages[2].text,
        &pages[3].text,
        &vector_text,
        &g4_page.text,
    ];
    for (i, truth) in truths.iter().enumerate() {
        let got = pdftotext(&out, i + 1);
        let rate = cer(truth, &got);
        assert!(rate <= 0.05, "page {} has CER {rate}:\n{got}", i + 1);
    }
    // Pages keep their size: the vector page was rendered at 300 dpi.
    let list = pdfimages_list(&out);
    assert_eq!(list[5].1, (size.0 * 300.0 / 72.0).ceil() as u32);
}

/// (e) Encrypted PDFs: a user password stops with exit 8 and says what to
/// do; an owner password alone (the file opens without one) is no obstacle.
#[test]
fn encrypted_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.pdf");
    let page = text_page(51);
    let (w, h) = page.image.dimensions();
    std::fs::write(
        &plain,
        write_pdf(vec![Spec::full(flate_rgb(&page.image), pt(w, h))]),
    )
    .unwrap();
    let qpdf = |user: &str, out: &str| {
        let status = std::process::Command::new("qpdf")
            .args(["--encrypt", user, "owner", "256", "--"])
            .arg(&plain)
            .arg(dir.path().join(out))
            .status()
            .unwrap();
        assert!(status.success());
    };
    qpdf("user", "locked.pdf");
    qpdf("", "restricted.pdf");
    let run = ocrpdf(dir.path(), &["locked.pdf", "-o", "out.pdf"], None);
    assert_eq!(run.code, 8, "{}", run.stderr);
    assert!(
        run.stderr.contains("locked.pdf") && run.stderr.contains("encrypted"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out.pdf").exists());

    let pages = pages_of(&dir.path().join("restricted.pdf"));
    assert_eq!(rgb_of(&pages[0]), &page.image);
}

/// (f) Damaged PDFs: truncated at many points, with bytes garbled, or
/// garbage after the header. Every one lists and decodes or fails with an
/// input error; none panics past the guard. Two go through the binary.
#[test]
fn damaged_pdfs_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let page = bilevel(200, 120);
    let color = card(120, 80);
    let g4_img = Img {
        data: g4(&page),
        dict: Box::new(|x| {
            x.filter(Filter::CcittFaxDecode);
            x.width(200).height(120).bits_per_component(1);
            x.color_space().device_gray();
            x.decode_parms()
                .pair(Name(b"K"), -1)
                .pair(Name(b"Columns"), 200);
        }),
    };
    let good = write_pdf(vec![
        Spec::full(g4_img, (48.0, 28.8)),
        Spec::full(flate_rgb(&color), (28.8, 19.2)),
    ]);
    let mut variants: Vec<Vec<u8>> = (1..40)
        .map(|i| good[..good.len() * i / 40].to_vec())
        .collect();
    let mut rng = common::generator::Rng::new(7);
    for _ in 0..40 {
        let mut v = good.clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(v.len());
            v[at] = rng.next_u64() as u8;
        }
        variants.push(v);
    }
    variants.push(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec());
    variants.push(b"%PDF-1.4\n\xff\xfe garbage".to_vec());
    let limits = Limits::default();
    let (mut failed, mut read) = (0, 0);
    for (i, bytes) in variants.iter().enumerate() {
        let path = dir.path().join(format!("v{i}.pdf"));
        std::fs::write(&path, bytes).unwrap();
        let result = list_pages(&[Input::Path(path.clone())], &limits).and_then(|pages| {
            pages
                .iter()
                .map(|p| decode_page(p, &limits, None))
                .collect::<Result<Vec<_>, _>>()
        });
        match result {
            Ok(_) => read += 1,
            Err(e) => {
                assert_eq!(e.kind(), ocrpdf::ErrorKind::Input, "variant {i}: {e}");
                assert!(e.to_string().contains(&format!("v{i}.pdf")), "{e}");
                failed += 1;
            }
        }
    }
    eprintln!("{failed} damaged variants refused, {read} still readable");
    assert!(failed >= 30, "only {failed} of {} refused", variants.len());

    for name in ["v5.pdf", &format!("v{}.pdf", variants.len() - 1)] {
        let run = ocrpdf(dir.path(), &[name, "-o", "out.pdf"], None);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(name), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

/// (g) A page of real text (a font, text operators) is kept as it is
/// rather than replaced by a picture of itself (merged with an image it is
/// refused, naming the page); a page of text drawn as outlines has no text
/// to lose and is read from a rendering. Without pdftoppm that rendering is
/// a missing dependency (exit 3) naming the package.
#[test]
fn born_digital_text_is_kept_and_vector_pages_need_pdftoppm() {
    let dir = tempfile::tempdir().unwrap();
    let size = (595.0, 200.0);
    let typed = write_pdf(vec![Spec {
        size,
        rotate: 0,
        content: "BT /F1 14 Tf 72 120 Td (Typed text, not a scan.) Tj ET".into(),
        images: vec![],
        font: true,
    }]);
    std::fs::write(dir.path().join("typed.pdf"), &typed).unwrap();
    let run = ocrpdf(dir.path(), &["typed.pdf", "-o", "typed-out.pdf"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 of 1 page kept"), "{}", run.stderr);
    let out = dir.path().join("typed-out.pdf");
    assert_eq!(pdftotext(&out, 1).trim(), "Typed text, not a scan.");
    let (pw, ph) = page_size_pt(&out);
    assert!((pw - size.0).abs() < 0.01 && (ph - size.1).abs() < 0.01);
    // Merged with an image, its pages would be rebuilt: refused.
    common::generator::save_png(&text_page(3), &dir.path().join("scan.png"));
    let run = ocrpdf(
        dir.path(),
        &["scan.png", "typed.pdf", "-o", "merged.pdf"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("typed.pdf")
            && run.stderr.contains("page 1")
            && run.stderr.contains("already has text"),
        "{}",
        run.stderr
    );

    let vector = write_pdf(vec![Spec {
        size,
        rotate: 0,
        content: outline_text(&VECTOR_LINES, 16.0, 72.0, size.1 - 40.0),
        images: vec![],
        font: false,
    }]);
    std::fs::write(dir.path().join("vector.pdf"), vector).unwrap();
    let empty = dir.path().join("no-tools");
    std::fs::create_dir(&empty).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocrpdf"))
        .current_dir(dir.path())
        .env("PATH", &empty)
        .args(["vector.pdf", "-o", "out.pdf"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("pdftoppm") && stderr.contains("poppler-utils"),
        "{stderr}"
    );
    assert!(!dir.path().join("out.pdf").exists());

    // With pdftoppm, the page is rendered, here from standard input.
    let bytes = std::fs::read(dir.path().join("vector.pdf")).unwrap();
    let run = ocrpdf(dir.path(), &["-", "-o", "out.pdf"], Some(&bytes));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("out.pdf");
    let rate = cer(&VECTOR_LINES.join("\n"), &pdftotext(&out, 1));
    assert!(rate <= 0.05, "CER {rate}");
    let (pw, ph) = page_size_pt(&out);
    assert!(
        (pw - size.0).abs() < 0.5 && (ph - size.1).abs() < 0.5,
        "{pw} x {ph}"
    );
}

/// (h) An image whose data is short of its declared size is an input error
/// naming the page, whether the page is extracted (one image) or rendered
/// (two images: poppler would paint the missing samples blank); a JPEG
/// image without its end marker likewise. pdftoppm is killed past its
/// time limit, with a message saying so.
#[test]
fn short_image_data_names_the_page_and_pdftoppm_has_a_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let small = card(40, 30);
    // Declared 400 x 300, data for 40 x 30.
    let short = || Img {
        data: zlib(small.as_raw()),
        dict: Box::new(|x| {
            x.filter(Filter::FlateDecode);
            x.width(400).height(300).bits_per_component(8);
            x.color_space().device_rgb();
        }),
    };
    let size = (288.0, 216.0);
    let good = Spec::full(flate_rgb(&card(120, 90)), size);
    let two = |img: Img| Spec {
        size,
        rotate: 0,
        content: "q 144 0 0 108 0 0 cm /Im0 Do Q q 144 0 0 108 144 108 cm /Im1 Do Q".into(),
        images: vec![flate_rgb(&small), img],
        font: false,
    };
    let (mut cut_jpeg, _) = jpeg(&DynamicImage::ImageRgb8(card(200, 150)), 90);
    cut_jpeg.data.truncate(cut_jpeg.data.len() / 2);
    // Cut and re-terminated with its end marker: its scan is short.
    let reterminated = || {
        let (mut j, _) = jpeg(&DynamicImage::ImageRgb8(card(200, 150)), 90);
        j.data.truncate(j.data.len() / 2);
        j.data.extend([0xFF, 0xD9]);
        j
    };
    let cases: Vec<(&str, Vec<Spec>, &str)> = vec![
        (
            "extracted.pdf",
            vec![good, Spec::full(short(), size)],
            "page 2: image data is short",
        ),
        (
            "rendered.pdf",
            vec![two(short())],
            "page 1: image data is short (3600 of 360000 bytes)",
        ),
        (
            "jpeg.pdf",
            vec![two(cut_jpeg)],
            "page 1: JPEG image data: truncated JPEG",
        ),
        (
            "reterminated.pdf",
            vec![Spec::full(reterminated(), size)],
            "page 1: JPEG image data: truncated JPEG (its image data ends at byte",
        ),
        (
            "reterminated-rendered.pdf",
            vec![two(reterminated())],
            "page 1: JPEG image data: truncated JPEG (its image data ends at byte",
        ),
    ];
    for (name, pages, want) in cases {
        std::fs::write(dir.path().join(name), write_pdf(pages)).unwrap();
        let run = ocrpdf(dir.path(), &[name, "-o", "out.pdf"], None);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(name) && run.stderr.contains(want),
            "{name}: {}",
            run.stderr
        );
        assert!(!dir.path().join("out.pdf").exists());
    }
    // Kept with --accept-truncated: the page says so.
    let run = ocrpdf(
        dir.path(),
        &[
            "reterminated.pdf",
            "--accept-truncated",
            "--json",
            "-o",
            "out.pdf",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(page["warnings"][0]["code"], "truncated_input", "{page}");
    assert!(
        run.stderr.contains("warning: reterminated.pdf"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(dir.path().join("out.pdf")).unwrap();

    // A vector page goes to pdftoppm; no time at all to render it.
    let vector = dir.path().join("vector.pdf");
    let page = Spec {
        size,
        rotate: 0,
        content: outline_text(&VECTOR_LINES, 16.0, 72.0, size.1 - 40.0),
        images: vec![],
        font: false,
    };
    std::fs::write(&vector, write_pdf(vec![page])).unwrap();
    let limits = Limits {
        render_timeout: Some(std::time::Duration::ZERO),
        ..Limits::default()
    };
    let pages = list_pages(&[Input::Path(vector.clone())], &limits).unwrap();
    let e = decode_page(&pages[0], &limits, None).unwrap_err();
    assert_eq!(e.kind(), ocrpdf::ErrorKind::Input);
    assert!(
        e.to_string()
            .contains("page 1: pdftoppm did not finish rendering it within 0 s"),
        "{e}"
    );
    // The default limit lets it render.
    assert!(decode_page(&pages[0], &Limits::default(), None).is_ok());
}
