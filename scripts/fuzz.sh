#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into ./build-fuzz and runs each for a fixed
# time. Usage: scripts/fuzz.sh [SECONDS per target, default 60] [target ...]
# Needs: apt-get install -y clang libclang-rt-14-dev
# New interesting inputs go to build-fuzz/corpus/<target> (the seeds in tests/fuzz/corpus stay
# as they are); a crash leaves build-fuzz/crashes/<target>/crash-* and makes the script fail.
# Copy such a file into tests/fuzz/corpus/<target>/ once fixed: the normal build replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=${VPM_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPM_FUZZ=ON \
  >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_all
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
printf '%-28s %12s %8s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  log="$build/fuzz-$t.log"
  status=0
  # -rss_limit_mb / -timeout: a reply parser that allocates or loops on one input is a bug.
  "$build/tests/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$crashes/" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result=ok
  if [ $status -ne 0 ]; then
    result="FAILED (exit $status, see $log)"
    failed+=("$t")
  fi
  printf '%-28s %12s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in: ${failed[*]}" >&2
  for t in "${failed[@]}"; do grep -m5 -E 'ERROR|SUMMARY|runtime error' "$build/fuzz-$t.log" >&2 || true; done
  exit 1
fi
