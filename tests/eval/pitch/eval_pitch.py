#!/usr/bin/env python3
"""Accuracy evaluation of AURA's pitch (F0) estimator (gst/aura/dsp/aura-pitch.c).

The F0 track comes from `pitch-track` (tests/eval/pitch/pitch-track.c: the file
pushed in 320-sample hops, one estimate per hop, default range 60-500 Hz).  The
script builds its own ground truth, so nothing has to be downloaded:

1. Synthetic vowels with known F0 (16 kHz, float32 WAV).
   Source, band-limited additive synthesis from the instantaneous phase
   phi(t) = 2 pi * integral of F0 (harmonics above 7.5 kHz faded out):
     - "glottal": Fourier series of the derivative of a Rosenberg-C glottal
       pulse (open quotient 0.6, opening:closing 2:1), i.e. glottal flow
       derivative with its -6 dB/oct (-12 dB/oct flow, +6 lip radiation) tilt;
     - "saw": sawtooth, harmonic k at 1/k.
   Filter, a cascade of three second-order resonators (Klatt form, unity gain
   at DC): /a/ 700/1220/2600 Hz (bandwidths 80/90/120), /i/ 300/2300/3000
   (60/100/120), /u/ 300/870/2240 (60/80/100).
   Files:
     - constant F0 (70, 100, 140, 200, 280, 400 Hz):
         sil .30 | V .80 | s .20 | V .80 | sil .25 | V .80 | h .20 | V .60 | sil .30
     - glides, log-linear in F0 (A->B over 2 s, then B->A over 2 s):
         sil .30 | V 2.0 A->B | h .20 | V 2.0 B->A | sil .30
       (90<->180 and 250<->120 Hz; the full run adds 120<->300 and 400<->200)
     where V = voiced vowel (10 ms raised-cosine onset/offset), sil = digital
   silence, s = /s/-like noise (white noise, 3-7.5 kHz band, -12 dB re the
   vowel RMS), h = /h/-like aspiration (white noise through the vowel's
   formants with their bandwidths doubled, as with an open glottis, -15 dB).
   The vowels are at -20 dBFS RMS.
   Reported apart, never in the targets:
     - stress files (clean): F0 steps by an octave (and by 3:2) inside
       continuous voicing, after a 100 ms / 300 ms pause, and after a pause
       in which pitch-track is "gated" (--gate -50: no estimate on silent
       hops, as the element does not estimate in frames its VAD calls
       silent, so the estimator's octave memory does not age there);
     - F0 sweep (full run only, clean): /a/, glottal and saw, one 0.6 s
       vowel per F0 from 62 to 495 Hz in 1 % steps; lists the F0s with gross
       errors against the period at the 4 kHz internal rate.

2. Conditions: clean, and white Gaussian noise at 20 and 10 dB SNR, where
   SNR = mean power of the vowel samples / noise power (the noise covers the
   whole file, silences included).  Every noise draw is seeded.

3. Frames.  pitch-track gives the span of input samples that reach an
   estimate (its header: 583 samples = 36.4 ms at a 60 Hz floor, ending at
   the hop end).  A frame is truly voiced when that span lies entirely inside
   one voiced segment (truth F0 = geometric mean of the instantaneous F0 over
   the span), truly unvoiced when the span holds no voiced sample, and a
   transition otherwise; transition frames are excluded from every metric.

4. Metrics per condition (pooled over files; also per F0, per vowel, per
   unvoiced kind):
     - GPE: % of frames voiced in truth and estimate whose estimate is more
       than 20 % off the truth; gross errors are also split by ratio
       estimate/truth: ~1/2 (0.45-0.55), ~1/3 (0.30-0.37), ~2 (1.8-2.2),
       other;
     - fine error: mean and median |1200 log2(est/truth)| (cents) over the
       voiced-in-both frames without a gross error;
     - VDE: % of non-transition frames where the voicing decision disagrees
       with the truth; "miss" = % of truly voiced frames estimated unvoiced,
       "FA" = % of truly unvoiced frames estimated voiced.  VDE is also split
       between frames within 60 ms of a segment boundary (the span's nearest
       edge) and the others;
     - voicing what-if: the same with frames of periodicity (1 - CMND)
       below a stricter threshold made unvoiced, replayed on the tracks
       (the estimator's octave memory is not re-run, so indicative only).

5. espeak-ng vs Praat (when praat is installed): several voices read a
   sentence (espeak-ng -> sox 16 kHz mono 16-bit); Praat 'To Pitch (ac)'
   0.0 s, 75-600 Hz (other parameters at Praat's defaults), median and 10/90 %
   quantiles of its voiced frames, vs the same of pitch-track's voiced frames;
   the difference of the medians in semitones.  Frame by frame (Praat taken as
   the reference, NOT ground truth): % of frames voiced in both more than 20 %
   apart, and voicing agreement.  `aura analyze --json` is run too, and its
   pitch_median_hz shown when the summary has it.

Usage:
    eval_pitch.py --tracker PATH     full run
    eval_pitch.py --short            CI subset (< 30 s): glottal source,
                                     /a/ and /i/, two glides, three conditions,
                                     two espeak voices
    eval_pitch.py --check            exit 1 if GPE > 2 % on clean or > 5 % at
                                     10 dB SNR (pooled synthetic frames)
    eval_pitch.py --markdown         tables in Markdown (docs/accuracy.md)
    eval_pitch.py --keep DIR         keep the audio, truth (NAME.json) and
                                     tracks in DIR (NAME_COND.track.txt:
                                     time est_hz periodicity truth_label
                                     [1 voiced, 0 unvoiced, -1 transition]
                                     truth_hz segment_kind)
    eval_pitch.py --no-espeak        synthetic part only
    eval_pitch.py --verbose          examples of gross and voicing errors

The tracker is --tracker, else $AURA_PITCH_TRACK, else
$AURA_BUILD_ROOT/tests/eval/pitch/pitch-track, else
<source>/build/tests/eval/pitch/pitch-track.  The aura binary (espeak part
only) is --aura, else $AURA, else <source>/build/tools/aura.
Exit status 77 (meson "skipped") if numpy is missing; the espeak-ng/Praat
part is skipped (with a note) when espeak-ng, sox or praat is missing.
"""

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

