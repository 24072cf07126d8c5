#!/usr/bin/env bash
# The symbol-coded JBIG2 pages of samples/ (and a halftone's generic
# region in template 2) decoded by PDFium (PyPI
# pypdfium2) and PDF.js (npm pdfjs-dist 4.10.38, which runs on Node 18+)
# next to poppler (pdfimages) and MuPDF (mutool draw), compared bit for bit.
# Both are installed into the work folder (a venv, a node_modules), never
# system-wide; the normal suite checks jbig2dec, poppler and MuPDF.
#
#     benches/jbig2_readers.sh [OCRPDF]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work_dir jbig2-readers
here="$(cd "$(dirname "$0")" && pwd)"
if [[ -n "${1:-}" ]]; then OCRPDF="$1"; else build_ocrpdf; fi
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q pypdfium2 pillow
(cd "$WORK" && npm install --silent pdfjs-dist@4.10.38 >/dev/null)
cp "$here/jbig2_readers/pdfjs_check.mjs" "$WORK/"
pairs=()
# A dithered halftone, black and white already (so it stays bilevel): its
# generic region takes template 2, which the samples' pages never do.
"$WORK/venv/bin/python" - "$WORK/halftone.png" <<'PY'
import math, random, sys
from PIL import Image
random.seed(5)
im = Image.new("1", (900, 700), 1)
px = im.load()
for y in range(700):
    for x in range(900):
        if random.random() < 0.5 + 0.15 * math.sin(x / 90) * math.cos(y / 70):
            px[x, y] = 0
im.save(sys.argv[1], dpi=(300, 300))
PY
for img in "$ROOT"/samples/*.jpg "$WORK/halftone.png"; do
    name="$(basename "${img%.*}")"
    coding=jbig2-symbols
    [[ "$name" == halftone ]] && coding=jbig2-generic
    SOURCE_DATE_EPOCH=1700000000 OMP_THREAD_LIMIT=1 "$OCRPDF" -q --bilevel "$coding" \
        -o "$WORK/$name.pdf" "$img"
    pdfimages -png -f 1 -l 1 "$WORK/$name.pdf" "$WORK/$name-poppler"
    ref="$WORK/$name-poppler-000.png"
    pairs+=("$WORK/$name.pdf" "$ref")
    # The expected bits as 0/1 text for the PDF.js check.
    "$WORK/venv/bin/python" - "$ref" "$WORK/$name.txt" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("L")
open(sys.argv[2], "w").write("".join("1" if p < 128 else "0" for p in im.tobytes()))
print(*im.size, file=open(sys.argv[2] + ".size", "w"))
PY
    read -r w h <"$WORK/$name.txt.size"
    (cd "$WORK" && node pdfjs_check.mjs "$name.pdf" "$name.txt" "$w" "$h")
done
"$WORK/venv/bin/python" "$here/jbig2_readers/pdfium_check.py" "${pairs[@]}"
