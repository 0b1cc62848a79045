#!/usr/bin/env python3
"""Benchmarks `tickler sync mail --once` (release build) against a local Dovecot (scripts/testing/dovecot.sh,
over TLS on loopback) holding a mailbox of BENCH_MAIL_MESSAGES messages (default 100,000), on SQLite: a
firm of 5,000 cases, each with a client whose address writes a fifth of the mail; the rest is strangers,
auto-replies and mailing lists, as an intake mailbox's is.

Measured in the same run, median of BENCH_RUNS runs (default 3), each into a fresh copy of the firm's
store (the mailbox read from the start each time):
  - the sync: messages read and matched per second (target >= 2,000/s), and its peak RSS;
  - the baseline: Python's imaplib fetching the same header fields of the same messages in the same
    chunks over the same TLS, parsing nothing and writing nothing.
Prints one line per measure and whether the target holds; exits 0 either way (a benchmark, not a test).
"""
import imaplib
import os
import random
import shutil
import sqlite3
import ssl
import statistics
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build/release/tickler")
MESSAGES = int(os.environ.get("BENCH_MAIL_MESSAGES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CASES = 5000
TARGET = 2000
DIR = os.path.join(ROOT, ".bench", f"mail-{MESSAGES}")
FIELDS = ("FROM TO CC BCC DATE MESSAGE-ID IN-REPLY-TO REFERENCES SUBJECT AUTO-SUBMITTED PRECEDENCE CONTENT-TYPE LIST-ID "
          "X-AUTOREPLY X-AUTORESPOND RETURN-PATH")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fill(maildir, now):
    """Writes the messages into the mailbox's Maildir directly, as a delivery agent does."""
    rng = random.Random(26)
    new = os.path.join(maildir, "new")
    for d in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, d), exist_ok=True)
    for i in range(MESSAGES):
        kind = rng.random()
        extra = ""
        if kind < 0.2:
            sender = f"client{rng.randint(1, CASES)}@example.test"
        elif kind < 0.25:
            sender = f"client{rng.randint(1, CASES)}@example.test"
            extra = "Auto-Submitted: auto-replied\r\n"
        elif kind < 0.35:
            sender = "news@lists.example.test"
            extra = "List-Id: <news.lists.example.test>\r\nPrecedence: list\r\n"
        else:
            sender = f"someone{rng.randint(1, 50000)}@elsewhere.test"
        body = "Hello, this is about my case. " * rng.randint(1, 40)
        text = (f"From: Sender {i} <{sender}>\r\nTo: intake@firm.test\r\nSubject: Case question {i}\r\n"
                f"Message-ID: <bench-{i}@example.test>\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\n{extra}"
                f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")
        name = f"{now - MESSAGES + i}.M{i}P1.bench"
        with open(os.path.join(new, name), "w") as f:
            f.write(text)


def firm_store(path):
    """The firm: 5,000 open cases, each with its client's contact (the address the mail comes from)."""
    import json
    cases = [{"id": f"c{i}", "number": f"2026-{i:05d}", "title": "t", "client_name": f"Client {i}", "status": "open",
              "opened_at": "2026-09-01T16:00:00Z", "contacts": [{"id": f"k{i}", "name": f"Client {i}", "email": f"client{i}@example.test"}]}
             for i in range(1, CASES + 1)]
    firm = os.path.join(DIR, "firm.json")
    with open(firm, "w") as f:
        json.dump({"cases": cases}, f)
    subprocess.run([BIN, "import", firm, "--store", path], check=True, stdout=subprocess.DEVNULL)


def main():
    if not os.path.exists(BIN):
        sys.exit("build the release first (make release)")
    shutil.rmtree(DIR, ignore_errors=True)
    os.makedirs(DIR + "/credentials")
    port = free_port()
    dovecot = os.path.join(DIR, "dovecot")
    subprocess.run(["bash", os.path.join(ROOT, "scripts/testing/dovecot.sh"), "start", dovecot, str(port), "intake:pw-bench"], check=True)
    try:
        now = int(time.time())
        t0 = time.time()
        fill(os.path.join(dovecot, "mail/intake/Maildir"), now)
        if os.getuid() == 0:
            subprocess.run(["chown", "-R", "nobody:", os.path.join(dovecot, "mail")], check=True)
        ctx = ssl.create_default_context(cafile=os.path.join(dovecot, "cert.pem"))
        # Dovecot indexes the new mailbox on its first open: done before anything is timed.
        m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
        m.login("intake", "pw-bench")
        m.select("INBOX", readonly=True)
        m.logout()
        print(f"mailbox: {MESSAGES:,} messages written and indexed in {time.time() - t0:.1f} s")
        with open(DIR + "/credentials/intake-imap", "w") as f:
            f.write("pw-bench")
        base = os.path.join(DIR, "base.db")
        firm_store(base)
        config = os.path.join(DIR, "tickler.yaml")
        with open(config, "w") as f:
            f.write(f"""store: {{ sqlite: run.db }}
mailboxes:
  intake:
    url: "imaps://127.0.0.1:{port}"
    user: intake
    password_credential: intake-imap
    ca_file: {os.path.join(dovecot, "cert.pem")}
    look_back_days: 30
policies:
  - {{ id: unanswered-inbound, clock: {{ since: inbound }}, stages: [{{ after: 1 day, notify: [assignee] }}] }}
""")
        rates, baselines, rss = [], [], []
        for run in range(RUNS):
            shutil.copy(base, os.path.join(DIR, "run.db"))
            t = time.time()
            out = os.path.join(DIR, "sync.out")
            with open(out, "w") as f:
                p = subprocess.Popen([BIN, "sync", "mail", "--once", "--config", config, "--credentials-directory", DIR + "/credentials"],
                                     stdout=f, stderr=subprocess.STDOUT)
                # wait4: this process's own peak RSS (KiB), not the largest of every child so far.
                _, status, usage = os.wait4(p.pid, 0)
            elapsed = time.time() - t
            text = open(out).read()
            if status != 0:
                sys.exit(f"tickler sync mail failed: {text}")
            rss.append(usage.ru_maxrss)
            read = int(text.split()[1])
            rates.append(read / elapsed)
            recorded = sqlite3.connect(os.path.join(DIR, "run.db")).execute("SELECT count(*) FROM communications").fetchone()[0]
            # The baseline: the same fields of the same messages, in the same chunks, over the same TLS.
            t = time.time()
            m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
            m.login("intake", "pw-bench")
            m.select("INBOX", readonly=True)
            _, data = m.uid("SEARCH", "SINCE", time.strftime("%d-%b-%Y", time.gmtime(now - 30 * 86400)))
            uids = data[0].split()
            fetched = 0
            for i in range(0, len(uids), 500):
                chunk = uids[i:i + 500]
                _, rows = m.uid("FETCH", b"%s:%s" % (chunk[0], chunk[-1]), f"(UID INTERNALDATE BODY.PEEK[HEADER.FIELDS ({FIELDS})])")
                fetched += sum(1 for r in rows if isinstance(r, tuple))
            m.logout()
            baselines.append(fetched / (time.time() - t))
            print(f"run {run + 1}: {read:,} messages in {elapsed:.1f} s ({read / elapsed:,.0f}/s), {recorded:,} emails recorded; "
                  f"baseline {fetched:,} in {fetched / baselines[-1]:.1f} s")
        rate, baseline = statistics.median(rates), statistics.median(baselines)
        print(f"sync mail: {rate:,.0f} messages/s read and matched (target >= {TARGET:,}: {'met' if rate >= TARGET else 'NOT met'}); "
              f"baseline imaplib fetch {baseline:,.0f}/s; ratio {rate / baseline:.2f}; peak RSS {max(rss) / 1024:.0f} MiB")
    finally:
        subprocess.run(["bash", os.path.join(ROOT, "scripts/testing/dovecot.sh"), "stop", dovecot])


if __name__ == "__main__":
    main()
