#include "nagios_range.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace vpm::nagios {
namespace {

// A plain decimal number ("10", "-95.99", "0.5"). No "inf"/"nan", exponent, '+' or spaces:
// what the user typed is what the perfdata repeats, and every consumer can read it.
std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return std::nullopt;
  }
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

bool NagiosRange::alerts(double value) const {
  const bool inside = (start_infinite || value >= start) && (end_infinite || value <= end);
  return alert_inside ? inside : !inside;
}

std::optional<NagiosRange> parse_nagios_range(std::string_view text, std::string* error) {
  const auto fail = [error](std::string message) -> std::optional<NagiosRange> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  NagiosRange range;
  range.text = std::string(text);
  std::string_view rest = text;
  if (rest.empty()) return fail("empty range");
  if (rest.front() == '@') {
    range.alert_inside = true;
    rest.remove_prefix(1);
    if (rest.empty()) return fail("nothing after \"@\"");
  }

  // "10" is "0:10"; ":10" is "0:10" too, as the C library reads it.
  std::string_view start_text;
  std::string_view end_text = rest;
  if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos) {
      return fail(quoted(text) + " has more than one \":\"");
    }
    start_text = rest.substr(0, colon);
    end_text = rest.substr(colon + 1);
    if (end_text.empty()) range.end_infinite = true;
  } else if (rest == "~") {
    return fail(R"("~" needs an end, as in "~:10")");
  }

  if (start_text == "~") {
    range.start_infinite = true;
  } else if (!start_text.empty()) {
    const auto start = parse_number(start_text);
    if (!start) return fail(quoted(start_text) + " is not a number");
    range.start = *start;
  }
  if (!range.end_infinite) {
    const auto end = parse_number(end_text);
    if (!end) return fail(quoted(end_text) + " is not a number");
    range.end = *end;
  }
  if (!range.start_infinite && !range.end_infinite && range.start > range.end) {
    return fail("start " + std::string(start_text.empty() ? "0" : start_text) +
                " is greater than end " + std::string(end_text));
  }
  return range;
}

}  // namespace vpm::nagios
