#pragma once
// The TCP connect step every TCP probe shares (probe_tcp.cc): a service check gets the connected
// socket instead of an "open" result, and goes on talking within the same deadline.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "vpm/probe.h"

namespace vpm {

// `connected` is the open result so far (port, state open, connect latency); `deadline` is the
// connect's start plus the request's timeout. The callee owns `done` and calls it exactly once.
using OnConnected =
    std::function<void(boost::asio::ip::tcp::socket socket, PortResult connected,
                       std::chrono::steady_clock::time_point deadline, ProbeDone done)>;

// Connects as probe_tcp_connect does; every outcome but a connection goes to `done` as there.
void tcp_connect_then(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                      OnConnected on_connected);

}  // namespace vpm
