// A probe's source address through the OS seam, on loopback: 127.0.0.0/8 is all this machine's
// on Linux and on Windows (and under Wine), so 127.0.0.2 and 127.0.0.3 are sources a probe can
// leave from, and the listener sees which. Built into the Linux tests and the Windows ones.
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "vpm/probe.h"
#include "vpm/probe_runner.h"
#include "vpm/source_address.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace vpm {
namespace {

// Wine binds a UDP socket to any address with the interface of the one asked for (so that it
// gets broadcasts), and a UDP datagram then leaves from the interface's first address, whatever
// the bind said; Windows itself keeps the address. The UDP source tests skip there.
bool udp_bind_is_emulated() {
#ifdef _WIN32
  const HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using boost::asio::ip::udp;
using namespace std::chrono_literals;

PortResult probe_from(ProbeFn probe, const std::string& source, Port port, CheckKind check,
                      Duration timeout) {
  boost::asio::io_context io;
  PortResult result;
  ProbeRequest request{make_address("127.0.0.1"), port, timeout};
  request.host = "127.0.0.1";
  request.check.kind = check;
  request.source = make_address(source);
  probe(io, request, [&](PortResult r) { result = std::move(r); });
  io.run();
  return result;
}

// SMTP's server speaks first, so the connection is still up when the listener accepts it and
// reads who called.
TEST(ProbeSource, TcpConnectLeavesFromTheSource) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(make_address("127.0.0.1"), 0));
  std::string caller;
  std::thread server([&] {
    boost::system::error_code ec;
    tcp::socket peer = acceptor.accept(ec);
    if (!ec) caller = peer.remote_endpoint(ec).address().to_string();
  });
  const PortResult r =
      probe_from(&probe_smtp, "127.0.0.2", acceptor.local_endpoint().port(), CheckKind::kSmtp, 2s);
  server.join();
  EXPECT_EQ(caller, "127.0.0.2") << r.reason;
}

TEST(ProbeSource, UdpLeavesFromTheSource) {
  if (udp_bind_is_emulated()) GTEST_SKIP() << "Wine binds UDP sockets to any address";
  boost::asio::io_context io;
  udp::socket echo(io, udp::endpoint(make_address("127.0.0.1"), 0));
  std::string caller;
  std::thread responder([&] {
    std::array<char, 1500> buffer{};
    udp::endpoint from;
    boost::system::error_code ec;
    const std::size_t n = echo.receive_from(boost::asio::buffer(buffer), from, 0, ec);
    if (!ec) {
      caller = from.address().to_string();
      echo.send_to(boost::asio::buffer(buffer.data(), n), from, 0, ec);
    }
  });
  const PortResult r =
      probe_from(&probe_udp, "127.0.0.3", echo.local_endpoint().port(), CheckKind::kConnect, 2s);
  responder.join();
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  EXPECT_EQ(caller, "127.0.0.3");
}

// 192.0.2.0/24 is documentation only, never this machine's: the bind fails and nothing is sent.
TEST(ProbeSource, AnAddressNotOfThisMachineIsAnErrorWithTheSystemsWords) {
  for (ProbeFn probe : {&probe_tcp_connect, &probe_udp}) {
    if (probe == &probe_udp && udp_bind_is_emulated()) continue;
    const PortResult r = probe_from(probe, "192.0.2.77", 9, CheckKind::kConnect, 1s);
    EXPECT_EQ(r.state, PortState::kError);
    EXPECT_EQ(r.reason.rfind("cannot bind 192.0.2.77: ", 0), 0U) << r.reason;
    EXPECT_GT(r.reason.size(), std::string("cannot bind 192.0.2.77: ").size());
  }
}

TEST(ProbeSource, TheSourceCheckAsksTheSystem) {
  EXPECT_EQ(source_bind_problem(make_address("127.0.0.2")), "");
  EXPECT_EQ(source_bind_problem(make_address("192.0.2.77")).rfind("cannot bind 192.0.2.77: ", 0),
            0U);
}

TEST(ProbeSource, TheRunnerReportsAnUnusableSourceOncePerFlowWithoutProbing) {
  FlowPlan plan;
  auto flow = std::make_shared<Flow>();
  flow->name = "f";
  flow->source = "192.0.2.77";
  flow->timeout = 1s;
  flow->ports.add({1, 3});
  plan.flow = flow;
  plan.hosts = {"127.0.0.1"};
  plan.ports = flow->ports.ports();
  const std::vector<FlowResult> results = run_flows({plan}, Limits{});
  ASSERT_EQ(results.size(), 1U);
  ASSERT_EQ(results[0].ports.size(), 3U);
  for (const PortResult& port : results[0].ports) {
    EXPECT_EQ(port.state, PortState::kError);
    EXPECT_EQ(port.reason, results[0].ports[0].reason);
  }
  EXPECT_EQ(results[0].ports[0].reason.rfind("cannot bind 192.0.2.77: ", 0), 0U);
  EXPECT_FALSE(results[0].up);
}

}  // namespace
}  // namespace vpm
