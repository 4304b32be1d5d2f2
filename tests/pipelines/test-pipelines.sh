#!/bin/sh
# Runs the ready pipelines of pipelines/ on generated input (the example
# recording, video files made from it, audiotestsrc, network streams on
# 127.0.0.1), with fake sinks in place of the screen and the speakers, and
# checks that metrics, cues and the report flow: messages counted in
# gst-launch -m output, rows counted in the session database. Real-time runs
# (live sources, network) use a 6 s excerpt; every run is bounded by timeout.
# Env from meson: AURA_SOURCE_ROOT, AURA_BUILD_ROOT, GST_PLUGIN_PATH_1_0,
# GST_REGISTRY_1_0. Exit status 77 (skip) when a tool or element is missing.
set -eu
src=${AURA_SOURCE_ROOT:?}
build=${AURA_BUILD_ROOT:?}
p=$src/pipelines
tmp=$(mktemp -d)
bg=""
cleanup() {
  for pid in $bg; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export GST_PLUGIN_PATH="$build/gst/aura"
python=/usr/bin/python3
[ -x "$python" ] || python=python3

for tool in sox espeak-ng ffmpeg sqlite3 "$python"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
done
for element in srtsrc srtsink mpegtsmux tsdemux avenc_aac opusenc webrtcbin \
  nicesrc dtlssrtpenc rtpopuspay vp8enc webmmux souphttpsrc textoverlay; do
  gst-inspect-1.0 "$element" >/dev/null 2>&1 || \
    { echo "SKIP: GStreamer element $element is missing"; exit 77; }
done

fail() {
  echo "FAIL: $*"
  exit 1
}
# fail with the log of the run
fail_log() {
  log=$1
  shift
  echo "FAIL: $* -- log:"
  tail -n 40 "$log"
  exit 1
}
# messages NAME in the gst-launch -m log FILE
count() {
  grep -c "(element): $1," "$2" || true
}
# rows of TABLE in the database DB
rows() {
  sqlite3 "$1" "SELECT count(*) FROM $2"
}
# a UDP port free on 127.0.0.1 (RTP and SRT both run over UDP); free_port tcp:
# a TCP port
free_port() {
  "$python" -c 'import socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1:] == ["tcp"] else socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$@"
}
# waits until the gst-launch of log FILE is PLAYING (sockets open)
wait_playing() {
  i=0
  until grep -q 'Setting pipeline to PLAYING' "$1"; do
    i=$((i + 1))
    [ "$i" -le 100 ] || fail_log "$1" "receiver did not start"
    sleep 0.1
  done
}
# waits for background PID, forgets it, returns its exit status
reap() {
  rc=0
  wait "$1" || rc=$?
  bg=""
  return "$rc"
}
# stops background gst-launch PID with SIGINT (gst-launch -e: EOS first)
# and returns its exit status. PID is a `timeout --foreground`: without
# --foreground, timeout passes a signal on to the command and again to its
# process group, and gst-launch takes the second SIGINT as "quit now", before
# the EOS is through (exit status 130, session interrupted)
stop() {
  kill -INT "$1" 2>/dev/null || true
  reap "$1"
}

talk="$tmp/talk.wav"
"$src/scripts/make-example.sh" "$talk" >/dev/null
clip="$tmp/clip.wav"
sox "$talk" "$clip" trim 0 6
t0=$(date +%s)
took() {
  echo "  ($(($(date +%s) - t0)) s so far)"
}

# --- coaching-overlay.sh: video frames with the live cue (fast, no clock)
GST_LAUNCH_OPTS=-m VIDEO_SRC="videotestsrc num-buffers=400" \
  VIDEO_SINK="fakesink sync=false" AUDIO_SINK="fakesink sync=false" \
  timeout -k 5 60 "$p/coaching-overlay.sh" "$talk" fr \
  > "$tmp/overlay.log" 2>&1 || fail_log "$tmp/overlay.log" "coaching-overlay.sh"
[ "$(count aura-feedback "$tmp/overlay.log")" -ge 1 ] || fail "overlay: no aura-feedback"
[ "$(count aura-report "$tmp/overlay.log")" -eq 1 ] || fail "overlay: no aura-report"
echo "coaching-overlay.sh: $(count aura-feedback "$tmp/overlay.log") cue(s) and a report"

# --- analyze-file.sh: metrics every second, the summary and the report
timeout -k 5 60 "$p/analyze-file.sh" "$talk" en > "$tmp/file.log" 2>&1 \
  || fail_log "$tmp/file.log" "analyze-file.sh"
n=$(count aura-metrics "$tmp/file.log")
[ "$n" -ge 15 ] || fail "analyze-file: $n aura-metrics"
[ "$(count aura-summary "$tmp/file.log")" -eq 1 ] || fail "analyze-file: no aura-summary"
echo "analyze-file.sh: $n aura-metrics, the summary and the report"

# --- microphone.sh, the recording in place of the microphone: every
# interval, the summary and the report in the database
db="$tmp/mic.db"
AUDIO_SRC="filesrc location=$talk ! decodebin" TITLE="Mic test" \
  SPEAKER="Ann Example" timeout -k 5 60 "$p/microphone.sh" fr lecture "$db" \
  > "$tmp/mic.log" 2>&1 || fail_log "$tmp/mic.log" "microphone.sh"
n=$(rows "$db" metrics)
[ "$n" -ge 15 ] || fail "microphone: $n metrics rows"
[ "$(rows "$db" summaries)" -eq 1 ] || fail "microphone: no summary row"
[ "$(rows "$db" reports)" -eq 1 ] || fail "microphone: no report row"
s=$(sqlite3 "$db" "SELECT title || '|' || speaker || '|' || language || '|' || profile || '|' || status FROM sessions")
[ "$s" = "Mic test|Ann Example|fr|lecture|completed" ] || fail "microphone: session $s"
echo "microphone.sh (file as the microphone): $n metrics rows, summary, report, session completed"

# ...and a live source stopped with Ctrl-C, as a person would: the session is
# completed, not interrupted; with HTTP_PORT (when the sink has http-port),
# the dashboard's API answers while the session runs
db="$tmp/live.db"
http_port=""
if gst-inspect-1.0 aurasessionsink 2>/dev/null | grep -q 'http-port'; then
  http_port=$(free_port tcp)
fi
AUDIO_SRC="audiotestsrc is-live=true freq=180 volume=0.3" HTTP_PORT=$http_port \
  timeout --foreground -k 5 30 "$p/microphone.sh" en presentation "$db" \
  > "$tmp/live.log" 2>&1 &
pid=$!
bg=$pid
health=""
if [ -n "$http_port" ]; then
  i=0
  until health=$("$python" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' \
    "http://127.0.0.1:$http_port/api/v1/health" 2>/dev/null); do
    i=$((i + 1))
    [ "$i" -le 30 ] || fail_log "$tmp/live.log" "microphone (HTTP_PORT): no answer from the API"
    sleep 0.1
  done
  case "$health" in
    *'"status":"ok"'*) ;;
    *) fail "microphone (HTTP_PORT): health $health" ;;
  esac
