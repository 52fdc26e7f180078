#pragma once
// The Prometheus text exposition format (version 0.0.4), appended to a std::string: what the
// exporter's /metrics and the check's --textfile write. No prometheus-cpp types here, so the
// check does not link it; the exporter's MetricFamily writer (exporter/metric_text.h) is built
// on these pieces.
//
// A sample line: the name, the labels in their order in braces (none: no braces), a space, the
// value, and " timestamp_ms" when it is not 0. Values as printf's %.16g in the "C" locale; NaN
// as "Nan", infinities as "+Inf" and "-Inf". Label values escape backslash, double quote and
// newline; HELP escapes backslash and newline; names are written as given.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vpm {

struct LabelView {
  std::string_view name;
  std::string_view value;
};

// "# HELP name help" (left out when help is empty), then "# TYPE name type".
void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type);
void append_sample(std::string& out, std::string_view name, std::initializer_list<LabelView> labels,
                   double value);
// A double as a sample value.
void append_value(std::string& out, double value);
// Backslash and newline as \\ and \n; with `quoted` (a label value), a double quote as \" too.
void append_escaped(std::string& out, std::string_view text, bool quoted);

// One sample line; Labels: any range of {name, value} pairs (LabelView, prometheus-cpp's
// ClientMetric::Label).
template <typename Labels>
void append_sample_line(std::string& out, std::string_view name, const Labels& labels, double value,
                        std::int64_t timestamp_ms = 0) {
  out += name;
  char separator = '{';
  for (const auto& label : labels) {
    out += separator;
    out += label.name;
    out += "=\"";
    append_escaped(out, label.value, true);
    out += '"';
    separator = ',';
  }
  if (separator != '{') out += '}';
  out += ' ';
  append_value(out, value);
  if (timestamp_ms != 0) {
    out += ' ';
    out += std::to_string(timestamp_ms);
  }
  out += '\n';
}

}  // namespace vpm
