//! Bilevel images coded together, a batch of pages at a time: the
//! symbol-coded JBIG2 of the pages' text shares one symbol dictionary, the
//! `/JBIG2Globals` stream (ISO 32000-1 § 7.4.7), named by each image's
//! `/DecodeParms`.
//!
//! Pages are built in parallel, and a page's worker does what needs only
//! its page: the components as symbol shapes ([`jbig2::PageSymbols`]) and
//! the page's best coding without symbols (the smaller of generic JBIG2
//! and CCITT G4). Its image object waits here, its id already given, while
//! the rest of the page is written. When [`jbig2::BATCH_PAGES`] pages have
//! come (or the document ends), the batch is coded as one
//! ([`jbig2::document::code`]) and each image written as the smaller of
//! its shared symbol coding and its own fallback. Then the whole batch's
//! bytes, globals included, are compared with its pages' fallbacks alone,
//! and the smaller written: sharing never costs bytes. A batch of one page
//! is the single-page symbol coding (no globals).
//!
//! Memory: what waits is the batch's shapes and fallbacks, not its pages
//! (some 0.2–1 MB a 300-dpi text page), so a 500-page book holds at most
//! [`jbig2::BATCH_PAGES`] pages' worth.

use super::images::{self, Codec};
use super::jbig2::{self, PageSymbols};
use pdf_writer::{Chunk, Ref};

/// A bilevel image whose coding waits for its batch.
pub struct Deferred {
    /// The image object's id (local on a worker, final once added).
    pub(crate) id: Ref,
    pub(crate) w: u32,
    pub(crate) h: u32,
    /// Written as a stencil mask (`/ImageMask`).
    pub(crate) stencil: bool,
    pub(crate) symbols: PageSymbols,
    /// The image's coding without symbols, when it may be used: the
    /// smaller of generic JBIG2 and G4 (`--bilevel auto`), or generic JBIG2
    /// (`--bilevel jbig2`). `None`: symbol coding was asked for.
    pub(crate) fallback: Option<(Vec<u8>, Codec)>,
}

/// What became of one page's waiting image.
pub(crate) struct Settled {
    /// The page's index, as given to [`Batch::add`].
    pub page: usize,
    /// Bytes written for it, with its share of the globals.
    pub bytes: usize,
    pub codec: Codec,
}

/// The images waiting, in page order.
#[derive(Default)]
pub(crate) struct Batch {
    waiting: Vec<(usize, Deferred)>,
    pages: usize,
}

impl Batch {
    /// Add page `page`'s waiting images (ids final); true when the batch
    /// is full and should be [`Batch::flush`]ed.
    pub fn add(&mut self, page: usize, images: Vec<Deferred>) -> bool {
        if !images.is_empty() {
            self.pages += 1;
        }
        self.waiting.extend(images.into_iter().map(|d| (page, d)));
        self.pages >= jbig2::BATCH_PAGES
    }

    /// Code the waiting images; their objects (and the globals stream, id
    /// from `alloc` when there is one) and what became of each.
    pub fn flush(&mut self, alloc: impl FnOnce() -> Ref) -> (Vec<Chunk>, Vec<Settled>) {
        let waiting = std::mem::take(&mut self.waiting);
        self.pages = 0;
        if waiting.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let symbols: Vec<&PageSymbols> = waiting.iter().map(|(_, d)| &d.symbols).collect();
        let coded = jbig2::document::code(&symbols);
        // Each image: its shared coding, or its fallback when smaller.
        let pick = |(_, d): &(usize, Deferred), shared: &Vec<u8>| match &d.fallback {
            Some((f, _)) => f.len() < shared.len(),
            None => false,
        };
        let own: Vec<bool> = waiting
            .iter()
            .zip(&coded.pages)
            .map(|(w, s)| pick(w, s))
            .collect();
        // The globals stay when they pay for themselves (or symbols were
        // asked for); else every image takes its fallback.
        let with_globals = coded.globals.as_ref().map(|g| {
            g.len()
                + waiting
                    .iter()
                    .zip(&coded.pages)
                    .zip(&own)
                    .map(|(((_, d), s), &own)| if own { fallback_len(d) } else { s.len() })
                    .sum::<usize>()
        });
        let forced = waiting.iter().any(|(_, d)| d.fallback.is_none());
        let alone: usize = waiting.iter().map(|(_, d)| fallback_len(d)).sum();
        let shared_pays = with_globals.is_none_or(|n| forced || n < alone);
        let globals = coded.globals.filter(|_| shared_pays);
        let mut chunks = Vec::with_capacity(waiting.len() + 1);
        let mut settled = Vec::with_capacity(waiting.len());
        let globals_ref = globals.as_ref().map(|g| {
            let id = alloc();
            let mut c = super::chunk();
            c.stream(id, g);
            chunks.push(c);
            id
        });
        let share = globals.as_ref().map_or(0, Vec::len) / waiting.len();
        for (((page, d), shared), own) in waiting.into_iter().zip(coded.pages).zip(own) {
            let (data, codec, refers) = match d.fallback {
                Some((f, codec)) if own || !shared_pays => (f, codec, None),
                _ => (shared, Codec::Jbig2, globals_ref),
            };
            let chunk = images::bilevel_xobject(d.id, d.w, d.h, &data, codec, d.stencil, refers);
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

fn fallback_len(d: &Deferred) -> usize {
    d.fallback.as_ref().map_or(usize::MAX / 4, |(f, _)| f.len())
}
