#pragma once
// For the tests that run the same plans from one thread and from several (Limits::probe_threads).
#include <string>
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/probe_runner.h"

namespace vpm::test {

inline Limits limits_with_threads(unsigned threads, unsigned concurrency = 512,
                                  unsigned per_target = 64, bool grow_while_filtered = true) {
  Limits limits;
  limits.concurrency = concurrency;
  limits.per_target_concurrency = per_target;
  limits.grow_while_filtered = grow_while_filtered;
  limits.probe_threads = threads;
  return limits;
}

// "flow target port state reason" per port, and "flow target up|down" per result, in order.
inline std::vector<std::string> verdict_lines(const std::vector<FlowResult>& results) {
  std::vector<std::string> lines;
  for (const FlowResult& r : results) {
    for (const PortResult& p : r.ports) {
      lines.push_back(r.flow->name + " " + r.target + " " + std::to_string(p.port) + " " +
                      std::string(to_string(p.state)) + " " + p.reason);
    }
    lines.push_back(r.flow->name + " " + r.target + (r.up ? " up" : " down"));
  }
  return lines;
}

}  // namespace vpm::test
