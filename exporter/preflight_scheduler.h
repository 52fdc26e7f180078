#pragma once
// Runs each job's pre-flight (vpm/job_preflight.h) on the probe thread's io_context: once per
// computed start, `preflight` before it, every port of every flow the job needs, and publishes
// the outcome to the ResultStore (veeam_job_preflight_*, job_metrics.h).
//
// Load: the pre-flight goes through the same ProbeRunner as the regular runs, so its global and
// per-target caps hold for both together. Its probes are handed over in batches of at most the
// global cap, one after another, and one job's pre-flight at a time: a regular run that falls
// due meanwhile waits behind one batch at most, never behind a whole 33,000-port range. The job's
// start is the deadline: ports not probed by then fail the pre-flight (too late to prove them).
//
// Timing: a steady timer wakes at the next window opening or start (preflight_wake_time), and
// at least every kPreflightMaxSleep, so that a changed system clock or time zone is noticed.
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logfmt_logger.h"
#include "reload_plan.h"
#include "result_store.h"
#include "vpm/job_preflight.h"
#include "vpm/probe_runner.h"

namespace vpm::exporter {

inline constexpr std::chrono::seconds kPreflightMaxSleep{60};

// The flows of `specs` that some job of `jobs` needs, with their hosts: what apply() plans from.
std::vector<FlowPlan> flows_for_jobs(const std::vector<FlowSpec>& specs,
                                     const std::vector<JobNeeds>& jobs);

class PreflightScheduler {
 public:
  using SystemNow = std::function<SystemTime()>;

  // `zone` must outlive the scheduler. `now` defaults to the system clock.
  PreflightScheduler(boost::asio::io_context& io, ProbeRunner& runner, ResultStore& store,
                     Logger& log, const LocalTimeZone& zone, std::uint64_t probes_per_batch,
                     SystemNow now = {});
  PreflightScheduler(const PreflightScheduler&) = delete;
  PreflightScheduler& operator=(const PreflightScheduler&) = delete;
  ~PreflightScheduler();

  // The jobs and the running flows (flow and hosts) their plans come from, at start and on every
  // reload. A pre-flight in progress finishes with the plan it started with. Call on the
  // io_context's thread.
  void apply(std::vector<JobNeeds> jobs, std::vector<FlowPlan> running);

  // Cancels the timer; a pre-flight in progress is dropped when its batch completes.
  void stop();

  std::uint64_t completed() const { return completed_; }

 private:
  using Steady = std::chrono::steady_clock;
  struct Run {
    JobNeeds job;
    SystemTime start;
    std::vector<FlowPlan> batches;
    std::size_t next = 0;
    std::uint64_t planned = 0;
    std::vector<FlowResult> results;
    Steady::time_point began{};
    Steady::time_point deadline{};
  };

  void log_plans();
  void check();
  void arm(SystemTime now);
  void begin_next();
  void run_batch(const std::shared_ptr<Run>& run);
  void finish(const std::shared_ptr<Run>& run);

  boost::asio::io_context& io_;
  ProbeRunner& runner_;
  ResultStore& store_;
  Logger& log_;
  const LocalTimeZone& zone_;
  std::uint64_t probes_per_batch_;
  SystemNow now_;
  boost::asio::steady_timer timer_;
  std::vector<JobNeeds> jobs_;
  std::vector<FlowPlan> running_;
  std::map<std::string, SystemTime, std::less<>> done_for_;  // job -> start of its last pre-flight
  std::deque<std::shared_ptr<Run>> queue_;                   // due, waiting for the current one
  std::shared_ptr<Run> current_;
  std::uint64_t completed_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once stopped
};

}  // namespace vpm::exporter
