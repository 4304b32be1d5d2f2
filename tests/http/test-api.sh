#!/bin/sh
# The HTTP API end to end, against the real programs: sessions recorded by
# gst-launch-1.0 pipelines (aurasessionsink), served by `aura serve`, checked
# with curl, promtool and tests/http/ws_client.py (a standard-library
# WebSocket client).
#
#   a. every route over a database of three real sessions: pagination and
#      filters, records with fields and time bounds, report, analytics,
#      PATCH/DELETE with the token, 401 without it, 403 on a server without
#      one, 404, 405 (with Allow), 400, SQL injection in every query parameter
#      and in the id (never a 5xx, the data unchanged), X-Request-ID, CORS
#   b. uploads (curl -F): a recording (202, then completed), a non-audio file
#      (415), a truncated MP4 (ends 'failed' with an error), a full queue
#      (503 + Retry-After), a body over --max-body-mb (413)
#   c. `promtool check metrics` on the live /metrics after that traffic
#   d. crash recovery: a recording gst-launch-1.0 killed with SIGKILL is
#      'interrupted' when the database is next opened, its committed rows kept
#   f. the live WebSocket following a session another process records, to its
#      end after SIGINT (gst-launch-1.0 -e)
#   e. three gst-launch-1.0 writing into one database while `aura serve`
#      reads it (last, as its pipelines are the likeliest to miss their EOS)
#
# Each check prints "ok: ..."; the first failure prints "FAIL: ..." and exits 1.
# A few checks guard against bugs found when this test was written (HEAD
# answered 405; a non-UTF-8 byte of the id echoed into the JSON; every JSON
# response leaked; gst-launch-1.0 sometimes missing the EOS message of a
# decodebin pipeline into aurasessionsink while it disabled async): a failure
# there prints "FAIL (bug): ..." and lets the remaining checks run; the script
# still exits 1 at the end.
#
# Env from meson (tests/meson.build): AURA (the aura binary), AURA_SOURCE_ROOT,
# AURA_BUILD_ROOT, GST_PLUGIN_PATH_1_0, GST_REGISTRY_1_0. By hand:
#   AURA_SOURCE_ROOT=$PWD AURA_BUILD_ROOT=$PWD/build tests/http/test-api.sh
# Needs curl, sqlite3, promtool (Debian package prometheus), python3, ffmpeg,
# espeak-ng and sox (scripts/make-example.sh), gst-launch-1.0.
# Pipeline descriptions ($file_pipeline, $live_pipeline) are split into
# gst-launch-1.0 arguments on purpose:
# shellcheck disable=SC2086
set -eu
src=${AURA_SOURCE_ROOT:?}
build=${AURA_BUILD_ROOT:?}
aura=${AURA:-$build/tools/aura}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export GST_PLUGIN_PATH="$build/gst/aura"
unset AURA_API_TOKEN
start_time=$(date +%s)

tmp=$(mktemp -d)
: "${GST_REGISTRY_1_0:=$tmp/registry.bin}"
export GST_REGISTRY_1_0
pids=""
# forget PID: a process waited for leaves the list the cleanup kills (its id
# may be reused)
forget() { pids=$(echo " $pids " | sed "s/ $1 / /; s/^ *//; s/ *$//"); }
cleanup() {
  for p in $pids; do
    kill "$p" 2>/dev/null || true
  done
  for p in $pids; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }
bugs=0
# A check of behaviour known to be wrong today: reported, the run goes on.
bug() {
  echo "FAIL (bug): $*" >&2
  bugs=$((bugs + 1))
}

for tool in curl sqlite3 promtool ffmpeg sox gst-launch-1.0 timeout pgrep; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool is missing (scripts/install-deps.sh; promtool: apt-get install prometheus)"
done
[ -x "$aura" ] || fail "no aura binary at $aura"

# ---- helpers ---------------------------------------------------------------

# sq DB SQL: sqlite3 with a busy timeout (the writers hold the lock briefly);
# fails without creating DB when it does not exist yet
sq() {
  [ -f "$1" ] || return 1
  sqlite3 -cmd '.timeout 5000' "$1" "$2"
}
# sqp DB SQL: the same while polling a database a process is creating (no
# table yet is no error)
sqp() { sq "$@" 2>/dev/null; }

# req METHOD URL [curl args]: status in $code, body in $tmp/body, headers in
# $tmp/hdr
req() {
  _m=$1 _u=$2
  shift 2
  code=$(curl -sS --max-time 30 -o "$tmp/body" -D "$tmp/hdr" \
    -w '%{http_code}' -X "$_m" "$@" "$_u") || fail "curl $_m $_u failed"
}

# expect CODE WHAT: the last response had status CODE
expect() {
  [ "$code" = "$1" ] ||
    fail "$2: HTTP $code, expected $1: $(head -c 600 "$tmp/body")"
}

# hdr NAME: a header of the last response (the last one of that name)
hdr() {
  grep -i "^$1:" "$tmp/hdr" | tail -n 1 | cut -d: -f2- | sed 's/^ *//' |
    tr -d '\r'
}

# js EXPR: EXPR (Python) evaluated with d = the last body as strict UTF-8
# JSON; prints the result
js() {
  "$py" -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
r = eval(sys.argv[2])
print(json.dumps(r) if isinstance(r, (dict, list)) else r)' "$tmp/body" "$1" ||
    fail "cannot evaluate $1 on the body: $(head -c 600 "$tmp/body")"
}

# check EXPR WHAT: EXPR (Python, over d) is true for the last body
check() {
  [ "$(js "bool($1)")" = True ] ||
    fail "$2: not true: $1, on: $(head -c 800 "$tmp/body")"
}

# serve NAME ARGS...: starts `aura serve --port 0 ARGS` (stderr in
# $tmp/NAME.log); sets $port, $base and $srv (pid to stop)
serve() {
  _name=$1
  shift
  timeout -k 5 240 "$aura" serve --port 0 "$@" 2>"$tmp/$_name.log" &
  srv=$!
  pids="$pids $srv"
  port=""
  _i=0
  while [ -z "$port" ]; do
    port=$(sed -n 's|^aura serve: listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
      "$tmp/$_name.log" 2>/dev/null || true)
    if [ -z "$port" ]; then
      kill -0 "$srv" 2>/dev/null || {
        [ -d "$tmp" ] || fail "the temporary directory $tmp was removed under the test"
        cat "$tmp/$_name.log" >&2
        fail "aura serve $* did not start"
      }
      _i=$((_i + 1))
      [ $_i -lt 100 ] || fail "aura serve $* printed no port in 10 s"
      sleep 0.1
    fi
  done
  base="http://127.0.0.1:$port"
}

