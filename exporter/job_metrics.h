#pragma once
// veeam_job_* families: the export's jobs and whether every flow each needs is up, judged by
// vpm::judge_job from the snapshot's last results, the same judgement as the check's --job.
#include <prometheus/metric_family.h>

#include <chrono>
#include <vector>

#include "result_store.h"
#include "vpm/job_schedule.h"

namespace vpm::exporter {

// veeam_job_info{backup_job,target_type} = 1 and veeam_job_ready{backup_job}, jobs in the
// export's order; empty without jobs. The label is backup_job, not job: Prometheus gives every
// scraped series the scrape config's `job` label, and renames an exposed `job` to exported_job.
// With veeam_job_next_run_timestamp_seconds{backup_job} for each job whose schedule gives a
// next start after `now` in `zone` (the first form: the system's clock and time zone), and
// veeam_job_preflight_{ok,timestamp_seconds,ports,duration_seconds} for each job that has had
// a pre-flight (preflight_scheduler.h).
std::vector<prometheus::MetricFamily> job_families(const Snapshot& snapshot);
std::vector<prometheus::MetricFamily> job_families(const Snapshot& snapshot,
                                                   std::chrono::system_clock::time_point now,
                                                   const LocalTimeZone& zone);

}  // namespace vpm::exporter
