#!/usr/bin/env bash
# Installs the package scripts/package.sh built (target/debian/ocrpdf_*.deb)
# and checks it as a user meets it: apt pulls its dependencies, the
# installed ocrpdf converts samples/, `man -w ocrpdf` finds the page, bash
# completes `ocrpdf --bil` to `--bilevel` (and -l to an installed language),
# the .deb holds every file it should, and `systemd-analyze verify` accepts
# ocrpdf-watch@.service (with Debian's systemd installed; it need not run).
#
#   bash scripts/package.sh && bash scripts/package-check.sh [--purge-build-deps]
#
# For a throwaway Debian 12 machine or CI, such as ../shared/fresh-debian.sh:
# it installs packages system-wide (apt-get, as root or through sudo), the
# .deb among them. --purge-build-deps first removes what building installed
# (libtesseract, Leptonica, the models, poppler-utils) so that installing
# the .deb must bring them back through its own dependencies.
# Ends with one line: `RESULT: PASS …` or `RESULT: FAIL …` (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."

purge=0
case "${1:-}" in
  --purge-build-deps) purge=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge-build-deps]" >&2; exit 2 ;;
esac

fail() {
  echo "package-check: $*" >&2
  echo "RESULT: FAIL ($*)"
  exit 1
}
ok() { echo "package-check: ok: $*" >&2; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "need root or sudo to install packages"
  sudo=sudo
fi
apt_install() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

target="${CARGO_TARGET_DIR:-target}"
deb=$(ls -t "$target"/debian/ocrpdf_*.deb 2>/dev/null | head -n 1) ||
  true
[ -n "$deb" ] || fail "no $target/debian/ocrpdf_*.deb: run scripts/package.sh first"
case "$deb" in /*) ;; *) deb="./$deb" ;; esac  # apt-get takes a path, not a name
echo "package-check: $deb" >&2

# 1. The file list (dpkg-deb --contents): what the package promises.
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's#^\./#/#')
for f in /usr/bin/ocrpdf \
  /usr/share/man/man1/ocrpdf.1.gz \
  /usr/share/man/man1/ocrpdf-watch.1.gz \
  /usr/share/man/man1/ocrpdf-clean.1.gz \
  /usr/share/man/man1/ocrpdf-batch.1.gz \
  /usr/share/man/man1/ocrpdf-separator-sheet.1.gz \
  /usr/share/bash-completion/completions/ocrpdf \
  /usr/share/zsh/vendor-completions/_ocrpdf \
  /usr/share/fish/vendor_completions.d/ocrpdf.fish \
  /lib/systemd/system/ocrpdf-watch@.service \
  /usr/share/doc/ocrpdf/README.md \
  /usr/share/doc/ocrpdf/copyright \
  /usr/share/doc/ocrpdf/changelog.gz \
  /usr/share/doc/ocrpdf/examples/watch.conf; do
  grep -qxF "$f" <<<"$contents" || fail "$f is not in $deb"
done
ok "file list"

# 2. apt installs it and pulls what it needs.
if ((purge)); then
  $sudo apt-get purge -y -qq libtesseract-dev libleptonica-dev libtesseract5 liblept5 \
    tesseract-ocr-eng tesseract-ocr-osd poppler-utils >/dev/null 2>&1 || true
  $sudo apt-get autoremove --purge -y -qq >/dev/null
  for p in libtesseract5 tesseract-ocr-eng tesseract-ocr-osd poppler-utils; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      fail "$p is still installed after --purge-build-deps"
    fi
  done
fi
$sudo apt-get update -qq
apt_install "$deb" || fail "apt-get install $deb failed"
for p in ocrpdf libtesseract5 tesseract-ocr-eng tesseract-ocr-osd poppler-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    fail "$p is not installed after apt-get install $deb"
done
ok "apt-get install $deb (with libtesseract5, tesseract-ocr-eng, tesseract-ocr-osd, poppler-utils)"

# 3. The installed program works.
[ "$(command -v ocrpdf)" = /usr/bin/ocrpdf ] || fail "ocrpdf on PATH is $(command -v ocrpdf), not /usr/bin/ocrpdf"
version=$(ocrpdf --version) || fail "ocrpdf --version failed"
grep -q '^Tesseract [0-9]' <<<"$version" && grep -q '^Leptonica [0-9]' <<<"$version" ||
  fail "ocrpdf --version names no Tesseract or Leptonica version: $version"
ok "ocrpdf --version: $(tr '\n' ' ' <<<"$version")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ocrpdf -q samples/*.jpg -o "$work/out.pdf" || fail "ocrpdf samples/*.jpg -o out.pdf failed"
pages=$(pdfinfo "$work/out.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" = "$(ls samples/*.jpg | wc -l)" ] || fail "out.pdf has $pages pages"
word=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[A-Za-z]+$/ && length($i) >= 6) { print $i; exit } }' samples/page01.txt)
text=$(pdftotext "$work/out.pdf" -)
grep -q "$word" <<<"$text" || fail "out.pdf's text layer lacks '$word'"
ok "ocrpdf samples/*.jpg -o out.pdf: $pages pages, text layer has '$word'"

# 4. man finds the pages.
apt_install man-db bash-completion systemd || fail "apt-get install man-db bash-completion systemd failed"
for page in ocrpdf ocrpdf-watch; do
  man -w "$page" >/dev/null || fail "man -w $page finds nothing"
done
ok "man -w ocrpdf: $(man -w ocrpdf)"

# 5. bash completes options and values, through bash-completion's loader.
complete_words() {
  bash -c '
    source /usr/share/bash-completion/bash_completion
    __load_completion ocrpdf || exit 3
    fn=$(complete -p ocrpdf | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" ocrpdf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' complete "$@"
}
# (Each answer is kept before grep reads it: grep -q stopping early must
# not fail the pipeline.)
got=$(complete_words ocrpdf --bil)
[ "$got" = --bilevel ] || fail "bash completes 'ocrpdf --bil' to '$got'"
got=$(complete_words ocrpdf --mode '')
grep -qx text <<<"$got" || fail "bash completes --mode's values to '$got'"
got=$(complete_words ocrpdf -l en)
grep -qx eng <<<"$got" || fail "bash completes 'ocrpdf -l en' to '$got', not eng"
got=$(complete_words ocrpdf watch -l eng+o)
grep -qx eng+osd <<<"$got" && fail "bash offers osd as a language"
ok "bash completion: --bil -> --bilevel, --mode values, -l en -> eng"

# 6. systemd accepts the unit (verify prints its complaints, and exits 0 on
# most of them: any output is a failure).
unit=/lib/systemd/system/ocrpdf-watch@.service
verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify $unit: $verify"
ok "systemd-analyze verify $unit"

echo "RESULT: PASS ($(basename "$deb"): installed with its dependencies; samples converted ($pages pages); man -w ocrpdf; bash completes --bil to --bilevel; systemd-analyze verify accepts ocrpdf-watch@.service)"
