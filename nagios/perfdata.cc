#include "perfdata.h"

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace vpm::nagios {

std::string quote_perf_label(std::string_view label) {
  std::string quoted = "'";
  for (char c : label) {
    if (c == '\'') {
      quoted += "''";
    } else if (c == '=' || c == '|' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      // '=' ends the label; '|' and line breaks would end the perfdata or the first line.
      quoted += '_';
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string format_perf_number(double value) {
  // NaN is how a caller says "could not be measured": the guidelines spell that "U".
  if (!std::isfinite(value)) return "U";
  if (value == 0) return "0";  // also turns -0 into 0
  // Shortest text that reads back as the same double, in fixed notation: no exponent, no
  // trailing zeros. 350 characters hold any finite double written out in full.
  std::array<char, 350> buffer{};
  const auto [ptr, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  if (ec != std::errc()) return "U";
  return {buffer.data(), ptr};
}

std::string format_perf_datum(const PerfDatum& datum) {
  std::string text = quote_perf_label(datum.label) + "=";
  if (std::isfinite(datum.value)) {
    text += format_perf_number(datum.value) + datum.unit;
  } else {
    text += "U";  // no unit after U: parsers read "Us" as garbage
  }
  const std::array<std::string, 4> fields = {
      datum.warn, datum.crit, datum.min ? format_perf_number(*datum.min) : std::string(),
      datum.max ? format_perf_number(*datum.max) : std::string()};
  std::size_t used = fields.size();
  while (used > 0 && fields[used - 1].empty()) --used;
  for (std::size_t i = 0; i < used; ++i) text += ";" + fields[i];
  return text;
}

}  // namespace vpm::nagios
