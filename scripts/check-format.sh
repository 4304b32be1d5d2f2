#!/bin/sh
# Fails when a C file differs from GStreamer's style (scripts/gst-indent).
#   scripts/check-format.sh          check;   scripts/check-format.sh --fix   reformat
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find gst tools tests examples -name '*.[ch]')
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  scripts/gst-indent $files
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
for f in $files; do
  mkdir -p "$tmp/$(dirname "$f")"
  cp "$f" "$tmp/$f"
  scripts/gst-indent "$tmp/$f"
  if ! diff -u "$f" "$tmp/$f" > "$tmp/diff"; then
    echo "check-format: $f is not in GStreamer style; run scripts/check-format.sh --fix" >&2
    head -20 "$tmp/diff" >&2
    bad=1
  fi
done
[ $bad = 0 ] && echo "check-format: $(echo $files | wc -w) files in GStreamer style"
exit $bad
