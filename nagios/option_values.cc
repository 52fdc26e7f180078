#include "option_values.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "check_options.h"
#include "vpm/quoted.h"

namespace vpm::nagios {
namespace {

constexpr int kMaxCertDays = 3650;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<std::string> parse_hosts(const std::string& flag, std::string_view text) {
  std::vector<std::string> hosts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = text.find(',', begin);
    const std::string_view item =
        trim(text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin));
    if (item.empty()) {
      throw UsageError(flag + ": empty host name in " + quoted(text));
    }
    for (char c : item) {
      if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x20) {
        throw UsageError(flag + ": " + quoted(item) + " is not a host name");
      }
    }
    hosts.emplace_back(item);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return hosts;
}

Duration parse_seconds(const std::string& flag, std::string_view text, int max_seconds) {
  const std::string prefix = flag + ": " + quoted(text);
  double seconds = 0;
  bool ok = !text.empty();
  for (char c : text) ok = ok && ((c >= '0' && c <= '9') || c == '.');
  if (ok) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, seconds, std::chars_format::fixed);
    ok = ec == std::errc() && ptr == end;
  }
  if (!ok) throw UsageError(prefix + " is not a number of seconds");
  if (seconds <= 0) throw UsageError(prefix + " must be greater than 0");
  if (seconds > max_seconds) {
    throw UsageError(prefix + " must be at most " + std::to_string(max_seconds) + " seconds");
  }
  const auto millis = std::llround(seconds * 1000);
  if (millis < 1) throw UsageError(prefix + " must be at least 0.001 seconds");
  return Duration(millis);
}

NagiosRange parse_range(const std::string& flag, std::string_view text) {
  std::string error;
  auto range = parse_nagios_range(text, &error);
  if (!range) throw UsageError(flag + ": " + error);
  return *range;
}

unsigned parse_1_to(unsigned max, const std::string& flag, std::string_view text) {
  const std::string prefix = flag + ": " + quoted(text);
  unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    throw UsageError(prefix + " is not a whole number");
  }
  if (ec == std::errc::result_out_of_range || value < 1 || value > max) {
    throw UsageError(prefix + " must be from 1 to " + std::to_string(max));
  }
  return value;
}

unsigned parse_1_to_65535(const std::string& flag, std::string_view text) {
  return parse_1_to(65535, flag, text);
}

int parse_cert_days(const std::string& flag, std::string_view text) {
  const std::string prefix = flag + ": " + quoted(text);
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.front() == '-' || ptr != end ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    throw UsageError(prefix + " is not a whole number of days");
  }
  if (ec == std::errc::result_out_of_range || value > kMaxCertDays) {
    throw UsageError(prefix + " must be from 0 to 3650");
  }
  return value;
}

}  // namespace vpm::nagios
