#!/usr/bin/env bash
# Benchmarks `tickler simulate` (30 days) and a full `tickler plan` over a demo firm of N cases,
# against the time sqlite3 takes to read the same rows once. Prints each median and its ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${BENCH_CASES:-100000}
RUNS=${BENCH_RUNS:-5}
TARGET=3
BIN=.build/release/tickler
DB=.bench/firm-${CASES}.db
AS_OF=2026-11-30
mkdir -p .bench

if [[ ! -f $DB ]]; then
  echo "generating a ${CASES}-case demo firm (once)..."
  $BIN demo-data --cases "$CASES" --seed 1 --as-of "$AS_OF" --out "$DB" --force
fi

# Median wall time in milliseconds of RUNS runs of a shell command (output discarded).
median_ms() {
  python3 - "$RUNS" "$1" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"{times[len(times)//2]:.0f}")
PY
}

READ="sqlite3 $DB 'SELECT * FROM people; SELECT * FROM cases; SELECT * FROM communications; SELECT * FROM deadlines; SELECT * FROM document_requests; SELECT * FROM appointments;'"
SIMULATE="$BIN simulate --config config/tickler.yaml --store $DB --from ${AS_OF}T08:00:00Z --to 2026-12-30T08:00:00Z"
PLAN="$BIN plan --config config/tickler.yaml --store $DB --at ${AS_OF}T18:00:00Z --format json"

rows=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM people)+(SELECT count(*) FROM cases)+(SELECT count(*) FROM communications)+(SELECT count(*) FROM deadlines)+(SELECT count(*) FROM document_requests)+(SELECT count(*) FROM appointments)")
fires=$(eval "$SIMULATE" | wc -l)
read_ms=$(median_ms "$READ")
sim_ms=$(median_ms "$SIMULATE")
plan_ms=$(median_ms "$PLAN")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
verdict() { python3 -c "print('ok' if $1/$2 <= $TARGET else 'OVER TARGET')"; }
printf '%s cases, %s rows, median of %s runs (release build)\n' "$CASES" "$rows" "$RUNS"
printf '%-34s %8s ms\n' "sqlite3 reads every row once" "$read_ms"
printf '%-34s %8s ms  %5sx  (target <= %sx: %s)  %s fires\n' "tickler simulate, 30 days" "$sim_ms" "$(ratio "$sim_ms" "$read_ms")" "$TARGET" "$(verdict "$sim_ms" "$read_ms")" "$fires"
printf '%-34s %8s ms  %5sx  (target <= %sx: %s)\n' "tickler plan, every case" "$plan_ms" "$(ratio "$plan_ms" "$read_ms")" "$TARGET" "$(verdict "$plan_ms" "$read_ms")"
