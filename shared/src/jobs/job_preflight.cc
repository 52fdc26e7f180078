// When a job's pre-flight is due, what it probes and how it is judged (vpm/job_preflight.h).
#include "vpm/job_preflight.h"

#include <algorithm>

#include "vpm/port_result.h"

namespace vpm {

std::optional<PreflightWindow> next_preflight_window(const JobNeeds& job, SystemTime now,
                                                     const LocalTimeZone& zone) {
  if (job.preflight <= std::chrono::seconds::zero() || !job.schedule) return std::nullopt;
  const std::optional<SystemTime> start = next_run(*job.schedule, now, zone);
  if (!start) return std::nullopt;
  return PreflightWindow{*start - job.preflight, *start};
}

std::optional<SystemTime> preflight_due(const JobNeeds& job, SystemTime now,
                                        const LocalTimeZone& zone,
                                        std::optional<SystemTime> done_for) {
  const std::optional<PreflightWindow> window = next_preflight_window(job, now, zone);
  if (!window || now < window->opens || done_for == window->start) return std::nullopt;
  return window->start;
}

std::optional<SystemTime> preflight_wake_time(const JobNeeds& job, SystemTime now,
                                              const LocalTimeZone& zone) {
  const std::optional<PreflightWindow> window = next_preflight_window(job, now, zone);
  if (!window) return std::nullopt;
  return now < window->opens ? window->opens : window->start;
}

std::vector<FlowPlan> preflight_plan(const JobNeeds& job, const std::vector<FlowPlan>& running) {
  std::vector<FlowPlan> plan;
  for (const std::string& name : job.flows) {
    const auto found = std::find_if(running.begin(), running.end(),
                                    [&](const FlowPlan& f) { return f.flow->name == name; });
    if (found == running.end()) continue;
    plan.push_back(FlowPlan{found->flow, found->hosts, found->flow->ports.ports()});
  }
  return plan;
}

std::uint64_t probe_count(const std::vector<FlowPlan>& plan) {
  std::uint64_t count = 0;
  for (const FlowPlan& f : plan) count += std::uint64_t{f.ports.size()} * f.hosts.size();
  return count;
}

std::vector<FlowPlan> split_into_batches(const std::vector<FlowPlan>& plan,
                                         std::uint64_t probes_per_batch) {
  std::vector<FlowPlan> batches;
  for (const FlowPlan& f : plan) {
    const std::uint64_t hosts = std::max<std::uint64_t>(f.hosts.size(), 1);
    const auto ports_per_batch =
        static_cast<std::size_t>(std::max<std::uint64_t>(probes_per_batch / hosts, 1));
    for (std::size_t first = 0; first < f.ports.size(); first += ports_per_batch) {
      const std::size_t last = std::min(f.ports.size(), first + ports_per_batch);
      batches.push_back(
          FlowPlan{f.flow, f.hosts,
                   std::vector<Port>(f.ports.begin() + static_cast<std::ptrdiff_t>(first),
                                     f.ports.begin() + static_cast<std::ptrdiff_t>(last))});
    }
  }
  return batches;
}

PreflightResult judge_preflight(const JobNeeds& job, std::uint64_t planned_probes,
                                const std::vector<FlowResult>& results) {
  PreflightResult out;
  const JobReadiness readiness = judge_job(job, index_results(results));
  out.not_run = readiness.not_run;
  for (const FlowResult& r : results) {
    out.ports_probed += r.ports.size();
    out.finished_at = std::max(out.finished_at, r.finished_at);
    for (const PortResult& port : r.ports) {
      if (judge(r.flow->expect, port.state)) continue;
      if (out.failing_ports++ < kListedPreflightFailures) {
        out.failing.push_back(
            r.flow->name + " -> " + r.target + " port " + std::to_string(port.port) + "/" +
            std::string(to_string(r.flow->protocol)) + " " + std::string(to_string(port.state)));
      }
    }
  }
  out.ports_not_probed = planned_probes > out.ports_probed ? planned_probes - out.ports_probed : 0;
  out.ok = readiness.ready && out.failing_ports == 0 && out.ports_not_probed == 0;
  return out;
}

}  // namespace vpm
