#!/usr/bin/env bash
# packaging/nagios: Debian's nagios4 verifies (nagios4 -v) a minimal main config that includes
# the command and service definitions, with hosts in both example host groups; then the config
# mode command line, as Nagios would expand it, runs the real plugin.
# Usage: nagios4_config_test.sh CHECK_BINARY SOURCE_DIR
set -euo pipefail
check=$1
source_dir=$2
source "$(dirname "$0")/lib.sh"
need /usr/sbin/nagios4 nagios4-core

d=$STACK_TMP
mkdir -p "$d/var/spool/checkresults"
cat >"$d/resource.cfg" <<CFG
\$USER1\$=$d/plugins
CFG
mkdir -p "$d/plugins"
ln -s "$check" "$d/plugins/check_veeam_ports"
cat >"$d/objects.cfg" <<'CFG'
define timeperiod {
    timeperiod_name 24x7
    alias           24 Hours A Day, 7 Days A Week
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    notify-by-nothing
    command_line    /bin/true
}
define command {
    command_name    check-host-alive
    command_line    /bin/true
}
define contact {
    contact_name                  nagiosadmin
    alias                         Nagios Admin
    host_notifications_enabled    0
    service_notifications_enabled 0
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    notify-by-nothing
    service_notification_commands notify-by-nothing
}
define contactgroup {
    contactgroup_name admins
    alias             Nagios Administrators
    members           nagiosadmin
}
define host {
    host_name             veeam-agent-01
    address               127.0.0.1
    hostgroups            veeam-agents
    check_command         check-host-alive
    max_check_attempts    3
    check_period          24x7
    notification_interval 60
    notification_period   24x7
    contact_groups        admins
}
define host {
    host_name             veeam-backup-01
    address               127.0.0.1
    hostgroups            veeam-backup-servers
    check_command         check-host-alive
    max_check_attempts    3
    check_period          24x7
    notification_interval 60
    notification_period   24x7
    contact_groups        admins
}
CFG
cat >"$d/nagios.cfg" <<CFG
log_file=$d/nagios.log
cfg_file=$d/objects.cfg
cfg_file=$source_dir/packaging/nagios/veeam-port-monitor-commands.cfg
cfg_file=$source_dir/packaging/nagios/veeam-port-monitor-services.cfg
resource_file=$d/resource.cfg
status_file=$d/status.dat
temp_file=$d/nagios.tmp
temp_path=$d
lock_file=$d/nagios.lock
check_result_path=$d/var/spool/checkresults
object_cache_file=$d/objects.cache
precached_object_file=$d/objects.precache
state_retention_file=$d/retention.dat
command_file=$d/nagios.cmd
nagios_user=$(id -un)
nagios_group=$(id -gn)
check_external_commands=0
enable_notifications=0
illegal_macro_output_chars=\`~\$&|'"<>
CFG

if ! /usr/sbin/nagios4 -v "$d/nagios.cfg" >"$d/verify.out" 2>&1; then
  cat "$d/verify.out"
  fail "nagios4 -v rejected the definitions"
fi
grep -E 'Total (Warnings|Errors)' "$d/verify.out"
grep -q 'Total Warnings: 0' "$d/verify.out" || { cat "$d/verify.out"; fail "nagios4 -v warned"; }
grep -q 'Checked 3 services' "$d/verify.out" || { cat "$d/verify.out"; fail "expected 3 services"; }

# The command lines as Nagios expands them ($USER1$, $ARGn$, $HOSTADDRESS$) run the plugin.
expand() {  # expand COMMAND_NAME ARG1 ARG2: the command line with the macros replaced
  local line
  line=$(awk -v c="$1" '$1 == "command_name" && $2 == c {f = 1} f && $1 == "command_line" {
    sub(/^[ \t]*command_line[ \t]+/, ""); print; exit}' "$source_dir/packaging/nagios/veeam-port-monitor-commands.cfg")
  line=${line//\$USER1\$/$d/plugins}
  line=${line//\$ARG1\$/$2}
  line=${line//\$ARG2\$/$3}
  line=${line//\$HOSTADDRESS\$/127.0.0.1}
  local shipped=/etc/veeam-port-monitor/targets.yaml
  line=${line//"$shipped"/$source_dir/config/targets.yaml}
  printf '%s' "$line"
}
rc=0
out=$(eval "$(expand check_veeam_ports_config agent '-w 0.5 -c 2')") || rc=$?
echo "config mode: rc=$rc ${out%%$'\n'*}"
[ "$rc" -le 2 ] || fail "config mode returned UNKNOWN: $out"
rc=0
out=$(eval "$(expand check_veeam_ports_adhoc 1 '--expect closed -t 1')") || rc=$?
echo "ad-hoc mode: rc=$rc ${out%%$'\n'*}"
[ "$rc" = 0 ] || fail "ad-hoc mode on a closed port with --expect closed: rc $rc: $out"
echo PASS
