#pragma once
// The check's long output grouped by the export's jobs: each job READY or NOT READY, as
// judge_job (vpm/veeam_jobs.h) decides for the exporter's veeam_job_ready too.
#include <chrono>
#include <string>
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/veeam_jobs.h"

namespace vpm::nagios {

// Per job: "job \"Nightly\" (backup_repository): NOT READY: 2 of 9 flows failing", then a line
// per failing flow x target and per flow without a result; "  schedule: daily 22:00 on Mon-Fri,
// next 2026-12-07 22:00 +0100" when the export's schedule was read (the next run after `now`
// in the system's time zone); at verbosity 1+ the flows the job needs.
std::vector<std::string> job_lines(const std::vector<JobNeeds>& jobs,
                                   const std::vector<FlowResult>& results, int verbosity,
                                   std::chrono::system_clock::time_point now);

}  // namespace vpm::nagios
