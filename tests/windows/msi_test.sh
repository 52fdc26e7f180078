#!/usr/bin/env bash
# The MSI (packaging/windows/veeam-port-monitor.wxs, scripts/build-msi.sh) under Wine, in a
# Wine prefix of its own (a clean "machine"): a silent install with public properties, the
# service registered with them and serving /metrics on loopback, the installed check, an upgrade
# that keeps an edited targets.yaml, and an uninstall that removes the programs and the service
# and keeps it. Then the MSI's tables, read with msiinfo.
# Usage: tests/windows/msi_test.sh WINDOWS_BUILD_DIR
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "$1" && pwd)"
work=$(mktemp -d)
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all
cleanup() { wineserver -k >/dev/null 2>&1 || true; [ -n "${MSI_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "msi: FAIL: $*" >&2; exit 1; }
step() { echo "msi: $*"; }
# Wine's msiexec has once (in about 10 runs) hung after the last custom action of an upgrade:
# each call gets 180 s, and a hang ends the test with status 124 (the caller may run it again
# on a fresh prefix) instead of hanging CI.
msiexec() {
  local rc=0
  timeout 180 wine msiexec "$@" || rc=$?
  if [ "$rc" = 124 ]; then
    echo "msi: HUNG: wine msiexec $* did not end within 180 s" >&2
    exit 124
  fi
  return "$rc"
}

version=$(sed -n 's/^project(veeam-port-monitor VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
new_msi=$("$repo/scripts/build-msi.sh" "$build" "$version" "$work")
old_msi=$("$repo/scripts/build-msi.sh" "$build" 0.0.1 "$work")
mid_msi=$("$repo/scripts/build-msi.sh" "$build" 0.0.2 "$work")

# The tables, as wixl and build-msi.sh wrote them.
table() { msiinfo export "$new_msi" "$1"; }
# has TABLE GREP_ARGS...: the table holds a matching row. (Read whole first: under pipefail,
# grep -q stopping early would fail msiinfo's write.)
has() { local text; text=$(table "$1"); shift; grep -q "$@" <<<"$text"; }
has Component -P '^TargetFile\t\{[0-9A-F-]+\}\tDATADIR\t400\t' ||
  fail "targets.yaml's component is not Permanent and NeverOverwrite: $(table Component)"
has CustomAction -F -- '--service=install-and-start --config.file="[CONFIG]" --role=[ROLE] --web.listen-address=[LISTEN_ADDRESS]' ||
  fail "the service is not registered with ROLE, LISTEN_ADDRESS and CONFIG: $(table CustomAction)"
for action in 'DefaultConfig\tNOT CONFIG\t1001' 'RegisterService\tNOT REMOVE AND NOT VEEAM_EXPORT\t' \
  'RegisterServiceWithExport\tNOT REMOVE AND VEEAM_EXPORT\t' \
  'UnregisterService\tREMOVE = "ALL"\t'; do
  has InstallExecuteSequence -P "^$action" || fail "InstallExecuteSequence lacks $action: $(table InstallExecuteSequence)"
done
has Property -P '^SecureCustomProperties\t.*ROLE;LISTEN_ADDRESS;CONFIG;FIREWALL_RULE;VEEAM_EXPORT' ||
  fail "SecureCustomProperties lacks the public properties: $(table Property)"
# Defaults, and the values the installed version saved (read back by an upgrade without them).
for action in 'DefaultRole\t[0-9]+\tROLE\tagent' 'DefaultListenAddress\t[0-9]+\tLISTEN_ADDRESS\t:10387' \
  'RestoreRole\t[0-9]+\tROLE\t\[SAVED_ROLE\]' 'RestoreVeeamExport\t[0-9]+\tVEEAM_EXPORT\t\[SAVED_VEEAM_EXPORT\]'; do
  has CustomAction -P "^$action" || fail "CustomAction lacks $action: $(table CustomAction)"
done
for property in ROLE LISTEN_ADDRESS CONFIG FIREWALL_RULE VEEAM_EXPORT; do
  has AppSearch -P "^SAVED_$property\t" || fail "AppSearch does not read SAVED_$property: $(table AppSearch)"
  has InstallExecuteSequence -P "^Restore[A-Za-z]*\tNOT $property AND SAVED_$property\t5[0-9]\r?$" ||
    fail "no restore of $property right after AppSearch: $(table InstallExecuteSequence)"
done
has Registry -P '^reg[0-9A-F]+\t2\tSOFTWARE\\veeam-port-monitor\\?\tRole\t\[ROLE\]\tSettings' ||
  fail "the role is not saved in the registry: $(table Registry)"
for value in 'EventMessageFile\t\[#veeam_port_exporter.exe\]\tExporter' 'TypesSupported\t#7\tExporter'; do
  has Registry -P "^reg[0-9A-F]+\t2\tSYSTEM\\\\CurrentControlSet\\\\Services\\\\EventLog\\\\Application\\\\veeam_port_exporter\\\\?\t$value" ||
    fail "Registry lacks the event source's $value: $(table Registry)"
done
has Upgrade WIX_UPGRADE_DETECTED || fail "no MajorUpgrade: $(table Upgrade)"
has InstallExecuteSequence -P '^RemoveExistingProducts\t\t1401\r?$' ||
  fail "RemoveExistingProducts is not right after InstallValidate"
step "tables: ok"

wineboot -i >/dev/null 2>&1
# Port 0: the service's log says which port it got (no guess that another test may take).
listen=127.0.0.1:0
c="$WINEPREFIX/drive_c"
programs="$c/Program Files/veeam-port-monitor"
targets="$c/ProgramData/veeam-port-monitor/targets.yaml"
service_key='HKLM\System\CurrentControlSet\Services\veeam_port_exporter'
# wine_to FILE COMMAND...: a Wine program's output into FILE. Never $(wine ...): a service that
# Wine starts meanwhile inherits the pipe, and the substitution would wait for it forever.
wine_to() { local file=$1; shift; wine "$@" >"$file" 2>&1; }
event_source_key='HKLM\System\CurrentControlSet\Services\EventLog\Application\veeam_port_exporter'
event_message_file() {
  wine_to "$work/reg-event.out" reg query "$event_source_key" /v EventMessageFile || true
  tr -d '\r' <"$work/reg-event.out" | sed -n 's/.*EventMessageFile *REG_[A-Z_]* *//p'
}
image_path() {
  wine_to "$work/reg.out" reg query "$service_key" /v ImagePath || true
  tr -d '\r' <"$work/reg.out" | sed -n 's/.*ImagePath *REG_[A-Z_]* *//p'
}
# The ImagePath once the installer's session is over. The first Wine session after an install
# has once (in 6 runs) not found the key that the next one found: ask for up to 10 s.
installed_image_path() {
  local path=
  for _ in $(seq 10); do
    path=$(image_path)
    [ -n "$path" ] && break
    sleep 1
  done
  printf '%s' "$path"
}

step "install $(basename "$old_msi") /qn ROLE=backup_server LISTEN_ADDRESS=$listen"
msiexec /i "$old_msi" /qn ROLE=backup_server "LISTEN_ADDRESS=$listen" ||
  fail "msiexec /i exited $?"
wineserver -w  # the installer's session ends (with its lock on the Service Control Manager)
for f in "$programs/veeam_port_exporter.exe" "$programs/check_veeam_ports.exe" "$targets"; do
  [ -f "$f" ] || fail "not installed: $f"
done
path=$(installed_image_path)
step "ImagePath: $path"
[[ $path == *'veeam_port_exporter.exe" --service=run '* ]] || fail "ImagePath does not run the service: $path"
[[ $path == *'--role=backup_server '* ]] || fail "ImagePath lacks --role=backup_server"
[[ $path == *"--web.listen-address=$listen "* ]] || fail "ImagePath lacks the listen address"
[[ $path == *'--config.file=C:\ProgramData\veeam-port-monitor\targets.yaml '* ]] ||
  fail "ImagePath's --config.file is not the installed target file"
# The event source, registered by the MSI's Registry table and the service's install.
[ "$(event_message_file)" = 'C:\Program Files\veeam-port-monitor\veeam_port_exporter.exe' ] ||
  fail "the event source's EventMessageFile is not the installed exporter: $(cat "$work/reg-event.out")"
step "event source: $event_source_key"
# The service runs. Wine's installer locks the Service Control Manager, so the install could
# not start it (on Windows it does), and Wine runs services only while another Wine program
# runs in the prefix: a console exporter keeps the session while sc starts the service.
# (The build's copy, not the installed one, which the upgrade and the uninstall must replace.)
wine "$build/exporter/veeam_port_exporter.exe" \
  --config.file='C:\ProgramData\veeam-port-monitor\targets.yaml' --web.listen-address=127.0.0.1:0 \
  >"$work/keeper.out" 2>&1 &
keeper=$!
trap 'kill $keeper 2>/dev/null || true; cleanup' EXIT
log="$c/ProgramData/veeam-port-monitor/veeam_port_exporter.log"
# (Wine's sc start fails now and then while the session starts: try again until the log exists.)
for _ in $(seq 10); do
  [ -s "$log" ] && break
  wine sc start veeam_port_exporter >>"$work/sc.out" 2>&1 || sleep 1
done
# Its log (in the folder that --service=install let LocalService write to) says where it
# listens, and /metrics answers there.
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" 2>/dev/null | tail -n 1) || true
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || fail "the installed service did not start listening: $(tail -n 5 "$log" 2>&1)"
curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics" || true
grep -q '^veeam_port_exporter_build_info' "$work/metrics" 2>/dev/null ||
  fail "the installed service does not serve /metrics on 127.0.0.1:$port"
step "the service serves /metrics on 127.0.0.1:$port"
# RegisterEventSourceW succeeded, and no ReportEventW failed (Wine keeps no event log to read:
# its ReportEventW only traces the strings, so the events themselves are not checked).
grep -q 'msg="Reporting warnings, errors, start, stop and reload to the event log"' "$log" ||
  fail "the service does not report to the event log: $(grep -i 'event log' "$log")"
! grep -q 'Cannot report to' "$log" || fail "the event log refused a report: $(grep 'Cannot report' "$log")"
step "the service reports to the event log (source veeam_port_exporter)"
rc=0
wine_to "$work/check.out" "C:\\Program Files\\veeam-port-monitor\\check_veeam_ports.exe" \
  --config 'C:\ProgramData\veeam-port-monitor\targets.yaml' --role agent -t 1 || rc=$?
out=$(tr -d '\r' <"$work/check.out")
[ "$rc" -le 2 ] && [[ $out == "VEEAM PORTS "* ]] || fail "the installed check: rc $rc: $out"
step "the installed check: rc $rc: ${out%%$'\n'*}" | cut -c1-150

# An upgrade without properties keeps the role and the address of the first install.
step "upgrade to $(basename "$mid_msi") /qn, no properties"
msiexec /i "$mid_msi" /qn || fail "upgrade without properties exited $?"
path=$(installed_image_path)
[[ $path == *'--role=backup_server '* ]] || fail "an upgrade without ROLE did not keep backup_server: $path"
[[ $path == *"--web.listen-address=$listen "* ]] || fail "an upgrade without LISTEN_ADDRESS lost it: $path"
[[ $path == *'--config.file=C:\ProgramData\veeam-port-monitor\targets.yaml '* ]] ||
  fail "an upgrade without CONFIG changed --config.file: $path"
step "upgrade without properties: --role=backup_server and $listen kept"

printf '# edited by the admin\n' >>"$targets"
# FIREWALL_RULE=1 runs the rule's step (Wine's netsh accepts it and does nothing). VEEAM_EXPORT:
# an export whose only job's backup server is 127.0.0.1 (nothing beyond loopback is probed).
cat >"$c/ProgramData/veeam-port-monitor/agent-export.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<ExecutionResult ExitCode="0" Version="6.3.0.177">
  <Data>
    <JobInfo JobName="Nightly to VBR" ConfigId="11111111-2222-3333-4444-555555555555">
      <TargetInfo Type="3" ServerName="127.0.0.1" ServerPort="10005" RemoteRepositoryName="Default"/>
    </JobInfo>
  </Data>
</ExecutionResult>
XML
export_file='C:\ProgramData\veeam-port-monitor\agent-export.xml'
step "upgrade to $(basename "$new_msi") /qn ROLE=agent FIREWALL_RULE=1 VEEAM_EXPORT=$export_file"
msiexec /i "$new_msi" /qn ROLE=agent "LISTEN_ADDRESS=$listen" FIREWALL_RULE=1 \
  "VEEAM_EXPORT=$export_file" || fail "upgrade exited $?"
grep -q '^# edited by the admin$' "$targets" || fail "the upgrade overwrote the edited targets.yaml"
path=$(installed_image_path)
[[ $path == *'--role=agent '* ]] || fail "after the upgrade, ImagePath: $path"
[[ $path == *"--veeam.export-file=$export_file"* ]] ||
  fail "after the upgrade, ImagePath lacks --veeam.export-file: $path"
wine_to "$work/uninstall-keys.out" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s || true
products=$(tr -d '\r' <"$work/uninstall-keys.out" | grep -c 'DisplayName.*veeam-port-monitor' || true)
[ "$products" = 1 ] || fail "after the upgrade, $products products named veeam-port-monitor are installed"
step "upgrade: one product, targets.yaml kept, the service runs with --role=agent"

step "uninstall"
msiexec /x "$new_msi" /qn || fail "msiexec /x exited $?"
[ ! -e "$programs/veeam_port_exporter.exe" ] || fail "uninstall left the exporter"
[ ! -e "$programs/check_veeam_ports.exe" ] || fail "uninstall left the check"
[ -z "$(image_path)" ] || fail "uninstall left the service"
[ -z "$(event_message_file)" ] || fail "uninstall left the event source"
grep -q '^# edited by the admin$' "$targets" || fail "uninstall removed the edited targets.yaml"
step "uninstall: programs and service gone, targets.yaml kept"
echo "msi: PASS"
