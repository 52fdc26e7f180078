#include "vpm/probe_runner.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "host_resolver.h"
#include "probe_threads.h"
#include "vpm/os_seam.h"
#include "vpm/source_address.h"

namespace vpm {
namespace {

using Clock = std::chrono::steady_clock;

// One run: every flow x host x port of the plans it was given.
struct Batch {
  explicit Batch(boost::asio::io_context& io) : deadline_timer(io) {}

  struct Slot {  // one flow x host
    std::size_t flow = 0;
    std::string host;
    std::string address;
    std::vector<PortResult> ports;
    std::vector<bool> probed;  // per port: a result came (a probe or a failed lookup)
    std::size_t remaining = 0;
    Clock::time_point finished{};
  };
  std::vector<FlowPlan> flows;
  std::vector<std::optional<boost::asio::ip::address>> sources;  // per flow: its `source`
  std::vector<std::string> source_problems;  // per flow: why it cannot leave from its source
  std::vector<Slot> slots;
  std::size_t remaining_slots = 0;
  Clock::time_point started = Clock::now();
  ProbeRunner::RunDone done;
  boost::asio::steady_timer deadline_timer;
  bool completed = false;  // reported: later results change nothing

  void port_done(std::size_t slot_index) {
    if (completed) return;
    Slot& slot = slots[slot_index];
    if (--slot.remaining == 0) {
      slot.finished = Clock::now();
      if (--remaining_slots == 0) complete();
    }
  }

  // Every port of a slot gets the same result without a probe (a failed lookup or bind).
  void fail_slot(std::size_t slot_index, PortState state, const std::string& reason) {
    Slot& slot = slots[slot_index];
    const FlowPlan& plan = flows[slot.flow];
    for (std::size_t i = 0; i < plan.ports.size(); ++i) {
      slot.ports[i] = PortResult{plan.ports[i], state, {}, reason};
      slot.probed[i] = true;
    }
    slot.remaining = 1;
    port_done(slot_index);
  }

  // Each flow's source, parsed and asked of the system once per run (one bind per address):
  // an address that is not this machine's fails the flow's ports, it never falls back.
  void check_sources() {
    std::map<std::string, std::string> problem_of;
    sources.resize(flows.size());
    source_problems.resize(flows.size());
    for (std::size_t f = 0; f < flows.size(); ++f) {
      const std::string& text = flows[f].flow->source;
      if (text.empty()) continue;
      std::string problem;
      sources[f] = parse_source_address(text, &problem);
      if (sources[f]) {
        const auto [known, fresh] = problem_of.try_emplace(text);
        if (fresh) known->second = source_bind_problem(*sources[f]);
        problem = known->second;
      }
      source_problems[f] = std::move(problem);
    }
  }

