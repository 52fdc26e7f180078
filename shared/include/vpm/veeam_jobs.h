#pragma once
// The backup jobs of Veeam Agent's export, each with the flows it needs, and whether those
// flows are all up: the question an admin asks ("will tonight's backup run?"). The check's
// --job and the exporter's veeam_job_ready both judge with judge_job, so they cannot disagree.
//
// Which flows a job needs (docs/how-it-works.md, "Jobs"): the enabled flows from role `agent`
// whose `to` role is
//   agent                                         every job (the agent's own components)
//   backup_server, backup_repository,             a Veeam backup repository job (Type 3)
//     gateway_server
//   smb_share                                     a shared folder job (Type 2)
//   cloud_gateway, cloud_connect_crl              a Veeam Cloud Connect job (Type 4)
//   dns_server, domain_controller                 every job with a network target (2, 3, 4):
//                                                 the target's name resolves through DNS, and
//                                                 its domain account authenticates at the DC
// Notifications (smtp, mail APIs), updates and object storage stop no job: no job needs them.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"
#include "vpm/flow_result.h"
#include "vpm/job_schedule.h"
#include "vpm/veeam_export.h"

namespace vpm {

// Jobs run on the agent computer: only a run from role `agent` (or from every role) probes the
// flows they need, so only such a run reports jobs.
inline constexpr std::string_view kJobRole = "agent";
inline bool role_runs_jobs(std::string_view role) { return role.empty() || role == kJobRole; }

struct JobNeeds {
  std::string job;  // JobName as the export gives it
  VeeamTargetType target_type = VeeamTargetType::kUnknown;
  std::vector<std::string> flows;       // names of the flows it needs, in the config's order
  std::optional<JobSchedule> schedule;  // the export's ScheduleInfo, when it could be read
  // How long before each computed start the pre-flight (every port of every needed flow) runs;
  // zero turns it off. Set from the target file (defaults, then the job's own entry).
  std::chrono::seconds preflight{std::chrono::minutes(30)};
};

// The roles whose flows a job of `type` needs (the table above).
std::vector<std::string_view> roles_needed_by(VeeamTargetType type);

// Every named job of `veeam` with the flows of `config` it needs. A job without a name, or
// with the name of an earlier job, is left out with a line in `warnings`.
std::vector<JobNeeds> job_needs(const Config& config, const VeeamExport& veeam,
                                std::vector<std::string>& warnings);

// "\"Nightly\" (backup_repository), daily 22:00 on Mon-Fri, next 2026-12-05 22:00 +0100:
// flow-a, flow-b": what --print-discovery, the check's -v and the exporter's log show. The
// schedule only when the export's could be read; the next run after `now` in `zone` (the
// first form: the system's clock and zone).
std::string describe_needs(const JobNeeds& needs);
std::string describe_needs(const JobNeeds& needs, std::chrono::system_clock::time_point now,
                           const LocalTimeZone& zone);

// The job named `name` (exactly). Throws std::invalid_argument naming it and the jobs that
// exist when there is none.
const JobNeeds& require_job(const std::vector<JobNeeds>& jobs, std::string_view name);

// Flow name -> the results of its last run, one per target host.
using ResultsByFlow = std::map<std::string, std::vector<const FlowResult*>, std::less<>>;
ResultsByFlow index_results(const std::vector<FlowResult>& results);

struct JobReadiness {
  bool ready = false;                // every needed flow has results and all of them are up
  std::vector<std::string> failing;  // "flow -> target" for each result that is not up
  std::vector<std::string> not_run;  // needed flows without a result (yet)
  std::size_t flows_up = 0;          // needed flows whose every result is up
};

// A job with no flow to judge is not ready: nothing proves its path.
JobReadiness judge_job(const JobNeeds& job, const ResultsByFlow& results);

}  // namespace vpm
