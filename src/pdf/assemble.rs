//! Streams pages into one PDF file in page order.
//!
//! Each page arrives as separately built objects with local ids; they are
//! renumbered and written at once, so memory holds one page, not the
//! document. The page tree, catalog, info and cross-reference table follow
//! the last page. Ids 1–9 are fixed: catalog, page tree, font objects, info.

use super::font::{self, FontRefs};
use super::page::{FIRST_LOCAL, FONT, PARENT, PagePdf};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Finish, Ref, TextStr};
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

/// Document-level metadata.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    pub title: Option<String>,
}

/// Writes a PDF to `W` one page at a time.
pub struct Assembler<W: Write> {
    out: W,
    written: u64,
    /// Byte offset of each object, indexed by id.
    offsets: Vec<Option<u64>>,
    next_id: i32,
    pages: Vec<Ref>,
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
        };
        // A binary comment marks the file as binary for transfer tools.
        a.write_raw(b"%PDF-1.7\n%\xB5\xED\xAE\xFB\n")?;
        for c in font::objects(&FONT_REFS) {
            a.write_object(&c)?;
        }
        Ok(a)
    }

    /// Append the next page.
    pub fn add_page(&mut self, page: &PagePdf) -> io::Result<()> {
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
        for c in &renumbered {
            self.write_object(c)?;
        }
        self.next_id = max_local + base + 1;
        Ok(())
    }

    /// Write the page tree, catalog, info and xref; return the writer.
    pub fn finish(mut self, info: &DocInfo) -> io::Result<W> {
        let mut pages = chunk();
        pages
            .pages(PAGES)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        let mut catalog = chunk();
        catalog.indirect(CATALOG).start::<Catalog>().pages(PAGES);
        let mut doc_info = chunk();
        let mut i = doc_info.indirect(INFO).start::<DocumentInfo>();
        i.producer(TextStr(concat!("ocrpdf ", env!("CARGO_PKG_VERSION"))));
        if let Some(t) = &info.title {
            i.title(TextStr(t));
        }
        i.finish();
        for c in [pages, catalog, doc_info] {
            self.write_object(&c)?;
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
        x.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            CATALOG.get(),
            INFO.get()
        ));
        self.write_raw(x.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
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

fn chunk() -> Chunk {
    Chunk::with_settings(pdf_writer::Settings { pretty: false })
}
