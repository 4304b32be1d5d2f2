#!/bin/sh
# Makes the example recording: English speech from espeak-ng with known pauses
# (0.4, 1.2, 0.8 and 2.0 s) and a faint pink-noise room tone, 16 kHz mono WAV.
#   scripts/make-example.sh OUT.wav
set -eu
out=${1:?usage: make-example.sh OUT.wav}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$out")"

i=0
for sentence in \
  "Good morning everyone and thank you for joining this presentation" \
  "Today we will look at how our team shipped the new release" \
  "First I will show the results of the last quarter" \
  "Then we will talk about what comes next" \
  "Let us begin with the numbers"; do
  i=$((i + 1))
  espeak-ng -v en -s 165 -w "$tmp/raw$i.wav" "$sentence"
  # 16 kHz mono, leading and trailing synthesis silence trimmed
  sox "$tmp/raw$i.wav" -r 16000 -c 1 "$tmp/s$i.wav" \
    silence 1 0.01 -50d reverse silence 1 0.01 -50d reverse
done
sox -n -r 16000 -c 1 "$tmp/lead.wav" trim 0 0.7
sox -n -r 16000 -c 1 "$tmp/p1.wav" trim 0 0.4
sox -n -r 16000 -c 1 "$tmp/p2.wav" trim 0 1.2
sox -n -r 16000 -c 1 "$tmp/p3.wav" trim 0 0.8
sox -n -r 16000 -c 1 "$tmp/p4.wav" trim 0 2.0
sox "$tmp/lead.wav" "$tmp/s1.wav" "$tmp/p1.wav" "$tmp/s2.wav" "$tmp/p2.wav" \
  "$tmp/s3.wav" "$tmp/p3.wav" "$tmp/s4.wav" "$tmp/p4.wav" "$tmp/s5.wav" \
  "$tmp/lead.wav" "$tmp/speech.wav"
len=$(soxi -D "$tmp/speech.wav")
sox -n -r 16000 -c 1 "$tmp/noise.wav" synth "$len" pinknoise vol 0.003
sox -m "$tmp/speech.wav" "$tmp/noise.wav" -b 16 "$out"
echo "example: $out ($(soxi -d "$out"), pauses of 0.4, 1.2, 0.8 and 2.0 s)"
