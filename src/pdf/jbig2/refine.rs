//! Generic refinement region coding (T.88 6.3) as used inside symbol
//! dictionaries (6.5.8.2.2) and text regions (6.4.11): a bitmap coded
//! against a reference bitmap of the same size at the same place.

use super::classify::Bitmap;
use super::mq::MqEncoder;

/// Refinement template 0's adaptive pixels, both at (−1, −1) (7.4.2.1.3,
/// 7.4.3.1.3).
pub(super) const AT_BYTES: [u8; 4] = [0xFF, 0xFF, 0xFF, 0xFF];

/// One MQ state per refinement template 0 context.
pub(super) fn states() -> Vec<u8> {
    vec![0u8; 1 << 13]
}

/// Refinement coding (6.3) of `own` against `reference`, same size and
/// place (GRREFERENCEDX = GRREFERENCEDY = 0), template 0 with both
/// adaptive pixels at (−1, −1), no typical prediction. The context
/// (Figure 12) is the coded bitmap at (0, −1), (1, −1), (−1, 0) and A1, and
/// the reference at (0, −1), (1, −1), (−1, 0), (0, 0), (1, 0), (−1, 1),
/// (0, 1), (1, 1) and A2. Without TPGRON no context is shared with a
/// pseudo-pixel, so any one-to-one numbering of the neighbourhoods codes
/// the same bits as the decoder's; this one packs them in that order.
pub(super) fn code(coder: &mut MqEncoder, states: &mut [u8], own: &Bitmap, reference: &Bitmap) {
    for y in 0..own.h as i32 {
        for x in 0..own.w as i32 {
            let c = |dx: i32, dy: i32| own.get(x + dx, y + dy) as usize;
            let r = |dx: i32, dy: i32| reference.get(x + dx, y + dy) as usize;
            let context = c(0, -1) << 12
                | c(1, -1) << 11
                | c(-1, 0) << 10
                | c(-1, -1) << 9
                | r(0, -1) << 8
                | r(1, -1) << 7
                | r(-1, 0) << 6
                | r(0, 0) << 5
                | r(1, 0) << 4
                | r(-1, 1) << 3
                | r(0, 1) << 2
                | r(1, 1) << 1
                | r(-1, -1);
            coder.encode(&mut states[context], own.get(x, y));
        }
    }
}