try:
    import numpy as np
except ImportError:  # e.g. a pyenv python3 found first in PATH by meson
    _SYS_PY = "/usr/bin/python3"
    if (os.path.realpath(sys.executable) != os.path.realpath(_SYS_PY)
            and os.access(_SYS_PY, os.X_OK)
            and not os.environ.get("AURA_EVAL_REEXEC")):
        os.environ["AURA_EVAL_REEXEC"] = "1"
        os.execv(_SYS_PY, [_SYS_PY] + sys.argv)
    print("eval_pitch: numpy is not available, skipping", file=sys.stderr)
    sys.exit(77)

from concurrent.futures import ProcessPoolExecutor

SR = 16000
HOP = 320
VOICED_RMS = 0.1              # -20 dBFS
RAMP = 0.010                  # vowel onset/offset, s
HARM_MAX = 7500.0             # harmonics faded out above (Hz)
H_BW_FACTOR = 2.0             # /h/: formant bandwidths x2 (open glottis)
GATE_DBFS = -50.0             # stress files run "gated" (see pitch-track)
NEAR_EDGE = 0.060             # "near a boundary" for the VDE split, s
GROSS = 0.20

# Targets (issue): GPE <= 2 % on clean speech, <= 5 % at 10 dB SNR.
TARGET_CLEAN = 2.0
TARGET_10DB = 5.0

VOWELS = {
    "a": [(700, 80), (1220, 90), (2600, 120)],
    "i": [(300, 60), (2300, 100), (3000, 120)],
    "u": [(300, 60), (870, 80), (2240, 100)],
}
F0S = [70, 100, 140, 200, 280, 400]
GLIDES_SHORT = [(90, 180), (250, 120)]
GLIDES_FULL = GLIDES_SHORT + [(120, 300), (400, 200)]
SWEEP_LO, SWEEP_HI = 62.0, 495.0

# (label, SNR dB or None)
CONDITIONS = [("clean", None), ("white 20 dB", 20), ("white 10 dB", 10)]

ESPEAK_VOICES_FULL = [
    ("en", "The weather was surprisingly warm this morning, so we walked "
     "along the river."),
    ("en+f3", "The weather was surprisingly warm this morning, so we walked "
     "along the river."),
    ("en-us+f4", "Please send me the updated budget before the meeting "
     "tomorrow."),
    ("en+m3", "Please send me the updated budget before the meeting "
     "tomorrow."),
    ("fr", "Le nouveau pont ouvrira au printemps prochain, si tout va bien."),
    ("fr+m3", "Le nouveau pont ouvrira au printemps prochain, si tout va "
     "bien."),
    ("fr+f2", "Nous partirons en vacances au mois de juillet avec les "
     "enfants."),
    ("de+f1", "Das Wetter war heute morgen erstaunlich warm und sonnig."),
]
ESPEAK_VOICES_SHORT = ESPEAK_VOICES_FULL[:2]

PRAAT_SCRIPT = """form Pitch
  sentence file
endform
s = Read from file: file$
p = To Pitch (ac): 0, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600
med = Get quantile: 0, 0, 0.5, "Hertz"
q10 = Get quantile: 0, 0, 0.1, "Hertz"
q90 = Get quantile: 0, 0, 0.9, "Hertz"
n = Get number of frames
writeInfoLine: "summary ", med, " ", q10, " ", q90
for i to n
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  appendInfoLine: "frame ", fixed$(t, 4), " ", f
endfor
"""


# ------------------------------------------------------------ synthesis ---

def glottal_coeffs(kmax):
    """Harmonic amplitudes and phases of the derivative of a Rosenberg-C
    glottal pulse (open quotient 0.6, opening 0.4 T, closing 0.2 T)."""
    m = 8192
    t = np.arange(m) / m
    tp, tn = 0.4, 0.2
    g = np.where(t < tp, 0.5 * (1.0 - np.cos(np.pi * t / tp)),
                 np.where(t < tp + tn, np.cos(np.pi * (t - tp) / (2 * tn)),
                          0.0))
    dg = (np.roll(g, -1) - g) * m
    c = np.fft.rfft(dg) / m
    k = np.arange(1, kmax + 1)
    return 2.0 * np.abs(c[k]), np.angle(c[k])


def harmonic_source(f0, source):
    """Band-limited periodic source with instantaneous F0 f0 (per sample)."""
    phi = 2.0 * np.pi * np.cumsum(f0) / SR
    kmax = int(HARM_MAX / np.min(f0)) + 2
    if source == "glottal":
        amp, ph = glottal_coeffs(kmax)
    else:
        amp = 1.0 / np.arange(1, kmax + 1)
        ph = np.full(kmax, -np.pi / 2)
    y = np.zeros(len(f0))
    for k in range(1, kmax + 1):
        gain = np.clip((HARM_MAX - k * f0) / 300.0, 0.0, 1.0)
        if not gain.any():
            break
        y += amp[k - 1] * gain * np.cos(k * phi + ph[k - 1])
    return y


def resonator_ir(formants, n=1600):
    """Impulse response of the cascade of Klatt resonators (unity DC gain)."""
    h = np.zeros(n)
    h[0] = 1.0
    for f, bw in formants:
        r = np.exp(-np.pi * bw / SR)
        b = 2.0 * r * np.cos(2.0 * np.pi * f / SR)
        c = -r * r
        a = 1.0 - b - c
        out = np.zeros(n)
        y1 = y2 = 0.0
        for i in range(n):
            y = a * h[i] + b * y1 + c * y2
            out[i] = y
            y2, y1 = y1, y
        h = out
    return h


