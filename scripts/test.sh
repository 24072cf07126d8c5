#!/usr/bin/env bash
# Runs the whole test suite: formatting and lints when the toolchain has
# them, then unit and integration tests (real Tesseract, real PDFs).
# Installs missing system packages first (Debian; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh

if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --check
else
  echo "rustfmt not installed: format check skipped" >&2
fi
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --release --locked --all-targets --all-features -- -D warnings
else
  echo "clippy not installed: lint skipped" >&2
fi
# The library alone, without the CLI's dependencies (the `cli` feature).
cargo check --release --locked --lib --no-default-features
# Tests that call libtesseract in-process need OpenMP single-threaded
# from process start (the ocrpdf binary arranges this for itself).
export OMP_THREAD_LIMIT=1
# Release mode: the image stages are 10-30x slower unoptimised.
cargo test --release --locked --all-features --no-fail-fast
