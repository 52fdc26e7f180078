#include "job_metrics.h"

#include <chrono>
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

// The jobs whose schedule gives a next run; none for manual or event-only jobs, or when the
// export's schedule could not be read (the exporter logs why at debug level when it loads).
MetricFamily next_run_family(const std::vector<JobNeeds>& jobs,
                             std::chrono::system_clock::time_point now, const LocalTimeZone& zone) {
  MetricFamily next =
      family("veeam_job_next_run_timestamp_seconds",
             "When the job starts next by its schedule in the Veeam Agent export, in Unix seconds, "
             "computed in the agent's local time zone. Absent for jobs started manually or only by "
             "events, and when the export's schedule could not be read.",
             MetricType::Gauge);
  for (const JobNeeds& job : jobs) {
    if (!job.schedule) continue;
    const auto t = next_run(*job.schedule, now, zone);
    if (!t) continue;
    add_gauge(next, {{"backup_job", job.job}},
              static_cast<double>(std::chrono::system_clock::to_time_t(*t)));
  }
  return next;
}

}  // namespace

std::vector<MetricFamily> job_families(const Snapshot& snapshot) {
  return job_families(snapshot, std::chrono::system_clock::now(), SystemTimeZone());
}

std::vector<MetricFamily> job_families(const Snapshot& snapshot,
                                       std::chrono::system_clock::time_point now,
                                       const LocalTimeZone& zone) {
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
  MetricFamily next = next_run_family(*snapshot.jobs, now, zone);
  if (!next.metric.empty()) out.push_back(std::move(next));
  return out;
}

}  // namespace vpm::exporter
