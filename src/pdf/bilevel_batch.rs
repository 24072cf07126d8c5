//! Bilevel images coded together, a batch of pages at a time: the
//! symbol-coded JBIG2 of the pages' text shares one symbol dictionary, the
//! `/JBIG2Globals` stream (ISO 32000-1 § 7.4.7), named by each image's
//! `/DecodeParms`.
//!
//! Pages are built in parallel, and a page's worker does what needs only
//! its page: the components as symbol shapes ([`jbig2::PageSymbols`]) and
//! a packed copy of its bits. Its image object waits here, its id already
//! given, while the rest of the page is written. When
//! [`jbig2::BATCH_PAGES`] pages have come (or the document ends), the
//! batch is symbol-coded as one ([`jbig2::document::code`]); then, where
//! the coding may be chosen, each image is coded as one generic JBIG2
//! region, stopped as soon as it passes the symbol coding's bytes — on a
//! text page a third of the way down — and only where that generic coding
//! wins is CCITT G4 tried too (on every page measured G4 took more bytes
//! than generic JBIG2: 1.1–36×). Each image is written as the smallest.
//! The globals are written when a page uses them; they hold only shapes of
//! two or more pages, each coded once instead of once a page. A batch of
//! one page is the single-page symbol coding (no globals).
//!
//! Memory: what waits is the batch's shapes and bits at a bit a pixel,
//! not its pages (some 1–2 MB a 300-dpi A4 text page), so a 500-page book
//! holds at most [`jbig2::BATCH_PAGES`] pages' worth, and never much over
//! [`BATCH_BYTES`] (a batch closes early when its pages are large).

use super::g4;
use super::images::{self, Bilevel, Codec};
use super::jbig2::{self, PageSymbols};
use crate::clean::bits::{BitImage, INK, PAPER};
use pdf_writer::{Chunk, Ref};

/// A bilevel image's object, or its coding left to the document's batch.
pub(crate) enum Stored {
    Done(Chunk, Codec),
    /// Symbol coding may be used: the document codes it with the other
    /// pages of its batch (this module).
    Waiting(Deferred),
}

/// A bilevel image (0 = ink), losslessly, with the codec `choice` asks
/// for; as a stencil mask (`/ImageMask`) when `stencil`: the same samples,
/// where 0 (ink) marks where an image drawn through it shows. Where symbol
/// coding may be used and the page has letter-sized marks, the image waits
/// for its batch with what only this page decides: its shapes and its bits
/// (this module).
pub(super) fn bilevel(id: Ref, bits: &BitImage, choice: Bilevel, stencil: bool) -> Stored {
    let (w, h) = (bits.width(), bits.height());
    let done = |(data, codec): (Vec<u8>, Codec)| {
        Stored::Done(
            images::bilevel_xobject(id, w, h, &data, codec, stencil, None),
            codec,
        )
    };
    match choice {
        Bilevel::G4 => return done((g4::encode(bits), Codec::G4)),
        Bilevel::Jbig2Generic => return done((jbig2::encode(bits), Codec::Jbig2)),
        Bilevel::Auto | Bilevel::Jbig2 | Bilevel::Jbig2Symbols => {}
    }
    match jbig2::PageSymbols::new(bits) {
        Some(symbols) => Stored::Waiting(Deferred {
            id,
            stencil,
            symbols,
            bits: Packed::new(bits),
            choice,
        }),
        None if choice == Bilevel::Auto => done(smallest_plain(bits)),
        None => done((jbig2::encode(bits), Codec::Jbig2)),
    }
}

/// The smaller of generic JBIG2 and G4; on a tie JBIG2.
fn smallest_plain(bits: &BitImage) -> (Vec<u8>, Codec) {
    let (j, g) = (jbig2::encode(bits), g4::encode(bits));
    if j.len() <= g.len() {
        (j, Codec::Jbig2)
    } else {
        (g, Codec::G4)
    }
}

