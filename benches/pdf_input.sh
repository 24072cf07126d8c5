#!/usr/bin/env bash
# PDF in, the same document out (issue 21): ocrpdf's three policies next to
# OCRmyPDF's on the same generated PDFs, for time, memory, size, pages left
# exactly as they were, and words found.
#
#     benches/pdf_input.sh [SCAN_PAGES]     # default 100
#     KEEP=1 benches/pdf_input.sh 10        # keep the work folder
#     ALL=1 benches/pdf_input.sh            # every policy on scans.pdf too
#
# What it does, in one run:
#   1. writes the inputs with the fixture builders of tests/common/pdfdoc.rs
#      (`cargo test --release --test suite -- --ignored
#      pdf_document::write_bench_files`, PDF_BENCH_DIR=the work folder):
#        mixed.pdf   10 A4 pages, two of each kind: born-digital text (30
#                    lines of DejaVu Sans), a 300-dpi scan, a scan under an
#                    earlier OCR layer (render mode 3), a vector drawing
#                    (text as outlines, two small pictures), text in a font
#                    without a Unicode map; Info and XMP;
#        scans.pdf   SCAN_PAGES A4 300-dpi colour scans (JPEG, 18 lines of
#                    text above a photo), four distinct pages in turn (each
#                    page its own image object): the memory figure;
#      with their truth (mixed.txt, scans.txt: the page texts, form feeds
#      between pages);
#   2. builds ocrpdf in release mode;
#   3. converts each file with
#        ocrpdf              the default policy (--skip-text)
#        ocrpdf --redo-ocr
#        ocrpdf --force-ocr
#        ocrmypdf --skip-text, --redo-ocr, --force-ocr
#      ocrpdf with -j CORES; ocrmypdf with --jobs CORES --output-type pdf
#      (no Ghostscript PDF/A rewrite: this measures editing a PDF, and a
#      PDF/A conversion would touch every page). On scans.pdf every policy
#      does the same work (no page has text), so only the default rows run
#      unless ALL=1;
#   4. prints, per file and tool: wall and CPU seconds per page; peak
#      memory, as /usr/bin/time -v's "Maximum resident set size" (the
#      largest single process) and as the whole process tree's RSS sampled
#      every 0.2 s (ocrmypdf runs workers and Tesseract processes; ocrpdf is
#      one process and pdftoppm); output bytes; pages whose rendering is
#      identical to the input's (pdftoppm -r 50 -gray, per page, compared
#      byte for byte: a kept page renders the same); words found (share of
#      the truth's words of four letters or more that pdftotext finds on
#      their page); and ratios to ocrmypdf with the same policy.
#
# Ratios: "speed x" = ocrmypdf wall time / ocrpdf wall time (above 1:
# ocrpdf faster); "mem x" = ocrpdf tree RSS / ocrmypdf tree RSS (below 1:
# ocrpdf smaller); "size x" = ocrpdf bytes / ocrmypdf bytes.
#
# Outputs go to a mktemp folder under /tmp (removed at the end unless
# KEEP=1); nothing is written into the repository except cargo's target
# folder.
set -euo pipefail

