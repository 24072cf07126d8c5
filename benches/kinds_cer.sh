#!/usr/bin/env bash
# Character error rate and speed per page kind (issue 10): ocrpdf, OCRmyPDF
# and bare Tesseract on the same pages, then the whole set at once against
# Tesseract's own PDF output, two processes on two cores.
#
#     benches/kinds_cer.sh
#     KEEP=1 benches/kinds_cer.sh     # keep the work folder for inspection
#
# The pages are the twelve kinds of tests/common/kinds.rs (tested in
# tests/page_kinds.rs): clean, uneven yellow light, book-fold shadow,
# bleed-through with stains, faded ink, low contrast, tinted box, tinted
# page on a white canvas, three-column magazine page with photo and caption,
# 150 dpi, 200 dpi phone snapshot, photo only. They come from
# `gen_pages -- DIR 0 kinds` as RGB PNGs with their dpi in pHYs and their
# ground truth in NAME.txt.
#
# Per page (one page at a time):
#   tesseract   `tesseract PAGE.png -` with OMP_THREAD_LIMIT=1: OCR of the
#               raw image, no cleanup, plain text.
#   ocrpdf      `ocrpdf PAGE.png -o PAGE.pdf`, default options, text from
#               pdftotext; "ocrpdf -raw" is the same PDF through
#               `pdftotext -raw` (content-stream order): much better than the
#               plain column means right words read back in the wrong order.
#   ocrmypdf    `ocrmypdf --clean --deskew --rotate-pages` on the PNG made a
#               one-page PDF by img2pdf (untimed), text from pdftotext; its
#               other options are its defaults (see benches/cleanup_cer.sh
#               for why its times suffer on a loaded machine).
# CER is as in tests/common/gen.rs `cer`, in percent. The photo-only page
# has no text: its row gives the number of words each tool found instead
# (in brackets) and it is left out of the pooled CER. The "all pages" row
# pools the text pages (total distance / total truth length) and sums the
# seconds; then the ratios ocrpdf/ocrmypdf CER and ocrpdf/tesseract time.
#
# Throughput (all pages together, the machine's two cores busy):
#   tesseract pdf   `tesseract PAGE.png PAGE pdf` with OMP_THREAD_LIMIT=1,
#                   two processes at a time (xargs -P 2), one per core.
#   ocrpdf -j 2     `ocrpdf -j 2 ALL.png -o all.pdf`, one document.
# The target of issue 10 is ocrpdf's wall time <= 1.25 x tesseract's.
#
# "s" columns are wall-clock seconds. The header gives the load average
# before and after: trust the times only when both are low. ocrpdf is
# built from the working tree as it is (git describe --dirty).
#
# Outputs go to a mktemp folder under /tmp (removed at the end unless KEEP=1).
set -euo pipefail

