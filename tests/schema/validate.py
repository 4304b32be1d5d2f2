#!/usr/bin/python3
"""Validates real AURA output against docs/aura-metrics.schema.json and
docs/aura-summary.schema.json (DESIGN.md, principle 3).

  validate.py [DUMP_METRICS]

Generates its own recordings (espeak-ng + sox): English speech with a 1 s pause
inserted (22.05 kHz mono S16), the same at 48 kHz stereo F32 with pink noise 20 dB
below the speech, and 3 s of digital silence (loudness and SNR not measurable).
For each one it

  - runs DUMP_METRICS (tests/schema/dump-metrics.c: filesrc ! decodebin !
    audioconvert ! auraanalyzer ! fakesink) and validates every aura-metrics and
    aura-summary message against its schema; dump-metrics itself checks the
    structures against aura-schema.c's table and the in-band events against the
    bus messages;
  - runs `$AURA analyze --json FILE`, validates its one JSON object, and checks it
    is the `json` field of the bus aura-summary of the same analysis;
  - checks what JSON Schema cannot say: no NaN/Infinity token in the raw text,
    integers written as integers, end >= start in pause_list, totals that agree
    (pause_list vs pauses/pause_time/longest_pause, the intervals vs the summary),
    and which values are null on silence and not null on speech.

It also checks that both schema files list exactly the fields of aura-schema.c's
table (dump-metrics --fields), in order, with matching types and nullability.

Environment: AURA (default BUILD/tools/aura), AURA_SOURCE_ROOT, AURA_BUILD_ROOT
(default SOURCE/build), GST_PLUGIN_PATH_1_0 and GST_REGISTRY_1_0 (set to the build
tree and a temporary registry when unset). Exit status 0 when everything is valid,
1 with one line per violation otherwise, 77 (skip) when a tool is missing.
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    # meson may have found another python3 (pyenv, venv) than Debian's, which
    # has python3-jsonschema
    if (sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3")
            and not os.environ.get("AURA_SCHEMA_REEXEC")):
        os.environ["AURA_SCHEMA_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("schema: python3-jsonschema >= 4 is missing "
             "(apt-get install python3-jsonschema)")

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("AURA_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("AURA_BUILD_ROOT") or os.path.join(SOURCE, "build")
AURA = os.environ.get("AURA") or os.path.join(BUILD, "tools", "aura")
DUMP = (sys.argv[1] if len(sys.argv) > 1
        else os.path.join(BUILD, "tests", "schema", "dump-metrics"))
SCHEMAS = {
    "aura-metrics": os.path.join(SOURCE, "docs", "aura-metrics.schema.json"),
    "aura-summary": os.path.join(SOURCE, "docs", "aura-summary.schema.json"),
}
SKIP = 77
# rounding allowed between two ways of computing the same seconds
EPS = 1e-6

problems = []
validated = {"aura-metrics": 0, "aura-summary": 0}


def problem(context, message):
    problems.append("%s: %s" % (context, message))


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60, **kwargs)


def check_call(cmd):
    r = run(cmd)
    if r.returncode != 0:
        sys.exit("schema: command failed (%d): %s\n%s"
                 % (r.returncode, " ".join(cmd), r.stderr.strip()))
    return r.stdout


# ---------------------------------------------------------------------------
# Recordings

def active_rms_db(path):
    """RMS (dBFS) of the 20 ms frames of a mono S16 file that are above -50 dBFS:
    the level of the speech without its silences."""
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            sys.exit("schema: %s: expected mono S16" % path)
        rate = w.getframerate()
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        samples.byteswap()
    hop = rate // 50
    energy, count = 0.0, 0
    for i in range(0, len(samples) - hop + 1, hop):
        e = sum((s / 32768.0) ** 2 for s in samples[i:i + hop])
        if e / hop > 1e-5:
            energy += e
            count += hop
    if count == 0:
        sys.exit("schema: %s: no speech in the generated recording" % path)
    return 10 * math.log10(energy / count)


def rms_lev_db(path):
    """Overall RMS level (dBFS) of a file, from sox's stats effect."""
    r = run(["sox", path, "-n", "stats"])
    m = re.search(r"^RMS lev dB\s+(-?[\d.]+)", r.stderr, re.M)
    if m is None:
        sys.exit("schema: cannot read the RMS level of %s from sox:\n%s"
                 % (path, r.stderr))
    return float(m.group(1))


