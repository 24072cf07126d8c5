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
        let data = encode(&bits);
        let mut rows = Vec::new();
        decode_g4(data.into_iter(), 301, Some(57), |transitions| {
            rows.push(
                pels(transitions, 301)
                    .map(|c| c == Color::Black)
                    .collect::<Vec<_>>(),
            );
        })
        .expect("decodes");
        assert_eq!(rows.len(), 57);
        for (y, row) in rows.iter().enumerate() {
            for (x, &black) in row.iter().enumerate() {
                assert_eq!(black, bits.is_ink(x as u32, y as u32), "pixel {x},{y}");
            }
        }
    }
}
