#!/usr/bin/env bash
# Character error rate per kind of scan damage: raw Tesseract, ocrpdf's
# cleanup, and OCRmyPDF's own cleanup, on the same pages (issue #3).
#
#     benches/cleanup_cer.sh
#     KEEP=1 benches/cleanup_cer.sh     # keep the work folder for inspection
#
# The pages are the seven cases of tests/degradations.rs
# (cleanup_keeps_cer_low_on_every_degradation_and_beats_raw_ocr_where_it_hurts):
# half A4 pages (8.27 x 5.5 in, 12 lines) at 300 dpi with yellow uneven
# paper, 4000 specks, 3° skew, 180° and 90° rotation, low contrast (ink 0.3)
# and a dark scanner border, same seeds and damage as the test. They come
# from `gen_pages -- DIR 0 degradations` as RGB PNGs with 300 dpi in pHYs,
# with their ground truth (NAME.txt).
#
# For each page:
#   tesseract   the raw, uncleaned image: `tesseract PAGE.png -` (plain text,
#               OMP_THREAD_LIMIT=1), i.e. OCR without any cleanup. (The test
#               runs libtesseract on the image converted to grey; the CLI reads
#               the RGB PNG, so figures can differ a little from the test's.)
#   ocrpdf      `ocrpdf PAGE.png -o PAGE.pdf`, default options, text from
#               pdftotext.
#   ocrmypdf    `ocrmypdf --clean --deskew --rotate-pages`, text from pdftotext.
#               Input: the PNG converted losslessly to a one-page PDF with
#               img2pdf first (the `img2pdf` tool or Debian's python3-img2pdf
#               module; untimed), which sizes the page from the PNG's 300 dpi,
#               as in benches/compare.sh - not the PNG with --image-dpi.
#               Other options are ocrmypdf's defaults (PDF/A output, --jobs =
#               all cores, though a single page gains little from them).
#               A page it fails on shows "failed" and the run goes on; the
#               last line of its error is printed under the table.
#   -raw        the same two PDFs through `pdftotext -raw` (content-stream
#               order): where the plain column is much worse than -raw, the
#               words were recognised but the text layer reads back in the
#               wrong order; where both are bad, recognition itself failed.
#
# CER is as in tests/common/gen.rs `cer`: Levenshtein distance over the
# truth's length, whitespace runs folded to one space, in percent. The last
# row pools all pages (total distance over total truth length) and averages
# the times.
# Times are per page: "s" is wall clock, "CPU s" user + system time of the
# tool and its children. Other work on the machine (a cargo build, tests)
# inflates ocrmypdf's times many-fold, CPU time included: it runs Tesseract
# with OMP_THREAD_LIMIT=2 (from --jobs) and OpenMP's busy-waiting threads
# then burn their time slices. (Seen on 2 cores at load average 6, builds
# running: its final Tesseract call took 47-60 s wall / 16-19 s CPU with 2
# threads, against 6-7 s / 1.3 s with 1 thread and 8-9 s / 1.4-1.6 s with
# OMP_WAIT_POLICY=PASSIVE.) ocrpdf runs Tesseract on one thread. The header
# gives the load average before and after the run: trust the times only
# when both are low. It also names the repository state (git describe
# --dirty): ocrpdf is built from the working tree as it is.
#
# Outputs go to a mktemp folder under /tmp (removed at the end unless KEEP=1);
# nothing is written into the repository except cargo's target folder (set
# CARGO_TARGET_DIR to put it elsewhere).
set -euo pipefail