def fftfilt(x, h):
    n = len(x) + len(h) - 1
    nfft = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, nfft) * np.fft.rfft(h, nfft), nfft)
    return y[:len(x)]


def band_noise(rng, n, lo, hi):
    w = rng.standard_normal(n)
    spec = np.fft.rfft(w)
    f = np.fft.rfftfreq(n, 1.0 / SR)
    spec[(f < lo) | (f > hi)] = 0.0
    return np.fft.irfft(spec, n)


def ramp_env(n):
    r = int(RAMP * SR)
    e = np.ones(n)
    if n > 2 * r:
        w = 0.5 - 0.5 * np.cos(np.pi * np.arange(r) / r)
        e[:r] = w
        e[-r:] = w[::-1]
    return e


def f0_contour(seg):
    """Instantaneous F0 per sample of a voiced segment (log-linear glide)."""
    n = int(round(seg["dur"] * SR))
    a, b = seg["f0"]
    t = np.arange(n) / n
    return a * (b / a) ** t


def build_file(spec, seed):
    """spec: {"name", "source", "vowel", "segments": [{"kind", "dur", "f0"}]}.
    Consecutive voiced segments are synthesised as one continuous stretch
    (phase continuous, ramps only at its ends).  Returns the clean signal,
    the per-sample truth F0 (0 where unvoiced), the segment list with sample
    bounds, and the voiced mask."""
    rng = np.random.default_rng([seed, spec["key"], 7])
    segs = []
    pos = 0
    for s in spec["segments"]:
        n = int(round(s["dur"] * SR))
        segs.append(dict(s, start=pos, end=pos + n))
        pos += n
    total = pos
    x = np.zeros(total)
    f0 = np.zeros(total)
    h = resonator_ir(VOWELS[spec["vowel"]])
    h_asp = resonator_ir([(f, bw * H_BW_FACTOR)
                          for f, bw in VOWELS[spec["vowel"]]])
    # voiced stretches
    i = 0
    while i < len(segs):
        if segs[i]["kind"] != "V":
            i += 1
            continue
        j = i
        while j + 1 < len(segs) and segs[j + 1]["kind"] == "V":
            j += 1
        a, b = segs[i]["start"], segs[j]["end"]
        c = np.concatenate([f0_contour(s) for s in segs[i:j + 1]])
        f0[a:b] = c
        x[a:b] = fftfilt(harmonic_source(c, spec["source"]), h) * \
            ramp_env(b - a)
        i = j + 1
    voiced = f0 > 0
    x *= VOICED_RMS / np.sqrt(np.mean(x[voiced] ** 2))
    for s in segs:
        n = s["end"] - s["start"]
        if s["kind"] == "s":
            u = band_noise(rng, n, 3000.0, 7500.0)
            lvl = -12.0
        elif s["kind"] == "h":
            u = fftfilt(rng.standard_normal(n), h_asp)
            lvl = -15.0
        else:
            continue
        u *= VOICED_RMS * 10 ** (lvl / 20.0) / np.sqrt(np.mean(u * u))
        x[s["start"]:s["end"]] = u * ramp_env(n)
    return x, f0, segs


def add_noise(x, voiced, snr_db, seed, key, cond_index):
    if snr_db is None:
        return x
    rng = np.random.default_rng([seed, key, cond_index, 11])
    p = np.mean(x[voiced] ** 2)
    return x + rng.standard_normal(len(x)) * np.sqrt(p / 10 ** (snr_db / 10))


def write_wav_float(path, x):
    data = np.asarray(x, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, SR, SR * 4, 4, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data))
                + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(data)) + data)


# ---------------------------------------------------------------- specs ---

def make_specs(short):
    sources = ["glottal"] if short else ["glottal", "saw"]
    vowels = ["a", "i"] if short else ["a", "i", "u"]
    glides = GLIDES_SHORT if short else GLIDES_FULL
    specs = []

    def V(dur, a, b=None):
        return {"kind": "V", "dur": dur, "f0": (a, a if b is None else b)}

    def U(kind, dur):
        return {"kind": kind, "dur": dur, "f0": (0, 0)}

    for src in sources:
        for v in vowels:
            for f in F0S:
                specs.append({
                    "name": "%s_%s_%d" % (src, v, f), "group": "%d Hz" % f,
                    "source": src, "vowel": v, "set": "main",
                    "segments": [U("sil", .30), V(.80, f), U("s", .20),
                                 V(.80, f), U("sil", .25), V(.80, f),
                                 U("h", .20), V(.60, f), U("sil", .30)]})
            for a, b in glides:
                specs.append({
                    "name": "%s_%s_glide%d-%d" % (src, v, a, b),
                    "group": "glide %d<->%d" % (a, b),
                    "source": src, "vowel": v, "set": "main",
                    "segments": [U("sil", .30), V(2.0, a, b), U("h", .20),
                                 V(2.0, b, a), U("sil", .30)]})
    # stress: octave steps (octave-error protection), /a/, glottal; the
    # pauses also "gated": no estimate on hops below GATE_DBFS, like the
    # element, which does not estimate in frames its VAD calls silent
    steps = [("step 110->220 continuous", [V(1.0, 110), V(1.0, 220)], False),
             ("step 220->110 continuous", [V(1.0, 220), V(1.0, 110)], False),
             ("step 100->150 continuous", [V(1.0, 100), V(1.0, 150)], False),
             ("step 110->220 after 100 ms", [V(1.0, 110), U("sil", .10),
                                             V(1.0, 220)], False),
             ("step 110->220 after 300 ms", [V(1.0, 110), U("sil", .30),
                                             V(1.0, 220)], False),
             ("step 110->220 after 300 ms, gated",
              [V(1.0, 110), U("sil", .30), V(1.0, 220)], True),
             ("step 110->220 after 1 s, gated",
              [V(1.0, 110), U("sil", 1.0), V(1.0, 220)], True),
             ("step 220->110 after 1 s, gated",
              [V(1.0, 220), U("sil", 1.0), V(1.0, 110)], True)]
    for label, mid, gated in steps:
        specs.append({"name": "stress_" + label.replace(" ", "_")
                      .replace(",", "").replace("->", "-"),
                      "group": label, "source": "glottal", "vowel": "a",
                      "set": "stress",
                      "track_args": ["--gate", str(GATE_DBFS)] if gated
                      else [],
                      "segments": [U("sil", .30)] + mid + [U("sil", .30)]})
    # sweep (full run): constant F0 in 1 % steps, /a/, one voiced segment
    if not short:
        n = int(np.log(SWEEP_HI / SWEEP_LO) / np.log(1.01)) + 1
        for src in ("glottal", "saw"):
            for f in SWEEP_LO * 1.01 ** np.arange(n):
                specs.append({"name": "sweep_%s_a_%.1f" % (src, f),
                              "group": "sweep %s" % src, "source": src,
                              "vowel": "a", "set": "sweep", "f0": float(f),
                              "segments": [U("sil", .20), V(.60, float(f)),
                                           U("sil", .20)]})
    for s in specs:     # seeds from the name: --short uses the same audio
        s["key"] = zlib.crc32(s["name"].encode())
    return specs


