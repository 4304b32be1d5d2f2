#!/bin/sh
# Sends a recording (or any audio) as Opus in RTP over UDP, in real time: what
# a mixer or a streaming tool sends to pipelines/rtp-opus-receive.sh (payload
# type 96, 48 kHz clock). Ends at the end of the file.
#   pipelines/rtp-opus-send.sh FILE HOST PORT
# Environment: AUDIO_SRC (replaces "filesrc location=FILE ! decodebin"; FILE
# is then ignored, pass -; e.g. AUDIO_SRC=autoaudiosrc sends the microphone),
# BITRATE (Opus, bit/s, default 64000), PAYLOAD (default 96), GST_LAUNCH_OPTS.
# The same stream from ffmpeg:
#   ffmpeg -re -i FILE -c:a libopus -b:a 64k -payload_type 96 \
#     -f rtp rtp://HOST:PORT
set -eu
input=${1:?usage: rtp-opus-send.sh FILE HOST PORT}
host=${2:?usage: rtp-opus-send.sh FILE HOST PORT}
port=${3:?usage: rtp-opus-send.sh FILE HOST PORT}
if [ -n "${AUDIO_SRC:-}" ]; then
  # shellcheck disable=SC2086
  set -- $AUDIO_SRC
else
  [ -f "$input" ] || {
    echo "rtp-opus-send.sh: $input: no such file" >&2
    exit 1
  }
  set -- filesrc location="$input" ! decodebin
fi
# shellcheck disable=SC2086
exec gst-launch-1.0 ${GST_LAUNCH_OPTS:-} "$@" ! audioconvert ! audioresample ! \
  audio/x-raw,rate=48000 ! opusenc bitrate="${BITRATE:-64000}" ! \
  rtpopuspay pt="${PAYLOAD:-96}" ! udpsink host="$host" port="$port"
