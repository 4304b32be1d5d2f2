#!/bin/sh
# Sends a recording (or any audio) over SRT in real time, as OBS or ffmpeg
# would: MPEG-TS carrying AAC (or Opus), caller mode, to
# pipelines/srt-listen.sh. Ends at the end of the file.
#   pipelines/srt-send.sh FILE HOST PORT
# Environment: AUDIO_SRC (replaces "filesrc location=FILE ! decodebin"; FILE
# is then ignored, pass -), CODEC (aac, the default, or opus), BITRATE (bit/s,
# default 128000), LATENCY (SRT latency, ms, default 125), PASSPHRASE (AES
# encryption), GST_LAUNCH_OPTS.
# The same stream from ffmpeg:
#   ffmpeg -re -i FILE -c:a aac -f mpegts srt://HOST:PORT
set -eu
input=${1:?usage: srt-send.sh FILE HOST PORT}
host=${2:?usage: srt-send.sh FILE HOST PORT}
port=${3:?usage: srt-send.sh FILE HOST PORT}
bitrate=${BITRATE:-128000}
if [ -n "${AUDIO_SRC:-}" ]; then
  # shellcheck disable=SC2086
  set -- $AUDIO_SRC
else
  [ -f "$input" ] || {
    echo "srt-send.sh: $input: no such file" >&2
    exit 1
  }
  set -- filesrc location="$input" ! decodebin
fi
set -- "$@" ! audioconvert ! audioresample ! audio/x-raw,rate=48000 !
case "${CODEC:-aac}" in
  aac) set -- "$@" avenc_aac bitrate="$bitrate" ! aacparse ;;
  opus) set -- "$@" opusenc bitrate="$bitrate" ;;
  *) echo "srt-send.sh: CODEC must be aac or opus" >&2; exit 2 ;;
esac
set -- "$@" ! mpegtsmux ! srtsink uri="srt://$host:$port" mode=caller \
  latency="${LATENCY:-125}"
if [ -n "${PASSPHRASE:-}" ]; then
  set -- "$@" passphrase="$PASSPHRASE"
fi
# shellcheck disable=SC2086
exec gst-launch-1.0 ${GST_LAUNCH_OPTS:-} "$@"
