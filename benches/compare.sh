#!/usr/bin/env bash
# Side-by-side comparison of ocrpdf with its peers on the same generated pages.
# (Per page kind, with ocrpdf's stage ratios and the -j N scaling:
# benches/compare_kinds.sh.)
#
#     benches/compare.sh [PAGES]        # default 6 pages
#     KEEP=1 benches/compare.sh 6       # keep the work folder for inspection
#
# What it does, in one run:
#   1. generates PAGES scan-like A4 pages at 300 dpi (RGB PNG, "typical"
#      degradation) with their ground truth (pageNN.txt), via the
#      gen_pages example;
#   2. builds ocrpdf in release mode;
#   3. times, on exactly those pages:
#        ocrpdf          -j = all cores (the default)
#        ocrpdf -j 1     one worker, for a single-threaded comparison
#        ocrmypdf        --clean --deskew --rotate-pages --jobs 2
#        ocrmypdf -O3    the same with --optimize 3 (optional row)
#        tesseract       bare `tesseract IMG OUT pdf`, one page after the
#                        other, OMP_THREAD_LIMIT=1 (single-threaded)
#   4. prints seconds/page, pages/minute, bytes/page, the character error
#      rate of the PDF's text (pdftotext) against the ground truth, and the
#      ratios ocrpdf/peer for speed and size.
#
# How ocrmypdf is fed: it takes a single image or a PDF, so the PNGs are first
# combined losslessly into one multi-page PDF with img2pdf (the `img2pdf` tool,
# or Debian's python3-img2pdf module, which ocrmypdf itself depends on). The
# PNGs carry 300 dpi, so img2pdf sizes the pages as A4. ocrmypdf then gets one
# fair multi-page job with --jobs 2, like ocrpdf's. The img2pdf step is not
# timed. Without img2pdf, ocrmypdf runs once per page with --image-dpi 300
# (then --jobs 2 can only help within a page), and the row says so.
# ocrmypdf keeps its default output type (PDF/A via Ghostscript) because that
# is what its users get; its page images stay colour (it does not binarise).
#
# Times: "s/page" is wall clock; "CPU s/page" is user + system time of the
# tool and all its children, which is less disturbed by other work on the
# machine (builds, tests) than the wall clock, so compare both.
#
# Ratios: "speed x" = peer seconds / ocrpdf seconds (above 1: ocrpdf is
# faster), "CPU x" the same for CPU seconds; "size x" = ocrpdf bytes / peer
# bytes (below 1: ocrpdf is smaller).
# Multi-core peers are compared with `ocrpdf` (all cores), single-threaded
# tesseract with `ocrpdf -j 1`.
#
# CER is the Levenshtein distance over the truth's length, whitespace runs
# folded to one space (as in tests/common/gen.rs), summed over all pages.
# "CER %" uses pdftotext's default reading order (what a reader copies);
# "raw CER %" uses `pdftotext -raw` (content-stream order), which shows what
# the engine recognised even where a skewed text layer scrambles the order.
#
# Outputs go to a mktemp folder under /tmp (removed at the end unless KEEP=1);
# nothing is written into the repository except cargo's target folder
# (set CARGO_TARGET_DIR to put it elsewhere).
set -euo pipefail

N="${1:-6}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [PAGES]" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-compare
PAGES="$WORK/pages"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
CORES="$(nproc)"


# --- pages and build -------------------------------------------------------
log "generating $N pages in $PAGES"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$PAGES" "$N" typical)
mapfile -t IMAGES < <(ls "$PAGES"/page*.png)

build_ocrpdf

# record NAME WALL_S CPU_S BYTES TEXT_DIR VS NOTE
# (a row with WALL_S "skip" is printed as skipped)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
skip() { record "$1" skip 0 0 - - "$2"; } # NAME REASON

# pdftotext of a PDF, one file per page, in two orders for the CER: DIR gets
# pdftotext's default (reading order rebuilt from positions, what a reader
# copies), DIR.raw gets -raw (content-stream order, i.e. what the engine
# recognised, whatever the layout).
extract() { # PDF DIR [FIRST_PAGE_NAME_INDEX]
    mkdir -p "$2" "$2.raw"
    local pages i name
    pages="$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }')"
    for ((i = 1; i <= ${pages:-0}; i++)); do
        name="$(printf 'page%02d' $((i + ${3:-1} - 1))).txt"
        pdftotext -f "$i" -l "$i" "$1" "$2/$name" 2>/dev/null || : >"$2/$name"
        pdftotext -raw -f "$i" -l "$i" "$1" "$2.raw/$name" 2>/dev/null || : >"$2.raw/$name"
    done
}

have pdftotext && have pdfinfo || { echo "pdftotext and pdfinfo (poppler-utils) are required" >&2; exit 1; }

# --- ocrpdf ----------------------------------------------------------------
run_ocrpdf() { # NAME TAG [ARGS...]
    local name="$1" tag="$2"
    shift 2
    local out="$WORK/$tag.pdf"
    log "$name"
    timed "$OCRPDF" --quiet "${IMAGES[@]}" -o "$out" "$@"
    extract "$out" "$WORK/$tag.txt.d"
    record "$name" "$WALL" "$CPU" "$(stat -c %s "$out")" "$WORK/$tag.txt.d" "-" ""
}
run_ocrpdf "ocrpdf (-j $CORES, default)" ocrpdf
run_ocrpdf "ocrpdf -j 1" ocrpdf-j1 -j 1