# unserve PID NAME: SIGTERM, and a clean exit (status 0)
unserve() {
  kill -TERM "$1"
  _rc=0
  wait "$1" || _rc=$?
  forget "$1"
  [ $_rc -eq 0 ] || {
    cat "$tmp/$2.log" >&2
    fail "aura serve ($2) exited with $_rc after SIGTERM"
  }
}

# gst_bg LOG ARGS...: gst-launch-1.0 ARGS in the background (under timeout);
# its pid in $gpid
gst_bg() {
  _log=$1
  shift
  timeout -k 5 60 gst-launch-1.0 "$@" >"$_log" 2>&1 &
  gpid=$!
  pids="$pids $gpid"
}

# gst_finish PID LOG DB ID WHAT: waits for a file pipeline. Its session must
# end 'completed' and the process exit 0 on its own. aurasessionsink commits
# the session before the EOS message, so a process still running 5 s after
# its session completed is stuck after EOS (reported with bug()).
gst_finish() {
  _pid=$1 _log=$2 _db=$3 _id=$4 _what=$5
  _n=0
  while kill -0 "$_pid" 2>/dev/null; do
    if [ "$(sqp "$_db" "SELECT status FROM sessions WHERE id = '$_id'")" = completed ]; then
      _n=$((_n + 1))
      if [ $_n -gt 50 ]; then
        kill -TERM "$_pid" 2>/dev/null || true
        wait "$_pid" 2>/dev/null || true
        forget "$_pid"
        bug "$_what: session $_id is 'completed' in the database but" \
          "gst-launch-1.0 did not get the pipeline's EOS message (still" \
          "running 5 s later, killed); seen while aurasessionsink disabled" \
          "async: a race in GstBin (the late READY->PAUSED state-changed" \
          "message resets posted_playing after PLAYING)"
        return 0
      fi
    fi
    sleep 0.1
  done
  _rc=0
  wait "$_pid" || _rc=$?
  forget "$_pid"
  [ $_rc -eq 0 ] || {
    cat "$_log" >&2
    fail "$_what: gst-launch-1.0 exited with $_rc"
  }
}

# urlenc STRING
urlenc() { "$py" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# ---- material --------------------------------------------------------------

talk="$tmp/talk.wav"
"$src/scripts/make-example.sh" "$talk" >/dev/null
db="$tmp/api.db"
token=0123456789abcdef-test-token
echo "$token" >"$tmp/token"
auth="Authorization: Bearer $token"
file_pipeline="filesrc location=$talk ! decodebin ! audioconvert ! audioresample ! auraanalyzer ! aurafeedback"

# ---- a. every route over real sessions --------------------------------------

for s in "alice1 alice Monday" "alice2 alice Tuesday" "bob1 bob Wednesday"; do
  set -- $s
  gst_bg "$tmp/$1.log" $file_pipeline ! aurasessionsink location="$db" \
    session-id="$1" speaker="$2" title="$3 talk"
  gst_finish "$gpid" "$tmp/$1.log" "$db" "$1" "pipeline $1"
done
n=$(sq "$db" "SELECT count(*) FROM sessions WHERE status = 'completed'")
[ "$n" = 3 ] || fail "3 completed sessions expected in the database, got $n"
nm=$(sq "$db" "SELECT count(*) FROM metrics WHERE session_id = 'alice1'")
[ "$nm" -ge 15 ] || fail "alice1 has $nm metrics rows (a 19 s recording)"
ok "3 sessions recorded by gst-launch-1.0 (alice1 has $nm metrics rows)"

serve A --db "$db" --token-file "$tmp/token" --cors-origin http://example.test
A=$srv

req GET "$base/"
expect 200 "GET /"
case "$(hdr Content-Type)" in text/html*) ;; *) fail "GET /: $(hdr Content-Type)" ;; esac
ok "GET / (dashboard, text/html)"

req GET "$base/health"
expect 200 "GET /health"
check 'd["status"] == "ok"' "GET /health"
req GET "$base/api/v1/health"
expect 200 "GET /api/v1/health"
check 'd["status"] == "ok" and d["database"]["reachable"] and d["database"]["schema_version"] >= 2' \
  "GET /api/v1/health"
check 'd["active_sessions"] == 0 and d["uploads"]["running"] == 0' "GET /api/v1/health"
ok "GET /health and /api/v1/health"

req GET "$base/api/v1/sessions"
expect 200 "list"
check 'd["total"] == 3 and len(d["sessions"]) == 3' "list: 3 sessions"
check 'all(s["status"] == "completed" for s in d["sessions"])' "list: statuses"
check '[s["started_at"] for s in d["sessions"]] == sorted([s["started_at"] for s in d["sessions"]], reverse=True)' \
  "list: newest first"
req GET "$base/api/v1/sessions?limit=2"
check 'd["total"] == 3 and len(d["sessions"]) == 2 and d["limit"] == 2 and d["offset"] == 0' "page 1"
page1=$(js '",".join(s["id"] for s in d["sessions"])')
req GET "$base/api/v1/sessions?limit=2&offset=2"
check 'd["total"] == 3 and len(d["sessions"]) == 1 and d["offset"] == 2' "page 2"
page2=$(js 'd["sessions"][0]["id"]')
case ",$page1," in *",$page2,"*) fail "page 2 repeats $page2 of page 1 ($page1)" ;; esac
req GET "$base/api/v1/sessions?limit=2&offset=3"
check 'd["total"] == 3 and d["sessions"] == []' "past the end"
req GET "$base/api/v1/sessions?speaker=alice"
check 'd["total"] == 2 and {s["id"] for s in d["sessions"]} == {"alice1", "alice2"}' "speaker=alice"
req GET "$base/api/v1/sessions?speaker=bob&from=2000-01-01"
check 'd["total"] == 1 and d["sessions"][0]["title"] == "Wednesday talk"' "speaker=bob&from"
req GET "$base/api/v1/sessions?to=2000-01-01T00:00:00Z"
check 'd["total"] == 0' "to=2000"
ok "GET /api/v1/sessions: pages of 2 ($page1 | $page2), speaker, from, to"

