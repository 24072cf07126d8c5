//! The text region segment (T.88 6.4, 7.4.3): symbol instances placed by
//! their bottom-left corner, strip by strip, arithmetic coded, each
//! instance that differs from its symbol refinement-coded against it
//! (6.4.11, 6.3) so the region holds exactly the page's pixels.

use super::classify::Bitmap;
use super::mq::{IntContexts, MqEncoder};
use super::refine;

/// One symbol instance: top-left corner, symbol ID, the symbol's bitmap and
/// the instance's own bitmap when it differs.
pub(super) struct Placed<'a> {
    pub x: u32,
    pub y: u32,
    pub id: u32,
    pub shape: &'a Bitmap,
    pub refine: Option<&'a Bitmap>,
}

impl Placed<'_> {
    /// The bitmap drawn: the instance's own when refined.
    fn drawn(&self) -> &Bitmap {
        self.refine.unwrap_or(self.shape)
    }
}

/// REFCORNER BOTTOMLEFT (7.4.3.1.1): an instance's T is its bottom row, so
/// the letters of a line share it.
const BOTTOM_LEFT: u16 = 0;

/// Segment data of a `w` × `h` text region at the page origin, combined
/// with OR, placing `placed` from a dictionary of `symbols` symbols, in
/// strips of `1 << log_strips` rows.
pub(super) fn text_region(
    w: u32,
    h: u32,
    placed: &mut [Placed],
    symbols: u32,
    log_strips: u32,
) -> Vec<u8> {
    let strips = 1u32 << log_strips;
    let bottom = |p: &Placed| p.y + p.drawn().h - 1;
    placed.sort_by_key(|p| (bottom(p) >> log_strips, p.x, p.y));
    let refine = placed.iter().any(|p| p.refine.is_some());
    // SBSYMCODELEN (7.4.3.1.7 for Huffman; 6.4.10 for IAID): ceil(log2).
    let code_len = 32 - symbols.saturating_sub(1).leading_zeros();

    let mut coder = MqEncoder::new();
    let [mut iadt, mut iafs, mut iads, mut iait, mut iari] =
        std::array::from_fn(|_| IntContexts::new());
    let [mut iardw, mut iardh, mut iardx, mut iardy] = std::array::from_fn(|_| IntContexts::new());
    let mut iaid = vec![0u8; 2 << code_len];
    let mut gr_states = refine::states();

    // Initial STRIPT (6.4.5 step 2): 0.
    tally!(3);
    coder.encode_int(&mut iadt, Some(0));
    let (mut strip_t, mut first_s) = (0i64, 0i64);
    let mut i = 0;
    while i < placed.len() {
        let strip = i64::from(bottom(&placed[i]) >> log_strips);
        tally!(3);
        coder.encode_int(&mut iadt, Some((strip - strip_t) as i32));
        strip_t = strip;
        let mut cur_s = 0i64;
        let mut first = true;
        while i < placed.len() && i64::from(bottom(&placed[i]) >> log_strips) == strip {
            let p = &placed[i];
            let x = i64::from(p.x);
            tally!(3);
            if first {
                coder.encode_int(&mut iafs, Some((x - first_s) as i32));
                first_s = x;
                first = false;
            } else {
                // SBDSOFFSET 0: the gap after the previous instance's last column.
                coder.encode_int(&mut iads, Some((x - cur_s) as i32));
            }
            if strips > 1 {
                let t = i64::from(bottom(p)) - strip * i64::from(strips);
                coder.encode_int(&mut iait, Some(t as i32));
            }
            tally!(4);
            coder.encode_id(&mut iaid, code_len, p.id);
            if refine {
                tally!(5);
                coder.encode_int(&mut iari, Some(i32::from(p.refine.is_some())));
                if let Some(own) = p.refine {
                    // RDW, RDH: the size difference; RDX = RDY = 0, so the
                    // middles meet (refine::offset).
                    coder.encode_int(&mut iardw, Some(own.w as i32 - p.shape.w as i32));
                    coder.encode_int(&mut iardh, Some(own.h as i32 - p.shape.h as i32));
                    coder.encode_int(&mut iardx, Some(0));
                    coder.encode_int(&mut iardy, Some(0));
                    refine::code(&mut coder, &mut gr_states, own, p.shape);
                }
            }
            cur_s = x + i64::from(p.drawn().w) - 1;
            i += 1;
        }
        tally!(3);
        coder.encode_int(&mut iads, None);
    }
    let coded = coder.finish();

    let mut data = Vec::with_capacity(coded.len() + 27);
    // Region segment information (7.4.1): the page, combined with OR.
    data.extend(w.to_be_bytes());
    data.extend(h.to_be_bytes());
    data.extend(0u32.to_be_bytes());
    data.extend(0u32.to_be_bytes());
    data.push(0);
    // Text region flags (7.4.3.1.1): SBHUFF 0, SBREFINE, LOGSBSTRIPS,
    // REFCORNER, TRANSPOSED 0, SBCOMBOP OR, SBDEFPIXEL 0, SBDSOFFSET 0,
    // SBRTEMPLATE; no SBRAT (7.4.3.1.3), as template 1 has no adaptive
    // pixels.
    let flags = u16::from(refine) << 1
        | (log_strips as u16) << 2
        | BOTTOM_LEFT << 4
        | u16::from(refine::TEMPLATE) << 15;
    data.extend(flags.to_be_bytes());
    data.extend((placed.len() as u32).to_be_bytes()); // SBNUMINSTANCES
    data.extend_from_slice(&coded);
    data
}
