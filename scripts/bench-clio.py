#!/usr/bin/env python3
"""Benchmarks `tickler sync clio --once` (release build) against the fake Clio answering at once, on SQLite:
a firm of BENCH_CLIO_MATTERS matters (default 20,000) with their clients, a calendar entry for every other
matter, a task each and one or two logged calls or emails each (generated once into .bench/).

Measured in the same run, median of BENCH_RUNS runs (default 3), each into a fresh store:
  - the sync: records mapped and written per second (target >= 20,000 records/s), its requests;
  - baseline 1, the fake alone: every page fetched and decoded by a client that maps and writes nothing;
  - baseline 2, `tickler import` of the same firm in Tickler's own interchange format (the same rows).
Then the wall time a 100,000-matter firm's first sync needs under Clio's documented rate limit (50
requests a minute per token), computed from the requests this run made, scaled to 100,000 matters; and,
through the release `tickler-inbound`, how long a signed webhook delivery (a matter's stage changed) takes
from its request to its answer, which comes after the write committed (target: within 1 s), over
BENCH_CLIO_DELIVERIES deliveries (default 200) into the synced store.

Prints one line per measure and whether the target holds; exits 0 either way (a benchmark, not a test).
"""
import hashlib
import hmac
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build/release/tickler")
MATTERS = int(os.environ.get("BENCH_CLIO_MATTERS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET = 20_000
RATE = 50
DIR = os.path.join(ROOT, ".bench", f"clio-{MATTERS}")


def firm():
    """The firm as Clio serves it, and as `tickler import` reads it (the mapping of docs/integrating.md)."""
    rng = random.Random(25)
    users = [{"id": u, "name": f"User {u}", "email": f"user{u}@firm.test", "enabled": True,
              "subscription_type": "Attorney" if u <= 5 else "NonAttorney", "updated_at": "2026-11-30T15:00:00Z"} for u in range(1, 21)]
    people = [{"id": f"clio:user:{u}", "name": f"User {u}", "email": f"user{u}@firm.test", "role": "attorney" if u <= 5 else "staff"}
              for u in range(1, 21)]
    matters, entries, tasks, comms, cases = [], [], [], [], []
    for i in range(1, MATTERS + 1):
        mid, cid = 100_000 + i, 500_000 + i
        opened = f"2026-{rng.randint(6, 11):02d}-{rng.randint(1, 28):02d}"
        attorney, staff = rng.randint(1, 5), rng.randint(6, 20)
        matters.append({"id": mid, "display_number": f"M-{i}", "description": f"Matter {i}", "status": "Open", "open_date": opened,
                        "client": {"id": cid, "name": f"Client {i}", "primary_email_address": f"client{i}@example.test"},
                        "practice_area": {"id": 1, "name": "Family"}, "responsible_attorney": {"id": attorney},
                        "responsible_staff": {"id": staff}, "matter_stage": {"id": 1, "name": "Discovery"},
                        "updated_at": "2026-11-30T15:00:00Z"})
        case = {"id": f"clio:matter:{mid}", "number": f"M-{i}", "title": f"Matter {i}", "client_name": f"Client {i}", "status": "open",
                "practice_area": "Family", "assignee_id": f"clio:user:{staff}", "attorney_id": f"clio:user:{attorney}",
                "opened_at": opened + "T05:00:00Z", "updated_at": "2026-11-30T15:00:00Z", "stage": "discovery",
                "contacts": [{"id": f"clio:contact:{cid}:matter:{mid}", "name": f"Client {i}", "email": f"client{i}@example.test",
                              "time_zone": "America/New_York"}], "deadlines": [], "appointments": [], "communications": []}
        if i % 2 == 0:
            start = f"2026-12-{rng.randint(1, 28):02d}T15:00:00Z"
            entries.append({"id": 700_000 + i, "summary": "Meeting", "start_at": start, "all_day": False, "location": "Office",
                            "matter": {"id": mid}, "attendees": [{"id": cid, "type": "Contact"}], "updated_at": "2026-11-30T15:00:00Z"})
            case["appointments"].append({"id": f"clio:calendar_entry:{700_000 + i}", "title": "Meeting", "starts_at": start,
                                         "with_client": True, "location": "Office"})
        due = f"2026-12-{rng.randint(1, 28):02d}"
        tasks.append({"id": 800_000 + i, "name": f"Task {i}", "due_at": due, "statute_of_limitations": False, "matter": {"id": mid},
                      "status": "pending", "updated_at": "2026-11-30T15:00:00Z"})
        case["deadlines"].append({"id": f"clio:task:{800_000 + i}", "title": f"Task {i}", "kind": "internal", "due_at": due + "T04:59:00Z"})
        for k in range(rng.randint(1, 2)):
            at = f"2026-11-{rng.randint(1, 28):02d}T16:00:00Z"
            inbound = rng.random() < 0.5
            comms.append({"id": 900_000 + 2 * i + k, "type": "PhoneCommunication", "received_at": at, "matter": {"id": mid},
                          "senders": [{"id": cid if inbound else staff, "type": "Contact" if inbound else "User"}],
                          "updated_at": "2026-11-30T15:00:00Z"})
            case["communications"].append({"id": f"clio:communication:{900_000 + 2 * i + k}", "direction": "inbound" if inbound else "outbound",
                                           "channel": "call", "kind": "other", "occurred_at": at})
        cases.append(case)
    clio = {"users": users, "matters": matters, "calendar_entries": entries, "tasks": tasks, "communications": comms}
    return clio, {"people": people, "cases": cases}


def main():
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: make release")
    os.makedirs(os.path.join(DIR, "fake"), exist_ok=True)
    os.makedirs(os.path.join(DIR, "credentials"), exist_ok=True)
    fake_firm = os.path.join(DIR, "fake", "firm.json")
    if not os.path.exists(fake_firm):
        print(f"generating a {MATTERS}-matter Clio firm (once)...", flush=True)
        clio, tickler = firm()
        json.dump(clio, open(fake_firm, "w"))
        json.dump(tickler, open(os.path.join(DIR, "firm.json"), "w"))
    clio = json.load(open(fake_firm))
    records = sum(len(v) for v in clio.values())
    for name, value in [("clio-client-secret", "s"), ("clio-refresh-token", "r")]:
        open(os.path.join(DIR, "credentials", name), "w").write(value)
    fake = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/testing/clio_fake.py"), "--dir", os.path.join(DIR, "fake"),
                             "--client-id", "app", "--client-secret", "s", "--refresh-token", "r"], stdout=subprocess.PIPE, text=True)
    port = int(fake.stdout.readline().split()[1])
    base = f"http://127.0.0.1:{port}"
    config = os.path.join(DIR, "tickler.yaml")
    open(config, "w").write(f"""calendars:
  firm: {{ timezone: America/New_York }}
store: {{ sqlite: tickler.db }}
sync:
  clio:
    region: us
    client_id: app
    client_secret_credential: clio-client-secret
    refresh_token_credential: clio-refresh-token
    webhook_url: "https://tickler.firm.test/clio/webhook"
    requests_per_minute: 10000
    api_url: "{base}/api/v4"
    token_url: "{base}/oauth/token"
policies:
  - {{ id: p, clock: {{ since: opened }}, stages: [{{ after: 1 day, notify: [assignee] }}] }}
""")
    env = dict(os.environ, CREDENTIALS_DIRECTORY=os.path.join(DIR, "credentials"))
    try:
        fields = {"users": "id,name,email,enabled,subscription_type,updated_at", "matters": "id", "calendar_entries": "id",
                  "tasks": "id", "communications": "id"}
        def fetch_all():
            # A token of its own each time (the fake honours only the last one it issued, and the sync takes one).
            token = json.load(urllib.request.urlopen(urllib.request.Request(
                base + "/oauth/token", data=b"grant_type=refresh_token&refresh_token=r&client_id=app&client_secret=s")))["access_token"]
            n = 0
            for model in fields:
                url = f"{base}/api/v4/{model}.json?limit=200&order=id(asc)"
                while url:
                    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token})))
                    n += len(page["data"])
                    url = page["meta"]["paging"].get("next")
            return n

        def timed(body):
            start = time.perf_counter()
            out = body()
            return time.perf_counter() - start, out

        fetch, syncs, imports, requests = [], [], [], 0
        for _ in range(RUNS):
            fetch.append(timed(fetch_all)[0])
            store = os.path.join(DIR, "synced.db")
            for suffix in ["", "-wal", "-shm"]:
                if os.path.exists(store + suffix):
                    os.remove(store + suffix)
            t, r = timed(lambda: subprocess.run([BIN, "sync", "clio", "--once", "--config", config, "--store", store], env=env,
                                                capture_output=True, text=True))
            if r.returncode != 0:
                sys.exit("sync failed: " + r.stderr)
            syncs.append(t)
            requests = int(r.stdout.split(" in ")[1].split()[0])
            last_store = store
            imported = os.path.join(DIR, "imported.db")
            for suffix in ["", "-wal", "-shm"]:
                if os.path.exists(imported + suffix):
                    os.remove(imported + suffix)
            t, r = timed(lambda: subprocess.run([BIN, "import", "--config", config, "--store", imported, os.path.join(DIR, "firm.json")],
                                                capture_output=True, text=True))
            if r.returncode != 0:
                sys.exit("import failed: " + r.stderr)
            imports.append(t)
        f, s, i = statistics.median(fetch), statistics.median(syncs), statistics.median(imports)
        rate = records / s
        print(f"Clio sync: {MATTERS} matters, {records} records, {requests} requests, median of {RUNS} runs (release build)")
        print(f"  {'the fake alone: every page fetched':44} {f * 1000:8.0f} ms  {records / f:9.0f} records/s")
        print(f"  {'tickler import of the same firm (JSON)':44} {i * 1000:8.0f} ms  {records / i:9.0f} records/s")
        print(f"  {'tickler sync clio --once':44} {s * 1000:8.0f} ms  {rate:9.0f} records/s "
              f"(>= {TARGET}: {'ok' if rate >= TARGET else 'UNDER TARGET'})  {s / f:.2f}x the fetch, {s / i:.2f}x the import")
        scale = 100_000 / MATTERS
        big = math.ceil((requests - 1) * scale) + 1
        print(f"  a 100,000-matter first sync: about {big} requests; at Clio's {RATE} a minute, {big / RATE:.0f} minutes "
              f"({big / RATE / 60:.1f} h) of wall time, whatever the machine")
        deliveries(config, last_store, clio["matters"], env)
    finally:
        fake.terminate()
        fake.wait()


