#!/usr/bin/env bash
# Peak memory per page size and -j (issue 27, point 4): image inputs should
# peak at no more than 5 bytes a pixel summed over the pages in flight, plus
# a fixed ~100 MB (program, Tesseract's models, buffers that do not grow
# with the page).
#
#     benches/memory.sh                 # every case
#     CASES="a2 a4" benches/memory.sh   # some of them
#     OCRPDF=/path/to/ocrpdf benches/memory.sh   # another binary (before/after)
#     KEEP=1 benches/memory.sh          # keep the work folder (and its pages)
#     PAGES=/tmp/pages benches/memory.sh # write pages there once, reuse them
#     TRACE=1 benches/memory.sh         # also where each run peaks, stage by stage
#
# TRACE=1 builds with the feature `mem-trace` (or takes an OCRPDF built
# with it) and prints, per case, each stage's high-water mark (`heap::mark`:
# the most the process held since the stage before, and what it holds at
# its end), so the peak's stage shows. Marks reset the kernel's mark that
# /usr/bin/time reports, so the peak is then the largest stage's.
#
# Pages are written by `examples/big_page.rs` (the colour letter of
# tests/common/colour.rs, skewed 0.8°, tiled to the size asked) and
# `examples/gen_pages.rs typical` (A4 text pages at 300 dpi):
#
#   big      17000 x 17600 RGB at 600 dpi (299 MP, just under --max-pixels), -j 1
#   big-gray the same page in grey, -j 1
#   a2       9921 x 14031 RGB (A2 at 600 dpi, 139 MP), -j 1
#   a2x2     two such pages at -j 2 (both in flight)
#   a2x2-lim the same with --max-memory 1.5G: one page in flight at a time
#            (each is budgeted 6 B/px, 835 MB), with a jobs_lowered warning
#   a4       four A4 pages at -j 1 and at -j 2
#
# Each run is `ocrpdf -q --ocr-timeout 0 -o OUT PAGES…` (a 300-MP page of
# text takes minutes to read) under /usr/bin/time -v; its
# "Maximum resident set size" is the peak. Printed per case: the pixels in
# flight at once (the largest page, times the pages -j runs together),
# peak MB, and bytes a pixel both raw and over the fixed 100 MB.
# Peaks vary by a few MB from run to run; they are figures, not a test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CASES="${CASES:-big big-gray a2 a2x2 a2x2-lim a4}"
FIXED_MB=100
work_dir ocrpdf-memory
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
if [[ -z "${OCRPDF:-}" && "${TRACE:-0}" == 1 ]]; then
    log "building ocrpdf (release, mem-trace)"
    (cd "$ROOT" && cargo build -q --release --features mem-trace --bin ocrpdf)
    OCRPDF="$ROOT/target/release/ocrpdf"
elif [[ -z "${OCRPDF:-}" ]]; then
    build_ocrpdf
fi

PAGES="${PAGES:-$WORK}"
mkdir -p "$PAGES"
gen_big() { # OUT W H DPI rgb|gray
    [[ -s "$1" ]] || (cd "$ROOT" && cargo run -q --release --example big_page -- "$@")
}

want() { [[ " $CASES " == *" $1 "* ]]; }

log "writing pages to $PAGES"
want big && gen_big "$PAGES/big.png" 17000 17600 600 rgb
want big-gray && gen_big "$PAGES/big-gray.png" 17000 17600 600 gray
if want a2 || want a2x2 || want a2x2-lim; then
    gen_big "$PAGES/a2.png" 9921 14031 600 rgb
    cp "$PAGES/a2.png" "$PAGES/a2b.png"
fi
if want a4 && [[ ! -s "$PAGES/a4/page04.png" ]]; then
    (cd "$ROOT" && cargo run -q --release --example gen_pages -- "$PAGES/a4" 4 typical)
fi

# run NAME JOBS PIXELS_IN_FLIGHT [--max-memory SIZE] PAGES…
ROWS=()
run() {
    local name="$1" jobs="$2" px="$3" limit=()
    shift 3
    if [[ "$1" == --max-memory ]]; then
        limit=("$1" "$2")
        shift 2
    fi
    log "$name: -j $jobs"
    local tv="$WORK/$name-j$jobs.time"
    local trace=()
    [[ "${TRACE:-0}" == 1 ]] && trace=(OCRPDF_MEM_TRACE=1)
    env "${trace[@]}" OMP_THREAD_LIMIT=1 SOURCE_DATE_EPOCH=1700000000 /usr/bin/time -v \
        "$OCRPDF" -q -j "$jobs" --ocr-timeout 0 "${limit[@]}" -o "$WORK/$name-j$jobs.pdf" "$@" 2>"$tv" >/dev/null ||
        { tail -5 "$tv" >&2; echo "ocrpdf failed on $name" >&2; exit 1; }
    [[ "${TRACE:-0}" == 1 ]] && grep '^mem-trace:' "$tv" | sed "s/^mem-trace:/  $name -j $jobs:/" >&2
    local kb
    kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$tv")"
    # Each mark starts a new high-water mark, which /usr/bin/time then
    # reports: the run's peak is the largest of the stages'.
    if [[ "${TRACE:-0}" == 1 ]]; then
        kb="$(awk -v kb="$kb" '/^mem-trace:/ { for (i = 1; i <= NF; i++) if ($i == "last") { m = $(i + 1) * 1024; if (m > kb) kb = m } }
            END { print kb }' "$tv")"
    fi
    ROWS+=("$(awk -v n="$name" -v j="$jobs" -v px="$px" -v kb="$kb" -v f="$FIXED_MB" 'BEGIN {
        mb = kb / 1024; b = kb * 1024;
        over = (mb - f) * 1048576 / px; if (over < 0) over = 0;
        printf "| %s | %.0f | %d | %.0f | %.2f | %.2f |", n, px / 1e6, j, mb, b / px, over }')")
}

want big && run big 1 $((17000 * 17600)) "$PAGES/big.png"
want big-gray && run big-gray 1 $((17000 * 17600)) "$PAGES/big-gray.png"
want a2 && run a2 1 $((9921 * 14031)) "$PAGES/a2.png"
want a2x2 && run a2x2 2 $((2 * 9921 * 14031)) "$PAGES/a2.png" "$PAGES/a2b.png"
want a2x2-lim && run a2x2-lim 2 $((9921 * 14031)) --max-memory 1.5G "$PAGES/a2.png" "$PAGES/a2b.png"
if want a4; then
    read -r aw ah < <(python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read(24)
print(*struct.unpack(">II", b[16:24]))' "$PAGES/a4/page01.png")
    run a4 1 $((aw * ah)) "$PAGES"/a4/page0*.png
    run a4 2 $((2 * aw * ah)) "$PAGES"/a4/page0*.png
fi

echo
echo "| case | MP in flight | -j | peak MB | B/px | B/px over ${FIXED_MB} MB |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