req GET "$base/api/v1/sessions/alice1"
expect 200 "get alice1"
check 'd["id"] == "alice1" and d["speaker"] == "alice" and d["title"] == "Monday talk"' "get alice1"
check 'd["status"] == "completed" and d["ended_at"] and d["dropped"] == 0' "get alice1: status"
check 'd["summary"]["type"] == "aura-summary" and d["report"]["type"] == "aura-report"' "get alice1: documents"
ok "GET /api/v1/sessions/alice1 (summary and report inline)"

req GET "$base/api/v1/sessions/alice1/metrics"
expect 200 "metrics"
check "d['session_id'] == 'alice1' and len(d['metrics']) == $nm" "metrics: $nm records"
check 'all(m["type"] == "aura-metrics" and "wpm" in m for m in d["metrics"])' "metrics: records"
check '[m["t"] for m in d["metrics"]] == sorted(m["t"] for m in d["metrics"])' "metrics: in order"
req GET "$base/api/v1/sessions/alice1/metrics?fields=wpm,loudness_momentary&from=5&to=10"
expect 200 "metrics with fields"
check 'len(d["metrics"]) >= 4 and all(set(m) <= {"t", "wpm", "loudness_momentary"} and "wpm" in m for m in d["metrics"])' \
  "metrics: fields"
check 'all(5 <= m["t"] <= 10 for m in d["metrics"])' "metrics: from/to"
ok "GET .../metrics: $nm records; fields=wpm,loudness_momentary&from=5&to=10"

req GET "$base/api/v1/sessions/alice1/feedback"
expect 200 "feedback"
nf=$(sq "$db" "SELECT count(*) FROM feedback WHERE session_id = 'alice1'")
check "len(d['feedback']) == $nf and all(f['type'] == 'aura-feedback' and f['code'] for f in d['feedback'])" \
  "feedback"
req GET "$base/api/v1/sessions/alice1/report"
expect 200 "report"
check 'd["type"] == "aura-report" and "overall_score" in d' "report"
ok "GET .../feedback ($nf cues) and .../report"

req GET "$base/api/v1/analytics"
expect 200 "analytics"
check '{s["speaker"]: s["sessions"] for s in d["speakers"]} == {"alice": 2, "bob": 1}' "analytics: speakers"
check 'all(isinstance(s["averages"]["wpm"], float) for s in d["speakers"])' "analytics: averages"
req GET "$base/api/v1/analytics?speaker=alice"
check 'len(d["speakers"]) == 1 and d["speakers"][0]["speaker"] == "alice"' "analytics?speaker"
ok "GET /api/v1/analytics (alice 2 sessions, bob 1)"

req GET "$base/api/v1/sessions/alice1" -H 'X-Request-ID: test-req.42:a_b'
[ "$(hdr X-Request-ID)" = "test-req.42:a_b" ] || fail "X-Request-ID not echoed: $(hdr X-Request-ID)"
req GET "$base/health" -H 'X-Request-ID: bad id<script>'
rid=$(hdr X-Request-ID)
case "$rid" in "" | *"<"* | *" "*) fail "an invalid X-Request-ID came back: '$rid'" ;; esac
req GET "$base/health"
[ -n "$(hdr X-Request-ID)" ] || fail "no X-Request-ID on a response"
ok "X-Request-ID echoed when valid, replaced ($rid) when not"

# writes: the token
req PATCH "$base/api/v1/sessions/bob1" -H 'Content-Type: application/json' \
  --data '{"title":"Renamed"}'
expect 401 "PATCH without a token"
check 'd["error"]["code"] == "unauthorized"' "401 body"
case "$(hdr WWW-Authenticate)" in Bearer*) ;; *) fail "401 without WWW-Authenticate: Bearer" ;; esac
req PATCH "$base/api/v1/sessions/bob1" -H 'Authorization: Bearer wrong-token-0123456789' \
  --data '{"title":"Renamed"}'
expect 401 "PATCH with a wrong token"
req DELETE "$base/api/v1/sessions/bob1"
expect 401 "DELETE without a token"
req POST "$base/api/v1/sessions" -F "file=@$talk"
expect 401 "upload without a token"
ok "401 (WWW-Authenticate: Bearer) for PATCH, DELETE, POST without or with a wrong token"

req PATCH "$base/api/v1/sessions/bob1" -H "$auth" -H 'Content-Type: application/json' \
  --data '{"title":"Renamed talk","speaker":"bob"}'
expect 200 "PATCH with the token"
check 'd["id"] == "bob1" and d["title"] == "Renamed talk"' "PATCH answer"
req GET "$base/api/v1/sessions/bob1"
check 'd["title"] == "Renamed talk" and d["speaker"] == "bob"' "PATCH stored"
req PATCH "$base/api/v1/sessions/bob1" -H "$auth" --data '{"status":"completed"}'
expect 400 "PATCH of a field that cannot change"
req PATCH "$base/api/v1/sessions/bob1" -H "$auth" --data '{"title":'
expect 400 "PATCH with broken JSON"
req PATCH "$base/api/v1/sessions/bob1" -H "$auth" --data '["title"]'
expect 400 "PATCH with a JSON array"
req PATCH "$base/api/v1/sessions/nosuch" -H "$auth" --data '{"title":"x"}'
expect 404 "PATCH of an unknown id"
ok "PATCH with the token (200, stored); 400 for other fields and bad JSON; 404 unknown id"

# a write-free server: 403 on every write route
abase=$base
serve B --db "$db"
B=$srv
req PATCH "$base/api/v1/sessions/bob1" -H "$auth" --data '{"title":"x"}'
expect 403 "PATCH on a server without a token"
check 'd["error"]["code"] == "writes_disabled"' "403 body"
req DELETE "$base/api/v1/sessions/bob1" -H "$auth"
expect 403 "DELETE on a server without a token"
req POST "$base/api/v1/sessions" -H "$auth" -F "file=@$talk"
expect 403 "upload on a server without a token"
req GET "$base/api/v1/sessions/bob1"
expect 200 "reads on a server without a token"
unserve "$B" B
base=$abase
ok "403 writes_disabled for PATCH, DELETE, POST when the server has no token (reads 200)"
if timeout -k 2 10 "$aura" serve --db "$db" --port 0 --address 0.0.0.0 \
  >"$tmp/open.log" 2>&1; then
  fail "aura serve --address 0.0.0.0 without a token started"
