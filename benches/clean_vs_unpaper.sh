#!/usr/bin/env bash
# Seconds per page for `ocrpdf clean` next to unpaper on the same pages.
#
#     benches/clean_vs_unpaper.sh [PAGES]     # default 4 pages
#
# Generates PAGES scan-like A4 pages at 300 dpi (the gen_pages example,
# "typical" damage), then times in one run:
#   ocrpdf clean -j 1     one worker (single-core comparison)
#   ocrpdf clean          all cores
#   unpaper               default processing (deskew, filters), one page at a
#                         time; it reads PNM only, so each page is first
#                         written as PGM (untimed) by `ocrpdf clean --mode gray`
#                         with every cleanup stage switched off.
# ocrpdf's time includes decoding the PNG and encoding the output; unpaper's
# its PGM reading and writing. Needs unpaper (Debian package `unpaper`).
set -euo pipefail

N="${1:-4}"
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-unpaper
cd "$ROOT"
cargo build --release --quiet --example gen_pages --bin ocrpdf
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OCRPDF="$TARGET/release/ocrpdf"
"$TARGET/release/examples/gen_pages" "$WORK/pages" "$N" typical

now() { date +%s.%N; }
per_page() { python3 -c "print(f'{($2 - $1) / $N:.3f}')"; }

t0=$(now); "$OCRPDF" clean -q -j 1 "$WORK"/pages/*.png -d "$WORK/one"; t1=$(now)
one=$(per_page "$t0" "$t1")
t0=$(now); "$OCRPDF" clean -q "$WORK"/pages/*.png -d "$WORK/all"; t1=$(now)
all=$(per_page "$t0" "$t1")

if command -v unpaper >/dev/null; then
    "$OCRPDF" clean -q --mode gray --keep-background --no-deskew --no-rotate --keep-borders \
        --despeckle off --format pnm "$WORK"/pages/*.png -d "$WORK/pgm"
    mkdir -p "$WORK/unpaper"
    t0=$(now)
    for f in "$WORK"/pgm/*.pgm; do
        unpaper -q --overwrite "$f" "$WORK/unpaper/$(basename "$f")" 2>/dev/null
    done
    t1=$(now)
    up=$(per_page "$t0" "$t1")
    ratio=$(python3 -c "print(f'{$up / $one:.1f}')")
else
    up="skipped (no unpaper)"; ratio="-"
fi

printf '%-26s %s\n' "tool" "s/page"
printf '%-26s %s\n' "ocrpdf clean -j 1" "$one"
printf '%-26s %s\n' "ocrpdf clean (all cores)" "$all"
printf '%-26s %s\n' "unpaper (1 core)" "$up"
printf 'unpaper / ocrpdf clean -j 1: %sx\n' "$ratio"
