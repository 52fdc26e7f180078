#include "response_head.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "http_tokens.h"

namespace vpm::exporter {

bool client_keeps_alive(const char* connection_header, std::string_view http_version) {
  if (connection_header == nullptr) return http_version == "1.1";
  std::string_view options(connection_header);
  while (!options.empty()) {
    const std::size_t comma = options.find(',');
    if (token_equals(trim_ows(options.substr(0, comma)), "keep-alive")) return true;
    options = comma == std::string_view::npos ? std::string_view{} : options.substr(comma + 1);
  }
  return false;
}

std::string http_date(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(when);
  const year_month_day date{day};
  const hh_mm_ss time{floor<seconds>(when - day)};
  std::array<char, 40> text{};
  const int n = std::snprintf(text.data(), text.size(), "%s, %02u %s %04d %02d:%02d:%02d GMT",
                              kDays[weekday{day}.c_encoding()], static_cast<unsigned>(date.day()),
                              kMonths[static_cast<unsigned>(date.month()) - 1],
                              static_cast<int>(date.year()), static_cast<int>(time.hours().count()),
                              static_cast<int>(time.minutes().count()),
                              static_cast<int>(time.seconds().count()));
  return std::string(text.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string serialize(const ResponseHead& head, std::chrono::system_clock::time_point now) {
  std::string out;
  out.reserve(256);
  out += "HTTP/";
  out += head.http_version.empty() ? std::string_view("1.1") : head.http_version;
  out += ' ';
  out += std::to_string(head.status);
  out += ' ';
  out += head.reason;
  out += "\r\n";
  for (const auto& [name, value] : head.fields) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Date: ";
  out += http_date(now);
  out += "\r\nConnection: ";
  out += head.keep_alive ? "keep-alive" : "close";
  out += "\r\n\r\n";
  return out;
}

}  // namespace vpm::exporter
