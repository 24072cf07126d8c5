#!/usr/bin/env bash
# Issue 11: bytes per page and colour kept, on the colour pages of
# tests/colour.rs (a business letter with a blue letterhead, red stamp,
# yellow highlighter, blue signature, green footer and a tinted note box; a
# page of coloured headings with a photo), for
#   ocrpdf (default --mode auto: colour layers),
#   ocrpdf --mode text (the old default: bilevel text, pictures as regions),
#   ocrpdf --mode color --jpeg-quality 75 (the whole page as a JPEG: the
#     look colour layers aim at; the scan is PNG, so without a quality
#     --mode color would store it losslessly at ~2.5 MB),
#   ocrmypdf --optimize 3, and img2pdf of the scan (if installed).
# Colour kept: hue-histogram intersection (12 CIELAB hue sectors, chroma >
# 25) of scan and rendering, by poppler (pdftoppm), MuPDF (mutool draw) and,
# when the Python module pypdfium2 is installed (pip install pypdfium2),
# PDFium, and when node and npm are there, PDF.js (pdfjs-dist 5 with
# @napi-rs/canvas, installed from npm into target/pdfjs on first use). "coloured px" is the rendering's chromatic pixels over the scan's
# (poppler). Also lists the black-ink letter: auto must equal text there.
#
#     benches/colour.sh            (KEEP=1 keeps the work folder)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work_dir ocrpdf-colour
build_ocrpdf
find_img2pdf
log "generating the colour pages in $WORK"
(cd "$ROOT" && cargo run --quiet --release --example gen_pages -- "$WORK" 1 colour)
(cd "$ROOT" && cargo build --quiet --release --example colour_kept)
KEPT="$ROOT/target/release/examples/colour_kept"
PDFIUM=0
if python3 -c 'import pypdfium2' 2>/dev/null; then PDFIUM=1; else
    echo "pypdfium2 not installed (pip install pypdfium2): no PDFium column" >&2
fi
PDFJS=0
PDFJS_DIR="$ROOT/target/pdfjs"
if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -d "$PDFJS_DIR/node_modules/pdfjs-dist" ]; then
        mkdir -p "$PDFJS_DIR"
        (cd "$PDFJS_DIR" && npm install --silent pdfjs-dist@5 @napi-rs/canvas >/dev/null 2>&1) || true
    fi
    if [ -d "$PDFJS_DIR/node_modules/pdfjs-dist" ]; then
        PDFJS=1
        cat > "$PDFJS_DIR/render.mjs" <<'JS'
// PDF.js as a browser would draw page 1, at 300 dpi, into a PNG.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import fs from 'node:fs';
const doc = await getDocument({ data: new Uint8Array(fs.readFileSync(process.argv[2])) }).promise;
const page = await doc.getPage(1);
const viewport = page.getViewport({ scale: 300 / 72 });
const { canvas, context } = doc.canvasFactory.create(Math.round(viewport.width), Math.round(viewport.height));
await page.render({ canvasContext: context, viewport }).promise;
fs.writeFileSync(process.argv[3], canvas.toBuffer('image/png'));
JS
    fi
fi
((PDFJS)) || echo "PDF.js: needs node and npm (apt-get install nodejs npm): no PDF.js column" >&2

render_all() { # PDF PREFIX -> PREFIX-p.png PREFIX-m.png [PREFIX-f.png]
    pdftoppm -r 300 -png -singlefile "$1" "$2-p"
    mutool draw -q -r 300 -c rgb -o "$2-m.png" "$1" 1 2>/dev/null
    if ((PDFIUM)); then
        python3 - "$1" "$2-f.png" <<'PY'
import sys, pypdfium2 as pdfium
page = pdfium.PdfDocument(sys.argv[1])[0]
page.render(scale=300 / 72).to_pil().convert("RGB").save(sys.argv[2])
PY
    fi
    if ((PDFJS)); then
        (cd "$PDFJS_DIR" && node render.mjs "$1" "$2-j.png" 2>/dev/null)
    fi
}

printf '| page | tool | bytes | colour kept (poppler / MuPDF / PDFium / PDF.js) | coloured px |\n|---|---|---:|---|---:|\n'
row() { # PAGE TOOL PDF
    local page="$1" tool="$2" pdf="$3" pre="$WORK/r-$1-$RANDOM"
    render_all "$pdf" "$pre"
    local p m f="-" j="-" ratio
    read -r p ratio < <("$KEPT" "$WORK/$page.png" "$pre-p.png")
    read -r m _ < <("$KEPT" "$WORK/$page.png" "$pre-m.png")
    if ((PDFIUM)); then read -r f _ < <("$KEPT" "$WORK/$page.png" "$pre-f.png"); fi
    if ((PDFJS)); then read -r j _ < <("$KEPT" "$WORK/$page.png" "$pre-j.png"); fi
    printf '| %s | %s | %s | %s / %s / %s / %s | %s |\n' "$page" "$tool" "$(stat -c %s "$pdf")" "$p" "$m" "$f" "$j" "$ratio"
}
for page in letter headings black-letter; do
    in="$WORK/$page.png"
    "$OCRPDF" "$in" -o "$WORK/$page-auto.pdf" 2>/dev/null
    row "$page" "ocrpdf" "$WORK/$page-auto.pdf"
    "$OCRPDF" --mode text "$in" -o "$WORK/$page-text.pdf" 2>/dev/null
    row "$page" "ocrpdf --mode text" "$WORK/$page-text.pdf"
    [[ "$page" == black-letter ]] && continue
    "$OCRPDF" --mode color --jpeg-quality 75 "$in" -o "$WORK/$page-color.pdf" 2>/dev/null
    row "$page" "ocrpdf --mode color" "$WORK/$page-color.pdf"
    if have ocrmypdf && ((${#IMG2PDF[@]})); then
        "${IMG2PDF[@]}" "$in" -o "$WORK/$page-img2pdf.pdf"
        row "$page" "img2pdf" "$WORK/$page-img2pdf.pdf"
        # --optimize 2 and 3 need pngquant; without it, the best that runs.
        for level in 3 1; do
            if ocrmypdf --optimize "$level" "$WORK/$page-img2pdf.pdf" "$WORK/$page-ocrmypdf.pdf" 2>"$WORK/ocrmypdf.log"; then
                row "$page" "ocrmypdf --optimize $level" "$WORK/$page-ocrmypdf.pdf"
                break
            fi
            echo "ocrmypdf --optimize $level failed on $page: $(tail -n 1 "$WORK/ocrmypdf.log")" >&2
        done
    else
        echo "ocrmypdf or img2pdf missing: their rows are skipped" >&2
    fi
done
