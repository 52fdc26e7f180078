#include "job_report.h"

#include <algorithm>
#include <cstddef>

#include "vpm/quoted.h"

namespace vpm::nagios {
namespace {

// Failing flow x target lines per job: the flows' own lines follow with every detail.
constexpr std::size_t kFailingLinesPerJob = 8;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::vector<std::string> job_lines(const std::vector<JobNeeds>& jobs,
                                   const std::vector<FlowResult>& results, int verbosity,
                                   std::chrono::system_clock::time_point now) {
  const SystemTimeZone zone;
  const ResultsByFlow by_flow = index_results(results);
  std::vector<std::string> lines;
  for (const JobNeeds& job : jobs) {
    const JobReadiness readiness = judge_job(job, by_flow);
    std::string head = "job " + quoted(job.job) + " (" + std::string(to_string(job.target_type)) +
                       "): " + (readiness.ready ? "READY" : "NOT READY") + ": ";
    const std::size_t needed = job.flows.size();
    if (needed == 0) {
      head += "no flow of the target file leads to its target";
    } else if (readiness.ready) {
      head += std::to_string(needed) + (needed == 1 ? " flow up" : " flows up");
    } else {
      head += std::to_string(needed - readiness.flows_up) + " of " + std::to_string(needed) +
              " flows not up";
    }
    lines.push_back(std::move(head));
    if (job.schedule) {
      lines.push_back("  schedule: " + describe_schedule_and_next_run(*job.schedule, now, zone));
    }
    const std::size_t shown = std::min(readiness.failing.size(), kFailingLinesPerJob);
    for (std::size_t i = 0; i < shown; ++i) lines.push_back("  failing: " + readiness.failing[i]);
    if (readiness.failing.size() > shown) {
      lines.push_back("  ... " + std::to_string(readiness.failing.size() - shown) +
                      " more failing");
    }
    if (!readiness.not_run.empty()) lines.push_back("  not probed: " + join(readiness.not_run));
    if (verbosity > 0 && !job.flows.empty()) lines.push_back("  needs: " + join(job.flows));
  }
  return lines;
}

}  // namespace vpm::nagios
