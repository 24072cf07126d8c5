//! Round trips through a small decoder written apart from the encoder: it
//! parses the segments, reads the template and adaptive pixels from the
//! stream, builds each context from 16 separate pixel reads, and runs the
//! MQ decoder of T.88 E.3 on the raw Table E.1 (the encoder uses derived
//! state tables). Poppler and MuPDF check the same streams in
//! `tests/jbig2.rs`.

use super::mq::QE_TABLE;
use super::*;
use image::{GrayImage, Luma};

/// The MQ decoder of T.88 E.3 (INITDEC, DECODE, BYTEIN, RENORMD).
struct MqDecoder<'a> {
    data: &'a [u8],
    pos: usize,
    a: u32,
    c: u32,
    ct: u32,
}

impl<'a> MqDecoder<'a> {
    fn new(data: &'a [u8]) -> Self {
        let mut d = MqDecoder {
            data,
            pos: 0,
            a: 0x8000,
            c: 0,
            ct: 0,
        };
        d.c = u32::from(d.byte(0)) << 16;
        d.byte_in();
        d.c <<= 7;
        d.ct -= 7;
        d
    }

    /// Past the end the decoder sees `FF`s, as real decoders do.
    fn byte(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0xFF)
    }

    fn byte_in(&mut self) {
        if self.byte(self.pos) == 0xFF {
            if self.byte(self.pos + 1) > 0x8F {
                // A marker: stay on it and feed ones.
                self.c += 0xFF00;
                self.ct = 8;
            } else {
                self.pos += 1;
                self.c += u32::from(self.byte(self.pos)) << 9;
                self.ct = 7;
            }
        } else {
            self.pos += 1;
            self.c += u32::from(self.byte(self.pos)) << 8;
            self.ct = 8;
        }
    }

    /// Decode one decision in context `(index, mps)`.
    fn decode(&mut self, cx: &mut (usize, u8)) -> u8 {
        let (qe, nmps, nlps, switch) = QE_TABLE[cx.0];
        let qe = u32::from(qe);
        let mps = cx.1;
        self.a -= qe;
        let lps = |cx: &mut (usize, u8)| {
            if switch {
                cx.1 = 1 - mps;
            }
            cx.0 = nlps as usize;
            1 - mps
        };
        let d;
        if (self.c >> 16) < qe {
            // LPS_EXCHANGE: the code lies in the lower, Qe-sized part.
            if self.a < qe {
                d = mps;
                cx.0 = nmps as usize;
            } else {
                d = lps(cx);
            }
            self.a = qe;
        } else {
            self.c -= qe << 16;
            if self.a & 0x8000 != 0 {
                return mps;
            }
            // MPS_EXCHANGE
            if self.a < qe {
                d = lps(cx);
            } else {
                d = mps;
                cx.0 = nmps as usize;
            }
        }
        loop {
            if self.ct == 0 {
                self.byte_in();
            }
            self.a <<= 1;
            self.c <<= 1;
            self.ct -= 1;
            if self.a & 0x8000 != 0 {
                break;
            }
        }
        d
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes(b[..4].try_into().unwrap())
}