# -------------------------------------------------------------- tracker ---

def run_tracker(tracker, path, extra=()):
    p = subprocess.run([tracker] + list(extra) + [path], capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (tracker, p.returncode,
                                                   p.stderr.strip()))
    span = None
    rows = []
    for line in p.stdout.splitlines():
        if line.startswith("#"):
            w = line.split()
            if "window" in w:
                span = int(w[w.index("window") + 1])
            continue
        t, f, per = line.split()
        rows.append((float(t), float(f), float(per)))
    if span is None:
        raise RuntimeError("%s: no window in the header" % tracker)
    a = np.array(rows).reshape(-1, 3)
    return span, a[:, 0], a[:, 1], a[:, 2]


def frame_truth(f0, segs, span, n_frames):
    """Per frame: label (1 voiced, 0 unvoiced, -1 transition), truth F0,
    segment index (voiced frames) or unvoiced kind, distance (s) of the span
    to the nearest segment boundary."""
    labels = np.full(n_frames, -1)
    tf0 = np.zeros(n_frames)
    kind = [""] * n_frames
    seg_of = np.full(n_frames, -1)
    edge = np.zeros(n_frames)
    bounds = np.array([s["start"] for s in segs[1:]])
    for i in range(n_frames):
        end = (i + 1) * HOP
        a = end - span
        if a < 0:
            continue
        # segments overlapping [a, end)
        over = [k for k, s in enumerate(segs) if s["start"] < end and
                s["end"] > a]
        kinds = {segs[k]["kind"] for k in over}
        d = np.min(np.concatenate((np.abs(bounds - a), np.abs(bounds - end)))) \
            if len(bounds) else 1e9
        edge[i] = d / SR
        if len(over) == 1 and segs[over[0]]["kind"] == "V":
            labels[i] = 1
            tf0[i] = np.exp(np.mean(np.log(f0[a:end])))
            seg_of[i] = over[0]
            kind[i] = "V"
        elif "V" not in kinds:
            labels[i] = 0
            kind[i] = "+".join(sorted(kinds))
    return labels, tf0, seg_of, kind, edge


