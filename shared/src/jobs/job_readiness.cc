// Whether every flow a job needs is up: the one judgement behind the check's --job and the
// exporter's veeam_job_ready.
#include <string>

#include "vpm/veeam_jobs.h"

namespace vpm {

ResultsByFlow index_results(const std::vector<FlowResult>& results) {
  ResultsByFlow by_flow;
  for (const FlowResult& r : results) by_flow[r.flow->name].push_back(&r);
  return by_flow;
}

JobReadiness judge_job(const JobNeeds& job, const ResultsByFlow& results) {
  JobReadiness out;
  for (const std::string& flow : job.flows) {
    const auto found = results.find(flow);
    if (found == results.end() || found->second.empty()) {
      out.not_run.push_back(flow);
      continue;
    }
    bool all_up = true;
    for (const FlowResult* r : found->second) {
      if (r->up) continue;
      all_up = false;
      out.failing.push_back(flow + " -> " + r->target);
    }
    if (all_up) ++out.flows_up;
  }
  out.ready = !job.flows.empty() && out.failing.empty() && out.not_run.empty();
  return out;
}

}  // namespace vpm