fi
grep -q 'without a token' "$tmp/open.log" || fail "no reason given: $(cat "$tmp/open.log")"
ok "aura serve refuses a non-loopback address without a token"

# errors: 404, 405, 400
for path in /api/v1/sessions/nosuch /api/v1/sessions/nosuch/metrics \
  /api/v1/sessions/nosuch/feedback /api/v1/sessions/nosuch/report \
  /api/v1/sessions/nosuch/live /api/v2/sessions /nope; do
  req GET "$base$path"
  expect 404 "GET $path"
  check 'd["error"]["code"] == "not_found" and d["error"]["message"]' "404 body of $path"
done
req GET "$base/api/v1/sessions/alice2/report?x=1"
expect 200 "unknown parameters are ignored"
ok "404 not_found for unknown ids and paths"

req PUT "$base/api/v1/sessions/alice1" --data '{}'
expect 405 "PUT on a session"
[ "$(hdr Allow)" = "GET, PATCH, DELETE" ] || fail "405 Allow: '$(hdr Allow)'"
check 'd["error"]["code"] == "method_not_allowed"' "405 body"
req DELETE "$base/api/v1/sessions"
expect 405 "DELETE on the list"
[ "$(hdr Allow)" = "GET, POST" ] || fail "405 Allow on the list: '$(hdr Allow)'"
req POST "$base/health"
expect 405 "POST /health"
[ "$(hdr Allow)" = "GET" ] || fail "405 Allow on /health: '$(hdr Allow)'"
ok "405 with Allow (PUT session: GET, PATCH, DELETE; DELETE list: GET, POST; POST /health: GET)"

# HEAD is GET without the body (RFC 9110 9.1: servers must support it)
req HEAD "$base/health" -I
if [ "$code" = 200 ]; then
  ok "HEAD /health 200"
else
  bug "HEAD /health answers $code (Allow: $(hdr Allow)); RFC 9110 9.1 requires" \
    "HEAD wherever GET is allowed (health checkers use it)"
fi

for q in "sessions?limit=0" "sessions?limit=201" "sessions?limit=abc" \
  "sessions?limit=" "sessions?offset=-1" "sessions?offset=1.5" \
  "sessions?from=yesterday" "sessions?to=2024-13-45" \
  "sessions/alice1/metrics?from=-1" "sessions/alice1/metrics?to=abc" \
  "sessions/alice1/metrics?from=nan" "sessions/alice1/metrics?fields=wpm,,x" \
  "sessions/alice1/metrics?fields=bad-name" "sessions/alice1/feedback?from=inf" \
  "analytics?from=notadate"; do
  req GET "$base/api/v1/$q"
  expect 400 "GET /api/v1/$q"
  check 'd["error"]["code"] == "bad_request" and d["error"]["message"]' "400 body of $q"
done
fields65=$("$py" -c 'print(",".join("f%d" % i for i in range(65)))')
req GET "$base/api/v1/sessions/alice1/metrics?fields=$fields65"
expect 400 "65 fields"
long=$("$py" -c 'print("a" * 4200)')
req GET "$base/api/v1/sessions?speaker=$long"
expect 414 "a 4 KiB query"
ok "400 bad_request for out-of-range and malformed parameters (16 cases), 414 past 4 KiB"

# SQL injection: every query parameter and the id; never a 5xx, data unchanged
before=$(sq "$db" .dump | md5sum)
cat >"$tmp/inj.txt" <<'EOF'
' OR '1'='1
alice' --
1; DROP TABLE sessions; --
x'); DELETE FROM metrics; --
" OR ""="
') UNION SELECT id, json, 1, 1, 1, 1, 1, 1, 1, 1, 1 FROM metrics --
%' OR 1=1 --
1 OR 1=1
alice" OR speaker LIKE "%
EOF
ninj=0
while IFS= read -r s; do
  e=$(urlenc "$s")
  for q in "sessions?speaker=$e" "sessions?limit=$e" "sessions?offset=$e" \
    "sessions?from=$e" "sessions?to=$e" "sessions?limit=1&speaker=bob&to=$e" \
    "sessions/alice1/metrics?from=$e" "sessions/alice1/metrics?to=$e" \
    "sessions/alice1/metrics?fields=$e" "sessions/alice1/feedback?fields=$e" \
    "sessions/alice1/feedback?from=$e" "analytics?speaker=$e" \
    "analytics?from=$e" "analytics?to=$e" "sessions/$e" "sessions/$e/metrics" \
    "sessions/$e/feedback" "sessions/$e/report" "sessions/$e/live" \
    "sessions/alice1?id=$e"; do
    req GET "$base/api/v1/$q"
    case "$code" in
      200 | 400 | 404) ;;
      *) fail "GET /api/v1/$q: HTTP $code: $(head -c 400 "$tmp/body")" ;;
    esac
    ninj=$((ninj + 1))
  done
  req GET "$base/api/v1/sessions?speaker=$e"
  check 'd["total"] == 0 and d["sessions"] == []' "speaker=$s matched sessions"
  req GET "$base/api/v1/analytics?speaker=$e"
  check 'd["speakers"] == []' "analytics speaker=$s matched speakers"
  for m in PATCH DELETE; do
    req "$m" "$base/api/v1/sessions/$e" -H "$auth" -H 'Content-Type: application/json' \
      --data '{"title":"pwned"}'
    case "$code" in
      400 | 404) ;;
      *) fail "$m /api/v1/sessions/$e: HTTP $code: $(head -c 400 "$tmp/body")" ;;
    esac
    ninj=$((ninj + 1))
  done
