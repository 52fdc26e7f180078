#!/usr/bin/env bash
# Exporter benchmark: veeam_port_exporter against prometheus-blackbox-exporter, in one run on
# this machine, on 1,000 single-port flows over loopback (half open, half refused):
#   1. the exporter's whole first run of the 1,000 flows (first_run_seconds of its "Ready" log
#      line: first probe started to last result published; also shown: process start to ready,
#      which adds parsing the 1,000-flow YAML) vs blackbox probing the same 1,000 targets
#      through /probe with 16 concurrent requests (curl --parallel), RUNS times each;
#   2. resident memory of each after that work, once both have been idle for 2.5 s (ours drops
#      its last /metrics page 1-2 s after the last scrape; Go's runtime gives memory back in the
#      background as it likes);
#   3. /metrics of the exporter with those 1,000 flows under `wrk -c 64 -d 10s` while it keeps
#      probing (every flow every 5 s): errors and p99, asking for gzip as Prometheus does
#      (Accept-Encoding: gzip; this is the one judged against the target), then uncompressed.
# Prints medians and ratios with the issue's targets.
# Usage: bench/exporter_bench.sh [BUILD_DIR] [RUNS]
# Needs: prometheus-blackbox-exporter wrk curl python3 (apt-get install -y prometheus-blackbox-exporter
# wrk curl python3) and a C compiler. Traffic: 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-5}
idle=2.5  # seconds of idleness before reading resident memory, the same for both
exporter=$build/exporter/veeam_port_exporter
blackbox=$(command -v prometheus-blackbox-exporter || true)
[ -x "$exporter" ] || { echo "no $exporter: build first (cmake --build $build)" >&2; exit 2; }
[ -n "$blackbox" ] || { echo "apt-get install -y prometheus-blackbox-exporter" >&2; exit 2; }
command -v wrk >/dev/null || { echo "apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "apt-get install -y curl" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/loopback_ports" "$here/loopback_ports.c"
"$work/loopback_ports" 500 > "$work/ports" &
pids+=($!)
for _ in $(seq 100); do [ "$(wc -l < "$work/ports")" -ge 2 ] && break; sleep 0.05; done
read -r -a open_ports <<< "$(sed -n 's/^open //p' "$work/ports")"
read -r -a closed_ports <<< "$(sed -n 's/^closed //p' "$work/ports")"
all_ports=("${open_ports[@]}" "${closed_ports[@]}")
echo "targets: ${#open_ports[@]} open + ${#closed_ports[@]} refused ports on 127.0.0.1"

# The exporter's config: one flow per port. expect: reachable, so open and refused both pass.
write_config() {  # write_config FILE INTERVAL
  {
    echo "defaults: {timeout: 2s, interval: $2, concurrency: 512, per_target_concurrency: 512}"
    echo "roles:"
    echo "  bench: {hosts: [127.0.0.1]}"
    echo "flows:"
    for p in "${all_ports[@]}"; do
      echo "  - {name: port-$p, from: bench, to: bench, ports: [$p], expect: reachable}"
    done
  } > "$1"
}
write_config "$work/once.yaml" 1h
write_config "$work/busy.yaml" 5s

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)); }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
median() { sort -g "$1" | awk '{a[NR]=$1} END {printf "%.4f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN {ok = (op == ">=") ? a >= b : a <= b; print ok ? "PASS" : "FAIL"}'; }
ts_seconds() {  # logfmt ts=2024-01-01T00:00:00.123Z -> Unix seconds
  local ts; ts=$(grep -o "ts=[^ ]*" <<< "$1" | head -1 | cut -d= -f2)
  python3 -c "import datetime,sys; print(datetime.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc).timestamp())" "$ts"
}

# --- 1 and 2: ours ---------------------------------------------------------------------
: > "$work/ours"
: > "$work/ours_startup"
ours_rss=0
for run in $(seq "$runs"); do
  port=$(free_port)
  t0=$EPOCHREALTIME
  "$exporter" --config.file="$work/once.yaml" --web.listen-address="127.0.0.1:$port" \
    2> "$work/exporter.log" &
  pid=$!
  for _ in $(seq 600); do grep -q 'msg="Ready:' "$work/exporter.log" && break; sleep 0.01; done
  ready=$(grep 'msg="Ready:' "$work/exporter.log") || { echo "exporter not ready" >&2; exit 1; }
  t1=$(ts_seconds "$ready")
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f\n", b - a}' >> "$work/ours_startup"
  grep -o 'first_run_seconds=[0-9.]*' <<< "$ready" | cut -d= -f2 >> "$work/ours"
  if [ "$run" = 1 ]; then
    up=$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^veeam_flow_up{.*} 1$' || true)
    echo "exporter: $up of ${#all_ports[@]} flows up after its first run"
    sleep "$idle"
    ours_rss=$(rss_kib "$pid")
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

# --- 1 and 2: blackbox -------------------------------------------------------------------
bb_port=$(free_port)
cat > "$work/blackbox.yml" <<'YAML'
modules:
  tcp_connect:
    prober: tcp
    timeout: 2s
YAML
"$blackbox" --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bb_port" \
  2> "$work/blackbox.log" &
