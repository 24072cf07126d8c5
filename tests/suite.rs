//! The integration tests, one binary: each module is one area's tests
//! (they were a binary each, and every binary compiled `common` and
//! linked the library again: six of the suite's minutes went to that).
//! Run one area with `cargo test --release --test suite jbig2::`.
//! `tests/worker.rs` stays apart: it sets the process's S3 variables.

mod common;

mod bad_inputs;
mod batch;
mod clean_command;
mod cleanup;
mod colour;
mod colour_map;
mod decoding;
mod degradations;
mod encoding;
mod end_to_end;
mod engines;
mod faded;
mod fuzz_sweep;
mod inputs;
mod jbig2;
mod legible;
mod light_ink;
mod looks;
mod metadata;
mod models;
mod negative;
mod outputs;
mod packaging;
mod page_kinds;
mod pdf_document;
mod pdf_input;
mod phone;
mod reading_order;
mod resolution;
mod stack;
mod structure;
mod text_layer;
mod watch;
