#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are not installed yet (as root),
# and fails only if one of THEM is not installed afterwards: apt-get also exits non-zero when
# an unrelated package's maintainer script failed earlier (icinga2-bin's postinst inside a
# chroot, say), which must not stop a build that does not need it.
# Usage: scripts/install-packages.sh [--with-recommends] PACKAGE...
set -euo pipefail
recommends=(--no-install-recommends)
if [ "${1:-}" = --with-recommends ]; then
  recommends=()
  shift
fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in "$@"; do installed "$p" || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${recommends[@]}" -o DPkg::Lock::Timeout=600 "${missing[@]}" \
  >/dev/null || true
status=0
for p in "${missing[@]}"; do
  installed "$p" || { echo "install-packages: could not install $p" >&2; status=1; }
done
exit $status
