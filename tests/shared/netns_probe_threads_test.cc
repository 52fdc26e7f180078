// Probes from two threads against a firewall in a test-made namespace: the verdicts one thread
// gives (filtered, unreachable, open|filtered too), the caps counted by the kernel itself (the
// sockets waiting in SYN_SENT, whichever thread made them), and a runner that goes while
// probes still wait on its threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
#include <vector>

#include "support/flow_edit.h"
#include "support/loopback.h"
#include "support/netns.h"
#include "support/thread_runs.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

#define REQUIRE_NETNS(ns) \
  if (!(ns).ok()) GTEST_SKIP() << "cannot create a network namespace: " << (ns).why()

FlowPlan range_plan(const std::string& name, Protocol protocol, std::vector<std::string> hosts,
                    Port first, Port last, Duration timeout) {
  FlowPlan p;
  Flow& p_flow = test::edit_flow(p);
  p_flow.name = name;
  p_flow.protocol = protocol;
  p_flow.expect = Expectation::kReachable;
  p_flow.timeout = timeout;
  p_flow.ports.add({first, last});
  p.hosts = std::move(hosts);
  p.ports = p.flow->ports.ports();
  return p;
}

TEST(NetnsProbeThreads, TwoThreadsGiveOneThreadsVerdictsBehindAFirewall) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("7300-7309"));
  ASSERT_TRUE(ns.reject_tcp_host_unreachable("7310-7314"));
  ASSERT_TRUE(ns.drop_udp_ports("7330-7334"));
  std::vector<FlowResult> one;
  std::vector<FlowResult> two;
  Port open = 0;
  ns.run_inside([&] {
    test::TcpListener listener;  // inside the namespace, on 127.0.0.1 only
    open = listener.port();
    const auto plans = [&] {
      return std::vector<FlowPlan>{
          range_plan("tcp", Protocol::kTcp, {"127.0.0.1", "127.0.0.2"}, 7300, 7329, 300ms),
          range_plan("open", Protocol::kTcp, {"127.0.0.1"}, open, open, 300ms),
          range_plan("udp", Protocol::kUdp, {"127.0.0.1"}, 7330, 7339, 300ms)};
    };
    one = run_flows(plans(), test::limits_with_threads(1, 512, 64));
    two = run_flows(plans(), test::limits_with_threads(2, 512, 64));
  });
  ASSERT_EQ(one.size(), 4U);
  for (std::size_t host = 0; host < 2; ++host) {
    EXPECT_EQ(one[host].count(PortState::kFiltered), 10U) << one[host].target;
    EXPECT_EQ(one[host].count(PortState::kUnreachable), 5U) << one[host].target;
    EXPECT_EQ(one[host].count(PortState::kRefused), 15U) << one[host].target;
  }
  EXPECT_EQ(one[2].ports.at(0).state, PortState::kOpen);
  EXPECT_EQ(one[3].count(PortState::kOpenFiltered), 5U);
  EXPECT_EQ(one[3].count(PortState::kRefused), 5U);
  EXPECT_EQ(test::verdict_lines(two), test::verdict_lines(one));
}

// Sockets of this thread's namespace in SYN_SENT, by destination address (hex, as the kernel
// writes it): the probes waiting for an answer, whichever thread made them. The kernel lists
// them bucket by bucket while the other thread goes on closing and opening sockets, so one
// reading can count a socket that closed and the one that replaced it: the figure is the
// smallest of three readings in a row. A probe past a cap waits out its whole timeout (hundreds
// of milliseconds) and is in all three.
std::map<std::string, unsigned> read_syn_sent_once() {
  std::ifstream table("/proc/thread-self/net/tcp");
  std::map<std::string, unsigned> count;
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "02") ++count[remote.substr(0, remote.find(':'))];
  }
  return count;
}

std::map<std::string, unsigned> syn_sent_by_destination() {
  std::map<std::string, unsigned> least = read_syn_sent_once();
  for (int i = 0; i < 2; ++i) {
    const std::map<std::string, unsigned> again = read_syn_sent_once();
    for (auto& [address, n] : least) {
      const auto it = again.find(address);
      n = std::min(n, it == again.end() ? 0U : it->second);
    }
  }
  return least;
}