def make_recordings(tmp):
    a, b = os.path.join(tmp, "a.wav"), os.path.join(tmp, "b.wav")
    check_call(["espeak-ng", "-v", "en", "-s", "160", "-w", a,
                "Good morning everyone. Today I want to talk about our results."])
    check_call(["espeak-ng", "-v", "en", "-s", "160", "-w", b,
                "We grew by twenty percent this year, and the team did great work."])
    rate = check_call(["soxi", "-r", a]).strip()
    gap = os.path.join(tmp, "gap.wav")
    # -D: no dither, so the silence is digital silence
    check_call(["sox", "-D", "-n", "-r", rate, "-c", "1", "-b", "16", gap,
                "trim", "0", "1"])
    speech = os.path.join(tmp, "speech.wav")
    check_call(["sox", a, gap, b, speech])

    # 48 kHz stereo float, pink noise 20 dB below the active speech level
    s48 = os.path.join(tmp, "speech48.wav")
    check_call(["sox", speech, "-r", "48000", "-c", "2", "-b", "32",
                "-e", "floating-point", s48])
    seconds = check_call(["soxi", "-D", s48]).strip()
    noise = os.path.join(tmp, "noise.wav")
    check_call(["sox", "-R", "-n", "-r", "48000", "-c", "2", "-b", "32",
                "-e", "floating-point", noise, "synth", seconds, "pinknoise"])
    gain_db = active_rms_db(speech) - 20.0 - rms_lev_db(noise)
    noisy = os.path.join(tmp, "speech48-noise20.wav")
    check_call(["sox", "-m", "-v", "1", s48, "-v", "%.6f" % 10 ** (gain_db / 20),
                noise, "-b", "32", "-e", "floating-point", noisy])

    silence = os.path.join(tmp, "silence.wav")
    check_call(["sox", "-D", "-n", "-r", "16000", "-c", "1", "-b", "16", silence,
                "trim", "0", "3"])
    return speech, noisy, silence


# ---------------------------------------------------------------------------
# The schema files against aura-schema.c's field table

GTYPE_TO_JSON = {"gdouble": "number", "guint": "integer", "gint": "integer",
                 "guint64": "integer", "gboolean": "boolean", "gchararray": "string"}
JSON_ONLY = {"aura-metrics": [], "aura-summary": ["pause_list", "filler_list"]}


def json_types(prop):
    t = prop.get("type", [])
    return set([t] if isinstance(t, str) else t)


def check_schema_files(schemas):
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            problem(SCHEMAS[name], "not a valid JSON Schema: %s" % e.message)

    table = {"aura-metrics": [], "aura-summary": []}
    out = run([DUMP, "--fields"])
    if out.returncode != 0:
        sys.exit("schema: %s --fields failed: %s" % (DUMP, out.stderr.strip()))
    for line in out.stdout.splitlines():
        _, structure, field, gtype, need, clock = line.split()
        table[structure].append((field, gtype, need == "nullable",
                                 clock == "clock-time"))

    for name, schema in schemas.items():
        ctx = os.path.relpath(SCHEMAS[name], SOURCE)
        props = schema.get("properties", {})
        expected = (["type"] + [f.replace("-", "_") for f, _, _, _ in table[name]]
                    + JSON_ONLY[name])
        if list(props) != expected:
            problem(ctx, "properties %s differ from aura-schema.c's table (in "
                    "order) %s" % (list(props), expected))
        if sorted(schema.get("required", [])) != sorted(expected):
            problem(ctx, "required must list every key: %s"
                    % sorted(set(expected) ^ set(schema.get("required", []))))
        if schema.get("additionalProperties") is not False:
            problem(ctx, "additionalProperties must be false")
        if props.get("type", {}).get("const") != name:
            problem(ctx, "type must be const \"%s\"" % name)
        for field, gtype, nullable, clock in table[name]:
            key = field.replace("-", "_")
            if key not in props:
                continue
            types = json_types(props[key])
            want = GTYPE_TO_JSON.get(gtype)
            if want not in types:
                problem(ctx, "%s is %s in aura-schema.c, the schema says %s"
                        % (key, gtype, sorted(types)))
            if nullable and "null" not in types:
                problem(ctx, "%s is nullable in aura-schema.c but cannot be null"
                        % key)
            if "null" in types and not (nullable or clock):
                problem(ctx, "%s can be null in the schema but is always present "
                        "in aura-schema.c" % key)
            if ("Unit" not in props[key].get("description", "")
                    and want not in ("boolean", "string")):
                problem(ctx, "%s has no description with its unit" % key)


