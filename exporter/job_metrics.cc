#include "job_metrics.h"

#include <string>
#include <utility>

#include "metric_family_builders.h"

namespace vpm::exporter {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

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
  MetricFamily info = family(
      "veeam_job_info", "A backup job of the Veeam Agent export, with its target type. Always 1.",
      MetricType::Gauge);
  MetricFamily ready =
      family("veeam_job_ready",
             "1 when every flow the job needs was up on every target in its last run, else 0 (also "
             "while a needed flow has not run yet).",
             MetricType::Gauge);
  const ResultsByFlow by_flow = index_snapshot(snapshot);
  for (const JobNeeds& job : *snapshot.jobs) {
    add_gauge(info,
              {{"backup_job", job.job}, {"target_type", std::string(to_string(job.target_type))}},
              1);
    add_gauge(ready, {{"backup_job", job.job}}, judge_job(job, by_flow).ready ? 1 : 0);
  }
  std::vector<MetricFamily> out;
  out.push_back(std::move(info));
  out.push_back(std::move(ready));
  return out;
}

}  // namespace vpm::exporter
