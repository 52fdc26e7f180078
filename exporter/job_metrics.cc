#include "job_metrics.h"

#include <chrono>
#include <string>
#include <utility>

#include "metric_family_builders.h"

namespace vpm::exporter {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// veeam_job_preflight_*: only for the jobs of `snapshot` that have had a pre-flight.
void append_preflight_families(const Snapshot& snapshot, std::vector<MetricFamily>& out) {
  MetricFamily ok = family("veeam_job_preflight_ok",
                           "1 when the job's last pre-flight found every port of every flow it "
                           "needs as expected on every target, else 0.",
                           MetricType::Gauge);
  MetricFamily when = family("veeam_job_preflight_timestamp_seconds",
                             "When the job's last pre-flight ended, in seconds since the epoch.",
                             MetricType::Gauge);
  MetricFamily ports = family("veeam_job_preflight_ports",
                              "Ports probed by the job's last pre-flight (port x target), every "
                              "port of each range whatever its sample.",
                              MetricType::Gauge);
  MetricFamily took = family("veeam_job_preflight_duration_seconds",
                             "How long the job's last pre-flight took.", MetricType::Gauge);
  for (const JobNeeds& job : *snapshot.jobs) {
    const auto found = snapshot.preflights.find(job.job);
    if (found == snapshot.preflights.end()) continue;
    const PreflightResult& p = found->second;
    add_gauge(ok, {{"backup_job", job.job}}, p.ok ? 1 : 0);
    add_gauge(when, {{"backup_job", job.job}}, unix_seconds(p.finished_at));
    add_gauge(ports, {{"backup_job", job.job}}, static_cast<double>(p.ports_probed));
    add_gauge(took, {{"backup_job", job.job}}, std::chrono::duration<double>(p.duration).count());
  }
  if (ok.metric.empty()) return;
  for (MetricFamily* f : {&ok, &when, &ports, &took}) out.push_back(std::move(*f));
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
  const ResultsByFlow by_flow = results_by_flow(snapshot);
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
  append_preflight_families(snapshot, out);
  return out;
}

}  // namespace vpm::exporter
