#include <boost/asio/io_context.hpp>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "vpm/probe_runner.h"

namespace vpm {

std::vector<FlowResult> run_flows(std::vector<FlowPlan> flows, Limits limits,
                                  RunDeadline deadline) {
  boost::asio::io_context io;
  std::vector<FlowResult> results;
  ProbeRunner runner(io, limits);
  runner.run(
      std::move(flows),
      [&](std::vector<FlowResult> r) {
        results = std::move(r);
        io.stop();  // lookups still running on their threads are abandoned, not waited for
      },
      deadline);
  io.run();
  return results;
}

}  // namespace vpm
