// The POSIX side of the seam's file operations.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "vpm/os_seam.h"

namespace vpm::os {

unsigned long process_id() { return static_cast<unsigned long>(::getpid()); }

std::string replace_file(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) == 0) return {};
  return std::generic_category().message(errno);
}

}  // namespace vpm::os
