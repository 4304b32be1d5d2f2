#!/usr/bin/python3
"""AURA: `aura analyze --json` against ffmpeg's ebur128 filter on generated speech.

Synthesises a few English and French recordings with espeak-ng (different voices,
speaking rates and levels, 10 to 30 s each), converts them with sox to 16 kHz mono
and 48 kHz stereo (and one to 44.1 kHz stereo), measures each with both tools and prints a table of integrated
loudness, loudness range and true peak.

ffmpeg prints its summary with one decimal, so an integrated loudness agrees when
it is within 0.1 LU (the EBU Tech 3341 tolerance) + 0.05 (ffmpeg's rounding) of
ours. The script exits 1 when any file's integrated loudness differs by more,
0 when all agree, and 77 (skipped, for meson) when espeak-ng, sox or ffmpeg is
missing. Loudness range and true peak are printed for information: ffmpeg
resamples every input to 48 kHz before measuring and computes its true peak on
its own 192 kHz resampling, so those differ by design at other rates.

Standard library only. Usage: compare-ffmpeg.py [--keep DIR]; the `aura` tool is
$AURA, else build/tools/aura under $AURA_BUILD_ROOT or the source tree.
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOLERANCE_I = 0.1 + 0.05

EN_1 = ("The quick brown fox jumps over the lazy dog, and then it rests for a "
        "while in the warm afternoon sun. Meanwhile, the farmer counts his sheep "
        "twice, because the first count never seems quite right to him. "
        "Tomorrow he will mend the old fence near the river.")
EN_2 = ("Good evening, and welcome to the programme. Tonight we look at how "
        "public speakers hold the attention of a large audience. Some of them "
        "speak slowly and clearly. Others rush, and lose the room within a "
        "minute. Let us listen to a few examples together.")
FR_1 = ("Bonjour à tous, et merci d'être venus si nombreux ce matin. Nous allons "
        "parler de la manière de présenter un projet devant un public exigeant. "
        "Il faut d'abord respirer calmement, puis regarder la salle, et enfin "
        "parler sans se presser.")
FR_2 = [("Le train pour Marseille partira avec un léger retard ce soir.", 170),
        ("Les voyageurs sont priés de rester près du quai numéro trois.", 45),
        ("Nous vous remercions de votre patience et de votre compréhension.", 110),
        ("Une voiture bar est à votre disposition au milieu du train.", 190)]

# name, rate, channels, parts [(text, espeak amplitude)], voice, words a minute,
# sox remix for stereo
FILES = [
    ("en-us_m3_16k_mono_quiet", 16000, 1, [(EN_1, 30)], "en-us+m3", 160, None),
    ("en-gb_f3_48k_stereo", 48000, 2, [(EN_2, 120)], "en+f3", 140,
     ["remix", "1", "1v0.7"]),
    ("fr_m4_16k_mono", 16000, 1, [(FR_1, 90)], "fr+m4", 175, None),
    ("fr_f2_48k_stereo_levels", 48000, 2, FR_2, "fr+f2", 150,
     ["remix", "1v0.9", "1v0.5"]),
    ("en-us_f4_48k_stereo_slow", 48000, 2,
     [(EN_2[:EN_2.index(" Some")], 60), (EN_2[EN_2.index("Some"):], 150)],
     "en-us+f4", 115, ["remix", "1", "1"]),
    # 44.1 kHz: 100 ms blocks of 4410 frames, not a multiple of 16
    ("fr_m2_44k1_stereo", 44100, 2, [(FR_1, 140)], "fr+m2", 165,
     ["remix", "1", "1v0.8"]),
]


def find_aura():
    if os.environ.get("AURA"):
        return os.environ["AURA"]
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.environ.get("AURA_BUILD_ROOT",
                           os.path.join(here, "..", "..", "build"))
    return os.path.join(build, "tools", "aura")


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False, **kw)


def make_speech(tmp, name, rate, channels, parts, voice, wpm, remix):
    """espeak-ng parts (separated by 0.7 s of silence), converted by sox."""
    inputs = []
    for k, (text, amplitude) in enumerate(parts):
        part = os.path.join(tmp, "%s-%d.wav" % (name, k))
        r = run(["espeak-ng", "-v", voice, "-s", str(wpm), "-a", str(amplitude),
                 "-w", part, text])
        if r.returncode != 0:
            raise RuntimeError("espeak-ng %s: %s" % (voice, r.stderr.strip()))
        if inputs:
            inputs.append(os.path.join(tmp, "silence.wav"))
        inputs.append(part)
    if not os.path.exists(os.path.join(tmp, "silence.wav")):
        # espeak-ng writes 22050 Hz mono
        run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16",
             os.path.join(tmp, "silence.wav"), "trim", "0", "0.7"])
    out = os.path.join(tmp, name + ".wav")
    cmd = ["sox"] + inputs + ["-r", str(rate), "-b", "24" if channels == 2
                              else "16", out]
    if channels == 2:
        cmd += remix
    r = run(cmd)
    if r.returncode != 0:
        raise RuntimeError("sox: " + r.stderr.strip())
    return out


def duration(path):
    r = run(["soxi", "-D", path])
    try:
        return float(r.stdout.strip())
    except ValueError:
        return float("nan")


def aura_measure(aura, path):
    r = run([aura, "analyze", "--json", path])
    if r.returncode != 0:
        raise RuntimeError("aura analyze %s: exit %d: %s"
                           % (path, r.returncode, r.stderr.strip()))
    text = r.stdout.strip()
    try:
        obj = json.loads(text)
    except ValueError:
        obj = json.loads(text.splitlines()[-1])
    return (obj.get("loudness_integrated"), obj.get("loudness_range"),
            obj.get("true_peak_dbtp"))


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def ffmpeg_measure(path):
    r = run(["ffmpeg", "-nostats", "-hide_banner", "-nostdin", "-i", path,
             "-af", "ebur128=peak=true", "-f", "null", "-"])
    if r.returncode != 0:
        raise RuntimeError("ffmpeg %s: %s" % (path, r.stderr.strip()[-500:]))
    summary = r.stderr[r.stderr.rfind("Summary:"):]
    found = {}
    for key, pattern in (("I", r"\bI:\s+(\S+) LUFS"),
                         ("LRA", r"\bLRA:\s+(\S+) LU"),
                         ("TP", r"\bPeak:\s+(\S+) dBFS")):
        m = re.search(pattern, summary)
        found[key] = number(m.group(1)) if m else None
    return found["I"], found["LRA"], found["TP"]


def fmt(v, width=7):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "null".rjust(width)
    return ("%.2f" % v).rjust(width)


def diff(a, b):
    return None if a is None or b is None else a - b


def main():
    keep = None
    if len(sys.argv) == 3 and sys.argv[1] == "--keep":
        keep = sys.argv[2]
    elif len(sys.argv) != 1:
        print(__doc__)
        return 2
    for tool in ("espeak-ng", "sox", "soxi", "ffmpeg"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed" % tool)
            return 77
    aura = find_aura()
    if not os.access(aura, os.X_OK):
        print("FAIL: no aura tool at %s (set AURA)" % aura)
        return 1

    start = time.time()
    tmp = keep or tempfile.mkdtemp(prefix="aura-ffmpeg-")
    os.makedirs(tmp, exist_ok=True)
    rows, bad = [], 0
    try:
        for name, rate, channels, parts, voice, wpm, remix in FILES:
            path = make_speech(tmp, name, rate, channels, parts, voice, wpm,
                               remix)
            a = aura_measure(aura, path)
            f = ffmpeg_measure(path)
            d = diff(a[0], f[0])
            ok = d is not None and abs(d) <= TOLERANCE_I + 1e-9
            bad += 0 if ok else 1
            rows.append((name, duration(path), a, f, d, ok))
    finally:
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)

    print("%-26s %5s %8s %8s %6s %7s %7s %7s %7s %7s"
          % ("file", "s", "aura I", "ffm I", "diff", "aura LRA", "ffm LRA",
             "aura TP", "ffm TP", "TP diff"))
    for name, secs, a, f, d, ok in rows:
        dtp = diff(a[2], f[2])
        # information only: ffmpeg's true peak is of its own 192 kHz resampling
        note = "" if dtp is None or abs(dtp) <= 0.5 else "  (true peaks differ)"
        print("%-26s %5.1f %8s %8s %6s %7s %7s %7s %7s %7s  %s%s"
              % (name, secs, fmt(a[0]), fmt(f[0]), fmt(d, 6), fmt(a[1]),
                 fmt(f[1]), fmt(a[2]), fmt(f[2]), fmt(dtp),
                 "PASS" if ok else "FAIL", note))
    print("integrated loudness within %.2f LU of ffmpeg: %d of %d files "
          "(%.1f s)" % (TOLERANCE_I, len(rows) - bad, len(rows),
                        time.time() - start))
    print("%d passed, %d failed" % (len(rows) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
