#include "support/openssl_loading.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/subprocess.h"

namespace vpm::test {
namespace {

bool names_openssl(const std::string& line) {
  return line.find("libssl") != std::string::npos || line.find("libcrypto") != std::string::npos;
}

}  // namespace

std::string libssl_file() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const std::size_t slash = line.find('/');
    if (slash != std::string::npos && line.ends_with("/libssl.so.3")) return line.substr(slash);
  }
  return "";
}

std::string openssl_mappings(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::string found;
  for (std::string line; std::getline(maps, line);) {
    if (names_openssl(line)) found += line + "\n";
  }
  return found;
}

std::string with_load_log(const std::string& command_line, const std::string& log_prefix) {
  return "LD_DEBUG=files LD_DEBUG_OUTPUT=" + shell_quote(log_prefix) + " " + command_line;
}

std::string loaded_libraries(const std::string& log_prefix) {
  const std::filesystem::path prefix(log_prefix);
  std::string found;
  for (const auto& entry : std::filesystem::directory_iterator(prefix.parent_path())) {
    if (!entry.path().filename().string().starts_with(prefix.filename().string())) continue;
    std::ifstream log(entry.path());
    for (std::string line; std::getline(log, line);) {
      if (line.find("file=") != std::string::npos &&
          (line.find("needed by") != std::string::npos ||
           line.find("dynamically loaded by") != std::string::npos)) {
        found += line + "\n";
      }
    }
  }
  return found;
}

std::optional<std::string> why_nothing_can_be_hidden() {
  if (::geteuid() != 0) return "needs root (a mount namespace of its own)";
  if (run_command("command -v unshare && command -v mount").exit_code != 0) {
    return "needs unshare and mount (apt-get install util-linux mount)";
  }
  // In a chroot whose root is not a mount point (a build chroot, say), the mount namespace
  // cannot be made private, and a namespace that is not private would leak its mounts out.
  const CommandResult probe = run_command("unshare --mount --propagation private true 2>&1");
  if (probe.exit_code != 0) {
    return "cannot make a private mount namespace here (" +
           probe.out.substr(0, probe.out.find('\n')) + ")";
  }
  return std::nullopt;
}

std::string with_hidden(const std::string& path, const std::string& command_line) {
  const std::string hide = std::filesystem::is_directory(path)
                               ? "mount -t tmpfs none " + shell_quote(path)
                               : "mount --bind /dev/null " + shell_quote(path);
  return "unshare --mount --propagation private sh -c " +
         shell_quote(hide + " && exec " + command_line);
}

}  // namespace vpm::test
