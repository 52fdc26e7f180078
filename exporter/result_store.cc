#include "result_store.h"

#include <utility>

namespace vpm::exporter {

ResultsByFlow results_by_flow(const Snapshot& snapshot) {
  ResultsByFlow by_flow;
  for (const auto& [name, results] : snapshot.flows) {
    std::vector<const FlowResult*>& list = by_flow[name];
    for (const FlowResult& r : *results) list.push_back(&r);
  }
  return by_flow;
}

void ResultStore::publish(const std::string& flow, std::vector<FlowResult> results) {
  std::array<std::array<std::uint64_t, kPortStateCount>, kProtocolCount> probes{};
  for (const FlowResult& result : results) {
    const auto protocol = static_cast<std::size_t>(result.flow->protocol);
    for (const PortResult& port : result.ports) {
      ++probes[protocol][static_cast<std::size_t>(port.state)];
    }
  }
  auto entry = std::make_shared<const std::vector<FlowResult>>(std::move(results));
  const std::lock_guard lock(mutex_);
  state_.flows[flow] = std::move(entry);
  for (std::size_t p = 0; p < kProtocolCount; ++p) {
    for (std::size_t s = 0; s < kPortStateCount; ++s) state_.probes_total[p][s] += probes[p][s];
  }
  dirty_ = true;
}

void ResultStore::forget(const std::string& flow) {
  const std::lock_guard lock(mutex_);
  if (state_.flows.erase(flow) > 0) dirty_ = true;
}

void ResultStore::update_definition(const std::shared_ptr<const Flow>& flow) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.flows.find(flow->name);
  if (it == state_.flows.end()) return;
  auto results = std::make_shared<std::vector<FlowResult>>(*it->second);
  for (FlowResult& result : *results) result.flow = flow;
  it->second = std::move(results);
  dirty_ = true;
}

void ResultStore::update_traces(const std::string& flow, const std::string& target,
                                const std::vector<PortTrace>& traces) {
  const std::lock_guard lock(mutex_);
  const auto it = state_.flows.find(flow);
  if (it == state_.flows.end()) return;
  auto results = std::make_shared<std::vector<FlowResult>>(*it->second);
  bool changed = false;
  for (FlowResult& result : *results) {
    if (result.target != target || result.up) continue;
    result.traces = traces;
    changed = true;
  }
  if (!changed) return;
  it->second = std::move(results);
  dirty_ = true;
}

void ResultStore::record_reload(bool successful, std::chrono::system_clock::time_point when) {
  const std::lock_guard lock(mutex_);
  state_.last_reload_successful = successful;
  if (successful) state_.last_reload_success = when;
  dirty_ = true;
}

void ResultStore::set_jobs(std::vector<JobNeeds> jobs) {
  auto entry = std::make_shared<const std::vector<JobNeeds>>(std::move(jobs));
  const std::lock_guard lock(mutex_);
  state_.jobs = std::move(entry);
  dirty_ = true;
}

void ResultStore::set_preflight(const std::string& job, PreflightResult result) {
  const std::lock_guard lock(mutex_);
  state_.preflights[job] = std::move(result);
  dirty_ = true;
}

std::shared_ptr<const Snapshot> ResultStore::snapshot() const {
  const std::lock_guard lock(mutex_);
  if (dirty_) {
    auto copy = std::make_shared<Snapshot>(state_);  // copies pointers, not results
    copy->generation = published_ ? published_->generation + 1 : 1;
    published_ = std::move(copy);
    dirty_ = false;
  }
  return published_;
}

}  // namespace vpm::exporter
