#!/usr/bin/env python3
"""An SMS gateway on loopback for Tickler's client-message tests, speaking the Twilio-compatible Messages
API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From or MessagingServiceSid,
Body and StatusCallback, with HTTP Basic auth (account SID, auth token). Each request is kept as DIR/N.json
(the form, the Idempotency-Key header, whether the credentials held, the segments the body takes) and
answered as the real API answers: 201 with the message resource, 401 with error 20003 for bad
credentials, 400 with error 21211 for a To that is not E.164.

The file DIR/mode, re-read for every request, sets the answer: "201" (default) or a status such as 500,
429 or 400 to answer instead.

  sms_gateway.py --dir DIR --sid SID --token-file F [--port N]
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import base64
import hmac
import itertools
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

counter = itertools.count(1)
lock = threading.Lock()
GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("^{}\\[~]|€\f")


def segments(body):
    """Segments as a carrier counts them (GSM-7 160/153, else UCS-2 70/67 in UTF-16 units)."""
    if all(c in GSM or c in GSM_EXT for c in body):
        units, single, multi = sum(2 if c in GSM_EXT else 1 for c in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // multi)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--sid", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(a.token_file) as f:
        token = f.read().rstrip("\r\n")
    expected_auth = "Basic " + base64.b64encode(("%s:%s" % (a.sid, token)).encode()).decode()
    path_re = re.compile(r"^/2010-04-01/Accounts/([A-Za-z0-9]+)/Messages\.json$")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, obj):
            reply = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            m = path_re.match(self.path)
            form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
            auth_ok = bool(m) and m.group(1) == a.sid and hmac.compare_digest(self.headers.get("Authorization", ""), expected_auth)
            try:
                with open(os.path.join(a.dir, "mode")) as f:
                    mode = f.read().strip() or "201"
            except FileNotFoundError:
                mode = "201"
            body = form.get("Body", "")
            record = {
                "path": self.path, "form": form, "idempotency_key": self.headers.get("Idempotency-Key"),
                "content_type": self.headers.get("Content-Type"), "auth_ok": auth_ok, "segments": segments(body),
                "answered": mode, "received_at": time.time(),
            }
            with lock:
                n = next(counter)
            base = os.path.join(a.dir, "%d-%06d" % (os.getpid(), n))
            with open(base + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(base + ".tmp", base + ".json")
            if not m:
                return self.answer(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
            if not auth_ok:
                return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if not re.match(r"^\+[1-9][0-9]{7,14}$", form.get("To", "")):
                return self.answer(400, {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400})
            if not form.get("From") and not form.get("MessagingServiceSid"):
                return self.answer(400, {"code": 21603, "message": "A 'From' or 'MessagingServiceSid' parameter is required",
                                         "status": 400})
            if mode != "201":
                return self.answer(int(mode), {"code": 20500, "message": "answered %s by request" % mode, "status": int(mode)})
            self.answer(201, {
                "sid": "SM%032x" % n, "account_sid": a.sid, "to": form["To"], "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"), "body": body, "status": "queued",
                "num_segments": str(segments(body)), "direction": "outbound-api", "api_version": "2010-04-01",
            })

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