fi
sleep 3.5
stop "$pid" || fail_log "$tmp/live.log" "microphone.sh (live) after SIGINT"
n=$(rows "$db" metrics)
[ "$n" -ge 2 ] || fail "microphone (live): $n metrics rows"
[ "$(sqlite3 "$db" 'SELECT status FROM sessions')" = completed ] \
  || fail "microphone (live): session not completed"
[ "$(rows "$db" reports)" -eq 1 ] || fail "microphone (live): no report row"
echo "microphone.sh (live source, SIGINT${http_port:+, HTTP_PORT}): $n metrics rows, session completed${health:+, the API answered}"
took

# --- any-uri.sh: a file name that needs escaping, video files (H.264/AAC
# in MP4 from ffmpeg, VP8/Opus in WebM from GStreamer), an http:// URI, DB
odd="$tmp/my talk #1.wav"
cp "$talk" "$odd"
timeout -k 5 60 "$p/any-uri.sh" "$odd" fr > "$tmp/uri.log" 2>&1 \
  || fail_log "$tmp/uri.log" "any-uri.sh '$odd'"
n=$(count aura-metrics "$tmp/uri.log")
[ "$n" -ge 15 ] || fail "any-uri (file): $n aura-metrics"
[ "$(count aura-report "$tmp/uri.log")" -eq 1 ] || fail "any-uri (file): no report"
echo "any-uri.sh (file name with a space and #): $n aura-metrics and the report"

timeout -k 5 60 ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=15 \
  -i "$talk" -shortest -c:v libx264 -preset ultrafast -c:a aac \
  "$tmp/talk.mp4" || fail "ffmpeg could not make the MP4"
timeout -k 5 60 gst-launch-1.0 -q videotestsrc num-buffers=285 ! \
  video/x-raw,width=320,height=240,framerate=15/1 ! vp8enc deadline=1 ! mux. \
  filesrc location="$talk" ! decodebin ! audioconvert ! audioresample ! \
  opusenc ! mux. webmmux name=mux ! filesink location="$tmp/talk.webm" \
  || fail "GStreamer could not make the WebM"
