#!/usr/bin/env python3
"""Accuracy evaluation of AURA's pause detection and VAD on generated speech.

The script builds its own ground truth, so nothing has to be downloaded:

1. Recordings.  Each file holds 6-12 short single-clause sentences (no
   commas, so espeak-ng inserts no pause inside a sentence), English or
   French (files alternate), spoken by one espeak-ng voice (the voices of
   the language in turn) at one rate (120-220 words/min, +-10 per
   sentence).  Every sentence is synthesised on its own, converted
   to 16 kHz mono with sox and trimmed: leading and trailing samples are
   dropped up to the first / after the last 10 ms window (sliding, one
   sample hop) whose RMS reaches TRIM_DBFS (-50 dBFS).  The trimmed
   sentences are joined with digital silence of known length drawn
   uniformly from 0.3-3.0 s, with 0.5-1.0 s of silence before the first and
   after the last sentence.  Everything is drawn from a seeded RNG, so a
   given --seed always gives the same audio.

   Ground truth: speech intervals = the trimmed sentences; true pauses =
   the inserted silences (leading/trailing silence is not a pause).

2. Noise.  Each clean file also exists with white and with pink noise
   (numpy; pink = white shaped by 1/sqrt(f) in the frequency domain) at
   30, 20 and 10 dB SNR, where

       SNR = 10 log10( mean power of the clean speech samples inside the
                       speech intervals / mean power of the noise over the
                       whole file )

   i.e. an "active speech level" SNR, full band, no weighting.  If the mix
   would clip, speech and noise are scaled down by the same factor (SNR is
   unchanged).  Files are written as 16-bit PCM WAV.

3. Every file is analysed with `aura analyze --json --min-pause M`.

4. Metrics, per condition, pooled over all files:
   - recall: fraction of true pauses >= 0.5 s matched by a detected pause.
     Matching is one-to-one by temporal overlap, greatest overlap first,
     over all true pauses and all detected pauses.
   - precision: fraction of detected pauses >= 0.5 s that overlap a true
     pause (any true pause, i.e. >= 0.3 s).
   - duration / start / end error over matched pairs whose true pause is
     >= 0.5 s: mean absolute error and mean signed error (bias,
     detected - true) in ms.  A positive start bias means the detector
     starts the pause late; a positive end bias means it ends it late.
   - frame accuracy: fraction of 10 ms frames (judged at the frame centre)
     over the whole file where detected speech == true speech.  Detected
     speech = [speech_start, speech_end] minus the detected pauses; true
     speech = [first sentence start, last sentence end] minus the inserted
     pauses.
   - "false pauses": detected pauses of any length that overlap no true
     pause, i.e. pauses found inside a sentence.
   - "aura SNR dB": median of aura's own snr_db (speech band, so not
     expected to equal the nominal SNR; shown to see how it tracks it).

Usage:
    eval_pauses.py                  full run (16 files, 7 conditions)
    eval_pauses.py --short          CI run (4 files, 4 conditions)
    eval_pauses.py --markdown       print the table as Markdown
    eval_pauses.py --check          exit 1 unless, at 20 dB SNR, pause
                                    precision and recall >= 0.95 and
                                    duration MAE <= 80 ms
    eval_pauses.py --keep DIR       keep the audio and ground truth (JSON)
    eval_pauses.py --verbose        list misses, false pauses and boundary
                                    errors per file
    eval_pauses.py --trim-dbfs -40  other ground-truth trimming threshold
                                    (sensitivity of the figures to the
                                    labelling; not for the targets)

The aura binary is $AURA, else <source root>/build/tools/aura (or --aura).
Exit status 77 (meson "skipped") if numpy, espeak-ng or sox is missing.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave

try:
    import numpy as np
except ImportError:  # e.g. a pyenv python3 found first in PATH by meson
    _SYS_PY = "/usr/bin/python3"
    if (os.path.realpath(sys.executable) != os.path.realpath(_SYS_PY)
            and os.access(_SYS_PY, os.X_OK)
            and not os.environ.get("AURA_EVAL_REEXEC")):
        os.environ["AURA_EVAL_REEXEC"] = "1"
        os.execv(_SYS_PY, [_SYS_PY] + sys.argv)
    print("eval_pauses: numpy is not available, skipping", file=sys.stderr)
    sys.exit(77)

from concurrent.futures import ProcessPoolExecutor

SR = 16000
FRAME = 0.010                 # VAD frame, s
TRIM_DBFS = -50.0             # trimming threshold (10 ms window RMS)
TRIM_WIN = int(0.010 * SR)
PAUSE_MIN_TRUE = 0.3          # inserted silences are 0.3-3.0 s
PAUSE_MAX_TRUE = 3.0
EVAL_MIN = 0.5                # pauses >= 0.5 s are scored
HEADROOM = 0.98               # peak after anti-clipping scaling

# Targets (issue): at 20 dB SNR, precision and recall of pauses >= 0.5 s
# >= 0.95 and pause-duration MAE <= 80 ms.
TARGET_SNR = 20
TARGET_PR = 0.95
TARGET_MAE_MS = 80.0

EN_SENTENCES = [
    "The train leaves the station at noon",
    "My sister bought a new bicycle last week",
    "We should finish the report before Friday",
    "The weather was surprisingly warm this morning",
    "He forgot his keys on the kitchen table",
    "Our team won the final match yesterday",
    "The museum opens its doors at nine",
    "Please send me the updated budget tonight",
    "The children played in the garden all afternoon",
    "This project needs a clear and simple plan",
    "The coffee machine is broken again",
    "She reads a chapter of her book every night",
    "The new bridge will open next spring",
    "Most customers prefer the smaller model",
    "I will call the bank tomorrow morning",
    "The results look better than we expected",
    "A strong wind blew across the empty field",
    "They moved to a small town near the coast",
    "The meeting starts in about ten minutes",
    "Good speakers pause before the key point",
    "The old library has thousands of rare books",
    "We need more data to answer that question",
    "The price of fresh fruit went up this year",
    "Every student must hand in the form today",
    "The pilot announced a short delay",
    "Nobody noticed the small crack in the wall",
    "Our neighbours planted three apple trees",
    "The second version runs twice as fast",
    "The concert was cancelled because of the rain",
    "You can find the answer in the appendix",
]

FR_SENTENCES = [
    "Le train part de la gare à midi",
    "Ma soeur a acheté un vélo la semaine dernière",
    "Nous devons finir le rapport avant vendredi",
    "Il a oublié ses clés sur la table",
    "Notre équipe a gagné le match hier soir",
    "Le musée ouvre ses portes à neuf heures",
    "Les enfants jouent dans le jardin tout l'après-midi",
    "Ce projet demande un plan clair et simple",
    "La machine à café est encore en panne",
    "Elle lit un chapitre de son livre chaque soir",
    "Le nouveau pont ouvrira au printemps prochain",
    "La plupart des clients préfèrent le petit modèle",
    "Je vais appeler la banque demain matin",
    "Les résultats sont meilleurs que prévu",
    "Un vent fort soufflait sur le champ vide",
    "Ils ont déménagé dans un village près de la mer",
    "La réunion commence dans dix minutes",
    "Un bon orateur marque une pause avant l'idée clé",
    "La vieille bibliothèque garde des livres rares",
    "Il nous faut plus de données pour répondre",
    "Le prix des fruits a augmenté cette année",
    "Chaque étudiant doit rendre le formulaire aujourd'hui",
    "Le pilote annonce un court retard",
    "Personne n'a vu la petite fissure dans le mur",
    "Nos voisins ont planté trois pommiers",
    "La deuxième version tourne deux fois plus vite",
    "Le concert a été annulé à cause de la pluie",
    "Vous trouverez la réponse dans l'annexe",
    "Le chat dort sur le canapé du salon",
    "Nous partirons en vacances au mois de juillet",
]

# Used in turn (file i gets voice i // 2), male and female alternating, so
# that the 4 files of --short hold two male and two female voices.
VOICES = {
    "en": ["en", "en+f3", "en-us", "en+f4", "en-us+m3", "en-gb-scotland"],
    "fr": ["fr", "fr+f3", "fr+m3", "fr+f2", "fr-be"],
}
SENTENCES = {"en": EN_SENTENCES, "fr": FR_SENTENCES}

# (label, noise, nominal SNR dB)
ALL_CONDITIONS = [
    ("clean", None, None),
    ("white 30 dB", "white", 30),
    ("white 20 dB", "white", 20),
    ("white 10 dB", "white", 10),
    ("pink 30 dB", "pink", 30),
    ("pink 20 dB", "pink", 20),
    ("pink 10 dB", "pink", 10),
]
SHORT_CONDITIONS = ["clean", "white 20 dB", "pink 20 dB", "white 10 dB"]


# ---------------------------------------------------------------- audio ---

def synth(text, voice, rate, tmpdir):
    """espeak-ng -> sox (16 kHz mono float32) -> numpy array."""
    wav = os.path.join(tmpdir, "utt.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", wav,
                    text], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    out = subprocess.run(["sox", "-V1", wav, "-t", "raw", "-e",
                          "floating-point", "-b", "32", "-L", "-r", str(SR),
                          "-c", "1", "-"], check=True, capture_output=True)
    return np.frombuffer(out.stdout, dtype="<f4").astype(np.float64)


def window_rms(x, win=TRIM_WIN):
    """RMS of every window x[k:k+win] (one-sample hop)."""
    c = np.concatenate(([0.0], np.cumsum(x * x)))
    return np.sqrt(np.maximum(c[win:] - c[:-win], 0.0) / win)


def trim(x, trim_dbfs=TRIM_DBFS):
    """Trim leading/trailing near-silence; also return the longest internal
    run (s) of 10 ms windows below the threshold, to prove that a sentence
    holds no pause of its own."""
    thr = 10.0 ** (trim_dbfs / 20.0)
    rms = window_rms(x)
    loud = np.flatnonzero(rms >= thr)
    if loud.size == 0:
        raise RuntimeError("silent utterance")
    a, b = int(loud[0]), int(loud[-1]) + TRIM_WIN
    y = x[a:b]
    # internal gaps: non-overlapping 10 ms windows below threshold
    n = len(y) // TRIM_WIN
    q = np.sqrt(np.mean(y[:n * TRIM_WIN].reshape(n, TRIM_WIN) ** 2, axis=1))
    quiet = q < thr
    longest = run = 0
    for v in quiet:
        run = run + 1 if v else 0
        longest = max(longest, run)
    return y, longest * TRIM_WIN / SR


def pink_noise(rng, n):
    w = rng.standard_normal(n)
    spec = np.fft.rfft(w)
    f = np.fft.rfftfreq(n, 1.0 / SR)
    spec[0] = 0.0
    spec[1:] /= np.sqrt(f[1:])
    p = np.fft.irfft(spec, n)
    return p / np.sqrt(np.mean(p * p))


def write_wav(path, x):
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def build_file(index, seed, tmpdir, trim_dbfs=TRIM_DBFS):
    """Make one clean recording and its ground truth."""
    rng = np.random.default_rng([seed, index])
    lang = "en" if index % 2 == 0 else "fr"
    # voices in turn, so that every voice is used once there are enough files
    voice = VOICES[lang][(index // 2) % len(VOICES[lang])]
    rate = int(rng.integers(120, 221))
    n_utt = int(rng.integers(6, 13))
    texts = [SENTENCES[lang][int(i)] for i in
             rng.choice(len(SENTENCES[lang]), n_utt, replace=False)]
    rates = [int(np.clip(rate + rng.integers(-10, 11), 120, 220))
             for _ in texts]
    gaps = rng.uniform(PAUSE_MIN_TRUE, PAUSE_MAX_TRUE, n_utt - 1)
    lead, tail = rng.uniform(0.5, 1.0, 2)

    pieces, utts, pauses, internal = [], [], [], 0.0
    pos = int(round(lead * SR))
    pieces.append(np.zeros(pos))
    for k, (text, r) in enumerate(zip(texts, rates)):
        y, gap_in = trim(synth(text, voice, r, tmpdir), trim_dbfs)
        internal = max(internal, gap_in)
        utts.append((pos / SR, (pos + len(y)) / SR))
        pieces.append(y)
        pos += len(y)
        if k < n_utt - 1:
            g = int(round(gaps[k] * SR))
            pauses.append((pos / SR, (pos + g) / SR))
            pieces.append(np.zeros(g))
            pos += g
    pieces.append(np.zeros(int(round(tail * SR))))
    x = np.concatenate(pieces)
    peak = np.max(np.abs(x))
    if peak > HEADROOM:
        x *= HEADROOM / peak
    truth = {"name": "f%02d_%s" % (index, lang), "lang": lang,
             "voice": voice, "rate": rate, "duration": len(x) / SR,
             "texts": texts, "utterances": utts, "pauses": pauses,
             "internal_gap_max": internal}
    return x, truth


def speech_mask(n, utts):
    m = np.zeros(n, dtype=bool)
    for s, e in utts:
        m[int(round(s * SR)):int(round(e * SR))] = True
    return m


def mix(x, truth, kind, snr_db, seed, index):
    kind_id = {"white": 1, "pink": 2}[kind]
    rng = np.random.default_rng([seed, index, kind_id])
    n = len(x)
    noise = (rng.standard_normal(n) if kind == "white"
             else pink_noise(rng, n))
    noise /= np.sqrt(np.mean(noise * noise))
    p_speech = np.mean(x[speech_mask(n, truth["utterances"])] ** 2)
    noise *= np.sqrt(p_speech / 10.0 ** (snr_db / 10.0))
    y = x + noise
    peak = np.max(np.abs(y))
    if peak > HEADROOM:          # same factor for speech and noise
        y *= HEADROOM / peak
    return y


def run_aura(aura, path, min_pause):
    try:
        p = subprocess.run([aura, "analyze", "--json",
                            "--min-pause=%g" % min_pause, path],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if p.returncode != 0:
        return {"error": "exit %d: %s" % (p.returncode,
                                          p.stderr.strip()[-300:])}
    for line in reversed(p.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError as e:
                return {"error": "bad JSON: %s" % e}
    return {"error": "no JSON on stdout"}


def process_file(job):
    """Worker: build one file, its noisy versions, analyse them all."""
    index, seed, conditions, aura, min_pause, keep, trim_dbfs = job
    tmpdir = tempfile.mkdtemp(prefix="aura-eval-")
    try:
        x, truth = build_file(index, seed, tmpdir, trim_dbfs)
        outdir = keep or tmpdir
        results = {}
        for label, kind, snr in conditions:
            y = x if kind is None else mix(x, truth, kind, snr, seed, index)
            fname = "%s_%s.wav" % (truth["name"],
                                   label.replace(" dB", "").replace(" ", ""))
            path = os.path.join(outdir, fname)
            write_wav(path, y)
            results[label] = run_aura(aura, path, min_pause)
            if not keep:
                os.unlink(path)
        if keep:
            with open(os.path.join(keep, truth["name"] + ".json"), "w") as f:
                json.dump(dict(truth, aura=results), f, indent=1,
                          ensure_ascii=False)
        truth["results"] = results
        return truth
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# -------------------------------------------------------------- metrics ---

def overlap(a, b):
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def match(true_p, det_p):
    """One-to-one matching by overlap, greatest overlap first.
    Returns {true index: detected index}."""
    pairs = sorted(((overlap(t, d), i, j) for i, t in enumerate(true_p)
                    for j, d in enumerate(det_p) if overlap(t, d) > 0),
                   reverse=True)
    used_t, used_d, m = set(), set(), {}
    for _, i, j in pairs:
        if i not in used_t and j not in used_d:
            used_t.add(i)
            used_d.add(j)
            m[i] = j
    return m


def frame_labels(n_frames, span, pauses):
    t = (np.arange(n_frames) + 0.5) * FRAME
    lab = np.zeros(n_frames, dtype=bool)
    if span[0] is None or span[1] is None:
        return lab
    lab |= (t >= span[0]) & (t < span[1])
    for s, e in pauses:
        lab &= ~((t >= s) & (t < e))
    return lab


def score_file(truth, res):
    """Per-file, per-condition raw counts and errors."""
    true_p = [tuple(p) for p in truth["pauses"]]
    det_p = [(p["start"], p["end"]) for p in res.get("pause_list") or []]
    m = match(true_p, det_p)
    s = {"n_true": 0, "n_hit": 0, "n_det": 0, "n_det_ok": 0,
         "dur": [], "start": [], "end": [], "missed": [], "false": [],
         "pairs": []}
    for i, t in enumerate(true_p):
        if t[1] - t[0] < EVAL_MIN - 1e-9:
            continue
        s["n_true"] += 1
        if i in m:
            d = det_p[m[i]]
            s["n_hit"] += 1
            s["dur"].append((d[1] - d[0]) - (t[1] - t[0]))
            s["start"].append(d[0] - t[0])
            s["end"].append(d[1] - t[1])
            s["pairs"].append((t, d))
        else:
            s["missed"].append(t)
    for d in det_p:
        hit = any(overlap(d, t) > 0 for t in true_p)
        if not hit:
            s["false"].append(d)
        if d[1] - d[0] < EVAL_MIN - 1e-9:
            continue
        s["n_det"] += 1
        if hit:
            s["n_det_ok"] += 1
    n_frames = int(np.floor(truth["duration"] / FRAME + 1e-9))
    utts = truth["utterances"]
    ref = frame_labels(n_frames, (utts[0][0], utts[-1][1]), true_p)
    hyp = frame_labels(n_frames, (res.get("speech_start"),
                                  res.get("speech_end")), det_p)
    s["frames"] = n_frames
    s["frames_ok"] = int(np.sum(ref == hyp))
    s["snr_est"] = res.get("snr_db")
    s["onset"] = (None if res.get("speech_start") is None
                  else res["speech_start"] - utts[0][0])
    s["offset"] = (None if res.get("speech_end") is None
                   else res["speech_end"] - utts[-1][1])
    return s


def aggregate(files, label):
    a = {"files": 0, "errors": 0, "n_true": 0, "n_hit": 0, "n_det": 0,
         "n_det_ok": 0, "dur": [], "start": [], "end": [], "frames": 0,
         "frames_ok": 0, "snr": [], "n_false": 0}
    for f in files:
        res = f["results"].get(label)
        if res is None:
            continue
        a["files"] += 1
        if "error" in res:
            a["errors"] += 1
            res = {}
        s = score_file(f, res)
        for k in ("n_true", "n_hit", "n_det", "n_det_ok", "frames",
                  "frames_ok"):
            a[k] += s[k]
        for k in ("dur", "start", "end"):
            a[k] += s[k]
        a["n_false"] += len(s["false"])
        if s["snr_est"] is not None:
            a["snr"].append(s["snr_est"])
    mean = lambda v: float(np.mean(v)) * 1000.0 if v else None
    mae = lambda v: float(np.mean(np.abs(v))) * 1000.0 if v else None
    return {
        "condition": label, "files": a["files"], "errors": a["errors"],
        "n_true": a["n_true"], "n_det": a["n_det"],
        "precision": a["n_det_ok"] / a["n_det"] if a["n_det"] else None,
        "recall": a["n_hit"] / a["n_true"] if a["n_true"] else None,
        "dur_mae": mae(a["dur"]), "dur_bias": mean(a["dur"]),
        "start_mae": mae(a["start"]), "start_bias": mean(a["start"]),
        "end_mae": mae(a["end"]), "end_bias": mean(a["end"]),
        "frame_acc": a["frames_ok"] / a["frames"] if a["frames"] else None,
        "n_false": a["n_false"],
        "snr_est": float(np.median(a["snr"])) if a["snr"] else None,
    }


# --------------------------------------------------------------- report ---

COLUMNS = [
    ("condition", "condition", "%s"),
    ("files", "files", "%d"),
    ("n_true", "true ≥0.5s", "%d"),
    ("n_det", "det ≥0.5s", "%d"),
    ("precision", "precision", "%.3f"),
    ("recall", "recall", "%.3f"),
    ("dur_mae", "dur MAE ms", "%.0f"),
    ("dur_bias", "dur bias ms", "%+.0f"),
    ("start_mae", "start MAE ms", "%.0f"),
    ("start_bias", "start bias ms", "%+.0f"),
    ("end_mae", "end MAE ms", "%.0f"),
    ("end_bias", "end bias ms", "%+.0f"),
    ("frame_acc", "frame acc", "%.3f"),
    ("n_false", "false pauses", "%d"),
    ("snr_est", "aura SNR dB", "%.1f"),
]


def fmt(row):
    return [("n/a" if row[k] is None else f % row[k]) for k, _, f in COLUMNS]


def print_table(rows, markdown):
    head = [h for _, h, _ in COLUMNS]
    body = [fmt(r) for r in rows]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for b in body:
            print("| " + " | ".join(b) + " |")
        return
    w = [max(len(h), *(len(b[i]) for b in body)) for i, h in
         enumerate(head)]
    line = lambda cells: "  ".join(
        c.ljust(w[i]) if i == 0 else c.rjust(w[i])
        for i, c in enumerate(cells))
    print(line(head))
    print(line(["-" * n for n in w]))
    for b in body:
        print(line(b))


def print_verbose(files, conditions):
    ms = lambda v: "%+.0f" % (v * 1000.0)
    iv = lambda p: "%.2f-%.2f" % p
    for f in files:
        print("\n%s  %s  voice=%s rate=%d  %.1f s  %d sentences  "
              "longest internal gap %.0f ms"
              % (f["name"], f["lang"], f["voice"], f["rate"],
                 f["duration"], len(f["utterances"]),
                 f["internal_gap_max"] * 1000))
        print("  true speech %.2f-%.2f  true pauses: %s"
              % (f["utterances"][0][0], f["utterances"][-1][1],
                 " ".join(iv(p) for p in f["pauses"])))
        for label, _, _ in conditions:
            res = f["results"].get(label, {})
            if "error" in res:
                print("  [%s] ERROR %s" % (label, res["error"]))
                continue
            s = score_file(f, res)
            print("  [%s] onset %s ms, offset %s ms, aura SNR %.1f dB"
                  % (label, "n/a" if s["onset"] is None else ms(s["onset"]),
                     "n/a" if s["offset"] is None else ms(s["offset"]),
                     res.get("snr_db") or float("nan")))
            for t, d in s["pairs"]:
                print("    true %s  det %s  start %s end %s dur %s"
                      % (iv(t), iv(d), ms(d[0] - t[0]), ms(d[1] - t[1]),
                         ms((d[1] - d[0]) - (t[1] - t[0]))))
            for t in s["missed"]:
                print("    MISSED true %s (%.2f s)" % (iv(t), t[1] - t[0]))
            for d in s["false"]:
                print("    FALSE  det %s (%.2f s)" % (iv(d), d[1] - d[0]))


def check(rows):
    failed = []
    checked = 0
    for r in rows:
        if not r["condition"].endswith(" %d dB" % TARGET_SNR):
            continue
        checked += 1
        c = r["condition"]
        if r["errors"]:
            failed.append("%s: %d file(s) failed to analyse"
                          % (c, r["errors"]))
        if r["precision"] is None:
            failed.append("%s: precision undefined (no detected pause "
                          ">= %.1f s)" % (c, EVAL_MIN))
        elif r["precision"] < TARGET_PR:
            failed.append("%s: precision %s < %.2f" % (
                c, fmt(r)[4], TARGET_PR))
        if r["recall"] is None or r["recall"] < TARGET_PR:
            failed.append("%s: recall %s < %.2f" % (c, fmt(r)[5],
                                                    TARGET_PR))
        if r["dur_mae"] is None:
            failed.append("%s: duration MAE undefined (no matched pause)"
                          % c)
        elif r["dur_mae"] > TARGET_MAE_MS:
            failed.append("%s: duration MAE %s ms > %.0f ms" % (
                c, fmt(r)[6], TARGET_MAE_MS))
    if not checked:
        failed.append("no %d dB SNR condition was evaluated" % TARGET_SNR)
    return failed


def main():
    ap = argparse.ArgumentParser(
        description="Evaluate aura's pause detection on generated speech.")
    ap.add_argument("--short", action="store_true",
                    help="CI form: 4 files, clean/white 20/pink 20/white 10")
    ap.add_argument("--files", type=int,
                    help="number of files (default 16, 4 with --short)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--keep", metavar="DIR",
                    help="keep generated audio and ground truth in DIR")
    ap.add_argument("--markdown", action="store_true",
                    help="print the table in Markdown")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the 20 dB SNR targets are not met")
    ap.add_argument("--min-pause", type=float, default=0.25,
                    help="passed to aura analyze (default 0.25)")
    ap.add_argument("--trim-dbfs", type=float, default=TRIM_DBFS,
                    help="ground-truth trimming threshold, 10 ms window "
                    "RMS in dBFS (default %g); for sensitivity checks only"
                    % TRIM_DBFS)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--aura", help="aura binary (default $AURA, else "
                    "<source>/build/tools/aura)")
    ap.add_argument("--verbose", action="store_true",
                    help="per-file details: misses, false pauses, errors")
    args = ap.parse_args()

    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            print("eval_pauses: %s not found, skipping" % tool,
                  file=sys.stderr)
            return 77
    aura = args.aura or os.environ.get("AURA") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build",
        "tools", "aura")
    if not os.access(aura, os.X_OK):
        print("eval_pauses: aura binary %s not found" % aura,
              file=sys.stderr)
        return 2
    n_files = args.files or (4 if args.short else 16)
    conditions = [c for c in ALL_CONDITIONS
                  if not args.short or c[0] in SHORT_CONDITIONS]
    keep = None
    if args.keep:
        keep = os.path.abspath(args.keep)
        os.makedirs(keep, exist_ok=True)

    t0 = time.monotonic()
    jobs = [(i, args.seed, conditions, aura, args.min_pause, keep,
             args.trim_dbfs)
            for i in range(n_files)]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        files = list(ex.map(process_file, jobs))
    elapsed = time.monotonic() - t0

    rows = [aggregate(files, c[0]) for c in conditions]
    n_pauses = sum(len(f["pauses"]) for f in files)
    speech = sum(e - s for f in files for s, e in f["utterances"])
    internal = max(f["internal_gap_max"] for f in files)
    info = ("%d files (%s), %d sentences, %.0f s of speech, %d inserted "
            "pauses (0.3-3.0 s), seed %d, min-pause %g s; longest "
            "sub-%.0f dBFS gap inside a sentence %.0f ms; %.1f s"
            % (n_files, ", ".join(sorted({"%s" % f["lang"] for f in files})),
               sum(len(f["utterances"]) for f in files), speech, n_pauses,
               args.seed, args.min_pause, args.trim_dbfs, internal * 1000,
               elapsed))
    if args.markdown:
        print_table(rows, True)
        print("\n" + info + ".")
    else:
        print("AURA pause evaluation: " + info)
        print("SNR = speech power inside speech intervals / noise power; "
              "bias = detected - true\n")
        print_table(rows, False)
    errors = [(f["name"], c, f["results"][c]["error"]) for f in files
              for c in f["results"] if "error" in f["results"][c]]
    for name, c, e in errors:
        print("ERROR %s [%s]: %s" % (name, c, e), file=sys.stderr)
    if args.verbose:
        print_verbose(files, conditions)
    if args.check:
        failed = check(rows)
        if failed:
            for msg in failed:
                print("CHECK FAILED: " + msg)
            return 1
        print("CHECK OK: at %d dB SNR precision and recall >= %.2f, "
              "duration MAE <= %.0f ms" % (TARGET_SNR, TARGET_PR,
                                           TARGET_MAE_MS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
