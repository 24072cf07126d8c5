//! The PDF editor: an input PDF written back out whole, with some pages
//! given a text layer or stored anew, everything around them (catalog,
//! outlines, names, forms, page labels, structure tree, metadata, embedded
//! files; each page's boxes, /Rotate, /UserUnit, annotations) carried over.
//!
//! lopdf parses the input (object streams expanded); its serialiser is
//! private, so one object's syntax (PDF 32000-1 §7.3) is written here
//! (`serialize`), and the file itself is framed here too, as the
//! assembler frames image inputs: new page parts stream to disk as their
//! pages finish, in page order, and the input's objects follow at the end,
//! only those still reachable from the catalog and Info, so a scan stored
//! anew does not leave its old image in the file. An incremental update
//! (lopdf's `IncrementalDocument`) would keep every byte of the input,
//! replaced scans included: the point of cleaning is a smaller file.
//! Linearization and object streams are not kept (the file is rewritten
//! with a classic cross-reference table).

use super::bilevel_batch::{Batch, Settled};
use super::font::{self, FontRefs};
use super::info::{DocDate, DocInfo, clean_text};
use super::page::{FIRST_LOCAL, FONT, PageParts};
use super::{chunk, deflate};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use md5::{Digest, Md5};
use pdf_writer::{Chunk, Filter, Ref};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::{self, Write};
use std::sync::Arc;

/// What becomes of one page.
pub enum PageChange {
    /// Nothing: the page is copied as it is.
    Keep,
    /// The parts are drawn over the page's own content, which is kept
    /// (wrapped in `q … Q`), or first replaced by `content` (the page's
    /// content with its invisible text removed).
    Overlay {
        parts: PageParts,
        content: Option<Vec<u8>>,
    },
    /// The parts replace the page's content and resources; the page turns
    /// to `rotate` degrees.
    Replace { parts: PageParts, rotate: u16 },
}

/// What was written for a page, applied to its dictionary at the end.
struct Written {
    page: ObjectId,
    /// New content streams: before the page's own (an opening `q`), the
    /// page's own (a replacement), after them (the parts).
    open: Option<Ref>,
    own: Option<Ref>,
    parts: Ref,
    xobjects: Vec<(String, Ref)>,
    /// The text layer's font name, when the page has words.
    font: Option<Vec<u8>>,
    /// `Some` when the page is stored anew.
    rotate: Option<u16>,
}

/// Writes `doc`, edited, to `W`.
pub struct Editor<W: Write> {
    out: W,
    doc: Arc<Document>,
    written: u64,
    /// Byte offset and generation of each object written, by id.
    offsets: BTreeMap<u32, (u64, u16)>,
    next_id: i32,
    font: FontRefs,
    font_used: bool,
    /// One shared `q` stream that opens kept content.
    open_q: Option<Ref>,
    edits: Vec<Written>,
    hash: Md5,
    /// Bilevel images of pages stored anew, waiting for their batch.
    batch: Batch,
}

impl<W: Write> Editor<W> {
    /// Start the file: its header.
    pub fn new(out: W, doc: Arc<Document>) -> io::Result<Self> {
        let first = doc.max_id as i32 + 1;
        let r = |i: i32| Ref::new(first + i);
        let mut e = Editor {
            out,
            written: 0,
            offsets: BTreeMap::new(),
            next_id: first + 6,
            font: FontRefs {
                type0: r(0),
                cid: r(1),
                descriptor: r(2),
                file: r(3),
                cid_to_gid: r(4),
                to_unicode: r(5),
            },
            font_used: false,
            open_q: None,
            edits: Vec::new(),
            hash: Md5::new(),
            batch: Batch::default(),
            doc,
        };
        // PDF 1.7 at least: the text layer's font wants 1.3, object
        // streams in kept parts nothing (they are expanded).
        let version = match e.doc.version.as_str() {
            v @ "2.0" => v.to_string(),
            _ => "1.7".to_string(),
        };
        e.write_raw(format!("%PDF-{version}\n").as_bytes())?;
        // A binary comment marks the file as binary for transfer tools.
        e.write_raw(b"%\xB5\xED\xAE\xFB\n")?;
        Ok(e)
    }

    fn alloc(&mut self) -> Ref {
        self.next_id += 1;
        Ref::new(self.next_id - 1)
    }

