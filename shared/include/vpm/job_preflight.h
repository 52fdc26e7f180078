#pragma once
// The pre-flight of a backup job: `preflight` (JobNeeds::preflight, 30 minutes unless the target
// file says otherwise) before each computed start, every flow the job needs runs once with every
// one of its ports, sample or not, so that the whole 2500-3300 range is proven just before the
// job uses it. Plain functions with the time passed in: the exporter calls them with the system
// clock and zone, the tests with whatever instant and zone they need.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/job_schedule.h"
#include "vpm/plan.h"
#include "vpm/veeam_jobs.h"

namespace vpm {

using SystemTime = std::chrono::system_clock::time_point;

// The job's next start after `now`, and when its pre-flight window opens (start - lead).
struct PreflightWindow {
  SystemTime opens;
  SystemTime start;
};

// Nullopt when the job has no pre-flight: a lead of zero, no schedule read, or no next start
// (a manual or event-only job).
std::optional<PreflightWindow> next_preflight_window(const JobNeeds& job, SystemTime now,
                                                     const LocalTimeZone& zone);

// The start whose pre-flight is due at `now`: its window is open and `done_for` (the start of the
// last pre-flight run) is another start. Once per start: the caller records what it ran for. A
// lead longer than the time between starts (every 15 minutes, lead 30) makes one per start.
std::optional<SystemTime> preflight_due(const JobNeeds& job, SystemTime now,
                                        const LocalTimeZone& zone,
                                        std::optional<SystemTime> done_for);

// When preflight_due may next give another answer: the window's opening while it is ahead, else
// the start itself (after it, the window of the next start is computed). Nullopt without a window.
std::optional<SystemTime> preflight_wake_time(const JobNeeds& job, SystemTime now,
                                              const LocalTimeZone& zone);

// The flows of `running` (flow and hosts; their ports are ignored) that `job` needs, each with
// every port of its set. A needed flow that is not running has no plan: judge_preflight then
// reports it as not run.
std::vector<FlowPlan> preflight_plan(const JobNeeds& job, const std::vector<FlowPlan>& running);

// Probes a plan makes: ports x hosts, summed.
std::uint64_t probe_count(const std::vector<FlowPlan>& plan);

// `plan` cut into pieces of at most `probes_per_batch` probes (at least one port each), in
// order. Run one after another, they let the regular runs queued meanwhile go in between: a
// pre-flight delays them by one piece at most, never by the whole range.
std::vector<FlowPlan> split_into_batches(const std::vector<FlowPlan>& plan,
                                         std::uint64_t probes_per_batch);

struct PreflightResult {
  bool ok = false;  // every needed flow ran, every port probed met its expectation on every host
  std::uint64_t ports_probed = 0;        // port x host probes made
  std::uint64_t ports_not_probed = 0;    // planned but not probed: the start came first
  std::vector<std::string> not_run;      // needed flows without a result
  std::vector<std::string> failing;      // "flow -> host port 2501/tcp filtered", the first ones
  std::uint64_t failing_ports = 0;       // all of them
  std::chrono::nanoseconds duration{0};  // from the first probe to the last result
  SystemTime finished_at{};
  SystemTime start{};  // the job start it was run for
};

// How many failing ports judge_preflight lists by name; the count has them all.
inline constexpr std::size_t kListedPreflightFailures = 20;

// The outcome of a pre-flight that planned `planned_probes` (probe_count of its plan) and got
// `results` (of every batch), judged port by port with the flows' expectations and with
// judge_job's rules (no flow: not ok); a planned probe without a result fails it too.
PreflightResult judge_preflight(const JobNeeds& job, std::uint64_t planned_probes,
                                const std::vector<FlowResult>& results);

}  // namespace vpm
