#pragma once
// Where a TCP connection stops on its way: one connect per TTL (1..max_hops) at once, each
// with IP_TTL / IPV6_UNICAST_HOPS set; routers answer ICMP time exceeded, the one that filters
// answers destination unreachable (or nothing), the target answers SYN-ACK or RST. No raw
// sockets and no privileges: the ICMP errors come back on the sockets' own error queues.
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpm/config.h"

namespace vpm {

struct TraceRequest {
  boost::asio::ip::address address;
  Port port = 0;
  Duration timeout{2000};       // the whole trace ends by then, silent hops or not
  unsigned max_hops = 30;       // TTLs 1..max_hops
  unsigned max_in_flight = 64;  // sockets at once; more hops than this go in waves
  // The local address the hop sockets are bound to (a flow's `source`); unset: the kernel's.
  std::optional<boost::asio::ip::address> source{};
};

// What came back to one TTL's connect.
struct HopAnswer {
  enum class Kind : std::uint8_t {
    kSilent,        // nothing before the deadline
    kTimeExceeded,  // a router on the way (ICMP time exceeded)
    kUnreachable,   // ICMP destination unreachable: a router or the target rejected it
    kReached,       // SYN-ACK or RST: the target itself answered
    kLocalError,    // the connect failed here (no route, a local firewall rule...)
  };
  Kind kind = Kind::kSilent;
  boost::asio::ip::address from;  // who answered (the ICMP's source, or the target)
  bool icmp_v6 = false;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::string error;  // with kLocalError: the system's words
};

struct TracePath {
  enum class Outcome : std::uint8_t {
    kReached,       // the target answered at hop `hop`
    kBlockedAfter,  // `hop` (at `address`) is the last that answered; nothing beyond it did
    kRejected,      // rejected at hop `hop` by `address` (`icmp` says how)
    kNoAnswer,      // not one hop answered (a local firewall, or every router silent)
    kNotSupported,  // this system cannot trace without privileges
    kError,         // the trace could not run (`error` says why)
  };
  Outcome outcome = Outcome::kError;
  // hops[i] is hop i+1's address; empty where the hop was silent ("*"). Ends at the target
  // (reached), at the rejecting hop, or at the last hop that answered.
  std::vector<std::string> hops;
  unsigned hop = 0;     // the hop the outcome names; 0 when none
  std::string address;  // the address at that hop
  std::string icmp;     // kRejected: the ICMP type/code in words ("administratively prohibited")
  std::string error;    // kError / kNotSupported / kNoAnswer details
};

// One traced port of a flow's target.
struct PortTrace {
  Port port = 0;
  TracePath path;
};

// "administratively prohibited", "port unreachable", "time exceeded"... for ICMPv4 or ICMPv6.
std::string icmp_in_words(bool v6, std::uint8_t type, std::uint8_t code);

// Decides the outcome from one answer per TTL (answers[i] is TTL i+1). Pure.
TracePath summarise_hops(const std::vector<HopAnswer>& answers);

// Traces; blocks the calling thread for at most about request.timeout. Never throws.
TracePath trace_tcp_path(const TraceRequest& request);

// "path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, 198.18.2.2)"
std::string describe(const TracePath& path);

// Just the outcome, for a status line: "blocked after hop 2 (198.18.2.2)", "rejected at hop 3 by
// 198.18.3.2 (administratively prohibited)", "reached at hop 4", "no hop answered"...
std::string outcome_text(const TracePath& path);

// "blocked_after", "rejected_by", "reached", "no_answer", "not_supported", "error"
std::string_view outcome_label(TracePath::Outcome outcome);

}  // namespace vpm
