//! CCITT Group 4 encoding of bilevel pages through the `fax` crate.

use crate::clean::bits::{BitImage, INK};
use fax::{Color, VecWriter, encoder::Encoder};

/// Encode the whole page as one G4 strip, ink as black, no end-of-block
/// marker (the PDF gives `Rows`).
pub fn encode(bits: &BitImage) -> Vec<u8> {
    let width = bits.width();
    let mut enc = Encoder::new(VecWriter::new());
    for y in 0..bits.height() {
        let row = bits.row(y);
        let pels = row
            .iter()
            .map(|&p| if p == INK { Color::Black } else { Color::White });
        // VecWriter cannot fail.
        let _ = enc.encode_line(pels, width);
    }
    match enc.finish() {
        Ok(w) => w.finish(),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fax::decoder::{decode_g4, pels};
    use image::GrayImage;

    /// The rows `decode_g4` gives back for `bits`' G4 stream, black = true.
    fn round_trip(bits: &BitImage) -> Vec<Vec<bool>> {
        let (w, h) = (bits.width(), bits.height());
        let mut rows = Vec::new();
        decode_g4(encode(bits).into_iter(), w, Some(h), |transitions| {
            rows.push(pels(transitions, w).map(|c| c == Color::Black).collect());
        })
        .expect("decodes");
        rows
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Small pages of any size and ink density decode to their pixels.
        #[test]
        fn random_pages_decode_back_to_the_same_bits(bits in crate::clean::testing::bits()) {
            let want: Vec<Vec<bool>> = (0..bits.height())
                .map(|y| bits.row(y).iter().map(|&p| p == INK).collect())
                .collect();
            proptest::prop_assert_eq!(round_trip(&bits), want);
        }
    }

    #[test]
    fn encoded_page_decodes_back_to_the_same_bits() {
        let g = GrayImage::from_fn(301, 57, |x, y| {
            image::Luma([if (x * 7 + y * 13) % 11 < 3 || (x / 40 + y / 9) % 2 == 0 {
                0
            } else {
                255
            }])
        });
        let bits = BitImage::from_gray_threshold(g);
        let rows = round_trip(&bits);
        assert_eq!(rows.len(), 57);
        for (y, row) in rows.iter().enumerate() {
            for (x, &black) in row.iter().enumerate() {
                assert_eq!(black, bits.is_ink(x as u32, y as u32), "pixel {x},{y}");
            }
        }
    }
}