    /// Write the new objects of page `page` (its object id in the input),
    /// `index` in the document (counted from 0); when that fills a batch of
    /// bilevel images, they are written and what became of each returned.
    pub fn add_page(
        &mut self,
        page: ObjectId,
        index: usize,
        change: PageChange,
    ) -> io::Result<Vec<Settled>> {
        let (parts, own, rotate) = match change {
            PageChange::Keep => return Ok(Vec::new()),
            PageChange::Overlay { parts, content } => (parts, content, None),
            PageChange::Replace { parts, rotate } => (parts, None, Some(rotate)),
        };
        let base = self.next_id - FIRST_LOCAL;
        let mut max_local = FIRST_LOCAL - 1;
        let font = self.font.type0;
        let mut map = |r: Ref| {
            if r == FONT {
                font
            } else {
                max_local = max_local.max(r.get());
                Ref::new(r.get() + base)
            }
        };
        let renumbered: Vec<Chunk> = parts.objects.iter().map(|c| c.renumber(&mut map)).collect();
        let xobjects: Vec<(String, Ref)> = parts
            .xobjects
            .iter()
            .map(|(n, r)| (n.clone(), map(*r)))
            .collect();
        let mut waiting = parts.waiting;
        for d in &mut waiting {
            d.id = map(d.id);
        }
        self.next_id = max_local + base + 1;
        for c in &renumbered {
            self.write_chunk(c)?;
        }
        let open = if rotate.is_none() {
            if let Some(r) = self.open_q {
                Some(r)
            } else {
                let r = self.alloc();
                self.write_stream(r, b"q\n", false)?;
                self.open_q = Some(r);
                Some(r)
            }
        } else {
            None
        };
        let own = match own {
            Some(content) => {
                let r = self.alloc();
                self.write_stream(r, &content, true)?;
                Some(r)
            }
            None => None,
        };
        let mut content = if rotate.is_none() {
            b"Q\n".to_vec()
        } else {
            Vec::new()
        };
        content.extend_from_slice(&parts.content);
        let parts_ref = self.alloc();
        self.write_stream(parts_ref, &content, true)?;
        self.font_used |= parts.uses_font;
        self.edits.push(Written {
            page,
            open,
            own,
            parts: parts_ref,
            xobjects,
            font: parts.uses_font.then(|| parts.font.clone()),
            rotate,
        });
        if self.batch.add(index, waiting) {
            self.settle()
        } else {
            Ok(Vec::new())
        }
    }

    /// Code and write the bilevel images waiting for their batch; what
    /// became of each. [`Editor::finish`] wants none waiting.
    pub fn settle(&mut self) -> io::Result<Vec<Settled>> {
        let (chunks, settled) = self.batch.flush(&mut self.next_id);
        for c in &chunks {
            self.write_chunk(c)?;
        }
        Ok(settled)
    }