for video in talk.mp4 talk.webm; do
  timeout -k 5 60 "$p/any-uri.sh" "$tmp/$video" > "$tmp/uri.log" 2>&1 \
    || fail_log "$tmp/uri.log" "any-uri.sh $video"
  n=$(count aura-metrics "$tmp/uri.log")
  [ "$n" -ge 15 ] || fail "any-uri ($video): $n aura-metrics"
  [ "$(count aura-summary "$tmp/uri.log")" -eq 1 ] || fail "any-uri ($video): no summary"
  echo "any-uri.sh (video file $video): $n aura-metrics and the summary"
done

port=$(free_port tcp)
(cd "$tmp" && exec timeout --foreground -k 5 60 "$python" -m http.server --bind 127.0.0.1 \
  "$port") > "$tmp/http.log" 2>&1 &
pid=$!
bg=$pid
i=0
until "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1])' \
  "http://127.0.0.1:$port/" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -le 50 ] || fail_log "$tmp/http.log" "the HTTP server did not start"
  sleep 0.1
done
db="$tmp/uri.db"
DB="$db" timeout -k 5 60 "$p/any-uri.sh" "http://127.0.0.1:$port/talk.wav" \
  > "$tmp/uri.log" 2>&1 || fail_log "$tmp/uri.log" "any-uri.sh http://"
kill -INT "$pid" 2>/dev/null || true # the server exits cleanly on SIGINT
reap "$pid" || true
n=$(rows "$db" metrics)
[ "$n" -ge 15 ] || fail "any-uri (http, DB): $n metrics rows"
[ "$(rows "$db" reports)" -eq 1 ] || fail "any-uri (http, DB): no report row"
echo "any-uri.sh (http:// URI, DB): $n metrics rows and the report"
took

# --- RTP: receiver in the background, the sender in real time, then SIGINT
port=$(free_port)
timeout --foreground -k 5 40 "$p/rtp-opus-receive.sh" "$port" fr > "$tmp/rtp-rx.log" 2>&1 &
pid=$!
bg=$pid
wait_playing "$tmp/rtp-rx.log"
timeout -k 5 30 "$p/rtp-opus-send.sh" "$clip" 127.0.0.1 "$port" \
  > "$tmp/rtp-tx.log" 2>&1 || fail_log "$tmp/rtp-tx.log" "rtp-opus-send.sh"
sleep 0.5 # the jitter buffer's latency
stop "$pid" || fail_log "$tmp/rtp-rx.log" "rtp-opus-receive.sh after SIGINT"
n=$(count aura-metrics "$tmp/rtp-rx.log")
[ "$n" -ge 5 ] || fail_log "$tmp/rtp-rx.log" "rtp-opus-receive: $n aura-metrics"
[ "$(count aura-report "$tmp/rtp-rx.log")" -eq 1 ] || fail "rtp-opus-receive: no report"
echo "rtp-opus-send.sh -> rtp-opus-receive.sh: $n aura-metrics and the report"
took

# --- SRT: the listener ends by itself when the caller leaves; AAC into a
# database, then Opus
for codec in aac opus; do
  port=$(free_port)
  db="$tmp/srt-$codec.db"
  DB="$db" timeout --foreground -k 5 40 "$p/srt-listen.sh" "$port" > "$tmp/srt-rx.log" 2>&1 &
  pid=$!
  bg=$pid
  wait_playing "$tmp/srt-rx.log"
  CODEC=$codec timeout -k 5 30 "$p/srt-send.sh" "$clip" 127.0.0.1 "$port" \
    > "$tmp/srt-tx.log" 2>&1 || fail_log "$tmp/srt-tx.log" "srt-send.sh ($codec)"
  rc=0
  reap "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail_log "$tmp/srt-rx.log" "srt-listen.sh ($codec): exit status $rc"
  n=$(rows "$db" metrics)
  [ "$n" -ge 5 ] || fail "srt-listen ($codec): $n metrics rows"
  [ "$(sqlite3 "$db" 'SELECT status FROM sessions')" = completed ] \
    || fail "srt-listen ($codec): session not completed"
  echo "srt-send.sh -> srt-listen.sh ($codec in MPEG-TS, DB): $n metrics rows, session completed"
done
took

# --- broadcast-monitor.sh: the programme plays in real time through the tee,
# the AURA branch keeps up (no discontinuity), cue over live video
GST_LAUNCH_OPTS=-m AUDIO_SINK="fakesink sync=true" \
  VIDEO_SRC="videotestsrc is-live=true num-buffers=180" \
  VIDEO_SINK="fakesink sync=false" \
  timeout -k 5 30 "$p/broadcast-monitor.sh" "$clip" > "$tmp/bm.log" 2>&1 \
  || fail_log "$tmp/bm.log" "broadcast-monitor.sh"
