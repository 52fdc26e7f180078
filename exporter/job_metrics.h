#pragma once
// veeam_job_* families: the export's jobs and whether every flow each needs is up, judged by
// vpm::judge_job from the snapshot's last results, the same judgement as the check's --job.
#include <prometheus/metric_family.h>

#include <vector>

#include "result_store.h"

namespace vpm::exporter {

// veeam_job_info{backup_job,target_type} = 1 and veeam_job_ready{backup_job}, jobs in the
// export's order, then veeam_job_preflight_{ok,timestamp_seconds,ports,duration_seconds} for
// the jobs that have had a pre-flight; empty without jobs. The label is backup_job, not job: Prometheus gives every
// scraped series the scrape config's `job` label, and renames an exposed `job` to exported_job.
std::vector<prometheus::MetricFamily> job_families(const Snapshot& snapshot);

}  // namespace vpm::exporter