def deliveries(config, store, matters, env):
    """Signed deliveries through the release tickler-inbound into `store`: request-to-answer times."""
    inbound_bin = os.path.join(ROOT, ".build/release/tickler-inbound")
    if not os.path.exists(inbound_bin):
        print("  (no release tickler-inbound: webhook latency not measured)")
        return
    n = int(os.environ.get("BENCH_CLIO_DELIVERIES", "200"))
    # A matter webhook as the sync records one.
    db = sqlite3.connect(store)
    db.execute("INSERT OR REPLACE INTO tickler_sync_webhooks (source, model, webhook_id, secret, status, expires_at) "
               "VALUES ('clio', 'matter', '1', 'bench-secret', 'enabled', '2099-01-01T00:00:00Z')")
    db.commit()
    db.close()
    cfg = config + ".inbound.yaml"
    open(cfg, "w").write(open(config).read().replace("store: { sqlite: tickler.db }", "store: { sqlite: %s }" % store))
    inbound = subprocess.Popen([inbound_bin, "--config", cfg, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        port = int(inbound.stdout.readline().split()[1])
        times = []
        for k in range(n):
            m = dict(matters[k % len(matters)])
            m["matter_stage"] = {"id": 2, "name": "Stage %d" % k}
            m["updated_at"] = "2026-12-%02dT%02d:%02d:00Z" % (1 + k // 1440, (k // 60) % 24, k % 60)
            body = json.dumps({"data": m, "meta": {"event": "updated", "webhook_id": 1}}).encode()
            sig = hmac.new(b"bench-secret", body, hashlib.sha256).hexdigest()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/clio/webhook", data=body, method="POST",
                                         headers={"X-Hook-Signature": sig, "Content-Type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as r:
                if r.status != 200:
                    sys.exit(f"delivery answered {r.status}")
            times.append(time.perf_counter() - start)
        times.sort()
        p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"  {'a webhook delivery, request to committed answer':44} p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
              f"max {times[-1] * 1000:.1f} ms over {n} (<= 1 s: {'ok' if times[-1] <= 1 else 'OVER TARGET'})")
    finally:
        inbound.terminate()
        inbound.wait()



if __name__ == "__main__":
    main()
