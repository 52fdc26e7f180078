// Probes made from more than one thread (Limits::probe_threads): the same verdicts as from one,
// in plan order, and the runner's counts back to zero after each run. Firewalled ports, the
// caps as the kernel sees them and a runner stopped mid-run: netns_probe_threads_test.cc.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
#include <vector>

#include "support/flow_edit.h"
#include "support/loopback.h"
#include "support/thread_runs.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;

FlowPlan tcp_plan(const std::string& name, Expectation expect, std::vector<std::string> hosts,
                  std::vector<Port> ports) {
  FlowPlan p;
  Flow& p_flow = test::edit_flow(p);
  p_flow.name = name;
  p_flow.expect = expect;
  p_flow.timeout = 2s;
  for (Port port : ports) p_flow.ports.add({port, port});
  p.hosts = std::move(hosts);
  p.ports = std::move(ports);
  return p;
}

TEST(ProbeThreads, SettingMeansWhatItSays) {
  EXPECT_EQ(effective_probe_threads(1), 1U);
  EXPECT_EQ(effective_probe_threads(3), 3U);
  const unsigned automatic = effective_probe_threads(0);
  EXPECT_GE(automatic, 1U);
  EXPECT_LE(automatic, 2U);
  boost::asio::io_context io;
  EXPECT_EQ(ProbeRunner(io, test::limits_with_threads(1)).probe_threads(), 1U);
  EXPECT_EQ(ProbeRunner(io, test::limits_with_threads(2)).probe_threads(), 2U);
  EXPECT_EQ(ProbeRunner(io, test::limits_with_threads(0)).probe_threads(), automatic);
}

// Open ports on three addresses, refused ones everywhere else, on 40 hosts: what one thread
// says, two and four say, port by port, in the same order.
TEST(ProbeThreads, SameVerdictsFromOneTwoAndFourThreads) {
  test::TcpListener on_1(1);
  test::TcpListener on_2(2);
  test::TcpListener on_3(3);
  std::vector<std::string> hosts;
  for (int i = 1; i <= 40; ++i) hosts.push_back("127.0.0." + std::to_string(i));
  std::vector<Port> ports = {on_1.port(), on_2.port(), on_3.port()};
  for (int i = 0; i < 20; ++i) ports.push_back(test::closed_tcp_port());
  const auto plans = [&] {
    return std::vector<FlowPlan>{
        tcp_plan("restore", Expectation::kOpen, hosts, ports),
        tcp_plan("first-three", Expectation::kReachable, {"127.0.0.3", "127.0.0.1"},
                 {on_3.port(), on_1.port()}),
    };
  };
  const std::vector<FlowResult> one = run_flows(plans(), test::limits_with_threads(1));
  ASSERT_EQ(one.size(), 42U);
  // Each listener is open on its own address. (The other ports are refused unless some other
  // program on this machine listens there: the comparison below holds either way.)
  for (std::size_t host = 0; host < 3; ++host) {
    EXPECT_EQ(one[host].ports.at(host).state, PortState::kOpen) << one[host].target;
  }
  EXPECT_GE(one[39].count(PortState::kRefused), ports.size() - 3);
  EXPECT_EQ(one[40].ports.at(0).state, PortState::kOpen);
  EXPECT_EQ(one[41].ports.at(1).state, PortState::kOpen);
  for (unsigned threads : {2U, 4U}) {
    EXPECT_EQ(test::verdict_lines(run_flows(plans(), test::limits_with_threads(threads))),
              test::verdict_lines(one))
        << threads << " threads";
  }
}

// The global and per-target caps hold with two threads and tiny values: everything completes.
TEST(ProbeThreads, TinyCapsWithTwoThreadsStillComplete) {
  std::vector<Port> ports;
  for (int i = 0; i < 300; ++i) ports.push_back(test::closed_tcp_port());
  const auto results =
      run_flows({tcp_plan("tiny", Expectation::kReachable, {"127.0.0.1", "127.0.0.2"}, ports)},
                test::limits_with_threads(2, 1, 1));
  ASSERT_EQ(results.size(), 2U);
  for (const FlowResult& r : results) {
    EXPECT_EQ(r.ports.size(), ports.size());
    EXPECT_EQ(r.count(PortState::kRefused), ports.size()) << r.target;
  }
}

// The exporter's runner lives on while runs come and go on its threads: counters back to zero.
TEST(ProbeThreads, CountersReturnToZeroBetweenRuns) {
  boost::asio::io_context io;
  ProbeRunner runner(io, test::limits_with_threads(2, 8, 4));
  const Port closed = test::closed_tcp_port();
  for (int round = 0; round < 5; ++round) {
    std::vector<FlowResult> results;
    runner.run({tcp_plan("f", Expectation::kReachable, {"127.0.0.1", "127.0.0.2", "127.0.0.3"},
                         {closed, 1, 2, 3, 4, 5})},
               [&](std::vector<FlowResult> r) { results = std::move(r); });
    unsigned peak = 0;
    while (results.empty() && io.run_one() > 0) peak = std::max(peak, runner.in_flight());
    ASSERT_EQ(results.size(), 3U);
    EXPECT_LE(peak, 8U);
    EXPECT_EQ(runner.in_flight(), 0U);
    EXPECT_EQ(runner.target_queues(), 0U);
    io.restart();
  }
}

}  // namespace
}  // namespace vpm
