#pragma once
// prometheus-cpp's MetricFamily in the text exposition format (version 0.0.4), written with the
// core's pieces (vpm/metric_text.h). The bytes are those prometheus::TextSerializer
// (prometheus-cpp 1.0.1) writes, without its cost: it writes through std::ostream, and that was
// most of the time of a /metrics render. Counter, gauge and untyped families; summaries and
// histograms are not written (the exporter has none): they throw.
//
// The facts reproduced, from prometheus-cpp's text_serializer.cc:
// - "# HELP name help" (left out when help is empty), "# TYPE name type", then one line a
//   sample (vpm/metric_text.h). A counter's name is written as given (no "_total" added).
// - Values at precision max_digits10 - 1 (16) in the classic locale.
// One difference: HELP escapes backslash and newline as the format requires; prometheus-cpp
// writes it raw, so a newline in it would break the page. No HELP of ours has either.
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "vpm/metric_text.h"

namespace vpm::exporter {

void append_text(std::string& out, const prometheus::MetricFamily& family);
void append_text(std::string& out, const std::vector<prometheus::MetricFamily>& families);

// append_text() is these two: the HELP and TYPE lines of `family`, then its sample lines.
void append_header(std::string& out, const prometheus::MetricFamily& family);
void append_samples(std::string& out, const prometheus::MetricFamily& family);

// The pieces, for a writer that has its samples at hand rather than in a MetricFamily.
using vpm::append_sample;
using vpm::append_value;
using vpm::LabelView;

}  // namespace vpm::exporter
