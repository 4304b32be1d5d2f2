#!/usr/bin/env bash
# AURA throughput and memory benchmark.
#
# Generates (once, cached) two long WAV files of speech-like content -- an
# espeak-ng speech loop (English and French, several voices, pauses of
# 0.3-2 s) over a low-level pink-noise bed, repeated with sox -- one 16 kHz
# mono S16LE and one 48 kHz stereo S16LE, then times on each file, pinned to
# one core with `taskset -c 1`:
#   floor          filesrc ! wavparse ! fakesink           (read + parse)
#   level          filesrc ! wavparse ! level ! fakesink
#   aura           filesrc ! wavparse ! auraanalyzer ! fakesink
#   aura tp=off    ... auraanalyzer true-peak=false ...
#   ffmpeg peak    ffmpeg -i F -af ebur128=peak=true -f null -
#   ffmpeg nopeak  ffmpeg -i F -af ebur128 -f null -
# Wall seconds are the best of --runs runs, max RSS (KiB, from
# /usr/bin/time -f '%e %M') the largest over those runs, cpu s the user+sys
# time of the best run. It also runs auraanalyzer on the first tenth of each
# file (6 min of the hour) to show whether memory stays flat. The plugin is
# copied at the start, so a rebuild during the run does not mix two builds.
# Target: auraanalyzer (true peak on) >= 2x as fast as ffmpeg ebur128
# peak=true and >= 600x real time; the verdict uses wall time.
#
# Usage: tests/bench/bench.sh [--dir DIR] [--runs N] [--quick] [--markdown]
#                             [--build DIR]
#   --dir DIR    where the generated audio is cached (default build/bench-audio)
#   --runs N     timed runs per row, the best is kept (default 3)
#   --quick      5-minute files instead of one hour (smoke run)
#   --markdown   print the tables as Markdown
#   --build DIR  meson build dir holding gst/aura/libgstaura.so (default build)
#
# Needs: espeak-ng sox ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-good
# (wavparse, level) time (for /usr/bin/time) util-linux (taskset), and the
# plugin built (ninja -C build).
set -euo pipefail

script_start=$(date +%s)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

dir=""
runs=3
quick=0
markdown=0
build="$repo/build"
cpu=1

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --build) build="$2"; shift 2 ;;
    --build=*) build="${1#*=}"; shift ;;
    --quick) quick=1; shift ;;
    --markdown) markdown=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "$runs" in ''|*[!0-9]*|0) echo "bench.sh: --runs needs a positive integer" >&2; exit 2 ;; esac

[ -n "$dir" ] || dir="$repo/build/bench-audio"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
build=$(cd "$build" && pwd)

for tool in espeak-ng sox soxi ffmpeg aubiopitch gst-launch-1.0 gst-inspect-1.0 taskset; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 1; }
if ! taskset -c "$cpu" true 2>/dev/null; then
  echo "bench.sh: cannot pin to CPU $cpu, using CPU 0" >&2
  cpu=0
fi

if [ "$quick" = 1 ]; then
  duration=300
else
  duration=3600
fi
loop_len=60
part_len=$((duration / 10))        # 360 s (6 min) for the hour, 30 s in --quick

