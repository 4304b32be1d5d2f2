#!/bin/sh
# Live coaching over video: the analyzer and the coach listen to a recording (or
# any audio) while textoverlay shows the current cue on the video.
#   pipelines/coaching-overlay.sh talk.wav [fr|en] [profile]
# Environment: VIDEO_SINK (default autovideosink), AUDIO_SINK (default
# autoaudiosink), VIDEO_SRC (default a live test pattern), GST_LAUNCH_OPTS (e.g.
# -m to print the cues), GST_PLUGIN_PATH (default build/gst/aura of this tree).
set -eu
input=${1:?usage: coaching-overlay.sh FILE [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-presentation}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS:-} \
  filesrc location="$input" ! decodebin ! audioconvert ! audioresample ! \
    auraanalyzer ! aurafeedback name=fb language="$lang" profile="$profile" ! \
    ${AUDIO_SINK:-autoaudiosink} \
  fb.text_src ! queue ! txt.text_sink \
  ${VIDEO_SRC:-videotestsrc is-live=true pattern=smpte} ! \
    video/x-raw,width=640,height=360 ! \
    textoverlay name=txt font-desc="Sans 20" valignment=bottom wait-text=false ! \
    videoconvert ! ${VIDEO_SINK:-autovideosink}
