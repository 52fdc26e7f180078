#!/usr/bin/env bash
# CI beyond the normal build: the whole test suite under ASan+UBSan (build-asan), the exporter's
# and the hostile-peer tests and a short load test under ThreadSanitizer (build-tsan, about
# 5 minutes), then a short libFuzzer run of every fuzz target (build-fuzz). Meant to follow
# scripts/setup.sh in .ci/run:
#   scripts/setup.sh && ctest --test-dir build --output-on-failure -j2 && scripts/ci-extra.sh
# FUZZ_SECONDS (default 20) is the time per fuzz target. Prints the time of each part.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-20}

# clang for the sanitizers and libFuzzer; wrk, curl and python3 for the load test under TSan.
scripts/install-packages.sh clang libclang-rt-14-dev wrk curl python3

t0=$SECONDS
CI=true scripts/sanitized-tests.sh
t1=$SECONDS
CI=true VPM_SANITIZE=thread scripts/sanitized-tests.sh
t2=$SECONDS
scripts/fuzz.sh "$fuzz_seconds"
t3=$SECONDS
echo "ci-extra: ASan+UBSan suite $((t1 - t0))s, TSan $((t2 - t1))s, fuzzing $((t3 - t2))s," \
  "total $((t3 - t0))s"
