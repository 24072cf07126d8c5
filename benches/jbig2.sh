#!/usr/bin/env bash
# Bytes per page of ocrpdf's bilevel codings on generated page kinds, next
# to DjVu's lossless symbol coder, with encode seconds and peak memory.
#
#     benches/jbig2.sh
#
# What it does: runs the ignored test `bench_page_kinds` of tests/jbig2.rs
# (release build) under /usr/bin/time -v. That test generates A4 pages
# (DejaVu serif and sans, 8–14 pt, 200–600 dpi, clean, scanned-looking,
# broken letters and specks; halftones; a ruled form), codes each as CCITT
# G4, generic JBIG2 and symbol-coded JBIG2, checks that `jbig2dec` decodes
# the symbol-coded stream to exactly the page, runs `cjb2 -lossless`
# (Debian djvulibre-bin) on the same bits, and prints a Markdown table of
# bytes per page and encode seconds, then the bytes per page of a 10-page
# text document as today's `--bilevel auto` (smaller of generic JBIG2 and
# G4 per page) and with symbol coding.
#
# Then, with the feature `jbig2-stats`, where each kind's symbol-coded bytes
# go (dictionary bitmaps, refinements, placement, symbol IDs, residue).
#
# Peak memory is the whole test process's (page generation and cleanup
# included), an upper bound for the encoders.
#
# Needs: cargo, jbig2dec, cjb2 (scripts/deps.sh installs both), GNU time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work_dir jbig2-bench
have jbig2dec || { echo "jbig2dec is needed: bash scripts/deps.sh" >&2; exit 1; }
have cjb2 || log "cjb2 missing (apt-get install djvulibre-bin): its column stays empty"
cd "$ROOT"
log "building the test (release; default features, so no per-decision counting slows the timings)"
cargo test --release --test suite --no-run >/dev/null 2>&1
log "running bench_page_kinds"
OMP_THREAD_LIMIT=1 /usr/bin/time -v -o "$WORK/time.txt" \
    cargo test --release --test suite jbig2::bench_page_kinds -- --ignored --nocapture --test-threads=1 \
    2>/dev/null | grep -E '^\||^[0-9]+-page'
peak_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")"
echo
echo "peak memory of the run: $((peak_kb / 1024)) MB"
# Where the symbol-coded bytes go: the coder counts each decision's bits
# per part (feature jbig2-stats; its timings are not the encoder's).
log "breakdown of the symbol-coded bytes (feature jbig2-stats)"
cargo test --release --features jbig2-stats --test suite jbig2::bench_symbol_parts -- --ignored --nocapture \
    2>/dev/null | grep -E '^\||cjb2'

