#!/bin/sh
# Live coaching from the microphone: metrics, cues and the report of the session
# are recorded in a session database (SQLite) by aurasessionsink. Stop with
# Ctrl-C: gst-launch -e ends the stream, so the summary and the report are
# written and the session is marked completed.
#   pipelines/microphone.sh [fr|en] [profile] [DB]     (DB: aura-sessions.db)
# Environment: AUDIO_SRC (default autoaudiosrc; e.g. "pulsesrc device=NAME",
# "alsasrc device=hw:1", or "filesrc location=talk.wav ! decodebin" to test),
# TITLE and SPEAKER (stored with the session), HTTP_PORT (below),
# GST_LAUNCH_OPTS (e.g. -m to print the messages), GST_PLUGIN_PATH (default
# build/gst/aura of this tree).
set -eu
lang=${1:-en}
profile=${2:-presentation}
db=${3:-aura-sessions.db}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
# HTTP_PORT: the live dashboard and the HTTP API of the session, served on
# 127.0.0.1 by the sink itself (aurasessionsink's http-port property, which
# came with the dashboard); the property is only set when HTTP_PORT is, so the
# script also runs with a plugin from before it.
# async=true: behind decodebin and a source that is not live (a file), a sink
# with async=false (aurasessionsink's default before) can miss the pipeline's EOS in
# GStreamer 1.22 and gst-launch then waits forever (docs/pipelines.md)
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS:-} \
  ${AUDIO_SRC:-autoaudiosrc} ! audioconvert ! audioresample ! \
    auraanalyzer language="$lang" ! \
    aurafeedback language="$lang" profile="$profile" ! \
    aurasessionsink async=true location="$db" ${TITLE:+title="$TITLE"} \
      ${SPEAKER:+speaker="$SPEAKER"} ${HTTP_PORT:+http-port="$HTTP_PORT"}
