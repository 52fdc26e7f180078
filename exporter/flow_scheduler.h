#pragma once
// Runs every flow on its own interval on the probe thread's io_context and publishes each
// completed run to the ResultStore. Flows never wait for one another: each has its own timer
// and its own run on the shared ProbeRunner, whose caps keep the total load bounded.
//
// Timing: a flow's first run starts at once (at start, or when a reload adds it), so the
// exporter is ready as soon as the probes allow; the ProbeRunner's caps keep that burst
// bounded. The second run starts interval x (0.5 .. 1.0) after the first, drawn per flow, which
// spreads flows that started together over half an interval; every later run starts
// interval x (0.9 .. 1.1) after the previous start, drawn again each time, so they never fall
// back into lockstep. A run still going when the next is due skips that turn; the first run of
// a flow that takes longer than its interval is logged (a warning, once per flow definition),
// and veeam_flow_interval_seconds lets a rule compare it to veeam_flow_run_duration_seconds.
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flow_tracer.h"
#include "logfmt_logger.h"
#include "reload_plan.h"
#include "result_store.h"
#include "vpm/probe_runner.h"

namespace vpm::exporter {

class FlowScheduler {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1)

  FlowScheduler(boost::asio::io_context& io, ProbeRunner& runner, ResultStore& store, Logger& log,
                Random random = {});
  FlowScheduler(const FlowScheduler&) = delete;
  FlowScheduler& operator=(const FlowScheduler&) = delete;
  ~FlowScheduler();

  // Replaces the running flows with `specs` (at start and on every valid reload), following
  // reload_plan.h. Call on the io_context's thread.
  ReloadPlan apply(std::vector<FlowSpec> specs);

  // Called once, on the io_context's thread, when every flow has completed its first run.
  void on_ready(std::function<void()> hook) { on_ready_ = std::move(hook); }

  // Cancels every timer; runs still in flight are dropped when they complete.
  void stop();

  std::size_t flow_count() const { return entries_.size(); }
  // Completed runs of a flow since it was (re)defined; 0 for unknown names.
  std::uint64_t completed_runs(const std::string& flow) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Entry(boost::asio::io_context& io, FlowSpec s) : spec(std::move(s)), timer(io) {}
    FlowSpec spec;
    boost::asio::steady_timer timer;
    std::uint64_t run_number = 0;  // drives the `sample` rotation
    std::uint64_t completed = 0;
    bool running = false;
    bool removed = false;
    bool overrun_logged = false;  // "Flow run took longer than its interval", once per flow
    Clock::time_point last_start{};
    std::map<std::string, bool> up_by_target;  // for logging changes only
  };
  using EntryPtr = std::shared_ptr<Entry>;

  void add(FlowSpec spec);
  void remove(const std::string& name);
  void schedule_at(const EntryPtr& entry, Clock::time_point when);
  Clock::duration next_delay(const Entry& entry);
  void start_run(const EntryPtr& entry);
  void finished(const EntryPtr& entry, std::vector<FlowResult> results);
  void log_changes(Entry& entry, const std::vector<FlowResult>& results);
  void log_overrun(Entry& entry, const std::vector<FlowResult>& results);
  void update_ready();

  boost::asio::io_context& io_;
  ProbeRunner& runner_;
  ResultStore& store_;
  Logger& log_;
  Random random_;
  std::map<std::string, EntryPtr> entries_;
  std::size_t never_completed_ = 0;  // entries_ without a completed run yet
  std::function<void()> on_ready_;
  Clock::time_point first_apply_{};  // for the time the first runs took
  FlowTracer tracer_;                // last: its worker stops before the rest goes
};

}  // namespace vpm::exporter
