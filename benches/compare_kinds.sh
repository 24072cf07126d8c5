#!/usr/bin/env bash
# Speed per page kind against the floor (issue 28): ocrpdf, bare Tesseract
# and OCRmyPDF-clean on the twelve page kinds, one page at a time and then
# all pages as one batch on every core, from one run.
#
#     benches/compare_kinds.sh
#     OCRPDF=/path/to/ocrpdf benches/compare_kinds.sh   # another build
#     KEEP=1 benches/compare_kinds.sh                   # keep the work folder
#
# benches/compare.sh compares whole documents of one page kind (typical
# A4 scans) with sizes and CER; benches/kinds_cer.sh gives the CER per
# kind. This one is about time: how far each kind is from what OCR alone
# costs, and where ocrpdf's share of it goes.
#
# The pages are `gen_pages -- DIR 0 kinds` (tests/common/kinds.rs): clean,
# uneven light, book fold, bleed-through and stains, faded ink, low
# contrast, tinted box, tinted page, magazine page with a photo, 150 dpi,
# 200 dpi phone snapshot, photo only.
#
# Per page, one process at a time, OMP_THREAD_LIMIT=1 for all three:
#   ocrpdf      `ocrpdf -j 1 --json PAGE -o PAGE.pdf`; its own
#               stage_seconds give the clean, ocr and pdf columns (pdf:
#               image encoding and the page's PDF objects).
#   tesseract   `tesseract PAGE OUT pdf`: the floor. ocrpdf enlarges pages
#               below 250 dpi for OCR (to 300 dpi), so Tesseract gets the
#               same enlargement (Pillow, bicubic) on those pages and the
#               kind is marked `^`; without Pillow it reads the page as it
#               is and the header says so.
#   ocrmypdf    `ocrmypdf --clean --deskew --rotate-pages --jobs 1` on the
#               page made a PDF by img2pdf (untimed).
# "x tess" and "x omp" are ocrpdf's wall time over the peer's (below 1:
# ocrpdf is faster); "cpu x" the same for CPU time (user + system,
# children included), less disturbed by other work on the machine.
# "clean/ocr" and "pdf/ocr" are ocrpdf's stage_seconds ratios (issue 28's
# targets: 0.07 and 0.03). Pages ocrpdf turned upright after its
# orientation check (`rotation_deg` not 0: cleaned and read twice) are
# marked `+`: their time is compared, but the floor read them once. A page
# where Tesseract finds little or nothing (its CER near 100) costs it less
# than reading would: its ratio flatters Tesseract.
#
# The batch rows run all pages together: ocrpdf -j N as one document
# against N `tesseract PAGE OUT pdf` processes at a time (xargs -P N, on the
# same enlarged images) and ocrmypdf --jobs N on one PDF of every page;
# N = the number of cores. `ocrpdf -j 1` over the same pages gives the
# scaling ratio (issue 28: -j 2 >= 1.85 x -j 1 pages per second).
#
# Times are wall-clock seconds. The header gives the load average before
# and after: trust the wall times only when both are low (the CPU columns
# hold up better). Outputs go to a mktemp folder under /tmp, removed at the
# end unless KEEP=1.
set -euo pipefail

