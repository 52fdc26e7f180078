#include "logfmt_logger.h"

#include <array>
#include <cstdio>
#include <ctime>

#include "platform.h"

namespace vpm::exporter {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '"' || c == '=' || c == '\\' || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string logfmt_value(std::string_view value) {
  if (!needs_quotes(value)) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (u < ' ' || u == 0x7f) {
          std::array<char, 5> hex{};
          std::snprintf(hex.data(), hex.size(), "\\x%02x", u);
          quoted += hex.data();
        } else {
          quoted += c;
        }
    }
  }
  quoted += '"';
  return quoted;
}

std::string logfmt_line(std::chrono::system_clock::time_point when, LogLevel level,
                        std::string_view message, std::initializer_list<LogField> fields) {
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  const auto millis = static_cast<int>(since_epoch.count() % 1000);
  const std::tm utc = utc_time(seconds);
  std::array<char, 32> ts{};
  const std::size_t n = std::strftime(ts.data(), ts.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(ts.data() + n, ts.size() - n, ".%03dZ", millis);
  std::string line = "ts=";
  line += ts.data();
  line += " level=";
  line += to_string(level);
  line += " msg=";
  line += logfmt_value(message);
  for (const LogField& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    line += logfmt_value(field.value);
  }
  return line;
}

Logger::Logger(LogLevel threshold) : Logger(threshold, stderr_sink()) {}

Logger::Logger(LogLevel threshold, Sink sink) : threshold_(threshold), sink_(std::move(sink)) {}

void Logger::set_event_sink(EventSink events) {
  const std::lock_guard lock(mutex_);
  events_ = std::move(events);
}

void Logger::log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  write(level, message, fields, level >= LogLevel::kWarn);
}

void Logger::notice(std::string_view m, std::initializer_list<LogField> f) {
  write(LogLevel::kInfo, m, f, true);
}

void Logger::write(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
                   bool event) {
  const bool to_sink = enabled(level);
  const std::lock_guard lock(mutex_);
  const bool to_events = event && events_;
  if (!to_sink && !to_events) return;
  const auto now = std::chrono::system_clock::now();
  std::string line = logfmt_line(now, level, message, fields);
  if (to_events && !events_(level, line) && !event_failure_logged_) {
    event_failure_logged_ = true;
    sink_(logfmt_line(now, LogLevel::kWarn, "Cannot report to the system event log",
                      {{"event", message}}) +
          "\n");
  }
  if (!to_sink) return;
  line += '\n';
  sink_(line);
}

}  // namespace vpm::exporter