# --- ocrmypdf --------------------------------------------------------------
find_img2pdf

run_ocrmypdf() { # NAME TAG [EXTRA ARGS...]
    local name="$1" tag="$2"
    shift 2
    if ! have ocrmypdf; then
        skip "$name" "ocrmypdf not installed"
        return
    fi
    local out="$WORK/$tag.pdf" errlog="$WORK/$tag.log"
    log "$name"
    if ! ocrmypdf_job "$out" "$errlog" "$WORK/input.pdf" \
        --clean --deskew --rotate-pages --jobs 2 "$@"; then
        skip "$name" "failed: $(tail -n 1 "$errlog")"
        return
    fi
    local note="$OCRMYPDF_NOTE"
    extract "$out" "$WORK/$tag.txt.d"
    record "$name" "$WALL" "$CPU" "$(stat -c %s "$out")" "$WORK/$tag.txt.d" \
        "ocrpdf (-j $CORES, default)" "$note"
}
run_ocrmypdf "ocrmypdf --jobs 2" ocrmypdf
run_ocrmypdf "ocrmypdf --jobs 2 -O3" ocrmypdf-o3 --optimize 3

# --- bare tesseract ---------------------------------------------------------
run_tesseract() { # NAME
    local name="$1" base bytes=0 i
    if ! have tesseract; then
        skip "$name" "tesseract not installed"
        return
    fi
    log "$name: sequential, OMP_THREAD_LIMIT=1"
    mkdir -p "$WORK/tess"
    each_page() {
        local img
        for img in "${IMAGES[@]}"; do
            OMP_THREAD_LIMIT=1 tesseract "$img" "$WORK/tess/$(basename "$img" .png)" pdf >/dev/null || return
        done
    }
    if ! timed each_page 2>"$WORK/tess.log"; then
        skip "$name" "failed: $(tail -n 1 "$WORK/tess.log")"
        return
    fi
    for ((i = 1; i <= N; i++)); do
        base="$WORK/tess/$(printf 'page%02d' "$i")"
        bytes=$((bytes + $(stat -c %s "$base.pdf")))
        extract "$base.pdf" "$WORK/tess.txt.d" "$i"
    done
    record "$name" "$WALL" "$CPU" "$bytes" "$WORK/tess.txt.d" "ocrpdf -j 1" "one PDF per page"
}
run_tesseract "tesseract (1 thread)"

# --- table -----------------------------------------------------------------
input_bytes=0
for img in "${IMAGES[@]}"; do input_bytes=$((input_bytes + $(stat -c %s "$img"))); done
echo
echo "$N pages, A4 300 dpi RGB PNG ($((input_bytes / N)) bytes/page in), $CORES cores, $(date -u +%Y-%m-%dT%H:%MZ)"
BENCHES="$ROOT/benches" python3 - "$RESULTS" "$PAGES" "$N" <<'PY'
import os, sys

results, pages, n = sys.argv[1], sys.argv[2], int(sys.argv[3])

sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

def cer(textdir):
    dist = total = 0
    for i in range(1, n + 1):
        name = "page%02d.txt" % i
        truth = norm(open(os.path.join(pages, name), encoding="utf-8").read())
        try:
            got = norm(open(os.path.join(textdir, name), encoding="utf-8", errors="replace").read())
        except FileNotFoundError:
            got = ""
        dist += lev(truth, got)
        total += len(truth)
    return dist / max(total, 1)

rows = []
for line in open(results, encoding="utf-8"):
    name, secs, cpu, size, textdir, vs, note = line.rstrip("\n").split("\t")
    rows.append(dict(name=name, secs=None if secs == "skip" else float(secs), cpu=float(cpu),
                     size=int(size), textdir=textdir, vs=vs, note=note))
by_name = {r["name"]: r for r in rows}

head = (f"{'tool':<24}{'s/page':>8}{'CPU s/page':>12}{'pages/min':>11}{'bytes/page':>12}"
        f"{'CER %':>8}{'raw CER %':>11}{'speed x':>9}{'CPU x':>7}{'size x':>8}  vs / notes")
print(head)
print("-" * len(head))
for r in rows:
    if r["secs"] is None:
        print(f"{r['name']:<24}{'skipped':>8}  {r['note']}")
        continue
    spp = r["secs"] / n
    bpp = r["size"] / n
    c = 100 * cer(r["textdir"])
    raw = 100 * cer(r["textdir"] + ".raw")
    speed = cpux = size = ""
    base = by_name.get(r["vs"])
    if base and base["secs"]:
        speed = f"{r['secs'] / base['secs']:.2f}"
        cpux = f"{r['cpu'] / base['cpu']:.2f}" if base["cpu"] else ""
        size = f"{base['size'] / r['size']:.3f}"
    notes = ", ".join(x for x in (("vs " + r["vs"]) if base else "", r["note"]) if x)
    line = (f"{r['name']:<24}{spp:>8.2f}{r['cpu'] / n:>12.2f}{60 / spp:>11.1f}{bpp:>12.0f}"
            f"{c:>8.2f}{raw:>11.2f}{speed:>9}{cpux:>7}{size:>8}  {notes}")
    print(line.rstrip())
print()
print("speed x = peer wall time / ocrpdf wall time (>1: ocrpdf faster); CPU x = the same for CPU time;")
print("size x = ocrpdf bytes / peer bytes (<1: ocrpdf smaller)")
PY