# ---------------------------------------------------------------------------
# GStreamer environment: the uninstalled plugin and a private registry.
work=$(mktemp -d "${TMPDIR:-/tmp}/aura-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The plugin is copied once, so a rebuild during the run cannot mix two builds.
plugin_src="$build/gst/aura/libgstaura.so"
[ -f "$plugin_src" ] || {
  echo "bench.sh: $plugin_src missing: run ninja -C $build" >&2; exit 1; }
mkdir -p "$work/plugin"
cp "$plugin_src" "$work/plugin/"
plugin_info="$plugin_src, built $(date -r "$plugin_src" '+%F %T'), sha256 $(sha256sum "$plugin_src" | cut -c1-12)"
# the source tree the build dir was configured from (it may not be this checkout)
src_root=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["directories"]["source"])' "$build/meson-info/meson-info.json" 2>/dev/null || echo "$repo")
src_rev="$(git -C "$src_root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$src_root" diff --quiet HEAD -- gst 2>/dev/null || echo ' + uncommitted changes under gst/') in $src_root"
export GST_PLUGIN_PATH="$work/plugin"
export GST_PLUGIN_PATH_1_0="$work/plugin"
export GST_REGISTRY_1_0="$work/registry.bin"
gst-inspect-1.0 auraanalyzer >/dev/null 2>&1 || {
  echo "bench.sh: auraanalyzer not found in $GST_PLUGIN_PATH" >&2; exit 1; }
gst-inspect-1.0 level >/dev/null 2>&1 || {
  echo "bench.sh: GStreamer level element missing (gstreamer1.0-plugins-good)" >&2; exit 1; }

log() { echo "bench.sh: $*" >&2; }

# ---------------------------------------------------------------------------
# Audio generation (cached). Every step is deterministic: fixed sentences,
# voices and pauses, and sox -R (repeatable noise and dither).

sentences=(
  "en-us|160|Good morning everyone, and thank you for coming to this presentation."
  "fr-fr|165|Bonjour à tous, et merci d'être venus si nombreux ce matin."
  "en-gb|150|Today I would like to talk about how we measure the loudness of speech."
  "en-us+f3|170|First, let us look at the numbers from last quarter."
  "fr-fr+m3|155|Les résultats du dernier trimestre sont encourageants, mais il reste du travail."
  "en-gb-scotland|145|The integrated loudness is computed over the whole programme, with a gate."
  "fr-be|170|Ensuite, nous verrons comment détecter les pauses dans un discours."
  "en-us+m3|175|A pause that is too long can lose the audience, and one that is too short can rush them."
  "fr-fr+f2|150|Parlez lentement, respirez, et regardez votre public."
  "en-gb-x-rp|160|Finally, I will answer your questions. Please raise your hand."
  "fr-ch|160|Je vous remercie de votre attention, et je vous souhaite une excellente journée."
  "en-029|165|Are there any questions about the method or the results?"
)
# seconds of silence after each sentence, cycled (0.3 - 2 s)
pauses=(0.4 1.2 0.3 2.0 0.7 1.5 0.5 0.9 1.8 0.3 1.1 0.6)

