#pragma once
// One probe of one port: a single function signature, one registry.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <string_view>

#include "vpm/config.h"
#include "vpm/port_result.h"

namespace vpm {

struct ProbeRequest {
  boost::asio::ip::address address;
  Port port = 0;
  Duration timeout{2000};
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

// The registry: the probe function for a protocol.
ProbeFn probe_for(Protocol protocol);

}  // namespace vpm