done <"$tmp/inj.txt"
after=$(sq "$db" .dump | md5sum)
[ "$before" = "$after" ] || fail "the database changed during the injection requests"
[ "$(sq "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after injection"
ok "SQL injection: $ninj requests (every query parameter, the id in GET/PATCH/DELETE): no 5xx, nothing matched, database unchanged"

# hostile strings stored verbatim (bound, not spliced)
evil="Robert'); DROP TABLE sessions; -- \"é\""
evil_json=$("$py" -c 'import json, sys; print(json.dumps({"title": sys.argv[1]}))' "$evil")
req PATCH "$base/api/v1/sessions/alice2" -H "$auth" --data "$evil_json"
expect 200 "PATCH with a hostile title"
req GET "$base/api/v1/sessions?speaker=alice"
[ "$(js '[s["title"] for s in d["sessions"] if s["id"] == "alice2"][0]')" = "$evil" ] ||
  fail "the hostile title was not stored verbatim"
[ "$(sq "$db" "SELECT count(*) FROM sessions")" = 3 ] || fail "sessions lost"
ok "a title with SQL and quotes is stored and read back verbatim"

# bytes that are not UTF-8 in the id: the answer must still be JSON (UTF-8)
req GET "$base/api/v1/sessions/a%FFb"
if [ "$code" = 400 ] || [ "$code" = 404 ] &&
  "$py" -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' \
    "$tmp/body" 2>/dev/null; then
  ok "an id with a non-UTF-8 byte: $code with a valid JSON body"
else
  bug "GET /api/v1/sessions/a%FFb answers $code with a body that is not UTF-8" \
    "JSON: $("$py" -c 'import sys; print(repr(open(sys.argv[1], "rb").read()[:100]))' "$tmp/body")" \
    "(the raw id echoed in the error message)"
fi

# CORS
req OPTIONS "$base/api/v1/sessions/alice1" -H 'Origin: http://example.test' \
  -H 'Access-Control-Request-Method: PATCH' \
  -H 'Access-Control-Request-Headers: authorization, content-type'
expect 204 "preflight from an allowed origin"
[ "$(hdr Access-Control-Allow-Origin)" = http://example.test ] ||
  fail "preflight: Access-Control-Allow-Origin '$(hdr Access-Control-Allow-Origin)'"
case "$(hdr Access-Control-Allow-Methods)" in *PATCH*) ;; *) fail "preflight: methods" ;; esac
case "$(hdr Access-Control-Allow-Headers)" in *Authorization*) ;; *) fail "preflight: headers" ;; esac
req OPTIONS "$base/api/v1/sessions/alice1" -H 'Origin: http://evil.test' \
  -H 'Access-Control-Request-Method: DELETE'
expect 403 "preflight from another origin"
[ -z "$(hdr Access-Control-Allow-Origin)" ] || fail "preflight denied but with Allow-Origin"
req GET "$base/api/v1/sessions" -H 'Origin: http://example.test'
[ "$(hdr Access-Control-Allow-Origin)" = http://example.test ] || fail "GET: no Allow-Origin"
case "$(hdr Vary)" in *Origin*) ;; *) fail "GET: no Vary: Origin" ;; esac
req GET "$base/api/v1/sessions" -H 'Origin: http://evil.test'
expect 200 "GET from another origin (the browser enforces CORS)"
[ -z "$(hdr Access-Control-Allow-Origin)" ] || fail "GET from evil.test got Allow-Origin"
ok "CORS: preflight 204 for http://example.test (PATCH, Authorization), 403 for http://evil.test; Allow-Origin only for the allowed one"

# memory: reads must not make the server grow (keep-alive, so no new
# connections: libsoup 3.2 itself leaks one GSocket, ~350 bytes, per
# connection)
apid=$(pgrep -P "$A" -x aura) || fail "no aura process under $A"
hammer() {
  "$py" - "$port" "$1" "$2" <<'EOF' || fail "hammer $1"
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
for i in range(int(sys.argv[3])):
    c.request("GET", sys.argv[2])
    r = c.getresponse()
    r.read()
    assert r.status == 200, (sys.argv[2], r.status)
EOF
}
port=${base##*:}
hammer /api/v1/sessions/alice1/metrics 200
hammer /api/v1/sessions/alice1 200
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$apid/status")
hammer /api/v1/sessions/alice1/metrics 1000
hammer /api/v1/sessions/alice1 1000
hammer /health 1000
rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$apid/status")
grown=$((rss1 - rss0))
if [ $grown -lt 8192 ]; then
  ok "3000 keep-alive reads (metrics, session, /health): server RSS $rss0 -> $rss1 KiB"
else
  bug "aura serve grew by $grown KiB (RSS $rss0 -> $rss1 KiB) over 1000 GET" \
    ".../metrics, 1000 GET .../alice1 and 1000 GET /health on one connection" \
    "(seen when every JSON response object leaked: aura_send_object not" \
    "taking ownership and its callers never unreffing)"
fi

# DELETE last (bob1 is used above)
req DELETE "$base/api/v1/sessions/bob1" -H "$auth"
expect 204 "DELETE with the token"
req GET "$base/api/v1/sessions/bob1"
expect 404 "GET after DELETE"
left=$(sq "$db" "SELECT (SELECT count(*) FROM metrics WHERE session_id = 'bob1') + (SELECT count(*) FROM feedback WHERE session_id = 'bob1') + (SELECT count(*) FROM summaries WHERE session_id = 'bob1') + (SELECT count(*) FROM reports WHERE session_id = 'bob1')")
[ "$left" = 0 ] || fail "DELETE left $left rows of bob1"
req DELETE "$base/api/v1/sessions/bob1" -H "$auth"
expect 404 "DELETE twice"
req GET "$base/api/v1/sessions"
check 'd["total"] == 2' "2 sessions after DELETE"
ok "DELETE with the token: 204, its rows gone, then 404"

# c. (server A) the Prometheus exposition after this traffic
curl -sS --max-time 30 "$base/metrics" >"$tmp/metrics-A.txt" || fail "GET /metrics"
promtool check metrics <"$tmp/metrics-A.txt" >"$tmp/promtool-A.txt" 2>&1 || {
  cat "$tmp/promtool-A.txt" >&2
  fail "promtool check metrics on server A's /metrics"
}
grep -q '^aura_http_requests_total{method="GET",route="/api/v1/sessions",code="200"} [1-9]' \
  "$tmp/metrics-A.txt" || fail "/metrics: no count of GET /api/v1/sessions 200"
if grep -q '^aura_http_requests_total{.*code="5' "$tmp/metrics-A.txt"; then
  grep '^aura_http_requests_total{.*code="5' "$tmp/metrics-A.txt" >&2
  fail "server A answered 5xx"
fi
ok "promtool check metrics on /metrics of server A ($(grep -c '^aura_' "$tmp/metrics-A.txt") samples, no 5xx counted)"
unserve "$A" A
ok "aura serve stops cleanly on SIGTERM"

# ---- b. uploads --------------------------------------------------------------

ffmpeg -nostdin -loglevel error -y -f lavfi -i sine=frequency=220:duration=5 \
  -c:a aac "$tmp/tone.mp4" || fail "ffmpeg could not make an MP4"
head -c 4096 "$tmp/tone.mp4" >"$tmp/cut.mp4"
"$py" -c 'print("This is a text file, not audio. " * 200)' >"$tmp/notes.txt"
head -c 1200000 /dev/urandom >"$tmp/big.bin"
updb="$tmp/uploads.db"
serve U --db "$updb" --token-file "$tmp/token" --workers 1 --upload-queue 1 \
  --max-body-mb 1
U=$srv
ubase=$base

# three at once into a queue of one: one 202, the others 503 + Retry-After
posts=""
for i in 1 2 3; do
  curl -sS --max-time 30 -o "$tmp/up$i.body" -D "$tmp/up$i.hdr" -w '%{http_code}' \
    -H "$auth" -F "file=@$talk" -F "title=upload $i" -F speaker=carol \
    "$ubase/api/v1/sessions" >"$tmp/up$i.code" &
  posts="$posts $!"
done
for p in $posts; do
  wait "$p" || fail "curl upload failed"
done
n202=0 n503=0 upid=""
for i in 1 2 3; do
  c=$(cat "$tmp/up$i.code")
  case "$c" in
    202)
      n202=$((n202 + 1))
      cp "$tmp/up$i.body" "$tmp/body"
      cp "$tmp/up$i.hdr" "$tmp/hdr"
      upid=$(js 'd["id"]')
      check 'd["status"] == "queued" and d["location"] == "/api/v1/sessions/" + d["id"]' "202 body"
      [ "$(hdr Location)" = "/api/v1/sessions/$upid" ] || fail "202 without Location"
      ;;
    503)
      n503=$((n503 + 1))
      cp "$tmp/up$i.hdr" "$tmp/hdr"
      cp "$tmp/up$i.body" "$tmp/body"
      [ -n "$(hdr Retry-After)" ] || fail "503 without Retry-After"
      check 'd["error"]["code"] == "queue_full"' "503 body"
      ;;
    *) fail "upload $i: HTTP $c: $(head -c 400 "$tmp/up$i.body")" ;;
  esac