# ---------------------------------------------------------------------------
# Documents

BAD_TOKEN = re.compile(r'(?<![\w"])-?(nan|inf|infinity)(?![\w"])', re.I)


def reject_constant(token):
    raise ValueError("non-finite number %s" % token)


def parse(text, ctx):
    m = BAD_TOKEN.search(text)
    if m:
        problem(ctx, "non-finite number token '%s' in the JSON text: %s"
                % (m.group(0), text[max(0, m.start() - 60):m.end() + 20]))
        return None
    try:
        doc = json.loads(text, parse_constant=reject_constant)
    except ValueError as e:
        problem(ctx, "not valid JSON (%s): %s" % (e, text[:200]))
        return None
    if not isinstance(doc, dict):
        problem(ctx, "not a JSON object: %s" % text[:200])
        return None
    return doc


def validate(doc, schemas, ctx):
    name = doc.get("type")
    if name not in schemas:
        problem(ctx, "unknown type %r" % name)
        return False
    ok = True
    for e in sorted(Draft202012Validator(schemas[name]).iter_errors(doc),
                    key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path) or "(object)"
        problem(ctx, "%s %s: %s" % (name, where, e.message))
        ok = False
    # "integer" in JSON Schema accepts 3.0: AURA writes counts and times as integers
    props = schemas[name]["properties"]
    for key, value in doc.items():
        if (key in props and "integer" in json_types(props[key])
                and isinstance(value, float)):
            problem(ctx, "%s %s is written as a float: %r" % (name, key, value))
            ok = False
    validated[name] += 1
    return ok


def close(a, b, eps=EPS):
    return abs(a - b) <= eps * max(1.0, abs(a), abs(b))


def same_document(a, b, path=""):
    """Differences between two parsed JSON values, numbers compared with a
    relative 1e-9 (float sums may round differently with other buffer sizes)."""
    if isinstance(a, dict) and isinstance(b, dict):
        diffs = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                diffs.append("%s%s only in one" % (path, k))
            else:
                diffs += same_document(a[k], b[k], "%s%s." % (path, k))
        return diffs
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s length %d vs %d" % (path.rstrip("."), len(a), len(b))]
        diffs = []
        for i, (x, y) in enumerate(zip(a, b)):
            diffs += same_document(x, y, "%s%d." % (path, i))
        return diffs
    if (isinstance(a, (int, float)) and isinstance(b, (int, float))
            and not isinstance(a, bool) and not isinstance(b, bool)):
        return [] if close(a, b, 1e-9) else ["%s %r vs %r" % (path.rstrip("."), a, b)]
    return [] if a == b else ["%s %r vs %r" % (path.rstrip("."), a, b)]


# ---------------------------------------------------------------------------
# Contracts beyond the schema

def check_metrics(metrics, ctx):
    prev_end = None
    for i, m in enumerate(metrics):
        c = "%s: aura-metrics %d" % (ctx, i)
        if m["endtime"] != m["timestamp"] + m["duration"]:
            problem(c, "endtime %d != timestamp %d + duration %d"
                    % (m["endtime"], m["timestamp"], m["duration"]))
        # the recordings are continuous: each interval starts where the last ended
        if prev_end is not None and m["timestamp"] != prev_end:
            problem(c, "timestamp %d does not follow the previous endtime %d"
                    % (m["timestamp"], prev_end))
        prev_end = m["endtime"]
        if m["pauses"] == 0 and (m["pause_time"] != 0 or m["longest_pause"] != 0):
            problem(c, "no pause but pause_time %r, longest_pause %r"
                    % (m["pause_time"], m["longest_pause"]))
        if m["pauses"] > 0 and not (m["longest_pause"] <= m["pause_time"] + EPS
                                    and m["longest_pause"] > 0):
            problem(c, "longest_pause %r vs pause_time %r"
                    % (m["longest_pause"], m["pause_time"]))


