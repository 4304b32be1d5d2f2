#!/usr/bin/env bash
# AURA HTTP API and live-path benchmark (by hand, not in CI).
#
#  1. Load: `aura serve --quiet` over a database of 50 sessions, loaded with
#     wrk on loopback (default 10 s, 2 threads, 16 connections, wrk and the
#     server on the same machine): requests/s and latency percentiles of
#     GET /health (reference), GET /api/v1/sessions (a page of 20) and
#     GET /api/v1/sessions/ID/metrics (19 records).
#     The 50 sessions: one real session recorded by gst-launch-1.0 from the
#     example recording (scripts/make-example.sh, 19 s), then copied 49 times
#     by SQL (Python's sqlite3): every row of every table that has a
#     session_id column is copied under the ids copy-1 .. copy-49, whose
#     sessions rows get their own title, one of three speakers and a
#     started_at i days earlier. Column lists are read from the database, so
#     this follows the schema version.
#  2. Writer: a long synthetic run pushed through aurasessionsink as fast as
#     the analyzer goes (audiotestsrc num-buffers=N, 16 kHz mono, auraanalyzer
#     interval=10 ms: one aura-metrics record per 10 ms of audio): metrics rows
#     stored, sessions.dropped, wall time, rows/s. The same pipeline into
#     fakesink gives the analysis alone. The sink never blocks its streaming
#     thread, so 0 dropped means the writer kept up with the rate offered.
#  3. Latency, end of an analysis interval to the application
#     (tests/bench/latency.py): the bus message and the WebSocket of the
#     sink's own server (in-process), then the WebSocket of `aura serve` in
#     another process following the database.
#
# Usage: tests/bench/http-bench.sh [--build DIR] [--seconds S] [--threads T]
#          [--connections C] [--writer-seconds A] [--latency-seconds L]
#   --build DIR            meson build dir (default build)
#   --seconds S            wrk duration per route (default 10)
#   --threads T            wrk threads (default 2)
#   --connections C        wrk connections (default 16)
#   --writer-seconds A     seconds of synthetic audio for the writer (default 600)
#   --latency-seconds L    live seconds for the in-process latency run (default
#                          30; the cross-process run takes half)
#
# Needs: wrk, curl, sqlite3, python3-gi (Debian's /usr/bin/python3),
# gstreamer1.0-tools, espeak-ng and sox (the example recording), and the
# build (ninja -C build).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$repo/build"
seconds=10
threads=2
connections=16
writer_seconds=600
latency_seconds=30

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --writer-seconds) writer_seconds="$2"; shift 2 ;;
    --latency-seconds) latency_seconds="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "http-bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in wrk curl sqlite3 gst-launch-1.0 /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "http-bench.sh: $tool is missing" >&2; exit 2; }
done
aura="$build/tools/aura"
[ -x "$aura" ] || { echo "http-bench.sh: no $aura (ninja -C $build)" >&2; exit 2; }

tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export GST_PLUGIN_PATH="$build/gst/aura"
export GST_REGISTRY_1_0="$tmp/registry.bin"
unset AURA_API_TOKEN
script_start=$(date +%s)

echo "## Setup"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- versions: $(gst-launch-1.0 --version | sed -n 2p); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); SQLite $(sqlite3 --version | cut -d' ' -f1); $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "- source: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" status --porcelain -- gst tools 2>/dev/null | grep -q . && echo ' + uncommitted changes under gst/ tools/')"
echo "- build: $build (meson buildtype: $(/usr/bin/python3 -c 'import json, sys; print([o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "buildtype"][0])' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo '?'))"
echo

# ---- 1. load ---------------------------------------------------------------

talk="$tmp/talk.wav"
"$repo/scripts/make-example.sh" "$talk" >/dev/null
db="$tmp/bench.db"
# filesrc ! wavparse (no decodebin): with decodebin, gst-launch-1.0 and
# aurasessionsink's disabled async, the pipeline's EOS message is sometimes
# never posted after the session completed (a race in GstBin) and the run
# would wait for its timeout
timeout -k 5 60 gst-launch-1.0 -q filesrc location="$talk" ! wavparse ! audioconvert ! \
  audioresample ! auraanalyzer ! aurafeedback ! \
  aurasessionsink location="$db" session-id=seed speaker=alice title="Seed talk" >/dev/null
/usr/bin/python3 - "$db" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cols = lambda t: [r[1] for r in con.execute("PRAGMA table_info(%s)" % t)]
tables = [t for (t,) in con.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table'")
    if t != "sessions" and "session_id" in cols(t)]
special = {
    "id": "'copy-' || n.i",
    "title": "s.title || ' #' || n.i",
    "speaker": "CASE n.i % 3 WHEN 0 THEN 'alice' WHEN 1 THEN 'bob' ELSE 'carol' END",
    "started_at": "strftime('%Y-%m-%dT%H:%M:%fZ', s.started_at, '-' || n.i || ' days')",
    "ended_at": "strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_at, '-' || n.i || ' days')",
    "owner_pid": "NULL",
}
nums = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 49) "
c = cols("sessions")
con.execute(nums + "INSERT INTO sessions (%s) SELECT %s FROM sessions s, n "
            "WHERE s.id = 'seed'" % (", ".join(c), ", ".join(
                special.get(x, "s." + x) for x in c)))
