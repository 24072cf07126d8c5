//! Any bytes as an input file: the format sniffing, every image decoder
//! (PNG, JPEG, TIFF, PNM, WebP, BMP, GIF), the resolution and orientation
//! readers, and the completeness check.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::decode_bytes(data, "img");
});
