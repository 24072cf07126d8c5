# Shared by the comparison scripts in benches/: sourced, not run.
#
# work_dir PREFIX   sets WORK to a fresh /tmp folder, removed on exit unless KEEP=1
# have CMD          CMD is on PATH
# log MSG…          progress line on stderr
# timed CMD…        runs CMD; leaves wall seconds in WALL and CPU seconds
#                   (user + system, children included) in CPU; returns CMD's status
# build_ocrpdf      builds the release binary and sets OCRPDF to its path
#                   (an OCRPDF set by the caller is used as it is)
# find_img2pdf      sets IMG2PDF to an img2pdf command (array), empty if none
# ocrmypdf_job …    times ocrmypdf on IMAGES the same way for every script

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

work_dir() {
    WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
    trap 'if [[ "${KEEP:-0}" == 1 ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi' EXIT
}

have() { command -v "$1" >/dev/null 2>&1; }

log() { echo "== $*" >&2; }

# CMD's own stderr goes wherever the caller sent timed's.
timed() {
    local tf="$WORK/time.txt" rc=0 user sys
    local TIMEFORMAT='%R %U %S'
    { time "$@" 2>&3; } 3>&2 2>"$tf" || rc=$?
    read -r WALL user sys <"$tf"
    CPU="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    return "$rc"
}

build_ocrpdf() {
    if [[ -n "${OCRPDF:-}" ]]; then
        [[ -x "$OCRPDF" ]] || { echo "OCRPDF=$OCRPDF is not an executable" >&2; exit 1; }
        log "using $OCRPDF"
        return
    fi
    log "building ocrpdf (release)"
    OCRPDF="$(cd "$ROOT" && cargo build --release --bin ocrpdf --message-format=json-render-diagnostics |
        python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "ocrpdf":
        print(m["executable"])')"
    [[ -x "$OCRPDF" ]] || { echo "ocrpdf binary not found after build" >&2; exit 1; }
}

# The img2pdf command, or Debian's python3-img2pdf module that ocrmypdf
# itself depends on.
find_img2pdf() {
    IMG2PDF=()
    if have img2pdf; then
        IMG2PDF=(img2pdf)
    elif /usr/bin/python3 -c 'import img2pdf' >/dev/null 2>&1; then
        IMG2PDF=(/usr/bin/python3 -m img2pdf)
    fi
}

# ocrmypdf_job OUT ERRLOG INPUT_PDF ARGS…
# Times ocrmypdf ARGS on the pages in IMAGES (N of them): combined losslessly
# into INPUT_PDF with img2pdf (made once, not timed) when it is available,
# else one run per page joined with qpdf. Leaves WALL/CPU from `timed` and a
# remark for the result table in OCRMYPDF_NOTE; returns ocrmypdf's status.
# Needs find_img2pdf first.
ocrmypdf_job() {
    local out="$1" errlog="$2" input="$3"
    shift 3
    local args=("$@")
    OCRMYPDF_NOTE=""
    if ((${#IMG2PDF[@]})); then
        [[ -f "$input" ]] || "${IMG2PDF[@]}" "${IMAGES[@]}" -o "$input"
        timed ocrmypdf "${args[@]}" "$input" "$out" 2>"$errlog" || return
    else
        OCRMYPDF_NOTE="per page (no img2pdf)"
        local parts=() i
        for ((i = 1; i <= N; i++)); do parts+=("$out.part$i.pdf"); done
        per_page() {
            local i
            for ((i = 1; i <= N; i++)); do
                ocrmypdf "${args[@]}" --image-dpi 300 "${IMAGES[i - 1]}" "${parts[i - 1]}" || return
            done
        }
        timed per_page 2>"$errlog" || return
        qpdf --empty --pages "${parts[@]}" -- "$out"
    fi
    if grep -qi jbig2 "$errlog"; then
        OCRMYPDF_NOTE="${OCRMYPDF_NOTE:+$OCRMYPDF_NOTE; }jbig2enc missing: no JBIG2"
    fi
}

# Record that TOOL failed on page NAME, with the last line of LOG, in
# $FAILED (NAME TOOL REASON, tab-separated).
fail() { # NAME TOOL LOG
    printf '%s\t%s\t%s\n' "$1" "$2" "$(grep -v '^\s*$' "$3" 2>/dev/null | tail -n 1 | tr '\t' ' ')" >>"$FAILED"
}

# Set OCRMYPDF_OK to 1 when ocrmypdf and img2pdf (find_img2pdf) are there
# to run its column, else 0 with a note on stderr.
check_ocrmypdf() {
    find_img2pdf
    OCRMYPDF_OK=1
    if ! have ocrmypdf; then
        OCRMYPDF_OK=0
        echo "ocrmypdf not installed: its column will say failed" >&2
    elif ((${#IMG2PDF[@]} == 0)); then
        OCRMYPDF_OK=0
        echo "img2pdf not installed (img2pdf or python3-img2pdf): the ocrmypdf column will say failed" >&2
    fi
}