done
if [ $n202 -lt 1 ] || [ $n503 -lt 1 ]; then
  fail "3 uploads at once into --workers 1 --upload-queue 1: $n202 x 202, $n503 x 503"
fi
ok "3 uploads at once, queue of 1: $n202 accepted (202, Location), $n503 refused (503 queue_full, Retry-After: $(hdr Retry-After))"

# wait_upload ID: polls until the session leaves queued/recording; status in $st
wait_upload() {
  _i=0
  while :; do
    req GET "$ubase/api/v1/sessions/$1"
    expect 200 "GET upload $1"
    st=$(js 'd["status"]')
    case "$st" in queued | recording) ;; *) return 0 ;; esac
    _i=$((_i + 1))
    [ $_i -lt 300 ] || fail "upload $1 still $st after 60 s"
    sleep 0.2
  done
}
wait_upload "$upid"
[ "$st" = completed ] || fail "the recording upload ended $st: $(cat "$tmp/body")"
check 'd["source"] == "talk.wav" and d["speaker"] == "carol" and d["error"] is None' "upload: source"
check 'd["summary"] is not None and d["report"] is not None' "upload: documents"
req GET "$ubase/api/v1/sessions/$upid/metrics?fields=wpm"
check 'len(d["metrics"]) > 0' "upload: metrics"
ok "upload of talk.wav: completed, $(js 'len(d["metrics"])') metrics, source talk.wav"

req POST "$ubase/api/v1/sessions" -H "$auth" -F "file=@$tmp/notes.txt"
expect 415 "a text file"
check 'd["error"]["code"] == "unsupported_media"' "415 body"
ok "upload of a text file: 415 unsupported_media"

req POST "$ubase/api/v1/sessions" -H "$auth" -F "file=@$tmp/cut.mp4"
expect 202 "a truncated MP4 (typefind sees an MP4)"
cutid=$(js 'd["id"]')
wait_upload "$cutid"
[ "$st" = failed ] || fail "the truncated MP4 (moov at the end, first 4 KiB) ended '$st', expected 'failed': $(cat "$tmp/body")"
check 'isinstance(d["error"], str) and d["error"] and d["ended_at"]' "failed upload: error"
ok "upload of a truncated MP4: failed ($(js 'd["error"]'))"

req POST "$ubase/api/v1/sessions" -H "$auth" -F "file=@$tmp/big.bin"
expect 413 "a body over --max-body-mb 1"
check 'd["error"]["code"] == "too_large"' "413 body"
req POST "$ubase/api/v1/sessions" -H "$auth" -H 'Content-Type: audio/wav' \
  --data-binary "@$tmp/big.bin"
expect 413 "a raw body over --max-body-mb 1"
ok "bodies over --max-body-mb 1: 413 too_large (form and raw)"

# c. (server U) the exposition after uploads
curl -sS --max-time 30 "$ubase/metrics" >"$tmp/metrics-U.txt" || fail "GET /metrics"
promtool check metrics <"$tmp/metrics-U.txt" >"$tmp/promtool-U.txt" 2>&1 || {
  cat "$tmp/promtool-U.txt" >&2
  fail "promtool check metrics on server U's /metrics"
}
grep -q '^aura_uploads_completed_total 1$' "$tmp/metrics-U.txt" || fail "/metrics: uploads completed"
grep -q '^aura_uploads_failed_total 1$' "$tmp/metrics-U.txt" || fail "/metrics: uploads failed"
grep -q '^aura_analysis_intervals_total [1-9]' "$tmp/metrics-U.txt" || fail "/metrics: intervals"
ok "promtool check metrics on /metrics of the upload server (uploads completed 1, failed 1)"
unserve "$U" U

