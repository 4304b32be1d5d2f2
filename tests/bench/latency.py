#!/usr/bin/python3
"""Latency from the end of an analysis interval to the application, on loopback.

Runs a live pipeline

    audiotestsrc is-live=true wave=pink-noise samplesperbuffer=S
      ! audio/x-raw,rate=16000,channels=1 ! audioconvert
      ! auraanalyzer interval=I ! aurafeedback
      ! aurasessionsink location=DB session-id=latency http-port=0

and measures, for every aura-metrics record, on the pipeline clock (running
time = clock time - base time; GstSystemClock, CLOCK_MONOTONIC):

  bus   arrival of the aura-metrics element message at a thread popping the
        pipeline's bus (gst_bus_timed_pop_filtered)
  ws    arrival of the record as a text frame at a WebSocket client
        (tests/http/ws_client.py) connected to
        ws://127.0.0.1:PORT/api/v1/sessions/latency/live, the sink's own
        server (the in-process live hub)

each minus the end of the record's interval (running-time + duration), and
minus the time the buffer completing that interval reached auraanalyzer (a
pad probe): the first is what was asked (end of the interval to the
application), the second AURA's own share. With
--via-serve AURA the sink serves nothing: `AURA serve --port 0` runs as
another process over the same database, and the client follows the session
through it (new rows polled from the database; the writer commits once a
second), the cross-process path.

audiotestsrc synthesises its samples and pushes each buffer at its START
running time, so the interval's last samples reach the analyzer about one
buffer (samplesperbuffer / 16000 s, 10 ms by default) BEFORE the interval's
end on the clock: "from the interval end" can be negative on the bus path. A
capture device delivers a buffer after its end (plus the device's latency);
there "from the interval end" is "from the data" plus that delay. The
in-band path (the sink, hence the WebSocket) gets each record one buffer
after the bus message: auraanalyzer pushes the events of a buffer before the
next buffer ("events follow their audio"), or at EOS.

Prints count, median, p95 and max in ms for each path, and whether the
median and p95 are below --target (50 ms). Needs python3-gi and
gir1.2-gstreamer-1.0 (Debian), the plugin on GST_PLUGIN_PATH.

  tests/bench/latency.py [--duration 30] [--interval-ms 100]
                         [--samples-per-buffer 160] [--via-serve build/tools/aura]
"""