def check_summary(s, metrics, ctx):
    c = ctx + ": aura-summary"
    if s["endtime"] != s["timestamp"] + s["duration"]:
        problem(c, "endtime %d != timestamp %d + duration %d"
                % (s["endtime"], s["timestamp"], s["duration"]))
    plist = s.get("pause_list") or []
    for i, p in enumerate(plist):
        if not p["end"] >= p["start"]:
            problem(c, "pause_list[%d]: end %r < start %r" % (i, p["end"], p["start"]))
        if not close(p["duration"], p["end"] - p["start"]):
            problem(c, "pause_list[%d]: duration %r != end - start %r"
                    % (i, p["duration"], p["end"] - p["start"]))
        if i > 0 and p["start"] < plist[i - 1]["end"] - EPS:
            problem(c, "pause_list[%d] starts before pause %d ends" % (i, i - 1))
        if s["speech_start"] is not None and not (
                s["speech_start"] - EPS <= p["start"]
                and p["end"] <= s["speech_end"] + EPS):
            problem(c, "pause_list[%d] [%r, %r] lies outside the speech [%r, %r]"
                    % (i, p["start"], p["end"], s["speech_start"], s["speech_end"]))
    if len(plist) != s["pauses"]:
        problem(c, "pauses %d but pause_list has %d" % (s["pauses"], len(plist)))
    if not close(sum(p["duration"] for p in plist), s["pause_time"]):
        problem(c, "pause_time %r != sum of pause_list durations %r"
                % (s["pause_time"], sum(p["duration"] for p in plist)))
    if not close(max([p["duration"] for p in plist] or [0.0]), s["longest_pause"]):
        problem(c, "longest_pause %r != longest in pause_list" % s["longest_pause"])
    flist = s.get("filler_list") or []
    if len(flist) != s["fillers"]:
        problem(c, "fillers %d but filler_list has %d" % (s["fillers"], len(flist)))
    for i, f in enumerate(flist):
        if not (f["end"] > f["start"] and close(f["duration"], f["end"] - f["start"])):
            problem(c, "filler_list[%d] is not a span: %r" % (i, f))
    if (s["pause_mean"] is None) != (s["pauses"] == 0):
        problem(c, "pause_mean must be null exactly when there is no pause")
    elif s["pauses"] and not close(s["pause_mean"], s["pause_time"] / s["pauses"]):
        problem(c, "pause_mean %r != pause_time / pauses" % s["pause_mean"])
    if (s["speech_start"] is None) != (s["speech_end"] is None):
        problem(c, "speech_start and speech_end must be null together")
    elif s["speech_start"] is not None and s["speech_end"] < s["speech_start"]:
        problem(c, "speech_end %r < speech_start %r"
                % (s["speech_end"], s["speech_start"]))
    if s["speech_time"] > s["duration"] / 1e9 + EPS:
        problem(c, "speech_time %r s exceeds duration %r s"
                % (s["speech_time"], s["duration"] / 1e9))
    if s["discontinuities"] != 0:
        problem(c, "discontinuities %d on a continuous file" % s["discontinuities"])

    # the intervals add up to the session
    if s["intervals"] != len(metrics):
        problem(c, "intervals %d but %d aura-metrics were posted"
                % (s["intervals"], len(metrics)))
    if metrics:
        if s["timestamp"] != metrics[0]["timestamp"]:
            problem(c, "timestamp %d != first interval's %d"
                    % (s["timestamp"], metrics[0]["timestamp"]))
        if s["duration"] != sum(m["duration"] for m in metrics):
            problem(c, "duration %d != sum of the intervals' %d"
                    % (s["duration"], sum(m["duration"] for m in metrics)))
        if s["pauses"] != sum(m["pauses"] for m in metrics):
            problem(c, "pauses %d != sum of the intervals' %d"
                    % (s["pauses"], sum(m["pauses"] for m in metrics)))
        if not close(s["pause_time"], sum(m["pause_time"] for m in metrics)):
            problem(c, "pause_time %r != sum of the intervals' %r"
                    % (s["pause_time"], sum(m["pause_time"] for m in metrics)))
        if not close(s["longest_pause"], max(m["longest_pause"] for m in metrics)):
            problem(c, "longest_pause %r != the intervals' longest" % s["longest_pause"])
        if s["loudness_integrated"] != metrics[-1]["loudness_integrated"]:
            problem(c, "loudness_integrated %r != the last interval's %r"
                    % (s["loudness_integrated"], metrics[-1]["loudness_integrated"]))
        if s["peak_dbfs"] != max(m["peak_dbfs"] for m in metrics):
            problem(c, "peak_dbfs %r != the intervals' highest" % s["peak_dbfs"])


