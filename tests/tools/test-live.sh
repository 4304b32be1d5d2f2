#!/bin/sh
# aura live and aura devices: a file in place of the microphone, a live source
# stopped with Ctrl-C (SIGINT) like a user would, bad options, unknown device.
# Env from meson: AURA (the tool), AURA_SOURCE_ROOT.
set -eu
aura=${AURA:?}
src=${AURA_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail () { echo "FAIL: $*"; exit 1; }

"$src/scripts/make-example.sh" "$tmp/talk.wav" >/dev/null

# a recording in place of the microphone: status lines, report, saved session
timeout -k 5 120 "$aura" live --db "$tmp/a.db" --title rehearsal --lang en \
  --port 0 --source "filesrc location=$tmp/talk.wav ! decodebin" \
  > "$tmp/a.out" 2> "$tmp/a.err" || { cat "$tmp/a.err"; fail "aura live on a file"; }
n=$(grep -c ' LUFS ' "$tmp/a.out" || true)
[ "$n" -ge 15 ] || fail "aura live printed $n status lines"
grep -q 'wpm' "$tmp/a.out" || fail "no wpm in the status line"
grep -q 'Session report' "$tmp/a.out" || fail "no report at the end"
grep -q 'dashboard at http://127.0.0.1:' "$tmp/a.err" || fail "no dashboard port"
st=$(sqlite3 "$tmp/a.db" "SELECT title || '|' || status FROM sessions")
[ "$st" = "rehearsal|completed" ] || fail "session row: $st"
echo "ok: aura live on a file: $n status lines, report, session completed"

# a live source ended with Ctrl-C: the session is completed, not interrupted
"$aura" live --db "$tmp/b.db" \
  --source "audiotestsrc is-live=true wave=sine freq=220 volume=0.3" \
  > "$tmp/b.out" 2> "$tmp/b.err" &
pid=$!
i=0
while [ "$(sqlite3 "$tmp/b.db" 'SELECT count(*) FROM metrics' 2>/dev/null || echo 0)" -lt 2 ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { kill -9 $pid; fail "no metrics from the live source"; }
  sleep 0.2
done
kill -INT $pid
wait $pid || fail "aura live exited $? after Ctrl-C"
grep -q 'Session report' "$tmp/b.out" || fail "no report after Ctrl-C"
st=$(sqlite3 "$tmp/b.db" "SELECT status FROM sessions")
[ "$st" = completed ] || fail "status after Ctrl-C: $st"
echo "ok: aura live stopped with Ctrl-C: report printed, session completed"

# usage errors exit 2, runtime errors 1 with one line naming the cause
rc=0; "$aura" live --lang de >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "aura live --lang de exited $rc"
rc=0; "$aura" live --db "$tmp/c.db" --device "no such microphone" \
  > /dev/null 2> "$tmp/c.err" || rc=$?
[ $rc -eq 1 ] && grep -q 'no capture device named' "$tmp/c.err" \
  || fail "unknown device: rc $rc, $(cat "$tmp/c.err")"
echo "ok: bad options exit 2, an unknown device exits 1 with a clear message"

"$aura" devices > "$tmp/d.out" || fail "aura devices exited $?"
[ -s "$tmp/d.out" ] || fail "aura devices printed nothing"
echo "ok: aura devices: $(head -1 "$tmp/d.out")"
