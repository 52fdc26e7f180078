#!/usr/bin/env bash
# Builds what the Windows (mingw-w64, x86-64) build of veeam-port-monitor links, from Debian's
# own source packages, as static libraries, into a prefix outside the source tree:
#   yaml-cpp, expat (the Veeam Agent export reader), OpenSSL (libssl + libcrypto), civetweb
#   (OpenSSL linked in, not loaded at run time), prometheus-cpp (core only) and GoogleTest
#   (from /usr/src/googletest, for the cross-built unit tests): what the core, the two .exe
#   files and their tests link.
# Boost.Asio is header-only: the prefix gets a link to the host's /usr/include/boost.
#
# Usage: scripts/build-windows-deps.sh [PREFIX_PARENT]   (default: ./build-windows-deps)
#   The prefix is PREFIX_PARENT/prefix; sources and build trees sit beside it. Each library
#   leaves a stamp, so a second run only rebuilds what is missing. Needs root for apt-get.
# Environment: VPM_WINDOWS_DEPS picks a subset, default all of
#   "yaml-cpp expat openssl civetweb prometheus-cpp googletest" (civetweb needs openssl first).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
top="${1:-$repo/build-windows-deps}"
mkdir -p "$top"
top="$(cd "$top" && pwd)"
prefix="$top/prefix"
src="$top/src"
work="$top/build"
toolchain="$repo/cmake/toolchains/mingw-w64-x86_64.cmake"
jobs="$(nproc)"
deps="${VPM_WINDOWS_DEPS:-yaml-cpp expat openssl civetweb prometheus-cpp googletest}"
mkdir -p "$prefix/include" "$src" "$work"

log() { printf 'build-windows-deps: %s\n' "$*" >&2; }

# --- Debian packages: the cross compiler, Wine, and what apt-get source needs --------------
"$repo/scripts/install-packages.sh" --with-recommends mingw-w64 g++-mingw-w64-x86-64 \
  libz-mingw-w64-dev wine64 dpkg-dev cmake make perl

# --- deb-src: the same archive (URIs, suites, components) as the machine's deb entries ------
debsrc=/etc/apt/sources.list.d/vpm-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    log "adding $debsrc (deb-src of debian.sources)"
    sed -e 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$debsrc"
  else
    log "adding $debsrc (deb-src of sources.list)"
    sed -n -e 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"${debsrc%.sources}.list"
  fi
  apt-get update -qq
fi

# apt-get source PACKAGE into $src/PACKAGE (Debian's patches applied by dpkg-source).
fetch_source() {
  local package="$1"
  if [ ! -f "$src/$package/.unpacked" ]; then
    rm -rf "${src:?}/$package"
    mkdir -p "$src/$package"
    # Newest first; a version whose files the archive no longer serves (the security archive
    # may list sources it does not mirror) falls back to the next one.
    local version ok=
    for version in $(apt-cache showsrc --only-source "$package" | sed -n 's/^Version: //p' |
                     sort -rV | uniq); do
      if (cd "$src/$package" && apt-get source -qq "$package=$version" >/dev/null 2>>"$src/$package.log"); then
        ok=1
        break
      fi
      log "$package $version: not fetched, trying an older version"
      find "$src/$package" -mindepth 1 -delete
    done
    [ -n "$ok" ] || { cat "$src/$package.log" >&2; return 1; }
    touch "$src/$package/.unpacked"
  fi
  # The unpacked tree is the one directory next to the .dsc.
  find "$src/$package" -mindepth 1 -maxdepth 1 -type d | head -n1
}

cmake_dep() {  # cmake_dep NAME SOURCE_DIR [cmake args...]
  local name="$1" dir="$2"
  shift 2
  cmake -S "$dir" -B "$work/$name" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=OFF "$@" >"$work/$name.log" 2>&1 ||
    { tail -n 40 "$work/$name.log" >&2; return 1; }
  cmake --build "$work/$name" -j"$jobs" >>"$work/$name.log" 2>&1 ||
    { tail -n 40 "$work/$name.log" >&2; return 1; }
  cmake --install "$work/$name" >>"$work/$name.log" 2>&1 || { tail -n 40 "$work/$name.log" >&2; return 1; }
}

stamp_ok() { [ -f "$prefix/.stamp-$1" ]; }
stamp() { touch "$prefix/.stamp-$1"; }
wants() { [[ " $deps " == *" $1 "* ]]; }

# --- Boost (header-only) -------------------------------------------------------------------
[ -e "$prefix/include/boost" ] || ln -s /usr/include/boost "$prefix/include/boost"

# --- yaml-cpp ------------------------------------------------------------------------------
if wants yaml-cpp && ! stamp_ok yaml-cpp; then
  start=$SECONDS
  dir="$(fetch_source yaml-cpp)"
  log "yaml-cpp from $(basename "$dir")"
  cmake_dep yaml-cpp "$dir" -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
  stamp yaml-cpp
  log "yaml-cpp done in $((SECONDS - start)) s"
fi