if (($#)); then
    echo "usage: $0   (no arguments; KEEP=1 keeps the work folder)" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-cleanup-cer
PAGES="$WORK/pages"
TEXT="$WORK/text"  # NAME.TOOL.txt for every result that exists
OUT="$WORK/out"    # PDFs and logs
TIMES="$WORK/times.tsv"    # NAME TOOL WALL CPU
FAILED="$WORK/failed.tsv"  # NAME TOOL REASON
mkdir -p "$TEXT" "$OUT"
: >"$TIMES"
: >"$FAILED"

for tool in pdftotext tesseract; do
    have "$tool" || { echo "$tool is required (poppler-utils, tesseract-ocr)" >&2; exit 1; }
done
check_ocrmypdf

LOAD_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"

# --- pages and build -------------------------------------------------------
log "generating the degraded pages in $PAGES"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$PAGES" 0 degradations)
mapfile -t IMAGES < <(ls "$PAGES"/*.png)
((${#IMAGES[@]})) || { echo "no pages generated" >&2; exit 1; }

build_ocrpdf

# --- per page ----------------------------------------------------------------
for img in "${IMAGES[@]}"; do
    name="$(basename "$img" .png)"
    log "$name"

    # (a) raw OCR, no cleanup
    if OMP_THREAD_LIMIT=1 tesseract "$img" - >"$OUT/$name.tess.txt" 2>"$OUT/$name.tess.log"; then
        mv "$OUT/$name.tess.txt" "$TEXT/$name.tesseract.txt"
    else
        fail "$name" tesseract "$OUT/$name.tess.log"
    fi

    # (b) ocrpdf, default options
    pdf="$OUT/$name.ocrpdf.pdf"
    if timed "$OCRPDF" --quiet "$img" -o "$pdf" 2>"$OUT/$name.ocrpdf.log"; then
        printf '%s\tocrpdf\t%s\t%s\n' "$name" "$WALL" "$CPU" >>"$TIMES"
        pdftotext "$pdf" "$TEXT/$name.ocrpdf.txt"
        pdftotext -raw "$pdf" "$TEXT/$name.ocrpdf-raw.txt"
    else
        fail "$name" ocrpdf "$OUT/$name.ocrpdf.log"
    fi

    # (c) ocrmypdf --clean --deskew --rotate-pages, on img2pdf's one-page PDF
    if ((OCRMYPDF_OK)); then
        in="$OUT/$name.input.pdf"
        pdf="$OUT/$name.ocrmypdf.pdf"
        if ! "${IMG2PDF[@]}" "$img" -o "$in" 2>"$OUT/$name.ocrmypdf.log"; then
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        elif timed ocrmypdf --clean --deskew --rotate-pages "$in" "$pdf" 2>"$OUT/$name.ocrmypdf.log"; then
            printf '%s\tocrmypdf\t%s\t%s\n' "$name" "$WALL" "$CPU" >>"$TIMES"
            pdftotext "$pdf" "$TEXT/$name.ocrmypdf.txt"
            pdftotext -raw "$pdf" "$TEXT/$name.ocrmypdf-raw.txt"
        else
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        fi
    else
        printf '%s\tocrmypdf\tnot available\n' "$name" >>"$FAILED"
    fi
done

# --- table -------------------------------------------------------------------
echo
echo "${#IMAGES[@]} pages, half A4 at 300 dpi, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)," \
    "ocrpdf $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?')," \
    "$(tesseract --version 2>&1 | head -n 1)," \
    "ocrmypdf $( (have ocrmypdf && ocrmypdf --version 2>/dev/null) || echo 'n/a')"
echo "load average (1, 5, 15 min) before: $LOAD_START, after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')" \
    "- times are only comparable on an otherwise idle machine"
BENCHES="$ROOT/benches" python3 - "$PAGES" "$TEXT" "$TIMES" "$FAILED" <<'PY'
import os, sys

pages, text, times_file, failed_file = sys.argv[1:5]

sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

names = sorted(f[:-4] for f in os.listdir(pages) if f.endswith(".png"))
tools = ["tesseract", "ocrpdf", "ocrmypdf", "ocrpdf-raw", "ocrmypdf-raw"]
times = {}
for line in open(times_file, encoding="utf-8"):
    name, tool, wall, cpu = line.rstrip("\n").split("\t")
    times[name, tool] = (float(wall), float(cpu))
failed = [line.rstrip("\n").split("\t", 2) for line in open(failed_file, encoding="utf-8")]

pooled = {t: [0, 0, 0] for t in tools}  # distance, truth length, pages failed
head = (f"{'degradation':<18}{'tesseract':>10}{'ocrpdf':>9}{'ocrmypdf':>10}"
        f"{'ocrpdf -raw':>13}{'ocrmypdf -raw':>15}"
        f"{'ocrpdf s':>10}{'CPU s':>7}{'ocrmypdf s':>12}{'CPU s':>7}")
print("CER % (0 = perfect) and seconds per page")
print(head)
print("-" * len(head))

def cell(v, width, fmt):
    return f"{'failed' if v is None else format(v, fmt):>{width}}"

for name in names:
    truth = norm(open(os.path.join(pages, name + ".txt"), encoding="utf-8").read())
    row = {}
    for t in tools:
        path = os.path.join(text, f"{name}.{t}.txt")
        if not os.path.exists(path):
            row[t] = None
            pooled[t][2] += 1
            continue
        got = norm(open(path, encoding="utf-8", errors="replace").read())
        d = lev(truth, got)
        pooled[t][0] += d
        pooled[t][1] += len(truth)
        row[t] = 100 * d / max(len(truth), 1)
    w = {t: times.get((name, t)) for t in ("ocrpdf", "ocrmypdf")}
    print(f"{name:<18}" + cell(row["tesseract"], 10, ".2f") + cell(row["ocrpdf"], 9, ".2f")
          + cell(row["ocrmypdf"], 10, ".2f") + cell(row["ocrpdf-raw"], 13, ".2f")
          + cell(row["ocrmypdf-raw"], 15, ".2f")
          + cell(w["ocrpdf"] and w["ocrpdf"][0], 10, ".2f")
          + cell(w["ocrpdf"] and w["ocrpdf"][1], 7, ".2f")
          + cell(w["ocrmypdf"] and w["ocrmypdf"][0], 12, ".2f")
          + cell(w["ocrmypdf"] and w["ocrmypdf"][1], 7, ".2f"))

def pooled_cell(t, width):
    d, n, nf = pooled[t]
    if not n:
        return f"{'failed':>{width}}"
    s = f"{100 * d / n:.2f}" + ("*" if nf else "")
    return f"{s:>{width}}"

def mean_time(tool, k, width):
    v = [times[n, tool][k] for n in names if (n, tool) in times]
    return f"{(f'{sum(v) / len(v):.2f}' if v else 'failed'):>{width}}"

print("-" * len(head))
print(f"{'all pages':<18}" + pooled_cell("tesseract", 10) + pooled_cell("ocrpdf", 9)
      + pooled_cell("ocrmypdf", 10) + pooled_cell("ocrpdf-raw", 13)
      + pooled_cell("ocrmypdf-raw", 15)
      + mean_time("ocrpdf", 0, 10) + mean_time("ocrpdf", 1, 7)
      + mean_time("ocrmypdf", 0, 12) + mean_time("ocrmypdf", 1, 7))
print()
print("tesseract = raw image, no cleanup (`tesseract PAGE.png -`); ocrpdf = default options;")
print("ocrmypdf = --clean --deskew --rotate-pages on an img2pdf PDF; -raw = `pdftotext -raw`.")
print("all pages: total distance / total truth length; times averaged.")
if any(pooled[t][2] for t in tools):
    print("* pooled over the pages that did not fail")
for name, tool, reason in failed:
    print(f"failed: {name} {tool}: {reason}")
PY
