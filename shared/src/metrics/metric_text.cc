#include "vpm/metric_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace vpm {
namespace {

// prometheus-cpp's TextSerializer's stream precision. std::to_chars with a precision and
// chars_format::general is printf's %.*g in the "C" locale, which is what the stream writes.
constexpr int kValuePrecision = std::numeric_limits<double>::max_digits10 - 1;

}  // namespace

// A plain loop: find_first_of would call memchr once a character (13% of a render in perf).
void append_escaped(std::string& out, std::string_view text, bool quoted) {
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (c != '\\' && c != '\n' && (c != '"' || !quoted)) continue;
    out.append(text.substr(start, at - start));
    out += '\\';
    out += c == '\n' ? 'n' : c;
    start = at + 1;
  }
  out.append(text.substr(start));
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "Nan";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else {
    std::array<char, 32> digits{};  // the longest, "-1.234567890123456e-308", has 23
    const auto end = std::to_chars(digits.begin(), digits.end(), value, std::chars_format::general,
                                   kValuePrecision)
                         .ptr;
    out.append(digits.begin(), end);
  }
}

void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, help, false);
    out += '\n';
  }
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::initializer_list<LabelView> labels,
                   double value) {
  append_sample_line(out, name, labels, value);
}

}  // namespace vpm
