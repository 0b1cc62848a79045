#!/usr/bin/env python3
"""ticklerd benchmark: for demo firms of 10k and 100k cases, start-to-READY time, the time of a tick
that evaluates 1,000 changed cases (read from ticklerd's own STATUS= line), their ratio (target <= 1.5:
a tick's cost follows the changes, not the size of the store), and peak RSS. Uses only the product's
interfaces: a notify socket, the store written with sqlite3, /proc."""
import os, re, shutil, socket, sqlite3, statistics, subprocess, sys, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKLER = os.path.join(ROOT, ".build/release/tickler")
TICKLERD = os.path.join(ROOT, ".build/release/ticklerd")
BENCH = os.path.join(ROOT, ".bench")
ROUNDS = int(os.environ.get("BENCH_TICK_ROUNDS", "5"))


def firm(cases):
    path = os.path.join(BENCH, f"firm-{cases}.db")
    if not os.path.exists(path):
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


def measure(cases):
    work = firm(cases)
    sock_path = f"/tmp/tickler-bench-{uuid.uuid4().hex[:8]}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(600)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, CREDENTIALS_DIRECTORY=os.path.join(work, "credentials"))
    start = time.perf_counter()
    proc = subprocess.Popen([TICKLERD, "--config", os.path.join(work, "tickler.yaml")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def next_status():
        while True:
            msg = sock.recv(4096).decode()
            if "READY=1" in msg:
                return "READY", msg
            m = re.search(r"last tick (\S+) in (\d+) ms", msg)
            if m:
                return m.group(1), int(m.group(2))

    while next_status()[0] != "READY":
        pass
    ready = time.perf_counter() - start
    db = sqlite3.connect(os.path.join(work, "tickler.db"), timeout=30)
    ticks = []
    for r in range(ROUNDS):
        # Wait for a tick boundary, then change 1,000 cases (a sync touching them) and read the next tick.
        last, _ = next_status()
        while True:
            stamp, _ = next_status()
            if stamp != last:
                break
        db.execute("UPDATE cases SET updated_at = ? WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 1000 OFFSET ?)",
                   (f"2026-12-01T00:00:{r:02d}Z", r * 1000))
        db.commit()
        # Ticks are 2 s apart and the change lands just after one: the next tick is the one that reads it.
        while True:
            later, ms = next_status()
            if later != stamp:
                ticks.append(ms)
                break
    with open(f"/proc/{proc.pid}/status") as f:
        rss = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
    proc.terminate()
    proc.wait(timeout=60)
    sock.close()
    os.unlink(sock_path)
    return ready, statistics.median(ticks), rss


def main():
    os.makedirs(BENCH, exist_ok=True)
    results = {n: measure(n) for n in (10_000, 100_000)}
    print(f"ticklerd, release build, tick with 1,000 changed cases (median of {ROUNDS})")
    for n, (ready, tick, rss) in results.items():
        print(f"  {n:>7,} cases: start to READY {ready:6.1f} s, tick {tick:5d} ms, peak RSS {rss / 1024:6.0f} MiB")
    small, large = results[10_000][1], results[100_000][1]
    ratio = large / max(small, 1)
    print(f"  tick ratio 100k/10k: {ratio:.2f}x (target <= 1.5: {'ok' if ratio <= 1.5 else 'OVER TARGET'})")


if __name__ == "__main__":
    sys.exit(main())
