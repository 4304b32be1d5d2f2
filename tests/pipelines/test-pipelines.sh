#!/bin/sh
# Runs the ready pipelines of pipelines/ on the example recording, with fake
# sinks in place of the screen and the speakers, and checks that metrics, cues
# and the report flow. Env from meson: AURA_SOURCE_ROOT, AURA_BUILD_ROOT,
# GST_PLUGIN_PATH_1_0, GST_REGISTRY_1_0.
set -eu
src=${AURA_SOURCE_ROOT:?}
build=${AURA_BUILD_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GST_PLUGIN_PATH="$build/gst/aura"
talk="$tmp/talk.wav"
"$src/scripts/make-example.sh" "$talk" >/dev/null

# the overlay: video frames with the live cue (fast, without a clock)
GST_LAUNCH_OPTS=-m VIDEO_SRC="videotestsrc num-buffers=400" \
  VIDEO_SINK="fakesink sync=false" AUDIO_SINK="fakesink sync=false" \
  timeout -k 5 60 "$src/pipelines/coaching-overlay.sh" "$talk" fr \
  > "$tmp/overlay.log" 2>&1 || { cat "$tmp/overlay.log"; exit 1; }
grep -q 'aura-feedback' "$tmp/overlay.log" || { echo "overlay: no aura-feedback"; exit 1; }
grep -q 'aura-report' "$tmp/overlay.log" || { echo "overlay: no aura-report"; exit 1; }
echo "coaching-overlay.sh: $(grep -c 'aura-feedback' "$tmp/overlay.log") cue(s) and a report"

# any file: metrics every second, the summary and the report
timeout -k 5 60 "$src/pipelines/analyze-file.sh" "$talk" en > "$tmp/file.log" 2>&1 \
  || { cat "$tmp/file.log"; exit 1; }
n=$(grep -c 'aura-metrics' "$tmp/file.log" || true)
[ "$n" -ge 15 ] || { echo "analyze-file: $n aura-metrics"; exit 1; }
grep -q 'aura-summary' "$tmp/file.log" || { echo "analyze-file: no aura-summary"; exit 1; }
echo "analyze-file.sh: $n aura-metrics, the summary and the report"
