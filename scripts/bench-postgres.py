#!/usr/bin/env python3
"""ticklerd on PostgreSQL: several instances draining a burst of fires. On the tests' PostgreSQL server
(scripts/testing/postgres.sh, which `make bench` starts), in a database of its own:
- a firm of BENCH_PG_CASES cases (default 1,000,000) loaded with `tickler import` (COPY), timed;
- for 1, 2 and 3 instances, each run on a fresh 100,000-case slice (BENCH_PG_BURST): the instances are
  started and caught up, then one UPDATE makes the slice due at once (a step due the instant it commits);
  the drain time is from that commit until the last of its fires is recorded and journaled, and the p99 of
  (fired - due) is read from the ledger (both by the database's clock), with how busy the machine's CPUs
  were meanwhile (the instances share them with the database). Target: 3 instances >= 2.5x one. During
  each drain every instance runs under the same CPU quota (BENCH_PG_QUOTA cores, default 0.25, a cgroup v1
  `cpu.cfs_quota_us` of its own; needs root, else the run says it had none), so that the database and
  journald keep headroom on a small machine, and the CPU-seconds the instances used per 1,000 fires are
  read from their `cpuacct` groups;
- the idle load: transactions per second per instance on the database over BENCH_PG_IDLE seconds (30)
  with three caught-up instances and nothing due.
Uses only the product's interfaces: tickler import, ticklerd, notify sockets, psql."""
import csv, os, socket, subprocess, sys, tempfile, threading, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BENCH_BUILD", "release")  # "debug" checks the script itself, quickly, on a small firm
TICKLER = os.path.join(ROOT, f".build/{BUILD}/tickler")
TICKLERD = os.path.join(ROOT, f".build/{BUILD}/ticklerd")
PG = os.path.join(ROOT, "scripts/testing/postgres.sh")
CASES = int(os.environ.get("BENCH_PG_CASES", "1000000"))
BURST = int(os.environ.get("BENCH_PG_BURST", "100000"))
IDLE = int(os.environ.get("BENCH_PG_IDLE", "30"))
COUNTS = [1, 2, 3]
QUOTA = float(os.environ.get("BENCH_PG_QUOTA", "0.25"))
CGROUP = "/sys/fs/cgroup"


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout.strip()


PG_DIR, PG_BIN, PG_URL = sh(PG, "dir"), sh(PG, "bin"), sh(PG, "url")
PASSWORD = open(os.path.join(PG_DIR, "password")).read().strip()
PORT = PG_URL.split(":")[2].split("/")[0]


def psql(sql, db):
    return sh(os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", PORT,
              "-U", "postgres", "-d", db, "-c", sql, env=dict(os.environ, PGPASSWORD=PASSWORD))


