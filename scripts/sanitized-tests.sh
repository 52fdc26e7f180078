#!/usr/bin/env bash
# Builds the suite with a sanitizer and runs it. Any finding fails the test that made it.
#   scripts/sanitized-tests.sh [extra ctest args]
#     AddressSanitizer + UndefinedBehaviorSanitizer, the whole suite, in ./build-asan.
#   VPM_SANITIZE=thread scripts/sanitized-tests.sh [extra ctest args]
#     ThreadSanitizer, in ./build-tsan: the exporter's tests (its probe thread and civetweb's
#     workers share the result store and the metrics caches), the hostile-peer tests (which
#     run the exporter and the check, and the probe core with its resolver threads) and the
#     probe runner's tests (its probing threads, vpm_probe_thread_tests), then
#     bench/load_test.sh against the instrumented exporter for TSAN_LOAD_SECONDS (default 10)
#     per round. Only those targets are built. Races in third-party code are suppressed in
#     tests/tsan.supp, each with its reason.
# TSan's reports go to files, so that one from a child process (the exporter or the check that a
# test started) is never lost with the child's stderr: the script prints them and fails if any.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=${VPM_SANITIZE:-address}
dir=build-asan
targets=()
select=()
if [ "$sanitize" = thread ]; then
  dir=build-tsan
  targets=(--target vpm_exporter_tests vpm_hostile_tests vpm_probe_thread_tests)
  select=(-L 'exporter|hostile|threads')
fi
jobs=${JOBS:-$(nproc)}
# CI=true makes warnings errors; otherwise an existing build dir keeps what it was given.
werror=()
[ "${CI:-}" = true ] && werror=(-DVPM_WARNINGS_AS_ERRORS=ON)
started=$(date +%s)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPM_SANITIZE="$sanitize" "${werror[@]}" \
  >/dev/null
cmake --build "$dir" -j"$jobs" "${targets[@]}"
built=$(date +%s)
reports=$PWD/$dir/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# halt_on_error: a finding fails the test. detect_leaks: LeakSanitizer at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:log_path=$reports/tsan}
status=0
ctest --test-dir "$dir" --output-on-failure -j2 "${select[@]}" "$@" || status=$?
tested=$(date +%s)
if [ "$sanitize" = thread ]; then
  # The tests rarely have scrapes, reloads and probes all at once; the load test does (wrk,
  # a reload flood, slow clients). Its timeouts under TSan's slowdown do not matter here, only
  # its reports do. Skipped without its tools.
  if command -v wrk >/dev/null && command -v curl >/dev/null && command -v python3 >/dev/null &&
    command -v cc >/dev/null; then
    ROUNDS=1 PEER=no bench/load_test.sh "$PWD/$dir" "${TSAN_LOAD_SECONDS:-10}s" 64 8 || status=1
  else
    echo "sanitized-tests: no wrk, curl, python3 or cc: the exporter under load was not run" >&2
  fi
fi
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
  for report in "$reports"/*; do
    echo "== $report"
    head -c 20000 "$report"
  done
  echo "sanitized-tests ($sanitize): $found sanitizer report(s), in $reports" >&2
  status=1
fi
echo "sanitized-tests ($sanitize): build $((built - started))s, tests $((tested - built))s," \
  "load $(($(date +%s) - tested))s"
exit $status
