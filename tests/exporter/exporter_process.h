#pragma once
// The built veeam_port_exporter as a child process on 127.0.0.1:<ephemeral>, and the series of
// its /metrics: what the exporter's end-to-end tests share.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "http_client.h"
#include "temp_dir.h"

namespace vpm::exporter::test {

using namespace std::chrono_literals;

// Whether `condition` holds within `limit`, looked at every 50 ms.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// "name{labels} value" lines of a /metrics body that contain every one of `parts`.
inline std::vector<std::string> series(const std::string& metrics, const std::string& name,
                                       const std::vector<std::string>& parts = {}) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start < metrics.size()) {
    std::size_t end = metrics.find('\n', start);
    if (end == std::string::npos) end = metrics.size();
    const std::string line = metrics.substr(start, end - start);
    start = end + 1;
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    bool all = true;
    for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
    if (all) found.push_back(line);
  }
  return found;
}

inline std::string value_of(const std::string& line) { return line.substr(line.rfind(' ') + 1); }

class ExporterProcess {
 public:
  // `launcher`: words before the exporter's path (nsenter --net=... to run it in a namespace).
  ExporterProcess(const TempDir& dir, const std::vector<std::string>& flags, bool wait_ready = true,
                  const std::vector<std::string>& launcher = {})
      : stderr_path_(dir.file("exporter.err")) {
    std::vector<std::string> argv = launcher;
    argv.push_back(VEEAM_PORT_EXPORTER_BIN);
    argv.insert(argv.end(), flags.begin(), flags.end());
    process_.emplace(argv, dir.file("exporter.out"), stderr_path_);
    const std::string log = wait_for_text(stderr_path_, "msg=\"Listening on\"", 10s);
    static const std::regex address("msg=\"Listening on\" address=127\\.0\\.0\\.1:([0-9]+)");
    std::smatch m;
    if (std::regex_search(log, m, address)) port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
    if (port_ != 0 && wait_ready) wait_for_text(stderr_path_, "msg=\"Ready:", 10s);
  }

  std::uint16_t port() const { return port_; }
  std::string log() const { return read_text_file(stderr_path_); }
  ChildProcess& process() { return *process_; }
  std::string metrics() const { return http_get(port_, "/metrics").body; }

 private:
  std::string stderr_path_;
  std::optional<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace vpm::exporter::test