    /// Write the input's objects (edited), the font, Info and the
    /// cross-reference table; return the writer. `modified` is the
    /// document's new ModDate.
    pub fn finish(mut self, info: &DocInfo, modified: Option<DocDate>) -> io::Result<W> {
        let left = self.settle()?;
        debug_assert!(left.is_empty(), "images left waiting");
        let doc = Arc::clone(&self.doc);
        let mut changed: BTreeMap<ObjectId, Object> = BTreeMap::new();
        let font_ref = lopdf_ref(self.font.type0);
        for w in &self.edits {
            let Ok(dict) = doc.get_dictionary(w.page) else {
                continue;
            };
            changed.insert(
                w.page,
                Object::Dictionary(edited_page(&doc, dict, w, font_ref)),
            );
        }
        let info_id = self.write_info(&doc, info, modified, &mut changed);
        if let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference)
            && let Ok(catalog) = doc.get_dictionary(root)
        {
            let mut catalog = catalog.clone();
            // A document-modification signature's permissions no longer hold.
            catalog.remove(b"Perms");
            if let Some(packet) = updated_xmp(&doc, &catalog, modified) {
                let id = (self.alloc().get() as u32, 0);
                catalog.set("Metadata", Object::Reference(id));
                changed.insert(id, Object::Stream(packet));
            }
            changed.insert(root, Object::Dictionary(catalog));
        }
        // Everything still reachable from the trailer, edited where edited.
        let mut seen: HashSet<ObjectId> = HashSet::new();
        let mut queue: VecDeque<ObjectId> = VecDeque::new();
        let root = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
        queue.extend(root);
        queue.push_back(info_id);
        let mut body = Vec::new();
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) {
                continue;
            }
            let Some(obj) = changed.get(&id).or_else(|| doc.objects.get(&id)) else {
                continue;
            };
            if is_xref_machinery(obj) {
                continue;
            }
            refs_in(obj, &mut |r| {
                if !seen.contains(&r) {
                    queue.push_back(r);
                }
            });
            body.clear();
            serialize(&mut body, obj);
            self.write_indirect(id, &body)?;
        }
        if self.font_used {
            for c in font::objects(&self.font) {
                self.write_chunk(&c)?;
            }
        }
        self.write_xref(root, info_id)
    }

    /// Info: the input's entries, with ModDate and Producer new and the
    /// user's `--title` etc. over them.
    fn write_info(
        &mut self,
        doc: &Document,
        info: &DocInfo,
        modified: Option<DocDate>,
        changed: &mut BTreeMap<ObjectId, Object>,
    ) -> ObjectId {
        let old = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
        let mut dict = old
            .and_then(|id| doc.get_dictionary(id).ok())
            .cloned()
            .unwrap_or_default();
        let text =
            |s: &str| Object::String(utf16_or_latin(&clean_text(s)), StringFormat::Hexadecimal);
        for (key, value) in [
            ("Title", &info.title),
            ("Author", &info.author),
            ("Subject", &info.subject),
            ("Keywords", &info.keywords),
        ] {
            if let Some(v) = value {
                dict.set(key, text(v));
            }
        }
        dict.set("Producer", text(&producer()));
        match modified {
            Some(d) => dict.set(
                "ModDate",
                Object::String(d.pdf_string().into_bytes(), StringFormat::Literal),
            ),
            None => {
                dict.remove(b"ModDate");
            }
        }
        let id = old.unwrap_or_else(|| (self.alloc().get() as u32, 0));
        changed.insert(id, Object::Dictionary(dict));
        id
    }

    fn write_xref(mut self, root: Option<ObjectId>, info: ObjectId) -> io::Result<W> {
        let xref_at = self.written;
        let size = self.offsets.keys().next_back().map_or(1, |&m| m + 1);
        let mut x = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for id in 1..size {
            match self.offsets.get(&id) {
                Some((o, g)) => x.push_str(&format!("{o:010} {g:05} n \n")),
                None => x.push_str("0000000000 65535 f \n"),
            }
        }
        let new_id: String = self
            .hash
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        // The first half names the document across revisions: the input's.
        let first = self
            .doc
            .trailer
            .get(b"ID")
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| o.as_str().ok())
            .map_or_else(
                || new_id.clone(),
                |b| b.iter().map(|b| format!("{b:02X}")).collect(),
            );
        let (rid, rgen) = root.unwrap_or((0, 0));
        x.push_str(&format!(
            "trailer\n<< /Size {size} /Root {rid} {rgen} R /Info {} {} R /ID [<{first}> <{new_id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
            info.0, info.1
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

    fn write_indirect(&mut self, (id, generation): ObjectId, body: &[u8]) -> io::Result<()> {
        self.offsets.insert(id, (self.written, generation));
        self.write_raw(format!("{id} {generation} obj\n").as_bytes())?;
        self.write_raw(body)?;
        self.write_raw(b"\nendobj\n")
    }

    /// A pdf-writer chunk holding one object.
    fn write_chunk(&mut self, c: &Chunk) -> io::Result<()> {
        if let Some(id) = c.refs().next() {
            self.offsets.insert(id.get() as u32, (self.written, 0));
        }
        self.write_raw(c.as_bytes())
    }

    fn write_stream(&mut self, id: Ref, data: &[u8], compress: bool) -> io::Result<()> {
        let mut c = chunk();
        if compress {
            c.stream(id, &deflate(data)).filter(Filter::FlateDecode);
        } else {
            c.stream(id, data);
        }
        self.write_chunk(&c)
    }
}

fn lopdf_ref(r: Ref) -> ObjectId {
    (r.get() as u32, 0)
}

/// The text `Producer` carries.
fn producer() -> String {
    format!("ocrpdf {}", env!("CARGO_PKG_VERSION"))
}

/// PDFDocEncoding for Latin-1 text, UTF-16BE with a BOM otherwise.
fn utf16_or_latin(s: &str) -> Vec<u8> {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// Cross-reference streams and object streams: their content is what
/// this writer writes anew.
fn is_xref_machinery(obj: &Object) -> bool {
    obj.as_stream().is_ok_and(|s| {
        s.dict
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|t| t == b"XRef" || t == b"ObjStm")
    })
}

/// Call `f` with every reference inside `obj`.
fn refs_in(obj: &Object, f: &mut dyn FnMut(ObjectId)) {
    match obj {
        Object::Reference(r) => f(*r),
        Object::Array(a) => a.iter().for_each(|o| refs_in(o, f)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| refs_in(o, f)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| refs_in(o, f)),
        _ => {}
    }
}

/// Follow a reference (one level).
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        other => other,
    }
}

