#!/bin/sh
# Broadcast monitor: the programme audio goes on untouched to its output while
# AURA listens on a branch of a tee, and the live cue is drawn over the video
# for the presenter or the producer. The AURA branch starts with a leaky queue:
# if the analysis ever falls behind, it loses audio, the programme never waits
# (metrics then report the gap as a discontinuity).
#   pipelines/broadcast-monitor.sh FILE [fr|en] [profile]   (default broadcast)
# Environment: AUDIO_SRC (replaces "filesrc location=FILE ! decodebin", e.g. a
# live feed "srtsrc uri=srt://:7001 mode=listener ! decodebin"; FILE is then
# ignored, pass -), AUDIO_SINK (the programme output, default autoaudiosink),
# VIDEO_SRC (default a live test pattern), VIDEO_SINK (default autovideosink),
# DB (a session database: aurasessionsink location=DB ends the AURA branch),
# GST_LAUNCH_OPTS (e.g. -m to print the messages), GST_PLUGIN_PATH (default
# build/gst/aura of this tree).
set -eu
input=${1:?usage: broadcast-monitor.sh FILE [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-broadcast}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
if [ -n "${AUDIO_SRC:-}" ]; then
  # shellcheck disable=SC2086
  set -- $AUDIO_SRC
else
  [ -f "$input" ] || {
    echo "broadcast-monitor.sh: $input: no such file" >&2
    exit 1
  }
  set -- filesrc location="$input" ! decodebin
fi
# the programme: the decoded audio as it is (converted only if the output
# needs another format)
# shellcheck disable=SC2086
set -- "$@" ! tee name=t \
  t. ! queue ! audioconvert ! audioresample ! ${AUDIO_SINK:-autoaudiosink}
# AURA: at most 3 s behind, then the oldest audio is dropped
set -- "$@" \
  t. ! queue leaky=downstream max-size-buffers=0 max-size-bytes=0 \
    max-size-time=3000000000 ! audioconvert ! audioresample ! \
    auraanalyzer language="$lang" ! \
    aurafeedback name=fb language="$lang" profile="$profile" !
if [ -n "${DB:-}" ]; then
  # async=true: behind decodebin and a source that is not live (a file), a sink
  # with async=false (aurasessionsink's default before) can miss the pipeline's EOS in
  # GStreamer 1.22 and gst-launch then waits forever (docs/pipelines.md)
  set -- "$@" aurasessionsink async=true location="$DB"
else
  set -- "$@" fakesink
fi
# the live cue over the video; the text queue never holds up the analysis
# shellcheck disable=SC2086
set -- "$@" \
  fb.text_src ! queue leaky=downstream max-size-buffers=30 max-size-bytes=0 \
    max-size-time=0 ! txt.text_sink \
  ${VIDEO_SRC:-videotestsrc is-live=true pattern=smpte} ! \
    video/x-raw,width=640,height=360 ! \
    textoverlay name=txt font-desc="Sans 20" valignment=bottom \
      wait-text=false ! \
    videoconvert ! ${VIDEO_SINK:-autovideosink}
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS:-} "$@"
