#!/usr/bin/env bash
# Builds the Windows installer from a Windows build directory, on Debian, with wixl (msitools):
#   scripts/build-msi.sh BUILD_DIR [VERSION [OUT_DIR]]
#     ->  OUT_DIR/veeam-port-monitor-VERSION-x64.msi (OUT_DIR: BUILD_DIR)
# VERSION defaults to the project's (CMakeLists.txt); the tests build an older one too. Source: packaging/windows/veeam-port-monitor.wxs.
#
# wixl 0.101 does not know some of WiX's attributes, so the script sets their effect in the
# built database with msibuild (SQL on the MSI tables):
#   - Component TargetFile: Permanent (16) and NeverOverwrite (128), besides 64-bit (256): the
#     admin's targets.yaml survives upgrades and uninstall, as a Debian conffile does;
#   - RemoveExistingProducts right after InstallValidate (WiX's Schedule="afterInstallValidate"):
#     an upgrade removes the old version, service included, before installing the new one;
#   - SecureCustomProperties lists the public properties, so they reach the service's
#     arguments and the deferred actions in a managed (GPO, SCCM, Intune) install.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: build-msi.sh BUILD_DIR [VERSION [OUT_DIR]]}" && pwd)"
version="${2:-$(sed -n 's/^project(veeam-port-monitor VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")}"
"$repo/scripts/install-packages.sh" wixl msitools >/dev/null

stage="$(mktemp -d)"
cp "$build/exporter/veeam_port_exporter.exe" "$build/nagios/check_veeam_ports.exe" "$stage/"
cp "$repo/packaging/windows/README.md" "$repo/config/targets.yaml" "$stage/"
out="$(cd "${3:-$build}" && pwd)"
msi="$out/veeam-port-monitor-$version-x64.msi"
rm -f "$msi"
# wixl finds the sources by the relative names in the .wxs, from the current directory.
(cd "$stage" && wixl -a x64 -D Version="$version" -o "$msi" \
  "$repo/packaging/windows/veeam-port-monitor.wxs")
secure=$(msiinfo export "$msi" Property | awk -F'\t' '$1 == "SecureCustomProperties" {print $2}')
msibuild "$msi" -q "UPDATE Component SET Attributes = 400 WHERE Component = 'TargetFile'" \
  -q "UPDATE InstallExecuteSequence SET Sequence = 1401 WHERE Action = 'RemoveExistingProducts'" \
  -q "UPDATE Property SET Value = '${secure:+$secure;}ROLE;LISTEN_ADDRESS;CONFIG;FIREWALL_RULE;VEEAM_EXPORT' WHERE Property = 'SecureCustomProperties'"
rm -rf "$stage"
echo "$msi"
