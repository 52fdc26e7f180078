#!/usr/bin/env bash
# Flow-count scaling benchmark (issue 19): the cost of 10,000 single-port flows against the cost
# of 1,000 in the same run, for the check (whole process, and max RSS), the exporter's
# --config.check, and the exporter's first run (first_run_seconds of its "Ready" log line) and
# resident memory. The flows go to loopback ports held by bench/loopback_ports.c (half
# listening, half refused), expect: reachable, so every flow passes.
# With BASELINE_BUILD (another build dir, e.g. of main before a change), the same figures of its
# binaries are measured in the same run and printed as ratios too ("unchanged or better").
# Prints medians and ratios with the issue's targets.
# Usage: bench/flow_scale_bench.sh [BUILD_DIR] [RUNS]      (BASELINE_BUILD=dir optional)
# Needs: time python3 (apt-get install -y time python3), a C compiler. Traffic: 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
runs=${2:-5}
baseline=${BASELINE_BUILD:-}
small=1000
large=10000
[ -x "$build/nagios/check_veeam_ports" ] || { echo "no $build/nagios/check_veeam_ports: build first" >&2; exit 2; }
[ -x "$build/exporter/veeam_port_exporter" ] || { echo "no $build/exporter/veeam_port_exporter: build first" >&2; exit 2; }
command -v python3 >/dev/null || { echo "apt-get install -y python3" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "apt-get install -y time" >&2; exit 2; }
# 10,000 held ports plus the probes' own sockets.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/loopback_ports" "$here/loopback_ports.c"
"$work/loopback_ports" $((large / 2)) > "$work/ports" &
pids+=($!)
for _ in $(seq 600); do [ "$(wc -l < "$work/ports")" -ge 2 ] && break; sleep 0.05; done
read -r -a open_ports <<< "$(sed -n 's/^open //p' "$work/ports")"
read -r -a closed_ports <<< "$(sed -n 's/^closed //p' "$work/ports")"
[ "${#closed_ports[@]}" = $((large / 2)) ] || {
  echo "loopback_ports did not hold $large ports within 30 s (ephemeral ports in use?)" >&2; exit 1; }
# Open and refused alternate, so both configs hold both kinds.
all_ports=()
for i in "${!open_ports[@]}"; do all_ports+=("${open_ports[$i]}" "${closed_ports[$i]}"); done
echo "targets: ${#open_ports[@]} open + ${#closed_ports[@]} refused ports on 127.0.0.1"

write_config() {  # write_config FILE FLOWS
  {
    echo "defaults: {timeout: 2s, interval: 1h, concurrency: 512, per_target_concurrency: 512}"
    echo "roles:"
    echo "  bench: {hosts: [127.0.0.1]}"
    echo "flows:"
    for p in "${all_ports[@]:0:$2}"; do
      echo "  - {name: port-$p, from: bench, to: bench, ports: [$p], expect: reachable}"
    done
  } > "$1"
}
write_config "$work/small.yaml" "$small"
write_config "$work/large.yaml" "$large"

# measure OUT CMD...: runs CMD once, appends "seconds max_rss_kib exit_code" to OUT. GNU time
# reads the max RSS (python's RUSAGE_CHILDREN would count the forked interpreter's memory too).
measure() {
  local out=$1; shift
  local t0=$EPOCHREALTIME code=0
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/output.txt" 2>&1 || code=$?
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}') $(tail -1 "$work/rss") $code" >> "$out"
}
median_of() {  # median_of FILE COLUMN
  awk -v c="$2" '{print $c}' "$1" | sort -g |
    awk '{a[NR]=$1} END {printf "%.4f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "PASS" : "FAIL"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ts_seconds() {  # logfmt ts=2024-01-01T00:00:00.123Z -> Unix seconds
  local ts; ts=$(grep -o "ts=[^ ]*" <<< "$1" | head -1 | cut -d= -f2)
  python3 -c "import datetime,sys; print(datetime.datetime.strptime(sys.argv[1], '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc).timestamp())" "$ts"
}