/// Decode an embedded JBIG2 stream made of a page information segment and
/// one arithmetic template 0 or 2 generic region; returns (width, height, rows
/// of 0/1 with 1 = black).
fn decode(stream: &[u8]) -> (u32, u32, Vec<Vec<u8>>) {
    let mut at = 0;
    let mut page = None;
    let mut region = None;
    while at < stream.len() {
        let kind = stream[at + 4];
        assert_eq!(stream[at + 5] >> 5, 0, "no referred-to segments");
        let wide_page = kind & 0x40 != 0;
        let mut p = at + 6;
        p += if wide_page { 4 } else { 1 };
        let len = be32(&stream[p..]) as usize;
        p += 4;
        let data = &stream[p..p + len];
        match kind & 0x3F {
            48 => page = Some((be32(data), be32(&data[4..]))),
            38 | 39 => region = Some(data),
            other => panic!("unexpected segment type {other}"),
        }
        at = p + len;
    }
    assert_eq!(at, stream.len(), "segments fill the stream exactly");
    let (pw, ph) = page.expect("a page information segment");
    let data = region.expect("a generic region segment");
    let (w, h) = (be32(data), be32(&data[4..]));
    assert_eq!((w, h, be32(&data[8..]), be32(&data[12..])), (pw, ph, 0, 0));
    let flags = data[17];
    assert_eq!(flags & 0x01, 0, "arithmetic");
    let template = (flags >> 1) & 3;
    assert!(template == 0 || template == 2, "template 0 or 2");
    let tpgdon = flags & 0x08 != 0;
    let coded_at = if template == 0 { 26 } else { 20 };
    let mut at_px: Vec<(i64, i64)> = data[18..coded_at]
        .chunks(2)
        .map(|c| (i64::from(c[0] as i8), i64::from(c[1] as i8)))
        .collect();
    // Template 2 has one; the taps of template 0 below are then unused.
    at_px.resize(4, (-1, -1));
    let mut mq = MqDecoder::new(&data[coded_at..]);
    let mut cx = vec![(0usize, 0u8); 1 << 16];
    let mut img = vec![vec![0u8; w as usize]; h as usize];
    let px = |img: &Vec<Vec<u8>>, x: i64, y: i64| -> usize {
        if x < 0 || y < 0 || x >= i64::from(w) {
            0
        } else {
            img[y as usize][x as usize] as usize
        }
    };
    let mut ltp = 0;
    for y in 0..h as i64 {
        if tpgdon {
            ltp ^= mq.decode(&mut cx[if template == 0 { 0x9B25 } else { 0xE5 }]);
            if ltp == 1 {
                img[y as usize] = if y == 0 {
                    vec![0; w as usize]
                } else {
                    img[y as usize - 1].clone()
                };
                continue;
            }
        }
        for x in 0..i64::from(w) {
            // T.88 Figure 5, from bit 9 down to bit 0.
            let taps_2 = [
                (-1, -2),
                (0, -2),
                (1, -2),
                (-2, -1),
                (-1, -1),
                (0, -1),
                (1, -1),
                at_px[0],
                (-2, 0),
                (-1, 0),
            ];
            // T.88 Figure 3, from bit 15 down to bit 0.
            let taps_0 = [
                at_px[3],
                (-1, -2),
                (0, -2),
                (1, -2),
                at_px[2],
                at_px[1],
                (-2, -1),
                (-1, -1),
                (0, -1),
                (1, -1),
                (2, -1),
                at_px[0],
                (-4, 0),
                (-3, 0),
                (-2, 0),
                (-1, 0),
            ];
            let taps: &[(i64, i64)] = if template == 0 { &taps_0 } else { &taps_2 };
            let context = taps
                .iter()
                .fold(0, |acc, &(dx, dy)| (acc << 1) | px(&img, x + dx, y + dy));
            img[y as usize][x as usize] = mq.decode(&mut cx[context]);
        }
    }
    (w, h, img)
}

/// Assert the encoded image decodes back to exactly its pixels.
fn assert_round_trip(bits: &BitImage, what: &str) -> usize {
    let stream = encode(bits);
    let (w, h, rows) = decode(&stream);
    assert_eq!((w, h), (bits.width(), bits.height()), "{what}: size");
    for (y, row) in rows.iter().enumerate() {
        for (x, &p) in row.iter().enumerate() {
            assert_eq!(
                p == 1,
                bits.is_ink(x as u32, y as u32),
                "{what}: pixel {x},{y}"
            );
        }
    }
    stream.len()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn image(w: u32, h: u32, mut ink: impl FnMut(u32, u32) -> bool) -> BitImage {
    BitImage::from_gray_threshold(GrayImage::from_fn(w, h, |x, y| {
        Luma([if ink(x, y) { 0 } else { 255 }])
    }))
}

#[test]
fn edge_sizes_and_flat_images_round_trip() {
    for (w, h) in [
        (1, 1),
        (1, 9),
        (9, 1),
        (2, 3),
        (5, 5),
        (7, 2),
        (8, 8),
        (31, 3),
        (32, 4),
        (33, 5),
        (63, 2),
        (64, 3),
        (65, 7),
    ] {
        assert_round_trip(&image(w, h, |_, _| false), &format!("{w}x{h} white"));
        assert_round_trip(&image(w, h, |_, _| true), &format!("{w}x{h} black"));
        assert_round_trip(
            &image(w, h, |x, y| (x + y) % 2 == 0),
            &format!("{w}x{h} checkerboard"),
        );
    }
}

#[test]
fn random_images_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..300 {
        let w = 1 + rng.below(90) as u32;
        let h = 1 + rng.below(40) as u32;
        let percent = rng.below(101);
        // Some images repeat rows, to exercise typical prediction switching
        // on and off.
        let repeat = rng.below(3) == 0;
        let noise: Vec<bool> = (0..w * h).map(|_| rng.below(100) < percent).collect();
        let bits = image(w, h, |x, y| {
            let y = if repeat { y / 3 * 3 } else { y };
            noise[(y * w + x) as usize]
        });
        assert_round_trip(&bits, &format!("case {case}: {w}x{h}, {percent}% ink"));
    }
}

