#pragma once
// The exporter's traces (vpm/trace.h): when a TCP flow's target fails with filtered or
// unreachable ports, where their paths stop. At most one trace per flow x target per
// trace_interval, never for a passing target, never for a flow with `trace: false`. Traces
// block for up to a probe timeout, so they run on a thread of their own, one job at a time;
// the result goes to the ResultStore from there (publishing is thread-safe), and the tracer's
// own bookkeeping stays on the probe thread.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "result_store.h"
#include "vpm/flow_result.h"
#include "vpm/trace_failures.h"

namespace vpm::exporter {

class FlowTracer {
 public:
  FlowTracer(boost::asio::io_context& io, ResultStore& store);
  FlowTracer(const FlowTracer&) = delete;
  FlowTracer& operator=(const FlowTracer&) = delete;
  ~FlowTracer();  // drops queued jobs, waits for the one running

  // On the probe thread, before a run of `flow` is published: results of failing targets get
  // the last traces of their ports that still fail; passing targets forget theirs; a trace
  // starts where one is due.
  void on_run(const std::string& flow, std::chrono::steady_clock::duration trace_interval,
              std::vector<FlowResult>& results);
  // A flow that was removed or redefined: its traces and schedule go.
  void forget(const std::string& flow);

  // Traces queued since start (tests, and the bound on how often a target is traced).
  std::size_t traces_started() const { return started_; }

 private:
  using Clock = std::chrono::steady_clock;
  using Key = std::pair<std::string, std::string>;  // flow, target
  struct Known {
    Clock::time_point last_started{};
    std::vector<PortTrace> traces;
  };
  struct Job {
    Key key;
    FlowResult result;
  };
  void work();
  void finished(const Key& key, std::vector<PortTrace> traces);

  static constexpr std::size_t kMaxQueued = 64;
  boost::asio::io_context& io_;
  ResultStore& store_;
  std::map<Key, Known> known_;  // probe thread only
  std::size_t started_ = 0;     // probe thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read on the probe thread
  std::thread worker_;
};

}  // namespace vpm::exporter
