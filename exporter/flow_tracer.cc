#include "flow_tracer.h"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace vpm::exporter {

FlowTracer::FlowTracer(boost::asio::io_context& io, ResultStore& store)
    : io_(io), store_(store), worker_([this] { work(); }) {}

FlowTracer::~FlowTracer() {
  *alive_ = false;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  worker_.join();
}

void FlowTracer::on_run(const std::string& flow, Clock::duration trace_interval,
                        std::vector<FlowResult>& results) {
  const Clock::time_point now = Clock::now();
  for (FlowResult& result : results) {
    const Key key{flow, result.target};
    const std::vector<Port> failing =
        result.flow->trace ? traceable_ports(result) : std::vector<Port>{};
    if (failing.empty()) {
      known_.erase(key);
      continue;
    }
    Known& known = known_[key];
    for (const PortTrace& trace : known.traces) {
      if (std::find(failing.begin(), failing.end(), trace.port) != failing.end()) {
        result.traces.push_back(trace);
      }
    }
    const bool due =
        known.last_started == Clock::time_point{} || now - known.last_started >= trace_interval;
    if (!due) continue;
    const std::lock_guard lock(mutex_);
    if (jobs_.size() >= kMaxQueued) continue;  // the next run asks again
    known.last_started = now;
    ++started_;
    jobs_.push_back({key, result});
    wake_.notify_one();
  }
}

void FlowTracer::forget(const std::string& flow) {
  for (auto it = known_.begin(); it != known_.end();) {
    it = it->first.first == flow ? known_.erase(it) : std::next(it);
  }
}

void FlowTracer::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    // One flow x target at a time, its ports two traces at once: at most 60 sockets beside
    // the probe runner's.
    std::vector<FlowResult> one{std::move(job.result)};
    TraceLimits limits;
    limits.caps = {2 * limits.max_hops, limits.max_hops};
    trace_failures(one, limits);
    boost::asio::post(io_, [this, alive = alive_, key = job.key,
                            traces = std::move(one.front().traces)]() mutable {
      if (*alive) finished(key, std::move(traces));
    });
  }
}

void FlowTracer::finished(const Key& key, std::vector<PortTrace> traces) {
  const auto it = known_.find(key);
  if (it == known_.end()) return;  // passed, or the flow went, while the trace ran
  it->second.traces = traces;
  store_.update_traces(key.first, key.second, traces);
}

}  // namespace vpm::exporter