#[test]
fn structured_page_round_trips_and_beats_g4() {
    // Blocks of "text": strokes, gaps between lines, repeated rows.
    let bits = image(1203, 411, |x, y| {
        let line = y / 37;
        let in_line = y % 37;
        let glyph = (x / 11 + line * 7) % 13;
        in_line > 8
            && in_line < 30
            && x > 40
            && x < 1160
            && glyph != 0
            && ((x % 11 == 2 || x % 11 == 3)
                || (in_line == 28 && x % 11 < 8)
                || glyph == 5 && in_line < 12)
    });
    let size = assert_round_trip(&bits, "structured");
    let g4 = crate::pdf::g4::encode(&bits).len();
    assert!(size < g4, "JBIG2 {size} bytes, G4 {g4}");
}

#[test]
fn blank_rows_cost_almost_nothing() {
    // Typical prediction codes a repeated row as one decision.
    let blank = encode(&image(2480, 3508, |_, _| false)).len();
    assert!(blank < 80, "a blank A4 page takes {blank} bytes");
    let one_line = image(2480, 3508, |x, y| y == 1700 && x % 3 == 0);
    assert!(assert_round_trip(&one_line, "one line") < 120);
}

#[test]
fn streams_never_hold_two_ff_bytes_in_a_row() {
    // After FF only a stuffed byte (< 0x90) or the AC of the end marker may
    // follow; a second FF is what makes poppler report extraneous bytes.
    let mut rng = Rng(7);
    for case in 0..200 {
        let w = 1 + rng.below(64) as u32;
        let h = 1 + rng.below(16) as u32;
        let percent = rng.below(101);
        let bits = image(w, h, |_, _| rng.below(100) < percent);
        let stream = encode(&bits);
        assert!(stream.ends_with(&[0xFF, 0xAC]), "case {case}: end marker");
        let at_bytes = if (stream[58] >> 1) & 3 == 2 { 2 } else { 8 };
        let coded = &stream[11 + 19 + 11 + 18 + at_bytes..];
        for pair in coded.windows(2) {
            assert!(
                pair[0] != 0xFF || pair[1] < 0x90 || pair == [0xFF, 0xAC],
                "case {case}: {pair:02X?} in {coded:02X?}"
            );
        }
        assert_eq!(
            coded
                .windows(2)
                .filter(|p| p[0] == 0xFF && p[1] >= 0x90)
                .count(),
            1,
            "case {case}: one marker, at the end"
        );
    }
}

#[test]
fn segments_say_what_pdf_expects() {
    let stream = encode(&image(10, 3, |x, _| x == 4));
    // Page information: segment 0, type 48, page 1, 19 bytes: 10×3, lossless.
    assert_eq!(&stream[..11], &[0, 0, 0, 0, 48, 0, 1, 0, 0, 0, 19]);
    assert_eq!(&stream[11..19], &[0, 0, 0, 10, 0, 0, 0, 3]);
    assert_eq!(stream[27], 0x01);
    // Immediate lossless generic region: segment 1, type 39, page 1.
    assert_eq!(&stream[30..37], &[0, 0, 0, 1, 39, 0, 1]);
    let len = be32(&stream[37..]) as usize;
    assert_eq!(41 + len, stream.len());
    // TPGDON, template 2 (smaller on so tiny an image), its nominal
    // adaptive pixel.
    assert_eq!(stream[41 + 17], 0x0C);
    assert_eq!(&stream[41 + 18..41 + 20], &[2, 0xFF]);
    // A page of text lines: template 0, its nominal adaptive pixels.
    let lines = encode(&image(300, 200, |x, y| y % 20 < 9 && (x * 7 + y) % 11 < 6));
    assert_eq!(lines[41 + 17], 0x08);
    assert_eq!(
        &lines[41 + 18..41 + 26],
        &[3, 0xFF, 0xFD, 0xFF, 2, 0xFE, 0xFE, 0xFE]
    );
}
