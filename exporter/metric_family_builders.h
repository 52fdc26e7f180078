#pragma once
// Building prometheus-cpp MetricFamily values by hand (the exporter's collectors hand whole
// families to the registry): one family, one sample, shared by every collector of the exporter.
#include <prometheus/metric_family.h>

#include <string>
#include <utility>
#include <vector>

namespace vpm::exporter {

inline prometheus::MetricFamily family(std::string name, std::string help,
                                       prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

inline void add_gauge(prometheus::MetricFamily& f,
                      std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

inline void add_counter(prometheus::MetricFamily& f,
                        std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

}  // namespace vpm::exporter
