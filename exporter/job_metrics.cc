#include "job_metrics.h"

#include <string>
#include <utility>

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge_family(std::string name, std::string help) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = MetricType::Gauge;
  return f;
}

void add(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

ResultsByFlow index_snapshot(const Snapshot& snapshot) {
  ResultsByFlow by_flow;
  for (const auto& [name, results] : snapshot.flows) {
    std::vector<const FlowResult*>& list = by_flow[name];
    for (const FlowResult& r : *results) list.push_back(&r);
  }
  return by_flow;
}

}  // namespace

std::vector<MetricFamily> job_families(const Snapshot& snapshot) {
  if (!snapshot.jobs || snapshot.jobs->empty()) return {};
  MetricFamily info = gauge_family(
      "veeam_job_info", "A backup job of the Veeam Agent export, with its target type. Always 1.");
  MetricFamily ready = gauge_family(
      "veeam_job_ready",
      "1 when every flow the job needs was up on every target in its last run, else 0 (also "
      "while a needed flow has not run yet).");
  const ResultsByFlow by_flow = index_snapshot(snapshot);
  for (const JobNeeds& job : *snapshot.jobs) {
    add(info, {{"backup_job", job.job}, {"target_type", std::string(to_string(job.target_type))}},
        1);
    add(ready, {{"backup_job", job.job}}, judge_job(job, by_flow).ready ? 1 : 0);
  }
  std::vector<MetricFamily> out;
  out.push_back(std::move(info));
  out.push_back(std::move(ready));
  return out;
}

}  // namespace vpm::exporter
