#!/usr/bin/env bash
# Reading order per layout (issue 24, point 3): CER and order-free error of
# ocrpdf's text layer, bare Tesseract and OCRmyPDF on the multi-column
# pages of tests/common/layouts.rs (magazine: headline over two of three
# columns, photo and caption, pull quote, running head and footer; two
# columns wrapped around a figure; five newspaper columns).
#
#     benches/order.sh
#     OCRPDF=/path/to/ocrpdf benches/order.sh   # another build (e.g. main's)
#     KEEP=1 benches/order.sh                   # keep the work folder
#
# Per page (one at a time, seconds of wall time):
#   ocrpdf -raw   `ocrpdf PAGE.png -o PAGE.pdf`, text from `pdftotext -raw`
#                 (content-stream order: the order ocrpdf writes)
#   ocrpdf mutool the same PDF through `mutool draw -F txt`
#   ocrpdf        the same PDF through plain `pdftotext` (poppler's own
#                 layout analysis reorders it; ocrpdf does not control it)
#   tesseract     `tesseract PAGE.png -` with OMP_THREAD_LIMIT=1 (bare
#                 Tesseract, its own order)
#   ocrmypdf      `ocrmypdf --clean --deskew --rotate-pages`, pdftotext;
#                 skipped (column says so) when ocrmypdf is not installed
#
# CER as in tests/common/gen.rs (Levenshtein over the truth's length,
# whitespace folded), against the nearest acceptable order (NAME.txt and
# NAME.alt-N.txt: a caption at its picture or after its column). Order-free
# error: the same distance between the words of truth and reading, each
# sorted. "order" = CER - order-free: what reading order costs. In percent.
set -euo pipefail

if (($#)); then
    echo "usage: $0   (no arguments; OCRPDF=BIN uses that binary, KEEP=1 keeps the work folder)" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-order
PAGES="$WORK/pages"
TEXT="$WORK/text"
OUT="$WORK/out"
TIMES="$WORK/times.tsv"
mkdir -p "$TEXT" "$OUT"
: >"$TIMES"

for tool in pdftotext mutool tesseract; do
    have "$tool" || { echo "$tool is required (poppler-utils, mupdf-tools, tesseract-ocr)" >&2; exit 1; }
done
check_ocrmypdf

log "generating the layouts in $PAGES"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$PAGES" 0 layouts)
mapfile -t IMAGES < <(find "$PAGES" -name '*.png' | sort)
((${#IMAGES[@]})) || { echo "no pages generated" >&2; exit 1; }
if [[ -z "${OCRPDF:-}" ]]; then
    build_ocrpdf
    OCRPDF_LABEL="this tree ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?'))"
else
    OCRPDF_LABEL="$OCRPDF (given)"
fi

for img in "${IMAGES[@]}"; do
    name="$(basename "$img" .png)"
    log "$name"
    if OMP_THREAD_LIMIT=1 timed tesseract "$img" - >"$TEXT/$name.tesseract.txt" 2>"$OUT/$name.tess.log"; then
        printf '%s\ttesseract\t%s\n' "$name" "$WALL" >>"$TIMES"
    else
        rm -f "$TEXT/$name.tesseract.txt"
    fi
    pdf="$OUT/$name.ocrpdf.pdf"
    if timed "$OCRPDF" --quiet "$img" -o "$pdf" 2>"$OUT/$name.ocrpdf.log"; then
        printf '%s\tocrpdf\t%s\n' "$name" "$WALL" >>"$TIMES"
        pdftotext -raw "$pdf" "$TEXT/$name.ocrpdf-raw.txt"
        mutool draw -q -F txt -o "$TEXT/$name.ocrpdf-mutool.txt" "$pdf" 1
        pdftotext "$pdf" "$TEXT/$name.ocrpdf.txt"
    fi
    if ((OCRMYPDF_OK)); then
        in="$OUT/$name.input.pdf"
        out="$OUT/$name.ocrmypdf.pdf"
        if "${IMG2PDF[@]}" "$img" -o "$in" 2>"$OUT/$name.ocrmypdf.log" &&
            timed ocrmypdf --clean --deskew --rotate-pages "$in" "$out" 2>>"$OUT/$name.ocrmypdf.log"; then
            printf '%s\tocrmypdf\t%s\n' "$name" "$WALL" >>"$TIMES"
            pdftotext "$out" "$TEXT/$name.ocrmypdf.txt"
        fi
    fi
done

echo
echo "${#IMAGES[@]} layouts (tests/common/layouts.rs), $(date -u +%Y-%m-%dT%H:%MZ)," \
    "ocrpdf: $OCRPDF_LABEL," \
    "$(tesseract --version 2>&1 | head -n 1)," \
    "ocrmypdf $( (have ocrmypdf && ocrmypdf --version 2>/dev/null) || echo 'not installed: column skipped')"
BENCHES="$ROOT/benches" python3 - "$PAGES" "$TEXT" "$TIMES" <<'PY'
import glob, os, sys

pages, text, times_file = sys.argv[1:4]
sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

tools = ["ocrpdf-raw", "ocrpdf-mutool", "ocrpdf", "tesseract", "ocrmypdf"]
times = {}
for line in open(times_file, encoding="utf-8"):
    name, tool, wall = line.rstrip("\n").split("\t")
    times[name, tool] = float(wall)


def sorted_words(s):
    return " ".join(sorted(s.split()))


names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(pages, "*.png")))
head = f"{'layout':<24}{'reader':<15}{'CER %':>8}{'order-free %':>14}{'order %':>9}{'s':>7}"
print(head)
print("-" * len(head))
for name in names:
    truths = [open(p, encoding="utf-8").read()
              for p in sorted(glob.glob(os.path.join(pages, name + ".*txt")))]
    canonical = open(os.path.join(pages, name + ".txt"), encoding="utf-8").read()
    for t in tools:
        path = os.path.join(text, f"{name}.{t}.txt")
        if not os.path.exists(path):
            print(f"{name:<24}{t:<15}{'n/a':>8}")
            continue
        got = norm(open(path, encoding="utf-8", errors="replace").read())
        cer = min(lev(norm(tr), got) / len(norm(tr)) for tr in truths)
        free = lev(sorted_words(canonical), sorted_words(got)) / len(sorted_words(canonical))
        secs = times.get((name, t.split("-")[0]))
        print(f"{name:<24}{t:<15}{100 * cer:>8.2f}{100 * free:>14.2f}{100 * (cer - free):>9.2f}"
              + (f"{secs:>7.2f}" if secs is not None else f"{'':>7}"))
PY
