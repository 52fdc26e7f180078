// Cross-built for Windows and run under Wine: the Windows OS seam (os_seam_windows.cc) and the
// probes on top of it, against real sockets on 127.0.0.1. Only Boost.Asio, no POSIX helpers.
#include <gtest/gtest.h>
#include <winsock2.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <thread>

#include "shared/probe_test_util.h"
#include "support/flow_edit.h"
#include "support/thread_runs.h"
#include "vpm/os_seam.h"
#include "vpm/probe_runner.h"
#include "vpm/trace.h"

namespace vpm {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using boost::asio::ip::udp;
using namespace std::chrono_literals;

const auto kLoopback = make_address("127.0.0.1");

Port closed_tcp_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(kLoopback, 0));
  return acceptor.local_endpoint().port();
}

Port closed_udp_port() {
  boost::asio::io_context io;
  udp::socket socket(io, udp::endpoint(kLoopback, 0));
  return socket.local_endpoint().port();
}

TEST(WindowsSeam, ClassifiesWinsockErrors) {
  const auto wsa = [](int code) {
    return os::classify_socket_error(
        boost::system::error_code(code, boost::system::system_category()));
  };
  EXPECT_EQ(wsa(WSAECONNREFUSED), PortState::kRefused);
  EXPECT_EQ(wsa(WSAECONNRESET), PortState::kRefused);  // UDP: ICMP port unreachable
  EXPECT_EQ(wsa(ERROR_PORT_UNREACHABLE), PortState::kRefused);
  EXPECT_EQ(wsa(WSAEHOSTUNREACH), PortState::kUnreachable);
  EXPECT_EQ(wsa(WSAENETUNREACH), PortState::kUnreachable);
  EXPECT_EQ(wsa(WSAEACCES), PortState::kUnreachable);
  EXPECT_EQ(wsa(WSAETIMEDOUT), PortState::kFiltered);
  EXPECT_EQ(wsa(WSAEINVAL), PortState::kError);
}

TEST(WindowsSeam, SocketBudgetIsPositive) { EXPECT_GE(os::socket_budget(), 64U); }

TEST(WindowsProbe, AListeningTcpPortIsOpen) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(kLoopback, 0));
  const PortResult r =
      test::probe_once(&probe_tcp_connect, "127.0.0.1", acceptor.local_endpoint().port(), 2s);
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  EXPECT_GT(r.latency.count(), 0);
}

// Windows reports the refused connect in select()'s except set: before probe_tcp waited for
// it there too, this came out "filtered" at the deadline.
TEST(WindowsProbe, AClosedTcpPortIsRefusedBeforeTheDeadline) {
  const auto started = std::chrono::steady_clock::now();
  const PortResult r = test::probe_once(&probe_tcp_connect, "127.0.0.1", closed_tcp_port(), 5s);
  EXPECT_EQ(r.state, PortState::kRefused) << r.reason;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(WindowsProbe, AClosedUdpPortIsRefusedByIcmpPortUnreachable) {
  const PortResult r = test::probe_once(&probe_udp, "127.0.0.1", closed_udp_port(), 1s);
  EXPECT_EQ(r.state, PortState::kRefused) << r.reason;
}

TEST(WindowsProbe, ARespondingUdpServiceIsOpen) {
  boost::asio::io_context io;
  udp::socket echo(io, udp::endpoint(kLoopback, 0));
  const Port port = echo.local_endpoint().port();
  std::thread responder([&echo] {
    std::array<char, 1500> buffer{};
    udp::endpoint from;
    boost::system::error_code ec;
    const std::size_t n = echo.receive_from(boost::asio::buffer(buffer), from, 0, ec);
    if (!ec) echo.send_to(boost::asio::buffer(buffer.data(), n), from, 0, ec);
  });
  const PortResult r = test::probe_once(&probe_udp, "127.0.0.1", port, 2s);
  responder.join();
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
}

TEST(WindowsProbe, ASilentUdpSocketIsOpenFiltered) {
  boost::asio::io_context io;
  udp::socket silent(io, udp::endpoint(kLoopback, 0));
  const PortResult r =
      test::probe_once(&probe_udp, "127.0.0.1", silent.local_endpoint().port(), 300ms);
  EXPECT_EQ(r.state, PortState::kOpenFiltered) << r.reason;
}

// Probes from two threads, each on an io_context (an IOCP) of its own: the verdicts of one.
TEST(WindowsProbe, TwoProbingThreadsGiveOneThreadsVerdicts) {
  boost::asio::io_context io;
  tcp::acceptor listener(io, tcp::endpoint(kLoopback, 0));
  FlowPlan plan;
  Flow& flow = test::edit_flow(plan);
  flow.name = "mixed";
  flow.timeout = 2s;
  plan.hosts = {"127.0.0.1"};
  plan.ports = {listener.local_endpoint().port()};
  for (int i = 0; i < 30; ++i) plan.ports.push_back(closed_tcp_port());
  for (Port port : plan.ports) flow.ports.add({port, port});
  const auto one = run_flows({plan}, test::limits_with_threads(1));
  const auto two = run_flows({plan}, test::limits_with_threads(2));
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].ports.at(0).state, PortState::kOpen) << one[0].ports.at(0).reason;
  EXPECT_EQ(one[0].count(PortState::kRefused), 30U);
  EXPECT_EQ(test::verdict_lines(two), test::verdict_lines(one));
}

// Windows 10 2004 and later trace with TCP_FAIL_CONNECT_ON_ICMP_ERROR; Wine refuses the option.
// Either way the answer is a clear one: "not supported", or loopback reached at hop 1.
TEST(WindowsTrace, LoopbackIsReachedAtHop1OrTheSystemSaysItCannotTrace) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(kLoopback, 0));
  TraceRequest request;
  request.address = kLoopback;
  request.port = acceptor.local_endpoint().port();
  request.timeout = 1s;
  const TracePath path = trace_tcp_path(request);
  if (path.outcome == TracePath::Outcome::kNotSupported) {
    EXPECT_EQ(describe(path), "trace not supported on this system");
  } else {
    EXPECT_EQ(describe(path), "path 127.0.0.1 (reached at hop 1)");
  }
}

}  // namespace
}  // namespace vpm
