#!/bin/sh
# Any file or URI GStreamer can read (file://, http(s)://, rtsp://, ...), video
# files included: uridecodebin decodes only the audio (caps=audio/x-raw with
# expose-all-streams=false), video streams are not even decoded. Metrics, cues
# and the report are printed by gst-launch -m and, with DB set, recorded in a
# session database.
#   pipelines/any-uri.sh URI|FILE [fr|en] [profile]
# Environment: DB (a session database: aurasessionsink location=DB ends the
# chain instead of AUDIO_SINK), AUDIO_SINK (default "fakesink sync=false": as
# fast as the input can be read; "autoaudiosink" to listen at the same time),
# GST_LAUNCH_OPTS (default -m; set it empty for a quiet run), GST_PLUGIN_PATH
# (default build/gst/aura of this tree).
set -eu
input=${1:?usage: any-uri.sh URI|FILE [LANG] [PROFILE]}
lang=${2:-en}
profile=${3:-presentation}
here=$(cd "$(dirname "$0")/.." && pwd)
: "${GST_PLUGIN_PATH:=$here/build/gst/aura}"
export GST_PLUGIN_PATH
case "$input" in
  *://*) uri=$input ;;
  *)
    [ -f "$input" ] || { echo "any-uri.sh: $input: no such file" >&2; exit 1; }
    dir=$(cd "$(dirname "$input")" && pwd)
    # a file:// URI; the characters that would end or split it are escaped
    uri=file://$(printf '%s/%s' "${dir%/}" "$(basename "$input")" | \
      sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/#/%23/g' -e 's/?/%3F/g')
    ;;
esac
set -- uridecodebin uri="$uri" caps=audio/x-raw expose-all-streams=false ! \
  queue ! audioconvert ! audioresample ! auraanalyzer language="$lang" ! \
  aurafeedback language="$lang" profile="$profile" !
if [ -n "${DB:-}" ]; then
  # async=true: behind decodebin and a source that is not live (a file), a sink
  # with async=false (aurasessionsink's default before) can miss the pipeline's EOS in
  # GStreamer 1.22 and gst-launch then waits forever (docs/pipelines.md)
  set -- "$@" aurasessionsink async=true location="$DB"
else
  # shellcheck disable=SC2086
  set -- "$@" ${AUDIO_SINK:-fakesink sync=false}
fi
# shellcheck disable=SC2086
exec gst-launch-1.0 -e ${GST_LAUNCH_OPTS--m} "$@"
