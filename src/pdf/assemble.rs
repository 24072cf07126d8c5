//! Streams pages into one PDF file in page order.
//!
//! Each page arrives as separately built objects with local ids; they are
//! renumbered and written at once, so memory holds one page, not the
//! document. The page tree, catalog, info and cross-reference table follow
//! the last page. Ids 1–9 are fixed: catalog, page tree, font objects, info;
//! the PDF/A objects take the ids after the pages.
//!
//! Nothing random or clock-dependent goes in: the trailer's /ID is an MD5
//! of every byte before it (the PDF spec's suggested way to derive it), so
//! the same pages and metadata give the same file, byte for byte.
//!
//! With [`DocInfo::pdfa`] the document also follows PDF/A-2b: an XMP
//! packet mirroring the Info dictionary and an sRGB output intent that
//! gives DeviceGray/DeviceRGB images a defined colour meaning. The rest of
//! PDF/A holds for every file we write: the binary header comment, /ID,
//! the embedded text-layer font (see `font`), no transparency, no LZW, no
//! JavaScript. Without `pdfa` the XMP and the ICC profile (about 2 KB) are
//! left out: viewers show the Info dictionary, and small files are the
//! point.

use super::bilevel_batch::{Batch, Settled};
use super::font::{self, FontRefs};
use super::info::{DocDate, DocInfo};
use super::page::{FIRST_LOCAL, FONT, PARENT, PagePdf};
use super::{chunk, icc, xmp};
use md5::{Digest, Md5};
use pdf_writer::types::OutputIntentSubtype;
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Filter, Finish, Ref, TextStr};
use std::io::{self, Write};

const CATALOG: Ref = Ref::new(1);
const PAGES: Ref = Ref::new(2);
const FONT_REFS: FontRefs = FontRefs {
    type0: Ref::new(3),
    cid: Ref::new(4),
    descriptor: Ref::new(5),
    file: Ref::new(6),
    cid_to_gid: Ref::new(7),
    to_unicode: Ref::new(8),
};
const INFO: Ref = Ref::new(9);
const FIRST_PAGE_ID: i32 = 10;

/// Writes a PDF to `W` one page at a time.
pub struct Assembler<W: Write> {
    out: W,
    written: u64,
    /// Byte offset of each object, indexed by id.
    offsets: Vec<Option<u64>>,
    next_id: i32,
    pages: Vec<Ref>,
    /// Hash of everything written so far, for the /ID.
    hash: Md5,
    /// Bilevel images waiting to be coded with their batch.
    batch: Batch,
}

impl<W: Write> Assembler<W> {
    /// Start the file: header and the shared font.
    pub fn new(out: W) -> io::Result<Self> {
        let mut a = Assembler {
            out,
            written: 0,
            offsets: Vec::new(),
            next_id: FIRST_PAGE_ID,
            pages: Vec::new(),
            hash: Md5::new(),
            batch: Batch::default(),
        };
        // A binary comment marks the file as binary for transfer tools.
        a.write_raw(b"%PDF-1.7\n%\xB5\xED\xAE\xFB\n")?;
        for c in font::objects(&FONT_REFS) {
            a.write_object(&c)?;
        }
        Ok(a)
    }

    /// Append the next page, `index` (counted from 0); when that fills a
    /// batch of bilevel images, they are written and what became of each
    /// returned (the pages' reports are corrected from it).
    pub fn add_page(&mut self, page: PagePdf, index: usize) -> io::Result<Vec<Settled>> {
        let base = self.next_id - FIRST_LOCAL;
        let mut max_local = FIRST_LOCAL;
        let mut map = |r: Ref| match r {
            FONT => FONT_REFS.type0,
            PARENT => PAGES,
            local => {
                max_local = max_local.max(local.get());
                Ref::new(local.get() + base)
            }
        };
        let renumbered: Vec<Chunk> = page.objects.iter().map(|c| c.renumber(&mut map)).collect();
        self.pages.push(map(page.page));
        let mut waiting = page.waiting;
        for d in &mut waiting {
            d.id = map(d.id);
        }
        for c in &renumbered {
            self.write_object(c)?;
        }
        self.next_id = max_local + base + 1;
        if self.batch.add(index, waiting) {
            self.settle()
        } else {
            Ok(Vec::new())
        }
    }

    /// Code and write the bilevel images waiting for their batch; what
    /// became of each. [`Assembler::finish`] wants none waiting.
    pub fn settle(&mut self) -> io::Result<Vec<Settled>> {
        let (chunks, settled) = self.batch.flush(&mut self.next_id);
        for c in &chunks {
            self.write_object(c)?;
        }
        Ok(settled)
    }

    /// Write the page tree, catalog, metadata and xref; return the writer.
    /// `created` is `info.date` resolved by the caller, which alone knows
    /// the inputs' times.
    pub fn finish(mut self, info: &DocInfo, created: Option<DocDate>) -> io::Result<W> {
        let left = self.settle()?;
        debug_assert!(left.is_empty(), "images left waiting");
        let mut objects = Vec::new();
        let mut pages = chunk();
        pages
            .pages(PAGES)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        objects.push(pages);

        let mut doc_info = chunk();
        info.write(
            &mut doc_info.indirect(INFO).start::<DocumentInfo>(),
            created,
        );
        objects.push(doc_info);

        let mut catalog = chunk();
        let mut cat = catalog.indirect(CATALOG).start::<Catalog>();
        cat.pages(PAGES);
        if info.pdfa {
            let (metadata, profile) = (Ref::new(self.next_id), Ref::new(self.next_id + 1));
            self.next_id += 2;
            cat.metadata(metadata);
            cat.output_intents()
                .push()
                .subtype(OutputIntentSubtype::PDFA)
                .output_condition_identifier(TextStr(icc::NAME))
                .info(TextStr(icc::NAME))
                .registry_name(TextStr("http://www.color.org"))
                .dest_output_profile(profile);

            // PDF/A wants the packet readable without decoding: no filter.
            let packet = xmp::packet(info, created);
            let mut m = chunk();
            m.metadata(metadata, packet.as_bytes());
            objects.push(m);

            let bytes = icc::srgb();
            let mut p = chunk();
            p.icc_profile(profile, &super::deflate(&bytes))
                .n(3)
                .filter(Filter::FlateDecode);
            objects.push(p);
        }
        cat.finish();
        objects.push(catalog);
        for c in &objects {
            self.write_object(c)?;
        }

        let xref_at = self.written;
        let size = self.offsets.len().max(1);
        let mut x = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for off in self.offsets.iter().skip(1) {
            match off {
                Some(o) => x.push_str(&format!("{o:010} 00000 n \n")),
                None => x.push_str("0000000000 65535 f \n"),
            }
        }
        // Both halves equal: the file is new, not an update of another.
        let id: String = self
            .hash
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        x.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
            CATALOG.get(),
            INFO.get()
        ));
        self.write_raw(x.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Write a chunk holding exactly one object, recording its offset.
    fn write_object(&mut self, c: &Chunk) -> io::Result<()> {
        let mut refs = c.refs();
        debug_assert_eq!(refs.len(), 1, "one object per chunk");
        if let Some(id) = refs.next() {
            let slot = id.get() as usize;
            if self.offsets.len() <= slot {
                self.offsets.resize(slot + 1, None);
            }
            self.offsets[slot] = Some(self.written);
        }
        self.write_raw(c.as_bytes())
    }
}
