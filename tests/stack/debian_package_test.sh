#!/usr/bin/env bash
# The Debian package: built with CPack from this build tree, its contents and control files
# checked with dpkg-deb; as root it is installed with dpkg -i, the installed binaries run, the
# unit passes systemd-analyze verify, and the package is purged again (also on failure). A
# machine that already has veeam-port-monitor installed keeps it: the install part is skipped.
# Usage: debian_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
source "$(dirname "$0")/lib.sh"
need dpkg-deb dpkg
need cpack cmake

d=$STACK_TMP
cmake --build "$build_dir" --target check_veeam_ports veeam_port_exporter >"$d/build.log" 2>&1 ||
  { cat "$d/build.log"; fail "building the binaries failed"; }
(cd "$build_dir" && cpack -G DEB -B "$d/out" >"$d/cpack.log" 2>&1) ||
  { cat "$d/cpack.log" "$d"/out/_CPack_Packages/*/DEB/*.log 2>/dev/null; fail "cpack -G DEB failed"; }
deb=$(ls "$d"/out/veeam-port-monitor_*.deb)
echo "built $(basename "$deb")"

dpkg-deb -c "$deb" >"$d/contents"
expect_entry() {  # expect_entry MODE_PREFIX PATH
  grep -qE "^$1 .* \\./${2#/}( |\$)" "$d/contents" || { cat "$d/contents"; fail "package lacks $2 ($1)"; }
}
expect_entry -rwxr-xr-x /usr/bin/check_veeam_ports
expect_entry -rwxr-xr-x /usr/bin/veeam_port_exporter
expect_entry lrwxrwxrwx /usr/lib/nagios/plugins/check_veeam_ports
grep -q '\./usr/lib/nagios/plugins/check_veeam_ports -> \.\./\.\./\.\./bin/check_veeam_ports$' "$d/contents" ||
  fail "the plugin symlink does not point at /usr/bin/check_veeam_ports"
expect_entry '-rw.r--r--' /etc/veeam-port-monitor/targets.yaml
expect_entry '-rw.r--r--' /etc/default/veeam-port-exporter
expect_entry '-rw.r--r--' /lib/systemd/system/veeam-port-exporter.service
expect_entry '-rw.r--r--' /lib/systemd/system/veeam-port-monitor-textfile.service
expect_entry '-rw.r--r--' /lib/systemd/system/veeam-port-monitor-textfile.timer
for f in grafana/veeam-ports.json prometheus/veeam-port-monitor.rules.yml prometheus/prometheus.yml \
  nagios/veeam-port-monitor-commands.cfg nagios/veeam-port-monitor-services.cfg \
  icinga2/veeam-port-monitor-command.conf icinga2/veeam-port-monitor-services.conf \
  icinga2/veeam-port-monitor-windows.conf nrpe/veeam-port-monitor.cfg; do
  expect_entry '-rw.r--r--' "/usr/share/veeam-port-monitor/$f"
done
expect_entry '-rw.r--r--' /usr/lib/veeam-port-monitor/libssl.so
expect_entry '-rw.r--r--' /usr/lib/veeam-port-monitor/libcrypto.so
# Nothing else: no headers, static libraries, test binaries or fuzzers.
if grep -E '\.(a|h|hpp)$|/include/|_test|fuzz' "$d/contents"; then
  fail "the package carries build or test files"
fi

dpkg-deb -I "$deb" >"$d/info"
for field in 'Package: veeam-port-monitor' 'Architecture: amd64' 'Depends: .*libssl3' 'Depends: .*adduser'; do
  grep -qE "^ *$field" "$d/info" || { cat "$d/info"; fail "control lacks $field"; }
done
dpkg-deb -e "$deb" "$d/control"
diff <(sort "$d/control/conffiles") <(printf '%s\n' /etc/default/veeam-port-exporter /etc/veeam-port-monitor/targets.yaml) ||
  fail "conffiles differ"
for script in postinst prerm postrm; do
  [ -x "$d/control/$script" ] || fail "$script missing or not executable"
  sh -n "$d/control/$script" || fail "$script: syntax error"
done
# The unit is hardened.
unit=$source_dir/packaging/systemd/veeam-port-exporter.service
for line in 'User=veeam-port-monitor' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'CapabilityBoundingSet=$' \
  'PrivateTmp=yes' 'ProtectHome=yes'; do
  grep -q "^$line" "$unit" || fail "unit lacks $line"
done
echo "contents and control files: ok"

[ "$(id -u)" = 0 ] || skip "not root: dpkg -i, the installed binaries and systemd-analyze verify need root (contents checked)"
if dpkg-query -W -f='${Status}' veeam-port-monitor 2>/dev/null | grep -q 'installed'; then
  skip "veeam-port-monitor is already installed here; not replacing it (contents checked)"
fi
purge() {
  dpkg-statoverride --remove /etc/veeam-port-monitor/targets.yaml >/dev/null 2>&1 || true
  dpkg -P veeam-port-monitor >>"$d/dpkg.log" 2>&1 || true
}
trap 'purge; stack_cleanup' EXIT
dpkg -i "$deb" >"$d/dpkg.log" 2>&1 || { cat "$d/dpkg.log"; fail "dpkg -i failed"; }
# Like every Nagios plugin, --version exits 3 (UNKNOWN).
version_of() {
  local rc=0 out
  out=$("$1" --version 2>&1) || rc=$?
  [ "$rc" = 3 ] && [[ $out == "check_veeam_ports "* ]] || fail "$1 --version: rc $rc: $out"
  echo "$out"
}
version_of /usr/bin/check_veeam_ports
version_of /usr/lib/nagios/plugins/check_veeam_ports >/dev/null
/usr/bin/veeam_port_exporter --version
# Neither binary links OpenSSL (nor the exporter's shims): it is loaded when TLS is first used.
# (ldd's output is read whole first: `ldd | grep -q` under pipefail fails when grep stops
# reading before ldd has written everything.)
for binary in /usr/bin/check_veeam_ports /usr/bin/veeam_port_exporter; do
  libraries=$(ldd "$binary")
  if grep -E 'libssl|libcrypto' <<<"$libraries"; then
    fail "$binary links OpenSSL, which is to be loaded only for TLS"
  fi
done
/usr/bin/veeam_port_exporter --config.file=/etc/veeam-port-monitor/targets.yaml --role=agent --config.check
# Serving HTTPS, the exporter loads its private shims from /usr/lib/veeam-port-monitor (found
# through its RUNPATH $ORIGIN/../lib/veeam-port-monitor), which civetweb's dlopen then finds.
if command -v openssl >/dev/null && command -v curl >/dev/null; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$d/server.key" -out "$d/server.crt" >"$d/openssl.log" 2>&1 ||
    { cat "$d/openssl.log"; fail "openssl req failed"; }
  printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n' "$d/server.crt" "$d/server.key" \
    >"$d/web.yml"
  /usr/bin/veeam_port_exporter --config.file=/etc/veeam-port-monitor/targets.yaml --role=agent \
    --web.listen-address=127.0.0.1:0 --web.config.file="$d/web.yml" 2>"$d/tls.err" &
  tls_pid=$!
  track_pid "$tls_pid"
  wait_for 10 grep -q 'msg="Listening on"' "$d/tls.err" ||
    { cat "$d/tls.err"; fail "the installed exporter did not start serving TLS"; }
  tls_port=$(sed -n 's/.*msg="Listening on" address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$d/tls.err")
  curl -fsS --cacert "$d/server.crt" "https://127.0.0.1:$tls_port/-/healthy" >/dev/null ||
    { cat "$d/tls.err"; fail "the installed exporter does not answer over HTTPS"; }
  maps=$(cat "/proc/$tls_pid/maps")
  grep -q ' /usr/lib/veeam-port-monitor/libssl\.so$' <<<"$maps" ||
    fail "the exporter serving TLS did not load /usr/lib/veeam-port-monitor/libssl.so"
  kill "$tls_pid"
  wait "$tls_pid" || true
  echo "HTTPS through /usr/lib/veeam-port-monitor/libssl.so: ok"
else
  echo "note: no openssl or curl (apt-get install openssl curl); HTTPS of the installed exporter not checked"
fi
getent passwd veeam-port-monitor >/dev/null || fail "postinst did not create the user veeam-port-monitor"
targets=/etc/veeam-port-monitor/targets.yaml
mode_of_targets() { stat -c %U:%G:%a "$targets"; }
[ "$(mode_of_targets)" = root:root:644 ] || fail "targets.yaml is $(mode_of_targets), not root:root:644"
# The service user can read the config (the unit runs the exporter as that user), and so can
# user nagios, as whom nagios4, icinga2 and NRPE run the check on Debian (issue 20: with
# root:veeam-port-monitor 0640 the check exited 3 "cannot read: Permission denied").
# (Only where an unprivileged user can run programs at all: inside a chroot whose root directory
# is 0700, as mktemp -d makes it, nobody but root can, and that says nothing about the package.)
check_as_nagios() {  # the packaged check, as Nagios runs it; any verdict but UNKNOWN
  local rc=0 out
  out=$(runuser -u nagios -- /usr/lib/nagios/plugins/check_veeam_ports --config "$targets" \
    --role agent -t 1 2>&1) || rc=$?
  { [ "$rc" != 3 ] && ! grep -q 'cannot read' <<<"$out"; } ||
    fail "$1: the check run as nagios: rc $rc: $(head -n 3 <<<"$out")"
  echo "$1: the check as user nagios: rc $rc: $(head -n 1 <<<"$out" | cut -c1-100)"
}
if command -v runuser >/dev/null && runuser -u veeam-port-monitor -- /bin/true 2>/dev/null; then
  runuser -u veeam-port-monitor -- /usr/bin/veeam_port_exporter \
    --config.file="$targets" --role=agent --config.check
  if getent passwd nagios >/dev/null; then
    check_as_nagios "fresh install"
    # An install of the earlier package left root:veeam-port-monitor 0640: the upgrade (here a
    # reinstall, which runs postinst configure the same way) makes it readable again.
    chown root:veeam-port-monitor "$targets" && chmod 0640 "$targets"
    dpkg -i "$deb" >>"$d/dpkg.log" 2>&1 || { cat "$d/dpkg.log"; fail "dpkg -i (upgrade) failed"; }
    [ "$(mode_of_targets)" = root:root:644 ] ||
      fail "the upgrade left targets.yaml $(mode_of_targets), unreadable by nagios"
    check_as_nagios "upgrade from 0640"
    # A mode the admin set with dpkg-statoverride is theirs: postinst leaves it.
    dpkg-statoverride --add root veeam-port-monitor 0640 "$targets"
    chown root:veeam-port-monitor "$targets" && chmod 0640 "$targets"
    dpkg -i "$deb" >>"$d/dpkg.log" 2>&1 || { cat "$d/dpkg.log"; fail "dpkg -i (override) failed"; }
    dpkg-statoverride --remove "$targets"
    [ "$(mode_of_targets)" = root:veeam-port-monitor:640 ] ||
      fail "postinst changed targets.yaml despite a dpkg-statoverride: $(mode_of_targets)"
    echo "a dpkg-statoverride on targets.yaml is kept"
  else
    echo "note: no user nagios here (apt-get install nagios4-core); the check as nagios not run"
  fi
else
  echo "note: an unprivileged user cannot run programs here; service-user check not run"
fi
# The textfile timer is shipped disabled, and its service's command line writes the file.
[ ! -e /etc/systemd/system/timers.target.wants/veeam-port-monitor-textfile.timer ] ||
  fail "the package enabled veeam-port-monitor-textfile.timer"
textfile_unit=/lib/systemd/system/veeam-port-monitor-textfile.service
exec_start=$(sed -n 's/^ExecStart=//p' "$textfile_unit")
exec_start=${exec_start//'${VPM_ROLE}'/agent}
exec_start=${exec_start//'${VPM_TEXTFILE}'/$d/veeam_port_monitor.prom}
textfile_rc=0
$exec_start >"$d/textfile.out" || textfile_rc=$?
[ "$textfile_rc" -le 2 ] || { cat "$d/textfile.out"; fail "the textfile service's command: rc $textfile_rc"; }
grep -q '^veeam_flow_up{' "$d/veeam_port_monitor.prom" ||
  fail "the textfile service's command wrote no veeam_flow_up"
echo "textfile timer: disabled; its command wrote $(grep -cv '^#' "$d/veeam_port_monitor.prom") samples"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/veeam-port-exporter.service "$textfile_unit" \
    /lib/systemd/system/veeam-port-monitor-textfile.timer >"$d/verify.log" 2>&1 ||
    { cat "$d/verify.log"; fail "systemd-analyze verify failed"; }
  [ -s "$d/verify.log" ] && { cat "$d/verify.log"; fail "systemd-analyze verify warned"; }
  echo "systemd-analyze verify: clean"
  systemd-analyze security --offline=true /lib/systemd/system/veeam-port-exporter.service 2>/dev/null |
    tail -1 || true
else
  fail "systemd-analyze missing: apt-get install systemd"
fi
dpkg -P veeam-port-monitor >>"$d/dpkg.log" 2>&1 || { cat "$d/dpkg.log"; fail "dpkg -P failed"; }
[ ! -e /usr/bin/check_veeam_ports ] || fail "purge left /usr/bin/check_veeam_ports"
! getent passwd veeam-port-monitor >/dev/null || fail "purge left the user veeam-port-monitor"
echo PASS
