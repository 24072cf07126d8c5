# Shared by the comparison scripts in benches/: sourced, not run.
#
# work_dir PREFIX   sets WORK to a fresh /tmp folder, removed on exit unless KEEP=1
# have CMD          CMD is on PATH
# log MSG…          progress line on stderr
# timed CMD…        runs CMD; leaves wall seconds in WALL and CPU seconds
#                   (user + system, children included) in CPU; returns CMD's status
# build_ocrpdf      builds the release binary and sets OCRPDF to its path
# find_img2pdf      sets IMG2PDF to an img2pdf command (array), empty if none

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