import argparse
import bisect
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
from ws_client import WebSocketClient, HandshakeError  # noqa: E402


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=30.0,
                    help="seconds of live audio (default 30)")
    ap.add_argument("--interval-ms", type=int, default=100,
                    help="auraanalyzer interval (default 100 ms)")
    ap.add_argument("--samples-per-buffer", type=int, default=160,
                    help="audiotestsrc buffer size at 16 kHz (default 160 = 10 ms)")
    ap.add_argument("--via-serve", metavar="AURA",
                    help="follow through `AURA serve` in another process")
    ap.add_argument("--target", type=float, default=50.0,
                    help="target in ms (default 50)")
    ap.add_argument("--db", help="database (default: a temporary one)")
    args = ap.parse_args()

    Gst.init(None)
    tmpdir = tempfile.TemporaryDirectory(prefix="aura-latency-")
    db = args.db or os.path.join(tmpdir.name, "latency.db")
    sid = "latency"
    http_port = -1 if args.via_serve else 0
    desc = ("audiotestsrc is-live=true wave=pink-noise volume=0.3 "
            "samplesperbuffer=%d ! audio/x-raw,rate=16000,channels=1 ! "
            "audioconvert ! auraanalyzer name=analyzer interval=%d ! aurafeedback ! "
            "aurasessionsink name=sink location=%s session-id=%s http-port=%d"
            % (args.samples_per_buffer, args.interval_ms * 1000000, db, sid,
               http_port))
    pipeline = Gst.parse_launch(desc)
    bus = pipeline.get_bus()

    bus_end = {}        # interval end (ns) -> arrival (running time), bus
    ws_end = {}         # the same, WebSocket
    ready = []          # (buffer end, arrival at auraanalyzer), running times
    ws_msgs = []
    state = {"port": None, "error": None, "ws_done": False, "ws_status": None}
    serve = None

    def now_rt():
        clock = pipeline.get_clock()
        return clock.get_time() - pipeline.get_base_time()

    def ws_thread(url):
        try:
            client = WebSocketClient.connect(url, timeout=args.duration + 30)
        except (HandshakeError, OSError) as e:
            state["error"] = "WebSocket: %s" % e
            return
        try:
            while True:
                kind, payload = client.recv()
                t = now_rt()
                if kind == "close":
                    break
                if kind != "text":
                    continue
                msg = json.loads(payload)
                ws_msgs.append(msg.get("type"))
                if msg.get("type") == "aura-metrics":
                    end = msg["running_time"] + msg["duration"]
                    ws_end[end] = t
                elif msg.get("type") == "end":
                    state["ws_status"] = msg.get("status")
        except Exception as e:  # a lost connection ends the measure
            state["error"] = "WebSocket: %r" % e
        finally:
            state["ws_done"] = True
            client.close()

    def on_buffer(pad, info):
        buf = info.get_buffer()
        if buf.pts != Gst.CLOCK_TIME_NONE and buf.duration != Gst.CLOCK_TIME_NONE:
            # a live audiotestsrc from 0: timestamps are running times
            ready.append((buf.pts + buf.duration, now_rt()))
        return Gst.PadProbeReturn.OK

    analyzer = pipeline.get_by_name("analyzer")
    analyzer.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER,
                                              on_buffer)
    pipeline.set_state(Gst.State.PLAYING)
    # the aura-session message: the port of the sink's server
    deadline = time.monotonic() + 10
    while state["port"] is None and time.monotonic() < deadline:
        msg = bus.timed_pop_filtered(100 * Gst.MSECOND,
                                     Gst.MessageType.ELEMENT |
                                     Gst.MessageType.ERROR)
        if msg is None:
            continue
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            sys.exit("latency.py: pipeline error: %s (%s)" % (err.message, dbg))
        s = msg.get_structure()
        if s.get_name() == "aura-session":
            if args.via_serve:
                state["port"] = 0
            else:
                ok, port = s.get_int("http-port")
                state["port"] = port
        elif s.get_name() == "aura-metrics":
            end = s.get_value("running-time") + s.get_value("duration")
            bus_end[end] = now_rt()
    if state["port"] is None:
        sys.exit("latency.py: no aura-session message in 10 s")

    if args.via_serve:
        serve = subprocess.Popen([args.via_serve, "serve", "--db", db,
                                  "--port", "0", "--quiet"],
                                 stderr=subprocess.PIPE, text=True)
        line = serve.stderr.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            sys.exit("latency.py: aura serve did not start: %s" % line)
        state["port"] = int(m.group(1))
    url = "ws://127.0.0.1:%d/api/v1/sessions/%s/live" % (state["port"], sid)
    t = threading.Thread(target=ws_thread, args=(url,), daemon=True)
    t.start()

    stop_at = time.monotonic() + args.duration
    eos_sent = False
    done = False
    while not done:
        if not eos_sent and time.monotonic() >= stop_at:
            pipeline.send_event(Gst.Event.new_eos())
            eos_sent = True
        msg = bus.timed_pop_filtered(20 * Gst.MSECOND,
                                     Gst.MessageType.ELEMENT |
                                     Gst.MessageType.EOS |
                                     Gst.MessageType.ERROR)
        if msg is None:
            continue
        arrival = now_rt()
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.get_name() == "aura-metrics":
                end = s.get_value("running-time") + s.get_value("duration")
                bus_end[end] = arrival
        elif msg.type == Gst.MessageType.EOS:
            done = True
        elif msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            sys.exit("latency.py: pipeline error: %s (%s)" % (err.message, dbg))

    # the client's end: the sink stops its server at NULL, so wait first
    t.join(timeout=10)
    pipeline.set_state(Gst.State.NULL)
    if serve:
        serve.terminate()
        serve.wait(timeout=10)
    if state["error"]:
        print("latency.py: %s" % state["error"], file=sys.stderr)

    via = ("aura serve in another process (database follow)"
           if args.via_serve else "the sink's own server (in-process hub)")
    print("setup: %.0f s live audiotestsrc, 16 kHz mono, %d samples per buffer "
          "(%.1f ms), auraanalyzer interval %d ms; WebSocket via %s"
          % (args.duration, args.samples_per_buffer,
             args.samples_per_buffer / 16.0, args.interval_ms, via))
    print("WebSocket end: %s" % (state["ws_status"] or "none"))
    ready.sort()
    ends = [e for e, _ in ready]

    def data_time(end):
        """Arrival at the analyzer of the buffer completing the interval."""
        i = bisect.bisect_left(ends, end)
        return ready[i][1] if i < len(ready) else None

    verdict = True
    for name, data in (("bus message", bus_end), ("WebSocket", ws_end)):
        if not data:
            print("%-12s no records" % name)
            verdict = False
            continue
        for ref, label in ((lambda e: e, "from the interval end"),
                           (data_time, "from the data at the analyzer")):
            ms = [(t - ref(e)) / 1e6 for e, t in data.items()
                  if ref(e) is not None]
            med, p95 = percentile(ms, 50), percentile(ms, 95)
            met = med < args.target and p95 < args.target
            if label.startswith("from the interval"):
                verdict = verdict and met
            print("%-12s %-30s n=%4d  median %7.2f ms  p95 %7.2f ms  "
                  "max %7.2f ms  target < %.0f ms: %s"
                  % (name, label, len(ms), med, p95, max(ms), args.target,
                     "met" if met else "NOT met"))
    common = sorted(set(bus_end) & set(ws_end))
    if common:
        extra = [(ws_end[k] - bus_end[k]) / 1e6 for k in common]
        print("WebSocket after the bus message, same records (n=%d): median "
              "%.2f ms, p95 %.2f ms" % (len(common), percentile(extra, 50),
                                        percentile(extra, 95)))
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
