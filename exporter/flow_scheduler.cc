#include "flow_scheduler.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "vpm/duration.h"
#include "vpm/plan.h"

namespace vpm::exporter {
namespace {

FlowScheduler::Random default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::chrono::steady_clock::duration scaled(Duration d, double factor) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(static_cast<double>(d.count()) * factor));
}

// "port 10005: connection refused" for the first port that failed its expectation.
std::string first_failure(const FlowResult& result) {
  for (const PortResult& port : result.ports) {
    if (!judge(result.flow->expect, port.state)) {
      return "port " + std::to_string(port.port) + " " + std::string(to_string(port.state)) +
             (port.reason.empty() ? "" : ": " + port.reason);
    }
  }
  return result.ports.empty() ? "no port probed" : "";
}

// The run's length: its targets run side by side, so the slowest one.
std::chrono::nanoseconds longest_run(const std::vector<FlowResult>& results) {
  std::chrono::nanoseconds longest{0};
  for (const FlowResult& r : results) longest = std::max(longest, r.duration);
  return longest;
}

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// "8.04", "2", "0.25": seconds to the millisecond, without trailing zeros.
std::string seconds_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  std::string result(text);
  while (result.back() == '0') result.pop_back();
  if (result.back() == '.') result.pop_back();
  return result;
}

}  // namespace

FlowScheduler::FlowScheduler(boost::asio::io_context& io, ProbeRunner& runner, ResultStore& store,
                             Logger& log, Random random)
    : io_(io),
      runner_(runner),
      store_(store),
      log_(log),
      random_(random ? std::move(random) : default_random()),
      tracer_(io, store) {}

FlowScheduler::~FlowScheduler() {
  try {
    stop();
  } catch (...) {  // timer cancellation reports errors by exception; nothing to do about one here
  }
}

void FlowScheduler::stop() {
  for (auto& [name, entry] : entries_) {
    entry->removed = true;
    entry->timer.cancel();
  }
  entries_.clear();
  never_completed_ = 0;
}

ReloadPlan FlowScheduler::apply(std::vector<FlowSpec> specs) {
  if (first_apply_ == Clock::time_point{}) first_apply_ = Clock::now();
  std::vector<FlowSpec> before;
  before.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) before.push_back(entry->spec);
  ReloadPlan plan = plan_reload(before, specs);

  for (const std::string& name : plan.removed) remove(name);
  for (const std::string& name : plan.redefined) remove(name);
  for (FlowSpec& spec : specs) {
    const auto it = entries_.find(spec.flow->name);
    if (it == entries_.end()) {
      add(std::move(spec));
      continue;
    }
    // Kept: same probe. Labels, severity and interval may have changed.
    const EntryPtr& entry = it->second;
    const bool interval_changed = entry->spec.flow->interval != spec.flow->interval;
    entry->spec = std::move(spec);
    if (interval_changed) entry->overrun_logged = false;  // judged again against the new one
    store_.update_definition(entry->spec.flow);
    if (interval_changed && !entry->running) {
      schedule_at(entry, std::max(Clock::now(), entry->last_start + next_delay(*entry)));
    }
  }
  update_ready();
  return plan;
}

std::uint64_t FlowScheduler::completed_runs(const std::string& flow) const {
  const auto it = entries_.find(flow);
  return it == entries_.end() ? 0 : it->second->completed;
}

void FlowScheduler::add(FlowSpec spec) {
  const std::string name = spec.flow->name;
  auto entry = std::make_shared<Entry>(io_, std::move(spec));
  entries_[name] = entry;
  ++never_completed_;
  schedule_at(entry, Clock::now());
}

void FlowScheduler::remove(const std::string& name) {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return;
  it->second->removed = true;
  it->second->timer.cancel();
  if (it->second->completed == 0) --never_completed_;
  entries_.erase(it);
  store_.forget(name);
  tracer_.forget(name);
}

FlowScheduler::Clock::duration FlowScheduler::next_delay(const Entry& entry) {
  const Duration interval = entry.spec.flow->interval;
  if (entry.run_number <= 1) return scaled(interval, 0.5 + 0.5 * random_());  // after the first
  return scaled(interval, 0.9 + 0.2 * random_());
}

