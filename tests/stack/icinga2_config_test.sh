#!/usr/bin/env bash
# packaging/icinga2: `icinga2 daemon -C` validates a minimal configuration (the ITL, the
# CheckCommand, the example services and two hosts, one per role) in a temporary directory:
# no running daemon and no system directory is touched. Then the object list shows the services
# applied to the right hosts with the command's arguments.
# Usage: icinga2_config_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
source "$(dirname "$0")/lib.sh"
need /usr/sbin/icinga2 icinga2-bin

d=$STACK_TMP
icinga2_in "$d"
cat >"$d/icinga2.conf" <<CONF
const PluginDir = "$d/plugins"
include <itl>
include "$source_dir/packaging/icinga2/veeam-port-monitor-command.conf"
include "$source_dir/packaging/icinga2/veeam-port-monitor-services.conf"

object Host "veeam-agent-01" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.veeam_role = "agent"
  vars.veeam_export = "C:/ProgramData/Veeam/Endpoint/!Configuration/agent-export.xml"
  vars.veeam_jobs = [ "Nightly to VBR", "To the share" ]
}
object Host "veeam-agent-02" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.veeam_role = "agent"
}
object Host "veeam-backup-01" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.veeam_role = "backup_server"
}
CONF

icinga2_validate "$d" 6

# The objects icinga2 -C wrote: which host got which service with which role.
/usr/sbin/icinga2 object list --type Service "${ICINGA2_DEFINES[@]}" >"$d/objects.out" 2>&1 ||
  { cat "$d/objects.out"; fail "icinga2 object list failed"; }
for expected in 'veeam-agent-01!veeam-flows-agent' 'veeam-backup-01!veeam-flows-backup-server' \
  'veeam-backup-01!veeam-backup-server-port-10005' 'veeam-agent-01!veeam-job-Nightly to VBR' \
  'veeam-agent-01!veeam-job-To the share' 'veeam-agent-02!veeam-flows-agent'; do
  grep -q "Object '$expected'" "$d/objects.out" || { cat "$d/objects.out"; fail "$expected not applied"; }
done
# A service per job, with the job and the export as the check's arguments.
/usr/sbin/icinga2 object list --type Service --name 'veeam-agent-01!veeam-job-Nightly to VBR' \
  "${ICINGA2_DEFINES[@]}" >"$d/job.out" 2>&1
grep -q '\* veeam_ports_job = "Nightly to VBR"' "$d/job.out" || { cat "$d/job.out"; fail "job service lacks veeam_ports_job"; }
grep -q 'veeam_ports_veeam_export = "C:/ProgramData/Veeam' "$d/job.out" || { cat "$d/job.out"; fail "job service lacks the export"; }
if grep -q "Object 'veeam-agent-02!veeam-job-" "$d/objects.out"; then
  fail "a job service was applied to an agent without jobs"
fi
if grep -q "Object 'veeam-agent-01!veeam-flows-backup-server'" "$d/objects.out"; then
  fail "the backup_server service was applied to the agent"
fi
/usr/sbin/icinga2 object list --type CheckCommand --name veeam_ports "${ICINGA2_DEFINES[@]}" >"$d/command.out" 2>&1
grep -q "Object 'veeam_ports' of type 'CheckCommand'" "$d/command.out" || { cat "$d/command.out"; fail "CheckCommand veeam_ports missing"; }
for option in --config --role --veeam-export --job --hostname --ports --udp --expect --timeout --warning --critical \
  --cert-warning-days --cert-critical-days --verbose; do
  grep -q -- "^    \* $option\$" "$d/command.out" || fail "CheckCommand veeam_ports lacks $option"
done
echo PASS
