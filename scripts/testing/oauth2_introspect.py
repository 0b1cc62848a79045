#!/usr/bin/env python3
"""An OAuth 2 token introspection endpoint (RFC 7662) on loopback, for the tests' Dovecot: its oauth2
passdb posts each XOAUTH2 token (form field `token`) and logs the user in when the answer says
{"active": true, "username": USER}. A stand-in for a provider's (Microsoft 365's, Google's) token
checks, which cannot run here.

- DIR/tokens.json maps each valid token to its user; any other token answers {"active": false}.
- Every request is appended to DIR/requests.jsonl: {"at", "active"} (never the token).

  oauth2_introspect.py --dir DIR
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import json
import os
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    a = p.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(min(n, 65536)).decode("utf-8", "replace"))
            token = (form.get("token") or [""])[0]
            try:
                with open(os.path.join(a.dir, "tokens.json")) as f:
                    tokens = json.load(f)
            except OSError:
                tokens = {}
            user = tokens.get(token)
            body = {"active": True, "username": user} if user else {"active": False}
            with open(os.path.join(a.dir, "requests.jsonl"), "a") as log:
                log.write(json.dumps({"at": time.time(), "active": bool(user)}) + "\n")
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
