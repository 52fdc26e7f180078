#pragma once
// Where the cross build and Wine are, for the Linux build's Wine tests (wine_*_test.cc).
// VPM_WINDOWS_BUILD_DIR (environment) overrides where the cross build is looked for.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace vpm::test {

inline std::string windows_build_dir() {
  if (const char* dir = std::getenv("VPM_WINDOWS_BUILD_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return VPM_DEFAULT_WINDOWS_BUILD_DIR;
}

inline std::string wine_program() {
  for (const char* candidate : {"/usr/bin/wine", "/usr/lib/wine/wine64", "/usr/bin/wine64"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return {};
}

// The cross build's own Wine prefix (scripts/windows-build-and-test.sh makes it).
inline std::string wine_prefix() { return windows_build_dir() + "/wineprefix"; }

}  // namespace vpm::test
