#!/usr/bin/env bash
# Installs what veeam-port-monitor needs on Debian 12 (as root), then configures and builds
# it into ./build. Safe to run again: apt-get skips what is there, cmake rebuilds what changed.
# CI=true makes warnings errors.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake make pkg-config               # toolchain (a minimal Debian has none of it)
  libboost-dev libyaml-cpp-dev            # the probe core: Boost.Asio 1.74, yaml-cpp 0.7
  libssl-dev openssl                      # the tls check (OpenSSL 3); tests make certificates
  prometheus-cpp-dev libcivetweb-dev      # the exporter: metric families, HTTP server
  libcrypt-dev                            # the exporter: bcrypt basic-auth hashes (crypt_r)
  zlib1g-dev                              # the exporter: gzip for /metrics
  libexpat1-dev                           # the core: Veeam Agent's XML configuration export
  googletest libgtest-dev libgmock-dev    # the test suite
  iproute2 nftables                       # tests that build firewalled network namespaces
  netbase                                 # /etc/hosts, so "localhost" never needs DNS
  ca-certificates
)
# The real tools some tests drive. Their maintainer scripts can fail where the rest works
# (icinga2-bin's postinst inside a chroot, say): then those tests skip and say why.
test_tools=(
  prometheus                              # promtool check metrics, a real Prometheus
  msmtp-mta                               # a mail agent for nagios4 that needs no configuring
  nagios4-core icinga2-common icinga2-bin # the shipped Nagios/Icinga definitions validate
  nagios-nrpe-server nagios-nrpe-plugin   # the NRPE fragment, run through NRPE and check_nrpe
  chromium                                # the landing page in a headless browser
  jq curl systemd                         # dashboard queries, systemd-analyze verify
  prometheus-node-exporter                # the check's --textfile read by the textfile collector
  samba                                   # the smb check against a real smbd (its own conf)
)
missing_of() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
mapfile -t missing < <(missing_of "${packages[@]}")
mapfile -t missing_tools < <(missing_of "${test_tools[@]}")
if [ $((${#missing[@]} + ${#missing_tools[@]})) -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages: ${missing[*]} ${missing_tools[*]}; run as root (or: sudo $0)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  [ ${#missing[@]} -eq 0 ] ||
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ ${#missing_tools[@]} -gt 0 ] &&
     ! apt-get install -y -qq --no-install-recommends "${missing_tools[@]}" >/dev/null 2>&1; then
    echo "setup: some test tools did not install cleanly; the tests that need them will skip:" \
      "$(missing_of "${test_tools[@]}" | tr '\n' ' ')" >&2
    dpkg --configure -a >/dev/null 2>&1 || true
  fi
  # The tests start their own smbd on a free loopback port; the package's daemons would take
  # 127.0.0.1:139, where SmbCheck.OnPort139StartsANetbiosSession runs its fake.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now smbd nmbd samba-ad-dc >/dev/null 2>&1 || true
  fi
fi

werror=OFF
[ "${CI:-}" = true ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPM_WARNINGS_AS_ERRORS=$werror >/dev/null
cmake --build build -j"$(nproc)"
