#!/usr/bin/env bash
# Bytes per page of ocrpdf next to its peers, on text pages and on mixed
# (text + colour photo) pages, with the legibility that size was bought with.
#
#     benches/sizes.sh [PAGES]          # default 3 pages of each kind
#     KEEP=1 benches/sizes.sh 2         # keep the work folder for inspection
#
# What it does, in one run:
#   1. generates two page sets with the gen_pages example, PAGES each, A4
#      300 dpi RGB PNG with their ground truth (pageNN.txt):
#        text    `typical` degraded office scans, text only;
#        mixed   the same pages with two colour photos over ~44% of the page
#                (magazine-like; the text flows around them);
#   2. builds ocrpdf in release mode;
#   3. converts each set, one multi-page PDF per tool and set, with:
#        ocrpdf                  the default (auto mode: bilevel text,
#                                pictures in JPEG);
#        ocrpdf color q75        --mode color --jpeg-quality 75: the whole
#                                page as one colour JPEG, for reference;
#        ocrmypdf -O3            --clean --deskew --rotate-pages --jobs 2
#                                --optimize 3, default output (PDF/A through
#                                Ghostscript), as its users get it;
#        ocrmypdf -O3 pdf        the same with --output-type pdf (no
#                                Ghostscript PDF/A rewrite);
#        tesseract               bare `tesseract IMG OUT pdf`, one PDF per
#                                page (sizes summed);
#        input PNG               the scans themselves, for reference;
#   4. prints bytes/page for each set, the ratio ocrpdf/tool (ocrpdf = the
#      default row; below 1: ocrpdf is smaller), the character error rate of
#      pdftotext against the truth (so size is never bought with legibility)
#      with `pdftotext -raw`'s in brackets, and wall seconds/page;
#   5. prints a second table of what is inside: the codecs ocrpdf's
#      --report names per page (`pages[].codec`), the share of the page
#      area stored as grey or colour images ("tone %": about 44% or more on
#      mixed pages means the photos kept their colour; less means parts of
#      them were made bilevel), and the images `pdfimages -list` finds, per
#      page, as encoding/colour×count.
#
# ocrmypdf is fed as in benches/compare.sh: the PNGs are combined losslessly
# into one PDF per set with img2pdf (not timed); without img2pdf it runs once
# per page with --image-dpi 300 and the pages are joined with qpdf. Without
# jbig2enc ocrmypdf cannot use JBIG2, and the row says so. A missing or
# failing tool gives a skipped row with the reason, not an aborted run.
#
# CER is the Levenshtein distance over the truth's length, whitespace runs
# folded to one space (benches/cer.py), summed over the set's pages. The
# first figure uses pdftotext's default reading order (what a reader
# copies), the bracketed one `pdftotext -raw` (content-stream order), which
# shows what the engine recognised even where a skewed text layer (bare
# tesseract does not deskew) scrambles the order. On mixed pages both also
# count any text a tool invents inside the photos.
#
# Slow: ocrmypdf takes ~15 s/page per row on 2 cores; PAGES=2 is enough for
# a table. Outputs go to a mktemp folder under /tmp (removed at the end
# unless KEEP=1); nothing is written into the repository except cargo's
# target folder (set CARGO_TARGET_DIR to put it elsewhere).
set -euo pipefail

