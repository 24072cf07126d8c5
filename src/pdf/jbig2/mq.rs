//! The MQ arithmetic encoder (T.88 Annex E.2) and the integer and symbol-ID
//! coders built on it (Annex A.2, A.3).

/// Table E.1: Qe, next index after an MPS, after an LPS, and whether an
/// LPS swaps the sense of the MPS.
pub(super) const QE_TABLE: [(u16, u8, u8, bool); 47] = [
    (0x5601, 1, 1, true),
    (0x3401, 2, 6, false),
    (0x1801, 3, 9, false),
    (0x0AC1, 4, 12, false),
    (0x0521, 5, 29, false),
    (0x0221, 38, 33, false),
    (0x5601, 7, 6, true),
    (0x5401, 8, 14, false),
    (0x4801, 9, 14, false),
    (0x3801, 10, 14, false),
    (0x3001, 11, 17, false),
    (0x2401, 12, 18, false),
    (0x1C01, 13, 20, false),
    (0x1601, 29, 21, false),
    (0x5601, 15, 14, true),
    (0x5401, 16, 14, false),
    (0x5101, 17, 15, false),
    (0x4801, 18, 16, false),
    (0x3801, 19, 17, false),
    (0x3401, 20, 18, false),
    (0x3001, 21, 19, false),
    (0x2801, 22, 19, false),
    (0x2401, 23, 20, false),
    (0x2201, 24, 21, false),
    (0x1C01, 25, 22, false),
    (0x1801, 26, 23, false),
    (0x1601, 27, 24, false),
    (0x1401, 28, 25, false),
    (0x1201, 29, 26, false),
    (0x1101, 30, 27, false),
    (0x0AC1, 31, 28, false),
    (0x09C1, 32, 29, false),
    (0x08A1, 33, 30, false),
    (0x0521, 34, 31, false),
    (0x0441, 35, 32, false),
    (0x02A1, 36, 33, false),
    (0x0221, 37, 34, false),
    (0x0141, 38, 35, false),
    (0x0111, 39, 36, false),
    (0x0085, 40, 37, false),
    (0x0049, 41, 38, false),
    (0x0025, 42, 39, false),
    (0x0015, 43, 40, false),
    (0x0009, 44, 41, false),
    (0x0005, 45, 42, false),
    (0x0001, 45, 43, false),
    (0x5601, 46, 46, false),
];

/// A context's state in one byte: index I times two plus the MPS. These
/// tables give Qe and the state after coding the MPS or the LPS, with the
/// MPS switch already applied, so coding a decision is a few lookups.
struct StateTables {
    qe: [u32; 94],
    after_mps: [u8; 94],
    after_lps: [u8; 94],
}

const STATES: StateTables = {
    let mut t = StateTables {
        qe: [0; 94],
        after_mps: [0; 94],
        after_lps: [0; 94],
    };
    let mut s = 0;
    while s < 94 {
        let (qe, nmps, nlps, switch) = QE_TABLE[s / 2];
        let mps = (s % 2) as u8;
        t.qe[s] = qe as u32;
        t.after_mps[s] = nmps * 2 + mps;
        t.after_lps[s] = nlps * 2 + if switch { 1 - mps } else { mps };
        s += 1;
    }
    t
};

/// The MQ encoder of T.88 Annex E.2: registers C, A, CT and the byte
/// buffer, with the procedures named as there.
pub(super) struct MqEncoder {
    a: u32,
    c: u32,
    ct: u32,
    /// Bytes out so far; the last one is the register B (it can still take
    /// a carry), and the first is a placeholder for the byte before the
    /// stream that INITENC points BP at, dropped at the end.
    out: Vec<u8>,
}

impl MqEncoder {
    /// INITENC.
    pub(super) fn new() -> Self {
        MqEncoder {
            a: 0x8000,
            c: 0,
            ct: 12,
            out: vec![0],
        }
    }

    /// Bytes out so far.
    pub(super) fn len(&self) -> usize {
        self.out.len() - 1
    }

    /// ENCODE with CODEMPS and CODELPS folded in.
    #[inline(always)]
    pub(super) fn encode(&mut self, state: &mut u8, bit: u8) {
        let s = *state as usize;
        let qe = STATES.qe[s];
        #[cfg(feature = "jbig2-stats")]
        let before = self.a;
        self.a -= qe;
        if bit == (s & 1) as u8 {
            if self.a & 0x8000 != 0 {
                self.c += qe;
                #[cfg(feature = "jbig2-stats")]
                stats::add(before, self.a);
                return;
            }
            if self.a < qe {
                self.a = qe;
            } else {
                self.c += qe;
            }
            *state = STATES.after_mps[s];
        } else {
            if self.a < qe {
                self.c += qe;
            } else {
                self.a = qe;
            }
            *state = STATES.after_lps[s];
        }
        #[cfg(feature = "jbig2-stats")]
        stats::add(before, self.a);
        self.renormalize();
    }

    /// RENORME: shift until A is at least 0x8000, emitting a byte
    /// each time CT runs out.
    #[inline(always)]
    fn renormalize(&mut self) {
        let mut shift = self.a.leading_zeros() - 16;
        while shift > 0 {
            let step = shift.min(self.ct);
            self.a <<= step;
            self.c <<= step;
            self.ct -= step;
            shift -= step;
            if self.ct == 0 {
                self.byte_out();
            }
        }
    }

