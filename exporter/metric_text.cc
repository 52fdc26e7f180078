#include "metric_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// TextSerializer's stream precision. std::to_chars with a precision and chars_format::general
// is printf's %.*g in the "C" locale, which is what the stream writes with it.
constexpr int kValuePrecision = std::numeric_limits<double>::max_digits10 - 1;

[[noreturn]] void reject_type() {
  throw std::invalid_argument("append_text: summary and histogram families are not supported");
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Untyped:
      return "untyped";
    case MetricType::Summary:
    case MetricType::Histogram:
      break;
  }
  reject_type();
}

double value_of(MetricType type, const ClientMetric& metric) {
  switch (type) {
    case MetricType::Counter:
      return metric.counter.value;
    case MetricType::Gauge:
      return metric.gauge.value;
    case MetricType::Untyped:
      return metric.untyped.value;
    case MetricType::Summary:
    case MetricType::Histogram:
      break;
  }
  reject_type();
}

// Backslash and newline as \\ and \n; in a label value (`quoted`), a double quote as \" too.
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

// `{a="x",b="y"}`, or nothing for no labels. Labels: ClientMetric::Label or LabelView.
template <typename Labels>
void append_labels(std::string& out, const Labels& labels) {
  if (labels.size() == 0) return;
  char separator = '{';
  for (const auto& label : labels) {
    out += separator;
    out += label.name;
    out += "=\"";
    append_escaped(out, label.value, true);
    out += '"';
    separator = ',';
  }
  out += '}';
}

template <typename Labels>
void append_line(std::string& out, std::string_view name, const Labels& labels, double value,
                 std::int64_t timestamp_ms) {
  out += name;
  append_labels(out, labels);
  out += ' ';
  append_value(out, value);
  if (timestamp_ms != 0) {
    std::array<char, std::numeric_limits<std::int64_t>::digits10 + 3> digits{};
    const auto end = std::to_chars(digits.begin(), digits.end(), timestamp_ms).ptr;
    out += ' ';
    out.append(digits.begin(), end);
  }
  out += '\n';
}

}  // namespace

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

void append_header(std::string& out, const MetricFamily& family) {
  const std::string_view type = type_name(family.type);
  if (!family.help.empty()) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_escaped(out, family.help, false);
    out += '\n';
  }
  out += "# TYPE ";
  out += family.name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::initializer_list<LabelView> labels,
                   double value) {
  append_line(out, name, labels, value, 0);
}

void append_samples(std::string& out, const MetricFamily& family) {
  for (const ClientMetric& metric : family.metric) {
    append_line(out, family.name, metric.label, value_of(family.type, metric), metric.timestamp_ms);
  }
}

void append_text(std::string& out, const MetricFamily& family) {
  append_header(out, family);
  append_samples(out, family);
}

void append_text(std::string& out, const std::vector<MetricFamily>& families) {
  for (const MetricFamily& family : families) append_text(out, family);
}

}  // namespace vpm::exporter
