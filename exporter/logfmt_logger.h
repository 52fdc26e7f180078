#pragma once
// One line per event, logfmt, to stderr: ts=... level=info msg="..." key=value ...
#include <chrono>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

#include "exporter_options.h"

namespace vpm::exporter {

struct LogField {
  std::string_view key;
  std::string_view value;
};

// A logfmt value: bare when it is a non-empty run of printable characters without space, '"'
// or '=', else double-quoted with \" \\ \n \r \t and \xNN escapes.
std::string logfmt_value(std::string_view value);

// "ts=2024-05-01T12:00:00.123Z level=info msg=Listening address=127.0.0.1:10387" (no newline).
std::string logfmt_line(std::chrono::system_clock::time_point when, LogLevel level,
                        std::string_view message, std::initializer_list<LogField> fields);

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;  // gets the line with its newline
  explicit Logger(LogLevel threshold);                      // writes to stderr
  Logger(LogLevel threshold, Sink sink);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const { return level >= threshold_; }
  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
  void debug(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kDebug, m, f);
  }
  void info(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kInfo, m, f);
  }
  void warn(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kWarn, m, f);
  }
  void error(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kError, m, f);
  }

 private:
  LogLevel threshold_;
  Sink sink_;
  std::mutex mutex_;  // lines from civetweb's threads and the probe thread never interleave
};

}  // namespace vpm::exporter
