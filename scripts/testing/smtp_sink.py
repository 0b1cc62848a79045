#!/usr/bin/env python3
"""An SMTP server on loopback that keeps every message it accepts, for Tickler's delivery tests.

Each accepted message is written to DIR as N.eml (as received) and N.json (envelope, TLS, login, peer
port, and the message parsed by Python's email package: decoded headers and MIME parts). The file
DIR/mode, re-read for every message, makes the server misbehave on purpose:
  ok (default) | tempfail (451 after DATA) | reject (554 after DATA)
Recipients whose address starts with "reject" are refused with 550 at RCPT.
With --tally, nothing is stored but one line per message appended to DIR/tally: its Message-ID and its
recipients, for tests that count tens of thousands of messages.

  smtp_sink.py --dir DIR [--port N] [--starttls CERT KEY] [--implicit-tls CERT KEY]
               [--auth USER:PASSWORD] [--tally]
Prints "PORT <n>" on its first line once it listens.
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

counter = itertools.count(1)
lock = threading.Lock()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_mode(directory):
    try:
        with open(os.path.join(directory, "mode")) as f:
            return f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok"


class Handler:
    def __init__(self, directory, tally):
        self.directory = directory
        self.tally = open(os.path.join(directory, "tally"), "a", buffering=1) if tally else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = read_mode(self.directory)
        if mode == "tempfail":
            return "451 4.3.0 try again later"
        if mode == "reject":
            return "554 5.6.0 message refused"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        if self.tally:
            headers = email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0], policy=email.policy.compat32)
            with lock:
                self.tally.write("%s %s\n" % (headers["message-id"], ",".join(envelope.rcpt_tos)))
            return "250 OK counted"
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "text": part.get_content(),
            })
        login = session.auth_data
        if isinstance(login, LoginPassword):
            login = login.login.decode()
        elif isinstance(login, bytes):
            login = login.decode()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer_port": session.peer[1] if session.peer else None,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "login": login,
            "headers": {k: str(v) for k, v in message.items()},
            "raw_header_lines": raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").split("\r\n"),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "parts": parts,
        }
        with lock:
            n = next(counter)
            base = os.path.join(self.directory, "%d-%06d" % (os.getpid(), n))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        with open(base + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(base + ".tmp", base + ".json")
        return "250 OK stored"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--tally", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    port = a.port or free_port()

    kwargs = {}
    server_kwargs = {}
    if a.starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*a.starttls)
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
    if a.implicit_tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*a.implicit_tls)
        kwargs["ssl_context"] = context
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, auth_data=auth_data)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = bool(a.starttls or a.implicit_tls)

    controller = Controller(Handler(a.dir, a.tally), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("PORT %d" % port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
