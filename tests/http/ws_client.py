#!/usr/bin/python3
"""A minimal WebSocket client (RFC 6455) on the standard library only.

Enough for AURA's live route (GET /api/v1/sessions/ID/live): the opening
handshake (with the Sec-WebSocket-Accept check), text frames (fragmented or
not), pings answered with pongs, and the closing handshake. No TLS, no
extensions.

As a program it prints every text message it receives on one line of stdout
(flushed at once, so a shell can watch the file), and at the close frame a
last line {"type": "_close", "code": N, "reason": "..."}:

    ws_client.py ws://127.0.0.1:PORT/api/v1/sessions/ID/live \
        [--timeout S] [--origin ORIGIN] [--header 'Name: value']... [--stamp]

--stamp prefixes each line with the arrival time (time.monotonic(), seconds)
and a tab. Exit status: 0 after a close frame, 2 on timeout or a connection
lost without one, 3 when the server refused the upgrade (its status line and
body go to stderr).

As a module (tests/bench/latency.py):

    client = WebSocketClient.connect(url, timeout=10)
    while True:
        kind, payload = client.recv()   # ("text", str) or ("close", (code, reason))
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import time
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA


class HandshakeError(Exception):
    def __init__(self, status_line, headers, body):
        super().__init__(status_line)
        self.status_line = status_line
        self.headers = headers
        self.body = body


class ConnectionLost(Exception):
    pass


class WebSocketClient:
    def __init__(self, sock, leftover=b""):
        self.sock = sock
        self.buf = bytearray(leftover)
        self.closed = False

    # ---- opening handshake ----------------------------------------------

    @classmethod
    def connect(cls, url, timeout=10.0, origin=None, headers=()):
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("ws", "http"):
            raise ValueError("only ws:// URLs are supported: %s" % url)
        host = u.hostname or "127.0.0.1"
        port = u.port or 80
        target = (u.path or "/") + ("?" + u.query if u.query else "")
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        lines = [
            "GET %s HTTP/1.1" % target,
            "Host: %s:%d" % (host, port),
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: %s" % key,
            "Sec-WebSocket-Version: 13",
        ]
        if origin:
            lines.append("Origin: %s" % origin)
        lines.extend(headers)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))

        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionLost("connection closed during the handshake")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        head_lines = head.decode("iso-8859-1").split("\r\n")
        status_line = head_lines[0]
        resp_headers = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            resp_headers[name.strip().lower()] = value.strip()
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or parts[1] != "101":
            # a refusal: read the body (Content-Length) for the message
            length = int(resp_headers.get("content-length", "0") or 0)
            while len(rest) < length:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                rest += chunk
            sock.close()
            raise HandshakeError(status_line, resp_headers,
                                 rest.decode("utf-8", "replace"))
        expected = base64.b64encode(hashlib.sha1(
            (key + GUID).encode("ascii")).digest()).decode("ascii")
        if resp_headers.get("sec-websocket-accept") != expected:
            sock.close()
            raise HandshakeError("bad Sec-WebSocket-Accept", resp_headers, "")
        return cls(sock, rest)

    # ---- frames ------------------------------------------------------------

    def _read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionLost("connection closed without a close frame")
            self.buf.extend(chunk)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _read_frame(self):
        b0, b1 = self._read_exact(2)
        fin = bool(b0 & 0x80)
        opcode = b0 & 0x0F
        masked = bool(b1 & 0x80)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8))[0]
        mask = self._read_exact(4) if masked else None
        payload = self._read_exact(length)
        if mask:  # servers must not mask, but accept it
            payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        return fin, opcode, payload

    def _send_frame(self, opcode, payload=b""):
        # client frames are always masked (RFC 6455 5.3)
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self._send_frame(OP_TEXT, text.encode("utf-8"))

    def recv(self):
        """The next message: ("text", str), ("binary", bytes) or
        ("close", (code, reason)); pings are answered on the way."""
        message, message_op = bytearray(), None
        while True:
            fin, opcode, payload = self._read_frame()
            if opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] \
                    if len(payload) >= 2 else 1005
                reason = payload[2:].decode("utf-8", "replace")
                if not self.closed:
                    # echo the close (the closing handshake)
                    try:
                        self._send_frame(OP_CLOSE, payload[:2])
                    except OSError:
                        pass
                    self.closed = True
                return "close", (code, reason)
            if opcode in (OP_TEXT, OP_BINARY):
                message_op = opcode
                message = bytearray(payload)
            elif opcode == OP_CONT:
                message.extend(payload)
            if fin:
                if message_op == OP_TEXT:
                    return "text", message.decode("utf-8")
                return "binary", bytes(message)

    def close(self, code=1000):
        if not self.closed:
            try:
                self._send_frame(OP_CLOSE, struct.pack("!H", code))
            except OSError:
                pass
            self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="give up after this many seconds in all (default 30)")
    ap.add_argument("--origin")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--stamp", action="store_true")
    args = ap.parse_args()

    deadline = time.monotonic() + args.timeout
    out = sys.stdout
    try:
        client = WebSocketClient.connect(args.url, timeout=args.timeout,
                                         origin=args.origin,
                                         headers=args.header)
    except HandshakeError as e:
        print("ws_client: upgrade refused: %s %s" % (e.status_line, e.body),
              file=sys.stderr)
        return 3
    except OSError as e:
        print("ws_client: cannot connect: %s" % e, file=sys.stderr)
        return 2
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            client.sock.settimeout(left)
            kind, payload = client.recv()
            stamp = "%.6f\t" % time.monotonic() if args.stamp else ""
            if kind == "text":
                out.write(stamp + payload.replace("\n", " ") + "\n")
                out.flush()
            elif kind == "close":
                code, reason = payload
                out.write(stamp + json.dumps({"type": "_close", "code": code,
                                              "reason": reason}) + "\n")
                out.flush()
                client.close()
                return 0
    except socket.timeout:
        print("ws_client: timed out after %.0f s" % args.timeout,
              file=sys.stderr)
        client.close()
        return 2
    except (ConnectionLost, OSError) as e:
        print("ws_client: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