    /// BYTEOUT, with the carry into B and the bit stuffing after
    /// an `FF` byte.
    fn byte_out(&mut self) {
        let b = self.out.last_mut().expect("the buffer holds B");
        if *b == 0xFF {
            self.push_7();
        } else if self.c < 0x800_0000 {
            self.push_8();
        } else {
            *b += 1;
            if *b == 0xFF {
                self.c &= 0x7FF_FFFF;
                self.push_7();
            } else {
                self.push_8();
            }
        }
    }

    fn push_7(&mut self) {
        self.out.push((self.c >> 20) as u8);
        self.c &= 0xF_FFFF;
        self.ct = 7;
    }

    fn push_8(&mut self) {
        // Any carry (bit 27) already went into the previous byte.
        self.out.push((self.c >> 19) as u8);
        self.c &= 0x7_FFFF;
        self.ct = 8;
    }

    /// FLUSH and the `FF AC` marker. A final `FF` from the flush
    /// doubles as the marker's first byte, so the stream never holds two
    /// `FF`s in a row.
    pub(super) fn finish(mut self) -> Vec<u8> {
        // SETBITS: the value in [C, C + A) with the most trailing ones.
        let top = self.c + self.a;
        self.c |= 0xFFFF;
        if self.c >= top {
            self.c -= 0x8000;
        }
        self.c <<= self.ct;
        self.byte_out();
        self.c <<= self.ct;
        self.byte_out();
        if self.out.last() != Some(&0xFF) {
            self.out.push(0xFF);
        }
        self.out.push(0xAC);
        self.out.remove(0);
        self.out
    }
}

/// One set of integer-coder contexts (the IAx of Annex A.2): 512 states.
pub(super) struct IntContexts(Box<[u8; 512]>);

impl IntContexts {
    pub(super) fn new() -> Self {
        IntContexts(Box::new([0; 512]))
    }
}

impl MqEncoder {
    /// Code one bit in an integer coder context, updating PREV (A.2).
    fn int_bit(&mut self, cx: &mut IntContexts, prev: &mut usize, bit: u32) {
        self.encode(&mut cx.0[*prev], bit as u8);
        let shifted = (*prev << 1) | bit as usize;
        *prev = if *prev < 256 {
            shifted
        } else {
            (shifted & 511) | 256
        };
    }

    /// The integer arithmetic encoding procedure (A.2, Table A.1): `None`
    /// codes OOB (sign 1, value 0).
    pub(super) fn encode_int(&mut self, cx: &mut IntContexts, value: Option<i32>) {
        let (sign, magnitude) = match value {
            None => (1, 0u32),
            Some(v) => (u32::from(v < 0), v.unsigned_abs()),
        };
        // (prefix ones, value bits, offset) per range of Table A.1.
        let (ones, bits, offset) = match magnitude {
            0..=3 => (0, 2, 0),
            4..=19 => (1, 4, 4),
            20..=83 => (2, 6, 20),
            84..=339 => (3, 8, 84),
            340..=4435 => (4, 12, 340),
            _ => (5, 32, 4436),
        };
        let mut prev = 1;
        self.int_bit(cx, &mut prev, sign);
        for _ in 0..ones {
            self.int_bit(cx, &mut prev, 1);
        }
        if ones < 5 {
            self.int_bit(cx, &mut prev, 0);
        }
        let v = magnitude - offset;
        for i in (0..bits).rev() {
            self.int_bit(cx, &mut prev, (v >> i) & 1);
        }
    }

    /// The symbol ID encoding procedure (IAID, A.3): `len` bits, most
    /// significant first, each in the context of the bits before it.
    pub(super) fn encode_id(&mut self, cx: &mut [u8], len: u32, id: u32) {
        let mut prev = 1usize;
        for i in (0..len).rev() {
            let bit = (id >> i) & 1;
            self.encode(&mut cx[prev], bit as u8);
            prev = (prev << 1) | bit as usize;
        }
    }
}

/// Where the coded bits go (feature `jbig2-stats`, for the bench): each
/// decision's cost is the log of how much it narrows the coder's interval
/// (A before over A after, before renormalisation), added to the part the
/// caller named last on this thread. Exact up to the final flush.
#[cfg(feature = "jbig2-stats")]
pub mod stats {
    use std::cell::{Cell, RefCell};

    /// The parts a symbol-coded page's bits are counted in.
    pub const PARTS: [&str; 8] = [
        "dict bitmaps",
        "dict refinements",
        "dict sizes+refs",
        "placement",
        "IAID",
        "instance refinement",
        "residue",
        "page generic",
    ];

    thread_local! {
        static PART: Cell<usize> = const { Cell::new(7) };
        static BITS: RefCell<[f64; 8]> = const { RefCell::new([0.0; 8]) };
    }

    /// Count the following decisions in `PARTS[part]`.
    pub fn part(part: usize) {
        PART.with(|p| p.set(part));
    }

    pub(super) fn add(before: u32, after: u32) {
        let bits = (f64::from(before) / f64::from(after)).log2();
        BITS.with(|b| b.borrow_mut()[PART.with(Cell::get)] += bits);
    }

    /// Add `bytes` (per part, as [`take`] gives them) back.
    pub fn put(bytes: [f64; 8]) {
        BITS.with(|b| {
            for (v, n) in b.borrow_mut().iter_mut().zip(bytes) {
                *v += n * 8.0;
            }
        });
    }

    /// Bytes counted per part since the last call, and reset.
    pub fn take() -> [f64; 8] {
        BITS.with(|b| std::mem::take(&mut *b.borrow_mut()).map(|v| v / 8.0))
    }
}
