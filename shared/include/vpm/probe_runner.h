#pragma once
// Runs flow plans from one io_context with a global and a per-target cap on probes in
// flight. Names are resolved once per run per host; a failure is a state, not an exception.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/plan.h"
#include "vpm/probe.h"

namespace vpm {

class HostResolver;
class ProbeThreads;

struct Limits {
  unsigned concurrency = 512;
  unsigned per_target_concurrency = 64;
  // A SYN that a firewall drops never reaches the target, so while every answer from a target
  // is a timeout (filtered) the per-target cap protects nothing: each timeout raises that
  // target's cap by one (it doubles per round of timeouts), up to the global cap; the first
  // answer of any other kind puts it back to per_target_concurrency.
  bool grow_while_filtered = true;
  // Threads that make the probes' connects, the io_context's own among them: the kernel's work
  // per connect is done in the connecting thread, and a sweep of loopback or a LAN is bound by
  // it. 0: min(2, hardware threads); 1: every probe on the io_context's thread. The caps above
  // count the probes of all threads together.
  unsigned probe_threads = 0;
};

// The caps and threads a target file's defaults ask for.
Limits limits_of(const Defaults& defaults);

// What a Limits::probe_threads setting means on this machine (at least 1).
unsigned effective_probe_threads(unsigned setting);

// The latest moment a run may still report: a probe starts only if its own timeout ends
// kEndBeforeDeadline before then, and at that moment the run reports what it has, the rest
// counted as not probed.
using RunDeadline = std::optional<std::chrono::steady_clock::time_point>;
// That margin lets the watchdog, the aborted connect's completion and the report all come
// before the deadline, so the last round is reported as probed rather than cut off.
inline constexpr std::chrono::milliseconds kEndBeforeDeadline{100};

class ProbeRunner {
 public:
  // The effective global cap is lowered to what the process's file-descriptor limit allows.
  // Should socket() still fail for want of descriptors (EMFILE/ENFILE: other threads or the
  // exporter's clients hold them), the probe is queued again, run once a probe in flight ends,
  // and the cap drops to what was in flight; it grows back by one per probe that completes.
  ProbeRunner(boost::asio::io_context& io, Limits limits);
  ProbeRunner(const ProbeRunner&) = delete;
  ProbeRunner& operator=(const ProbeRunner&) = delete;
  ~ProbeRunner();

  // Probes every host x port of `flows`; `done` gets one FlowResult per flow x host, in plan
  // order, on the io_context's thread. Queues, caps and results are kept on that thread alone;
  // with probe_threads > 1 a probe may run on another thread, its result handed back here. Never
  // calls `done` inline. With a deadline, ports not probed by then are left out of
  // FlowResult::ports and counted in FlowResult::not_probed.
  using RunDone = std::function<void(std::vector<FlowResult>)>;
  void run(std::vector<FlowPlan> flows, RunDone done, RunDeadline deadline = std::nullopt);

  unsigned effective_concurrency() const { return concurrency_; }
  unsigned in_flight() const { return in_flight_; }
  // Threads that run probes, the io_context's own included.
  std::size_t probe_threads() const { return lanes_.size(); }
  // Targets with probes queued or in flight. A target's queue goes when its last probe ends,
  // so an exporter whose reloads keep naming new hosts does not keep a queue for each.
  std::size_t target_queues() const { return targets_.size(); }

 private:
  struct Job {
    ProbeFn probe;
    ProbeRequest request;
    std::function<void(std::optional<PortResult>)> done;  // nullopt: never started
    RunDeadline start_by;                                 // a job popped later is not started
    // A bit per thread where socket() found no descriptor for it: each thread keeps its own
    // spare sockets (os_seam_posix.cc), so another thread may still have one.
    std::uint64_t no_descriptor_on = 0;
  };
  struct TargetQueue {
    std::string target;  // its key in targets_
    std::deque<Job> pending;
    unsigned in_flight = 0;
    unsigned cap = 0;    // its per-target cap now (see Limits::grow_while_filtered)
    bool ready = false;  // listed in ready_
  };
  void enqueue(const std::string& target, Job job);
  void finished(TargetQueue& queue, PortState state);
  std::size_t least_busy_lane(std::uint64_t avoid) const;
  void start_probe(TargetQueue& queue, Job job);
  void adapt_cap(TargetQueue& queue, PortState state);
  void make_ready_if_room(TargetQueue& queue);
  void forget_if_idle(TargetQueue& queue);
  bool retry_later(TargetQueue& queue, std::shared_ptr<Job> job, std::size_t lane);
  void pump();

  boost::asio::io_context& io_;
  unsigned limit_;        // the cap asked for, lowered to the descriptor budget
  unsigned concurrency_;  // the cap now: lowered when sockets run out, grows back after
  unsigned per_target_concurrency_;
  bool grow_while_filtered_;
  unsigned in_flight_ = 0;
  bool pumping_ = false;
  std::unordered_map<std::string, TargetQueue> targets_;
  std::deque<TargetQueue*> ready_;
  std::unique_ptr<HostResolver> resolver_;
  // Probes in flight per thread: [0] the io_context's, [i] threads_'s i - 1.
  std::vector<unsigned> lanes_;
  std::unique_ptr<ProbeThreads> threads_;
  std::shared_ptr<bool> alive_;  // false once destroyed: late probe completions see it
};

// For one-shot callers (the check): a fresh io_context run to completion on this thread (and
// limits.probe_threads - 1 more); one FlowResult per flow x host, in plan order.
// Returns by the deadline when there is one: lookups and probes still running are abandoned.
std::vector<FlowResult> run_flows(std::vector<FlowPlan> flows, Limits limits,
                                  RunDeadline deadline = std::nullopt);

}  // namespace vpm