struct KernelPeak {
  unsigned total = 0;       // SYN_SENT sockets at once
  unsigned per_target = 0;  // the most of them to one address
  std::vector<FlowResult> results;
};

// Runs `plans` in `ns`, sampling the kernel's SYN_SENT sockets every 5 ms on the runner's thread.
KernelPeak kernel_peak(test::TestNetns& ns, std::vector<FlowPlan> plans, Limits caps) {
  KernelPeak peak;
  ns.run_inside([&] {
    boost::asio::io_context io;
    ProbeRunner runner(io, caps);
    boost::asio::steady_timer sampler(io);
    bool done = false;
    std::function<void()> sample = [&] {
      unsigned total = 0;
      for (const auto& [address, n] : syn_sent_by_destination()) {
        total += n;
        peak.per_target = std::max(peak.per_target, n);
      }
      peak.total = std::max(peak.total, total);
      if (done) return;
      sampler.expires_after(5ms);
      sampler.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) sample();
      });
    };
    runner.run(std::move(plans), [&](std::vector<FlowResult> results) {
      peak.results = std::move(results);
      done = true;
      sampler.cancel();
    });
    sample();
    io.run();
  });
  return peak;
}

TEST(NetnsProbeThreads, CapsHoldInTotalAsTheKernelCountsThem) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("7400-7439"));
  const auto plan = [] {
    return range_plan("dropped", Protocol::kTcp, {"127.0.0.1", "127.0.0.2", "127.0.0.3"}, 7400,
                      7439, 250ms);
  };
  // Per target: 10 each, 30 in all, under a global cap of 64.
  const KernelPeak per_target =
      kernel_peak(ns, {plan()}, test::limits_with_threads(2, 64, 10, false));
  EXPECT_EQ(per_target.per_target, 10U);
  EXPECT_EQ(per_target.total, 30U);
  // Global: 25 in all however the two threads share them, though the targets would take 30.
  const KernelPeak global = kernel_peak(ns, {plan()}, test::limits_with_threads(2, 25, 10, false));
  EXPECT_EQ(global.total, 25U);
  EXPECT_LE(global.per_target, 10U);
  // Growing per-target caps (every answer a timeout) still stop at the global cap.
  const KernelPeak grown = kernel_peak(ns, {plan()}, test::limits_with_threads(2, 45, 10));
  EXPECT_EQ(grown.total, 45U);
  for (const KernelPeak* run : {&per_target, &global, &grown}) {
    ASSERT_EQ(run->results.size(), 3U);
    for (const FlowResult& r : run->results) {
      EXPECT_EQ(r.count(PortState::kFiltered), 40U) << r.target;
    }
  }
}

// The exporter's shutdown and the check's end: the runner goes while probes wait out a 10 s
// timeout on its threads. It returns at once, and calls nothing that is gone.
TEST(NetnsProbeThreads, RunnerGoesWhileProbesWaitOnItsThreads) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("7500-7599"));
  Clock::duration teardown{};
  unsigned in_flight = 0;
  bool reported = false;
  ns.run_inside([&] {
    boost::asio::io_context io;
    auto runner = std::make_unique<ProbeRunner>(io, test::limits_with_threads(2, 512, 64));
    runner->run({range_plan("dropped", Protocol::kTcp, {"127.0.0.1"}, 7500, 7599, 10s)},
                [&](std::vector<FlowResult>) { reported = true; });
    io.run_for(300ms);
    in_flight = runner->in_flight();
    const auto before = Clock::now();
    runner.reset();
    teardown = Clock::now() - before;
    io.run_for(50ms);  // completions posted back meanwhile find the runner gone
  });
  EXPECT_EQ(in_flight, 64U);
  EXPECT_FALSE(reported);
  EXPECT_LT(teardown, 1s);
}

}  // namespace
}  // namespace vpm