/// An inheritable page attribute: the page's own, or its nearest
/// ancestor's.
fn inherited(doc: &Document, page: &Dictionary, key: &[u8]) -> Option<Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return Some(v.clone());
        }
        node = resolve(doc, node.get(b"Parent").ok()?).as_dict().ok()?;
    }
    None
}

/// The page dictionary with its new contents and resources.
fn edited_page(doc: &Document, page: &Dictionary, w: &Written, font: ObjectId) -> Dictionary {
    let mut page = page.clone();
    let mut contents: Vec<Object> = Vec::new();
    if w.rotate.is_none() {
        contents.extend(w.open.map(|r| Object::Reference(lopdf_ref(r))));
        match (&w.own, page.get(b"Contents")) {
            (Some(r), _) => contents.push(Object::Reference(lopdf_ref(*r))),
            (None, Ok(Object::Array(a))) => contents.extend(a.iter().cloned()),
            (None, Ok(Object::Reference(r))) => match doc.get_object(*r) {
                // An indirect array of streams.
                Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                _ => contents.push(Object::Reference(*r)),
            },
            _ => {}
        }
    }
    contents.push(Object::Reference(lopdf_ref(w.parts)));
    page.set("Contents", Object::Array(contents));

    let mut resources = match w.rotate {
        Some(_) => Dictionary::new(),
        None => inherited(doc, &page, b"Resources")
            .map(|r| resolve(doc, &r).clone())
            .and_then(|r| r.as_dict().ok().cloned())
            .unwrap_or_default(),
    };
    let sub = |key: &[u8]| -> Dictionary {
        resources
            .get(key)
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok().cloned())
            .unwrap_or_default()
    };
    let mut fonts = sub(b"Font");
    if let Some(name) = &w.font {
        fonts.set(name.clone(), Object::Reference(font));
    }
    let mut xobjects = sub(b"XObject");
    for (name, r) in &w.xobjects {
        xobjects.set(name.as_bytes().to_vec(), Object::Reference(lopdf_ref(*r)));
    }
    if !fonts.is_empty() {
        resources.set("Font", Object::Dictionary(fonts));
    }
    if !xobjects.is_empty() {
        resources.set("XObject", Object::Dictionary(xobjects));
    }
    page.set("Resources", Object::Dictionary(resources));
    if let Some(rotate) = w.rotate {
        page.set("Rotate", Object::Integer(i64::from(rotate)));
        // The old content's groups and thumbnails describe what is gone.
        page.remove(b"Thumb");
        page.remove(b"PieceInfo");
    }
    page
}