SCAN_PAGES="${1:-100}"
if ! [[ "$SCAN_PAGES" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SCAN_PAGES]" >&2
    exit 1
fi
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-pdf-input
IN="$WORK/in"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
CORES="$(nproc)"

for t in pdftoppm pdftotext pdfinfo /usr/bin/time ps; do
    have "$t" || { echo "$t is required (poppler-utils, time, procps)" >&2; exit 1; }
done

# --- inputs and build --------------------------------------------------------
build_ocrpdf
log "writing the inputs ($SCAN_PAGES scanned pages) in $IN"
(cd "$ROOT" && PDF_BENCH_DIR="$IN" SCAN_PAGES="$SCAN_PAGES" \
    cargo test --quiet --release --test pdf_document -- --ignored --exact pdf_document::write_bench_files >&2)
FILES=(mixed scans)

# --- measuring ---------------------------------------------------------------
# RSS in kB of process PID and all its descendants.
tree_rss() {
    ps -eo pid=,ppid=,rss= | awk -v root="$1" '
        { parent[$1] = $2; rss[$1] = $3 }
        END {
            for (p in rss) {
                q = p
                while (q != root && q in parent && q > 1) q = parent[q]
                if (q == root) sum += rss[p]
            }
            print sum + 0
        }'
}

# measure LOG CMD…: runs CMD under /usr/bin/time -v, sampling the process
# tree's RSS. Leaves WALL, CPU (seconds), MAXRSS and TREERSS (MB); returns
# CMD's status.
measure() {
    local log="$1" tf="$WORK/time.txt" peak=0 now rc=0
    shift
    /usr/bin/time -v -o "$tf" "$@" 2>"$log" &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now="$(tree_rss "$pid")"
        ((now > peak)) && peak=$now
        sleep 0.2
    done
    wait "$pid" || rc=$?
    WALL="$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tf")"
    CPU="$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$tf")"
    MAXRSS="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tf")"
    TREERSS="$((peak / 1024))"
    return "$rc"
}

# Per-page renders of PDF into DIR (pdftoppm -r 50 -gray), for comparing.
renders() { # PDF DIR
    mkdir -p "$2"
    pdftoppm -r 50 -gray "$1" "$2/p"
}

# Pages of OUT that render exactly as the same page of the input NAME.
same_pages() { # NAME OUT
    local dir="$WORK/render/$1.$(basename "$2" .pdf)" n=0 f
    renders "$2" "$dir"
    for f in "$WORK/render/$1.in"/p-*.pgm; do
        cmp -s "$f" "$dir/$(basename "$f")" && n=$((n + 1))
    done
    rm -rf "$dir"
    echo "$n"
}

# record FILE TOOL POLICY WALL CPU MAXRSS TREERSS BYTES SAME OUT NOTE
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# run FILE TOOL POLICY: convert IN/FILE.pdf with TOOL (ocrpdf, ocrmypdf) and
# POLICY (default, --redo-ocr, --force-ocr) and record the row.
run() {
    local name="$1" tool="$2" policy="$3" cmd
    local tag="$name.$tool.${policy#--}"
    local in="$IN/$name.pdf" out="$WORK/out/$tag.pdf" log="$WORK/out/$tag.log"
    mkdir -p "$WORK/out"
    if [[ "$tool" == ocrpdf ]]; then
        cmd=("$OCRPDF" -q -j "$CORES" "$in" -o "$out")
        [[ "$policy" == default ]] || cmd+=("$policy")
    else
        local peer="$policy"
        [[ "$peer" == default ]] && peer=--skip-text
        cmd=(ocrmypdf -q --jobs "$CORES" --output-type pdf "$peer" "$in" "$out")
    fi
    log "$name: $tool $policy"
    if ! measure "$log" "${cmd[@]}"; then
        local why
        why="$(grep -m 1 -i 'error' "$log" || grep -v '^\s*$' "$log" | tail -n 1)"
        record "$name" "$tool" "$policy" fail 0 0 0 0 0 - "failed: ${why//$'\t'/ }"
        return
    fi
    record "$name" "$tool" "$policy" "$WALL" "$CPU" "$MAXRSS" "$TREERSS" \
        "$(stat -c %s "$out")" "$(same_pages "$name" "$out")" "$out" ""
}

OCRMYPDF=1
have ocrmypdf || { OCRMYPDF=0; echo "ocrmypdf not installed: its rows are left out" >&2; }

for name in "${FILES[@]}"; do
    renders "$IN/$name.pdf" "$WORK/render/$name.in"
    policies=(default --redo-ocr --force-ocr)
    if [[ "$name" == scans && "${ALL:-0}" != 1 ]]; then policies=(default); fi
    for policy in "${policies[@]}"; do
        run "$name" ocrpdf "$policy"
        if ((OCRMYPDF)); then run "$name" ocrmypdf "$policy"; fi
    done
