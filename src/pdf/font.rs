//! The invisible text layer's font: a TrueType font whose glyphs draw
//! nothing, embedded as a CID-keyed Type 0 font.
//!
//! Text is written as UTF-16BE code units under `Identity-H`, so each code is
//! its own Unicode value: the ToUnicode map is the identity and every viewer
//! extracts the exact text, any script. Every code maps to the one blank
//! glyph. No crate builds such a font, and it is a few hundred bytes of
//! fixed tables, so it is assembled here (the same idea as Tesseract's
//! `pdf.ttf`, written from the OpenType spec).
//!
//! The blank glyph must still have an outline box. MuPDF bounds text by its
//! glyph outlines (`fz_bound_glyph`, `source/fitz/font.c`; a glyph with no
//! points becomes a 1e-7 em box, lost to rounding at page coordinates), and
//! its display list drops invisible text (`Tr 3`) whose bounds have no
//! area: `fz_run_display_list` (`source/fitz/list-device.c`) culls
//! `FZ_CMD_IGNORE_TEXT` by `fz_is_empty_rect`, while filled text only needs
//! `fz_is_valid_rect`. A level line of point-less glyphs is a box of zero
//! height, so `mutool draw -F txt` (1.21, Debian 12) lost every straight
//! line of the layer. The blank glyph is therefore two one-point contours
//! at opposite corners of its advance × em cell: the control box spans the
//! cell, and a one-point contour has no edge, so no rasterizer fills
//! anything even where the text is drawn.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};

/// Advance of every glyph in font units (1000 per em): half an em.
pub const ADVANCE: f32 = 0.5;
/// Ascent and descent as fractions of the em: a line's ink (ascender top to
/// descender bottom) is three quarters of the em, as in a book face, so the
/// layer's font size is close to the printed one. Extractors measure line
/// spacing and column gaps in font sizes (poppler joins lines into a block
/// only up to 1.5 sizes apart), and an em as tall as the ink made ordinary
/// leading look like separate blocks.
pub const ASCENT: f32 = 0.6;
pub const DESCENT: f32 = -0.15;

/// Object ids of the shared font, all fixed at document level.
pub struct FontRefs {
    pub type0: Ref,
    pub cid: Ref,
    pub descriptor: Ref,
    pub file: Ref,
    pub cid_to_gid: Ref,
    pub to_unicode: Ref,
}

/// The font's objects, one chunk each.
pub fn objects(refs: &FontRefs) -> Vec<Chunk> {
    let name = Name(b"GlyphLessFont");
    let new = || Chunk::with_settings(pdf_writer::Settings { pretty: false });
    let (mut type0, mut cid_font, mut descriptor) = (new(), new(), new());
    let (mut file, mut cid_to_gid, mut to_unicode) = (new(), new(), new());
    type0
        .type0_font(refs.type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.to_unicode);

    let mut cid = cid_font.cid_font(refs.cid);
    cid.subtype(CidFontType::Type2)
        .base_font(name)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(refs.descriptor)
        .default_width(ADVANCE * 1000.0);
    cid.cid_to_gid_map_stream(refs.cid_to_gid);
    cid.finish();

    descriptor
        .font_descriptor(refs.descriptor)
        .name(name)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            0.0,
            DESCENT * 1000.0,
            ADVANCE * 1000.0,
            ASCENT * 1000.0,
        ))
        .italic_angle(0.0)
        .ascent(ASCENT * 1000.0)
        .descent(DESCENT * 1000.0)
        .cap_height(ASCENT * 1000.0)
        .stem_v(80.0)
        .font_file2(refs.file);

    let ttf = truetype();
    file.stream(refs.file, &super::deflate(&ttf))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), ttf.len() as i32);

    // Every CID (= UTF-16 code unit) to glyph 1.
    let map: Vec<u8> = (0..=0xFFFFu32).flat_map(|_| [0u8, 1u8]).collect();
    cid_to_gid
        .stream(refs.cid_to_gid, &super::deflate(&map))
        .filter(Filter::FlateDecode);

    to_unicode
        .stream(
            refs.to_unicode,
            &super::deflate(to_unicode_cmap().as_bytes()),
        )
        .filter(Filter::FlateDecode);
    vec![type0, cid_font, descriptor, file, cid_to_gid, to_unicode]
}

