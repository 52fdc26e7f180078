#!/usr/bin/env bash
# Builds the whole suite with AddressSanitizer + UndefinedBehaviorSanitizer into ./build-asan
# and runs it. Any finding aborts the test that made it. Usage: scripts/sanitized-tests.sh
# [extra ctest args]. VPM_SANITIZE=thread scripts/sanitized-tests.sh builds ./build-tsan instead.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=${VPM_SANITIZE:-address}
dir=build-asan
[ "$sanitize" = thread ] && dir=build-tsan
# CI=true makes warnings errors; otherwise an existing build dir keeps what it was given.
werror=()
[ "${CI:-}" = true ] && werror=(-DVPM_WARNINGS_AS_ERRORS=ON)
started=$(date +%s)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPM_SANITIZE="$sanitize" "${werror[@]}" \
  >/dev/null
cmake --build "$dir" -j"$(nproc)"
built=$(date +%s)
# halt_on_error: a finding fails the test. detect_leaks: LeakSanitizer at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
status=0
ctest --test-dir "$dir" --output-on-failure -j2 "$@" || status=$?
echo "sanitized-tests ($sanitize): build $((built - started))s, tests $(($(date +%s) - built))s"
exit $status