if (($#)); then
    echo "usage: $0   (no arguments; KEEP=1 keeps the work folder)" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-kinds-cer
PAGES="$WORK/pages"
TEXT="$WORK/text"          # NAME.TOOL.txt for every result that exists
OUT="$WORK/out"            # PDFs and logs
TIMES="$WORK/times.tsv"    # NAME TOOL WALL
FAILED="$WORK/failed.tsv"  # NAME TOOL REASON
mkdir -p "$TEXT" "$OUT"
: >"$TIMES"
: >"$FAILED"

for tool in pdftotext tesseract xargs; do
    have "$tool" || { echo "$tool is required (poppler-utils, tesseract-ocr, findutils)" >&2; exit 1; }
done
check_ocrmypdf

LOAD_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"

# --- pages and build -------------------------------------------------------
log "generating the page kinds in $PAGES"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$PAGES" 0 kinds)
mapfile -t IMAGES < <(find "$PAGES" -name '*.png' ! -name '*.truth.png' | sort)
((${#IMAGES[@]})) || { echo "no pages generated" >&2; exit 1; }

build_ocrpdf

# --- per page ----------------------------------------------------------------
for img in "${IMAGES[@]}"; do
    name="$(basename "$img" .png)"
    log "$name"

    if OMP_THREAD_LIMIT=1 timed tesseract "$img" - >"$OUT/$name.tess.txt" 2>"$OUT/$name.tess.log"; then
        printf '%s\ttesseract\t%s\n' "$name" "$WALL" >>"$TIMES"
        mv "$OUT/$name.tess.txt" "$TEXT/$name.tesseract.txt"
    else
        fail "$name" tesseract "$OUT/$name.tess.log"
    fi

    pdf="$OUT/$name.ocrpdf.pdf"
    if timed "$OCRPDF" --quiet "$img" -o "$pdf" 2>"$OUT/$name.ocrpdf.log"; then
        printf '%s\tocrpdf\t%s\n' "$name" "$WALL" >>"$TIMES"
        pdftotext "$pdf" "$TEXT/$name.ocrpdf.txt"
        pdftotext -raw "$pdf" "$TEXT/$name.ocrpdf-raw.txt"
    else
        fail "$name" ocrpdf "$OUT/$name.ocrpdf.log"
    fi

    if ((OCRMYPDF_OK)); then
        in="$OUT/$name.input.pdf"
        pdf="$OUT/$name.ocrmypdf.pdf"
        if ! "${IMG2PDF[@]}" "$img" -o "$in" 2>"$OUT/$name.ocrmypdf.log"; then
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        elif timed ocrmypdf --clean --deskew --rotate-pages "$in" "$pdf" 2>"$OUT/$name.ocrmypdf.log"; then
            printf '%s\tocrmypdf\t%s\n' "$name" "$WALL" >>"$TIMES"
            pdftotext "$pdf" "$TEXT/$name.ocrmypdf.txt"
        else
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        fi
    else
        printf '%s\tocrmypdf\tnot available\n' "$name" >>"$FAILED"
    fi
done

# --- throughput: all pages, two cores ---------------------------------------
log "tesseract PAGE pdf, 2 processes (xargs -P 2), OMP_THREAD_LIMIT=1"
mkdir -p "$OUT/tess-pdf"
tess_pdf() { # IMAGE… - writes OUT/tess-pdf/NAME.pdf for each
    printf '%s\0' "$@" | OMP_THREAD_LIMIT=1 xargs -0 -P 2 -I '{}' \
        sh -c 'tesseract "$1" "$2/$(basename "$1" .png)" pdf 2>/dev/null' _ '{}' "$OUT/tess-pdf"
}
BATCH_TESS="failed"
if timed tess_pdf "${IMAGES[@]}" 2>"$OUT/tess-pdf.log"; then BATCH_TESS="$WALL"; fi
log "ocrpdf -j 2 on all pages"
BATCH_OCRPDF="failed"
if timed "$OCRPDF" --quiet -j 2 "${IMAGES[@]}" -o "$OUT/all.ocrpdf.pdf" 2>"$OUT/all.ocrpdf.log"; then
    BATCH_OCRPDF="$WALL"
fi

# --- table -------------------------------------------------------------------
echo
echo "${#IMAGES[@]} page kinds (tests/common/kinds.rs), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)," \
    "ocrpdf $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?')," \
    "$(tesseract --version 2>&1 | head -n 1)," \
    "ocrmypdf $( (have ocrmypdf && ocrmypdf --version 2>/dev/null) || echo 'n/a')"
echo "load average (1, 5, 15 min) before: $LOAD_START, after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')" \
    "- times are only comparable on an otherwise idle machine"
BENCHES="$ROOT/benches" python3 - "$PAGES" "$TEXT" "$TIMES" "$FAILED" "$BATCH_TESS" "$BATCH_OCRPDF" <<'PY'
import os, sys

pages, text, times_file, failed_file, batch_tess, batch_ocrpdf = sys.argv[1:7]

sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

names = sorted(f[:-4] for f in os.listdir(pages)
               if f.endswith(".png") and not f.endswith(".truth.png"))
tools = ["ocrpdf", "ocrmypdf", "tesseract", "ocrpdf-raw"]
timed_tools = ["ocrpdf", "ocrmypdf", "tesseract"]
times = {}
for line in open(times_file, encoding="utf-8"):
    name, tool, wall = line.rstrip("\n").split("\t")
    times[name, tool] = float(wall)
failed = [line.rstrip("\n").split("\t", 2) for line in open(failed_file, encoding="utf-8")]

pooled = {t: [0, 0, 0] for t in tools}  # distance, truth length, pages failed
head = (f"{'kind':<17}{'ocrpdf':>9}{'ocrmypdf':>10}{'tesseract':>11}{'ocrpdf -raw':>13}"
        f"{'ocrpdf s':>10}{'ocrmypdf s':>12}{'tesseract s':>13}")
print("CER % (0 = perfect; [N] = words found on the photo-only page) and seconds per page")
print(head)
print("-" * len(head))


def read(name, tool):
    path = os.path.join(text, f"{name}.{tool}.txt")
    if not os.path.exists(path):
        return None
    return open(path, encoding="utf-8", errors="replace").read()


def cell(v, width, fmt=".2f"):
    if v is None:
        return f"{'failed':>{width}}"
    return f"{v if isinstance(v, str) else format(v, fmt):>{width}}"


for name in names:
    truth = norm(open(os.path.join(pages, name + ".txt"), encoding="utf-8").read())
    row = {}
    for t in tools:
        got = read(name, t)
        if got is None:
            row[t] = None
            if truth:
                pooled[t][2] += 1
        elif not truth:
            row[t] = f"[{len(got.split())}]"
        else:
            d = lev(truth, norm(got))
            pooled[t][0] += d
            pooled[t][1] += len(truth)
            row[t] = 100 * d / len(truth)
    print(f"{name:<17}" + cell(row["ocrpdf"], 9) + cell(row["ocrmypdf"], 10)
          + cell(row["tesseract"], 11) + cell(row["ocrpdf-raw"], 13)
          + cell(times.get((name, "ocrpdf")), 10) + cell(times.get((name, "ocrmypdf")), 12)
          + cell(times.get((name, "tesseract")), 13))


def pooled_cer(t):
    d, n, nf = pooled[t]
    return None if not n else 100 * d / n


def pooled_cell(t, width):
    v = pooled_cer(t)
    if v is None:
        return f"{'failed':>{width}}"
    return f"{f'{v:.2f}' + ('*' if pooled[t][2] else ''):>{width}}"


total = {t: sum(times[n, t] for n in names if (n, t) in times) for t in timed_tools}
print("-" * len(head))
print(f"{'all pages':<17}" + pooled_cell("ocrpdf", 9) + pooled_cell("ocrmypdf", 10)
      + pooled_cell("tesseract", 11) + pooled_cell("ocrpdf-raw", 13)
      + f"{total['ocrpdf']:>10.2f}{total['ocrmypdf']:>12.2f}{total['tesseract']:>13.2f}")


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


print()
print("ratios   CER ocrpdf/ocrmypdf:", ratio(pooled_cer("ocrpdf"), pooled_cer("ocrmypdf")),
      "  CER ocrpdf/tesseract:", ratio(pooled_cer("ocrpdf"), pooled_cer("tesseract")),
      "  time per page ocrpdf/tesseract (one at a time):",
      ratio(total["ocrpdf"], total["tesseract"]))
bt = None if batch_tess == "failed" else float(batch_tess)
bo = None if batch_ocrpdf == "failed" else float(batch_ocrpdf)
print(f"throughput, all {len(names)} pages on 2 cores:"
      f"  tesseract PAGE pdf x2 (xargs -P 2) {batch_tess} s,"
      f"  ocrpdf -j 2 {batch_ocrpdf} s,"
      f"  ratio ocrpdf/tesseract {ratio(bo, bt)} (target <= 1.25)")
print()
print("ocrpdf = default options; ocrmypdf = --clean --deskew --rotate-pages on an img2pdf PDF;")
print("tesseract = raw image, `tesseract PAGE.png -`, OMP_THREAD_LIMIT=1; -raw = `pdftotext -raw`.")
print("all pages: pooled CER over the text pages (total distance / total truth length); seconds summed.")
if any(pooled[t][2] for t in tools):
    print("* pooled over the pages that did not fail")
for name, tool, reason in failed:
    print(f"failed: {name} {tool}: {reason}")
PY