done

# --- table -------------------------------------------------------------------
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $CORES cores; mixed.pdf: $(pdfinfo "$IN/mixed.pdf" | awk '/^Pages:/ {print $2}') pages," \
    "$(stat -c %s "$IN/mixed.pdf") bytes; scans.pdf: $SCAN_PAGES pages, $(stat -c %s "$IN/scans.pdf") bytes"
python3 - "$RESULTS" "$IN" <<'PY'
import subprocess, sys

results, indir = sys.argv[1], sys.argv[2]

def words(text):
    return ["".join(c for c in w if c.isalnum()) for w in text.split()]

def recall(name, out):
    truth = open(f"{indir}/{name}.txt", encoding="utf-8").read().split("\f")
    got = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True,
                         errors="replace").stdout.split("\f")
    want = found = 0
    for i, t in enumerate(truth):
        page = words(got[i]) if i < len(got) else []
        pool = {}
        for w in page:
            pool[w] = pool.get(w, 0) + 1
        for w in words(t):
            if len(w) < 4:
                continue
            want += 1
            if pool.get(w, 0) > 0:
                pool[w] -= 1
                found += 1
    return 100.0 * found / max(want, 1)

def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int(next(l.split()[1] for l in out.splitlines() if l.startswith("Pages:")))

rows = []
for line in open(results, encoding="utf-8"):
    name, tool, policy, wall, cpu, maxrss, tree, size, same, out, note = line.rstrip("\n").split("\t")
    rows.append(dict(name=name, tool=tool, policy=policy, failed=wall == "fail", wall=float(wall) if wall != "fail" else 0,
                     cpu=float(cpu), maxrss=int(maxrss), tree=int(tree), size=int(size), same=int(same), out=out, note=note))
peers = {(r["name"], r["policy"]): r for r in rows if r["tool"] == "ocrmypdf" and not r["failed"]}

head = (f"{'file':<7}{'tool':<10}{'policy':<12}{'s/page':>8}{'CPU s/p':>9}{'max MB':>8}{'tree MB':>9}"
        f"{'bytes/page':>12}{'same':>8}{'words %':>9}{'speed x':>9}{'mem x':>7}{'size x':>8}")
print(head)
print("-" * len(head))
for r in rows:
    label = f"{r['name']:<7}{r['tool']:<10}{r['policy']:<12}"
    if r["failed"]:
        print(f"{label}{r['note']}")
        continue
    n = pages(f"{indir}/{r['name']}.pdf")
    speed = mem = size = ""
    peer = peers.get((r["name"], r["policy"]))
    if r["tool"] == "ocrpdf" and peer:
        speed = f"{peer['wall'] / r['wall']:.2f}" if r["wall"] else ""
        mem = f"{r['tree'] / peer['tree']:.2f}" if peer["tree"] else ""
        size = f"{r['size'] / peer['size']:.2f}"
    print(f"{label}{r['wall'] / n:>8.2f}{r['cpu'] / n:>9.2f}{r['maxrss']:>8}{r['tree']:>9}"
          f"{r['size'] / n:>12.0f}{str(r['same']) + '/' + str(n):>8}{recall(r['name'], r['out']):>9.1f}"
          f"{speed:>9}{mem:>7}{size:>8}")
print()
print("same = pages rendering exactly as the input's; words % = truth words (4+ letters) pdftotext finds on their page")
print("speed x = ocrmypdf wall / ocrpdf wall (>1: ocrpdf faster); mem x = ocrpdf tree MB / ocrmypdf tree MB;")
print("size x = ocrpdf bytes / ocrmypdf bytes; ocrmypdf: --output-type pdf --jobs N, default policy row = --skip-text")
PY
