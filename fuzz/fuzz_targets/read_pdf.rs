//! The PDF reader: bytes after a `%PDF-1.7` header, so every input reaches
//! the parser, the page survey and the image extraction.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(data);
    common::decode_bytes(&pdf, "pdf");
});
