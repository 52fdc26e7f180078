#include "preflight_scheduler.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

namespace vpm::exporter {
namespace {

// "2026-12-05 22:00" on the agent's clock, as the job's schedule says it.
std::string local_text(SystemTime t, const LocalTimeZone& zone) {
  const LocalDateTime local = zone.to_local(t);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", local.year, local.month, local.day,
                local.hour, local.minute);
  return text;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string seconds_text(std::chrono::nanoseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

std::vector<FlowPlan> flows_for_jobs(const std::vector<FlowSpec>& specs,
                                     const std::vector<JobNeeds>& jobs) {
  std::set<std::string_view> needed;
  for (const JobNeeds& job : jobs) needed.insert(job.flows.begin(), job.flows.end());
  std::vector<FlowPlan> flows;
  for (const FlowSpec& spec : specs) {
    if (needed.contains(spec.flow->name)) flows.push_back(FlowPlan{spec.flow, spec.hosts, {}});
  }
  return flows;
}

PreflightScheduler::PreflightScheduler(boost::asio::io_context& io, ProbeRunner& runner,
                                       ResultStore& store, Logger& log, const LocalTimeZone& zone,
                                       std::uint64_t probes_per_batch, SystemNow now)
    : io_(io),
      runner_(runner),
      store_(store),
      log_(log),
      zone_(zone),
      probes_per_batch_(std::max<std::uint64_t>(probes_per_batch, 1)),
      now_(now ? std::move(now) : [] { return std::chrono::system_clock::now(); }),
      timer_(io) {}

PreflightScheduler::~PreflightScheduler() {
  try {
    stop();
  } catch (...) {  // timer cancellation reports errors by exception; nothing to do about one here
  }
}

void PreflightScheduler::stop() {
  *alive_ = false;
  timer_.cancel();
  queue_.clear();
}

void PreflightScheduler::apply(std::vector<JobNeeds> jobs, std::vector<FlowPlan> running) {
  jobs_ = std::move(jobs);
  running_ = std::move(running);
  log_plans();
  check();
}

// What the admin wants to know after a start or reload: when each job's next pre-flight runs,
// or why it has none.
void PreflightScheduler::log_plans() {
  const SystemTime now = now_();
  for (const JobNeeds& job : jobs_) {
    if (const std::optional<PreflightWindow> window = next_preflight_window(job, now, zone_)) {
      log_.info("Pre-flight planned", {{"backup_job", job.job},
                                       {"job_start", local_text(window->start, zone_)},
                                       {"preflight_at", local_text(window->opens, zone_)}});
    } else {
      log_.debug("No pre-flight", {{"backup_job", job.job},
                                   {"reason", job.preflight.count() == 0 ? "preflight is 0"
                                              : job.schedule             ? "no next start"
                                                                         : "no schedule read"}});
    }
  }
}

void PreflightScheduler::check() {
  const SystemTime now = now_();
  for (const JobNeeds& job : jobs_) {
    const auto done = done_for_.find(job.job);
    const std::optional<SystemTime> start = preflight_due(
        job, now, zone_,
        done == done_for_.end() ? std::nullopt : std::optional<SystemTime>(done->second));
    if (!start) continue;
    done_for_[job.job] = *start;
    auto run = std::make_shared<Run>();
    run->job = job;
    run->start = *start;
    queue_.push_back(std::move(run));
  }
  if (!current_) begin_next();
  arm(now);
}

void PreflightScheduler::arm(SystemTime now) {
  SystemTime wake = now + kPreflightMaxSleep;
  for (const JobNeeds& job : jobs_) {
    if (const std::optional<SystemTime> t = preflight_wake_time(job, now, zone_)) {
      wake = std::min(wake, *t);
    }
  }
  // A millisecond past the instant: the window is open (or the start passed) by then.
  timer_.expires_after(std::chrono::duration_cast<Steady::duration>(
      std::max(wake - now, SystemTime::duration::zero()) + std::chrono::milliseconds(1)));
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    check();
  });
}

void PreflightScheduler::begin_next() {
  if (queue_.empty()) return;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  Run& run = *current_;
  const std::vector<FlowPlan> plan = preflight_plan(run.job, running_);
  run.planned = probe_count(plan);
  run.batches = split_into_batches(plan, probes_per_batch_);
  run.began = Steady::now();
  run.deadline = run.began + std::chrono::duration_cast<Steady::duration>(run.start - now_());
  log_.info("Pre-flight started", {{"backup_job", run.job.job},
                                   {"job_start", local_text(run.start, zone_)},
                                   {"flows", std::to_string(plan.size())},
                                   {"ports", std::to_string(run.planned)}});
  run_batch(current_);
}

void PreflightScheduler::run_batch(const std::shared_ptr<Run>& run) {
  if (run->next >= run->batches.size() || Steady::now() >= run->deadline) {
    finish(run);
    return;
  }
  FlowPlan batch = std::move(run->batches[run->next++]);
  runner_.run(
      {std::move(batch)},
      [this, run, alive = alive_](std::vector<FlowResult> results) {
        if (!*alive) return;
        for (FlowResult& r : results) run->results.push_back(std::move(r));
        run_batch(run);
      },
      run->deadline);
}

void PreflightScheduler::finish(const std::shared_ptr<Run>& run) {
  PreflightResult result = judge_preflight(run->job, run->planned, run->results);
  result.duration = Steady::now() - run->began;
  result.finished_at = now_();
  result.start = run->start;
  const std::string& job = run->job.job;
  if (result.ok) {
    log_.info("Pre-flight passed", {{"backup_job", job},
                                    {"ports", std::to_string(result.ports_probed)},
                                    {"duration_seconds", seconds_text(result.duration)}});
  } else {
    log_.info("Pre-flight failed", {{"backup_job", job},
                                    {"ports", std::to_string(result.ports_probed)},
                                    {"failing_ports", std::to_string(result.failing_ports)},
                                    {"not_probed", std::to_string(result.ports_not_probed)},
                                    {"not_run", joined(result.not_run, ",")},
                                    {"failing", joined(result.failing, "; ")},
                                    {"duration_seconds", seconds_text(result.duration)}});
  }
  store_.set_preflight(job, std::move(result));
  ++completed_;
  current_.reset();
  begin_next();
}

}  // namespace vpm::exporter
