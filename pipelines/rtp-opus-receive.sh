#!/bin/sh
# Coaching from an Opus stream in RTP over UDP: what a mixer, a media server or
# pipelines/rtp-opus-send.sh sends (payload type 96, 48 kHz clock, RFC 7587).
# The jitter buffer reorders and times the packets; metrics, cues and the
# report are printed by gst-launch -m. Stop with Ctrl-C (gst-launch -e ends the
# stream, so the summary and the report come out). UDP carries no end of
# stream: the receiver waits for packets until stopped.
#   pipelines/rtp-opus-receive.sh PORT [fr|en] [profile]
# Environment: ADDRESS (default 0.0.0.0; a multicast group joins it), LATENCY
# (jitter buffer, ms, default 200), PAYLOAD (default 96), CHANNELS (default 1:
# the Opus decoder downmixes; 2 measures the loudness of a stereo programme on
# both channels), DB (a session database: aurasessionsink location=DB ends the
# chain instead of AUDIO_SINK), AUDIO_SINK (default "fakesink"; autoaudiosink
# to listen), GST_LAUNCH_OPTS (default -m), GST_PLUGIN_PATH (default
# build/gst/aura of this tree).
set -eu
port=${1:?usage: rtp-opus-receive.sh PORT [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-presentation}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
caps="application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000"
caps="$caps,payload=${PAYLOAD:-96}"
set -- udpsrc address="${ADDRESS:-0.0.0.0}" port="$port" caps="$caps" ! \
  rtpjitterbuffer latency="${LATENCY:-200}" ! rtpopusdepay ! opusdec ! \
  "audio/x-raw,channels=${CHANNELS:-1}" ! audioconvert ! audioresample ! \
  auraanalyzer language="$lang" ! \
  aurafeedback language="$lang" profile="$profile" !
if [ -n "${DB:-}" ]; then
  set -- "$@" aurasessionsink location="$DB"
else
  # shellcheck disable=SC2086
  set -- "$@" ${AUDIO_SINK:-fakesink}
fi
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS--m} "$@"
