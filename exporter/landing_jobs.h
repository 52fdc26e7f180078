#pragma once
// The landing page's "Backup jobs" section: each job of the Veeam Agent export, whether every
// flow it needs is up now (judge_job, the judgement behind veeam_job_ready and the check's
// --job), its schedule and next start in the agent's time zone, and its last pre-flight. The
// question an admin opens the page with: will tonight's backup run?
#include <chrono>
#include <string>

#include "result_store.h"
#include "vpm/job_schedule.h"

namespace vpm::exporter {

// Empty without jobs (no export, or an export without jobs). Every text from the export or a
// probe is escaped.
std::string jobs_section(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                         const LocalTimeZone& zone);

}  // namespace vpm::exporter