/// The catalog's XMP packet with its producer and dates brought up to
/// date, when it has one this can read; `None` leaves it as it is.
fn updated_xmp(
    doc: &Document,
    catalog: &Dictionary,
    modified: Option<DocDate>,
) -> Option<lopdf::Stream> {
    let stream = resolve(doc, catalog.get(b"Metadata").ok()?)
        .as_stream()
        .ok()?;
    let raw = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let mut xml = String::from_utf8(raw).ok()?;
    let mut set = |tag: &str, value: &str| {
        // Element form `<pdf:Producer>…</pdf:Producer>`, then attribute
        // form `pdf:Producer="…"`.
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        if let Some(a) = xml.find(&open)
            && let Some(b) = xml[a..].find(&close)
        {
            xml.replace_range(a + open.len()..a + b, &escape(value));
            return;
        }
        let attr = format!("{tag}=\"");
        if let Some(a) = xml.find(&attr)
            && let Some(b) = xml[a + attr.len()..].find('"')
        {
            let start = a + attr.len();
            xml.replace_range(start..start + b, &escape(value));
        }
    };
    set("pdf:Producer", &producer());
    if let Some(d) = modified {
        let iso = d.iso8601();
        set("xmp:ModifyDate", &iso);
        set("xmp:MetadataDate", &iso);
    }
    let mut dict = stream.dict.clone();
    dict.remove(b"Filter");
    dict.remove(b"DecodeParms");
    Some(lopdf::Stream::new(dict, xml.into_bytes()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Append `obj` in PDF syntax (PDF 32000-1 §7.3); a stream's /Length is
/// its data's.
fn serialize(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => {
            // Rust prints the shortest decimal that reads back as the same
            // value, never in exponent form (which PDF lacks).
            let r = if r.is_finite() { *r } else { 0.0 };
            let mut s = r.to_string();
            if !s.contains('.') {
                s.push_str(".0");
            }
            out.extend_from_slice(s.as_bytes());
        }
        Object::Name(n) => name(out, n),
        Object::String(bytes, _) => {
            out.push(b'<');
            for b in bytes {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize(out, o);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dictionary(out, d),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", Object::Integer(s.content.len() as i64));
            dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            out.extend_from_slice(format!("{id} {generation} R").as_bytes());
        }
    }
}

fn dictionary(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d {
        name(out, k);
        out.push(b' ');
        serialize(out, v);
    }
    out.extend_from_slice(b">>");
}

/// A name, with `#xx` for delimiters, white space and bytes outside
/// `!`..`~` (§7.3.5).
fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if b"()<>[]{}/%#".contains(&b) || !(b'!'..=b'~').contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ocr::OcrPage;
    use lopdf::dictionary;

    /// A one-page document with a text page and an unused image.
    fn doc() -> Document {
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        let content = doc.add_object(lopdf::Stream::new(Dictionary::new(), b"0 0 m".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 100.into(), 50.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        doc.add_object(lopdf::Stream::new(Dictionary::new(), b"orphan".to_vec()));
        doc
    }

    #[test]
    fn a_page_without_words_names_no_font_and_orphans_are_left_out() {
        let doc = Arc::new(doc());
        let page = doc.page_iter().next().unwrap();
        let mut editor = Editor::new(Vec::new(), Arc::clone(&doc)).unwrap();
        let parts = super::super::page::parts(
            None,
            &OcrPage::default(),
            &super::super::PageEncoding::default(),
            50,
            [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            b"OCR0".to_vec(),
        );
        let change = PageChange::Overlay {
            parts,
            content: None,
        };
        editor.add_page(page, 0, change).unwrap();
        let out = editor.finish(&DocInfo::default(), None).unwrap();
        let back = Document::load_mem(&out).unwrap();
        assert!(!out.windows(6).any(|w| w == b"orphan"));
        assert!(!out.windows(4).any(|w| w == b"OCR0"));
        // Every reference resolves.
        for obj in back.objects.values() {
            refs_in(obj, &mut |r| {
                assert!(back.get_object(r).is_ok(), "{r:?} dangles");
            });
        }
        let page = back
            .get_dictionary(back.page_iter().next().unwrap())
            .unwrap();
        let contents = page.get(b"Contents").unwrap().as_array().unwrap();
        assert_eq!(contents.len(), 3, "q, the page's own content, the layer");
    }

    #[test]
    fn objects_serialise_as_pdf_syntax() {
        let mut d = Dictionary::new();
        d.set("A b", Object::Real(1.0));
        d.set("R", Object::Reference((12, 0)));
        let obj = Object::Array(vec![
            Object::Dictionary(d),
            Object::String(b"(x)".to_vec(), StringFormat::Literal),
            Object::Real(-0.25),
            Object::Boolean(true),
            Object::Null,
        ]);
        let mut out = Vec::new();
        serialize(&mut out, &obj);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[<</A#20b 1.0/R 12 0 R>> <287829> -0.25 true null]"
        );
        let stream = Object::Stream(lopdf::Stream::new(Dictionary::new(), b"abc".to_vec()));
        let mut out = Vec::new();
        serialize(&mut out, &stream);
        assert_eq!(out, b"<</Length 3>>\nstream\nabc\nendstream");
    }
}
