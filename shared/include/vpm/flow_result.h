#pragma once
// The judged outcome of one flow against one target host: what both surfaces format.
#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vpm/config.h"
#include "vpm/port_result.h"
#include "vpm/trace.h"

namespace vpm {

struct FlowResult {
  std::shared_ptr<const Flow> flow;  // never null; shared by every run and result of the flow
  std::string target;                // the host as configured
  std::string address;               // the address probed; empty when the name did not resolve
  std::vector<PortResult> ports;     // one per probed port, in probe order
  bool up = false;                   // every probed port met the expectation
  // The slowest passing port that measured a round trip (open or refused); none otherwise.
  std::optional<std::chrono::nanoseconds> latency;
  // The slowest service-check exchange after the connect (PortResult::service_time) among the
  // ports; none for connect checks or when no connect succeeded.
  std::optional<std::chrono::nanoseconds> service_time;
  std::array<unsigned, kPortStateCount> counts{};  // ports per state, indexed by PortState
  unsigned failed = 0;                             // ports that did not meet the expectation
  // Planned ports left out of `ports` because the run's time limit came first (the check's -T).
  unsigned not_probed = 0;
  std::chrono::system_clock::time_point finished_at{};
  std::chrono::nanoseconds duration{0};
  // The soonest certificate expiry among the ports whose TLS handshake completed; none without.
  std::optional<std::chrono::system_clock::time_point> tls_not_after;

  // Filled by trace_failures (check --trace, the exporter): where the paths of failing TCP
  // ports stop, and the ports that would have been traced but were over the cap.
  std::vector<PortTrace> traces{};
  std::vector<Port> untraced{};

  unsigned count(PortState s) const { return counts[static_cast<std::size_t>(s)]; }
};

// Judges every port against the flow's expectation and fills up, latency, counts, failed.
FlowResult summarise(std::shared_ptr<const Flow> flow, std::string target, std::string address,
                     std::vector<PortResult> ports);

}  // namespace vpm
