#pragma once
// One probe of one port: a single function signature, one registry.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "vpm/config.h"
#include "vpm/port_result.h"

namespace vpm {

struct ProbeRequest {
  boost::asio::ip::address address;
  Port port = 0;
  Duration timeout{2000};  // the whole probe: connect and conversation
  std::string host{};      // the target as configured: TLS SNI, HTTP Host header
  ServiceCheck check{};    // which check and its options; connect by default
  // The local address the socket is bound to before it connects (same family as `address`);
  // unset: the routing table picks. A failed bind is the state error, "cannot bind ...".
  std::optional<boost::asio::ip::address> source{};
};

// Called exactly once, never inline from the probe function, on the io_context's thread.
using ProbeDone = std::function<void(PortResult)>;
using ProbeFn = void (*)(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);

// TCP connect: open / refused / filtered / unreachable / error. A loopback self-connect
// (source port == destination port) is reported as refused, never as open.
void probe_tcp_connect(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);

// UDP on a connected socket: sends the port's known payload (or an empty datagram), resends
// once at half the timeout. open (a reply) / refused (ICMP port unreachable) / open_filtered.
void probe_udp(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);

// Service checks: connect like probe_tcp_connect, then speak the service's protocol within the
// same deadline. open: the service answered as expected. mismatch: it answered wrongly, closed,
// or said nothing by the deadline ("no reply in 2s"). tls_error: the TLS handshake failed, or
// the certificate did not verify and verification is required. Every other state as for connect.
void probe_tls(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
void probe_smtp(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
void probe_ldap(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
// On port 139 a NetBIOS session request goes first (RFC 1002), elsewhere direct TCP (MS-SMB2).
void probe_smb(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
void probe_msrpc(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
void probe_iscsi(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
void probe_http(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);
// UDP like probe_udp with a NetBIOS node status query; a reply that is not a node status
// response to our transaction id is a mismatch.
void probe_nbns(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done);

// The registry: the probe function for a check over a protocol (connect: TCP or UDP).
ProbeFn probe_for(CheckKind check, Protocol protocol);
inline ProbeFn probe_for(const Flow& flow) { return probe_for(flow.check.kind, flow.protocol); }

}  // namespace vpm