def expect(doc, ctx, nulls=(), values=()):
    for key in nulls:
        if doc.get(key) is not None:
            problem(ctx, "%s should be null here, got %r" % (key, doc.get(key)))
    for key in values:
        if doc.get(key) is None:
            problem(ctx, "%s should be measured here, got null" % key)


# ---------------------------------------------------------------------------

def analyse(case, path, props, schemas, kind):
    ctx = "%s [%s]" % (case, " ".join("%s=%s" % kv for kv in props) or "defaults")
    before = len(problems)

    # auraanalyzer's bus messages (and in-band events, checked by dump-metrics)
    r = run([DUMP, path] + ["%s=%s" % kv for kv in props])
    for line in r.stdout.splitlines():
        if line.startswith("error "):
            problem(ctx, "dump-metrics: " + line[6:])
    if r.returncode != 0:
        problem(ctx, "dump-metrics exited with %d: %s"
                % (r.returncode, r.stderr.strip()[-500:]))
    metrics, summary, summary_struct, summary_text = [], None, None, None
    for n, line in enumerate(r.stdout.splitlines()):
        tag, _, text = line.partition(" ")
        if tag not in ("bus", "summary-json"):
            continue
        doc = parse(text, "%s: line %d" % (ctx, n + 1))
        if doc is None:
            continue
        if tag == "summary-json":
            if summary is not None:
                problem(ctx, "more than one aura-summary")
            summary_text = text
            if validate(doc, schemas, ctx + ": aura-summary json field"):
                summary = doc
        elif doc.get("type") == "aura-metrics":
            if summary_text is not None:
                problem(ctx, "aura-metrics after the aura-summary")
            validate(doc, schemas, "%s: aura-metrics %d" % (ctx, len(metrics)))
            if all(k in doc for k in schemas["aura-metrics"]["required"]):
                metrics.append(doc)
        elif doc.get("type") == "aura-summary":
            # the structure's own fields: the json field less pause_list
            summary_struct = doc
        else:
            problem(ctx, "unexpected message %s" % text[:100])
    if summary_text is None:
        problem(ctx, "no aura-summary with a json field on the bus")
    if summary is None:
        print("FAIL %s" % ctx)
        return
    if summary_struct is not None:
        rest = {k: v for k, v in summary.items()
                if k not in JSON_ONLY["aura-summary"]}
        for d in same_document(summary_struct, rest):
            problem(ctx, "aura-summary structure vs its json field: " + d)

    check_metrics(metrics, ctx)
    check_summary(summary, metrics, ctx)

    # `aura analyze --json`: the same summary
    opts = []
    for k, v in props:
        opts += ["--%s" % k, "%g" % (int(v) / 1e9)]
    r = run([AURA, "analyze", "--json"] + opts + [path])
    actx = ctx + ": aura analyze --json"
    if r.returncode != 0:
        problem(actx, "exit status %d: %s" % (r.returncode, r.stderr.strip()))
    else:
        lines = r.stdout.splitlines()
        if len(lines) != 1:
            problem(actx, "expected exactly one line of JSON, got %d" % len(lines))
        doc = parse(r.stdout.strip(), actx)
        # the coaching report rides along under "report" (aurafeedback's
        # aura-report json); the rest is the summary, unchanged
        report = doc.pop("report", None) if isinstance(doc, dict) else None
        if report is None or report.get("type") != "aura-report" \
                or not isinstance(report.get("cue_list"), list):
            problem(actx, "no aura-report under \"report\"")
    # French text must come out as UTF-8, whatever the locale (g_print would
    # have turned "é" into "?")
    r = run([AURA, "analyze", "--json", "--lang", "fr", path])
    if r.returncode == 0:
        rep = (parse(r.stdout.strip(), actx) or {}).get("report") or {}
        if "séance" not in rep.get("text", ""):
            problem(actx, "the French report text is not intact UTF-8: %r"
                    % rep.get("text", "")[:40])
        if doc is not None and validate(doc, schemas, actx):
            for d in same_document(doc, summary):
                problem(actx, "differs from the bus aura-summary json: " + d)

    # nullable fields: null on silence, measured on speech
    if kind == "speech":
        expect(summary, ctx + ": aura-summary",
               values=("loudness_integrated", "snr_db", "speech_start",
                       "speech_end", "pause_mean"))
        if not any(p["duration"] >= 0.9 for p in summary["pause_list"]):
            problem(ctx, "the inserted 1 s pause is not in pause_list: %s"
                    % summary["pause_list"])
    elif kind == "silence":
        nulls = ("loudness_integrated", "loudness_range", "snr_db",
                 "speech_start", "speech_end", "pause_mean")
        expect(summary, ctx + ": aura-summary", nulls=nulls)
        for i, m in enumerate(metrics):
            expect(m, "%s: aura-metrics %d" % (ctx, i),
                   nulls=("loudness_integrated", "loudness_range", "snr_db"))
        for key in ("rms_dbfs", "peak_dbfs", "true_peak_dbtp",
                    "loudness_momentary_max", "loudness_short_term_max"):
            if summary[key] != -120.0:
                problem(ctx, "%s of digital silence is %r, not the -120 floor"
                        % (key, summary[key]))
    print("%s %s: %d aura-metrics, aura-summary with %d pauses"
          % ("ok  " if len(problems) == before else "FAIL", ctx, len(metrics),
             summary["pauses"]))


