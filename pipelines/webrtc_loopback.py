#!/usr/bin/python3
"""AURA over WebRTC: a sender and a receiver webrtcbin in one process.

The sender plays a recording (or a test tone) as Opus into a webrtcbin; the
receiver's webrtcbin gets the stream over a real ICE + DTLS-SRTP connection on
this machine, and its decoded audio goes through

    auraanalyzer ! aurafeedback ! fakesink      (aurasessionsink with --db)

Every aura-metrics the receiver produces is printed. There is no signalling
server: the offer, the answer and the ICE candidates are handed from one peer
to the other by LoopbackSignalling, in this process.

    pipelines/webrtc_loopback.py [--file talk.wav] [--seconds 10]
                                 [--lang en|fr] [--profile webinar] [--db DB]
                                 [--timeout S] [--verbose]

Exit status: 0 when metrics flowed and the report came out, 1 when no metrics
came before --timeout (the message says how far the connection got) or a
pipeline failed, 2 on bad usage, 3 when a GStreamer part is missing.

A webinar receiver has the shape of Receiver below; to plug a real signalling
channel (a WebSocket, the webinar platform's API, WHIP/WHEP over HTTP),
replace LoopbackSignalling with an object that has the same two methods:

    send_sdp(to, kind, sdp_text)       kind is "offer" or "answer"
    send_ice(to, mline_index, candidate)

sending them as messages, e.g. {"sdp": {"type": "answer", "sdp": "v=0..."}}
and {"ice": {"sdpMLineIndex": 0, "candidate": "candidate:..."}} (the format of
GStreamer's webrtc-sendrecv demo and of browsers), and call the peer's
on_remote_sdp(kind, sdp_text) / on_remote_ice(mline_index, candidate) when
the other side's messages arrive. With a browser as the sender, only Receiver
runs here; add a STUN or TURN server (webrtcbin's stun-server / turn-server
properties) when the peers are not on the same network.

Needs the GstWebRTC and GstSdp typelibs (Debian: gir1.2-gst-plugins-bad-1.0,
gir1.2-gstreamer-1.0 and python3-gst-1.0), and the webrtcbin, nice, dtls,
srtp and opus plugins (gstreamer1.0-plugins-bad, -nice, -plugins-base).

Environment: GST_PLUGIN_PATH (default build/gst/aura of this tree).
"""

import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp  # noqa: E402

try:
    gi.require_version("GstWebRTC", "1.0")
    from gi.repository import GstWebRTC  # noqa: E402
except (ValueError, ImportError):
    # exit status 3: the test suite reports it as a missing tool
    print("webrtc_loopback: the GstWebRTC typelib is missing "
          "(Debian: apt-get install gir1.2-gst-plugins-bad-1.0)",
          file=sys.stderr)
    sys.exit(3)

RTP_CAPS = ("application/x-rtp,media=audio,encoding-name=OPUS,"
            "clock-rate=48000,payload=96")


def log(line):
    # one write per line: the webrtcbin threads log too
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _ns(value):
    return "%.1f s" % (value / Gst.SECOND)


def format_metrics(s):
    """One line per aura-metrics; a field that could not be measured is
    absent from the structure and printed as '-'."""
    def num(field, fmt):
        ok, value = s.get_double(field)
        return fmt % value if ok else "-"
    ok, ts = s.get_uint64("timestamp")
    return ("metrics %s  short-term %s LUFS  speech %s  pitch %s Hz  "
            "wpm %s" % (_ns(ts) if ok else "-",
                        num("loudness-short-term", "%.1f"),
                        num("speech-ratio", "%.2f"),
                        num("pitch-hz", "%.0f"), num("wpm", "%.0f")))


class LoopbackSignalling:
    """The signalling channel, in process: what a WebSocket would carry.

    Messages are delivered from the main loop, like a network channel's."""

    def __init__(self):
        self.peers = {}

    def register(self, name, peer):
        self.peers[name] = peer

    def send_sdp(self, to, kind, sdp):
        GLib.idle_add(self._deliver, self.peers[to].on_remote_sdp, kind, sdp)

    def send_ice(self, to, mline_index, candidate):
        GLib.idle_add(self._deliver, self.peers[to].on_remote_ice,
                      mline_index, candidate)

    @staticmethod
    def _deliver(func, *args):
        func(*args)
        return GLib.SOURCE_REMOVE


