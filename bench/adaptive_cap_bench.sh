#!/usr/bin/env bash
# The per-target cap that grows while a target's ports all time out, against the fixed cap, over
# ports that an nftables rule drops in a network namespace this script makes (and deletes):
# prints each run, the medians and the ratio fixed / adaptive; fails if the verdicts differ.
# Usage: bench/adaptive_cap_bench.sh [BUILD_DIR] [RUNS]   (root, nftables)
#   PORTS=30000-31999 TIMEOUT_MS=250 CAP=64 to change the sweep (the issue's: 30000-34999, 2000)
# Traffic: only inside that namespace (loopback).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-3}
ports=${PORTS:-30000-31999}
timeout_ms=${TIMEOUT_MS:-250}
cap=${CAP:-64}
bench=$build/bench/vpm_adaptive_cap_bench
[ -x "$bench" ] || { echo "no $bench: build first (cmake --build $build)" >&2; exit 2; }
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null; then
  echo "needs root and nftables" >&2
  exit 2
fi
ns=vpm-bench-adaptive-$$
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
in_ns() { nsenter --net=/var/run/netns/"$ns" "$@"; }
in_ns ip link set lo up
in_ns nft add table inet bench
in_ns nft 'add chain inet bench output { type filter hook output priority 0; }'
in_ns nft add rule inet bench output tcp dport "$ports" drop
echo "== ${ports} dropped (nftables, namespace $ns), timeout ${timeout_ms}ms, per-target cap $cap, $runs runs each"
in_ns "$bench" "${ports%-*}" "${ports#*-}" "$timeout_ms" "$cap" "$runs"
