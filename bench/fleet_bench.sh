#!/usr/bin/env bash
# Fleet benchmark (issue 16): a backup server watching 1,000 agents. The backup_server vantage
# point probes the three incoming flows of every agent (the restore ports, 2500-3300 and
# 49152-65535 sampled 8 each: 21 ports a host, 21,000 probes a run) on 1,000 loopback addresses
# 127.0.0.1 to 127.0.3.232 (nothing listens there but what the system runs: mostly refused).
# Measured in one run on this machine:
#   1. the exporter's whole first run (first_run_seconds of its Ready line), against
#      `nmap -sT -n -Pn` over the same 1,000 hosts and the same 21 ports (RUNS times each);
#   2. the exporter's resident memory after it, /metrics raw and gzipped (bytes, series) and the
#      time to render it (median of 20 scrapes, each way), and the landing page's size;
#   3. check_veeam_ports --role backup_server on the same file: its time, its output's size and
#      status line.
# Prints medians, ratios and the issue's targets (ours <= 0.5x nmap, /metrics <= 50 ms,
# RSS <= 32 MiB).
# Usage: bench/fleet_bench.sh [BUILD_DIR] [RUNS]      Needs: nmap curl python3
# Traffic: 127.0.0.0/8 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-3}
exporter=$build/exporter/veeam_port_exporter
check=$build/nagios/check_veeam_ports
for bin in "$exporter" "$check"; do
  [ -x "$bin" ] || { echo "no $bin: build first (cmake --build $build)" >&2; exit 2; }
done
for tool in nmap curl python3; do
  command -v "$tool" >/dev/null || { echo "apt-get install -y $tool" >&2; exit 2; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 127.0.0.1-255, 127.0.1.0-255, 127.0.2.0-255, 127.0.3.0-232: 1,000 addresses.
python3 - > "$work/hosts" <<'PY'
for i in range(1, 1001):
    print(f"127.0.{i // 256}.{i % 256}")
PY
hosts=$(paste -sd, "$work/hosts" | sed 's/,/, /g')
restore=135,445,6160,6162,3260
cat > "$work/fleet.yaml" <<YAML
defaults: {timeout: 2s, interval: 1h, concurrency: 512, per_target_concurrency: 64}
roles:
  backup_server: {hosts: [127.0.0.1]}
  agent: {hosts: [$hosts]}
flows:
  - {name: backup-server-to-agent-restore, from: backup_server, to: agent,
     ports: [$restore], expect: open}
  - {name: backup-server-to-agent-data, from: backup_server, to: agent,
     ports: ["2500-3300"], expect: reachable, sample: 8}
  - {name: backup-server-to-agent-rpc-dynamic, from: backup_server, to: agent,
     ports: ["49152-65535"], expect: reachable, sample: 8}
YAML
# The first run's sample is the first 8 ports of each range (vpm/plan.h): nmap gets the same.
nmap_ports=$restore,2500-2507,49152-49159

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
median() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.4f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "PASS" : "FAIL"}'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.6f\n", b - a}'; }

# --- 1: the exporter's first run, then what it serves ------------------------------------
: > "$work/ours"
for run in $(seq "$runs"); do
  port=$(free_port)
  "$exporter" --config.file="$work/fleet.yaml" --role=backup_server \
    --web.listen-address="127.0.0.1:$port" 2> "$work/exporter.log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 3000); do grep -q 'msg="Ready:' "$work/exporter.log" && break; sleep 0.01; done
  ready=$(grep 'msg="Ready:' "$work/exporter.log") || { echo "exporter not ready" >&2; exit 1; }
  grep -o 'first_run_seconds=[0-9.]*' <<< "$ready" | cut -d= -f2 >> "$work/ours"
  if [ "$run" = 1 ]; then
    url=http://127.0.0.1:$port
    curl -s "$url/metrics" > "$work/metrics"
    raw=$(wc -c < "$work/metrics")
    series=$(grep -vc '^#' "$work/metrics")
    gz=$(curl -s -H 'Accept-Encoding: gzip' "$url/metrics" | wc -c)
    : > "$work/render_raw"; : > "$work/render_gz"
    for _ in $(seq 20); do
      curl -s -o /dev/null -w '%{time_total}\n' "$url/metrics" >> "$work/render_raw"
      curl -s -o /dev/null -w '%{time_total}\n' -H 'Accept-Encoding: gzip' "$url/metrics" >> "$work/render_gz"
    done
    landing=$(curl -s "$url/" | wc -c)
    sleep 2.5
    rss=$(rss_kib "$pid")
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

# --- 1: nmap over the same hosts and ports -------------------------------------------------
: > "$work/nmap"
for _ in $(seq "$runs"); do
  t0=$EPOCHREALTIME
  nmap -sT -n -Pn -p "$nmap_ports" -iL "$work/hosts" -oG "$work/nmap.out" > /dev/null
  elapsed "$t0" "$EPOCHREALTIME" >> "$work/nmap"
done
nmap_hosts=$(grep -c 'Ports:' "$work/nmap.out" || true)

# --- 3: the check on the same file --------------------------------------------------------
t0=$EPOCHREALTIME
"$check" --config "$work/fleet.yaml" --role backup_server > "$work/check.out" || true
check_seconds=$(elapsed "$t0" "$EPOCHREALTIME")

m_ours=$(median "$work/ours")
m_nmap=$(median "$work/nmap")
m_raw=$(median "$work/render_raw")
m_gz=$(median "$work/render_gz")
echo "== 1,000 agents x 21 ports (21,000 probes) on 127.0.0.1-127.0.3.232, $runs runs each"
printf '%-52s median %ss\n' "veeam_port_exporter: whole first run" "$m_ours"
printf '%-52s median %ss  (%s hosts reported)\n' "nmap -sT -n -Pn, same hosts and ports" "$m_nmap" "$nmap_hosts"
r=$(ratio "$m_ours" "$m_nmap")
echo "ours / nmap = ${r}x   target <= 0.5x  $(verdict "$r" 0.5)"
echo
echo "== what the exporter serves at that size"
rss_mib=$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')
echo "resident memory after the first run: $rss_mib MiB   target <= 32 MiB  $(verdict "$rss_mib" 32)"
echo "/metrics: $raw bytes raw, $gz bytes gzipped, $series series"
echo "/metrics render (20 scrapes, median): raw ${m_raw}s, gzip ${m_gz}s   target <= 0.050s  $(verdict "$m_gz" 0.050)"
echo "landing page: $landing bytes   target well under 1 MB  $(verdict "$landing" 1000000)"
echo
echo "== check_veeam_ports --role backup_server on the same file"
echo "time ${check_seconds}s, output $(wc -c < "$work/check.out") bytes (target < 8192), $(wc -l < "$work/check.out") lines"
head -c 400 "$work/check.out" | head -1