def self_test(schemas):
    """The schemas reject what they must: a missing key, an unknown key, NaN-free
    but out-of-range values."""
    sample = {"type": "aura-metrics"}
    for key, prop in schemas["aura-metrics"]["properties"].items():
        if key == "type":
            continue
        types = json_types(prop)
        sample[key] = (False if "boolean" in types else
                       0 if "integer" in types else
                       None if "null" in types else 0.0)
    sample["duration"] = 1
    v = Draft202012Validator(schemas["aura-metrics"])
    if not v.is_valid(sample):
        problem("self-test", "a plain valid aura-metrics is rejected: %s"
                % next(v.iter_errors(sample)).message)
    bad = [("missing key", {k: x for k, x in sample.items() if k != "rms_dbfs"}),
           ("unknown key", dict(sample, pitch_mean_hz=120.0)),
           ("pitch below the range", dict(sample, pitch_hz=10.0)),
           ("null in a required value", dict(sample, rms_dbfs=None)),
           ("ratio above 1", dict(sample, clipping=1.5)),
           ("level below the floor", dict(sample, peak_dbfs=-200.0)),
           ("negative count", dict(sample, pauses=-1)),
           ("wrong type name", dict(sample, type="aura-summary"))]
    for what, doc in bad:
        if v.is_valid(doc):
            problem("self-test", "the aura-metrics schema accepts a %s" % what)


def main():
    for tool in ("espeak-ng", "sox", "soxi"):
        if shutil.which(tool) is None:
            print("schema: %s is not installed, skipping" % tool)
            return SKIP
    for exe in (AURA, DUMP):
        if not os.access(exe, os.X_OK):
            sys.exit("schema: %s is not built (ninja -C %s)" % (exe, BUILD))
    schemas = {}
    for name, path in SCHEMAS.items():
        with open(path) as f:
            schemas[name] = json.load(f)

    with tempfile.TemporaryDirectory(prefix="aura-schema-") as tmp:
        if not os.environ.get("GST_PLUGIN_PATH_1_0"):
            os.environ["GST_PLUGIN_PATH_1_0"] = os.path.join(BUILD, "gst", "aura")
            os.environ["GST_REGISTRY_1_0"] = os.path.join(tmp, "registry.bin")

        check_schema_files(schemas)
        self_test(schemas)
        speech, noisy, silence = make_recordings(tmp)
        cases = [
            ("speech 22.05 kHz mono S16", speech, [], "speech"),
            # the shortest interval and pause the properties allow
            ("speech 22.05 kHz mono S16", speech,
             [("interval", "10000000"), ("min-pause", "50000000")], "speech"),
            # the longest interval: one partial interval at end of stream
            ("speech 22.05 kHz mono S16", speech,
             [("interval", "3600000000000")], "speech"),
            ("speech + pink noise 20 dB, 48 kHz stereo F32", noisy, [], "speech"),
            ("speech + pink noise 20 dB, 48 kHz stereo F32", noisy,
             [("interval", "250000000")], "speech"),
            ("silence 3 s, 16 kHz mono S16", silence, [], "silence"),
        ]
        for case, path, props, kind in cases:
            analyse(case, path, props, schemas, kind)

    if problems:
        print("\nschema: %d violation(s):" % len(problems), file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("schema: all valid (%d aura-metrics, %d aura-summary documents)"
          % (validated["aura-metrics"], validated["aura-summary"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
