//! Generic region coding (T.88 6.2) with template 0 and its nominal
//! adaptive pixels: the whole page in the generic-only stream, the
//! non-text parts of a symbol-coded page, and every symbol bitmap of a
//! symbol dictionary (6.5.8.1, there without typical prediction).

use super::mq::MqEncoder;

/// Nominal template 0 adaptive pixels, (x, y) relative to the coded pixel.
pub(super) const AT_PIXELS: [(i8, i8); 4] = [(3, -1), (-3, -1), (2, -2), (-2, -2)];

/// Template 2's one adaptive pixel, nominal (Figure 5).
const AT_PIXEL_2: (i8, i8) = (2, -1);

/// The contexts that code "this row differs from the one above" (SLTP) for
/// templates 0 and 2 (6.2.5.7, Figure 8 and 10): they share their state with
/// a pixel context, so the numbering of contexts must be the decoders'.
const SLTP_CONTEXT: usize = 0x9B25;
const SLTP_CONTEXT_2: usize = 0xE5;

/// Zero pixels kept left and right of each row, so the context windows can
/// read up to 4 pixels past either edge without a bounds test.
const PAD: usize = 4;

/// One MQ state per template 0 context; a fixed-size array, so masking the
/// context to 16 bits is the bounds check.
pub(super) type States = Box<[u8; 1 << 16]>;

pub(super) fn states() -> States {
    vec![0u8; 1 << 16]
        .into_boxed_slice()
        .try_into()
        .expect("length is 2^16")
}

/// Code a `w` × `h` bitmap as a generic region in `template` 0 or 2 (below),
/// typical
/// prediction (6.2.5.7) when `tpgdon`; `fill(y, row)` writes row y as 0/1
/// bytes (1 = ink), every byte of it. Stops, returning false, once the
/// coded bytes pass `limit` (checked row by row). The context of a pixel at x (Figure 3, nominal adaptive
/// pixels) is, from the most significant bit: row y−2 at x−2..=x+2, row
/// y−1 at x−3..=x+3, row y at x−4..=x−1 — three windows that slide right by
/// one pixel per step.
///
/// Template 2 (Figure 5, context bits from the most significant: row y−2
/// at x−1..=x+1, row y−1 at x−2..=x+2 with its adaptive pixel at x+2, row
/// y at x−2..=x−1) has 1024 contexts instead of 65536: each learns from 64
/// times as many pixels, which wins where ink is noise-like (halftone
/// dots: dither is nearly independent of a wide neighbourhood) and loses
/// on text.
#[allow(clippy::too_many_arguments)]
pub(super) fn region(
    w: usize,
    h: usize,
    template: u8,
    tpgdon: bool,
    mut fill: impl FnMut(usize, &mut [u8]),
    coder: &mut MqEncoder,
    states: &mut States,
    limit: usize,
) -> bool {
    // Rows y−2, y−1 and y, zero-padded.
    let mut rows = [
        vec![0u8; w + 2 * PAD],
        vec![0u8; w + 2 * PAD],
        vec![0u8; w + 2 * PAD],
    ];
    let mut ltp = false;
    for y in 0..h {
        if coder.len() > limit {
            return false;
        }
        rows.rotate_left(1);
        fill(y, &mut rows[2][PAD..PAD + w]);
        if tpgdon {
            // Typical prediction: flag the rows where "same as above" changes.
            let typical = rows[2] == rows[1];
            let sltp = if template == 2 {
                SLTP_CONTEXT_2
            } else {
                SLTP_CONTEXT
            };
            coder.encode(&mut states[sltp], u8::from(typical != ltp));
            ltp = typical;
            if typical {
                continue;
            }
        }
        let [above2, above1, row] = &rows;
        if template == 2 {
            code_row_2(w, above2, above1, row, coder, states);
            continue;
        }
        let mut w2 = window(above2, PAD - 2, 5);
        let mut w1 = window(above1, PAD - 3, 7);
        let mut w0 = 0usize;
        let next2 = &above2[PAD + 3..PAD + 3 + w];
        let next1 = &above1[PAD + 4..PAD + 4 + w];
        for ((&pixel, &n1), &n2) in row[PAD..PAD + w].iter().zip(next1).zip(next2) {
            let context = (w2 << 11) | (w1 << 4) | w0;
            coder.encode(&mut states[context & 0xFFFF], pixel);
            w0 = ((w0 << 1) | pixel as usize) & 0xF;
            w1 = ((w1 << 1) | n1 as usize) & 0x7F;
            w2 = ((w2 << 1) | n2 as usize) & 0x1F;
        }
    }
    true
}

/// Sum the pixels of `r[from..from + len]` as bits, the first the most
/// significant.
fn window(r: &[u8], from: usize, len: usize) -> usize {
    r[from..from + len]
        .iter()
        .fold(0usize, |acc, &p| (acc << 1) | p as usize)
}

/// One row of a template 2 region: windows of 3, 5 and 2 pixels over rows
/// y−2, y−1 and y (padded by [`PAD`]).
fn code_row_2(
    w: usize,
    above2: &[u8],
    above1: &[u8],
    row: &[u8],
    coder: &mut MqEncoder,
    states: &mut States,
) {
    let mut w2 = window(above2, PAD - 1, 3);
    let mut w1 = window(above1, PAD - 2, 5);
    let mut w0 = 0usize;
    let next2 = &above2[PAD + 2..PAD + 2 + w];
    let next1 = &above1[PAD + 3..PAD + 3 + w];
    for ((&pixel, &n1), &n2) in row[PAD..PAD + w].iter().zip(next1).zip(next2) {
        let context = (w2 << 7) | (w1 << 2) | w0;
        coder.encode(&mut states[context & 0x3FF], pixel);
        w0 = ((w0 << 1) | pixel as usize) & 0x3;
        w1 = ((w1 << 1) | n1 as usize) & 0x1F;
        w2 = ((w2 << 1) | n2 as usize) & 0x7;
    }
}

/// The generic region segment's data header after the region information
/// (7.4.6.2, 7.4.6.3): MMR 0, GBTEMPLATE `template` (0 or 2), TPGDON as
/// given, the nominal adaptive pixels.
pub(super) fn flags_and_at(out: &mut Vec<u8>, template: u8, tpgdon: bool) {
    out.push(if tpgdon { 0x08 } else { 0 } | template << 1);
    if template == 2 {
        out.extend([AT_PIXEL_2.0 as u8, AT_PIXEL_2.1 as u8]);
    } else {
        for (x, y) in AT_PIXELS {
            out.extend([x as u8, y as u8]);
        }
    }
}
