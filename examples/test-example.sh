#!/bin/sh
# Runs an example program (bus-reader, or python3 bus_reader.py) on the example
# recording and checks its output: a metrics line per interval, the summary,
# the report, as many in-band aura-metrics events as bus messages; then an
# unreadable input (exit status 1, the cause on stderr) and bad usage (2).
#   test-example.sh PROGRAM [ARGS...]
# Env from meson: AURA_SOURCE_ROOT, GST_PLUGIN_PATH_1_0, GST_REGISTRY_1_0.
set -eu
src=${AURA_SOURCE_ROOT:?}
[ "$#" -ge 1 ] || { echo "usage: test-example.sh PROGRAM [ARGS...]" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in sox espeak-ng; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
done
name=$(basename "$1")
[ "$#" -lt 2 ] || name=$(basename "$2")
fail() {
  echo "FAIL: $name: $*"
  echo "--- stdout"
  cat "$tmp/out"
  echo "--- stderr"
  cat "$tmp/err"
  exit 1
}

talk="$tmp/talk.wav"
"$src/scripts/make-example.sh" "$talk" >/dev/null

rc=0
timeout -k 5 50 "$@" "$talk" > "$tmp/out" 2> "$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "exit status $rc"
n=$(grep -c '^metrics ' "$tmp/out" || true)
[ "$n" -ge 15 ] || fail "$n metrics lines"
grep -q '^summary ' "$tmp/out" || fail "no summary"
grep -q '^report  overall [0-9]*/100' "$tmp/out" || fail "no report"
grep -q "^events  in-band at the sink: $n aura-metrics, [0-9]* aura-feedback, 1 aura-summary, 1 aura-report\$" \
  "$tmp/out" || fail "the in-band events differ from the bus messages"
echo "$name: $n metrics lines, $(grep -c '^cue ' "$tmp/out" || true) cue(s), the summary and the report; as many in-band events"
sed -n '1p; /^summary/p; /^report/p; /^events/p' "$tmp/out"

# in French, through a file:// URI
rc=0
timeout -k 5 50 "$@" "file://$talk" fr > "$tmp/out" 2> "$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || fail "(URI, fr) exit status $rc"
grep -q '^Bilan de la séance' "$tmp/out" || fail "(URI, fr) no French report"
echo "$name: a file:// URI, a French report"

# an input that does not exist: exit status 1, the cause on stderr
rc=0
timeout -k 5 50 "$@" "$tmp/missing.wav" > "$tmp/out" 2> "$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "(missing input) exit status $rc, not 1"
grep -q 'error from' "$tmp/err" || fail "(missing input) no error on stderr"
echo "$name: a missing input: exit status 1, $(head -n 1 "$tmp/err")"

# bad usage: exit status 2
rc=0
timeout -k 5 50 "$@" > "$tmp/out" 2> "$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "(no argument) exit status $rc, not 2"
echo "$name: no argument: exit status 2"