def description_to_text(desc):
    return desc.sdp.as_text()


def description_from_text(kind, text):
    res, sdp = GstSdp.SDPMessage.new_from_text(text)
    if res != GstSdp.SDPResult.OK:
        raise ValueError("unreadable %s SDP" % kind)
    sdp_type = (GstWebRTC.WebRTCSDPType.OFFER if kind == "offer"
                else GstWebRTC.WebRTCSDPType.ANSWER)
    return GstWebRTC.WebRTCSessionDescription.new(sdp_type, sdp)


class Peer:
    """What both sides do: ICE candidates out and in, the remote SDP in."""

    def __init__(self, name, other, signalling, pipeline, app):
        self.name = name
        self.other = other
        self.signalling = signalling
        self.pipeline = pipeline
        self.app = app
        self.webrtc = pipeline.get_by_name("webrtc")
        self.webrtc.connect("on-ice-candidate", self._on_ice_candidate)
        self.webrtc.connect("notify::ice-connection-state", self._on_state)
        self.webrtc.connect("notify::connection-state", self._on_state)
        signalling.register(name, self)
        bus = pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", app.on_message, name)

    def _on_state(self, webrtc, pspec):
        value = webrtc.get_property(pspec.name)
        nick = getattr(value, "value_nick", value)
        self.app.states["%s %s" % (self.name, pspec.name)] = nick
        log("%s: %s %s" % (self.name, pspec.name, nick))

    def _on_ice_candidate(self, webrtc, mline_index, candidate):
        self.signalling.send_ice(self.other, mline_index, candidate)

    def on_remote_ice(self, mline_index, candidate):
        self.webrtc.emit("add-ice-candidate", mline_index, candidate)

    def _set_local(self, kind, desc):
        self.webrtc.emit("set-local-description", desc, None)
        self.signalling.send_sdp(self.other, kind, description_to_text(desc))


class Sender(Peer):
    """The offerer: audio into webrtcbin, the offer out, the answer in."""

    def __init__(self, signalling, app, path):
        if path:
            src = ("filesrc location=\"%s\" ! decodebin ! audioconvert ! "
                   "audioresample ! clocksync" % path.replace('"', '\\"'))
        else:
            src = "audiotestsrc is-live=true wave=sine freq=180 volume=0.3"
        pipeline = Gst.parse_launch(
            "%s ! audioconvert ! audioresample ! audio/x-raw,rate=48000 ! "
            "opusenc ! rtpopuspay pt=96 name=pay ! %s ! "
            "webrtcbin name=webrtc bundle-policy=max-bundle" % (src, RTP_CAPS))
        pipeline.set_name("sender")
        super().__init__("sender", "receiver", signalling, pipeline, app)
        self.webrtc.connect("on-negotiation-needed", self._on_negotiation)
        # the end of the recording: the receiver is stopped a moment later
        pay_src = pipeline.get_by_name("pay").get_static_pad("src")
        pay_src.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, self._on_event)
        # like a live source, the audio played before the connection is up
        # is lost: dropped here, so the receiver's stream starts clean
        # instead of with a burst of packets held up by the handshake
        self.connected = False
        pay_src.add_probe(Gst.PadProbeType.BUFFER, self._on_buffer)

    def _on_state(self, webrtc, pspec):
        super()._on_state(webrtc, pspec)
        if pspec.name == "connection-state":
            nick = webrtc.get_property(pspec.name).value_nick
            self.connected = nick == "connected"

    def _on_buffer(self, pad, info):
        if self.connected:
            return Gst.PadProbeReturn.OK
        return Gst.PadProbeReturn.DROP

    def _on_event(self, pad, info):
        if info.get_event().type == Gst.EventType.EOS:
            log("sender: end of the recording")
            GLib.timeout_add(700, self.app.stop)
        return Gst.PadProbeReturn.OK

    def _on_negotiation(self, webrtc):
        promise = Gst.Promise.new_with_change_func(self._on_offer, None)
        webrtc.emit("create-offer", None, promise)

    def _on_offer(self, promise, _data):
        reply = promise.get_reply()
        self._set_local("offer", reply.get_value("offer"))

    def on_remote_sdp(self, kind, sdp):
        self.webrtc.emit("set-remote-description",
                         description_from_text(kind, sdp), None)