# --- expat: the static C library, no tools, examples or tests ------------------------------
# Debian's source package keeps the library in its expat/ subfolder. CMake, not Debian's
# autotools: only CMake installs a package file (lib/cmake/expat-*/) for a static library, so
# our code finds expat::expat the same way as Debian's shared library on Linux.
if wants expat && ! stamp_ok expat; then
  start=$SECONDS
  dir="$(fetch_source expat)"
  log "expat from $(basename "$dir")"
  rm -rf "$work/expat-src" "$work/expat"
  cp -a "$dir/expat" "$work/expat-src"
  # Debian's security patches test `#if XML_DTD == 1`, the value Debian's own (autotools)
  # build defines; expat's CMake template defines XML_DTD empty. Make it 1 as autotools does.
  sed -i 's/^#cmakedefine XML_DTD$/#cmakedefine01 XML_DTD/' "$work/expat-src/expat_config.h.cmake"
  cmake_dep expat "$work/expat-src" -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF \
    -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF \
    -DEXPAT_BUILD_FUZZERS=OFF -DEXPAT_BUILD_PKGCONFIG=ON
  stamp expat
  log "expat done in $((SECONDS - start)) s"
fi

# --- OpenSSL: libssl and libcrypto only ----------------------------------------------------
if wants openssl && ! stamp_ok openssl; then
  start=$SECONDS
  dir="$(fetch_source openssl)"
  log "openssl from $(basename "$dir")"
  rm -rf "$work/openssl"
  cp -a "$dir" "$work/openssl"  # OpenSSL builds in its tree
  (
    cd "$work/openssl"
    ./Configure mingw64 --cross-compile-prefix=x86_64-w64-mingw32- --prefix="$prefix" \
      --libdir=lib no-shared no-tests no-module no-engine no-dso \
      -D_WIN32_WINNT=0x0601 >"$work/openssl.log" 2>&1 &&
      make -j"$jobs" build_libs >>"$work/openssl.log" 2>&1 &&
      make install_dev >>"$work/openssl.log" 2>&1
  ) || { tail -n 40 "$work/openssl.log" >&2; exit 1; }
  stamp openssl
  log "openssl done in $((SECONDS - start)) s"
fi

# --- civetweb: the C library, OpenSSL linked (not dlopen'ed) ------------------------------
# CMake's FindOpenSSL finds the static libraries of the prefix (OPENSSL_ROOT_DIR,
# OPENSSL_USE_STATIC_LIBS). OPENSSL_API_3_0 instead of the default 1.1 API: with OpenSSL 3's
# headers, SSL_get_peer_certificate then compiles to SSL_get1_peer_certificate (no null
# function pointer as with Debian's dlopen build, civetweb issue #1334; civetweb frees the
# reference). IPv6 on, so [::1]:PORT listen addresses work on Windows.
if wants civetweb && ! stamp_ok civetweb; then
  start=$SECONDS
  dir="$(fetch_source civetweb)"
  log "civetweb from $(basename "$dir")"
  cmake_dep civetweb "$dir" -DCIVETWEB_BUILD_TESTING=OFF -DCIVETWEB_ENABLE_SERVER_EXECUTABLE=OFF \
    -DCIVETWEB_INSTALL_EXECUTABLE=OFF -DCIVETWEB_ENABLE_CXX=OFF -DCIVETWEB_ENABLE_ASAN=OFF \
    -DCIVETWEB_ENABLE_LUA=OFF -DCIVETWEB_ENABLE_DUKTAPE=OFF -DCIVETWEB_ENABLE_WEBSOCKETS=OFF \
    -DCIVETWEB_ENABLE_SSL=ON -DCIVETWEB_ENABLE_SSL_DYNAMIC_LOADING=OFF \
    -DCIVETWEB_SSL_OPENSSL_API_1_1=OFF -DCMAKE_C_FLAGS=-DOPENSSL_API_3_0 \
    -DCIVETWEB_DISABLE_CGI=ON -DCIVETWEB_ENABLE_IPV6=ON \
    -DOPENSSL_ROOT_DIR="$prefix" -DOPENSSL_USE_STATIC_LIBS=TRUE
  stamp civetweb
  log "civetweb done in $((SECONDS - start)) s"
fi

# --- prometheus-cpp: core only (no pull, push, compression) --------------------------------
if wants prometheus-cpp && ! stamp_ok prometheus-cpp; then
  start=$SECONDS
  dir="$(fetch_source prometheus-cpp)"
  log "prometheus-cpp from $(basename "$dir")"
  cmake_dep prometheus-cpp "$dir" -DENABLE_PULL=OFF -DENABLE_PUSH=OFF -DENABLE_COMPRESSION=OFF \
    -DENABLE_TESTING=OFF -DUSE_THIRDPARTY_LIBRARIES=OFF -DGENERATE_PKGCONFIG=OFF
  stamp prometheus-cpp
  log "prometheus-cpp done in $((SECONDS - start)) s"
fi

# --- GoogleTest: Debian ships its source in /usr/src/googletest (package googletest) --------
if wants googletest && ! stamp_ok googletest; then
  start=$SECONDS
  [ -d /usr/src/googletest ] || "$repo/scripts/install-packages.sh" googletest
  log "googletest from /usr/src/googletest"
  cmake_dep googletest /usr/src/googletest -DINSTALL_GTEST=ON -DBUILD_GMOCK=ON
  stamp googletest
  log "googletest done in $((SECONDS - start)) s"
fi

log "prefix: $prefix"
