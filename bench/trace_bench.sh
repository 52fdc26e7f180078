#!/usr/bin/env bash
# Trace benchmark (issue 15): check_veeam_ports --trace -t 1 on a port dropped at hop 2 of a
# namespace chain client > r1 > r2 > r3 > server (the topology of tests/support/netns_chain.h),
# against the same check without --trace in the same run. Target: the whole traced run <= 1.5 s.
# Usage: bench/trace_bench.sh [BUILD_DIR] [RUNS]   (root: it creates and deletes the namespaces)
# Traffic: only inside the namespaces it creates (198.18.0.0/15).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-5}
check=$build/nagios/check_veeam_ports
[ -x "$check" ] || { echo "no $check: build first" >&2; exit 2; }
p=vpm-tb-$$
spaces=("$p-c" "$p-r1" "$p-r2" "$p-r3" "$p-s")
trap 'for s in "${spaces[@]}"; do ip netns del "$s" 2>/dev/null || true; done' EXIT
ns_run() { local s=$1; shift; nsenter --net=/var/run/netns/"$s" "$@"; }
for s in "${spaces[@]}"; do ip netns add "$s"; ns_run "$s" ip link set lo up; done
for k in 1 2 3 4; do
  a=${spaces[$((k - 1))]} b=${spaces[$k]}
  ns_run "$a" ip link add name east type veth peer name west netns "$b"
  ns_run "$a" ip addr add 198.18.$k.1/24 dev east; ns_run "$a" ip link set east up
  ns_run "$b" ip addr add 198.18.$k.2/24 dev west; ns_run "$b" ip link set west up
done
ns_run "${spaces[0]}" ip route add default via 198.18.1.2
ns_run "${spaces[4]}" ip route add default via 198.18.4.1
for r in 1 2 3; do
  ns_run "${spaces[$r]}" sysctl -qw net.ipv4.ip_forward=1
  ns_run "${spaces[$r]}" ip route add default via 198.18.$((r + 1)).2
  for j in $(seq 1 $((r - 1))); do ns_run "${spaces[$r]}" ip route add 198.18.$j.0/24 via 198.18.$r.1; done
done
ns_run "${spaces[2]}" nft add table ip b
ns_run "${spaces[2]}" nft 'add chain ip b f { type filter hook forward priority 0; }'
ns_run "${spaces[2]}" nft add rule ip b f tcp dport 10005 drop

# time_runs ARGS...: prints the median wall time of $runs runs of the check in the client
time_runs() {
  for _ in $(seq "$runs"); do
    local t0=$EPOCHREALTIME
    ns_run "${spaces[0]}" setpriv --reuid=65534 --regid=65534 --clear-groups "$check" "$@" >/dev/null || true
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f\n", b - a}'
  done | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
plain=$(time_runs -H 198.18.4.2 -p 10005 -t 1)
traced=$(time_runs -H 198.18.4.2 -p 10005 -t 1 --trace)
ns_run "${spaces[0]}" "$check" -H 198.18.4.2 -p 10005 -t 1 --trace | sed -n '1p;$p' || true
echo "check -t 1, dropped at hop 2: without --trace ${plain} s, with --trace ${traced} s (median of $runs, as nobody)"
awk -v t="$traced" -v p="$plain" 'BEGIN {
  printf "trace adds %.3f s (%.2fx the plain run); target <= 1.5 s: %s\n", t - p, t / p, (t <= 1.5 ? "met" : "MISSED") }'