  void complete() {
    completed = true;
    deadline_timer.cancel();
    std::vector<FlowResult> results;
    results.reserve(slots.size());
    const auto now = std::chrono::system_clock::now();
    const auto steady_now = Clock::now();
    for (Slot& slot : slots) {
      std::vector<PortResult> probed;
      probed.reserve(slot.ports.size());
      for (std::size_t i = 0; i < slot.ports.size(); ++i) {
        if (slot.probed[i]) probed.push_back(std::move(slot.ports[i]));
      }
      const auto not_probed = static_cast<unsigned>(slot.ports.size() - probed.size());
      FlowResult result = summarise(flows[slot.flow].flow, std::move(slot.host),
                                    std::move(slot.address), std::move(probed));
      result.not_probed = not_probed;
      result.finished_at = now;
      result.duration = (slot.remaining == 0 ? slot.finished : steady_now) - started;
      results.push_back(std::move(result));
    }
    ProbeRunner::RunDone callback = std::move(done);
    callback(std::move(results));
  }
};

}  // namespace

Limits limits_of(const Defaults& defaults) {
  Limits limits;
  limits.concurrency = defaults.concurrency;
  limits.per_target_concurrency = defaults.per_target_concurrency;
  limits.probe_threads = defaults.probe_threads;
  return limits;
}

unsigned effective_probe_threads(unsigned setting) {
  if (setting > 0) return setting;
  return std::clamp(std::thread::hardware_concurrency(), 1U, 2U);  // 0 when it cannot tell
}

ProbeRunner::ProbeRunner(boost::asio::io_context& io, Limits limits)
    : io_(io),
      limit_(std::max(1U, std::min(limits.concurrency, os::socket_budget()))),
      concurrency_(limit_),
      per_target_concurrency_(std::max(1U, limits.per_target_concurrency)),
      grow_while_filtered_(limits.grow_while_filtered),
      resolver_(std::make_unique<HostResolver>(io)),
      lanes_(std::min(effective_probe_threads(limits.probe_threads), kMaxProbeThreads)),
      threads_(std::make_unique<ProbeThreads>(static_cast<unsigned>(lanes_.size() - 1))),
      alive_(std::make_shared<bool>(true)) {}

ProbeRunner::~ProbeRunner() {
  *alive_ = false;
  threads_.reset();  // probes running on the other threads are abandoned here
}

void ProbeRunner::run(std::vector<FlowPlan> flows, RunDone done, RunDeadline deadline) {
  auto batch = std::make_shared<Batch>(io_);
  batch->flows = std::move(flows);
  batch->done = std::move(done);
  batch->check_sources();

  // Hosts are resolved once per run, however many flows point at them.
  std::map<std::string, std::vector<std::size_t>> slots_by_host;
  std::map<std::string, Duration> lookup_timeout;
  for (std::size_t f = 0; f < batch->flows.size(); ++f) {
    const FlowPlan& plan = batch->flows[f];
    if (plan.ports.empty()) continue;
    for (const std::string& host : plan.hosts) {
      Batch::Slot slot;
      slot.flow = f;
      slot.host = host;
      slot.ports.resize(plan.ports.size());
      slot.probed.resize(plan.ports.size());
      slot.remaining = plan.ports.size();
      slots_by_host[host].push_back(batch->slots.size());
      auto& timeout = lookup_timeout[host];
      timeout = std::max(timeout, plan.flow->timeout);
      batch->slots.push_back(std::move(slot));
    }
  }
  batch->remaining_slots = batch->slots.size();
  if (batch->slots.empty()) {
    boost::asio::post(io_, [batch] { batch->complete(); });
    return;
  }
  if (deadline) {
    // Probes started in time end by the deadline; this reports a run whose lookups or
    // conversations ran late all the same.
    batch->deadline_timer.expires_at(*deadline);
    batch->deadline_timer.async_wait([batch](const boost::system::error_code& ec) {
      if (!ec && !batch->completed) batch->complete();
    });
  }

  for (auto& [host, slot_indexes] : slots_by_host) {
    resolver_->resolve(
        host, lookup_timeout[host],
        [this, alive = alive_, batch, deadline, host = host,
         slot_indexes = slot_indexes](ResolvedHost resolved) {
          if (!*alive || batch->completed) return;
          for (std::size_t s : slot_indexes) {
            Batch::Slot& slot = batch->slots[s];
            const FlowPlan& plan = batch->flows[slot.flow];
            if (!resolved.address) {
              batch->fail_slot(s, PortState::kDnsError, resolved.error);
              continue;
            }
            slot.address = resolved.address->to_string();
            const auto& source = batch->sources[slot.flow];
            std::string source_problem = batch->source_problems[slot.flow];
            if (source && source_problem.empty()) {
              source_problem = source_family_problem(*source, *resolved.address);
            }
            if (!source_problem.empty()) {
              batch->fail_slot(s, PortState::kError, source_problem);
              continue;
            }
            const ProbeFn probe = probe_for(*plan.flow);
            for (std::size_t i = 0; i < plan.ports.size(); ++i) {
              Job job{probe,
                      ProbeRequest{*resolved.address, plan.ports[i], plan.flow->timeout, host,
                                   plan.flow->check, source},
                      [batch, s, i](std::optional<PortResult> result) {
                        if (result && !batch->completed) {
                          batch->slots[s].ports[i] = std::move(*result);
                          batch->slots[s].probed[i] = true;
                        }
                        batch->port_done(s);
                      },
                      deadline ? RunDeadline(*deadline - plan.flow->timeout - kEndBeforeDeadline)
                               : std::nullopt};
              enqueue(host, std::move(job));
            }
          }
          pump();
        });
  }
}

void ProbeRunner::enqueue(const std::string& target, Job job) {
  TargetQueue& queue = targets_[target];
  if (queue.target.empty()) {  // new
    queue.target = target;
    queue.cap = per_target_concurrency_;
  }
  queue.pending.push_back(std::move(job));
  make_ready_if_room(queue);
}

void ProbeRunner::make_ready_if_room(TargetQueue& queue) {
  if (!queue.ready && !queue.pending.empty() && queue.in_flight < queue.cap) {
    queue.ready = true;
    ready_.push_back(&queue);
  }
}

// Idle: nothing queued, in flight or listed in ready_, so nothing points at it any more.
void ProbeRunner::forget_if_idle(TargetQueue& queue) {
  if (queue.in_flight == 0 && queue.pending.empty() && !queue.ready) {
    targets_.erase(targets_.find(queue.target));  // not erase(key): the key lives in `queue`
  }
}

void ProbeRunner::adapt_cap(TargetQueue& queue, PortState state) {
  if (!grow_while_filtered_) return;
  if (state == PortState::kFiltered) {
    queue.cap = std::max(queue.cap, std::min(queue.cap + 1, limit_));
  } else {
    queue.cap = per_target_concurrency_;  // an answer: something there takes the load
  }
}

void ProbeRunner::finished(TargetQueue& queue, PortState state) {
  --queue.in_flight;
  --in_flight_;
  if (concurrency_ < limit_) ++concurrency_;
  adapt_cap(queue, state);
  make_ready_if_room(queue);
  forget_if_idle(queue);
  pump();
}

// A probe that found no descriptor goes back to the front of its queue, to start when one of
// the others in flight ends (and gives its socket back), on a thread that has not failed it yet
// if there is one. With none in flight and no other thread to try nothing would free one, so it
// is reported as the error it is.
bool ProbeRunner::retry_later(TargetQueue& queue, std::shared_ptr<Job> job, std::size_t lane) {
  job->no_descriptor_on |= std::uint64_t{1} << lane;
  const std::uint64_t every_lane =
      lanes_.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes_.size()) - 1;
  if (in_flight_ <= 1 && job->no_descriptor_on == every_lane) return false;
  --queue.in_flight;
  --in_flight_;
  concurrency_ = std::max(1U, in_flight_);
  queue.pending.push_front(std::move(*job));
  if (!queue.ready) {
    queue.ready = true;
    ready_.push_back(&queue);
  }
  if (in_flight_ == 0) {  // no completion to come that would start it
    boost::asio::post(io_, [this, alive = alive_] {
      if (*alive) pump();
    });
  }
  return true;
}

