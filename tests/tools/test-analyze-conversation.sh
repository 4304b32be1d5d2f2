#!/bin/sh
# aura analyze with several inputs: the participants of one conversation, with a
# known layout (A speaks, 2 s of silence, then B), checked in the JSON.
# Env from meson: AURA.
set -eu
aura=${AURA:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail () { echo "FAIL: $*"; exit 1; }

espeak-ng -v en -s 150 -w "$tmp/a-speech.wav" \
  "Good morning everyone, thank you for joining this panel today."
espeak-ng -v en -s 150 -w "$tmp/b-speech.wav" \
  "Thank you, it is a pleasure to be here with all of you."
da=$(soxi -D "$tmp/a-speech.wav")
db=$(soxi -D "$tmp/b-speech.wav")
# A: its speech, then silence until the end; B: silence for A's speech and 2 s
sox "$tmp/a-speech.wav" "$tmp/a.wav" pad 0 "$(awk "BEGIN { print $db + 2 }")"
sox "$tmp/b-speech.wav" "$tmp/b.wav" pad "$(awk "BEGIN { print $da + 2 }")" 0

"$aura" analyze --json --speaker Ann --speaker Bob "$tmp/a.wav" "$tmp/b.wav" \
  > "$tmp/out.json" || fail "aura analyze exited $?"
/usr/bin/python3 - "$tmp/out.json" <<'PY' || fail "conversation figures"
import json, sys
d = json.load(open(sys.argv[1]))
names = [s["speaker"] for s in d["speakers"]]
assert names == ["Ann", "Bob"], names
assert all(s["type"] == "aura-summary" and "report" in s for s in d["speakers"])
c = d["conversation"]
assert c["type"] == "aura-conversation"
assert c["turns"] == 2, c["turns"]
assert c["overlaps"] == 0 and c["overlap_time"] == 0, c
# the 2 s gap, give or take the voice activity edges (speech onsets and the
# synthetic voice's trailing silence)
assert 1.6 <= c["silence_time"] <= 2.8, c["silence_time"]
shares = [s["talk_share"] for s in c["speakers"]]
assert abs(sum(shares) - 1) < 1e-9, shares
assert c["longest_monologue_speaker"] in ("Ann", "Bob")
print("ok: 2 speakers, 2 turns, no overlap, silence %.2f s, shares %.2f/%.2f"
      % (c["silence_time"], shares[0], shares[1]))
PY

"$aura" analyze "$tmp/a.wav" "$tmp/b.wav" > "$tmp/out.txt"
grep -q '^== a ==' "$tmp/out.txt" || fail "no section named after the file a.wav"
grep -q '^Conversation' "$tmp/out.txt" || fail "no conversation in the report"
echo "ok: the readable report has one section per speaker and the conversation"

rc=0; "$aura" analyze --speaker A --speaker B --speaker C "$tmp/a.wav" \
  "$tmp/b.wav" 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "more names than inputs exited $rc"
echo "ok: more --speaker names than inputs is a usage error"
