#!/usr/bin/env bash
# Sweep benchmark: our check against nmap -sT and a minimal blocking connect loop, all in one
# run on this machine, each several times; prints medians, best runs and the ratios.
# Usage: bench/run_benchmarks.sh [BUILD_DIR] [RUNS]      (needs nmap; root for the filtered part)
# Traffic: 127.0.0.1 only, and a network namespace this script creates and deletes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-7}
check=$build/nagios/check_veeam_ports
[ -x "$check" ] || { echo "no $check: build first (cmake --build $build)" >&2; exit 2; }
command -v nmap >/dev/null || { echo "nmap is not installed (apt-get install -y nmap)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${ns:-}" ] && ip netns del "$ns" 2>/dev/null || true' EXIT
cc -O2 -o "$work/connect_floor" "$here/connect_floor.c"

# time_runs NAME CMD...: runs CMD $runs times, prints the sorted seconds to $work/NAME
time_runs() {
  local name=$1; shift
  : > "$work/$name"
  for _ in $(seq "$runs"); do
    local t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f\n", b - a}' >> "$work/$name"
  done
  sort -g -o "$work/$name" "$work/$name"
}
median() { awk '{a[NR]=$1} END {printf "%.4f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}' "$work/$1"; }
best() { head -1 "$work/$1" | awk '{printf "%.4f", $1}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "PASS" : "FAIL"}'; }

echo "== sweep of 127.0.0.1 ports 49152-65535 (16,384 ports, nothing listening expected), $runs runs each"
"$check" -H 127.0.0.1 -p 49152-65535 --expect reachable | head -1
time_runs ours "$check" -H 127.0.0.1 -p 49152-65535 --expect reachable
time_runs nmap nmap -sT -n -Pn -p49152-65535 127.0.0.1
time_runs floor "$work/connect_floor" 49152 65535
printf '%-34s median %ss  best %ss\n' "check_veeam_ports (ad-hoc mode)" "$(median ours)" "$(best ours)"
printf '%-34s median %ss  best %ss\n' "nmap -sT -n -Pn" "$(median nmap)" "$(best nmap)"
printf '%-34s median %ss  best %ss\n' "floor: blocking connect loop (C)" "$(median floor)" "$(best floor)"
r1=$(ratio "$(median ours)" "$(best nmap)")
r2=$(ratio "$(median ours)" "$(best floor)")
echo "ours (median) / nmap (best)  = $r1   target <= 0.70  $(verdict "$r1" 0.70)"
echo "ours (median) / floor (best) = $r2   target <= 1.30  $(verdict "$r2" 1.30)"

echo
echo "== 1,000 filtered ports (nftables drop in a namespace made here), -t 1"
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null; then
  echo "skipped: needs root and nftables"
  exit 0
fi
ns=vpm-bench-$$
ip netns add "$ns"
in_ns() { nsenter --net=/var/run/netns/"$ns" "$@"; }
in_ns ip link set lo up
in_ns nft add table inet bench
in_ns nft 'add chain inet bench input { type filter hook input priority 0; }'
in_ns nft add rule inet bench input tcp dport 20000-20999 drop
in_ns "$check" -H 127.0.0.1 -p 20000-20999 -t 1 | head -1 || true
time_runs filtered in_ns "$check" -H 127.0.0.1 -p 20000-20999 -t 1
m=$(median filtered)
printf '%-34s median %ss  best %ss\n' "check_veeam_ports, 1,000 filtered" "$m" "$(best filtered)"
echo "1,000 filtered ports with -t 1: median ${m}s   target <= 1.30s  $(verdict "$m" 1.30)"