bb_pid=$!
pids+=("$bb_pid")
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$bb_port/-/healthy" >/dev/null && break; sleep 0.05; done
for p in "${all_ports[@]}"; do
  echo "url = \"http://127.0.0.1:$bb_port/probe?module=tcp_connect&target=127.0.0.1:$p\""
  echo "output = \"/dev/null\""
done > "$work/urls.cfg"
: > "$work/blackbox"
for run in $(seq "$runs"); do
  t0=$EPOCHREALTIME
  curl -s --no-progress-meter --parallel --parallel-max 16 -K "$work/urls.cfg"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f\n", b - a}' >> "$work/blackbox"
  if [ "$run" = 1 ]; then sleep "$idle"; bb_rss=$(rss_kib "$bb_pid"); fi
done
ok=$(for p in "${open_ports[@]:0:5}" "${closed_ports[@]:0:5}"; do
  curl -s "http://127.0.0.1:$bb_port/probe?module=tcp_connect&target=127.0.0.1:$p" |
    grep '^probe_success '; done | sort | uniq -c | tr '\n' ' ')
echo "blackbox: probe_success of 5 open + 5 refused samples: $ok"

m_ours=$(median "$work/ours")
m_startup=$(median "$work/ours_startup")
m_bb=$(median "$work/blackbox")
echo
echo "== 1,000 single-port flows on loopback (500 open, 500 refused), $runs runs each"
printf '%-58s median %ss\n' "veeam_port_exporter: whole run of the 1,000 flows" "$m_ours"
printf '%-58s median %ss\n' "veeam_port_exporter: process start to ready" "$m_startup"
printf '%-58s median %ss\n' "blackbox_exporter: 1,000 /probe, 16 concurrent (curl)" "$m_bb"
speed=$(ratio "$m_bb" "$m_ours")
echo "blackbox / ours (run)            = ${speed}x   target >= 10x  $(verdict "$speed" 10 '>=')"
echo "blackbox / ours (start to ready) = $(ratio "$m_bb" "$m_startup")x"
echo
echo "== resident memory after that work"
printf '%-58s %s KiB\n' "veeam_port_exporter (1,000 flows, first run, a scrape, ${idle}s idle)" "$ours_rss"
printf '%-58s %s KiB\n' "blackbox_exporter (1,000 probes, ${idle}s idle)" "$bb_rss"
mem=$(ratio "$ours_rss" "$bb_rss")
echo "ours / blackbox = $mem   target <= 0.5  $(verdict "$mem" 0.5 '<=')"

# --- 3: /metrics under wrk while probing --------------------------------------------------
port=$(free_port)
"$exporter" --config.file="$work/busy.yaml" --web.listen-address="127.0.0.1:$port" \
  2> "$work/busy.log" &
pid=$!
pids+=("$pid")
for _ in $(seq 600); do grep -q 'msg="Ready:' "$work/busy.log" && break; sleep 0.01; done
series=$(curl -s "http://127.0.0.1:$port/metrics" | grep -vc '^#')
bytes=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
probes0=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^veeam_port_exporter_probes_total/ {s += $2} END {print s}')
# wrk_metrics NAME [HEADER]: wrk on /metrics, with a request header if given; then prints.
wrk_metrics() {
  local name=$1 header=${2:-}
  local probes0 probes1 p99 p99_ms errors requests
  probes0=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^veeam_port_exporter_probes_total/ {s += $2} END {print s}')
  if [ -n "$header" ]; then
    wrk -t 2 -c 64 -d 10s --latency -H "$header" "http://127.0.0.1:$port/metrics" > "$work/wrk-$name.txt"
  else
    wrk -t 2 -c 64 -d 10s --latency "http://127.0.0.1:$port/metrics" > "$work/wrk-$name.txt"
  fi
  probes1=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^veeam_port_exporter_probes_total/ {s += $2} END {print s}')
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$name.txt")
  p99_ms=$(awk -v v="$p99" 'BEGIN {
    if (v ~ /us$/) {sub(/us$/, "", v); print v / 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v); print v}
    else if (v ~ /s$/) {sub(/s$/, "", v); print v * 1000} else print v}')
  errors=$(awk '/Socket errors|Non-2xx/ {print}' "$work/wrk-$name.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$name.txt")
  echo
  echo "== /metrics under wrk -t 2 -c 64 -d 10s${header:+ -H '$header'}, 1,000 flows probed every 5s meanwhile"
  echo "requests: $requests   errors: ${errors:-none}   probes during wrk: $((probes1 - probes0))"
  if [ -n "$header" ]; then
    echo "p99 latency: ${p99_ms} ms   target <= 10 ms  $(verdict "$p99_ms" 10 '<=')"
  else
    echo "p99 latency: ${p99_ms} ms   (uncompressed page: bound by copying $bytes bytes per request)"
  fi
  sed -n '/Latency Distribution/,/99%/p' "$work/wrk-$name.txt"
}
gz_bytes=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" | wc -c)
echo
echo "exposition: $series samples, $bytes bytes; gzip (as Prometheus asks for it): $gz_bytes bytes"
# The target is judged the way Prometheus scrapes: it always sends Accept-Encoding: gzip.
wrk_metrics gzip 'Accept-Encoding: gzip'
wrk_metrics plain