// Starts probes while there is room, round-robin over the targets that have work, so one
// large range never starves a single-port flow to another host. A job whose run's deadline
// leaves it too little time is reported as not started, without taking room.
void ProbeRunner::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (in_flight_ < concurrency_ && !ready_.empty()) {
    TargetQueue* queue = ready_.front();
    ready_.pop_front();
    Job job = std::move(queue->pending.front());
    queue->pending.pop_front();
    const bool start = !job.start_by || Clock::now() <= *job.start_by;
    if (start) {
      ++queue->in_flight;
      ++in_flight_;
    }
    queue->ready = false;
    make_ready_if_room(*queue);
    if (!start) {
      job.done(std::nullopt);
      forget_if_idle(*queue);
      continue;
    }
    start_probe(*queue, std::move(job));
  }
  pumping_ = false;
}

// The thread with the fewest probes in flight, counting the runner's own four times: that thread
// also keeps the books of every probe, and its own probes, decided inside connect() on loopback,
// leave its count at once. Counted once, it took 70% of the fleet bench's CPU and the other
// thread 30%; counted four times, 58% and 42% (perf, the check's 21,000 probes). A thread that
// gets no CPU keeps its probes in flight longer, and the others take over its share. Threads in
// `avoid` (a bit each) are passed over while another is left.
std::size_t ProbeRunner::least_busy_lane(std::uint64_t avoid) const {
  constexpr unsigned kOwnThreadWeight = 4;
  const auto avoided = [&](std::size_t lane) { return ((avoid >> lane) & 1U) != 0; };
  std::size_t best = lanes_.size();
  unsigned best_load = 0;
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    if (avoided(i)) continue;
    const unsigned load = i == 0 ? lanes_[0] * kOwnThreadWeight : lanes_[i];
    if (best == lanes_.size() || load <= best_load) {
      best = i;
      best_load = load;
    }
  }
  return best == lanes_.size() ? least_busy_lane(0) : best;
}

void ProbeRunner::start_probe(TargetQueue& queue, Job job) {
  const std::size_t lane = least_busy_lane(job.no_descriptor_on);
  ++lanes_[lane];
  auto owned = std::make_shared<Job>(std::move(job));
  ProbeDone done = [this, alive = alive_, queue = &queue, owned, lane](PortResult result) {
    if (*alive) --lanes_[lane];
    if (*alive && result.out_of_descriptors && retry_later(*queue, owned, lane)) return;
    const PortState state = result.state;
    auto job_done = std::move(owned->done);
    job_done(std::move(result));
    if (*alive) finished(*queue, state);
  };
  if (lane == 0) {
    owned->probe(io_, owned->request, std::move(done));
  } else {
    threads_->start(lane - 1, owned->probe, owned->request, io_, std::move(done));
  }
}

}  // namespace vpm
