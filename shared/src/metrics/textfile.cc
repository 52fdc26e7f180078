#include "vpm/textfile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "vpm/os_seam.h"

namespace vpm {
namespace {

std::string temporary_path(const std::string& path) {
  const std::filesystem::path target(path);
  std::filesystem::path temporary = target.parent_path();
  temporary /= "." + target.filename().string() + "." + std::to_string(os::process_id()) + ".tmp";
  return temporary.string();
}

}  // namespace

void replace_file_contents(const std::string& path, std::string_view content) {
  if (path.empty()) throw std::runtime_error("no file named");
  const std::filesystem::path target(path);
  if (target.filename().empty()) throw std::runtime_error(path + " names a folder, not a file");
  const std::string temporary = temporary_path(path);
  {
    // Binary: LF stays LF on Windows, as the text format wants.
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error("cannot create " + temporary + ": " + std::strerror(errno));
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      const std::string reason = std::strerror(errno);
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot write " + temporary + ": " + reason);
    }
  }
  if (std::string reason = os::replace_file(temporary, path); !reason.empty()) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot replace " + path + ": " + reason);
  }
}

}  // namespace vpm
