#!/usr/bin/env bash
# A live icinga2 daemon runs check_veeam_ports through the shipped CheckCommand on a target file
# with a passing and a failing flow, and hands the perfdata to a GraphiteWriter whose peer is a
# loopback sink. Icinga 2.13's perfdata parser rejects the value "U" (the writer logs "Ignoring
# invalid perfdata" on every check, issue 20): the daemon must log no such warning, the failing
# flow's _failed count and the passing flow's latency must reach the sink.
# Usage: icinga2_perfdata_test.sh CHECK_BIN LISTENER_BIN SOURCE_DIR
set -euo pipefail
check_bin=$1
listener_bin=$2
source_dir=$3
source "$(dirname "$0")/lib.sh"
need /usr/sbin/icinga2 icinga2-bin

d=$STACK_TMP
start_listener "$listener_bin"
write_targets "$d/targets.yaml"
"$listener_bin" 0 --sink >"$d/graphite.out" &
track_pid $!
wait_for 10 test -s "$d/graphite.out" || fail "the Graphite sink printed no port"
read -r graphite_port _ <"$d/graphite.out"

icinga2_in "$d"
ln -s "$check_bin" "$d/plugins/check_veeam_ports"
cat >"$d/icinga2.conf" <<CONF
const PluginDir = "$d/plugins"
include <itl>
include "$source_dir/packaging/icinga2/veeam-port-monitor-command.conf"
object CheckerComponent "checker" { }
object GraphiteWriter "graphite" {
  host = "127.0.0.1"
  port = $graphite_port
}
object Host "veeam-agent-01" {
  check_command = "dummy"
  address = "127.0.0.1"
}
object Service "veeam-flows-agent" {
  host_name = "veeam-agent-01"
  check_command = "veeam_ports"
  vars.veeam_ports_config = "$d/targets.yaml"
  vars.veeam_ports_role = "agent"
  check_interval = 1s
  retry_interval = 1s
}
CONF
# The daemon forks; a signal to the first process does not always end the others, so they run
# in their own session and the whole session is killed at the end.
setsid /usr/sbin/icinga2 daemon -c "$d/icinga2.conf" "${ICINGA2_DEFINES[@]}" >"$d/daemon.out" 2>&1 &
daemon=$!
disown "$daemon"  # killed below; no "Killed" notice from bash
stop_daemon() { kill -KILL -- "-$daemon" 2>/dev/null || true; }
trap 'stop_daemon; stack_cleanup' EXIT

# Three check results of the service, written to Graphite (about three seconds).
failed_metric='icinga2\.veeam-agent-01\.services\.veeam-flows-agent\.veeam_ports\.perfdata\.agent-to-repository_failed\.value 1 '
three_results() { [ "$(grep -c "$failed_metric" "$d/graphite.out")" -ge 3 ]; }
wait_for 30 three_results || {
  cat "$d/daemon.out"
  fail "no three results of the failing flow reached the GraphiteWriter's sink"
}
stop_daemon
if grep -i 'invalid perfdata' "$d/daemon.out"; then
  fail "icinga2 rejected perfdata of check_veeam_ports"
fi
grep -q 'perfdata\.agent-to-backup-server@127\.0\.0\.1\.value 0\.[0-9]* ' "$d/graphite.out" || {
  grep -v '^[0-9]' "$d/graphite.out" | head -n 20
  fail "the passing flow's latency did not reach Graphite"
}
grep -E 'agent-to-(repository|backup-server)' "$d/graphite.out" | sort -u -k1,1 | head -n 6
echo PASS
