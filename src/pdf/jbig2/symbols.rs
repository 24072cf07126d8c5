//! The symbol dictionary segment (T.88 6.5, 7.4.2): arithmetic coded, no
//! refinement/aggregate coding, every symbol bitmap a template 0 generic
//! region without typical prediction (6.5.8.1), all symbols new and
//! exported.

use super::classify::Bitmap;
use super::generic;
use super::mq::{IntContexts, MqEncoder};

/// A coded symbol dictionary.
pub(super) struct Dictionary {
    /// The segment data (7.4.2.1 header and the coded symbols).
    pub data: Vec<u8>,
    /// The symbol ID of each shape given, in the dictionary's order: by
    /// height class (6.5.5), then width, so height and width deltas are
    /// small and never negative.
    pub ids: Vec<u32>,
}

pub(super) fn dictionary(shapes: &[Bitmap]) -> Dictionary {
    let n = shapes.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&k| (shapes[k].h, shapes[k].w, k));
    let mut ids = vec![0u32; n];
    for (id, &k) in order.iter().enumerate() {
        ids[k] = id as u32;
    }

    let mut coder = MqEncoder::new();
    let (mut iadh, mut iadw, mut iaex) =
        (IntContexts::new(), IntContexts::new(), IntContexts::new());
    let mut states = generic::states();
    let mut height = 0u32;
    let mut i = 0;
    while i < n {
        // One height class (6.5.5 step 4): HCDH, then DW per symbol, OOB.
        let h = shapes[order[i]].h;
        coder.encode_int(&mut iadh, Some((h - height) as i32));
        height = h;
        let mut width = 0i32;
        while i < n && shapes[order[i]].h == h {
            let s = &shapes[order[i]];
            coder.encode_int(&mut iadw, Some(s.w as i32 - width));
            width = s.w as i32;
            let w = s.w as usize;
            generic::region(
                w,
                h as usize,
                false,
                |y, row| row.copy_from_slice(&s.px[y * w..(y + 1) * w]),
                &mut coder,
                &mut states,
            );
            i += 1;
        }
        coder.encode_int(&mut iadw, None);
    }
    // Export flags (6.5.10): a run of 0 not exported, then all n exported.
    coder.encode_int(&mut iaex, Some(0));
    coder.encode_int(&mut iaex, Some(n as i32));
    let coded = coder.finish();

    let mut data = Vec::with_capacity(coded.len() + 18);
    // Flags (7.4.2.1.1): SDHUFF 0, SDREFAGG 0, contexts neither used nor
    // retained, SDTEMPLATE 0.
    data.extend(0u16.to_be_bytes());
    for (x, y) in generic::AT_PIXELS {
        data.extend([x as u8, y as u8]);
    }
    data.extend((n as u32).to_be_bytes()); // SDNUMEXSYMS
    data.extend((n as u32).to_be_bytes()); // SDNUMNEWSYMS
    data.extend_from_slice(&coded);
    Dictionary { data, ids }
}