# ---- d. crash recovery -------------------------------------------------------

live_pipeline="audiotestsrc is-live=true wave=pink-noise volume=0.3 ! audioconvert ! auraanalyzer interval=200000000 ! aurafeedback"
crashdb="$tmp/crash.db"
gst_bg "$tmp/crash1.log" $live_pipeline ! aurasessionsink location="$crashdb" session-id=crash1
crash_wrapper=$gpid
i=0
rows=0
while [ "$rows" -lt 3 ]; do
  rows=$(sqp "$crashdb" "SELECT count(*) FROM metrics WHERE session_id = 'crash1'" || echo 0)
  i=$((i + 1))
  [ $i -lt 150 ] || { cat "$tmp/crash1.log" >&2; fail "crash1: $rows metrics rows after 15 s"; }
  sleep 0.1
done
gst=$(sq "$crashdb" "SELECT owner_pid FROM sessions WHERE id = 'crash1'")
[ "$(sq "$crashdb" "SELECT status FROM sessions WHERE id = 'crash1'")" = recording ] ||
  fail "crash1 is not 'recording' while gst-launch runs"
kill -KILL "$gst"
wait "$crash_wrapper" 2>/dev/null || true
forget "$crash_wrapper"
kill -0 "$gst" 2>/dev/null && fail "gst-launch-1.0 ($gst) survived SIGKILL"
committed=$(sq "$crashdb" "SELECT count(*) FROM metrics WHERE session_id = 'crash1'")
[ "$(sq "$crashdb" "SELECT status FROM sessions WHERE id = 'crash1'")" = recording ] ||
  fail "crash1 changed status before any AURA process opened the database"
ok "crash1 recorded by gst-launch-1.0 (pid $gst) killed with SIGKILL after $committed metrics rows were committed"

serve C --db "$crashdb"
C=$srv
req GET "$base/api/v1/sessions/crash1"
expect 200 "crash1 after recovery"
check 'd["status"] == "interrupted" and d["ended_at"] is None' "crash1: interrupted"
req GET "$base/api/v1/sessions/crash1/metrics"
check "len(d['metrics']) == $committed and len(d['metrics']) >= 3" "crash1: committed rows kept"
req GET "$base/api/v1/health"
check 'd["active_sessions"] == 0' "health: no active session after recovery"
unserve "$C" C
[ "$(sq "$crashdb" 'PRAGMA integrity_check')" = ok ] || fail "crash.db: integrity_check"
ok "after aura serve opened it: crash1 'interrupted', $committed metrics rows kept, integrity_check ok"

# the same recovery by a recording pipeline opening the database
gst_bg "$tmp/crash2.log" $live_pipeline ! aurasessionsink location="$crashdb" session-id=crash2
crash_wrapper=$gpid
i=0
rows=0
while [ "$rows" -lt 3 ]; do
  rows=$(sqp "$crashdb" "SELECT count(*) FROM metrics WHERE session_id = 'crash2'" || echo 0)
  i=$((i + 1))
  [ $i -lt 150 ] || { cat "$tmp/crash2.log" >&2; fail "crash2: fewer than 3 metrics rows after 15 s"; }
  sleep 0.1
done
gst=$(sq "$crashdb" "SELECT owner_pid FROM sessions WHERE id = 'crash2'")
kill -KILL "$gst"
wait "$crash_wrapper" 2>/dev/null || true
forget "$crash_wrapper"
committed=$(sq "$crashdb" "SELECT count(*) FROM metrics WHERE session_id = 'crash2'")
gst_bg "$tmp/after.log" audiotestsrc num-buffers=20 ! audioconvert ! auraanalyzer ! \
  aurafeedback ! aurasessionsink location="$crashdb" session-id=after-crash
gst_finish "$gpid" "$tmp/after.log" "$crashdb" after-crash "pipeline after the crash"
[ "$(sq "$crashdb" "SELECT status FROM sessions WHERE id = 'crash2'")" = interrupted ] ||
  fail "crash2 not 'interrupted' after a pipeline opened the database"
[ "$(sq "$crashdb" "SELECT count(*) FROM metrics WHERE session_id = 'crash2'")" = "$committed" ] ||
  fail "crash2 lost committed rows"
[ "$(sq "$crashdb" 'PRAGMA integrity_check')" = ok ] || fail "crash.db: integrity_check"
ok "a gst-launch-1.0 pipeline opening the database marks crash2 'interrupted' too ($committed rows kept)"

# ---- f. the live WebSocket across processes ----------------------------------

livedb="$tmp/live.db"
serve L --db "$livedb" --token-file "$tmp/token" --cors-origin http://example.test
L=$srv
timeout -k 5 60 gst-launch-1.0 -e $live_pipeline ! aurasessionsink location="$livedb" \
  session-id=live1 title=Live >"$tmp/live1.log" 2>&1 &
live_wrapper=$!
pids="$pids $live_wrapper"
i=0
until [ "$(sqp "$livedb" "SELECT status FROM sessions WHERE id = 'live1'")" = recording ]; do
  i=$((i + 1))
  [ $i -lt 100 ] || { cat "$tmp/live1.log" >&2; fail "live1 not recording after 10 s"; }
  sleep 0.1
done
ws="ws://127.0.0.1:$port/api/v1/sessions/live1/live"
timeout -k 5 60 "$py" "$src/tests/http/ws_client.py" --timeout 45 "$ws" \
  >"$tmp/ws.out" 2>"$tmp/ws.err" &
ws_pid=$!
pids="$pids $ws_pid"

rc=0
timeout 10 "$py" "$src/tests/http/ws_client.py" --timeout 5 --origin http://evil.test \
  "$ws" >/dev/null 2>"$tmp/ws-evil.err" || rc=$?
# shellcheck disable=SC2015 # fail unless both hold
[ $rc = 3 ] && grep -q ' 403 ' "$tmp/ws-evil.err" ||
  fail "a WebSocket from http://evil.test: exit $rc, $(cat "$tmp/ws-evil.err")"
rc=0
timeout 10 "$py" "$src/tests/http/ws_client.py" --timeout 5 \
  "ws://127.0.0.1:$port/api/v1/sessions/nosuch/live" >/dev/null 2>"$tmp/ws-404.err" || rc=$?