def firm_csv(work):
    """people.csv and cases.csv: CASES open cases, none due (opened now; the one step is a day after)."""
    with open(os.path.join(work, "people.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "email", "role"])
        w.writerow(["p1", "Pat Lee", "pat@firm.test", "paralegal"])
    opened = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(os.path.join(work, "cases.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "number", "title", "status", "assignee_id", "opened_at"])
        for n in range(CASES):
            w.writerow([f"c{n:07d}", f"N-{n}", "Bench v. Matter", "open", "p1", opened])


class Instance:
    """A ticklerd process and its notify socket, read all along (an unread socket would block its sd_notify)."""

    def __init__(self, work, n):
        self.sock_path = f"/tmp/tickler-pgbench-{uuid.uuid4().hex[:8]}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.state = threading.Condition()
        self.ready = self.caught = False
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path, CREDENTIALS_DIRECTORY=os.path.join(work, "credentials"))
        self.proc = subprocess.Popen([TICKLERD, "--config", os.path.join(work, "tickler.yaml")], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"ticklerd-{n}.err"), "w"))
        threading.Thread(target=self.read, daemon=True).start()
        self.groups = Quota.join(self.proc.pid, f"tickler-pgbench-{uuid.uuid4().hex[:8]}")

    def read(self):
        while True:
            try:
                msg = self.sock.recv(4096).decode()
            except OSError:
                return
            with self.state:
                self.ready = self.ready or "READY=1" in msg
                if self.ready and "STATUS=" in msg and "STATUS=catching up" not in msg and "opening" not in msg:
                    self.caught = True
                self.state.notify_all()

    def caught_up(self):
        with self.state:
            self.state.wait_for(lambda: self.caught or self.proc.poll() is not None)
        if self.proc.poll() is not None:
            sys.exit(f"ticklerd exited with {self.proc.returncode}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.sock.close()
        os.unlink(self.sock_path)
        Quota.remove(self.groups)


class Quota:
    """A cgroup v1 `cpu` group (its CFS quota) and a `cpuacct` group (its CPU time) per instance."""

    @staticmethod
    def join(pid, name):
        groups = {}
        for controller in ("cpu", "cpuacct"):
            path = os.path.join(CGROUP, controller, name)
            try:
                os.makedirs(path, exist_ok=True)
                with open(os.path.join(path, "cgroup.procs"), "w") as f:
                    f.write(str(pid))
                groups[controller] = path
            except OSError:
                pass
        return groups

    @staticmethod
    def limit(groups, cores):
        """`cores` of CPU per 100 ms period (None: no limit); False when the group cannot be limited."""
        path = groups.get("cpu")
        if not path:
            return False
        with open(os.path.join(path, "cpu.cfs_period_us"), "w") as f:
            f.write("100000")
        with open(os.path.join(path, "cpu.cfs_quota_us"), "w") as f:
            f.write("-1" if cores is None else str(int(cores * 100000)))
        return True

    @staticmethod
    def cpu_seconds(groups):
        path = groups.get("cpuacct")
        if not path:
            return 0.0
        with open(os.path.join(path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    @staticmethod
    def remove(groups):
        for path in groups.values():
            try:
                os.rmdir(path)
            except OSError:
                pass


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def drain(db, first, count):
    """Makes cases first..first+count-1 due at the commit; returns (drain seconds, seconds until the last
    was recorded, p99 of fired - due, share of the machine's CPU busy meanwhile)."""
    lo, hi = f"c{first:07d}", f"c{first + count:07d}"
    busy0, total0 = cpu_ticks()
    start = float(psql(f"UPDATE cases SET opened_at = now() - interval '1 day' WHERE id >= '{lo}' AND id < '{hi}';"
                       " SELECT extract(epoch FROM now())", db).splitlines()[-1])
    where = f"case_id >= '{lo}' AND case_id < '{hi}'"
    while int(psql(f"SELECT count(*) FROM tickler_ledger WHERE {where} AND journaled", db)) < count:
        time.sleep(0.2)
    end = float(psql("SELECT extract(epoch FROM clock_timestamp())", db))
    busy1, total1 = cpu_ticks()
    last = float(psql(f"SELECT extract(epoch FROM max(fired_at)) FROM tickler_ledger WHERE {where}", db))
    p99 = float(psql(f"SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - due_at))"
                     f" FROM tickler_ledger WHERE {where}", db))
    # Recorded by `last`; journaled (polled every 0.2 s) by `end`.
    return end - start, last - start, p99, (busy1 - busy0) / max(1, total1 - total0)


def main():
    for path in (TICKLER, TICKLERD):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run 'make release' (make bench does)")
    if CASES < BURST * len(COUNTS):
        sys.exit("BENCH_PG_CASES must hold a burst for each run")
    db = "bench_" + uuid.uuid4().hex[:12]
    psql(f"CREATE DATABASE {db}", "postgres")
    work = tempfile.mkdtemp(prefix="tickler-pgbench-")
    try:
        os.makedirs(os.path.join(work, "credentials"))
        with open(os.path.join(work, "credentials", "pg-password"), "w") as f:
            f.write(PASSWORD)
        url = f"postgres://postgres@127.0.0.1:{PORT}/{db}?sslmode=disable"
        with open(os.path.join(work, "tickler.yaml"), "w") as f:
            f.write(f"""store: {{ postgres: "{url}", password_credential: pg-password }}
poll: {{ interval: 1s, full_rescan: 24h }}
policies:
  - id: burst
    clock: {{ since: opened }}
    stages: [{{ after: 1 day, action: remind, notify: [assignee] }}]
""")
        print(f"writing a {CASES:,}-case firm as CSV...", flush=True)
        firm_csv(work)
        env = dict(os.environ, CREDENTIALS_DIRECTORY=os.path.join(work, "credentials"))
        t = time.perf_counter()
        subprocess.run([TICKLER, "import", "--config", os.path.join(work, "tickler.yaml"),
                        os.path.join(work, "people.csv"), os.path.join(work, "cases.csv")],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        load = time.perf_counter() - t
        print(f"import of {CASES:,} cases (COPY): {load:.1f} s ({CASES / load:,.0f} cases/s)", flush=True)

        instances, results = [], {}
        for k, count in enumerate(COUNTS):
            while len(instances) < count:
                instances.append(Instance(work, len(instances)))
            t = time.perf_counter()
            for i in instances:
                i.caught_up()
            print(f"{count} instance(s) caught up on {CASES:,} cases in {time.perf_counter() - t:.1f} s", flush=True)
            limited = all([Quota.limit(i.groups, QUOTA) for i in instances])
            used0 = sum(Quota.cpu_seconds(i.groups) for i in instances)
            total, recorded, p99, busy = drain(db, k * BURST, BURST)
            used = sum(Quota.cpu_seconds(i.groups) for i in instances) - used0
            for i in instances:
                Quota.limit(i.groups, None)
            results[count] = total
            quota = f"each instance limited to {QUOTA:g} core" if limited else "no CPU quota (cgroup v1 cpu not writable)"
            print(f"{count} instance(s), {quota}: {BURST:,} fires recorded in {recorded:.1f} s, recorded and journaled in "
                  f"{total:.1f} s ({BURST / total:,.0f} fires/s); p99 of fired - due {p99:.1f} s; "
                  f"CPU busy {busy:.0%} of {os.cpu_count()} cores (instances, database, journald); "
                  f"instances used {used:.1f} CPU-s, {used / BURST * 1000:.2f} CPU-s per 1,000 fires", flush=True)
        before = [int(x) for x in psql(f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'",
                                       db).split()]
        time.sleep(IDLE)
        after = [int(x) for x in psql(f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'",
                                      db).split()]
        idle = (after[0] - before[0]) / IDLE / len(instances)
        print(f"idle: {idle:.1f} transactions/s per instance ({len(instances)} instances, {CASES:,} cases, nothing due)")
        ratio = results[1] / results[3]
        verdict = "meets" if ratio >= 2.5 else "misses"
        print(f"speed-up of 3 instances over 1: {ratio:.2f}x ({verdict} the 2.5x target)")
        for i in instances:
            i.stop()
    finally:
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", "postgres")
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