void FlowScheduler::schedule_at(const EntryPtr& entry, Clock::time_point when) {
  entry->timer.expires_at(when);
  entry->timer.async_wait([this, entry](const boost::system::error_code& ec) {
    if (ec || entry->removed) return;  // cancelled: rescheduled, removed or stopping
    if (entry->running) {
      log_.debug("Previous run still in progress, skipping this turn",
                 {{"flow", entry->spec.flow->name}});
      schedule_at(entry, Clock::now() + next_delay(*entry));
      return;
    }
    start_run(entry);
  });
}

void FlowScheduler::start_run(const EntryPtr& entry) {
  entry->running = true;
  entry->last_start = Clock::now();
  FlowPlan plan{entry->spec.flow, entry->spec.hosts,
                ports_for_run(*entry->spec.flow, entry->run_number++)};
  schedule_at(entry, entry->last_start + next_delay(*entry));
  runner_.run({std::move(plan)}, [this, entry](std::vector<FlowResult> results) {
    entry->running = false;
    if (entry->removed) return;  // removed or redefined while it ran: not about this config
    finished(entry, std::move(results));
  });
}

void FlowScheduler::finished(const EntryPtr& entry, std::vector<FlowResult> results) {
  if (entry->completed++ == 0) --never_completed_;
  if (log_.enabled(LogLevel::kDebug)) {
    const std::string took = std::to_string(seconds(longest_run(results)));
    log_.debug("Run finished", {{"flow", entry->spec.flow->name}, {"duration_seconds", took}});
  }
  log_overrun(*entry, results);
  log_changes(*entry, results);
  for (FlowResult& r : results) r.flow = entry->spec.flow;  // current labels after a reload
  tracer_.on_run(entry->spec.flow->name, entry->spec.trace_interval, results);
  store_.publish(entry->spec.flow->name, std::move(results));
  update_ready();
}

// Once per flow: every later overrun looks the same, and the metrics show each one.
void FlowScheduler::log_overrun(Entry& entry, const std::vector<FlowResult>& results) {
  const std::chrono::nanoseconds took = longest_run(results);
  if (entry.overrun_logged || took <= entry.spec.flow->interval) return;
  entry.overrun_logged = true;
  std::size_t ports = 0;
  for (const FlowResult& r : results) ports += r.ports.size();
  log_.warn(
      "Flow run took longer than its interval: its results are older than the interval "
      "says, and runs that fall due meanwhile are skipped",
      {{"flow", entry.spec.flow->name},
       {"run_duration_seconds", seconds_text(seconds(took))},
       {"interval_seconds", seconds_text(to_seconds(entry.spec.flow->interval))},
       {"targets", std::to_string(results.size())},
       {"ports", std::to_string(ports)},
       {"timeout_seconds", seconds_text(to_seconds(entry.spec.flow->timeout))}});
}

void FlowScheduler::log_changes(Entry& entry, const std::vector<FlowResult>& results) {
  for (const FlowResult& r : results) {
    const auto previous = entry.up_by_target.find(r.target);
    const bool first = previous == entry.up_by_target.end();
    if ((first && !r.up) || (!first && previous->second != r.up)) {
      const std::string failed = std::to_string(r.failed) + "/" + std::to_string(r.ports.size());
      if (r.up) {
        log_.info("Flow is up", {{"flow", r.flow->name}, {"target", r.target}});
      } else {
        log_.info("Flow is down", {{"flow", r.flow->name},
                                   {"target", r.target},
                                   {"failed_ports", failed},
                                   {"reason", first_failure(r)}});
      }
    }
    entry.up_by_target[r.target] = r.up;
  }
}

void FlowScheduler::update_ready() {
  if (store_.ready() || never_completed_ > 0) return;
  store_.mark_ready();
  const std::string took =
      std::to_string(std::chrono::duration<double>(Clock::now() - first_apply_).count());
  log_.info("Ready: every flow has completed a run",
            {{"flows", std::to_string(entries_.size())}, {"first_run_seconds", took}});
  if (on_ready_) on_ready_();
}

}  // namespace vpm::exporter