# shellcheck disable=SC2015 # fail unless both hold
[ $rc = 3 ] && grep -q ' 404 ' "$tmp/ws-404.err" || fail "WebSocket to an unknown id: $(cat "$tmp/ws-404.err")"
req GET "$base/api/v1/sessions/live1/live"
expect 426 "GET .../live without the upgrade"
ok "live route: 403 for another origin, 404 for an unknown id, 426 without the upgrade"

req GET "$base/api/v1/health"
check 'd["active_sessions"] == 1' "health while live1 records"
req DELETE "$base/api/v1/sessions/live1" -H "$auth"
expect 409 "DELETE of a session being recorded"
ok "while another process records live1: active_sessions 1, DELETE 409 conflict"

i=0
until [ "$(grep -c '"type":"aura-metrics"' "$tmp/ws.out" 2>/dev/null || true)" -ge 2 ]; do
  i=$((i + 1))
  [ $i -lt 150 ] || { cat "$tmp/ws.out" "$tmp/ws.err" >&2; fail "fewer than 2 aura-metrics on the WebSocket in 15 s"; }
  sleep 0.1
done
req GET "$base/api/v1/health"
check 'd["websocket_clients"] == 1' "health: 1 WebSocket client"
# SIGINT to gst-launch-1.0 itself: timeout(1) would send it twice (to its
# child and to its process group), and a second SIGINT makes gst-launch-1.0
# -e quit without waiting for the EOS
kill -INT "$(sq "$livedb" "SELECT owner_pid FROM sessions WHERE id = 'live1'")"
rc=0
wait "$live_wrapper" || rc=$?
forget "$live_wrapper"
[ $rc = 0 ] || { cat "$tmp/live1.log" >&2; fail "gst-launch-1.0 -e exited with $rc after SIGINT"; }
rc=0
wait "$ws_pid" || rc=$?
forget "$ws_pid"
[ $rc = 0 ] || { cat "$tmp/ws.out" "$tmp/ws.err" >&2; fail "ws_client.py exited with $rc (no close frame?)"; }
"$py" - "$tmp/ws.out" <<'EOF' || { cat "$tmp/ws.out" >&2; fail "WebSocket message sequence"; }
import json, sys
msgs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
types = [m.get("type") for m in msgs]
assert msgs[0] == {"type": "hello", "session_id": "live1", "status": "recording"}, msgs[0]
metrics = [m for m in msgs if m.get("type") == "aura-metrics"]
assert len(metrics) >= 2, types
ts = [m["t"] for m in metrics]
assert ts == sorted(ts) and len(set(ts)) == len(ts), ts
assert msgs[-2] == {"type": "end", "session_id": "live1", "status": "completed"}, msgs[-2]
assert msgs[-1]["type"] == "_close" and msgs[-1]["code"] == 1000, msgs[-1]
assert types.index("aura-report") < len(types) - 2, types
assert max(i for i, t in enumerate(types) if t == "aura-metrics") < types.index("end")
EOF
wsline=$("$py" - "$tmp/ws.out" <<'EOF'
import json, sys
msgs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
print(sum(m.get("type") == "aura-metrics" for m in msgs))
EOF
)
[ "$(sq "$livedb" "SELECT status FROM sessions WHERE id = 'live1'")" = completed ] ||
  fail "live1 not completed after SIGINT"
ok "WebSocket across processes: hello (recording), $wsline aura-metrics, summary, report, end (completed), close 1000 after SIGINT to gst-launch-1.0 -e"
unserve "$L" L

# ---- e. three writers into one database while the server reads -------------

multidb="$tmp/multi.db"
sox "$talk" "$talk" "$talk" "$tmp/long.wav"
serve M --db "$multidb"
M=$srv
w=""
for i in 1 2 3; do
  gst_bg "$tmp/w$i.log" filesrc location="$tmp/long.wav" ! decodebin ! audioconvert ! \
    audioresample ! auraanalyzer interval=100000000 ! aurafeedback ! \
    aurasessionsink location="$multidb" session-id="w$i" speaker="writer $i"
  w="$w $gpid"
done
# read while they write: every answer 200
reads=0
for i in $(seq 30); do
  req GET "$base/api/v1/sessions"
  expect 200 "list while three processes write"
  for id in w1 w2 w3; do
    req GET "$base/api/v1/sessions/$id/metrics?fields=wpm"
    case "$code" in 200 | 404) ;; *) fail "metrics of $id while writing: HTTP $code $(cat "$tmp/body")" ;; esac
  done
  reads=$((reads + 4))
done
i=0
for p in $w; do
  i=$((i + 1))
  gst_finish "$p" "$tmp/w$i.log" "$multidb" "w$i" "concurrent writer w$i"
done
if grep -il 'locked\|busy' "$tmp"/w?.log >/dev/null; then
  grep -i 'locked\|busy' "$tmp"/w?.log >&2
  fail "a writer reported a locked database"
fi
expected=$(sq "$multidb" "SELECT count(*) FROM metrics WHERE session_id = 'w1'")
[ "$expected" -ge 500 ] || fail "w1 has only $expected metrics rows (56 s at 100 ms)"
for id in w1 w2 w3; do
  req GET "$base/api/v1/sessions/$id"
  check 'd["status"] == "completed" and d["dropped"] == 0 and d["summary"] and d["report"]' "$id"
  req GET "$base/api/v1/sessions/$id/metrics?fields=wpm"
  check "len(d['metrics']) == $expected" "$id: $expected metrics"
done
[ "$(sq "$multidb" 'PRAGMA integrity_check')" = ok ] || fail "multi.db: integrity_check"
grep -q 'status=5' "$tmp/M.log" && fail "the server answered 5xx: $(grep 'status=5' "$tmp/M.log" | head -3)"
unserve "$M" M
ok "3 gst-launch-1.0 writing one database while aura serve answered $reads reads: all completed, $expected metrics each, dropped 0, no lock error"

echo "http-api: $(($(date +%s) - start_time)) s"
if [ $bugs -gt 0 ]; then
  echo "FAIL: $bugs check(s) of known bugs failed (FAIL (bug) lines above)" >&2
  exit 1
fi