make_loop() { # -> $dir/loop-48k-mono.wav: 60.000 s, 48 kHz mono, 32-bit float
  local out="$dir/loop-48k-mono.wav"
  [ -s "$out" ] && return 0
  log "generating the ${loop_len} s speech loop with espeak-ng"
  local t="$work/loop" i=0 n total=0 segs=() entry voice speed text p
  mkdir -p "$t"
  # cycle through sentences until the loop is at least loop_len seconds long
  while awk -v a="$total" -v b="$loop_len" 'BEGIN { exit !(a < b) }'; do
    n=$((i % ${#sentences[@]}))
    entry=${sentences[$n]}
    voice=${entry%%|*}; entry=${entry#*|}
    speed=${entry%%|*}; text=${entry#*|}
    p=${pauses[$((i % ${#pauses[@]}))]}
    espeak-ng -v "$voice" -s "$speed" -w "$t/raw$i.wav" "$text"
    sox -R "$t/raw$i.wav" -e floating-point -b 32 "$t/seg$i.wav" \
      rate -v 48000 pad 0 "$p"
    segs+=("$t/seg$i.wav")
    total=$(awk -v a="$total" -v b="$(soxi -D "$t/seg$i.wav")" 'BEGIN { print a + b }')
    i=$((i + 1))
  done
  # cut to the loop length with short fades so the repeats join without a click
  sox -R "${segs[@]}" "$t/speech.wav" trim 0 "$loop_len" fade t 0.02 "$loop_len" 0.2 norm -3
  # low-level pink-noise bed (0.01 of full-scale pink noise before the norm)
  sox -R -n -r 48000 -c 1 -e floating-point -b 32 "$t/noise.wav" \
    synth "$loop_len" pinknoise vol 0.01
  sox -R -m -v 1 "$t/speech.wav" -v 1 "$t/noise.wav" "$t/mix.wav" norm -1
  mv "$t/mix.wav" "$out"
}

# make_file NAME RATE CHANNELS -> path of the cached $duration s S16LE file
make_file() {
  local name=$1 rate=$2 ch=$3
  local out="$dir/$name-${duration}s.wav" unit="$dir/$name-${loop_len}s.wav"
  if [ ! -s "$unit" ]; then
    make_loop
    if [ "$ch" = 2 ]; then
      # stereo: left at -0.5 dB, right at -2 dB (slightly different gains)
      sox -R "$dir/loop-48k-mono.wav" -r "$rate" -e signed-integer -b 16 \
        "$work/unit.wav" remix 1v0.944 1v0.794
    else
      sox -R "$dir/loop-48k-mono.wav" -r "$rate" -e signed-integer -b 16 \
        "$work/unit.wav" rate -v "$rate"
    fi
    mv "$work/unit.wav" "$unit"
  fi
  if [ ! -s "$out" ]; then
    log "repeating $unit to $duration s"
    sox -R "$unit" "$work/long.wav" repeat $((duration / loop_len - 1))
    mv "$work/long.wav" "$out"
  fi
  echo "$out"
}

# make_part FILE -> first $part_len seconds of FILE (cached)
make_part() {
  local f=$1 out="${1%-*s.wav}-${part_len}s.wav"
  if [ ! -s "$out" ]; then
    sox -R "$f" "$work/part.wav" trim 0 "$part_len"
    mv "$work/part.wav" "$out"
  fi
  echo "$out"
}

gen_start=$(date +%s.%N)
f16=$(make_file speech-16k-mono 16000 1)
f48=$(make_file speech-48k-stereo 48000 2)
p16=$(make_part "$f16")
p48=$(make_part "$f48")
gen_secs=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

for f in "$f16" "$f48"; do
  d=$(soxi -D "$f")
  awk -v d="$d" -v w="$duration" 'BEGIN { exit !(d > w - 0.5 && d < w + 0.5) }' || {
    echo "bench.sh: $f lasts $d s, expected $duration s (delete it to regenerate)" >&2; exit 1; }
done

# ---------------------------------------------------------------------------
# Timing.

# measure OUTVAR CMD... : runs CMD $runs times pinned to $cpu, sets
# OUTVAR="best_wall_seconds max_rss_kib cpu_seconds_of_best_run".
# Fails the script when CMD fails.
measure() {
  local __var=$1; shift
  local r best="" rss=0 cpus="" s m u k
  for ((r = 1; r <= runs; r++)); do
    if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" \
        taskset -c "$cpu" "$@" >"$work/out" 2>"$work/err"; then
      echo "bench.sh: command failed: $*" >&2
      tail -n 20 "$work/err" >&2
      exit 1
    fi
    read -r s m u k < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$s
      cpus=$(awk -v u="$u" -v k="$k" 'BEGIN { printf "%.2f", u + k }')
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  printf -v "$__var" '%s %s %s' "$best" "$rss" "$cpus"
}

# store KEY LABEL "wall rss cpu"
declare -A T R C
store() { read -r "T[$1,$2]" "R[$1,$2]" "C[$1,$2]" <<<"$3"; }

gst=(gst-launch-1.0 -q filesrc)

bench_file() { # label path
  local label=$1 f=$2 res
  cat "$f" >/dev/null               # warm the page cache
  log "timing on $label ($runs runs each)"
  measure res "${gst[@]}" location="$f" ! wavparse ! fakesink
  store floor "$label" "$res"
  measure res "${gst[@]}" location="$f" ! wavparse ! level ! fakesink
  store level "$label" "$res"
  measure res "${gst[@]}" location="$f" ! wavparse ! auraanalyzer ! fakesink
  store aura "$label" "$res"
  measure res "${gst[@]}" location="$f" ! wavparse ! auraanalyzer true-peak=false ! fakesink
  store auranotp "$label" "$res"
  measure res ffmpeg -nostats -hide_banner -i "$f" -af ebur128=peak=true -f null -
  store ffpeak "$label" "$res"
  measure res ffmpeg -nostats -hide_banner -i "$f" -af ebur128 -f null -
  store ffnopeak "$label" "$res"
  # a pitch tracker for scale (aubio-tools): YIN with an FFT, every frame
  measure res aubiopitch -p yinfft -i "$f"
  store aubio "$label" "$res"
}

labels=("16k-mono" "48k-stereo")
declare -A FILE PART
FILE[16k-mono]=$f16; FILE[48k-stereo]=$f48
PART[16k-mono]=$p16; PART[48k-stereo]=$p48

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
bench_start=$(date +%s.%N)
for l in "${labels[@]}"; do bench_file "$l" "${FILE[$l]}"; done
# memory flatness: auraanalyzer on the first tenth of each file
for l in "${labels[@]}"; do
  log "timing auraanalyzer on the first $part_len s of $l"
  measure res "${gst[@]}" location="${PART[$l]}" ! wavparse ! auraanalyzer ! fakesink
  store aurapart "$l" "$res"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
bench_secs=$(awk -v a="$bench_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

# ---------------------------------------------------------------------------
# Report.

tools=(floor level aura auranotp ffpeak ffnopeak aubio)
declare -A NAME=(
  [floor]="read+parse floor (wavparse ! fakesink)"
  [level]="GStreamer level"
  [aura]="auraanalyzer (true-peak=true)"
  [auranotp]="auraanalyzer true-peak=false"
  [ffpeak]="ffmpeg ebur128 peak=true"
  [ffnopeak]="ffmpeg ebur128 (no peak)"
  [aubio]="aubiopitch -p yinfft"
)

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rtf() { awk -v d="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", d / s; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# table HEADER... then rows via trow; plain text or Markdown
tbl_head() {
  tbl_row "$@"
  if [ "$markdown" = 1 ]; then
    local sep="|"; for _ in "$@"; do sep="$sep---|"; done; echo "$sep"
  fi
}
tbl_row() {
  if [ "$markdown" = 1 ]; then
    local out="|"; for c in "$@"; do out="$out $c |"; done; echo "$out"
  else
    printf '%s\n' "$(IFS=$'\t'; echo "$*")"
  fi
}
emit() { # collect rows of one table then align (text) or pass (markdown)
  if [ "$markdown" = 1 ]; then cat; else column -t -s $'\t'; fi
}
heading() {
  echo
  if [ "$markdown" = 1 ]; then echo "### $*"; else echo "== $* =="; fi
  echo
}

buildtype() {
  meson introspect "$build" --buildoptions 2>/dev/null | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' 2>/dev/null || echo unknown
}
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
heading "Setup"
{
  echo "machine: $(nproc) cores, $cpu_model"
  echo "pinning: every command runs under taskset -c $cpu (one core)"
  echo "runs: best wall time of $runs; max RSS is the largest of the $runs runs (/usr/bin/time -f '%e %M'); cpu s = user+sys of the best run"
  echo "load average (1/5/15 min): $load_before before timing, $load_after after (other work on the machine shows up as wall > cpu)"
  echo "source when the plugin was copied: $src_rev"
  echo "files: $duration s each (${loop_len} s espeak-ng loop + pink noise, repeated with sox); generated/checked in ${gen_secs} s"
  echo "  $f16"
  echo "  $f48"
  echo "cache: $(du -sh "$dir" | cut -f1) in $dir"
  echo "versions: $(gst-launch-1.0 --version | sed -n 2p); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $(sox --version | sed 's/^sox: *//')"
  echo "plugin: $plugin_info (meson buildtype: $(buildtype)), copied before the run"
} | if [ "$markdown" = 1 ]; then sed 's/^/- /; s/^-   /  - /'; else cat; fi

heading "Throughput ($duration s files, one core)"
{
  tbl_head "tool" "file" "seconds" "x real time" "max RSS MiB" "cpu s"
  for l in "${labels[@]}"; do
    for t in "${tools[@]}"; do
      tbl_row "${NAME[$t]}" "$l" "${T[$t,$l]}" "$(rtf "$duration" "${T[$t,$l]}")" "$(mib "${R[$t,$l]}")" "${C[$t,$l]}"
    done
  done
} | emit

heading "Ratios and targets"
verdict_all=met
declare -A V
for l in "${labels[@]}"; do
  if awk -v s="$(ratio "${T[ffpeak,$l]}" "${T[aura,$l]}")" -v x="$(rtf "$duration" "${T[aura,$l]}")" \
      'BEGIN { exit !(s >= 2 && x >= 600) }'; then V[$l]=met; else V[$l]=MISSED; verdict_all=missed; fi
done
{
  tbl_head "file" "aura speed-up vs ffmpeg ebur128 peak=true" "aura / level time" "aura x real time" "target (>= 2x ffmpeg, >= 600x)" "the same by cpu s: speed-up, x real time"
  for l in "${labels[@]}"; do
    su=$(ratio "${T[ffpeak,$l]}" "${T[aura,$l]}")
    tbl_row "$l" "${su}x" "$(ratio "${T[aura,$l]}" "${T[level,$l]}")" "$(rtf "$duration" "${T[aura,$l]}")" "${V[$l]}" \
      "$(ratio "${C[ffpeak,$l]}" "${C[aura,$l]}")x, $(rtf "$duration" "${C[aura,$l]}")"
  done
} | emit

# the full analyzer (pitch, pace, fillers included) on 16 kHz mono speech:
# >= 1000x real time and within 5x of level's time
l=16k-mono
x16=$(rtf "$duration" "${T[aura,$l]}")
lv16=$(ratio "${T[aura,$l]}" "${T[level,$l]}")
if awk -v x="$x16" -v r="$lv16" 'BEGIN { exit !(x >= 1000 && r <= 5) }'; then
  v16=met; else v16=MISSED; fi
{
  tbl_head "file" "aura x real time" "aura / level time" "aura / aubiopitch yinfft time" "target (>= 1000x, <= 5x level)"
  tbl_row "$l" "$x16" "$lv16" "$(ratio "${T[aura,$l]}" "${T[aubio,$l]}")" "$v16"
} | emit

heading "Memory flatness (auraanalyzer, true-peak=true)"
{
  tbl_head "file" "max RSS MiB, first $part_len s" "max RSS MiB, $duration s" "difference MiB"
  for l in "${labels[@]}"; do
    tbl_row "$l" "$(mib "${R[aurapart,$l]}")" "$(mib "${R[aura,$l]}")" \
      "$(awk -v a="${R[aura,$l]}" -v b="${R[aurapart,$l]}" 'BEGIN { printf "%+.1f", (a - b) / 1024 }')"
  done
} | emit

echo
total=$(( $(date +%s) - script_start ))
echo "timing: ${bench_secs} s; whole script: ${total} s"
echo "the verdict uses wall time; the cpu s figures are a check when the machine was busy"
if [ "$verdict_all" = met ]; then
  echo "speed target (>= 2x ffmpeg ebur128 peak=true and >= 600x real time): met on both files"
else
  echo "speed target (>= 2x ffmpeg ebur128 peak=true and >= 600x real time): MISSED on at least one file"
fi