/// A bilevel image whose coding waits for its batch.
pub struct Deferred {
    /// The image object's id (local on a worker, final once added).
    pub(crate) id: Ref,
    /// Written as a stencil mask (`/ImageMask`).
    pub(crate) stencil: bool,
    pub(crate) symbols: PageSymbols,
    pub(crate) bits: Packed,
    /// `Jbig2Symbols`: symbol-coded; `Jbig2`: or generic; `Auto`: or G4.
    pub(crate) choice: Bilevel,
}

/// Eight pixels (`INK` 0, `PAPER` 255) as one byte, the first the most
/// significant bit, 1 = ink: each pixel's top bit gathered by one multiply.
fn pack8(px: [u8; 8]) -> u8 {
    let paper = (u64::from_le_bytes(px) >> 7) & 0x0101_0101_0101_0101;
    !(paper.wrapping_mul(0x8040_2010_0804_0201) >> 56) as u8
}

/// A bilevel page at a bit a pixel, rows from the top, most significant
/// bit first, 1 = ink.
pub(crate) struct Packed {
    w: u32,
    h: u32,
    data: Vec<u8>,
}

impl Packed {
    pub fn new(bits: &BitImage) -> Self {
        let (w, h) = (bits.width(), bits.height());
        let stride = w.div_ceil(8) as usize;
        let mut data = vec![0u8; stride * h as usize];
        for (y, out) in data.chunks_exact_mut(stride).enumerate() {
            let row = bits.row(y as u32);
            let mut eights = row.chunks_exact(8);
            for (byte, px) in out.iter_mut().zip(&mut eights) {
                *byte = pack8(px.try_into().expect("8 pixels"));
            }
            if let Some(last) = out.get_mut(w as usize / 8) {
                let mut px = [PAPER; 8];
                px[..eights.remainder().len()].copy_from_slice(eights.remainder());
                *last = pack8(px);
            }
        }
        Packed { w, h, data }
    }

    /// Row `y` as bytes of 0 or 1.
    fn fill(&self, y: usize, row: &mut [u8]) {
        let stride = self.w.div_ceil(8) as usize;
        let packed = &self.data[y * stride..(y + 1) * stride];
        for (x, p) in row.iter_mut().enumerate() {
            *p = (packed[x / 8] >> (7 - x % 8)) & 1;
        }
    }

    fn unpack(&self) -> BitImage {
        let mut row = vec![0u8; self.w as usize];
        let mut gray = image::GrayImage::new(self.w, self.h);
        for (y, out) in gray.rows_mut().enumerate() {
            self.fill(y, &mut row);
            for (o, &p) in out.zip(&row) {
                o.0[0] = if p == 1 { INK } else { PAPER };
            }
        }
        BitImage::from_levels(gray)
    }
}

/// What became of one page's waiting image.
pub(crate) struct Settled {
    /// The page's index, as given to [`Batch::add`].
    pub page: usize,
    /// Bytes written for it, with its share of the globals.
    pub bytes: usize,
    pub codec: Codec,
}

/// A batch is coded once its waiting images hold this much (shapes and
/// packed bits), even short of [`jbig2::BATCH_PAGES`] pages: 32 A4 pages
/// at 300 dpi hold about 60 MB, at 600 dpi four times as much.
const BATCH_BYTES: usize = 64 << 20;

/// The images waiting, in page order.
#[derive(Default)]
pub(crate) struct Batch {
    waiting: Vec<(usize, Deferred)>,
    pages: usize,
    /// Bytes the waiting images hold.
    held: usize,
}

impl Batch {
    /// Add page `page`'s waiting images (ids final); true when the batch
    /// is full and should be [`Batch::flush`]ed.
    pub fn add(&mut self, page: usize, images: Vec<Deferred>) -> bool {
        if !images.is_empty() {
            self.pages += 1;
        }
        self.held += images
            .iter()
            .map(|d| d.symbols.heap_bytes() + d.bits.data.len())
            .sum::<usize>();
        self.waiting.extend(images.into_iter().map(|d| (page, d)));
        self.pages >= jbig2::BATCH_PAGES || self.held >= BATCH_BYTES
    }

