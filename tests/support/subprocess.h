#pragma once
// Runs a command line through /bin/sh, captures stdout (and stderr separately), with a time limit.
#include <chrono>
#include <string>

namespace vpm::test {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by the time limit or a signal
  bool timed_out = false;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
};

CommandResult run_command(const std::string& command_line,
                          std::chrono::milliseconds limit = std::chrono::seconds(30));

// Single-quotes a word for /bin/sh.
std::string shell_quote(const std::string& word);

}  // namespace vpm::test
