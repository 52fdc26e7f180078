#!/usr/bin/env bash
# packaging/nrpe: Debian's NRPE daemon (nagios-nrpe-server) runs the shipped command
# check_veeam_ports_agent as user nagios, and check_nrpe (nagios-nrpe-plugin) brings back the
# status line, the perfdata, every long-output line and the exit code as the check gave them
# when run directly. The daemon listens on 127.0.0.1 only, on a free port, with its own
# configuration in a temporary directory; the target file's flows are loopback listeners.
# Usage: nrpe_test.sh CHECK_BIN LISTENER_BIN SOURCE_DIR
set -euo pipefail
check_bin=$1
listener_bin=$2
source_dir=$3
source "$(dirname "$0")/lib.sh"
need /usr/sbin/nrpe nagios-nrpe-server
need /usr/lib/nagios/plugins/check_nrpe nagios-nrpe-plugin

d=$STACK_TMP
start_listener "$listener_bin"
nrpe_port=${FREE_PORTS[0]}
# The check and its target file where user nagios can read them (mktemp -d makes $d 0700).
chmod 0755 "$d"
mkdir -p "$d/plugins"
install -m 0755 "$check_bin" "$d/plugins/check_veeam_ports"
write_targets "$d/targets.yaml"
chmod 0644 "$d/targets.yaml"
if [ "$(id -u)" = 0 ]; then
  run_as=nagios
  getent passwd nagios >/dev/null || skip "no user nagios (apt-get install nagios-nrpe-server)"
  runuser -u nagios -- test -x "$d/plugins/check_veeam_ports" 2>/dev/null ||
    skip "user nagios cannot reach $d (a parent directory is closed to others, e.g. a chroot's 0700 root)"
  as_user() { runuser -u nagios -- "$@"; }
else
  run_as=$(id -un)
  as_user() { "$@"; }
fi

# The shipped fragment, with the package's paths replaced by this build's.
sed -e "s|/usr/lib/nagios/plugins/check_veeam_ports|$d/plugins/check_veeam_ports|" \
  -e "s|/etc/veeam-port-monitor/targets.yaml|$d/targets.yaml|" \
  "$source_dir/packaging/nrpe/veeam-port-monitor.cfg" >"$d/veeam-port-monitor.cfg"
grep -q "^command\[check_veeam_ports_agent\]=$d/plugins/check_veeam_ports " "$d/veeam-port-monitor.cfg" ||
  fail "packaging/nrpe/veeam-port-monitor.cfg has no command check_veeam_ports_agent running the packaged check"
cat >"$d/nrpe.cfg" <<CFG
log_file=$d/nrpe.log
debug=0
pid_file=$d/nrpe.pid
server_address=127.0.0.1
server_port=$nrpe_port
nrpe_user=$run_as
nrpe_group=$run_as
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
command_timeout=60
include=$d/veeam-port-monitor.cfg
CFG
chmod 0644 "$d/nrpe.cfg" "$d/veeam-port-monitor.cfg"
/usr/sbin/nrpe -c "$d/nrpe.cfg" -f >"$d/nrpe.out" 2>&1 &
track_pid $!
check_nrpe=/usr/lib/nagios/plugins/check_nrpe
wait_for 10 "$check_nrpe" -H 127.0.0.1 -p "$nrpe_port" ||
  { cat "$d/nrpe.out" "$d/nrpe.log" 2>/dev/null; fail "nrpe did not answer on 127.0.0.1:$nrpe_port"; }

direct_rc=0
direct=$(as_user "$d/plugins/check_veeam_ports" --config "$d/targets.yaml" --role agent) || direct_rc=$?
nrpe_rc=0
through=$("$check_nrpe" -H 127.0.0.1 -p "$nrpe_port" -t 55 -c check_veeam_ports_agent) || nrpe_rc=$?
echo "direct:  rc $direct_rc, $(wc -l <<<"$direct") lines: ${direct%%$'\n'*}"
echo "nrpe:    rc $nrpe_rc, $(wc -l <<<"$through") lines: ${through%%$'\n'*}"
# The target file has a refused flow of severity warning: WARNING, from both.
[ "$direct_rc" = 1 ] || fail "the check itself: rc $direct_rc (expected 1, WARNING): $direct"
[ "$nrpe_rc" = "$direct_rc" ] || fail "through NRPE: rc $nrpe_rc, the check gave $direct_rc: $through"
# Latencies differ between two runs; everything else must be the same, line for line.
numbers_out() { sed -E 's/[0-9]+(\.[0-9]+)?/N/g' <<<"$1"; }
diff <(numbers_out "$direct") <(numbers_out "$through") ||
  fail "the output through NRPE differs from the check's own (beyond the measured numbers)"
perfdata=${through%%$'\n'*}
perfdata=${perfdata#*|}
for label in "'agent-to-backup-server@127.0.0.1'=" "'agent-to-repository_failed'=1;;;0;1" \
  "'agent-components-data_failed'=0;;;0;2"; do
  grep -qF -- "$label" <<<"$perfdata" || fail "perfdata through NRPE lacks $label: $perfdata"
done
[ "$(wc -l <<<"$through")" -gt 1 ] || fail "the long output did not come through NRPE: $through"
echo PASS
