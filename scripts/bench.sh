#!/usr/bin/env bash
# Benchmarks `tickler simulate` (30 days) and a full `tickler plan --format json` over demo firms of each
# size in BENCH_SIZES (default 100,000 and 1,000,000 cases; each generated once into .bench/), against
# the time sqlite3 takes to read the same rows once, measured in the same run. Prints each median, its
# ratio to the read, the peak RSS, and whether the targets hold:
#   simulate and plan <= 2x the read, peak RSS <= 512 MiB each; simulate at the largest size <= 11x
#   simulate at the smallest (cost grows at most linearly).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-"100000 1000000"}
RUNS=${BENCH_RUNS:-3}
TARGET=2
RSS_TARGET_MIB=512
BIN=.build/release/tickler
AS_OF=2026-11-30
mkdir -p .bench

# Median wall time (ms) and the largest peak RSS (KiB) of RUNS runs of a shell command, output discarded.
measure() {
  python3 - "$RUNS" "$1" <<'PY'
import resource, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2]
times, peak = [], 0
for _ in range(runs):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL)
    _, status, usage = __import__("os").wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"failed: {cmd}")
    times.append((time.perf_counter() - start) * 1000)
    peak = max(peak, usage.ru_maxrss)
times.sort()
print(f"{times[len(times)//2]:.0f} {peak}")
PY
}

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
verdict() { python3 -c "print('ok' if $1 <= $2 else 'OVER TARGET')"; }
first_sim=
first_cases=
for CASES in $SIZES; do
  DB=.bench/firm-${CASES}.db
  if [[ ! -f $DB ]]; then
    echo "generating a ${CASES}-case demo firm (once)..."
    $BIN demo-data --cases "$CASES" --seed 1 --as-of "$AS_OF" --out "$DB" --force
  fi
  # Every table the evaluation reads, the client tables included.
  TABLES="people cases communications deadlines document_requests appointments events contacts stage_changes survey_responses tickler_consents"
  READ="sqlite3 $DB '$(for t in $TABLES; do printf 'SELECT * FROM %s; ' "$t"; done)'"
  SIMULATE="$BIN simulate --config config/tickler.yaml --store $DB --from ${AS_OF}T08:00:00Z --to 2026-12-30T08:00:00Z"
  PLAN="$BIN plan --config config/tickler.yaml --store $DB --at ${AS_OF}T18:00:00Z --format json"

  rows=$(sqlite3 "$DB" "SELECT 0$(for t in $TABLES; do printf '+(SELECT count(*) FROM %s)' "$t"; done)")
  fires=$(eval "$SIMULATE" | wc -l)
  read -r read_ms _ <<<"$(measure "$READ")"
  read -r sim_ms sim_kib <<<"$(measure "$SIMULATE")"
  read -r plan_ms plan_kib <<<"$(measure "$PLAN")"
  sim_mib=$((sim_kib / 1024)); plan_mib=$((plan_kib / 1024))

  printf '%s cases, %s rows, median of %s runs (release build)\n' "$CASES" "$rows" "$RUNS"
  printf '  %-32s %8s ms\n' "sqlite3 reads every row once" "$read_ms"
  printf '  %-32s %8s ms  %5sx (<= %sx: %s)  peak %4s MiB (<= %s: %s)  %s fires\n' "tickler simulate, 30 days" "$sim_ms" \
    "$(ratio "$sim_ms" "$read_ms")" "$TARGET" "$(verdict "$(ratio "$sim_ms" "$read_ms")" "$TARGET")" \
    "$sim_mib" "$RSS_TARGET_MIB" "$(verdict "$sim_mib" "$RSS_TARGET_MIB")" "$fires"
  printf '  %-32s %8s ms  %5sx (<= %sx: %s)  peak %4s MiB (<= %s: %s)\n' "tickler plan, every case" "$plan_ms" \
    "$(ratio "$plan_ms" "$read_ms")" "$TARGET" "$(verdict "$(ratio "$plan_ms" "$read_ms")" "$TARGET")" \
    "$plan_mib" "$RSS_TARGET_MIB" "$(verdict "$plan_mib" "$RSS_TARGET_MIB")"
  if [[ -z $first_sim ]]; then
    first_sim=$sim_ms; first_cases=$CASES
  else
    growth=$(ratio "$sim_ms" "$first_sim")
    allowed=$(python3 -c "print(f'{1.1 * $CASES / $first_cases:.1f}')")
    printf '  simulate at %s / at %s cases: %sx (<= %sx: %s)\n' "$CASES" "$first_cases" "$growth" "$allowed" \
      "$(verdict "$growth" "$allowed")"
  fi
done