class Receiver(Peer):
    """The answerer: the shape of a webinar receiver. The offer in, the
    answer out, every incoming audio stream decoded and coached."""

    def __init__(self, signalling, app, lang, profile, db):
        pipeline = Gst.Pipeline.new("receiver")
        webrtc = Gst.ElementFactory.make("webrtcbin", "webrtc")
        Gst.util_set_object_arg(webrtc, "bundle-policy", "max-bundle")
        pipeline.add(webrtc)
        # the analysis sink's EOS arrives wrapped in a GstBinForwarded element
        # message: webrtcbin's own sinks never get EOS, so the pipeline's EOS
        # message never comes
        pipeline.set_property("message-forward", True)
        super().__init__("receiver", "sender", signalling, pipeline, app)
        self.lang, self.profile, self.db = lang, profile, db
        self.chains = []
        self.chains_ended = 0
        self.webrtc.connect("pad-added", self._on_pad_added)

    def _on_pad_added(self, webrtc, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        if caps.get_structure(0).get_string("media") != "audio":
            return
        if self.db:
            sink = ("aurasessionsink name=sink location=\"%s\" "
                    "title=\"WebRTC\"" % self.db.replace('"', '\\"'))
        else:
            sink = "fakesink name=sink"
        chain = Gst.parse_bin_from_description(
            "queue ! rtpopusdepay ! opusdec ! audio/x-raw,channels=1 ! "
            "audioconvert ! audioresample ! auraanalyzer language=%s ! "
            "aurafeedback language=%s profile=%s ! %s"
            % (self.lang, self.lang, self.profile, sink), True)
        self.pipeline.add(chain)
        chain.sync_state_with_parent()
        pad.link(chain.get_static_pad("sink"))
        self.chains.append(chain)
        log("receiver: audio stream %s linked" % pad.get_name())
        GLib.idle_add(self.app.on_audio_started)

    def on_remote_sdp(self, kind, sdp):
        promise = Gst.Promise.new_with_change_func(self._on_remote_set, None)
        self.webrtc.emit("set-remote-description",
                         description_from_text(kind, sdp), promise)

    def _on_remote_set(self, promise, _data):
        promise = Gst.Promise.new_with_change_func(self._on_answer, None)
        self.webrtc.emit("create-answer", None, promise)

    def _on_answer(self, promise, _data):
        reply = promise.get_reply()
        self._set_local("answer", reply.get_value("answer"))

    def end_of_stream(self):
        """EOS into each analysis chain: the summary and the report come
        out, the session sink commits."""
        for chain in self.chains:
            chain.get_static_pad("sink").send_event(Gst.Event.new_eos())
        return bool(self.chains)


class App:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.states = {}
        self.metrics = 0
        self.report = False
        self.status = None
        self.stopping = False
        signalling = LoopbackSignalling()
        self.receiver = Receiver(signalling, self, args.lang, args.profile,
                                 args.db)
        self.sender = Sender(signalling, self, args.file)

    def run(self):
        GLib.timeout_add(int(self.args.timeout * 1000), self.on_timeout)
        self.receiver.pipeline.set_state(Gst.State.PLAYING)
        self.sender.pipeline.set_state(Gst.State.PLAYING)
        self.loop.run()
        self.receiver.pipeline.set_state(Gst.State.NULL)
        self.sender.pipeline.set_state(Gst.State.NULL)
        return self.status

    def finish(self, status, message=None):
        if self.status is None:
            self.status = status
            if message:
                log("webrtc_loopback: " + message)
        self.loop.quit()

    def on_audio_started(self):
        GLib.timeout_add(int(self.args.seconds * 1000), self.stop)
        return GLib.SOURCE_REMOVE

    def stop(self):
        if not self.stopping:
            self.stopping = True
            if not self.receiver.end_of_stream():
                self.finish(1, "no audio stream reached the receiver")
            else:
                # at most a few seconds for the report (longer with an AI
                # narrative, which this script does not configure)
                GLib.timeout_add(5000, self.finish_after_eos)
        return GLib.SOURCE_REMOVE

    def finish_after_eos(self):
        self.finish_ok()
        return GLib.SOURCE_REMOVE

    def finish_ok(self):
        if self.metrics == 0:
            self.finish(1, "the receiver got audio but no aura-metrics")
        elif not self.report:
            self.finish(1, "%d aura-metrics but no aura-report at the end"
                        % self.metrics)
        else:
            self.finish(0)

    def on_timeout(self):
        if self.metrics:
            self.stop()
            return GLib.SOURCE_REMOVE
        states = ", ".join("%s %s" % kv for kv in sorted(self.states.items()))
        self.finish(1, "no aura-metrics after %g s (%s)"
                    % (self.args.timeout, states or "no ICE state change"))
        return GLib.SOURCE_REMOVE

    def on_message(self, bus, msg, peer):
        t = msg.type
        if t == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            self.finish(1, "%s: error from %s: %s (%s)"
                        % (peer, msg.src.get_path_string(), err.message,
                           debug))
        elif t == Gst.MessageType.WARNING:
            err, debug = msg.parse_warning()
            log("%s: warning from %s: %s" % (peer, msg.src.get_name(),
                                               err.message))
        elif t == Gst.MessageType.ELEMENT:
            self.on_element(msg.get_structure())

    def on_element(self, s):
        name = s.get_name()
        if name == "aura-metrics":
            self.metrics += 1
            if self.args.verbose:
                print(s.to_string(), flush=True)
            else:
                print(format_metrics(s), flush=True)
        elif name == "aura-feedback":
            print("cue %s (%s): %s" % (s.get_string("code"),
                                       s.get_string("severity"),
                                       s.get_string("message")), flush=True)
        elif name == "aura-session":
            print("session %s in %s" % (s.get_string("session-id"),
                                        s.get_string("location")), flush=True)
        elif name == "aura-summary":
            ok, duration = s.get_uint64("duration")
            print("summary %s analysed, %d intervals"
                  % (_ns(duration) if ok else "-",
                     s.get_value("intervals")), flush=True)
        elif name == "aura-report":
            self.report = True
            print("report\n" + s.get_string("text"), flush=True)
        elif name == "GstBinForwarded":
            # an analysis chain (a bin) posts EOS once its sink has it
            inner = s.get_value("message")
            if (inner.type == Gst.MessageType.EOS
                    and inner.src in self.receiver.chains):
                self.receiver.chains_ended += 1
                if self.receiver.chains_ended == len(self.receiver.chains):
                    self.finish_ok()


def main():
    parser = argparse.ArgumentParser(
        description="AURA behind a WebRTC connection made in this process.")
    parser.add_argument("--file", help="recording to send (default: a tone)")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="how long to stream once audio arrives "
                        "(default 10; the end of --file stops sooner)")
    parser.add_argument("--lang", default="en", choices=["en", "fr"])
    parser.add_argument("--profile", default="webinar")
    parser.add_argument("--db", help="record the session in this database")
    parser.add_argument("--verbose", action="store_true",
                        help="print whole aura-metrics structures")
    parser.add_argument("--timeout", type=float,
                        help="give up without metrics after this many "
                        "seconds (default: --seconds + 20)")
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = args.seconds + 20.0
    if args.file and not os.path.isfile(args.file):
        parser.error("%s: no such file" % args.file)

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("GST_PLUGIN_PATH",
                          os.path.join(here, "build", "gst", "aura"))
    Gst.init(None)
    missing = [f for f in ("webrtcbin", "nicesrc", "dtlssrtpenc", "opusenc",
                           "auraanalyzer", "aurafeedback")
               if Gst.ElementFactory.find(f) is None]
    if missing:
        log("webrtc_loopback: missing elements: %s (GST_PLUGIN_PATH=%s)"
            % (", ".join(missing), os.environ["GST_PLUGIN_PATH"]))
        return 3
    return App(args).run()


if __name__ == "__main__":
    sys.exit(main())
