#!/usr/bin/env bash
# packaging/icinga2/distributed: the distributed example (master, a satellite per site, the
# backup servers as agents, the CheckCommand in the global zone) laid out as on a master, with
# the shipped command and services, must pass `icinga2 daemon -C`; then each backup server's
# service runs on its own endpoint and is scheduled in its site's zone.
# Usage: icinga2_zones_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
source "$(dirname "$0")/lib.sh"
need /usr/sbin/icinga2 icinga2-bin

d=$STACK_TMP
example=$source_dir/packaging/icinga2/distributed
icinga2_in "$d"
ICINGA2_DEFINES+=(-DZonesDir="$d/zones.d")  # as /etc/icinga2/zones.d on a master
cp "$example/zones.conf" "$d/zones.conf"
cp -r "$example/zones.d" "$d/zones.d"
mkdir -p "$d/zones.d/global-templates"
cp "$source_dir/packaging/icinga2/veeam-port-monitor-command.conf" "$d/zones.d/global-templates/"
cp "$source_dir/packaging/icinga2/veeam-port-monitor-services.conf" "$d/zones.d/master/"
cat >"$d/icinga2.conf" <<CONF
const PluginDir = "$d/plugins"
const NodeName = "master.example.test"
const ZoneName = "master"
include <itl>
include <plugins>
include "zones.conf"
CONF

icinga2_validate "$d" 6

/usr/sbin/icinga2 object list --type Service "${ICINGA2_DEFINES[@]}" >"$d/objects.out" 2>&1 ||
  { cat "$d/objects.out"; fail "icinga2 object list failed"; }
for service in vbr-a.example.test:a:veeam-flows-backup-server vbr-b.example.test:b:veeam-flows-backup-server \
  pc-a1.example.test:a:veeam-flows-agent "pc-a1.example.test:a:veeam-job-Nightly to VBR"; do
  IFS=: read -r host site name <<<"$service"
  attributes=$(awk -v o="Object '$host!$name'" \
    'index($0, o) {f = 1; next} /^Object /{f = 0} f' "$d/objects.out")
  [ -n "$attributes" ] || { cat "$d/objects.out"; fail "$name not applied to $host"; }
  grep -q "command_endpoint = \"$host\"" <<<"$attributes" ||
    fail "$host: the check does not run on the agent's endpoint: $attributes"
  grep -q "zone = \"site-$site\"" <<<"$attributes" || fail "$host: not scheduled in zone site-$site"
done
/usr/sbin/icinga2 object list --type CheckCommand --name veeam_ports "${ICINGA2_DEFINES[@]}" >"$d/command.out" 2>&1
grep -q 'zone = "global-templates"' "$d/command.out" ||
  { cat "$d/command.out"; fail "the CheckCommand is not in the global zone"; }
echo PASS
