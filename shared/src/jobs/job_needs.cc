// Which flows each job of the export needs; the table is in vpm/veeam_jobs.h.
#include <algorithm>
#include <array>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "vpm/quoted.h"
#include "vpm/veeam_jobs.h"

namespace vpm {
namespace {

bool has_network_target(VeeamTargetType type) {
  return type == VeeamTargetType::kSharedFolder || type == VeeamTargetType::kBackupRepository ||
         type == VeeamTargetType::kCloudConnect;
}

// The pre-flight lead of the job named `name`: its `jobs:` entry, else defaults.preflight.
std::chrono::seconds preflight_of(const Config& config, std::string_view name) {
  Duration lead = config.defaults.preflight;
  for (const JobSettings& settings : config.jobs) {
    if (settings.name == name && settings.preflight) lead = *settings.preflight;
  }
  return std::chrono::ceil<std::chrono::seconds>(lead);
}

// A `jobs:` entry naming no job of the export is a typo or a job since removed: its settings
// apply to nothing, which the admin should hear about rather than rely on.
void warn_unknown_settings(const Config& config, const VeeamExport& veeam,
                           const std::set<std::string, std::less<>>& names,
                           std::vector<std::string>& warnings) {
  for (const JobSettings& settings : config.jobs) {
    if (names.contains(settings.name)) continue;
    std::string known;
    for (const VeeamJob& job : veeam.jobs) {
      if (!job.name.empty()) known += (known.empty() ? "" : ", ") + quoted(job.name);
    }
    warnings.push_back(settings.where + ": jobs: no job " + quoted(settings.name) + " in " +
                       veeam.source + "; " +
                       (known.empty() ? "it names no job" : "its jobs: " + known));
  }
}

}  // namespace

std::vector<std::string_view> roles_needed_by(VeeamTargetType type) {
  std::vector<std::string_view> roles{kJobRole};
  switch (type) {
    case VeeamTargetType::kBackupRepository:
      roles.insert(roles.end(), {"backup_server", "backup_repository", "gateway_server"});
      break;
    case VeeamTargetType::kSharedFolder:
      roles.push_back("smb_share");
      break;
    case VeeamTargetType::kCloudConnect:
      roles.insert(roles.end(), {"cloud_gateway", "cloud_connect_crl"});
      break;
    case VeeamTargetType::kLocalDisk:
    case VeeamTargetType::kUnknown:
      break;
  }
  if (has_network_target(type)) roles.insert(roles.end(), {"dns_server", "domain_controller"});
  return roles;
}

std::vector<JobNeeds> job_needs(const Config& config, const VeeamExport& veeam,
                                std::vector<std::string>& warnings) {
  std::vector<JobNeeds> jobs;
  std::set<std::string, std::less<>> names;
  for (const VeeamJob& job : veeam.jobs) {
    const std::string where = veeam.source + ":" + std::to_string(job.line);
    if (job.name.empty()) {
      warnings.push_back(where + ": a job without JobName has no readiness of its own");
      continue;
    }
    if (!names.insert(job.name).second) {
      warnings.push_back(where + ": a second job named " + quoted(job.name) +
                         ": only the first one's readiness is reported");
      continue;
    }
    JobNeeds needs{job.name, job.target_type, {}, job.schedule, preflight_of(config, job.name)};
    const std::vector<std::string_view> roles = roles_needed_by(job.target_type);
    for (const Flow& flow : config.flows) {
      if (!flow.enabled || flow.from != kJobRole) continue;
      if (std::find(roles.begin(), roles.end(), flow.to) == roles.end()) continue;
      needs.flows.push_back(flow.name);
    }
    jobs.push_back(std::move(needs));
  }
  warn_unknown_settings(config, veeam, names, warnings);
  return jobs;
}

std::string describe_needs(const JobNeeds& needs) {
  return describe_needs(needs, std::chrono::system_clock::now(), SystemTimeZone());
}

std::string describe_needs(const JobNeeds& needs, std::chrono::system_clock::time_point now,
                           const LocalTimeZone& zone) {
  std::string line = quoted(needs.job) + " (" + std::string(to_string(needs.target_type)) + ")";
  if (needs.schedule) line += ", " + describe_schedule_and_next_run(*needs.schedule, now, zone);
  line += ":";
  if (needs.flows.empty()) return line + " no flow";
  bool first = true;
  for (const std::string& flow : needs.flows) {
    line += (first ? " " : ", ") + flow;
    first = false;
  }
  return line;
}

const JobNeeds& require_job(const std::vector<JobNeeds>& jobs, std::string_view name) {
  for (const JobNeeds& job : jobs) {
    if (job.job == name) return job;
  }
  std::string known;
  for (const JobNeeds& job : jobs) known += (known.empty() ? "" : ", ") + quoted(job.job);
  throw std::invalid_argument("no job " + quoted(name) + " in the Veeam Agent export; " +
                              (known.empty() ? "it names no job" : "its jobs: " + known));
}

}  // namespace vpm