def process_file(job):
    spec, seed, tracker, keep = job
    x, f0, segs = build_file(spec, seed)
    voiced = f0 > 0
    out = {"spec": spec, "results": {}}
    tmp = tempfile.mkdtemp(prefix="aura-pitch-")
    try:
        for ci, (cond, snr) in enumerate(CONDITIONS):
            if spec["set"] != "main" and snr is not None:
                continue
            y = add_noise(x, voiced, snr, seed, spec["key"], ci)
            tag = cond.replace(" ", "")
            path = os.path.join(keep or tmp, "%s_%s.wav" % (spec["name"], tag))
            write_wav_float(path, y)
            span, t, est, per = run_tracker(tracker, path,
                                            spec.get("track_args", ()))
            labels, tf0, seg_of, kind, edge = frame_truth(f0, segs, span,
                                                          len(t))
            out["results"][cond] = {"t": t, "est": est, "per": per,
                                    "labels": labels, "tf0": tf0,
                                    "seg_of": seg_of, "kind": kind,
                                    "edge": edge, "span": span}
            if keep:
                with open(path[:-4] + ".track.txt", "w") as f:
                    for i in range(len(t)):
                        f.write("%.4f %.2f %.4f %d %.2f %s\n" % (
                            t[i], est[i], per[i], labels[i], tf0[i],
                            kind[i] or "-"))
        if keep:
            with open(os.path.join(keep, spec["name"] + ".json"), "w") as f:
                json.dump({"spec": spec, "segments": [
                    {k: s[k] for k in ("kind", "dur", "f0", "start", "end")}
                    for s in segs]}, f, indent=1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# -------------------------------------------------------------- metrics ---

def new_acc():
    return {"vv": 0, "gross": 0, "half": 0, "third": 0, "double": 0,
            "other": 0, "cents": [], "tv": 0, "tu": 0, "miss": 0, "fa": 0,
            "near_n": 0, "near_err": 0, "far_n": 0, "far_err": 0}


def accumulate(acc, r, mask=None):
    lab, est, tf0, edge = r["labels"], r["est"], r["tf0"], r["edge"]
    m = lab >= 0 if mask is None else (lab >= 0) & mask
    tv = m & (lab == 1)
    tu = m & (lab == 0)
    ev = est > 0
    vv = tv & ev
    ratio = est[vv] / tf0[vv]
    gross = np.abs(ratio - 1.0) > GROSS
    acc["vv"] += int(vv.sum())
    acc["gross"] += int(gross.sum())
    g = ratio[gross]
    half = (g > 0.45) & (g < 0.55)
    third = (g > 0.30) & (g < 0.37)
    double = (g > 1.8) & (g < 2.2)
    acc["half"] += int(half.sum())
    acc["third"] += int(third.sum())
    acc["double"] += int(double.sum())
    acc["other"] += int((~(half | third | double)).sum())
    acc["cents"].extend(np.abs(1200 * np.log2(ratio[~gross])).tolist())
    acc["tv"] += int(tv.sum())
    acc["tu"] += int(tu.sum())
    acc["miss"] += int((tv & ~ev).sum())
    acc["fa"] += int((tu & ev).sum())
    err = (tv & ~ev) | (tu & ev)
    near = m & (edge < NEAR_EDGE)
    acc["near_n"] += int(near.sum())
    acc["near_err"] += int((err & near).sum())
    acc["far_n"] += int((m & ~near).sum())
    acc["far_err"] += int((err & m & ~near).sum())


def pct(a, b):
    return 100.0 * a / b if b else float("nan")


def summarise(acc):
    c = np.array(acc["cents"]) if acc["cents"] else np.array([np.nan])
    n = acc["tv"] + acc["tu"]
    return {
        "frames": n, "voiced": acc["tv"], "vv": acc["vv"],
        "gpe": pct(acc["gross"], acc["vv"]),
        "gross": acc["gross"], "half": acc["half"], "third": acc["third"],
        "double": acc["double"], "other": acc["other"],
        "mean_c": float(np.mean(c)), "median_c": float(np.median(c)),
        "p95_c": float(np.percentile(c, 95)),
        "vde": pct(acc["miss"] + acc["fa"], n),
        "miss": pct(acc["miss"], acc["tv"]), "fa": pct(acc["fa"], acc["tu"]),
        "vde_near": pct(acc["near_err"], acc["near_n"]),
        "vde_far": pct(acc["far_err"], acc["far_n"]),
    }


def aggregate(files, cond, pick=lambda spec: True, mask_fn=None):
    acc = new_acc()
    for f in files:
        if not pick(f["spec"]) or cond not in f["results"]:
            continue
        r = f["results"][cond]
        accumulate(acc, r, None if mask_fn is None else mask_fn(r))
    return summarise(acc)


# --------------------------------------------------------------- output ---

def f1(v, nd=1):
    return "n/a" if v is None or v != v else "%.*f" % (nd, v)


def print_table(title, header, rows, markdown):
    if markdown:
        print("\n**%s**\n" % title)
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i == 0 else "---:"
                             for i in range(len(header))) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        print("\n" + title)
        w = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        print("  ".join(h.ljust(w[i]) if i == 0 else h.rjust(w[i])
                        for i, h in enumerate(header)))
        for r in rows:
            print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i])
                            for i, c in enumerate(r)))


def summary_rows(files, conds):
    rows = []
    for c in conds:
        s = aggregate(files, c, lambda sp: sp["set"] == "main")
        rows.append([c, str(s["frames"]), f1(s["gpe"], 2),
                     "%d/%d/%d/%d" % (s["half"], s["third"], s["double"],
                                      s["other"]),
                     f1(s["mean_c"]), f1(s["median_c"]), f1(s["p95_c"]),
                     f1(s["vde"], 2), f1(s["miss"], 2), f1(s["fa"], 2),
                     f1(s["vde_near"]), f1(s["vde_far"], 2)])
    return rows


SUMMARY_HEADER = ["condition", "frames", "GPE %", "gross ½/⅓/2×/other",
                  "fine mean ¢", "fine median ¢", "fine p95 ¢", "VDE %",
                  "miss %", "FA %", "VDE near edge %", "VDE interior %"]


def group_rows(files, conds, key, groups):
    rows = []
    for g in groups:
        row = [g]
        for c in conds:
            s = aggregate(files, c, lambda sp: sp["set"] == "main" and
                          key(sp) == g)
            row += [f1(s["gpe"], 2), f1(s["mean_c"]), f1(s["miss"], 1)]
        rows.append(row)
    return rows


def unvoiced_rows(files, conds):
    kinds = ["sil", "s", "h"]
    rows = []
    for k in kinds:
        row = [{"sil": "silence (+noise)", "s": "/s/ noise",
                "h": "/h/ aspiration"}[k]]
        for c in conds:
            s = aggregate(files, c, lambda sp: sp["set"] == "main",
                          lambda r, k=k: np.array([x == k for x in r["kind"]]))
            row += [str(s["frames"]), f1(s["fa"], 2)]
        rows.append(row)
    return rows


def stress_rows(files):
    rows = []
    for f in files:
        sp = f["spec"]
        if sp["set"] != "stress":
            continue
        r = f["results"]["clean"]
        segs = [k for k, s in enumerate(sp["segments"]) if s["kind"] == "V"]
        cells = [sp["group"]]
        for k in segs:
            m = r["seg_of"] == k
            acc = new_acc()
            accumulate(acc, r, m)
            s = summarise(acc)
            e = r["est"][m & (r["est"] > 0)]
            cells.append("%d Hz: GPE %s %%, median est %s Hz" % (
                sp["segments"][k]["f0"][0], f1(s["gpe"], 1),
                f1(float(np.median(e)) if len(e) else float("nan"))))
        rows.append([cells[0], cells[1], cells[2] if len(cells) > 2 else ""])
    return rows


