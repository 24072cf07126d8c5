#!/usr/bin/env bash
# Builds ocrpdf and turns the scans in samples/ into one searchable PDF.
# Installs missing system packages first (Debian; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cargo build --release --locked
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target/demo"
out="$target/demo/samples.pdf"
"$target/release/ocrpdf" samples/*.jpg -o "$out"

echo
echo "Input:  $(du -ch samples/*.jpg | tail -1 | cut -f1) in $(ls samples/*.jpg | wc -l) JPEG scans"
echo "Output: $out, $(du -h "$out" | cut -f1)"
echo "First lines of its text layer (pdftotext):"
pdftotext -l 1 "$out" - | head -n 5
