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
  googletest libgtest-dev libgmock-dev    # the test suite
  prometheus                              # tests: promtool check metrics, a real Prometheus
  nagios4-core icinga2-bin                # tests: the shipped Nagios/Icinga definitions validate
  chromium                                # tests: the landing page in a headless browser
  jq curl systemd                         # tests: dashboard queries, systemd-analyze verify
  iproute2 nftables                       # tests that build firewalled network namespaces
  netbase                                 # /etc/hosts, so "localhost" never needs DNS
  ca-certificates
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages: ${missing[*]}; run as root (or: sudo $0)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

werror=OFF
[ "${CI:-}" = true ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPM_WARNINGS_AS_ERRORS=$werror >/dev/null
cmake --build build -j"$(nproc)"
