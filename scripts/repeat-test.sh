#!/usr/bin/env bash
# Runs `make test` N times in a row (default 10) and reports each run's result and duration; exits 1 if
# any run failed. The logs are kept in .cache/repeat-test/RUN.log.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
mkdir -p .cache/repeat-test
failed=0
for i in $(seq "$runs"); do
  start=$(date +%s)
  make test >".cache/repeat-test/$i.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  tests=$(grep -Eo 'Test run with [0-9]+ tests' ".cache/repeat-test/$i.log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s}')
  e2e=$(grep -Eo 'e2e \(systemd-nspawn\): [0-9]+ passed, [0-9]+ failed' ".cache/repeat-test/$i.log")
  if [[ $rc -eq 0 ]]; then echo "run $i: passed in ${took}s ($tests swift tests; $e2e)"; else
    echo "run $i: FAILED (exit $rc) in ${took}s, see .cache/repeat-test/$i.log"; failed=$((failed + 1)); fi
done
echo "$((runs - failed)) of $runs runs passed"
[[ $failed -eq 0 ]]
