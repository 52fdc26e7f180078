#include "metric_text.h"

#include <stdexcept>
#include <string_view>

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

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

}  // namespace

void append_header(std::string& out, const MetricFamily& family) {
  vpm::append_header(out, family.name, family.help, type_name(family.type));
}

void append_samples(std::string& out, const MetricFamily& family) {
  for (const ClientMetric& metric : family.metric) {
    append_sample_line(out, family.name, metric.label, value_of(family.type, metric),
                       metric.timestamp_ms);
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