for t in tables:
    c = cols(t)
    con.execute(nums + "INSERT INTO %s (%s) SELECT %s FROM %s r, n "
                "WHERE r.session_id = 'seed'" % (t, ", ".join(c), ", ".join(
                    "'copy-' || n.i" if x == "session_id" else "r." + x
                    for x in c), t))
con.commit()
print("- database: %d sessions, %d metrics rows, %d feedback rows (tables copied: %s)"
      % (con.execute("SELECT count(*) FROM sessions").fetchone()[0],
         con.execute("SELECT count(*) FROM metrics").fetchone()[0],
         con.execute("SELECT count(*) FROM feedback").fetchone()[0],
         ", ".join(tables)))
EOF

timeout -k 5 600 "$aura" serve --db "$db" --port 0 --quiet 2>"$tmp/serve.log" &
server=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|^aura serve: listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/serve.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
curl -fsS "$base/api/v1/sessions" | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["total"] == 50 and len(d["sessions"]) == 20, d["total"]'

echo
echo "## Load: wrk -t$threads -c$connections -d${seconds}s --latency, loopback, aura serve --quiet"
echo
echo "| route | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors (non-2xx, socket) | response bytes |"
echo "|---|---|---|---|---|---|---|---|"
# ms VALUE: wrk's 1.23ms / 456.00us / 1.02s as milliseconds
ms() { /usr/bin/python3 -c 'import sys; v = sys.argv[1]; u = v.lstrip("0123456789.")
print("%.2f" % (float(v[:len(v) - len(u)]) * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}[u]))' "$1"; }
for route in /health /api/v1/sessions /api/v1/sessions/seed/metrics; do
  bytes=$(curl -fsS "$base$route" | wc -c)
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$base$route" >"$tmp/wrk.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
  p90=$(awk '$1 == "90%" {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
  max=$(awk '$1 == "Latency" {print $4}' "$tmp/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
  sock=$(grep -o 'Socket errors:.*' "$tmp/wrk.txt" || true)
  echo "| GET $route | ${rps%.*} | $(ms "$p50") | $(ms "$p90") | $(ms "$p99") | $(ms "$max") | ${non2xx:-0}${sock:+, $sock} | $bytes |"
done
rss=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$(pgrep -P "$server" -x aura || echo self)/status" 2>/dev/null || echo '?')
echo
echo "aura serve peak RSS after the load: $rss MiB"
kill "$server"
wait "$server" || true
server=""

# ---- 2. writer -----------------------------------------------------------------

buffers=$((writer_seconds * 10))
src="audiotestsrc wave=pink-noise volume=0.3 num-buffers=$buffers samplesperbuffer=1600 ! audio/x-raw,rate=16000,channels=1 ! audioconvert ! auraanalyzer interval=10000000 ! aurafeedback"
echo
echo "## Writer: $writer_seconds s of synthetic audio, auraanalyzer interval=10 ms ($((writer_seconds * 100)) aura-metrics records), as fast as it goes"
echo
wdb="$tmp/writer.db"
t0=$(date +%s.%N)
# $src: a pipeline description, split into arguments on purpose
# shellcheck disable=SC2086
timeout -k 5 600 gst-launch-1.0 -q $src ! fakesink >/dev/null
t1=$(date +%s.%N)
# shellcheck disable=SC2086
timeout -k 5 600 gst-launch-1.0 -q $src ! aurasessionsink location="$wdb" session-id=writer >/dev/null
t2=$(date +%s.%N)
read -r rows dropped status <<<"$(sqlite3 -separator ' ' "$wdb" "SELECT (SELECT count(*) FROM metrics), dropped, status FROM sessions WHERE id = 'writer'")"
/usr/bin/python3 - "$t0" "$t1" "$t2" "$rows" "$dropped" "$status" "$(stat -c %s "$wdb")" "$((writer_seconds * 100))" <<'EOF'
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
rows, dropped, status, size, offered = sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]), int(sys.argv[8])
rows, dropped = int(rows), int(dropped)
print("| pipeline | wall s | aura-metrics rows/s |")
print("|---|---|---|")
print("| ... ! auraanalyzer interval=10 ms ! aurafeedback ! fakesink (analysis alone) | %.2f | %.0f (offered) |" % (t1 - t0, offered / (t1 - t0)))
print("| ... ! aurasessionsink (stored, committed before EOS) | %.2f | %.0f |" % (t2 - t1, rows / (t2 - t1)))
print()
print("session %s: %d metrics rows stored of %d, sessions.dropped = %d; database %.1f MiB (%.0f bytes per row)"
      % (status, rows, offered, dropped, size / 1048576.0, size / max(rows, 1)))
EOF

# ---- 3. latency ------------------------------------------------------------------

echo
echo "## Latency, end of an interval to the application (tests/bench/latency.py)"
echo
echo '```'
/usr/bin/python3 "$repo/tests/bench/latency.py" --duration "$latency_seconds" || true
echo
/usr/bin/python3 "$repo/tests/bench/latency.py" --duration $((latency_seconds / 2)) --via-serve "$aura" || true
echo '```'
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); whole script: $(($(date +%s) - script_start)) s"
