#pragma once
// A program started in the background for end-to-end tests (the exporter, Prometheus): its
// output goes to files, the test signals it and waits for it. Killed at the latest on
// destruction.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vpm::exporter::test {

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
               const std::string& stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int number) const;
  // The exit code (or 128 + signal) once it has ended, nullopt if it still runs after `limit`.
  std::optional<int> wait_exit(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

std::string read_text_file(const std::string& path);

// Polls `path` until it contains `needle`; returns the file's text either way.
std::string wait_for_text(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds limit);

// A TCP port on 127.0.0.1 that was free a moment ago (for programs that need a fixed port).
std::uint16_t free_tcp_port();

}  // namespace vpm::exporter::test
