#!/usr/bin/env bash
# packaging/icinga2/veeam-port-monitor-windows.conf: `icinga2 daemon -C` validates the Windows
# agents' CheckCommand and apply rule in a master/agent zone tree (a master zone, a global zone
# with the commands, one agent zone per Windows host), in a temporary directory. Then the
# object list shows the service on the Windows hosts only, run on each agent's endpoint with the
# .exe and the host's role.
# Usage: icinga2_windows_agent_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
source "$(dirname "$0")/lib.sh"
need /usr/sbin/icinga2 icinga2-bin

d=$STACK_TMP
icinga2_in "$d"
agent_zone() {  # agent_zone FQDN ROLE: endpoint, zone and host of one Windows agent
  cat <<CONF
object Endpoint "$1" { }
object Zone "$1" {
  endpoints = [ "$1" ]
  parent = "master"
}
object Host "$1" {
  zone = "master"  /* as if in the master's zones.d/master/ */
  check_command = "dummy"
  address = "127.0.0.1"
  vars.os = "Windows"
  vars.agent_endpoint = name
  vars.veeam_role = "$2"
}
CONF
}
cat >"$d/icinga2.conf" <<CONF
const PluginDir = "$d/plugins"
const NodeName = "master.example.test"
const ZoneName = "master"
include <itl>
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object Zone "global-templates" { global = true }
include "$source_dir/packaging/icinga2/veeam-port-monitor-command.conf"
include "$source_dir/packaging/icinga2/veeam-port-monitor-windows.conf"
$(agent_zone veeam-agent-01.example.test agent)
$(agent_zone veeam-backup-01.example.test backup_server)
object Host "linux-agent-01" {
  check_command = "dummy"
  address = "127.0.0.1"
  vars.veeam_role = "agent"
}
CONF

icinga2_validate "$d" 2

/usr/sbin/icinga2 object list --type Service "${ICINGA2_DEFINES[@]}" >"$d/objects.out" 2>&1 ||
  { cat "$d/objects.out"; fail "icinga2 object list failed"; }
service_of() {  # service_of HOST: its veeam-flows-windows object's attributes
  awk -v o="Object '$1!veeam-flows-windows'" 'index($0, o) {f = 1; next} /^Object /{f = 0} f' \
    "$d/objects.out"
}
for host_role in veeam-agent-01.example.test:agent veeam-backup-01.example.test:backup_server; do
  host=${host_role%%:*}
  role=${host_role#*:}
  attributes=$(service_of "$host")
  [ -n "$attributes" ] || { cat "$d/objects.out"; fail "veeam-flows-windows not applied to $host"; }
  grep -q "command_endpoint = \"$host\"" <<<"$attributes" ||
    fail "$host: the check does not run on the agent's endpoint: $attributes"
  grep -q "veeam_ports_role = \"$role\"" <<<"$attributes" || fail "$host: role is not $role"
done
grep -q "Object 'linux-agent-01!veeam-flows-windows'" "$d/objects.out" &&
  fail "the Windows service was applied to a host that is not Windows"
/usr/sbin/icinga2 object list --type CheckCommand --name veeam_ports_windows "${ICINGA2_DEFINES[@]}" \
  >"$d/command.out" 2>&1
grep -qF 'check_veeam_ports.exe' "$d/command.out" || { cat "$d/command.out"; fail "the command does not run the .exe"; }
for option in --config --role --hostname --ports --timeout --warning --critical --verbose; do
  grep -q -- "^    \* $option\$" "$d/command.out" || fail "CheckCommand veeam_ports_windows lacks $option"
done
echo PASS
