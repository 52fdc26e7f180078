#pragma once
// What one probe of one port found, and whether that meets the flow's expectation.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vpm/config.h"
#include "vpm/port_set.h"

namespace vpm {

enum class PortState : std::uint8_t {
  kOpen,          // TCP: connected. UDP: a reply came back.
  kRefused,       // TCP RST / UDP ICMP port unreachable: the path is open, nothing listens.
  kFiltered,      // TCP: no answer before the deadline (a firewall drops it).
  kUnreachable,   // ICMP host/net unreachable, no route, or a local firewall rejects it.
  kOpenFiltered,  // UDP silence: a silent listener and a dropping firewall look the same.
  kDnsError,      // the target's name did not resolve.
  kError,         // anything else; the reason carries the system's text.
};
inline constexpr std::size_t kPortStateCount = 7;
inline constexpr std::array<PortState, kPortStateCount> kAllPortStates = {
    PortState::kOpen,         PortState::kRefused,  PortState::kFiltered, PortState::kUnreachable,
    PortState::kOpenFiltered, PortState::kDnsError, PortState::kError};

// "open", "refused", "filtered", "unreachable", "open_filtered", "dns_error", "error".
std::string_view to_string(PortState s);

struct PortResult {
  Port port = 0;
  PortState state = PortState::kError;
  std::chrono::nanoseconds latency{0};  // connect time or UDP round trip; 0 when none
  std::string reason;  // why, in a few words ("connection refused", "no answer in 2s")
};

// Does a port in this state meet the expectation?
//   open:      only kOpen.
//   reachable: kOpen or kRefused (the path through the firewall is open), and also
//              kOpenFiltered for UDP, where silence is what an open path to a quiet service gives.
//   closed:    anything but kOpen (including kOpenFiltered: nothing answered).
bool judge(Expectation expect, PortState state);

}  // namespace vpm