if (($#)); then
    echo "usage: $0   (no arguments; OCRPDF=BIN uses that binary, KEEP=1 keeps the work folder)" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-compare-kinds
PAGES="$WORK/pages"
OUT="$WORK/out"
ROWS="$WORK/rows.tsv"     # NAME TOOL WALL CPU TEXT_FILE [JSON]
BATCH="$WORK/batch.tsv"   # TOOL WALL CPU
FAILED="$WORK/failed.tsv" # NAME TOOL REASON
mkdir -p "$OUT/tess"
: >"$ROWS"
: >"$BATCH"
: >"$FAILED"
CORES="$(nproc)"

for tool in pdftotext tesseract xargs; do
    have "$tool" || { echo "$tool is required (poppler-utils, tesseract-ocr, findutils)" >&2; exit 1; }
done
check_ocrmypdf

LOAD_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"

# --- pages and build ---------------------------------------------------------
log "generating the page kinds in $PAGES"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$PAGES" 0 kinds)
mapfile -t IMAGES < <(find "$PAGES" -name '*.png' ! -name '*.truth.png' | sort)
((${#IMAGES[@]})) || { echo "no pages generated" >&2; exit 1; }
build_ocrpdf

# What Tesseract reads: the page, or the page enlarged as ocrpdf enlarges
# it for OCR (source.rs: below 250 dpi, to 300 dpi). Prints the path.
ENLARGE="pillow"
python3 -c 'import PIL' 2>/dev/null || ENLARGE="none"
tess_input() { # PNG
    [[ "$ENLARGE" == pillow ]] || { echo "$1"; return; }
    python3 - "$1" "$OUT/tess/$(basename "$1")" <<'PY'
import sys
from PIL import Image
src, dst = sys.argv[1:3]
im = Image.open(src)
dpi = min(im.info.get("dpi", (300, 300)))
if 0 < dpi < 250:
    s = 300 / dpi
    im = im.resize((round(im.width * s), round(im.height * s)), Image.BICUBIC)
    im.save(dst, dpi=(300, 300))
    print(dst)
else:
    print(src)
PY
}
TESS_IMAGES=()
for img in "${IMAGES[@]}"; do TESS_IMAGES+=("$(tess_input "$img")"); done

# --- per page ----------------------------------------------------------------
for i in "${!IMAGES[@]}"; do
    img="${IMAGES[i]}"
    name="$(basename "$img" .png)"
    log "$name"

    pdf="$OUT/$name.ocrpdf.pdf"
    if OMP_THREAD_LIMIT=1 timed "$OCRPDF" --quiet -j 1 --json "$img" -o "$pdf" \
        >"$OUT/$name.ocrpdf.json" 2>"$OUT/$name.ocrpdf.log"; then
        pdftotext "$pdf" "$OUT/$name.ocrpdf.txt"
        printf '%s\tocrpdf\t%s\t%s\t%s\t%s\n' "$name" "$WALL" "$CPU" "$OUT/$name.ocrpdf.txt" \
            "$OUT/$name.ocrpdf.json" >>"$ROWS"
    else
        fail "$name" ocrpdf "$OUT/$name.ocrpdf.log"
    fi

    base="$OUT/tess/$name"
    if OMP_THREAD_LIMIT=1 timed tesseract "${TESS_IMAGES[i]}" "$base" pdf 2>"$base.log" >/dev/null; then
        pdftotext "$base.pdf" "$base.txt"
        printf '%s\ttesseract\t%s\t%s\t%s\t-\n' "$name" "$WALL" "$CPU" "$base.txt" >>"$ROWS"
    else
        fail "$name" tesseract "$base.log"
    fi

    if ((OCRMYPDF_OK)); then
        in="$OUT/$name.input.pdf"
        pdf="$OUT/$name.ocrmypdf.pdf"
        if ! "${IMG2PDF[@]}" "$img" -o "$in" 2>"$OUT/$name.ocrmypdf.log"; then
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        elif OMP_THREAD_LIMIT=1 timed ocrmypdf --clean --deskew --rotate-pages --jobs 1 \
            "$in" "$pdf" 2>"$OUT/$name.ocrmypdf.log"; then
            pdftotext "$pdf" "$OUT/$name.ocrmypdf.txt"
            printf '%s\tocrmypdf\t%s\t%s\t%s\t-\n' "$name" "$WALL" "$CPU" "$OUT/$name.ocrmypdf.txt" >>"$ROWS"
        else
            fail "$name" ocrmypdf "$OUT/$name.ocrmypdf.log"
        fi
    else
        printf '%s\tocrmypdf\tnot available\n' "$name" >>"$FAILED"
    fi
done

# --- the batch ---------------------------------------------------------------
batch_row() { # TOOL CMD...
    local tool="$1"
    shift
    log "batch: $tool"
    if OMP_THREAD_LIMIT=1 timed "$@" >/dev/null 2>"$OUT/batch.$tool.log"; then
        printf '%s\t%s\t%s\n' "$tool" "$WALL" "$CPU" >>"$BATCH"
    else
        fail batch "$tool" "$OUT/batch.$tool.log"
    fi
}
tess_all() { # IMAGE...
    printf '%s\0' "$@" | xargs -0 -P "$CORES" -I '{}' \
        sh -c 'tesseract "$1" "$2/batch-$(basename "$1" .png)" pdf 2>/dev/null' _ '{}' "$OUT"
}
batch_row "ocrpdf -j $CORES" "$OCRPDF" --quiet -j "$CORES" "${IMAGES[@]}" -o "$OUT/all.pdf"
batch_row "ocrpdf -j 1" "$OCRPDF" --quiet -j 1 "${IMAGES[@]}" -o "$OUT/all-j1.pdf"
batch_row "tesseract x$CORES" tess_all "${TESS_IMAGES[@]}"
if ((OCRMYPDF_OK)); then
    "${IMG2PDF[@]}" "${IMAGES[@]}" -o "$OUT/all.input.pdf"
    batch_row "ocrmypdf --jobs $CORES" ocrmypdf --clean --deskew --rotate-pages --jobs "$CORES" \
        "$OUT/all.input.pdf" "$OUT/all.ocrmypdf.pdf"
fi

# --- table -------------------------------------------------------------------
echo
echo "${#IMAGES[@]} page kinds (tests/common/kinds.rs), $CORES cores, $(date -u +%Y-%m-%dT%H:%MZ)," \
    "ocrpdf $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?')," \
    "$(tesseract --version 2>&1 | head -n 1)," \
    "ocrmypdf $( (have ocrmypdf && ocrmypdf --version 2>/dev/null) || echo 'n/a')"
echo "load average (1, 5, 15 min) before: $LOAD_START, after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')" \
    "- wall times are only comparable on an otherwise idle machine"
[[ "$ENLARGE" == pillow ]] || echo "Pillow missing: Tesseract read the pages below 250 dpi without ocrpdf's enlargement"
BENCHES="$ROOT/benches" python3 - "$PAGES" "$ROWS" "$BATCH" "$FAILED" "$CORES" <<'PY'
import json, os, sys

pages, rows_file, batch_file, failed_file, cores = sys.argv[1:6]
sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

rows, stages, turned = {}, {}, set()
for line in open(rows_file, encoding="utf-8"):
    name, tool, wall, cpu, text, js = line.rstrip("\n").split("\t")
    truth = norm(open(os.path.join(pages, name + ".txt"), encoding="utf-8").read())
    got = norm(open(text, encoding="utf-8", errors="replace").read())
    cer = 100 * lev(truth, got) / len(truth) if truth else None
    rows[name, tool] = (float(wall), float(cpu), cer)
    if js != "-":
        for rec in map(json.loads, open(js, encoding="utf-8")):
            if rec.get("type") == "page":
                stages[name] = rec["stage_seconds"]
                if rec.get("rotation_deg"):
                    turned.add(name)
names = sorted({n for n, _ in rows})


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def get(name, tool, k):
    r = rows.get((name, tool))
    return None if r is None else r[k]


def num(v, fmt=".2f"):
    return "-" if v is None else format(v, fmt)


head = (f"{'kind':<19}{'ocrpdf s':>9}{'clean':>7}{'ocr':>6}{'pdf':>6}{'tess s':>8}{'omp s':>7}"
        f"{'x tess':>8}{'cpu x':>7}{'x omp':>7}{'clean/ocr':>10}{'pdf/ocr':>8}"
        f"{'CER ocrpdf':>11}{'CER tess':>9}")
print("seconds per page, one page at a time (^ = Tesseract read the enlarged page, "
      "+ = ocrpdf turned the page upright and read it twice)")
print(head)
print("-" * len(head))
tot = {t: [0.0, 0.0] for t in ("ocrpdf", "tesseract", "ocrmypdf")}
tot_st = {"clean": 0.0, "ocr": 0.0, "pdf": 0.0}
for n in names:
    st = stages.get(n, {})
    dpi_mark = "^" if os.path.exists(os.path.join(os.path.dirname(rows_file), "out", "tess", n + ".png")) else ""
    mark = dpi_mark + ("+" if n in turned else "")
    o, t, m = (get(n, x, 0) for x in ("ocrpdf", "tesseract", "ocrmypdf"))
    oc, tc = get(n, "ocrpdf", 1), get(n, "tesseract", 1)
    for tool in tot:
        if (n, tool) in rows:
            tot[tool][0] += rows[n, tool][0]
            tot[tool][1] += rows[n, tool][1]
    for k in tot_st:
        tot_st[k] += st.get(k, 0.0)
    c, ocr, p = st.get("clean"), st.get("ocr"), st.get("pdf")
    cer_o, cer_t = get(n, "ocrpdf", 2), get(n, "tesseract", 2)
    print(f"{n + mark:<19}{num(o):>9}{num(c):>7}{num(ocr):>6}{num(p):>6}{num(t):>8}{num(m):>7}"
          f"{ratio(o, t):>8}{ratio(oc, tc):>7}{ratio(o, m):>7}{ratio(c, ocr):>10}{ratio(p, ocr):>8}"
          f"{num(cer_o):>11}{num(cer_t):>9}")
print("-" * len(head))
k = len(names)
print(f"{'mean per page':<19}{tot['ocrpdf'][0] / k:>9.2f}{tot_st['clean'] / k:>7.2f}{tot_st['ocr'] / k:>6.2f}"
      f"{tot_st['pdf'] / k:>6.2f}{tot['tesseract'][0] / k:>8.2f}{tot['ocrmypdf'][0] / k:>7.2f}"
      f"{ratio(tot['ocrpdf'][0], tot['tesseract'][0]):>8}{ratio(tot['ocrpdf'][1], tot['tesseract'][1]):>7}"
      f"{ratio(tot['ocrpdf'][0], tot['ocrmypdf'][0]):>7}{ratio(tot_st['clean'], tot_st['ocr']):>10}"
      f"{ratio(tot_st['pdf'], tot_st['ocr']):>8}")

print()
print(f"the batch: all {k} pages at once, {cores} cores")
batch = {}
for line in open(batch_file, encoding="utf-8"):
    tool, wall, cpu = line.rstrip("\n").split("\t")
    batch[tool] = (float(wall), float(cpu))
bh = f"{'run':<22}{'s/page':>8}{'CPU s/page':>12}{'pages/s':>9}{'x tess':>8}{'x omp':>7}"
print(bh)
print("-" * len(bh))
jn, tess, omp = (batch.get(f"ocrpdf -j {cores}"), batch.get(f"tesseract x{cores}"),
                 batch.get(f"ocrmypdf --jobs {cores}"))
for tool, (wall, cpu) in batch.items():
    x_t = ratio(wall, tess[0]) if tool.startswith("ocrpdf -j " + cores) and tess else ""
    x_o = ratio(wall, omp[0]) if tool.startswith("ocrpdf -j " + cores) and omp else ""
    print(f"{tool:<22}{wall / k:>8.2f}{cpu / k:>12.2f}{k / wall:>9.3f}{x_t:>8}{x_o:>7}")
j1 = batch.get("ocrpdf -j 1")
if jn and j1 and cores != "1":
    print(f"scaling: ocrpdf -j {cores} gives {j1[0] / jn[0]:.2f} x the pages per second of -j 1"
          f" (CPU s/page {jn[1] / k:.2f} vs {j1[1] / k:.2f})")
for line in open(failed_file, encoding="utf-8"):
    print("failed: " + " ".join(line.rstrip("\n").split("\t")))
PY
