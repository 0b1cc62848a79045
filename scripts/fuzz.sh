#!/usr/bin/env bash
# Fuzzes each target with libFuzzer for SECONDS: `scripts/fuzz.sh SECONDS TARGET...` (make fuzz builds
# the instrumented binary first). Seeds come from fuzz/corpus/TARGET and, for some targets, from the
# repository's own examples and broken fixtures; what the fuzzer adds goes to fuzz/work/TARGET (not
# committed). A finding stops the run: its input is fuzz/findings/TARGET-crash-*; fix it, then add the
# input to fuzz/corpus/TARGET so the tests replay it.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=$1; shift
BIN=.build-fuzz/release/tickler-fuzz
mkdir -p fuzz/findings
status=0
for target in "$@"; do
  work=fuzz/work/$target
  mkdir -p "$work"
  case $target in
    config) cp config/tickler.yaml Tests/TicklerConfigTests/Fixtures/broken/*.yaml "$work/" ;;
    ics) cp config/court-holidays.ics Tests/TicklerConfigTests/Fixtures/broken/*.ics "$work/" 2>/dev/null ;;
    template) cp config/templates/*.mustache "$work/" ;;
  esac
  log=fuzz/work/$target.log
  # Leaks are not findings (the runtime keeps caches for the process's life); 1 s per input is a hang.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 TICKLER_FUZZ_TARGET=$target "$BIN" -max_total_time="$seconds" -timeout=1 \
    -rss_limit_mb=3072 -max_len=65536 -detect_leaks=0 -print_final_stats=1 \
    -artifact_prefix="fuzz/findings/$target-" "$work" "fuzz/corpus/$target" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  corpus=$(ls "$work" | wc -l)
  if [[ $rc -eq 0 ]]; then
    echo "fuzz $target: ${seconds}s, ${runs:-?} inputs, corpus $corpus, no finding"
  else
    echo "fuzz $target: FINDING (exit $rc), see $log and fuzz/findings/$target-*"
    grep -E 'Fatal error|ERROR: |SUMMARY' "$log" | head -5
    status=1
  fi
done
exit $status
