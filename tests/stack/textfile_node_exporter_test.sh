#!/usr/bin/env bash
# The check's --textfile read by the real textfile collector of node_exporter (Debian's
# prometheus-node-exporter, on 127.0.0.1 only): the file is what the format wants (promtool
# check metrics; UTF-8 without BOM, LF, a final newline, no timestamps, each HELP and TYPE
# once), node_exporter serves its series with node_textfile_scrape_error 0, and keeps doing so
# on every scrape while the check rewrites the file in a loop (no scrape sees a half-written
# file: it is replaced by rename). A folder that does not exist makes the check UNKNOWN, naming
# the flag and the path.
# Usage: textfile_node_exporter_test.sh CHECK_BIN LISTENER_BIN
set -euo pipefail
check_bin=$1
listener_bin=$2
source "$(dirname "$0")/lib.sh"
need /usr/bin/prometheus-node-exporter prometheus-node-exporter
need promtool prometheus
need curl curl

d=$STACK_TMP
start_listener "$listener_bin"
write_targets "$d/targets.yaml"
mkdir -p "$d/textfile"
prom=$d/textfile/veeam_port_monitor.prom
run_check() { "$check_bin" --config "$d/targets.yaml" --role agent --textfile "$prom"; }

rc=0
out=$(run_check) || rc=$?
echo "check: rc $rc: ${out%%$'\n'*}"
# The target file has a refused flow of severity warning: WARNING; the file does not change that.
[ "$rc" = 1 ] || fail "check --textfile: rc $rc (expected 1, WARNING): $out"
[ -s "$prom" ] || fail "no $prom written"

# The format, byte by byte.
promtool check metrics <"$prom" || fail "promtool check metrics rejected $prom"
[ "$(head -c 3 "$prom" | od -An -tx1 | tr -d ' ')" != efbbbf ] || fail "$prom starts with a BOM"
! grep -q $'\r' "$prom" || fail "$prom has CR line ends"
[ "$(tail -c 1 "$prom" | od -An -tx1 | tr -d ' ')" = 0a ] || fail "$prom lacks a final newline"
iconv -f UTF-8 -t UTF-8 "$prom" >/dev/null || fail "$prom is not UTF-8"
dups=$(grep -E '^# (HELP|TYPE) ' "$prom" | awk '{print $2, $3}' | sort | uniq -d)
[ -z "$dups" ] || fail "HELP/TYPE lines repeated: $dups"
# A sample line is name{labels} value: a timestamp would be one more field after the value.
stamped=$(grep -v '^#' "$prom" | sed -E 's/^[^ {]+(\{.*\})? //' | grep -c ' ' || true)
[ "$stamped" = 0 ] || fail "$stamped sample lines carry a timestamp"
for series in 'veeam_flow_up{flow="agent-to-repository",from="agent",to="backup_repository",target="127.0.0.1",protocol="tcp"} 0' \
  'veeam_flow_up{flow="agent-to-backup-server",from="agent",to="backup_server",target="127.0.0.1",protocol="tcp"} 1' \
  'veeam_flow_ports{flow="agent-components-data",target="127.0.0.1",protocol="tcp",state="refused"} 1'; do
  grep -qxF -- "$series" "$prom" || fail "$prom lacks: $series"
done
for family in veeam_flow_latency_seconds veeam_flow_last_run_timestamp_seconds; do
  grep -q "^$family{" "$prom" || fail "$prom has no $family"
done
samples=$(grep -cv '^#' "$prom")

# node_exporter with the textfile collector alone, on a free loopback port.
port=${FREE_PORTS[0]}
/usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
  --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$d/textfile" >"$d/node_exporter.out" 2>&1 &
track_pid $!
url=http://127.0.0.1:$port/metrics
wait_for 10 curl -fsS "$url" || { cat "$d/node_exporter.out"; fail "node_exporter did not answer on $url"; }

# scrape: node_exporter's page must say the file was read, and hold every sample of the file.
scrape() {
  curl -fsS "$url" >"$d/scrape" || fail "scrape of $url failed"
  grep -qx 'node_textfile_scrape_error 0' "$d/scrape" ||
    { grep textfile "$d/scrape" "$d/node_exporter.out"; fail "node_textfile_scrape_error is not 0"; }
  local served
  served=$(grep -c '^veeam_flow_' "$d/scrape" || true)
  [ "$served" = "$samples" ] || fail "node_exporter serves $served veeam_flow_ samples, the file has $samples"
}
scrape
grep -q '^veeam_flow_up{.*flow="agent-to-repository".*} 0$' "$d/scrape" ||
  fail "node_exporter does not serve agent-to-repository's veeam_flow_up 0"
echo "node_exporter serves the file's $samples samples with node_textfile_scrape_error 0"

# The check rewrites the file in a loop while node_exporter is scraped.
stop=$d/stop
(
  runs=0
  while [ ! -e "$stop" ]; do
    run_check >/dev/null || [ $? = 1 ] || { echo "rc $?" >"$d/loop.failed"; break; }
    runs=$((runs + 1))
  done
  echo "$runs" >"$d/loop.runs"
) &
loop=$!
track_pid $loop
scrapes=0
deadline=$((SECONDS + 4))
while [ "$SECONDS" -lt "$deadline" ]; do
  scrape
  scrapes=$((scrapes + 1))
done
touch "$stop"
wait "$loop"
[ ! -e "$d/loop.failed" ] || fail "a check in the loop failed: $(cat "$d/loop.failed")"
runs=$(cat "$d/loop.runs")
echo "$scrapes scrapes while the check rewrote the file $runs times: all read it whole"
[ "$runs" -ge 2 ] || fail "the check rewrote the file only $runs times during the scrapes"
leftovers=$(find "$d/textfile" -name '*.tmp')
[ -z "$leftovers" ] || fail "temporary files left behind: $leftovers"

# Writing fails: UNKNOWN (nothing worse was found), the flag and the path on the status line.
rc=0
out=$("$check_bin" --config "$d/targets.yaml" --role agent --textfile "$d/missing/veeam.prom") || rc=$?
[ "$rc" = 3 ] || fail "--textfile into a missing folder: rc $rc (expected 3): $out"
grep -qF -- "UNKNOWN - --textfile $d/missing/veeam.prom: cannot create" <<<"${out%%$'\n'*}" ||
  fail "the status line does not name --textfile and the path: $out"
echo "PASS"
