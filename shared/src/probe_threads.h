#pragma once
// The threads that make probes besides the runner's own (vpm/probe_runner.h). Most of the cost
// of a connect on loopback or a LAN is the kernel's, and it is paid in the connecting thread
// (on loopback the SYN and its answer are handled inside connect()), so one thread is a ceiling
// that a second core lifts. Each thread runs its own io_context: a probe's socket and timers
// live on one thread, as on the runner's, and the probes need no locks.
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "vpm/probe.h"

namespace vpm {

class ProbeThreads {
 public:
  explicit ProbeThreads(unsigned count);  // 0: none
  ProbeThreads(const ProbeThreads&) = delete;
  ProbeThreads& operator=(const ProbeThreads&) = delete;
  // Stops every thread; probes still running there are abandoned: their `done` is never called
  // and goes with its io_context, here, on the destroying thread.
  ~ProbeThreads();

  std::size_t size() const { return threads_.size(); }

  // Runs `probe` on thread `index`; `done` is called on `home`'s thread. Every copy of `done`
  // that the probe made ends on that thread too.
  void start(std::size_t index, ProbeFn probe, ProbeRequest request, boost::asio::io_context& home,
             ProbeDone done);

 private:
  struct Thread;
  std::vector<std::unique_ptr<Thread>> threads_;
};

}  // namespace vpm
