#!/usr/bin/python3
"""AURA for a conference: every participant of one RTP/Opus stream, at once.

A conference mixer or an SFU sends each participant as its own RTP source
(its own SSRC) to one UDP port. rtpssrcdemux splits them; each new SSRC gets
its own chain

    rtpjitterbuffer ! rtpopusdepay ! opusdec ! audioconvert ! audioresample !
        auraanalyzer speaker=NAME ! aurafeedback

and every chain goes through one funnel into one aurasessionsink: one session
with a speaker per participant, and at the end the conversation metrics
across them (talk-time share, turns, longest monologue, overlaps, silence).

    pipelines/rtp_conference.py PORT [--db conference.db] [--title T]
                                [--names ann,bob] [--lang en|fr]
                                [--profile webinar] [--http-port N]
                                [--seconds S]

Participants are named in the order their SSRC first appears (--names), else
"ssrc-<number>". Ctrl-C (or --seconds) ends the session cleanly: the
analyzers finish, the conversation is computed and the session is saved
'completed'; the conversation is printed as JSON.

Send a participant with pipelines/rtp-opus-send.sh FILE HOST PORT (each run
draws a random SSRC), or from ffmpeg (see that script).

Environment: GST_PLUGIN_PATH (default build/gst/aura of this tree).
"""

import argparse
import json
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

RTP_CAPS = ("application/x-rtp,media=audio,encoding-name=OPUS,"
            "clock-rate=48000,payload=96")


class Conference:
    def __init__(self, args):
        self.args = args
        self.names = [n for n in (args.names or "").split(",") if n]
        self.speakers = 0
        self.conversation = None
        self.error = None
        self.loop = GLib.MainLoop()
        self.pipeline = Gst.parse_launch(
            "udpsrc port=%d caps=\"%s\" ! rtpssrcdemux name=demux "
            "funnel name=f ! aurasessionsink name=sink" % (args.port, RTP_CAPS))
        sink = self.pipeline.get_by_name("sink")
        sink.set_property("location", args.db)
        if args.title:
            sink.set_property("title", args.title)
        if args.http_port is not None:
            sink.set_property("http-port", args.http_port)
        self.funnel = self.pipeline.get_by_name("f")
        demux = self.pipeline.get_by_name("demux")
        demux.connect("new-ssrc-pad", self.on_new_ssrc)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def speaker_name(self, ssrc):
        if self.speakers < len(self.names):
            return self.names[self.speakers]
        return "ssrc-%u" % ssrc

    def on_new_ssrc(self, demux, ssrc, pad):
        """A new participant: its own analyzer chain into the funnel."""
        name = self.speaker_name(ssrc)
        self.speakers += 1
        chain = Gst.parse_bin_from_description(
            "rtpjitterbuffer latency=100 ! rtpopusdepay ! opusdec ! "
            "audioconvert ! audioresample ! auraanalyzer name=analyzer ! "
            "aurafeedback name=feedback", True)
        analyzer = chain.get_by_name("analyzer")
        analyzer.set_property("speaker", name)
        analyzer.set_property("language", self.args.lang)
        feedback = chain.get_by_name("feedback")
        feedback.set_property("language", self.args.lang)
        feedback.set_property("profile", self.args.profile)
        self.pipeline.add(chain)
        chain.sync_state_with_parent()
        chain.get_static_pad("src").link(self.funnel.request_pad_simple("sink_%u"))
        pad.link(chain.get_static_pad("sink"))
        print("participant %s (SSRC %u)" % (name, ssrc), flush=True)

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.get_name() == "aura-conversation":
                self.conversation = json.loads(s.get_string("json"))
            elif s.get_name() == "aura-session":
                print("session %s in %s" % (s.get_string("session-id"),
                                            s.get_string("location")),
                      flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            self.error = err.message
            self.loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            self.loop.quit()

    def finish(self):
        """End of stream into every chain: the session ends 'completed'."""
        print("finishing the session...", flush=True)
        self.pipeline.send_event(Gst.Event.new_eos())
        return GLib.SOURCE_REMOVE

    def run(self):
        self.pipeline.set_state(Gst.State.PLAYING)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.finish)
        if self.args.seconds:
            GLib.timeout_add(int(self.args.seconds * 1000), self.finish)
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        if self.error:
            print("rtp_conference: %s" % self.error, file=sys.stderr)
            return 1
        if self.conversation:
            print(json.dumps(self.conversation))
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--db", default="aura-sessions.db")
    parser.add_argument("--title")
    parser.add_argument("--names", help="participants' names, comma-separated")
    parser.add_argument("--lang", default="en", choices=["en", "fr"])
    parser.add_argument("--profile", default="webinar")
    parser.add_argument("--http-port", type=int)
    parser.add_argument("--seconds", type=float,
                        help="end the session after this long")
    args = parser.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("GST_PLUGIN_PATH",
                          os.path.join(here, "build", "gst", "aura"))
    Gst.init(None)
    return Conference(args).run()


if __name__ == "__main__":
    sys.exit(main())