/// Identity ToUnicode CMap over the Basic Multilingual Plane, surrogates
/// excluded, in ranges that never cross a high byte (as the spec requires).
fn to_unicode_cmap() -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let highs: Vec<u32> = (0..=0xFFu32)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    for block in highs.chunks(100) {
        s.push_str(&format!("{} beginbfrange\n", block.len()));
        for h in block {
            s.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// Font design units per em: PDF glyph space is 1000 units per em, so
/// widths in the font and in the PDF are the same numbers.
const UNITS_PER_EM: f32 = 1000.0;

/// `em` (a fraction of the em) in font units.
fn units(em: f32) -> i32 {
    (em * UNITS_PER_EM).round() as i32
}

/// The blank glyph (`glyf` table, simple glyph): two contours of one
/// on-curve point each, at the bottom left and top right of the cell
/// `0..advance × descent..ascent`. Its bounding box is the cell; it has no
/// edge to fill.
fn blank_glyph(advance: i32, ascent: i32, descent: i32) -> Vec<u8> {
    let be16 = |v: i32| (v as i16).to_be_bytes();
    let mut g = Vec::new();
    for v in [2, 0, descent, advance, ascent] {
        g.extend(be16(v)); // numberOfContours, xMin, yMin, xMax, yMax
    }
    for v in [0, 1, 0] {
        g.extend(be16(v)); // endPtsOfContours[2], instructionLength
    }
    // Flags: ON_CURVE_POINT only, so both coordinates are int16 deltas.
    g.extend([1u8, 1u8]);
    for v in [0, advance] {
        g.extend(be16(v)); // x deltas
    }
    for v in [descent, ascent - descent] {
        g.extend(be16(v)); // y deltas
    }
    g
}

/// A TrueType font of two glyphs: an empty `.notdef` and the blank (see
/// [`blank_glyph`]), every advance half an em.
pub fn truetype() -> Vec<u8> {
    let be16 = |v: i32| (v as u16).to_be_bytes();
    let (adv, asc, desc) = (units(ADVANCE), units(ASCENT), units(DESCENT));
    let mut head = Vec::new();
    head.extend([0, 1, 0, 0, 0, 1, 0, 0]); // version, fontRevision
    head.extend([0, 0, 0, 0]); // checkSumAdjustment, patched below
    head.extend([0x5F, 0x0F, 0x3C, 0xF5]);
    head.extend(be16(0x000B)); // flags: baseline at 0, integer ppem, lsb at 0
    head.extend(be16(UNITS_PER_EM as i32)); // unitsPerEm
    head.extend([0; 16]); // created, modified
    for v in [0, desc, adv, asc] {
        head.extend(be16(v)); // xMin yMin xMax yMax: the blank glyph's box
    }
    head.extend(be16(0)); // macStyle
    head.extend(be16(8)); // lowestRecPPEM
    head.extend(be16(2)); // fontDirectionHint
    head.extend(be16(0)); // indexToLocFormat: short
    head.extend(be16(0)); // glyphDataFormat

    let mut hhea = vec![0, 1, 0, 0];
    // ascender, descender, lineGap, advanceWidthMax, minLeftSideBearing,
    // minRightSideBearing, xMaxExtent, caretSlopeRise/Run, caretOffset,
    // four reserved, metricDataFormat, numberOfHMetrics.
    for v in [asc, desc, 0, adv, 0, 0, adv, 1, 0, 0, 0, 0, 0, 0, 0, 2] {
        hhea.extend(be16(v));
    }

    let mut maxp = vec![0, 1, 0, 0];
    maxp.extend(be16(2)); // numGlyphs
    // maxPoints, maxContours, composite points/contours, maxZones, twilight
    // points, storage, function defs, instruction defs, stack elements,
    // size of instructions, component elements, component depth.
    for v in [2, 2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] {
        maxp.extend(be16(v));
    }

    // advanceWidth and leftSideBearing (= xMin, 0) of both glyphs.
    let hmtx: Vec<u8> = [adv, 0, adv, 0].iter().flat_map(|&v| be16(v)).collect();
    // .notdef has no outline; short loca offsets are halved.
    let glyf = blank_glyph(adv, asc, desc);
    let loca: Vec<u8> = [0, 0, glyf.len() as i32 / 2]
        .iter()
        .flat_map(|&v| be16(v))
        .collect();

    // cmap: one (3,1) format 4 subtable with only the final 0xFFFF segment.
    let mut cmap = Vec::new();
    for v in [0, 1, 3, 1] {
        cmap.extend(be16(v));
    }
    cmap.extend(12u32.to_be_bytes());
    for v in [4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0] {
        cmap.extend(be16(v)); // format,len,lang,segX2,search,sel,shift,end,pad,start,delta,rangeOffset
    }

    let family = "GlyphLessFont";
    let utf16: Vec<u8> = family.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut name = Vec::new();
    for v in [0, 2, 6 + 2 * 12] {
        name.extend(be16(v));
    }
    for name_id in [1, 4] {
        for v in [3, 1, 0x409, name_id, utf16.len() as i32, 0] {
            name.extend(be16(v));
        }
    }
    name.extend(&utf16);

    let mut post = vec![0, 3, 0, 0];
    post.extend([0u8; 28]);

    let mut os2 = Vec::new();
    for v in [4, adv, 400, 5, 0] {
        os2.extend(be16(v)); // version, xAvgCharWidth, weight, width, fsType (installable)
    }
    os2.extend([0u8; 22]); // sub/superscript, strikeout, family class
    os2.extend([0u8; 10]); // panose
    os2.extend([0u8; 16]); // unicode ranges
    os2.extend(b"NONE");
    for v in [0x40, 0x20, 0xFFFF, asc, desc, 0, asc, -desc] {
        os2.extend(be16(v)); // fsSelection, first/last char, typo asc/desc/gap, win asc/desc
    }
    os2.extend([0u8; 8]); // code page ranges
    for v in [500, asc, 0, 32, 0] {
        os2.extend(be16(v)); // xHeight, capHeight, default, break, maxContext
    }

    let tables: [(&[u8; 4], Vec<u8>); 10] = [
        (b"OS/2", os2),
        (b"cmap", cmap),
        (b"glyf", glyf),
        (b"head", head),
        (b"hhea", hhea),
        (b"hmtx", hmtx),
        (b"loca", loca),
        (b"maxp", maxp),
        (b"name", name),
        (b"post", post),
    ];
    let n = tables.len();
    let mut out = Vec::new();
    out.extend([0, 1, 0, 0]);
    out.extend(be16(n as i32));
    out.extend(be16(128)); // searchRange for 10 tables: 8 * 16
    out.extend(be16(3));
    out.extend(be16(n as i32 * 16 - 128));
    let mut offset = 12 + 16 * n;
    let mut head_offset = 0;
    for (tag, data) in &tables {
        out.extend(*tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        if *tag == b"head" {
            head_offset = offset;
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out[head_offset + 8..head_offset + 12].copy_from_slice(&adjust.to_be_bytes());
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |acc, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        acc.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_checksums_are_consistent() {
        let f = truetype();
        assert_eq!(f.len() % 4, 0);
        // The whole file sums to the magic value once adjusted.
        assert_eq!(checksum(&f), 0xB1B0_AFBA);
        let n = u16::from_be_bytes([f[4], f[5]]) as usize;
        for i in 0..n {
            let rec = &f[12 + 16 * i..28 + 16 * i];
            let off = u32::from_be_bytes(rec[8..12].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(rec[12..16].try_into().unwrap()) as usize;
            if &rec[0..4] != b"head" {
                assert_eq!(
                    checksum(&f[off..off + len]),
                    u32::from_be_bytes(rec[4..8].try_into().unwrap())
                );
            }
        }
    }

    #[test]
    fn cmap_ranges_skip_surrogates() {
        let c = to_unicode_cmap();
        assert!(c.contains("<0000> <00FF> <0000>"));
        assert!(c.contains("<FF00> <FFFF> <FF00>"));
        assert!(!c.contains("<D800>"));
    }
}
