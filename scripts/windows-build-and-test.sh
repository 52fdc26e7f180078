#!/usr/bin/env bash
# The Windows x86-64 build, end to end, on this Debian machine (issue 8):
#   1. the static dependencies from Debian's source packages (scripts/build-windows-deps.sh;
#      the first run builds OpenSSL, civetweb and prometheus-cpp, about 3 minutes on 2 cores;
#      later runs reuse the prefix)
#   2. the cross build (mingw-w64) into ./build-windows
#   3. a check that the .exe files import no DLL beyond Windows' own
#   4. ctest in ./build-windows: the cross-built unit tests, the check and the exporter, under
#      Wine
#   5. the zip (CPack ZIP): build-windows/veeam-port-monitor-<version>-windows-x86_64.zip,
#      and the MSI (scripts/build-msi.sh): build-windows/veeam-port-monitor-<version>-x64.msi,
#      installed, upgraded and removed under Wine (tests/windows/msi_test.sh)
#   6. the Linux build's Wine tests (check_veeam_ports.exe and veeam_port_exporter.exe against
#      loopback sockets, the exporter as a service), when the Linux build directory exists
#      ($VPM_NATIVE_BUILD_DIR, default ./build)
# Needs root for apt-get on the first run. Prints each step's duration.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
build="${VPM_WINDOWS_BUILD_DIR:-$repo/build-windows}"
deps_top="${VPM_WINDOWS_DEPS_DIR:-$repo/build-windows-deps}"
native="${VPM_NATIVE_BUILD_DIR:-$repo/build}"
export WINEPREFIX="$build/wineprefix" WINEDEBUG=-all
total_start=$SECONDS
step_start=$SECONDS

step() {
  printf 'windows: %s (%d s since start)\n' "$1" $((SECONDS - total_start))
  step_start=$SECONDS
}
done_step() { printf 'windows:   done in %d s\n' $((SECONDS - step_start)); }

step "dependencies"
scripts/build-windows-deps.sh "$deps_top"
done_step

step "cross build"
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/mingw-w64-x86_64.cmake" \
  -DCMAKE_PREFIX_PATH="$deps_top/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
if ! cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1; then
  grep -E -A3 'error' "$build/build.log" | head -n 60 >&2
  echo "windows: the cross build failed; see $build/build.log" >&2
  exit 1
fi
done_step

step "DLL imports"
allowed='^(ADVAPI32|KERNEL32|USER32|WS2_32|MSWSOCK|CRYPT32|BCRYPT|GDI32|SHELL32|msvcrt)\.dll$'
for exe in "$build"/nagios/check_veeam_ports.exe "$build"/exporter/veeam_port_exporter.exe \
  "$build"/tests/windows/vpm_windows_tests.exe; do
  dlls="$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | sort -u)"
  printf 'windows:   %s imports: %s\n' "$(basename "$exe")" "$(echo $dlls)"
  if echo "$dlls" | grep -Evi "$allowed" >/dev/null; then
    echo "windows: $exe imports a DLL Windows does not ship:" >&2
    echo "$dlls" | grep -Evi "$allowed" >&2
    exit 1
  fi
done
done_step

step "Wine prefix"
# The first start of Wine makes its prefix (~15 s); do it once, before the timed tests.
wine cmd /c exit >/dev/null 2>&1 || true
done_step

step "ctest in $build (under Wine)"
ctest --test-dir "$build" --output-on-failure
done_step

step "zip"
(cd "$build" && cpack --config CPackConfig.cmake >/dev/null)
ls "$build"/veeam-port-monitor-*-windows-x86_64.zip
done_step

step "MSI (wixl) and its test under Wine"
scripts/build-msi.sh "$build"
# Status 124: Wine's msiexec hung (a Wine fault seen about once in 10 runs); once more on a
# fresh Wine prefix. Any other failure fails at once.
msi_rc=0
tests/windows/msi_test.sh "$build" || msi_rc=$?
if [ "$msi_rc" = 124 ]; then
  echo "msiexec hung under Wine: the MSI test once more, on a fresh prefix"
  tests/windows/msi_test.sh "$build"
elif [ "$msi_rc" != 0 ]; then
  exit "$msi_rc"
fi
done_step

if [ -f "$native/CMakeCache.txt" ]; then
  step "Wine tests of the Linux build in $native"
  cmake --build "$native" -j"$(nproc)" --target vpm_wine_tests >/dev/null
  VPM_WINDOWS_BUILD_DIR="$build" ctest --test-dir "$native" -R '^wine\.' --output-on-failure
  done_step
else
  echo "windows: no Linux build in $native: its Wine tests (wine.*) not run"
fi

printf 'windows: all done in %d s\n' $((SECONDS - total_start))