n=$(count aura-metrics "$tmp/bm.log")
[ "$n" -ge 5 ] || fail "broadcast-monitor: $n aura-metrics"
[ "$(count aura-report "$tmp/bm.log")" -eq 1 ] || fail "broadcast-monitor: no report"
grep -q 'aura-summary,.* discontinuities=(uint)0[,;]' "$tmp/bm.log" \
  || fail_log "$tmp/bm.log" "broadcast-monitor: the AURA branch lost audio"
echo "broadcast-monitor.sh: $n aura-metrics, no audio lost, the report"
took

# --- webrtc_loopback.py: two webrtcbin, ICE + DTLS-SRTP on this machine
db="$tmp/webrtc.db"
rc=0
timeout -k 5 60 "$python" "$p/webrtc_loopback.py" --file "$clip" --seconds 4 \
  --db "$db" > "$tmp/webrtc.log" 2>&1 || rc=$?
[ "$rc" -ne 3 ] || { cat "$tmp/webrtc.log"; echo "SKIP: webrtc_loopback.py: a part is missing"; exit 77; }
[ "$rc" -eq 0 ] || fail_log "$tmp/webrtc.log" "webrtc_loopback.py: exit status $rc"
n=$(grep -c '^metrics ' "$tmp/webrtc.log" || true)
[ "$n" -ge 3 ] || fail_log "$tmp/webrtc.log" "webrtc_loopback: $n metrics lines"
grep -q '^report' "$tmp/webrtc.log" || fail "webrtc_loopback: no report"
[ "$(rows "$db" metrics)" -eq "$n" ] || fail "webrtc_loopback: $(rows "$db" metrics) rows for $n metrics"
echo "webrtc_loopback.py: $n aura-metrics over WebRTC, the report, the session"
took

# --- rtp_conference.py: two participants as two RTP sources (SSRCs) on one
# port, a known layout (Ann speaks, 2 s of silence, then Bob): one session,
# a speaker each, the conversation across them
espeak-ng -v en -s 150 -w "$tmp/ann-speech.wav" \
  "Good morning everyone, thank you for joining this panel today."
espeak-ng -v en -s 150 -w "$tmp/bob-speech.wav" \
  "Thank you, it is a pleasure to be here with all of you."
da=$(soxi -D "$tmp/ann-speech.wav")
dbob=$(soxi -D "$tmp/bob-speech.wav")
sox "$tmp/ann-speech.wav" "$tmp/ann.wav" pad 0 "$(awk "BEGIN { print $dbob + 2 }")"
sox "$tmp/bob-speech.wav" "$tmp/bob.wav" pad "$(awk "BEGIN { print $da + 2 }")" 0
db="$tmp/conference.db"
port=$(free_port)
timeout --foreground -k 5 60 "$python" "$p/rtp_conference.py" "$port" \
  --db "$db" --names Ann,Bob > "$tmp/conf.log" 2>&1 &
bg=$!
pid=$bg
i=0
until grep -q '^session ' "$tmp/conf.log"; do
  i=$((i + 1))
  [ "$i" -le 100 ] || fail_log "$tmp/conf.log" "rtp_conference.py did not start"
  sleep 0.1
done
timeout -k 5 30 "$p/rtp-opus-send.sh" "$tmp/ann.wav" 127.0.0.1 "$port" \
  > "$tmp/conf-a.log" 2>&1 &
sender=$!
timeout -k 5 30 "$p/rtp-opus-send.sh" "$tmp/bob.wav" 127.0.0.1 "$port" \
  > "$tmp/conf-b.log" 2>&1 || fail_log "$tmp/conf-b.log" "rtp-opus-send.sh (Bob)"
wait "$sender" || fail_log "$tmp/conf-a.log" "rtp-opus-send.sh (Ann)"
sleep 0.5
stop "$pid" || fail_log "$tmp/conf.log" "rtp_conference.py after SIGINT"
[ "$(sqlite3 "$db" "SELECT group_concat (speaker) FROM (SELECT speaker FROM summaries ORDER BY speaker)")" = "Ann,Bob" ] \
  || fail_log "$tmp/conf.log" "rtp_conference: not one summary per participant"
[ "$(sqlite3 "$db" "SELECT status FROM sessions")" = completed ] \
  || fail "rtp_conference: session not completed"
conv=$(sqlite3 "$db" "SELECT json_extract (json, '$.turns') || ' ' || json_extract (json, '$.overlaps') || ' ' || json_extract (json, '$.silence_time') FROM conversations")
set -- $conv
[ "$1" -eq 2 ] && [ "$2" -eq 0 ] || fail_log "$tmp/conf.log" "rtp_conference: turns/overlaps $conv"
awk "BEGIN { exit !($3 >= 1.5 && $3 <= 3.0) }" || fail "rtp_conference: silence $3 s for a 2 s gap"
echo "rtp_conference.py: 2 participants by SSRC, 2 turns, no overlap, silence $3 s"
took
