//! The XMP metadata packet of a PDF/A document.
//!
//! PDF/A takes document metadata from XMP and requires it to match the
//! Info dictionary field by field: Title ↔ dc:title, Author ↔ dc:creator,
//! Subject ↔ dc:description, Keywords ↔ pdf:Keywords, Creator ↔
//! xmp:CreatorTool, Producer ↔ pdf:Producer, the dates ↔ xmp:CreateDate and
//! xmp:ModifyDate. Both are written from the same cleaned text and the same
//! UTC instant, so they cannot drift apart. The XML itself (escaping,
//! namespaces, RDF containers) comes from the `xmp-writer` crate.

use super::info::{DocDate, DocInfo, PRODUCER, clean_text};
use xmp_writer::XmpWriter;

/// The packet for `info`, declaring PDF/A-2b conformance.
pub fn packet(info: &DocInfo, created: Option<DocDate>) -> String {
    let title = info.title.as_deref().map(clean_text);
    let author = info.author.as_deref().map(clean_text);
    let subject = info.subject.as_deref().map(clean_text);
    let keywords = info.keywords.as_deref().map(clean_text);

    let mut x = XmpWriter::new();
    x.format("application/pdf");
    if let Some(t) = &title {
        x.title([(None, t.as_str())]);
    }
    if let Some(a) = &author {
        // One entry: PDF/A compares Author with the whole dc:creator list.
        x.creator([a.as_str()]);
    }
    if let Some(s) = &subject {
        x.description([(None, s.as_str())]);
    }
    if let Some(k) = &keywords {
        x.pdf_keywords(k);
        let terms: Vec<&str> = k
            .split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if !terms.is_empty() {
            x.subject(terms);
        }
    }
    x.creator_tool(PRODUCER);
    x.producer(PRODUCER);
    if let Some(d) = created {
        x.create_date(d.xmp());
        x.modify_date(d.xmp());
        x.metadata_date(d.xmp());
    }
    x.pdfa_part(2);
    x.pdfa_conformance("B");
    x.finish(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_escapes_text_and_states_conformance() {
        let info = DocInfo {
            title: Some("Tom & Jerry <Ελλάδα>".into()),
            author: Some("A, B".into()),
            keywords: Some("scan; archive, ,ocr".into()),
            ..Default::default()
        };
        let p = packet(&info, DocDate::from_unix(1_714_557_600));
        assert!(p.starts_with("<?xpacket begin=\"\u{feff}\""), "{p}");
        assert!(p.contains("Tom &amp; Jerry &lt;Ελλάδα&gt;"), "{p}");
        assert!(
            p.contains("<rdf:li>A, B</rdf:li>"),
            "author stays one entry: {p}"
        );
        assert!(p.contains("<rdf:li>archive</rdf:li>"), "{p}");
        assert!(!p.contains("<rdf:li></rdf:li>"), "{p}");
        assert!(p.contains("2024-05-01T10:00:00Z"), "{p}");
        assert!(
            p.contains("pdfaid:part>2<") && p.contains("pdfaid:conformance>B<"),
            "{p}"
        );
    }
}
