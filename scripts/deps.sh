#!/usr/bin/env bash
# Installs the Debian packages ocrpdf needs to build, run and test, when any
# is missing. Safe to run again: it does nothing when all are present.
#
#   bash scripts/deps.sh                   build, run and test (and the tests' Python tools)
#   bash scripts/deps.sh --build [PKG...]  only what building needs, plus PKG...
#                                          (scripts/package.sh: `--build dpkg-dev`)
set -euo pipefail

build_only=0
extra=()
if [ "${1:-}" = --build ]; then
  build_only=1
  shift
  extra=("$@")
fi

build=(
  gcc libc6-dev pkg-config               # linking, finding libtesseract
  clang libclang-dev                     # bindgen for tesseract-sys
  libtesseract-dev libleptonica-dev      # the OCR engine
)
packages=(
  "${build[@]}"
  tesseract-ocr-eng tesseract-ocr-osd    # English model, orientation model
  poppler-utils                          # pdftoppm renders non-scan PDF input; tests: pdftotext/pdfimages
  libheif-examples                       # heif-convert decodes HEIC/AVIF input; tests: heif-enc makes them
  qpdf fonts-dejavu-core                 # tests: qpdf --check, a real font
  tesseract-ocr-ell tesseract-ocr-rus    # tests: Greek, Cyrillic text layer
  tesseract-ocr-heb tesseract-ocr-deu    # tests: right-to-left text, accents
  liblcms2-utils                         # tests: transicc reads the PDF/A colour profile
  mupdf-tools                            # tests: a second JBIG2 decoder and text extractor (mutool draw)
  jbig2dec                               # tests: the JBIG2 decoder MuPDF links, run on its own
  djvulibre-bin                          # benches/jbig2.sh: cjb2 -lossless, the DjVu symbol coder, for reference
  python3-venv                           # tests: the Python tools below, in a venv under target/
  parallel                               # tests: README's GNU parallel line for ocrpdf batch
  time                                   # tests: peak memory of a PDF-in run (/usr/bin/time -v)
  postgresql                             # tests: ocrpdf worker's job queue (a private cluster per test)
  systemd                                # tests: systemd-analyze verify of the watch service's unit
)
if ((build_only)); then
  packages=("${build[@]}" "${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ((build_only)); then exit 0; fi

# Python tools the tests run, pinned, in a venv under target/ (never the
# system's Python): kubernetes-validate checks README's Kubernetes Job
# against the Kubernetes schema (offline, the schemas ship in the package);
# moto's server is the S3-compatible store of the worker tests (5.2.5
# answers 412 to a create-only put on an existing key; 5.2.0 answered 500).
venv="$(cd "$(dirname "$0")/.." && pwd)/target/pytools"
python_tools=(kubernetes-validate==1.37.0 "moto[server]==5.2.5")
stamp="$venv/.installed-$(printf '%s ' "${python_tools[@]}" | md5sum | cut -c1-12)"
if [ ! -e "$stamp" ]; then
  echo "Installing into $venv: ${python_tools[*]}" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${python_tools[@]}"
  touch "$stamp"
fi
