//! Lossless JBIG2 encoding of bilevel pages, MQ arithmetic coded, as the
//! embedded stream of a PDF `/JBIG2Decode` image (ITU-T T.88 | ISO/IEC
//! 14492), in two codings:
//!
//! - [`encode`]: one generic region per page. On generated 300-dpi text
//!   pages this is 0.62–0.67× the size of the same page in CCITT G4: the
//!   coder learns, per 16-pixel neighbourhood, how likely ink is, where G4
//!   spends fixed codes on every run edge.
//! - [`encode_symbols`]: symbol coding. Each distinct letter-sized
//!   component shape is stored once in a symbol dictionary; a text region
//!   places every component; a shape close to an earlier one (its size or
//!   one pixel off, at most a tenth of its pixels different) is coded as a
//!   *refinement* of it — in a second dictionary, or, for a shape seen
//!   once, as the instance refined in the text region (on pages of small
//!   letters both plans are coded and the smaller kept). The rest of the
//!   ink (rules, frames, halftone networks) is a generic region. On
//!   generated text pages this is 0.2–0.8× the generic coding.
//! - [`document::code`]: the same for a run of pages, the shapes found on
//!   two or more of them in a shared dictionary: the PDF's `/JBIG2Globals`
//!   stream. A page's analysis ([`PageSymbols`]) is done on its worker;
//!   the PDF writers code the pages of a batch together
//!   (`pdf::bilevel_batch`).
//!
//! Nothing is substituted: every instance is either the exact stored shape
//! or refinement-coded to its own pixels, so the page decodes to exactly
//! its pixels (no symbol matching that can swap a 6 for an 8).
//!
//! Hand-written rather than taken from a crate. `jbig2enc-rust` (0.6.0) was
//! measured first: its generic mode round-trips pixel-exactly and is fast,
//! but it ends many streams (3 of 6 A4 test pages, 2 in 3 small images) with
//! `FF FF AC` — the coder's final `FF` kept and a whole `FF AC` marker added
//! after it — which poppler reports as "Syntax Error: 1 extraneous byte
//! after segment" every time it decodes the page; it has no typical
//! prediction; and it brings ~22k lines plus `ndarray`, an exactly pinned
//! `wide` and a build script that stamps the build time into the binary.
//! The usual symbol coding (the C `jbig2enc`'s symbol mode) draws a class
//! representative in place of each instance: the lossy coding this must
//! avoid. We found no crate that codes lossless symbol JBIG2; the parts we
//! need are short and fully specified.
//!
//! What is written (T.88 section numbers):
//! - segments of the embedded organisation (Annex D.3, as PDF requires): no
//!   file header, no end-of-page segment; the shared symbol dictionaries
//!   are global segments (page association 0) of the globals stream, the
//!   rest belong to page 1 of each image's own stream;
//! - a page information segment (7.4.8) marked "eventually lossless",
//!   default pixel 0, combination operator OR;
//! - generic regions (7.4.6, [`generic`]): no MMR, template 0 with the
//!   nominal adaptive pixels (6.2.5.3, Figure 3), typical prediction on
//!   (TPGDON, 6.2.5.7), so a row equal to the one above costs one coded
//!   decision — blank lines are nearly free;
//! - symbol dictionaries (7.4.2, [`symbols`]) and an immediate lossless
//!   text region (7.4.3, [`text_region`]) with refinement template 1
//!   ([`refine`], 6.3);
//! - the arithmetic coder of Annex E.2 (the MQ coder, [`mq`]) with the
//!   integer and symbol-ID coders of Annex A, terminated by its FLUSH
//!   procedure and the `FF AC` end marker.
//!
//! Contexts are kept incrementally: three sliding windows over the two rows
//! above and the current row, shifted one pixel per step, instead of 16
//! pixel reads per pixel.

/// Count the following coded decisions in part `$p` of [`stats`] (only
/// with the feature `jbig2-stats`).
macro_rules! tally {
    ($p:expr) => {
        #[cfg(feature = "jbig2-stats")]
        $crate::pdf::jbig2::mq::stats::part($p);
    };
}

mod analyse;
mod classify;
pub mod document;
mod generic;
mod mq;
mod refine;
mod symbols;
mod text_region;

pub use analyse::PageSymbols;
pub use document::{BATCH_PAGES, Coded};
#[cfg(feature = "jbig2-stats")]
pub use mq::stats;

use crate::clean::bits::{BitImage, INK};
use mq::MqEncoder;

/// JBIG2 stream bytes of the page for an image XObject with
/// `/Filter /JBIG2Decode`, `/BitsPerComponent 1`, `/ColorSpace /DeviceGray`
/// and no `/DecodeParms`: ink is JBIG2's 1, which PDF draws black without a
/// `/Decode` array. One generic region.
pub fn encode(bits: &BitImage) -> Vec<u8> {
    let fill = |y: usize, row: &mut [u8]| {
        for (dst, &src) in row.iter_mut().zip(bits.row(y as u32)) {
            *dst = u8::from(src == INK);
        }
    };
    encode_rows(bits.width(), bits.height(), fill, usize::MAX).expect("no limit")
}

