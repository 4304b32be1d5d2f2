#!/bin/sh
# Coaching from an SRT stream: listens on PORT for one caller (OBS, ffmpeg, a
# hardware encoder, pipelines/srt-send.sh) sending MPEG-TS; the audio stream is
# decoded whatever its codec (AAC, what OBS sends by default, Opus, MP2, AC-3),
# video streams are not decoded. Metrics, cues and the report are printed by
# gst-launch -m. When the caller disconnects, srtsrc ends the stream: the
# summary and the report come out and the pipeline stops (one connection, one
# session; run it in a loop to take the next caller), unless KEEP_LISTENING is
# set. Ctrl-C also ends it.
#   pipelines/srt-listen.sh PORT [fr|en] [profile]
# Environment: ADDRESS (address to listen on, default all), LATENCY (SRT
# latency, ms, default 125), PASSPHRASE (AES encryption; the caller must use
# the same), KEEP_LISTENING (set: wait for the next caller instead of ending;
# one session across callers, until Ctrl-C), DB (a session database:
# aurasessionsink location=DB ends the chain instead of AUDIO_SINK),
# AUDIO_SINK (default "fakesink"; autoaudiosink to listen), GST_LAUNCH_OPTS
# (default -m), GST_PLUGIN_PATH (default build/gst/aura of this tree).
# OBS: Settings > Stream > Custom, server srt://THIS_HOST:PORT (mode caller).
# Ctrl-C before any caller connected ends with an error from typefind ("Stream
# doesn't contain enough data"): nothing was received (docs/pipelines.md).
set -eu
port=${1:?usage: srt-listen.sh PORT [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-presentation}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
set -- srtsrc uri="srt://${ADDRESS:-}:$port" mode=listener \
  latency="${LATENCY:-125}"
if [ -n "${PASSPHRASE:-}" ]; then
  set -- "$@" passphrase="$PASSPHRASE"
fi
if [ -n "${KEEP_LISTENING:-}" ]; then
  set -- "$@" keep-listening=true
fi
set -- "$@" ! decodebin caps=audio/x-raw expose-all-streams=false ! \
  queue ! audioconvert ! audioresample ! auraanalyzer language="$lang" ! \
  aurafeedback language="$lang" profile="$profile" !
if [ -n "${DB:-}" ]; then
  # async=true, as wherever decodebin feeds the session sink: with
  # async=false, GStreamer 1.22 can lose the pipeline's EOS (docs/pipelines.md)
  set -- "$@" aurasessionsink async=true location="$DB"
else
  # shellcheck disable=SC2086
  set -- "$@" ${AUDIO_SINK:-fakesink}
fi
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS--m} "$@"
