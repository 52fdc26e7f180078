#pragma once
// The last completed run of every flow, shared between the probe thread (which publishes) and
// civetweb's threads (which read). A scrape takes an immutable Snapshot and never waits for a
// probe: publishing only swaps pointers under a short lock.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/job_preflight.h"
#include "vpm/veeam_jobs.h"

namespace vpm::exporter {

inline constexpr std::size_t kProtocolCount = 2;  // tcp, udp

struct Snapshot {
  // Flow name -> one FlowResult per target host of its last completed run, in host order.
  std::map<std::string, std::shared_ptr<const std::vector<FlowResult>>> flows;
  // Ports probed since start, by protocol (index of vpm::Protocol) and state.
  std::array<std::array<std::uint64_t, kPortStateCount>, kProtocolCount> probes_total{};
  bool last_reload_successful = false;
  std::chrono::system_clock::time_point last_reload_success{};  // epoch: never
  // The export's jobs and the flows each needs; empty without an export (job_metrics.h).
  std::shared_ptr<const std::vector<JobNeeds>> jobs;
  // Job name -> its last pre-flight (vpm/job_preflight.h); a job without one has no entry.
  std::map<std::string, PreflightResult, std::less<>> preflights;
  std::uint64_t generation = 0;  // changes whenever anything above does
};

// The snapshot's last results by flow, for judge_job (veeam_job_ready, the landing page).
ResultsByFlow results_by_flow(const Snapshot& snapshot);

class ResultStore {
 public:
  ResultStore() = default;
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // The results of one run of `flow` replace its previous ones; every port counts as a probe.
  void publish(const std::string& flow, std::vector<FlowResult> results);
  // A removed (or redefined) flow's series disappear with its results.
  void forget(const std::string& flow);
  // A kept flow whose labels or severity changed: its last results carry the new definition.
  void update_definition(const std::shared_ptr<const Flow>& flow);
  // A trace of `target`'s failing ports finished: its traces join the flow's last result for that
  // target, unless the target passes by now (or the flow is gone). Counts no probes.
  void update_traces(const std::string& flow, const std::string& target,
                     const std::vector<PortTrace>& traces);
  void record_reload(bool successful, std::chrono::system_clock::time_point when);
  // The jobs of the export as last (re)loaded; their readiness is judged at scrape time.
  void set_jobs(std::vector<JobNeeds> jobs);
  // The last pre-flight of `job` replaces its previous one.
  void set_preflight(const std::string& job, PreflightResult result);

  // The current state; cheap when nothing changed since the last call.
  std::shared_ptr<const Snapshot> snapshot() const;

  // Latched once every scheduled flow has completed a run.
  void mark_ready() { ready_.store(true); }
  bool ready() const { return ready_.load(); }

 private:
  mutable std::mutex mutex_;
  Snapshot state_;
  mutable std::shared_ptr<const Snapshot> published_;  // equals state_ unless dirty_
  mutable bool dirty_ = true;
  std::atomic<bool> ready_{false};
};

}  // namespace vpm::exporter
