#!/usr/bin/env python3
"""A webhook receiver on loopback for Tickler's delivery tests: it verifies Tickler-Signature with the
shared secret and keeps every request as DIR/N.json (headers, body, whether the signature held).

The file DIR/mode, re-read for every request, sets the answer: a status code such as 200 (default),
500, 429 or 400, "hang" (never answer), or "hold" (answer 200 once the file DIR/release exists).
With --tally, nothing is stored but one line per request appended to DIR/tally: its Idempotency-Key and
whether its signature held ("ok" or "bad"), for tests that count tens of thousands of requests.

  http_receiver.py --dir DIR --secret-file F [--port N] [--tls CERT KEY] [--tally]
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import hashlib
import hmac
import itertools
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counter = itertools.count(1)
lock = threading.Lock()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--secret-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tally", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(a.secret_file, "rb") as f:
        secret = f.read().rstrip(b"\r\n")
    tally = open(os.path.join(a.dir, "tally"), "a", buffering=1) if a.tally else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            header = self.headers.get("Tickler-Signature", "")
            fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
            expected = hmac.new(secret, (fields.get("t", "") + ".").encode() + body, hashlib.sha256).hexdigest()
            signature_ok = hmac.compare_digest(expected, fields.get("v1", ""))
            try:
                with open(os.path.join(a.dir, "mode")) as f:
                    mode = f.read().strip() or "200"
            except FileNotFoundError:
                mode = "200"
            if tally:
                with lock:
                    tally.write("%s %s\n" % (self.headers.get("Idempotency-Key", "-"), "ok" if signature_ok else "bad"))
            record = None if tally else {
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "signature_ok": signature_ok,
                "answered": mode,
                "received_at": time.time(),
            }
            if record:
                with lock:
                    n = next(counter)
                base = os.path.join(a.dir, "%d-%06d" % (os.getpid(), n))
                with open(base + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(base + ".tmp", base + ".json")
            if mode == "hang":
                time.sleep(3600)
                return
            if mode == "hold":
                while not os.path.exists(os.path.join(a.dir, "release")):
                    time.sleep(0.02)
                mode = "200"
            status = int(mode)
            reply = b'{"ok": true}' if status < 300 else b'{"ok": false}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    if a.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*a.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
