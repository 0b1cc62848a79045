#!/usr/bin/env python3
"""A stand-in for Clio Manage's API v4 on loopback, for Tickler's sync tests, written from Clio's public
documentation (docs/clio.md says what was checked). It is a test double of an outside service that cannot
run here, not Clio.

- POST /oauth/token (form: grant_type=refresh_token, refresh_token, client_id, client_secret): a new
  bearer access token; a wrong client or refresh token answers 400 {"error": "invalid_client"}.
- GET /api/v4/<model>.json (users, matters, relationships, contacts, calendar_entries, tasks,
  communications), with `Authorization: Bearer <token>`: the records of DIR/firm.json's list <model> in id
  order, `limit` at most 200 (default 200), `updated_since` (records updated strictly after it), cursor
  paging by `page_token`;
  each page is {"data": [...], "meta": {"paging": {"next": URL}, "records": N}}, no `next` on the last.
  A token other than the latest issued answers 401.
- Rate limit: with --burst N, every list request after N answered since the last 429 is answered 429 with
  `Retry-After: --retry-after` seconds (and the X-RateLimit-* headers). Counted, not timed, so that a test
  sees the same 429s however fast the machine is.

- Webhooks (`Authorization` as above): POST /api/v4/webhooks.json {"data": {url, model, fields, events,
  expires_at}} creates one (status `pending`, a fresh `shared_secret`) and answers 201 with it; then, from
  another thread, posts the handshake to its url (`X-Hook-Secret`, body {"data": {"id": ID}}): an answer 200
  echoing the secret enables it. PUT /api/v4/webhooks/ID/activate with the secret in `X-Hook-Secret`
  enables it (403 with another secret); PATCH /api/v4/webhooks/ID.json {"data": {"expires_at"}} moves its
  expiry; DELETE removes it; an unknown id answers 404. DELETE /fake/webhooks/ID (no token: the tests'
  control) makes the fake forget one, as Clio does a webhook deleted or expired. POST /fake/deliver
  {"webhook_id", "event", "data", "forge"} (the tests' control) posts a delivery as Clio does: {data, meta:
  {event, webhook_id}}, `X-Hook-Signature` the hex HMAC-SHA256 of the body with the webhook's secret (with
  another when forged), and answers {"status": what the receiver answered}; a test repeats one, or sends an
  older version after a newer, by asking again. Clio accepts only https URLs; this double also
  takes http to 127.0.0.1, where the tests' receiver listens. The webhooks are written to DIR/webhooks.json
  after each change.
- Tasks: POST /api/v4/tasks.json {"data": {name, description, due_at, matter, assignee {id, type}}} creates one
  (422 without name, description or assignee), kept in memory and in DIR/created_tasks.json, and listed by
  GET /api/v4/tasks.json with the firm's, which filters by `matter_id` and `query` (in name or description).
  With --fail-tasks N the first N such requests answer 503; with --hang-task N the Nth task is created and
  its answer never sent (a test kills its client there).
- With --hang-at N, the Nth list request is logged with status 0 and never answered: a test kills its client
  there, mid-pass (the fake answers every other request as usual).

Every request is appended to DIR/requests.jsonl: {"at": unix seconds (float), "method", "path", "status"}.
The file DIR/down, while present, makes every request (the token's too) answer 503: Clio is down.
The file DIR/revoke, when present, makes the current access token answer 401 once (then it is removed).

  clio_fake.py --dir DIR --client-id ID --client-secret S --refresh-token R [--burst N] [--retry-after S] [--hang-at N]
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import bisect
import hashlib
import hmac
import datetime
import json
import os
import secrets
import urllib.error
import urllib.request
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS = ["users", "matters", "relationships", "contacts", "calendar_entries", "tasks", "communications"]


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
    p.add_argument("--hang-task", type=int, default=0)
    p.add_argument("--fail-tasks", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    lock = threading.Lock()
    state = {"token": None, "answered": 0, "lists": 0}
    log = open(os.path.join(a.dir, "requests.jsonl"), "a", buffering=1)
    hooks = {}
    created = []

    def save_hooks():
        with open(os.path.join(a.dir, "webhooks.json.tmp"), "w") as f:
            json.dump(sorted(hooks.values(), key=lambda h: h["id"]), f)
        os.replace(os.path.join(a.dir, "webhooks.json.tmp"), os.path.join(a.dir, "webhooks.json"))

    def handshake(hook):
        """Clio's identity confirmation: the secret posted to the url; echoed back, the webhook is enabled."""
        req = urllib.request.Request(hook["url"], data=json.dumps({"data": {"id": hook["id"]}}).encode(), method="POST",
                                     headers={"X-Hook-Secret": hook["shared_secret"], "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                ok = r.status == 200 and r.headers.get("X-Hook-Secret") == hook["shared_secret"]
        except Exception:
            ok = False
        if ok:
            with lock:
                hook["status"] = "enabled"
                save_hooks()

    cache = {"key": None, "firm": {}}

    def firm():
        """DIR/firm.json, read again only when it changed (a test rewrites it; a benchmark's is large)."""
        path = os.path.join(a.dir, "firm.json")
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return {}
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        with lock:
            if cache["key"] == key:
                return cache["firm"]
        with open(path) as f:
            loaded = json.load(f)
        for records in loaded.values():
            if isinstance(records, list):
                records.sort(key=lambda r: r.get("id", 0))
        with lock:
            cache["key"], cache["firm"] = key, loaded
        return loaded

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go in two writes: without this, Nagle's algorithm holds the body until the client's
        # delayed ACK of the headers (40 ms a request on a kept-alive connection).
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=()):
            # Logged before the answer goes: a client that has its answer finds the request in the log.
            with lock:
                log.write(json.dumps({"at": time.time(), "method": self.command, "path": self.path, "status": status}) + "\n")
            data = b"" if status == 204 else json.dumps(body).encode()
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

        def down(self):
            if os.path.exists(os.path.join(a.dir, "down")):
                self.body()
                self.answer(503, {"error": {"type": "ServiceUnavailable", "message": "down"}})
                return True
            return False

        def body(self):
            length = int(self.headers.get("Content-Length", "0"))
            return self.rfile.read(length) if length else b""

        def authorized(self):
            with lock:
                token = state["token"]
            return token is not None and self.headers.get("Authorization", "") == "Bearer " + token

        def webhook_path(self):
            """(id or None, suffix) for /api/v4/webhooks[/ID][.json|/activate], else None."""
            path = urllib.parse.urlsplit(self.path).path
            if path == "/api/v4/webhooks.json":
                return (None, "")
            parts = path.split("/")
            if len(parts) == 5 and parts[1:4] == ["api", "v4", "webhooks"] and parts[4].endswith(".json") and parts[4][:-5].isdigit():
                return (int(parts[4][:-5]), "")
            if len(parts) == 6 and parts[1:4] == ["api", "v4", "webhooks"] and parts[4].isdigit() and parts[5] == "activate":
                return (int(parts[4]), "activate")
            return None

        def webhooks(self, method):
            where = self.webhook_path()
            if where is None:
                return self.answer(404, {"error": {"message": "not found"}})
            if not self.authorized():
                return self.answer(401, {"error": {"type": "AuthenticationError", "message": "invalid token"}})
            hook_id, suffix = where
            raw = self.body()
            if method == "GET" and hook_id is None:
                with lock:
                    listed = [dict(h) for h in sorted(hooks.values(), key=lambda h: h["id"])]
                return self.answer(200, {"data": listed})
            if method == "POST" and hook_id is None:
                d = (json.loads(raw or b"{}").get("data") or {})
                url = d.get("url", "")
                if not (url.startswith("https://") or url.startswith("http://127.0.0.1:")) or not d.get("model") or not d.get("fields"):
                    return self.answer(422, {"error": {"type": "UnprocessableEntity", "message": "url (https), model and fields are required"}})
                with lock:
                    state["hook_id"] = state.get("hook_id", 0) + 1
                    hook = {"id": state["hook_id"], "url": url, "model": d["model"], "fields": d["fields"], "events": d.get("events", []),
                            "expires_at": d.get("expires_at") or (datetime.datetime.now(datetime.timezone.utc)
                                                                   + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "shared_secret": secrets.token_hex(16), "status": "pending"}
                    hooks[hook["id"]] = hook
                    save_hooks()
                    shown = dict(hook)
                threading.Thread(target=handshake, args=(hook,), daemon=True).start()
                return self.answer(201, {"data": shown})
            with lock:
                hook = hooks.get(hook_id)
            if hook is None:
                return self.answer(404, {"error": {"type": "NotFound", "message": "no such webhook"}})
            if method == "PUT" and suffix == "activate":
                if self.headers.get("X-Hook-Secret") != hook["shared_secret"]:
                    return self.answer(403, {"error": {"type": "Forbidden", "message": "the secret does not match"}})
                with lock:
                    hook["status"] = "enabled"
                    save_hooks()
                return self.answer(200, {"data": {"id": hook_id, "status": "enabled"}})
            if method == "PATCH" and suffix == "":
                d = (json.loads(raw or b"{}").get("data") or {})
                with lock:
                    if d.get("expires_at"):
                        hook["expires_at"] = d["expires_at"]
                    save_hooks()
                    shown = dict(hook)
                return self.answer(200, {"data": shown})
            if method == "DELETE" and suffix == "":
                with lock:
                    del hooks[hook_id]
                    save_hooks()
                return self.answer(204, {})
            return self.answer(404, {"error": {"message": "not found"}})

        def do_PUT(self):
            if not self.down():
                self.webhooks("PUT")

        def do_PATCH(self):
            if not self.down():
                self.webhooks("PATCH")

        def do_DELETE(self):
            # The tests' control: Clio forgets a webhook (it was deleted in Clio, or expired), no token needed.
            if self.path.startswith("/fake/webhooks/"):
                with lock:
                    gone = hooks.pop(int(self.path.rsplit("/", 1)[1]), None)
                    save_hooks()
                return self.answer(204 if gone else 404, {})
            if not self.down():
                self.webhooks("DELETE")

        def failing_task(self):
            """Whether this task request is one of the first --fail-tasks, answered 503."""
            with lock:
                state["task_requests"] = state.get("task_requests", 0) + 1
                return state["task_requests"] <= a.fail_tasks

        def create_task(self):
            raw = self.body()
            if not self.authorized():
                return self.answer(401, {"error": {"type": "AuthenticationError", "message": "invalid token"}})
            if self.failing_task():
                return self.answer(503, {"error": {"type": "ServiceUnavailable", "message": "try again"}})
            d = (json.loads(raw or b"{}").get("data") or {})
            assignee = d.get("assignee") or {}
            if not d.get("name") or "description" not in d or not assignee.get("id") or assignee.get("type") not in ("User", "Contact"):
                return self.answer(422, {"error": {"type": "UnprocessableEntity", "message": "name, description and assignee are required"}})
            with lock:
                task = {"id": 900000 + len(created) + 1, "name": d["name"], "description": d["description"], "due_at": d.get("due_at"),
                        "matter": d.get("matter"), "assignee": assignee, "status": "pending",
                        "updated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
                created.append(task)
                with open(os.path.join(a.dir, "created_tasks.json.tmp"), "w") as f:
                    json.dump(created, f)
                os.replace(os.path.join(a.dir, "created_tasks.json.tmp"), os.path.join(a.dir, "created_tasks.json"))
                hang = len(created) == a.hang_task
                if hang:
                    log.write(json.dumps({"at": time.time(), "method": self.command, "path": self.path, "status": 0}) + "\n")
            if hang:
                while True:
                    time.sleep(3600)
            return self.answer(201, {"data": {"id": task["id"]}})

        def deliver(self):
            """The tests' control: a delivery of webhook W as Clio sends one, signed with W's secret (or, with
            "forge": true, with another), posted to W's url; answers {"status": the receiver's status}."""
            d = json.loads(self.body() or b"{}")
            with lock:
                hook = hooks.get(int(d.get("webhook_id", 0)))
            if hook is None:
                return self.answer(404, {"error": {"message": "no such webhook"}})
            payload = json.dumps({"data": d["data"], "meta": {"event": d.get("event", "updated"), "webhook_id": hook["id"]}}).encode()
            secret = ("forged-" + hook["shared_secret"]) if d.get("forge") else hook["shared_secret"]
            signature = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
            req = urllib.request.Request(hook["url"], data=payload, method="POST",
                                         headers={"X-Hook-Signature": signature, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except Exception:
                status = 0
            return self.answer(200, {"status": status})

        def do_POST(self):
            if self.path == "/fake/deliver":
                return self.deliver()
            if self.down():
                return
            if urllib.parse.urlsplit(self.path).path == "/api/v4/tasks.json":
                return self.create_task()
            if self.path != "/oauth/token":
                return self.webhooks("POST")
            form = urllib.parse.parse_qs(self.body().decode())
            one = lambda k: (form.get(k) or [""])[0]
            if (one("grant_type") != "refresh_token" or one("client_id") != a.client_id
                    or one("client_secret") != a.client_secret or one("refresh_token") != a.refresh_token):
                return self.answer(400, {"error": "invalid_client"})
            with lock:
                state["token"] = secrets.token_hex(16)
                token = state["token"]
            self.answer(200, {"access_token": token, "token_type": "bearer", "expires_in": 2592000})

        def do_GET(self):
            if self.down():
                return
            if self.webhook_path() is not None:
                return self.webhooks("GET")
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
            if model == "tasks" and (one("matter_id") or one("query")) and self.failing_task():
                return self.answer(503, {"error": {"type": "ServiceUnavailable", "message": "try again"}})
            with lock:
                made = [dict(t) for t in created]
            records = firm().get(model, [])
            if model == "tasks" and made:
                records = sorted(records + made, key=lambda r: r["id"])
            if one("matter_id"):
                records = [r for r in records if (r.get("matter") or {}).get("id") == int(one("matter_id"))]
            if one("query"):
                records = [r for r in records if one("query") in (r.get("name") or "") + (r.get("description") or "")]
            since = one("updated_since")
            if since:
                records = [r for r in records if "updated_at" in r and instant(r["updated_at"]) > instant(since)]
            after = one("page_token")
            if after:
                # Records are in id order: the page starts after the token's id.
                records = records[bisect.bisect_right(records, int(after), key=lambda r: r["id"]):]
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
