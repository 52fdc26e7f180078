#pragma once
// Fixed flows and results for the exporter's unit tests, judged by the core's summarise().
#include <chrono>
#include <string>
#include <vector>

#include "support/flow_edit.h"
#include "vpm/config.h"
#include "vpm/flow_result.h"
#include "vpm/port_set.h"

namespace vpm::exporter::test {

inline Flow make_flow(const std::string& name, const std::string& ports,
                      Expectation expect = Expectation::kOpen, Protocol protocol = Protocol::kTcp) {
  Flow flow;
  flow.name = name;
  flow.from = "agent";
  flow.to = "backup_server";
  flow.protocol = protocol;
  std::string error;
  flow.ports = *parse_port_list(ports, &error);
  flow.expect = expect;
  return flow;
}

inline PortResult port(Port number, PortState state, std::chrono::microseconds latency = {},
                       std::string reason = {}) {
  return PortResult{number, state, latency, std::move(reason)};
}

// A result finished at a fixed time (2024-01-01T00:00:00Z + seconds) after 1.5 ms.
inline FlowResult result(const Flow& flow, const std::string& target, std::vector<PortResult> ports,
                         long seconds = 0) {
  FlowResult r = summarise(vpm::test::shared(flow), target, "127.0.0.1", std::move(ports));
  r.finished_at = std::chrono::system_clock::time_point(std::chrono::seconds(1704067200 + seconds));
  r.duration = std::chrono::microseconds(1500);
  return r;
}

}  // namespace vpm::exporter::test
