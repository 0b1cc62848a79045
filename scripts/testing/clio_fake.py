#!/usr/bin/env python3
"""A stand-in for Clio Manage's API v4 on loopback, for Tickler's sync tests, written from Clio's public
documentation (docs/clio.md says what was checked). It is a test double of an outside service that cannot
run here, not Clio.

- POST /oauth/token (form: grant_type=refresh_token, refresh_token, client_id, client_secret): a new
  bearer access token; a wrong client or refresh token answers 400 {"error": "invalid_client"}.
- GET /api/v4/<model>.json (users, matters, contacts, calendar_entries, tasks, communications), with
  `Authorization: Bearer <token>`: the records of DIR/firm.json's list <model> in id order, `limit` at most
  200 (default 200), `updated_since` (records updated strictly after it), cursor paging by `page_token`;
  each page is {"data": [...], "meta": {"paging": {"next": URL}, "records": N}}, no `next` on the last.
  A token other than the latest issued answers 401.
- Rate limit: with --burst N, every list request after N answered since the last 429 is answered 429 with
  `Retry-After: --retry-after` seconds (and the X-RateLimit-* headers). Counted, not timed, so that a test
  sees the same 429s however fast the machine is.

- With --hang-at N, the Nth list request is logged with status 0 and never answered: a test kills its client
  there, mid-pass (the fake answers every other request as usual).

Every request is appended to DIR/requests.jsonl: {"at": unix seconds (float), "method", "path", "status"}.
The file DIR/revoke, when present, makes the current access token answer 401 once (then it is removed).

  clio_fake.py --dir DIR --client-id ID --client-secret S --refresh-token R [--burst N] [--retry-after S] [--hang-at N]
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import datetime
import json
import os
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = ["users", "matters", "contacts", "calendar_entries", "tasks", "communications"]


def instant(text):
    """An RFC 3339 timestamp as a datetime with its offset."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--refresh-token", required=True)
    p.add_argument("--burst", type=int, default=0)
    p.add_argument("--retry-after", type=int, default=2)
    p.add_argument("--hang-at", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    lock = threading.Lock()
    state = {"token": None, "answered": 0, "lists": 0}
    log = open(os.path.join(a.dir, "requests.jsonl"), "a", buffering=1)

    def firm():
        try:
            with open(os.path.join(a.dir, "firm.json")) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=()):
            # Logged before the answer goes: a client that has its answer finds the request in the log.
            with lock:
                log.write(json.dumps({"at": time.time(), "method": self.command, "path": self.path, "status": status}) + "\n")
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def limited(self):
            """The 429 to send, or None; counts the request as answered otherwise."""
            if a.burst <= 0:
                return None
            with lock:
                if state["answered"] >= a.burst:
                    state["answered"] = 0
                    return [("Retry-After", str(a.retry_after)), ("X-RateLimit-Limit", str(a.burst)),
                            ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", str(int(time.time() + a.retry_after)))]
                state["answered"] += 1
                return None

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            if self.path != "/oauth/token":
                return self.answer(404, {"error": {"message": "not found"}})
            one = lambda k: (form.get(k) or [""])[0]
            if (one("grant_type") != "refresh_token" or one("client_id") != a.client_id
                    or one("client_secret") != a.client_secret or one("refresh_token") != a.refresh_token):
                return self.answer(400, {"error": "invalid_client"})
            with lock:
                state["token"] = secrets.token_hex(16)
                token = state["token"]
            self.answer(200, {"access_token": token, "token_type": "bearer", "expires_in": 2592000})

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            parts = url.path.split("/")
            if len(parts) != 4 or parts[1:3] != ["api", "v4"] or not parts[3].endswith(".json") or parts[3][:-5] not in MODELS:
                return self.answer(404, {"error": {"message": "not found"}})
            model = parts[3][:-5]
            auth = self.headers.get("Authorization", "")
            revoke = os.path.join(a.dir, "revoke")
            with lock:
                token = state["token"]
            if os.path.exists(revoke):
                os.remove(revoke)
                with lock:
                    state["token"] = None
                return self.answer(401, {"error": {"type": "AuthenticationError", "message": "token revoked"}})
            if token is None or auth != "Bearer " + token:
                return self.answer(401, {"error": {"type": "AuthenticationError", "message": "invalid token"}})
            headers = self.limited()
            if headers is not None:
                return self.answer(429, {"error": {"type": "RateLimited", "message": "Rate limit exceeded"}}, headers)
            with lock:
                state["lists"] += 1
                hang = state["lists"] == a.hang_at
                if hang:
                    log.write(json.dumps({"at": time.time(), "method": self.command, "path": self.path, "status": 0}) + "\n")
            if hang:
                while True:
                    time.sleep(3600)
            q = urllib.parse.parse_qs(url.query)
            one = lambda k: (q.get(k) or [None])[0]
            limit = min(200, max(1, int(one("limit") or 200)))
            records = sorted(firm().get(model, []), key=lambda r: r["id"])
            since = one("updated_since")
            if since:
                records = [r for r in records if "updated_at" in r and instant(r["updated_at"]) > instant(since)]
            after = one("page_token")
            if after:
                records = [r for r in records if r["id"] > int(after)]
            page = records[:limit]
            paging = {}
            if len(records) > limit:
                query = {k: v[0] for k, v in q.items() if k != "page_token"}
                query["page_token"] = str(page[-1]["id"])
                host = self.headers.get("Host", "127.0.0.1")
                paging["next"] = "http://%s%s?%s" % (host, url.path, urllib.parse.urlencode(query))
            self.answer(200, {"data": page, "meta": {"paging": paging, "records": len(records)}})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