# stop PID: SIGTERM, and SIGKILL if it is still there 5 s later (once, a baseline exporter
# went on running after its SIGTERM, and the benchmark waited for it).
stop() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# one_run NAME BUILD: the check and --config.check at both sizes, then the exporter's first run
# and its resident memory then (VmRSS, and VmHWM, the peak), appended to $work/NAME-*.
one_run() {
  local name=$1 dir=$2 size port pid ready
  for size in small large; do
    measure "$work/$name-check-$size" "$dir/nagios/check_veeam_ports" --config "$work/$size.yaml"
    [ "$(tail -1 "$work/$name-check-$size" | cut -d' ' -f3)" = 0 ] ||
      cp "$work/output.txt" "$work/$name-last-check.txt"
    measure "$work/$name-valid-$size" "$dir/exporter/veeam_port_exporter" \
      --config.file="$work/$size.yaml" --config.check
    port=$(free_port)
    "$dir/exporter/veeam_port_exporter" --config.file="$work/$size.yaml" \
      --web.listen-address="127.0.0.1:$port" 2> "$work/exporter.log" &
    pid=$!
    for _ in $(seq 1500); do grep -q 'msg="Ready:' "$work/exporter.log" && break; sleep 0.02; done
    ready=$(grep 'msg="Ready:' "$work/exporter.log") || { echo "$name exporter not ready" >&2; exit 1; }
    echo "$(grep -o 'first_run_seconds=[0-9.]*' <<< "$ready" | cut -d= -f2)" \
      "$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")" \
      "$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")" >> "$work/$name-exporter-$size"
    stop "$pid"
  done
}

builds=(ours)
[ -n "$baseline" ] && builds+=(baseline)
# Runs interleaved (ours, baseline, ours...), so that the machine's load falls on all alike.
for _ in $(seq "$runs"); do
  one_run ours "$build"
  [ -n "$baseline" ] && one_run baseline "$baseline"
done
for name in "${builds[@]}"; do
  if awk '$3 != 0 {bad = 1} END {exit !bad}' "$work/$name-check-"*; then
    echo "$name: the check did not exit 0 (OK) on every run (exit codes, small then large:" \
      "$(awk '{printf "%s ", $3}' "$work/$name-check-small" "$work/$name-check-large"))" >&2
    head -c 2000 "$work/$name-last-check.txt" >&2
    exit 1
  fi
done

for name in "${builds[@]}"; do
  dir=$build; [ "$name" = baseline ] && dir=$baseline
  echo
  echo "== $name ($dir): $small and $large single-port flows on loopback, $runs runs each (medians)"
  printf '%-44s %10s %10s %8s\n' "" "$small" "$large" "ratio"
  row() {  # row LABEL FILE_PREFIX COLUMN KIND
    local a b
    a=$(median_of "$work/$2-small" "$3"); b=$(median_of "$work/$2-large" "$3")
    if [ "$4" = kib ]; then
      printf '%-44s %8s M %8s M %8s\n' "$1" "$(mib "$a")" "$(mib "$b")" "$(ratio "$b" "$a")"
    else
      printf '%-44s %9ss %9ss %8s\n' "$1" "$a" "$b" "$(ratio "$b" "$a")"
    fi
  }
  row "check, whole process" "$name-check" 1 s
  row "check, max RSS" "$name-check" 2 kib
  row "exporter --config.check, whole process" "$name-valid" 1 s
  row "exporter --config.check, max RSS" "$name-valid" 2 kib
  row "exporter first run (first_run_seconds)" "$name-exporter" 1 s
  row "exporter RSS after its first run" "$name-exporter" 2 kib
  row "exporter peak RSS (VmHWM) by then" "$name-exporter" 3 kib
done

echo
echo "== targets (ours)"
t_small=$(median_of "$work/ours-check-small" 1)
t_large=$(median_of "$work/ours-check-large" 1)
growth=$(ratio "$t_large" "$t_small")
echo "check at $large flows / at $small flows = ${growth}x   target <= 12x  $(verdict "$growth" 12)"
rss=$(median_of "$work/ours-check-large" 2)
echo "check max RSS at $large flows = $(mib "$rss") MiB   target <= 40 MiB  $(verdict "$rss" $((40 * 1024)))"
if [ -n "$baseline" ]; then
  for pair in "check-large 1 check time" "check-large 2 check max RSS" \
    "exporter-large 1 exporter first run" "exporter-large 2 exporter RSS" \
    "exporter-small 1 exporter first run" "exporter-small 2 exporter RSS"; do
    read -r file column label <<< "$pair"
    r=$(ratio "$(median_of "$work/ours-$file" "$column")" "$(median_of "$work/baseline-$file" "$column")")
    # "Unchanged or better", with 10% for the noise of a shared machine.
    echo "ours / baseline, $label at ${file#*-} = $r   target <= 1.10  $(verdict "$r" 1.10)"
  done
fi
