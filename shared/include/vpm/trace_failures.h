#pragma once
// Traces the failing ports of judged results: what `check --trace` and the exporter run after
// the probes, so that a filtered or unreachable port says where its path stops.
#include <vector>

#include "vpm/flow_result.h"
#include "vpm/probe_runner.h"

namespace vpm {

struct TraceLimits {
  unsigned max_traces = 16;  // per call; the rest are listed in FlowResult::untraced
  unsigned max_hops = 30;
  Limits caps;  // sockets at once: concurrency overall, per_target per trace
};

// The ports a trace explains: TCP ports that failed the expectation as filtered or unreachable
// (the path is in question; an open or refused port was reached). In probe order.
std::vector<Port> traceable_ports(const FlowResult& result);

// Traces the traceable ports of `results` in order, up to max_traces, at once as far as the
// caps allow; each trace gets its flow's timeout, so this ends within about the longest one.
// Fills each result's traces and untraced.
void trace_failures(std::vector<FlowResult>& results, const TraceLimits& limits);

}  // namespace vpm
