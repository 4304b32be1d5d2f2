#!/usr/bin/python3
"""bus_reader: embeds AURA in a Python program and prints what it says.

    bus_reader.py FILE|URI [en|fr]

The same program as bus-reader.c, with python3-gst-1.0 (PyGObject). Builds

    uridecodebin ! audioconvert ! audioresample ! auraanalyzer
      ! aurafeedback ! fakesink

and prints, from the bus, every aura-metrics, aura-feedback (the live cues),
the aura-summary and the aura-report; a pad probe on the sink counts the same
structures arriving in-band as serialized custom events. The plugin is found
through GST_PLUGIN_PATH (the build tree's build/gst/aura) or in the GStreamer
plugin directory when installed. Field names, types and units:
docs/metrics.md and docs/coaching.md.

Exit status: 0 when the stream ended with metrics, 1 on an error (or no
metrics), 2 on bad usage.
"""

import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

AURA_NAMES = ("aura-metrics", "aura-feedback", "aura-summary", "aura-report")


def seconds(s):
    """Stream time (else timestamp) of a structure, in seconds; -1 if none."""
    for field in ("stream-time", "timestamp"):
        ok, t = s.get_uint64(field)
        if ok and t != Gst.CLOCK_TIME_NONE:
            return t / Gst.SECOND
    return -1.0


def double(s, label, field, digits, unit=""):
    """A gdouble field with DIGITS decimals; a value that could not be
    measured is absent from the structure: "-"."""
    ok, v = s.get_double(field)
    if not ok:
        return "  %s -" % label
    return "  %s %.*f%s" % (label, digits, v, unit)


def uint(s, field):
    ok, v = s.get_uint(field)
    return v if ok else 0


def print_metrics(s):
    ok, speaking = s.get_boolean("speaking")
    print("metrics %7.1f s" % seconds(s)
          + double(s, "short-term", "loudness-short-term", 1, " LUFS")
          + double(s, "speech", "speech-ratio", 2)
          + double(s, "pitch", "pitch-hz", 0, " Hz")
          + double(s, "wpm", "wpm", 0)
          + "  pauses %u  fillers %u%s" % (uint(s, "pauses"),
                                           uint(s, "fillers"),
                                           "  speaking" if speaking else ""))


def print_feedback(s):
    print("cue     %7.1f s  %s (%s): %s" % (seconds(s), s.get_string("code"),
                                            s.get_string("severity"),
                                            s.get_string("message")))


def print_summary(s):
    ok, duration = s.get_uint64("duration")
    print("summary %.1f s" % (duration / Gst.SECOND)
          + double(s, "integrated", "loudness-integrated", 1, " LUFS")
          + double(s, "range", "loudness-range", 1, " LU")
          + double(s, "speech", "speech-ratio", 2)
          + double(s, "pitch", "pitch-median-hz", 0, " Hz")
          + double(s, "wpm", "wpm", 0)
          + "  pauses %u  fillers %u  intervals %u"
          % (uint(s, "pauses"), uint(s, "fillers"), uint(s, "intervals")))


def print_report(s):
    ok, overall = s.get_double("overall-score")
    print("report  overall %s" % ("%.0f/100" % overall if ok else "-"))
    print(s.get_string("text"))


class BusReader:
    def __init__(self, uri, lang):
        self.loop = GLib.MainLoop()
        self.status = 0
        self.metrics = 0
        self.events = dict.fromkeys(AURA_NAMES, 0)
        self.pipeline = Gst.Pipeline.new("bus-reader")
        elements = {}
        for factory in ("uridecodebin", "audioconvert", "audioresample",
                        "auraanalyzer", "aurafeedback", "fakesink"):
            element = Gst.ElementFactory.make(factory, None)
            if element is None:
                hint = (" (set GST_PLUGIN_PATH to the directory of "
                        "libgstaura.so, e.g. build/gst/aura)"
                        if factory.startswith("aura") else "")
                raise RuntimeError("no element %s%s" % (factory, hint))
            elements[factory] = element
            self.pipeline.add(element)
        decode = elements["uridecodebin"]
        # only the audio is decoded, also from a video file
        decode.set_property("uri", uri)
        decode.set_property("caps", Gst.Caps.from_string("audio/x-raw"))
        decode.set_property("expose-all-streams", False)
        elements["auraanalyzer"].set_property("language", lang)
        elements["aurafeedback"].set_property("language", lang)
        sink = elements["fakesink"]
        sink.set_property("sync", False)  # as fast as the file can be read
        self.convert = elements["audioconvert"]
        chain = [self.convert, elements["audioresample"],
                 elements["auraanalyzer"], elements["aurafeedback"], sink]
        for upstream, downstream in zip(chain, chain[1:]):
            if not upstream.link(downstream):
                raise RuntimeError("could not link %s to %s"
                                   % (upstream.get_name(),
                                      downstream.get_name()))
        decode.connect("pad-added", self.on_pad_added)
        sink.get_static_pad("sink").add_probe(
            Gst.PadProbeType.EVENT_DOWNSTREAM, self.on_event)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def on_pad_added(self, decode, pad):
        sink = self.convert.get_static_pad("sink")
        if not sink.is_linked() and pad.link(sink) != Gst.PadLinkReturn.OK:
            print("bus_reader: could not link %s" % pad.get_name(),
                  file=sys.stderr)

    def on_event(self, pad, info):
        # a streaming thread: count only, print nothing here
        event = info.get_event()
        if event.type == Gst.EventType.CUSTOM_DOWNSTREAM:
            name = event.get_structure().get_name()
            if name in self.events:
                self.events[name] += 1
        return Gst.PadProbeReturn.OK

    def on_message(self, bus, msg):
        # the bus watch: in the main loop's thread
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            name = s.get_name()
            if name == "aura-metrics":
                self.metrics += 1
                print_metrics(s)
            elif name == "aura-feedback":
                print_feedback(s)
            elif name == "aura-summary":
                print_summary(s)
            elif name == "aura-report":
                print_report(s)
        elif msg.type == Gst.MessageType.WARNING:
            err, debug = msg.parse_warning()
            print("bus_reader: warning from %s: %s"
                  % (msg.src.get_name(), err.message), file=sys.stderr)
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print("bus_reader: error from %s: %s\n%s"
                  % (msg.src.get_name(), err.message, debug or ""),
                  file=sys.stderr)
            self.status = 1
            self.loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            self.loop.quit()

    def run(self):
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            msg = self.pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
            if msg is not None:
                self.on_message(None, msg)
            else:
                print("bus_reader: the pipeline could not start",
                      file=sys.stderr)
            self.status = 1
        else:
            self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        self.pipeline.get_bus().remove_signal_watch()
        print("events  in-band at the sink: %s"
              % ", ".join("%d %s" % (self.events[n], n) for n in AURA_NAMES))
        if self.status == 0 and self.metrics == 0:
            print("bus_reader: no aura-metrics", file=sys.stderr)
            self.status = 1
        return self.status


def main(argv):
    Gst.init(None)
    if len(argv) not in (2, 3):
        print("usage: bus_reader.py FILE|URI [en|fr]", file=sys.stderr)
        return 2
    lang = argv[2] if len(argv) == 3 else "en"
    if Gst.uri_is_valid(argv[1]):
        uri = argv[1]
    else:
        try:
            uri = Gst.filename_to_uri(argv[1])
        except GLib.Error as e:
            print("bus_reader: %s: %s" % (argv[1], e.message), file=sys.stderr)
            return 2
    try:
        reader = BusReader(uri, lang)
    except RuntimeError as e:
        print("bus_reader: %s" % e, file=sys.stderr)
        return 1
    return reader.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
