#!/usr/bin/env python3
"""ticklerd benchmark, for demo firms of 10k, 100k and 1M cases (BENCH_DAEMON_SIZES), each a first start on
a fresh copy of the firm:
- start to READY=1 (target <= 5 s at any size: the catch-up runs after READY);
- the catch-up, READY to the first STATUS= that no longer says "catching up": its time, and the ledger rows
  it recorded per second end to end (ledger, delivery queue and journal; target >= 50,000);
- the time of a tick that evaluates 1,000 changed cases (read from ticklerd's own STATUS= line), and its
  ratio at the largest size to the smallest (target <= 1.5: a tick's cost follows the changes, not the size
  of the store);
- peak RSS (VmHWM) at the end of the catch-up and at the end (target <= 256 MiB).
Uses only the product's interfaces: a notify socket, the store written with sqlite3, /proc."""
import os, re, shutil, socket, sqlite3, statistics, subprocess, sys, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKLER = os.path.join(ROOT, ".build/release/tickler")
TICKLERD = os.path.join(ROOT, ".build/release/ticklerd")
BENCH = os.path.join(ROOT, ".bench")
ROUNDS = int(os.environ.get("BENCH_TICK_ROUNDS", "5"))
SIZES = [int(n) for n in os.environ.get("BENCH_DAEMON_SIZES", "10000 100000 1000000").split()]
RSS_TARGET_MIB = 256


def firm(cases):
    path = os.path.join(BENCH, f"firm-{cases}.db")
    if not os.path.exists(path):
        print(f"generating a {cases:,}-case demo firm (once)...", flush=True)
        subprocess.run([TICKLER, "demo-data", "--cases", str(cases), "--seed", "1", "--as-of", "2026-11-30",
                        "--out", path, "--force"], check=True, stdout=subprocess.DEVNULL)
    work = os.path.join(BENCH, f"daemon-{cases}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copy(path, os.path.join(work, "tickler.db"))
    shutil.copy(os.path.join(ROOT, "config/court-holidays.ics"), work)
    with open(os.path.join(ROOT, "config/tickler.yaml")) as f:
        config = f.read()
    config = re.sub(r"(?m)^store: .*$", "store: { sqlite: tickler.db }", config)
    config = re.sub(r"(?m)^poll: .*$", "poll: { interval: 2s, full_rescan: 24h }", config)
    with open(os.path.join(work, "tickler.yaml"), "w") as f:
        f.write(config)
    # The example's channels name two credentials; ticklerd refuses to start without them.
    os.makedirs(os.path.join(work, "credentials"))
    for name in ("smtp-password", "webhook-secret"):
        with open(os.path.join(work, "credentials", name), "w") as f:
            f.write("bench-" + name)
    return work


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))


def measure(cases):
    work = firm(cases)
    sock_path = f"/tmp/tickler-bench-{uuid.uuid4().hex[:8]}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(1800)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, CREDENTIALS_DIRECTORY=os.path.join(work, "credentials"))
    start = time.perf_counter()
    proc = subprocess.Popen([TICKLERD, "--config", os.path.join(work, "tickler.yaml")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def next_message():
        return sock.recv(4096).decode()

    while "READY=1" not in next_message():
        pass
    ready = time.perf_counter() - start
    while True:
        msg = next_message()
        if "STATUS=" in msg and "STATUS=catching up" not in msg:
            break
    caught_up = time.perf_counter() - start - ready
    catch_up_rss = peak_rss_kib(proc.pid)
    # The ticks are measured in the steady state: once journald has written what the catch-up sent it
    # (millions of entries at 1M), not while it competes with them for the two cores.
    subprocess.run(["journalctl", "--sync"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(work, "tickler.db"), timeout=60)
    rows = db.execute("SELECT count(*) FROM tickler_ledger").fetchone()[0]
    fired = db.execute("SELECT count(*) FROM tickler_ledger WHERE outcome = 'fired'").fetchone()[0]

    def next_tick():
        while True:
            m = re.search(r"last tick (\S+) in (\d+) ms", next_message())
            if m:
                return m.group(1), int(m.group(2))

    ticks = []
    for r in range(ROUNDS):
        # Wait for a tick boundary, then change 1,000 cases (a sync touching them) and read the next tick.
        last, _ = next_tick()
        while True:
            stamp, _ = next_tick()
            if stamp != last:
                break
        db.execute("UPDATE cases SET updated_at = ? WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 1000 OFFSET ?)",
                   (f"2026-12-01T00:00:{r:02d}Z", r * 1000))
        db.commit()
        # Ticks are 2 s apart and the change lands just after one: the next tick is the one that reads it.
        while True:
            later, ms = next_tick()
            if later != stamp:
                ticks.append(ms)
                break
    rss = peak_rss_kib(proc.pid)
    proc.terminate()
    proc.wait(timeout=60)
    sock.close()
    os.unlink(sock_path)
    db.close()
    shutil.rmtree(work, ignore_errors=True)
    return dict(ready=ready, catch_up=caught_up, rows=rows, fired=fired, catch_up_rss=catch_up_rss,
                tick=statistics.median(ticks), rss=rss)


def main():
    os.makedirs(BENCH, exist_ok=True)
    print(f"ticklerd, release build, first start; tick with 1,000 changed cases (median of {ROUNDS})", flush=True)
    results = {}
    for n in SIZES:
        r = results[n] = measure(n)
        rate = r["rows"] / max(r["catch_up"], 0.001)
        print(f"  {n:>9,} cases: READY {r['ready']:5.2f} s (<= 5: {'ok' if r['ready'] <= 5 else 'OVER TARGET'}), "
              f"catch-up {r['catch_up']:6.1f} s, {r['rows']:,} ledger rows ({r['fired']:,} fired), "
              f"{rate:,.0f} rows/s (>= 50,000: {'ok' if rate >= 50_000 else 'UNDER TARGET'}), "
              f"tick {r['tick']} ms, peak RSS {r['catch_up_rss'] / 1024:.0f} MiB in catch-up, {r['rss'] / 1024:.0f} MiB at the end "
              f"(<= {RSS_TARGET_MIB}: {'ok' if max(r['rss'], r['catch_up_rss']) / 1024 <= RSS_TARGET_MIB else 'OVER TARGET'})",
              flush=True)
    small, large = min(results), max(results)
    if small != large:
        ratio = results[large]["tick"] / max(results[small]["tick"], 1)
        print(f"  tick ratio {large:,}/{small:,}: {ratio:.2f}x (target <= 1.5: {'ok' if ratio <= 1.5 else 'OVER TARGET'})")


if __name__ == "__main__":
    sys.exit(main())
