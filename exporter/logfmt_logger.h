#pragma once
// One line per event, logfmt, to stderr: ts=... level=info msg="..." key=value ...; on
// Windows, the service's warnings, errors and notices to the event log too.
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
  // The system's event log (the Windows service's): gets the line without its newline; false
  // when it could not report it.
  using EventSink = std::function<bool(LogLevel level, std::string_view line)>;
  explicit Logger(LogLevel threshold);  // writes to stderr
  Logger(LogLevel threshold, Sink sink);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // From now on every warning, error and notice also goes to `events`, whatever the threshold
  // (an admin reads the event log for what went wrong and when the service started, stopped or
  // reloaded). Its first failure is logged once, as a warning, to the sink.
  void set_event_sink(EventSink events);

  bool enabled(LogLevel level) const { return level >= threshold_; }
  void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
  // An info line that the event log gets too: the start, the stop, a reload.
  void notice(std::string_view m, std::initializer_list<LogField> f = {});
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
  void write(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
             bool event);

  LogLevel threshold_;
  Sink sink_;
  EventSink events_;
  bool event_failure_logged_ = false;
  std::mutex mutex_;  // lines from civetweb's threads and the probe thread never interleave
};

}  // namespace vpm::exporter
