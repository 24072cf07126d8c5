#!/usr/bin/env bash
# Latency and throughput of `ocrpdf watch` on generated A4 scans.
#
#     benches/watch.sh [BULK] [SETTLE]     # defaults: 50 files, 5 s (the default settle)
#     KEEP=1 benches/watch.sh              # keep the work folder
#
# Generates BULK+3 scan-like A4 pages at 300 dpi (gen_pages example,
# "typical" damage, RGB PNG), then:
#   1. page time: `ocrpdf PAGE -o X.pdf` on one page, once per page for the
#      three latency pages (a one-shot run: start-up, model loading, one page);
#   2. latency: a watcher runs on an empty inbox; each of the three pages is
#      written into it the way a network scanner does (8 chunks, 50 ms
#      apart), and the time from the last write to the PDF appearing in the
#      outbox is measured (polled every 10 ms). The first one includes the
#      watcher's model loading. Target: settle + 1.5 × page time;
#   3. throughput: BULK pages are copied into the inbox at once (a bulk
#      drop); the clock runs from the drop until every PDF is in place and
#      every original in .done. Compared with one `ocrpdf *.png -o` job of
#      the same pages (the best case: one document, no settle).
# Everything uses all cores (-j default).
set -euo pipefail

BULK="${1:-50}"
SETTLE="${2:-5}"
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work_dir ocrpdf-watch
cd "$ROOT"
cargo build --release --quiet --example gen_pages --bin ocrpdf
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OCRPDF="$TARGET/release/ocrpdf"
export OMP_THREAD_LIMIT=1

log "generating $((BULK + 3)) A4 pages"
"$TARGET/release/examples/gen_pages" "$WORK/pages" "$((BULK + 3))" typical
mkdir -p "$WORK/latency" "$WORK/bulk"
for i in 1 2 3; do mv "$WORK/pages/page$(printf %02d "$i").png" "$WORK/latency/"; done
mv "$WORK"/pages/*.png "$WORK/bulk/"

log "page time (one-shot ocrpdf, one page)"
PAGE_TIMES=()
for f in "$WORK"/latency/*.png; do
    timed "$OCRPDF" -q "$f" -o "$WORK/oneshot.pdf"
    PAGE_TIMES+=("$WALL")
done

mkdir -p "$WORK/in"
"$OCRPDF" watch "$WORK/in" --out "$WORK/out" --settle "$SETTLE" --json \
    >"$WORK/watch.json" 2>"$WORK/watch.log" &
WATCHER=$!
trap 'kill -INT $WATCHER 2>/dev/null; wait $WATCHER 2>/dev/null; if [[ "${KEEP:-0}" == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi' EXIT
until grep -q "watching " "$WORK/watch.log"; do sleep 0.1; done

log "latency (settle $SETTLE s)"
LATENCIES="$(python3 - "$WORK" <<'EOF'
import os, sys, time
work = sys.argv[1]
for name in sorted(os.listdir(f"{work}/latency")):
    data = open(f"{work}/latency/{name}", "rb").read()
    step = -(-len(data) // 8)
    with open(f"{work}/in/{name}", "wb") as f:
        for k in range(0, len(data), step):
            f.write(data[k:k + step]); f.flush(); os.fsync(f.fileno())
            time.sleep(0.05)
        last = time.monotonic()
    pdf = f"{work}/out/{name[:-4]}.pdf"
    while not os.path.exists(pdf):
        time.sleep(0.01)
    print(f"{time.monotonic() - last:.2f}")
EOF
)"

log "throughput: $BULK files dropped at once"
t0=$(date +%s.%N)
cp "$WORK"/bulk/*.png "$WORK/in/"
python3 - "$WORK" "$BULK" <<'EOF'
import os, sys, time
work, n = sys.argv[1], int(sys.argv[2]) + 3
while len([f for f in os.listdir(f"{work}/in/.done")] if os.path.isdir(f"{work}/in/.done") else []) < n:
    time.sleep(0.05)
EOF
t1=$(date +%s.%N)
BULK_WALL=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
kill -INT $WATCHER; wait $WATCHER || true
if grep -q '"status":"failed"' "$WORK/watch.json"; then
    echo "some documents failed:" >&2; grep failed "$WORK/watch.json" >&2; exit 1
fi
PDFS=$(find "$WORK/out" -maxdepth 1 -name '*.pdf' | wc -l)
[[ "$PDFS" == "$((BULK + 3))" ]] || { echo "expected $((BULK + 3)) PDFs, found $PDFS" >&2; exit 1; }

log "the same $BULK pages as one ocrpdf job"
timed "$OCRPDF" -q "$WORK"/bulk/*.png -o "$WORK/onejob.pdf"
ONEJOB_WALL=$WALL

echo
echo "cores: $(env -u OMP_THREAD_LIMIT nproc), settle: $SETTLE s, load average: $(cut -d" " -f1-3 /proc/loadavg)"
printf '%-8s %10s %12s %10s %8s\n' page "page s" "latency s" "target s" ok
i=0
for lat in $LATENCIES; do
    pt=${PAGE_TIMES[$i]}
    python3 -c "
pt, lat, s = $pt, $lat, $SETTLE
target = s + 1.5 * pt
print(f'{$i + 1:<8} {pt:10.2f} {lat:12.2f} {target:10.2f} {\"yes\" if lat <= target else \"NO\":>8}')"
    i=$((i + 1))
done
python3 -c "
n, w, o = $BULK, $BULK_WALL, $ONEJOB_WALL
print(f'bulk drop: {n} files in {w:.1f} s = {w / n:.2f} s/page, {60 * n / w:.1f} pages/min')
print(f'one job:   {n} pages in {o:.1f} s = {o / n:.2f} s/page, {60 * n / o:.1f} pages/min')"
