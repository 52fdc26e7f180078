#pragma once
// What one probe of one port found, and whether that meets the flow's expectation.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
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
  kMismatch,      // a service check connected, but the service answered wrongly or not at all.
  kTlsError,      // a TLS handshake or the required certificate verification failed.
};
inline constexpr std::size_t kPortStateCount = 9;
inline constexpr std::array<PortState, kPortStateCount> kAllPortStates = {
    PortState::kOpen,        PortState::kRefused,      PortState::kFiltered,
    PortState::kUnreachable, PortState::kOpenFiltered, PortState::kDnsError,
    PortState::kError,       PortState::kMismatch,     PortState::kTlsError};

// "open", "refused", "filtered", "unreachable", "open_filtered", "dns_error", "error",
// "mismatch", "tls_error".
std::string_view to_string(PortState s);

// What a TLS handshake showed (the tls check, smtp after STARTTLS).
struct TlsInfo {
  std::string version;  // "TLSv1.3"
  std::string subject;  // the leaf certificate's, RFC 2253 ("CN=vbr01,O=Example")
  std::string issuer;
  std::optional<std::chrono::system_clock::time_point> not_after;  // none without a certificate
  bool verified = false;     // the chain verifies (system store or ca_file) for the name
  std::string verify_error;  // why not, in OpenSSL's words; empty when verified
};

struct PortResult {
  Port port = 0;
  PortState state = PortState::kError;
  std::chrono::nanoseconds latency{0};  // connect time or UDP round trip; 0 when none
  // Why, in a few words ("connection refused", "no answer in 2s"); for a port a service check
  // found open, what answered ("SMB 3.1.1", "LDAP, rootDSE answered"), bounded in length.
  std::string reason;
  std::optional<TlsInfo> tls{};  // set when a TLS handshake completed
  // smb: the dialect negotiated ("3.1.1"), also when below the flow's min_dialect. One of a
  // few values (the exporter makes a label of it); empty for other checks.
  std::string smb_dialect{};
  // A service check's exchange after the connect, from the connect's end to the verdict (for
  // nbns the datagram's round trip); none for connect checks and failed connects.
  std::optional<std::chrono::nanoseconds> service_time{};
  // kError because no socket could be made (EMFILE, ENFILE): ProbeRunner probes it again once
  // a probe in flight has given its descriptor back; only run alone does it stay an error.
  bool out_of_descriptors = false;
};

// Does a port in this state meet the expectation?
//   open:      only kOpen.
//   reachable: kOpen or kRefused (the path through the firewall is open), and also
//              kOpenFiltered for UDP, where silence is what an open path to a quiet service gives.
//   closed:    anything but kOpen (including kOpenFiltered: nothing answered).
//   kMismatch and kTlsError fail all three: the port accepted (so it is not closed), and the
//   service behind it is not the one expected (so it is neither open nor merely reachable).
bool judge(Expectation expect, PortState state);

}  // namespace vpm
