#include "vpm/flow_result.h"

#include <algorithm>
#include <utility>

namespace vpm {

FlowResult summarise(std::shared_ptr<const Flow> flow, std::string target, std::string address,
                     std::vector<PortResult> ports) {
  FlowResult result;
  result.flow = std::move(flow);
  result.target = std::move(target);
  result.address = std::move(address);
  result.ports = std::move(ports);
  for (const PortResult& port : result.ports) {
    ++result.counts[static_cast<std::size_t>(port.state)];
    if (port.service_time) {
      result.service_time =
          std::max(result.service_time.value_or(*port.service_time), *port.service_time);
    }
    if (port.tls && port.tls->not_after &&
        (!result.tls_not_after || *port.tls->not_after < *result.tls_not_after)) {
      result.tls_not_after = port.tls->not_after;
    }
    if (judge(result.flow->expect, port.state)) {
      // Open and refused ports both measured a real round trip (SYN to SYN-ACK or RST, or a
      // UDP reply); a filtered or silent port only measured our own deadline.
      if (port.state == PortState::kOpen || port.state == PortState::kRefused) {
        result.latency =
            std::max(result.latency.value_or(std::chrono::nanoseconds{0}), port.latency);
      }
    } else {
      ++result.failed;
    }
  }
  result.up = result.failed == 0 && !result.ports.empty();
  return result;
}

}  // namespace vpm