def sweep_rows(files):
    """Per source: constant-F0 /a/ files in 1 % steps, which F0s had gross
    errors, and how that relates to the period at 4 kHz (distance of
    4000 / F0 to the nearest half-integer)."""
    rows, detail = [], []
    for src in ("glottal", "saw"):
        fs = [f for f in files if f["spec"]["set"] == "sweep" and
              f["spec"]["source"] == src]
        if not fs:
            continue
        bad, near_n, near_bad = [], 0, 0
        for f in fs:
            acc = new_acc()
            accumulate(acc, f["results"]["clean"])
            s = summarise(acc)
            f0 = f["spec"]["f0"]
            per = 4000.0 / f0
            near = abs(per - np.floor(per) - 0.5) <= 0.1
            near_n += near
            if s["gross"]:
                near_bad += near
                bad.append((f0, per, s))
        rows.append(["/a/ " + src, str(len(fs)), str(len(bad)),
                     str(sum(1 for b in bad if b[2]["half"] == b[2]["gross"])),
                     "%d/%d" % (near_bad, near_n),
                     "%d/%d" % (len(bad) - near_bad, len(fs) - near_n)])
        detail.append("/a/ %s, F0 (period at 4 kHz, GPE %%): " % src + ", ".join(
            "%.1f (%.2f, %.0f)" % (f0, per, s["gpe"]) for f0, per, s in bad))
    return rows, detail


WHATIF = [0.60, 0.70, 0.75, 0.80, 0.85, 0.90]


def whatif_rows(files, conds):
    """Voicing if frames with periodicity below a stricter threshold were
    unvoiced (0.60 = the current CMND 0.40).  Replayed on the tracks, so the
    octave memory is not re-run: indicative only."""
    rows = []
    for thr in WHATIF:
        row = ["%.2f" % thr]
        for c in conds:
            acc = new_acc()
            for f in files:
                if f["spec"]["set"] != "main":
                    continue
                r = dict(f["results"][c])
                r["est"] = np.where(r["per"] >= thr - 1e-9, r["est"], 0.0)
                accumulate(acc, r)
            s = summarise(acc)
            row += [f1(s["miss"], 2), f1(s["fa"], 2), f1(s["vde"], 2)]
        rows.append(row)
    return rows


def examples(files, cond):
    """Concrete gross and voicing errors, for --verbose."""
    lines = []
    for f in files:
        if cond not in f["results"]:
            continue
        r = f["results"][cond]
        lab, est, tf0 = r["labels"], r["est"], r["tf0"]
        for i in range(len(lab)):
            what = None
            if lab[i] == 1 and est[i] > 0 and abs(est[i] / tf0[i] - 1) > GROSS:
                what = "gross  truth %6.1f est %6.1f (x%.2f)" % (
                    tf0[i], est[i], est[i] / tf0[i])
            elif lab[i] == 1 and est[i] == 0:
                what = "miss   truth %6.1f" % tf0[i]
            elif lab[i] == 0 and est[i] > 0:
                what = "FA     in %-5s est %6.1f" % (r["kind"][i], est[i])
            if what:
                lines.append("  %-28s %6.2f s  %s  per %.3f  edge %3.0f ms" % (
                    f["spec"]["name"], r["t"][i], what, r["per"][i],
                    1000 * r["edge"][i]))
    return lines


# --------------------------------------------------------- espeak/praat ---

