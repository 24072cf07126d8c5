//! Symbol dictionary segments (T.88 6.5, 7.4.2), arithmetic coded, every
//! symbol new and exported, in height classes (6.5.5) of ascending height
//! and, within a class, ascending width, so height and width deltas are
//! small and never negative. Two kinds:
//! - generic: each bitmap a template 0 generic region without typical
//!   prediction (6.5.8.1);
//! - refined (SDREFAGG 1): each bitmap a refinement (6.5.8.2.2, one
//!   aggregated instance, refinement template [`refine::TEMPLATE`]) of an
//!   earlier symbol of its size — of an input dictionary's or of this
//!   one's — so a letter seen again with a few edge pixels moved costs
//!   those pixels' worth, not a whole bitmap.

use super::classify::{self, Bitmap};
use super::generic;
use super::mq::{IntContexts, MqEncoder};
use super::refine;

/// `keys` (indices into `shapes`) in dictionary order.
pub(super) fn sort(keys: &mut [u32], shapes: &[&Bitmap]) {
    keys.sort_by_key(|&k| (shapes[k as usize].h, shapes[k as usize].w, k));
}

/// A generic dictionary of `shapes`, given in dictionary order ([`sort`]).
pub(super) fn generic_dictionary(shapes: &[&Bitmap]) -> Vec<u8> {
    let mut coder = MqEncoder::new();
    let mut states = generic::states();
    code_classes(&mut coder, shapes, |coder, s| {
        let w = s.w as usize;
        tally!(0);
        generic::region(
            w,
            s.h as usize,
            0,
            false,
            |y, row| row.copy_from_slice(&s.px[y * w..(y + 1) * w]),
            coder,
            &mut states,
            usize::MAX,
        );
    });
    finish(coder, 0, shapes.len() as u32, false)
}

/// A symbol to code as a refinement: its bitmap, the reference's bitmap
/// (its size or close to it, placed by [`classify::refine_offset`]) and the reference's symbol ID among the input symbols
/// followed by this dictionary's.
pub(super) struct Refined<'a> {
    pub shape: &'a Bitmap,
    pub reference: &'a Bitmap,
    pub reference_id: u32,
}

/// A refined dictionary after `inputs` input symbols, its symbols given in
/// dictionary order ([`sort`]); references must come before the symbol.
pub(super) fn refined_dictionary(inputs: u32, symbols: &[Refined]) -> Vec<u8> {
    let total = inputs + symbols.len() as u32;
    // SBSYMCODELEN of the aggregate (6.5.8.2.3): ceil(log2(total)).
    let code_len = 32 - total.saturating_sub(1).leading_zeros();
    let mut coder = MqEncoder::new();
    let mut states = refine::states();
    let (mut iaai, mut iardx, mut iardy) =
        (IntContexts::new(), IntContexts::new(), IntContexts::new());
    let mut iaid = vec![0u8; 2 << code_len];
    let shapes: Vec<&Bitmap> = symbols.iter().map(|s| s.shape).collect();
    let mut next = symbols.iter();
    code_classes(&mut coder, &shapes, |coder, _| {
        let s = next.next().expect("one per shape");
        tally!(2);
        coder.encode_int(&mut iaai, Some(1)); // REFAGGNINST
        coder.encode_id(&mut iaid, code_len, s.reference_id);
        let (dx, dy) = classify::refine_offset(s.shape, s.reference);
        coder.encode_int(&mut iardx, Some(dx));
        coder.encode_int(&mut iardy, Some(dy));
        tally!(1);
        refine::code(coder, &mut states, s.shape, s.reference);
    });
    finish(coder, inputs, symbols.len() as u32, true)
}

/// The height classes (6.5.5 step 4): HCDH, then per symbol DW and its
/// bitmap (coded by `bitmap`), then OOB.
fn code_classes(
    coder: &mut MqEncoder,
    shapes: &[&Bitmap],
    mut bitmap: impl FnMut(&mut MqEncoder, &Bitmap),
) {
    let (mut iadh, mut iadw) = (IntContexts::new(), IntContexts::new());
    let mut height = 0u32;
    let mut i = 0;
    while i < shapes.len() {
        tally!(2);
        let h = shapes[i].h;
        coder.encode_int(&mut iadh, Some((h - height) as i32));
        height = h;
        let mut width = 0i32;
        while i < shapes.len() && shapes[i].h == h {
            tally!(2);
            coder.encode_int(&mut iadw, Some(shapes[i].w as i32 - width));
            width = shapes[i].w as i32;
            bitmap(coder, shapes[i]);
            i += 1;
        }
        tally!(2);
        coder.encode_int(&mut iadw, None);
    }
}

/// Export flags (6.5.10: the `inputs` input symbols not exported, the `new`
/// ones exported) and the segment data with its header (7.4.2.1).
fn finish(mut coder: MqEncoder, inputs: u32, new: u32, refined: bool) -> Vec<u8> {
    let mut iaex = IntContexts::new();
    tally!(2);
    coder.encode_int(&mut iaex, Some(inputs as i32));
    coder.encode_int(&mut iaex, Some(new as i32));
    let coded = coder.finish();

    let mut data = Vec::with_capacity(coded.len() + 22);
    // Flags (7.4.2.1.1): SDHUFF 0, SDREFAGG, contexts neither used nor
    // retained, SDTEMPLATE 0, SDRTEMPLATE (bit 12) when refined; no SDRAT
    // (7.4.2.1.3), as refinement template 1 has no adaptive pixels.
    let rtemplate = if refined {
        u16::from(refine::TEMPLATE)
    } else {
        0
    };
    let flags = u16::from(refined) << 1 | rtemplate << 12;
    data.extend(flags.to_be_bytes());
    for (x, y) in generic::AT_PIXELS {
        data.extend([x as u8, y as u8]);
    }
    data.extend(new.to_be_bytes()); // SDNUMEXSYMS
    data.extend(new.to_be_bytes()); // SDNUMNEWSYMS
    data.extend_from_slice(&coded);
    data
}
