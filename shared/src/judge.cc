#include "vpm/port_result.h"

namespace vpm {

std::string_view to_string(PortState s) {
  switch (s) {
    case PortState::kOpen:
      return "open";
    case PortState::kRefused:
      return "refused";
    case PortState::kFiltered:
      return "filtered";
    case PortState::kUnreachable:
      return "unreachable";
    case PortState::kOpenFiltered:
      return "open_filtered";
    case PortState::kDnsError:
      return "dns_error";
    case PortState::kError:
      return "error";
    case PortState::kMismatch:
      return "mismatch";
    case PortState::kTlsError:
      return "tls_error";
  }
  return "error";
}

bool judge(Expectation expect, PortState state) {
  switch (expect) {
    case Expectation::kOpen:
      return state == PortState::kOpen;
    case Expectation::kReachable:
      return state == PortState::kOpen || state == PortState::kRefused ||
             state == PortState::kOpenFiltered;
    case Expectation::kClosed:
      // Not open, and we did learn something about the port: a DNS failure or a local
      // error says nothing about whether it is shut.
      return state == PortState::kRefused || state == PortState::kFiltered ||
             state == PortState::kUnreachable || state == PortState::kOpenFiltered;
  }
  return false;
}

}  // namespace vpm