/// [`encode`] of a `w` × `h` page whose row y `fill(y, row)` writes (bytes
/// of 0 or 1, 1 = ink); `None` as soon as the coded bitmap passes `limit`
/// bytes (so a coding that cannot win stops early). Template 0 first; when
/// it comes in under `limit` (a page where generic coding wins: pictures,
/// halftones, rules), template 2 too, kept when smaller — on halftones
/// 5–10 % smaller, on text larger (measured by benches/jbig2.sh), and
/// on a text page that loses to symbols neither runs to the end.
pub fn encode_rows(
    w: u32,
    h: u32,
    mut fill: impl FnMut(usize, &mut [u8]),
    limit: usize,
) -> Option<Vec<u8>> {
    let zero = generic_region(w, h, 0, &mut fill, limit)?;
    let best = match generic_region(w, h, 2, &mut fill, zero.1.len()) {
        Some(two) if two.1.len() < zero.1.len() => two,
        _ => zero,
    };
    let (template, coded) = best;
    let mut out = Vec::with_capacity(coded.len() + 64);
    page_information(&mut out, 0, w, h);
    let mut region = Vec::with_capacity(coded.len() + 26);
    region_information(&mut region, w, h, 0, 0);
    generic::flags_and_at(&mut region, template, true);
    region.extend_from_slice(&coded);
    segment(
        &mut out,
        1,
        IMMEDIATE_LOSSLESS_GENERIC_REGION,
        &[],
        1,
        &region,
    );
    Some(out)
}

/// The page's coded bitmap in generic `template` with typical prediction,
/// `None` past `limit` bytes.
fn generic_region(
    w: u32,
    h: u32,
    template: u8,
    fill: impl FnMut(usize, &mut [u8]),
    limit: usize,
) -> Option<(u8, Vec<u8>)> {
    let mut coder = MqEncoder::new();
    let mut states = generic::states();
    tally!(7);
    if !generic::region(
        w as usize,
        h as usize,
        template,
        true,
        fill,
        &mut coder,
        &mut states,
        limit,
    ) {
        return None;
    }
    let coded = coder.finish();
    (coded.len() <= limit).then_some((template, coded))
}

/// The page symbol-coded, for the same image XObject as [`encode`]: the
/// page's letter-sized components as symbols (a generic dictionary of
/// shapes, a refined dictionary of shapes close to earlier ones), a text
/// region placing them (refining an instance where it differs from its
/// symbol), and a generic region for the rest of the ink, all combined
/// with OR onto a white page: [`document::code`] of this page alone.
/// `None` when the page has no letter-sized components: then it has
/// nothing to gain over [`encode`].
pub fn encode_symbols(bits: &BitImage) -> Option<Vec<u8>> {
    let page = PageSymbols::new(bits)?;
    document::code(&[&page]).pages.pop()
}

/// Strips of the text regions: 2^LOG_STRIPS rows (7.4.3.1.1 LOGSBSTRIPS).
const LOG_STRIPS: u32 = 0;

const SYMBOL_DICTIONARY: u8 = 0;
const IMMEDIATE_LOSSLESS_TEXT_REGION: u8 = 7;
const IMMEDIATE_LOSSLESS_GENERIC_REGION: u8 = 39;
const PAGE_INFORMATION: u8 = 48;

/// The page information segment (7.4.8), segment `number`.
fn page_information(out: &mut Vec<u8>, number: u32, w: u32, h: u32) {
    let mut page_info = Vec::with_capacity(19);
    page_info.extend(w.to_be_bytes());
    page_info.extend(h.to_be_bytes());
    page_info.extend(0u32.to_be_bytes()); // x resolution unknown (PDF sizes the image)
    page_info.extend(0u32.to_be_bytes()); // y resolution unknown
    // Eventually lossless; default pixel 0 (white); combination operator OR;
    // no refinements, no auxiliary buffers.
    page_info.push(0x01);
    page_info.extend(0u16.to_be_bytes()); // not striped
    segment(out, number, PAGE_INFORMATION, &[], 1, &page_info);
}

/// Region segment information field (7.4.1): `w` × `h` at (`x`, `y`),
/// combined with OR.
pub(super) fn region_information(out: &mut Vec<u8>, w: u32, h: u32, x: u32, y: u32) {
    out.extend(w.to_be_bytes());
    out.extend(h.to_be_bytes());
    out.extend(x.to_be_bytes());
    out.extend(y.to_be_bytes());
    out.push(0);
}

/// Append one segment (7.2): header with the referred-to segments (fewer
/// than 5, numbered below 256, none retained) and a one-byte page
/// association (`page`: 1 on a page's stream, 0 in the globals), then the
/// data.
fn segment(out: &mut Vec<u8>, number: u32, kind: u8, refers_to: &[u32], page: u8, data: &[u8]) {
    out.extend(number.to_be_bytes());
    out.push(kind); // not deferred, one-byte page association
    out.push((refers_to.len() as u8) << 5); // count, no retention bits
    out.extend(refers_to.iter().map(|&r| r as u8));
    out.push(page);
    // Noise, the worst case, codes to about a bit per pixel: 4 GiB would
    // take a page of some 34 gigapixels, far past the input pixel limit.
    let len = u32::try_from(data.len()).expect("a JBIG2 segment over 4 GiB");
    out.extend(len.to_be_bytes());
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests;