N="${1:-3}"
if ! [[ "$N" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [PAGES]" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-sizes
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
SETS=(text mixed)

for t in pdftotext pdfinfo pdfimages; do
    have "$t" || { echo "$t (poppler-utils) is required" >&2; exit 1; }
done

# --- pages and build -------------------------------------------------------
declare -A IMAGES_OF # set -> its PNGs, newline-separated
gen_set() {          # SET MODE
    log "generating $N $2 pages in $WORK/$1"
    (cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$WORK/$1" "$N" "$2")
    IMAGES_OF[$1]="$(ls "$WORK/$1"/page*.png)"
}
gen_set text typical
gen_set mixed mixed

build_ocrpdf
find_img2pdf

images() { mapfile -t IMAGES <<<"${IMAGES_OF[$1]}"; } # SET -> IMAGES array

# record NAME SET STATUS WALL_S BYTES TEXT_DIR REPORT PDFS NOTE
# STATUS is ok or skip (then NOTE is the reason); PDFS is a space-separated
# list (the work folder has no spaces); "-" where a field does not apply.
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }
skip() { record "$1" "$2" skip 0 0 - - - "$3"; } # NAME SET REASON

# pdftotext of a PDF, one file per page (pageNN.txt, NN counted from FIRST,
# default 1), as in compare.sh: DIR gets the default reading order (what a
# reader copies), DIR.raw gets -raw (content-stream order, what the engine
# recognised even where a skewed text layer scrambles the reading order).
extract() { # PDF DIR [FIRST]
    mkdir -p "$2" "$2.raw"
    local pages i name
    pages="$(pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }')"
    for ((i = 1; i <= ${pages:-0}; i++)); do
        name="$(printf 'page%02d' $((i + ${3:-1} - 1))).txt"
        pdftotext -f "$i" -l "$i" "$1" "$2/$name" 2>/dev/null || : >"$2/$name"
        pdftotext -raw -f "$i" -l "$i" "$1" "$2.raw/$name" 2>/dev/null || : >"$2.raw/$name"
    done
}

last_line() { tail -n 1 "$1" | cut -c1-120; }

# --- ocrpdf ----------------------------------------------------------------
run_ocrpdf() { # NAME TAG SET [ARGS...]
    local name="$1" tag="$2-$3" set="$3"
    shift 3
    local out="$WORK/$tag.pdf" report="$WORK/$tag.json"
    images "$set"
    log "$name on $set pages"
    if ! timed "$OCRPDF" --quiet "${IMAGES[@]}" -o "$out" --report "$report" "$@" 2>"$WORK/$tag.log"; then
        skip "$name" "$set" "failed: $(last_line "$WORK/$tag.log")"
        return
    fi
    extract "$out" "$WORK/$tag.txt.d"
    record "$name" "$set" ok "$WALL" "$(stat -c %s "$out")" "$WORK/$tag.txt.d" "$report" "$out" ""
}

# --- ocrmypdf --------------------------------------------------------------
run_ocrmypdf() { # NAME TAG SET [EXTRA ARGS...]
    local name="$1" tag="$2-$3" set="$3"
    shift 3
    if ! have ocrmypdf; then
        skip "$name" "$set" "ocrmypdf not installed"
        return
    fi
    local out="$WORK/$tag.pdf" errlog="$WORK/$tag.log"
    images "$set"
    log "$name on $set pages"
    if ! ocrmypdf_job "$out" "$errlog" "$WORK/$set-input.pdf" \
        --clean --deskew --rotate-pages --jobs 2 --optimize 3 "$@"; then
        skip "$name" "$set" "failed: $(last_line "$errlog")"
        return
    fi
    local note="$OCRMYPDF_NOTE"
    extract "$out" "$WORK/$tag.txt.d"
    record "$name" "$set" ok "$WALL" "$(stat -c %s "$out")" "$WORK/$tag.txt.d" - "$out" "$note"
}

# --- bare tesseract ---------------------------------------------------------
run_tesseract() { # NAME SET
    local name="$1" set="$2" dir="$WORK/tess-$2" bytes=0 pdfs=() i
    if ! have tesseract; then
        skip "$name" "$set" "tesseract not installed"
        return
    fi
    images "$set"
    log "$name on $set pages"
    mkdir -p "$dir"
    each_page() {
        local img
        for img in "${IMAGES[@]}"; do
            tesseract "$img" "$dir/$(basename "$img" .png)" pdf >/dev/null || return
        done
    }
    if ! timed each_page 2>"$dir.log"; then
        skip "$name" "$set" "failed: $(last_line "$dir.log")"
        return
    fi
    for ((i = 1; i <= N; i++)); do
        pdfs+=("$dir/$(printf 'page%02d' "$i").pdf")
        bytes=$((bytes + $(stat -c %s "${pdfs[i - 1]}")))
        extract "${pdfs[i - 1]}" "$dir.txt.d" "$i"
    done
    record "$name" "$set" ok "$WALL" "$bytes" "$dir.txt.d" - "${pdfs[*]}" "one PDF per page"
}

for set in "${SETS[@]}"; do
    run_ocrpdf "ocrpdf" ocrpdf "$set"
    run_ocrpdf "ocrpdf color q75" ocrpdf-color "$set" --mode color --jpeg-quality 75
    run_ocrmypdf "ocrmypdf -O3" ocrmypdf "$set"
    run_ocrmypdf "ocrmypdf -O3 pdf" ocrmypdf-pdf "$set" --output-type pdf
    run_tesseract "tesseract" "$set"
    images "$set"
    bytes=0
    for img in "${IMAGES[@]}"; do bytes=$((bytes + $(stat -c %s "$img"))); done
    record "input PNG" "$set" ok 0 "$bytes" - - - ""
done

# --- tables ----------------------------------------------------------------
echo
echo "$N pages per set, A4 300 dpi RGB PNG, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
BENCHES="$ROOT/benches" python3 - "$RESULTS" "$WORK" "$N" <<'PY'
import collections, json, os, subprocess, sys

results, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
SETS = ("text", "mixed")
BASE = "ocrpdf"

sys.path.insert(0, os.environ["BENCHES"])
from cer import lev, norm  # noqa: E402

def cer(set_, textdir):
    dist = total = 0
    for i in range(1, n + 1):
        name = "page%02d.txt" % i
        truth = norm(open(os.path.join(work, set_, name), encoding="utf-8").read())
        try:
            got = norm(open(os.path.join(textdir, name), encoding="utf-8", errors="replace").read())
        except FileNotFoundError:
            got = ""
        dist += lev(truth, got)
        total += len(truth)
    return dist / max(total, 1)

def pdf_images(pdfs):
    """pdfimages -list: per page on average, 'enc/colour×count' items, and
    the share of the page area covered by grey or colour (not 1-bit)
    images, which shows how much of a page was kept in tone."""
    count = collections.Counter()
    tone = paper = 0.0
    for pdf in pdfs.split():
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages, size = 0, 0.0
        for line in info.splitlines():
            f = line.split()
            if line.startswith("Pages:"):
                pages = int(f[1])
            elif line.startswith("Page size:"):
                size = float(f[2]) * float(f[4]) / 72 / 72  # square inches
        paper += pages * size
        out = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
        for line in out.splitlines()[2:]:
            # page num type width height color comp bpc enc interp object ID x-ppi y-ppi …
            f = line.split()
            if len(f) < 14:
                continue
            count[f"{f[8]}/{f[5]}" + ("" if f[2] == "image" else f" {f[2]}")] += 1
            if f[2] == "image" and f[7] != "1":
                tone += int(f[3]) / float(f[12]) * int(f[4]) / float(f[13])
    items = " ".join(f"{k}×{v / n:g}" for k, v in sorted(count.items())) or "none"
    return items, f"{100 * tone / paper:.0f}" if paper else "-"

def codecs(report):
    try:
        pages = json.load(open(report, encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError) as e:
        return f"(no report: {e})"
    count = collections.Counter(p.get("codec", "?") for p in pages)
    return " ".join(f"{k}×{v}" for k, v in sorted(count.items()))

rows = collections.OrderedDict()
for line in open(results, encoding="utf-8"):
    name, set_, status, wall, size, textdir, report, pdfs, note = line.rstrip("\n").split("\t")
    r = dict(status=status, wall=float(wall), size=int(size), textdir=textdir,
             report=report, pdfs=pdfs, note=note)
    rows.setdefault(name, {})[set_] = r

def ok(name, set_):
    r = rows.get(name, {}).get(set_)
    return r if r and r["status"] == "ok" else None

head = (f"{'tool':<18}{'text B/page':>13}{'mixed B/page':>14}{'x text':>8}{'x mixed':>9}"
        f"{'CER% text (raw)':>17}{'CER% mixed (raw)':>18}{'s/page':>8}  notes")
print(head)
print("-" * len(head))
for name, sets in rows.items():
    cells, notes, walls = {}, [], []
    for s in SETS:
        r = ok(name, s)
        if not r:
            reason = sets.get(s, {}).get("note", "not run")
            notes.append(f"{s}: skipped, {reason}")
            cells[s] = dict(bpp="skipped", x="", cer="")
            continue
        base = ok(BASE, s)
        cells[s] = dict(
            bpp=f"{r['size'] / n:.0f}",
            x=f"{base['size'] / r['size']:.3f}" if base else "",
            cer=(f"{100 * cer(s, r['textdir']):.2f} ({100 * cer(s, r['textdir'] + '.raw'):.2f})"
                 if r["textdir"] != "-" else "-"),
        )
        if r["wall"]:
            walls.append(r["wall"])
        if r["note"] and r["note"] not in notes:
            notes.append(r["note"])
    spp = f"{sum(walls) / (n * len(walls)):.1f}" if walls else "-"
    t, m = cells["text"], cells["mixed"]
    print(f"{name:<18}{t['bpp']:>13}{m['bpp']:>14}{t['x']:>8}{m['x']:>9}"
          f"{t['cer']:>17}{m['cer']:>18}{spp:>8}  {'; '.join(notes)}".rstrip())
print()
print(f"x = {BASE} bytes / tool bytes (below 1: {BASE} is smaller);")
print("CER% = pdftotext vs truth, reading order (content-stream order, pdftotext -raw);")
print("s/page = wall seconds per page, both sets")
print()
head = f"{'tool':<18}{'set':<7}{'ocrpdf report codecs (pages)':<30}{'tone %':>7}  pdfimages -list, per page"
print(head)
print("-" * (len(head) + 16))
for name, sets in rows.items():
    for s in SETS:
        r = ok(name, s)
        if not r or r["pdfs"] == "-":
            continue
        c = codecs(r["report"]) if r["report"] != "-" else "-"
        items, tone = pdf_images(r["pdfs"])
        print(f"{name:<18}{s:<7}{c:<30}{tone:>7}  {items}")
print()
print("tone % = page area covered by grey or colour images (the photos cover ~44% of a mixed page)")
PY
