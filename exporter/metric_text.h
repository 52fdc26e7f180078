#pragma once
// The text exposition format (version 0.0.4), appended to a std::string. The bytes are those
// prometheus::TextSerializer (prometheus-cpp 1.0.1) writes, without its cost: it writes through
// std::ostream, and that was most of the time of a /metrics render. Counter, gauge and untyped
// families; summaries and histograms are not written (the exporter has none): they throw.
//
// The facts reproduced, from prometheus-cpp's text_serializer.cc:
// - "# HELP name help" (left out when help is empty), "# TYPE name type", then one line a
//   sample: name, the labels in their order in braces (none: no braces), a space, the value,
//   and " timestamp_ms" when it is not 0. A counter's name is written as given (no "_total"
//   added).
// - Values as the stream writes a double at precision max_digits10 - 1 (16) in the classic
//   locale, i.e. printf's %.16g; NaN as "Nan", infinities as "+Inf" and "-Inf".
// - Label values escape backslash, double quote and newline; names are written as given.
// One difference: HELP escapes backslash and newline as the format requires; prometheus-cpp
// writes it raw, so a newline in it would break the page. No HELP of ours has either.
#include <prometheus/metric_family.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace vpm::exporter {

void append_text(std::string& out, const prometheus::MetricFamily& family);
void append_text(std::string& out, const std::vector<prometheus::MetricFamily>& families);

// The pieces, for a writer that has its samples at hand rather than in a MetricFamily.
struct LabelView {
  std::string_view name;
  std::string_view value;
};
// append_text() is these two: the HELP and TYPE lines of `family`, then its sample lines.
void append_header(std::string& out, const prometheus::MetricFamily& family);
void append_samples(std::string& out, const prometheus::MetricFamily& family);
void append_sample(std::string& out, std::string_view name, std::initializer_list<LabelView> labels,
                   double value);
// A double as a sample value.
void append_value(std::string& out, double value);

}  // namespace vpm::exporter
