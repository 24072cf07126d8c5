//! Generic refinement region coding (T.88 6.3) as used inside symbol
//! dictionaries (6.5.8.2.2) and text regions (6.4.11): a bitmap coded
//! against a reference bitmap of the same size at the same place.

use super::classify::{Bitmap, refine_offset as offset};
use super::mq::MqEncoder;

/// GRTEMPLATE (7.4.2.1.1 SDRTEMPLATE, 7.4.3.1.1 SBRTEMPLATE): template 1
/// (6.3.5.3, Figure 13), ten pixels and no adaptive ones. Template 0's
/// thirteen make 8192 contexts, each seen by fewer pixels of a page's
/// refinements; 1024 learn sooner: 0.4–1.2 % smaller text pages (serif 11
/// pt 300 dpi, sans 10 pt scanned, serif 8 pt 200 dpi, broken letters),
/// 0.7 % larger on sans 14 pt at 600 dpi, where the letters are big enough
/// to fill template 0's contexts (measured with `jbig2-stats`).
pub(super) const TEMPLATE: u8 = 1;

/// One MQ state per refinement template 1 context.
pub(super) fn states() -> Vec<u8> {
    vec![0u8; 1 << 10]
}

/// Refinement coding (6.3) of `own` against `reference` at [`offset`],
/// template 1, no typical prediction. The context (Figure 13) is the coded
/// bitmap at (−1, −1), (0, −1), (1, −1) and (−1, 0), and the reference at
/// (0, −1), (−1, 0), (0, 0), (1, 0), (0, 1) and (1, 1). Without TPGRON no
/// context is shared with a pseudo-pixel, so any one-to-one numbering of
/// the neighbourhoods codes the same bits as the decoder's; this one packs
/// sliding three-pixel windows of the rows: the coded row above, the pixel
/// before, the reference rows above, at and below (of which the context
/// takes the middle, all three, and the middle and right pixels).
pub(super) fn code(coder: &mut MqEncoder, states: &mut [u8], own: &Bitmap, reference: &Bitmap) {
    let (w, h) = (own.w as usize, own.h as usize);
    // Both bitmaps with a border of one white pixel.
    let pw = w + 2;
    let pad = |b: &Bitmap| {
        let mut p = vec![0u8; pw * (h + 2)];
        for y in 0..h {
            p[(y + 1) * pw + 1..(y + 1) * pw + 1 + w].copy_from_slice(&b.px[y * w..(y + 1) * w]);
        }
        p
    };
    let own_p = pad(own);
    let ref_p = if (own.w, own.h) == (reference.w, reference.h) {
        pad(reference)
    } else {
        // The reference in the coded bitmap's frame: pixel (x, y) of it
        // is the reference's (x − dx, y − dy).
        let (dx, dy) = offset(own, reference);
        let mut p = vec![0u8; pw * (h + 2)];
        for (py, row) in p.chunks_exact_mut(pw).enumerate() {
            for (px, v) in row.iter_mut().enumerate() {
                *v = reference.get(px as i32 - 1 - dx, py as i32 - 1 - dy);
            }
        }
        p
    };
    let states: &mut [u8; 1 << 10] = (&mut states[..1 << 10]).try_into().expect("1024 states");
    let at = |r: usize| r * pw..(r + 1) * pw;
    for y in 0..h {
        // Padded rows y (the row above), y + 1 (this row), y + 2 (below).
        let (ou, oc) = (&own_p[at(y)], &own_p[at(y + 1)]);
        let (ru, rc, rd) = (&ref_p[at(y)], &ref_p[at(y + 1)], &ref_p[at(y + 2)]);
        let start = |r: &[u8]| (usize::from(r[0]) << 1) | usize::from(r[1]);
        let (mut wu, mut wru, mut wrc, mut wrd) = (start(ou), start(ru), start(rc), start(rd));
        let mut before = 0usize;
        for x in 0..w {
            let next = x + 2;
            wu = ((wu << 1) | usize::from(ou[next])) & 7;
            wru = ((wru << 1) | usize::from(ru[next])) & 7;
            wrc = ((wrc << 1) | usize::from(rc[next])) & 7;
            wrd = ((wrd << 1) | usize::from(rd[next])) & 7;
            let context = wu << 7 | before << 6 | (wru & 2) << 4 | wrc << 2 | (wrd & 3);
            let pixel = oc[x + 1];
            coder.encode(&mut states[context & 0x3FF], pixel);
            before = usize::from(pixel);
        }
    }
}