    /// Code the waiting images; their objects (and the globals stream, id
    /// takes the object number `next_id` when a page uses it, and moves it
    /// on) and what became of each.
    pub fn flush(&mut self, next_id: &mut i32) -> (Vec<Chunk>, Vec<Settled>) {
        let waiting = std::mem::take(&mut self.waiting);
        (self.pages, self.held) = (0, 0);
        if waiting.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let symbols: Vec<&PageSymbols> = waiting.iter().map(|(_, d)| &d.symbols).collect();
        let coded = jbig2::document::code(&symbols);
        drop(symbols);
        // Each image: its shared coding, or a smaller one of its own.
        let own: Vec<Option<(Vec<u8>, Codec)>> = waiting
            .iter()
            .zip(&coded.pages)
            .map(|((_, d), shared)| smaller_alone(d, shared.len()))
            .collect();
        let globals = coded.globals.filter(|_| own.iter().any(Option::is_none));
        let mut chunks = Vec::with_capacity(waiting.len() + 1);
        let globals_ref = globals.as_ref().map(|g| {
            let id = Ref::new(*next_id);
            *next_id += 1;
            let mut c = super::chunk();
            c.stream(id, g);
            chunks.push(c);
            id
        });
        let users = own.iter().filter(|o| o.is_none()).count().max(1);
        let share = globals.as_ref().map_or(0, Vec::len) / users;
        let mut settled = Vec::with_capacity(waiting.len());
        for (((page, d), shared), own) in waiting.into_iter().zip(coded.pages).zip(own) {
            let (data, codec, refers) = match own {
                Some((data, codec)) => (data, codec, None),
                None => (shared, Codec::Jbig2, globals_ref),
            };
            let (w, h) = (d.bits.w, d.bits.h);
            let chunk = images::bilevel_xobject(d.id, w, h, &data, codec, d.stencil, refers);
            settled.push(Settled {
                page,
                bytes: chunk.len() + if refers.is_some() { share } else { 0 },
                codec,
            });
            chunks.push(chunk);
        }
        (chunks, settled)
    }
}

/// The image's own coding when `choice` allows one and it takes fewer
/// than `shared` bytes: generic JBIG2 (stopped once it passes `shared`),
/// and with `Auto`, where that wins, G4 when smaller still.
fn smaller_alone(d: &Deferred, shared: usize) -> Option<(Vec<u8>, Codec)> {
    if d.choice == Bilevel::Jbig2Symbols {
        return None;
    }
    let (w, h) = (d.bits.w, d.bits.h);
    let generic = jbig2::encode_rows(w, h, |y, row| d.bits.fill(y, row), shared)
        .filter(|g| g.len() < shared)?;
    if d.choice == Bilevel::Auto {
        let g4 = g4::encode(&d.bits.unpack());
        if g4.len() < generic.len() {
            return Some((g4, Codec::G4));
        }
    }
    Some((generic, Codec::Jbig2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_give_back_the_bits() {
        let mut gray = image::GrayImage::new(13, 3);
        for (i, p) in gray.iter_mut().enumerate() {
            *p = if (i * 7) % 5 < 2 { INK } else { PAPER };
        }
        let bits = BitImage::from_levels(gray);
        let packed = Packed::new(&bits);
        let mut row = vec![0u8; 13];
        for y in 0..3 {
            packed.fill(y, &mut row);
            let want: Vec<u8> = bits
                .row(y as u32)
                .iter()
                .map(|&p| u8::from(p == INK))
                .collect();
            assert_eq!(row, want, "row {y}");
        }
        assert_eq!(packed.unpack().row(1), bits.row(1));
    }
}
