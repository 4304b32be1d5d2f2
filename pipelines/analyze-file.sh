#!/bin/sh
# Any file or URI GStreamer can read, video files included (their audio track):
# metrics, coaching cues and the report on the bus, printed by gst-launch -m.
#   pipelines/analyze-file.sh FILE_OR_URI [fr|en] [profile]
set -eu
input=${1:?usage: analyze-file.sh FILE_OR_URI [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-presentation}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
case "$input" in
  *://*) uri=$input ;;
  *) uri=$(gst-launch-1.0 --gst-version >/dev/null 2>&1; python3 -c 'import pathlib,sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$input") ;;
esac
exec gst-launch-1.0 -m uridecodebin uri="$uri" ! audioconvert ! audioresample ! \
  auraanalyzer language="$lang" ! aurafeedback language="$lang" profile="$profile" ! \
  fakesink sync=false