def espeak_compare(voices, tracker, aura, keep):
    rows = []
    tmp = tempfile.mkdtemp(prefix="aura-pitch-es-")
    outdir = keep or tmp
    script = os.path.join(tmp, "pitch.praat")
    with open(script, "w") as f:
        f.write(PRAAT_SCRIPT)
    try:
        for k, (voice, text) in enumerate(voices):
            raw = os.path.join(tmp, "raw%d.wav" % k)
            wav = os.path.join(outdir, "espeak_%s.wav" %
                               voice.replace("+", "_"))
            subprocess.run(["espeak-ng", "-v", voice, "-w", raw, text],
                           check=True, capture_output=True)
            # -R: repeatable dither (otherwise the tracks change run to run)
            subprocess.run(["sox", "-R", "-V1", raw, "-r", str(SR), "-c", "1",
                            "-b", "16", "-e", "signed-integer", wav],
                           check=True, capture_output=True)
            p = subprocess.run(["praat", "--run", script, wav],
                               capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                raise RuntimeError("praat failed: " + p.stderr.strip())
            pt, pf = [], []
            pmed = p10 = p90 = float("nan")
            for line in p.stdout.splitlines():
                w = line.split()
                if w and w[0] == "summary":
                    pmed, p10, p90 = (float(v) if "undefined" not in v
                                      else float("nan") for v in w[1:4])
                elif w and w[0] == "frame":
                    pt.append(float(w[1]))
                    pf.append(float(w[2]) if "undefined" not in w[2] else 0.0)
            pt, pf = np.array(pt), np.array(pf)
            span, t, est, per = run_tracker(tracker, wav)
            v = est[est > 0]
            amed = float(np.median(v)) if len(v) else float("nan")
            a10 = float(np.percentile(v, 10)) if len(v) else float("nan")
            a90 = float(np.percentile(v, 90)) if len(v) else float("nan")
            # frame by frame against Praat's nearest frame
            idx = np.clip(np.searchsorted(pt, t), 1, len(pt) - 1)
            idx = np.where(np.abs(pt[idx - 1] - t) < np.abs(pt[idx] - t),
                           idx - 1, idx)
            inside = (t >= pt[0] - 0.005) & (t <= pt[-1] + 0.005)
            ref = np.where(inside, pf[idx], 0.0)
            both = (ref > 0) & (est > 0)
            far = np.abs(est[both] / ref[both] - 1) > GROSS
            agree = np.mean((ref > 0) == (est > 0)) * 100
            if keep:
                with open(wav[:-4] + ".track.txt", "w") as f:
                    for i in range(len(t)):
                        f.write("%.4f %.2f %.2f\n" % (t[i], est[i], ref[i]))
            amed_aura = aura_pitch_median(aura, wav)
            rows.append({
                "voice": voice, "dur": len(t) * HOP / SR,
                "praat": (pmed, p10, p90), "track": (amed, a10, a90),
                "dst": 12 * np.log2(amed / pmed) if amed > 0 and pmed > 0
                else float("nan"),
                "aura": amed_aura, "both": int(both.sum()),
                "far": pct(int(far.sum()), int(both.sum())),
                "agree": agree,
                "praat_voiced": pct(int((ref > 0).sum()), len(t)),
                "track_voiced": pct(int((est > 0).sum()), len(t)),
                "agree_at": [np.mean((ref > 0) == ((est > 0) & (per >= thr -
                                                                 1e-9))) * 100
                             for thr in WHATIF],
                "examples": [(t[both][i], ref[both][i], est[both][i])
                             for i in np.flatnonzero(far)[:6]]})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def aura_pitch_median(aura, wav):
    """(pitch_median_hz, pitch_p10_hz, pitch_p90_hz) from `aura analyze
    --json`; None when the summary has no pitch_median_hz, "null" when it is
    null."""
    if not aura or not os.access(aura, os.X_OK):
        return "aura not found"
    try:
        p = subprocess.run([aura, "analyze", "--json", wav],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    for line in p.stdout.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if isinstance(d, dict) and d.get("type") == "aura-summary":
            v = d.get("pitch_median_hz")
            if isinstance(v, (int, float)):
                return tuple(float(d[k]) if isinstance(d.get(k), (int, float))
                             else float("nan") for k in (
                                 "pitch_median_hz", "pitch_p10_hz",
                                 "pitch_p90_hz"))
            return "null" if "pitch_median_hz" in d else None
    return None


def espeak_table(rows, markdown):
    header = ["voice", "Praat median (p10-p90) Hz",
              "pitch-track median (p10-p90) Hz", "Δ median st",
              "aura analyze median (p10-p90) Hz", "frames >20 % off Praat",
              "voicing agreement %", "voiced Praat / track %"]
    out = []
    for r in rows:
        a = r["aura"]
        out.append([r["voice"],
                    "%s (%s-%s)" % tuple(f1(v) for v in r["praat"]),
                    "%s (%s-%s)" % tuple(f1(v) for v in r["track"]),
                    "%+.2f" % r["dst"] if r["dst"] == r["dst"] else "n/a",
                    "not in output yet" if a is None else (
                        a if isinstance(a, str) else
                        "%s (%s-%s)" % tuple(f1(v) for v in a)),
                    "%s %% of %d" % (f1(r["far"]), r["both"]),
                    f1(r["agree"]),
                    "%s / %s" % (f1(r["praat_voiced"], 0),
                                 f1(r["track_voiced"], 0))])
    print_table("espeak-ng speech: pitch-track vs Praat (Praat is a reference, "
                "not ground truth)", header, out, markdown)
    print_table("espeak-ng: voicing agreement with Praat (%) if frames with "
                "periodicity below the threshold were unvoiced (0.60 = "
                "current)", ["voice"] + ["%.2f" % t for t in WHATIF],
                [[r["voice"]] + [f1(a) for a in r["agree_at"]] for r in rows],
                markdown)


# ----------------------------------------------------------------- main ---

def tool_version(tool):
    try:
        p = subprocess.run([tool, "--version"], capture_output=True,
                           text=True, timeout=30)
        return (p.stdout.strip().splitlines() or [tool])[0]
    except (OSError, subprocess.TimeoutExpired):
        return tool


def find_tracker(arg):
    cands = [arg, os.environ.get("AURA_PITCH_TRACK")]
    if os.environ.get("AURA_BUILD_ROOT"):
        cands.append(os.path.join(os.environ["AURA_BUILD_ROOT"], "tests",
                                  "eval", "pitch", "pitch-track"))
    here = os.path.dirname(os.path.abspath(__file__))
    cands.append(os.path.join(here, "..", "..", "..", "build", "tests",
                              "eval", "pitch", "pitch-track"))
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    return None


def check(files):
    failed = []
    for cond, target in (("clean", TARGET_CLEAN), ("white 10 dB", TARGET_10DB)):
        s = aggregate(files, cond, lambda sp: sp["set"] == "main")
        if not s["vv"]:
            failed.append("%s: no voiced frame evaluated" % cond)
        elif not s["gpe"] <= target:
            failed.append("%s: GPE %.2f %% > %.0f %%" % (cond, s["gpe"],
                                                        target))
    return failed


def main():
    ap = argparse.ArgumentParser(
        description="Evaluate aura's pitch estimator on synthetic vowels with "
        "known F0 and on espeak-ng speech against Praat.")
    ap.add_argument("--short", action="store_true",
                    help="CI subset (< 30 s)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if GPE > 2 %% clean or > 5 %% at 10 dB SNR")
    ap.add_argument("--markdown", action="store_true",
                    help="print the tables in Markdown")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep audio, truth and tracks in DIR")
    ap.add_argument("--verbose", action="store_true",
                    help="list examples of gross and voicing errors")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--tracker", help="pitch-track binary")
    ap.add_argument("--aura", help="aura binary (default $AURA, else "
                    "<source>/build/tools/aura)")
    ap.add_argument("--no-espeak", action="store_true",
                    help="skip the espeak-ng / Praat comparison")
    args = ap.parse_args()

    tracker = find_tracker(args.tracker)
    if tracker is None:
        print("eval_pitch: pitch-track not found (build it, or pass "
              "--tracker)", file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    aura = args.aura or os.environ.get("AURA") or os.path.join(
        here, "..", "..", "..", "build", "tools", "aura")
    keep = None
    if args.keep:
        keep = os.path.abspath(args.keep)
        os.makedirs(keep, exist_ok=True)

    t0 = time.monotonic()
    specs = make_specs(args.short)
    jobs = [(s, args.seed, tracker, keep) for s in specs]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        files = list(ex.map(process_file, jobs))
    t_synth = time.monotonic() - t0

    es_rows, es_note = [], None
    if args.no_espeak:
        es_note = "espeak-ng / Praat comparison skipped (--no-espeak)"
    else:
        missing = [t for t in ("espeak-ng", "sox", "praat")
                   if shutil.which(t) is None]
        if missing:
            es_note = ("espeak-ng / Praat comparison skipped: %s not installed"
                       % ", ".join(missing))
        else:
            voices = ESPEAK_VOICES_SHORT if args.short else ESPEAK_VOICES_FULL
            es_rows = espeak_compare(voices, tracker, aura, keep)
            es_note = "; ".join(tool_version(t) for t in ("espeak-ng", "praat"))
    elapsed = time.monotonic() - t0

    conds = [c for c, _ in CONDITIONS]
    main_files = [f for f in files if f["spec"]["set"] == "main"]
    srcs = sorted({f["spec"]["source"] for f in main_files})
    vows = sorted({f["spec"]["vowel"] for f in main_files})
    n_frames = aggregate(files, "clean", lambda sp: sp["set"] == "main")
    span = files[0]["results"]["clean"]["span"]
    info = ("%d synthetic files per condition (sources %s; vowels %s; F0 %s Hz "
            "and %d glides), %d non-transition frames per condition (%d truly "
            "voiced); window %d samples (%.1f ms), hop 20 ms, range 60-500 Hz; "
            "seed %d; %.1f s (synthetic part %.1f s)"
            % (len(main_files), "/".join(srcs),
               ", ".join("/%s/" % v for v in vows),
               ", ".join(str(f) for f in F0S),
               len(GLIDES_SHORT if args.short else GLIDES_FULL),
               n_frames["frames"], n_frames["voiced"], span,
               1000.0 * span / SR, args.seed, elapsed, t_synth))
    md = args.markdown
    if not md:
        print("AURA pitch evaluation: " + info)
        print("GPE = voiced-in-both frames > 20 % off; fine error over the "
              "others; VDE over non-transition frames")
    print_table("Summary (synthetic vowels, pooled)", SUMMARY_HEADER,
                summary_rows(files, conds), md)
    gh = []
    for c in conds:
        gh += ["%s GPE %%" % c, "%s fine ¢" % c, "%s miss %%" % c]
    groups = ["%d Hz" % f for f in F0S] + [
        "glide %d<->%d" % g for g in (GLIDES_SHORT if args.short
                                      else GLIDES_FULL)]
    print_table("Per F0 (GPE %, mean fine error in cents, % of voiced frames "
                "missed)", ["F0"] + gh,
                group_rows(files, conds, lambda sp: sp["group"], groups), md)
    print_table("Per vowel", ["vowel"] + gh,
                group_rows(files, conds, lambda sp: "/%s/" % sp["vowel"],
                           ["/%s/" % v for v in vows]), md)
    if len(srcs) > 1:
        print_table("Per source", ["source"] + gh,
                    group_rows(files, conds, lambda sp: sp["source"], srcs),
                    md)
    uh = []
    for c in conds:
        uh += ["%s frames" % c, "%s FA %%" % c]
    print_table("False voicing by kind of unvoiced segment",
                ["segment"] + uh, unvoiced_rows(files, conds), md)
    print_table("Stress (clean, not in the targets): octave steps; each "
                "voiced part on its own", ["file", "first part",
                                           "second part"],
                stress_rows(files), md)
    wh = []
    for c in conds:
        wh += ["%s miss %%" % c, "%s FA %%" % c, "%s VDE %%" % c]
    print_table("Voicing what-if: frames with periodicity (1 - CMND) below the "
                "threshold made unvoiced (0.60 = current; replayed on the "
                "tracks, octave memory not re-run)",
                ["min periodicity"] + wh, whatif_rows(files, conds), md)
    srows, sdetail = sweep_rows(files)
    if srows:
        print_table("F0 sweep (clean /a/, one 0.6 s vowel per F0, %g-%g Hz in "
                    "1 %% steps): F0s with gross errors" % (SWEEP_LO, SWEEP_HI),
                    ["source", "F0s", "with gross errors", "all x1/2",
                     "period within 0.1 of k+1/2 at 4 kHz: failed/all",
                     "other periods: failed/all"], srows, md)
        print("")
        for d in sdetail:
            print(("- " if md else "  ") + d)
    if es_rows:
        espeak_table(es_rows, md)
    if es_note:
        print("\n" + es_note + ".")
    if md:
        print("\n" + info + ".")
    if args.verbose:
        for c in conds:
            lines = examples(files, c)
            print("\nErrors [%s]: %d frames" % (c, len(lines)))
            print("\n".join(lines[:400]))
        for r in es_rows:
            for t, ref, e in r["examples"]:
                print("  espeak %-9s %6.2f s  Praat %6.1f  track %6.1f (x%.2f)"
                      % (r["voice"], t, ref, e, e / ref))
    if args.check:
        failed = check(files)
        if failed:
            for msg in failed:
                print("CHECK FAILED: " + msg)
            return 1
        print("CHECK OK: GPE <= %.0f %% clean and <= %.0f %% at 10 dB SNR"
              % (TARGET_CLEAN, TARGET_10DB))
    return 0


if __name__ == "__main__":
    sys.exit(main())
