#include "vpm/probe_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <fstream>

#include "support/flow_edit.h"
#include "support/loopback.h"

namespace vpm {
namespace {

FlowPlan plan(const std::string& name, Protocol protocol, Expectation expect,
              std::vector<std::string> hosts, std::vector<Port> ports) {
  FlowPlan p;
  Flow& p_flow = vpm::test::edit_flow(p);
  p_flow.name = name;
  p_flow.protocol = protocol;
  p_flow.expect = expect;
  p_flow.timeout = std::chrono::seconds(2);
  for (Port port : ports) p_flow.ports.add({port, port});
  p.hosts = std::move(hosts);
  p.ports = std::move(ports);
  return p;
}

TEST(ProbeRunner, OneResultPerFlowAndHostInPlanOrder) {
  test::TcpListener listener;
  const Port closed = test::closed_tcp_port();
  std::vector<FlowPlan> plans = {
      plan("open-one", Protocol::kTcp, Expectation::kOpen, {"127.0.0.1"}, {listener.port()}),
      plan("mixed", Protocol::kTcp, Expectation::kReachable, {"127.0.0.1", "127.0.0.2"},
           {listener.port(), closed}),
      plan("must-be-open", Protocol::kTcp, Expectation::kOpen, {"127.0.0.1"}, {closed}),
  };
  const auto results = run_flows(plans, Limits{});
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].flow->name, "open-one");
  EXPECT_TRUE(results[0].up);
  EXPECT_EQ(results[0].address, "127.0.0.1");
  EXPECT_EQ(results[1].flow->name, "mixed");
  EXPECT_EQ(results[1].target, "127.0.0.1");
  EXPECT_TRUE(results[1].up);
  EXPECT_EQ(results[1].count(PortState::kOpen), 1U);
  EXPECT_EQ(results[1].count(PortState::kRefused), 1U);
  // The listener is bound to 127.0.0.1 only: on 127.0.0.2 both ports are refused.
  EXPECT_EQ(results[2].target, "127.0.0.2");
  EXPECT_EQ(results[2].count(PortState::kRefused), 2U);
  EXPECT_TRUE(results[2].up);
  EXPECT_EQ(results[3].flow->name, "must-be-open");
  EXPECT_FALSE(results[3].up);
  EXPECT_EQ(results[3].failed, 1U);
  EXPECT_EQ(results[3].ports[0].port, closed);
  EXPECT_GT(results[3].duration.count(), 0);
}

// Only when /etc/hosts answers for localhost: otherwise the lookup would leave the machine.
bool hosts_file_knows_localhost() {
  std::ifstream hosts("/etc/hosts");
  std::string line;
  while (std::getline(hosts, line)) {
    if (line.find("localhost") != std::string::npos && line.find('#') != 0) return true;
  }
  return false;
}

TEST(ProbeRunner, LocalhostIsResolvedToALoopbackAddress) {
  if (!hosts_file_knows_localhost()) GTEST_SKIP() << "/etc/hosts has no localhost entry";
  test::TcpListener listener;
  const auto results = run_flows(
      {plan("named", Protocol::kTcp, Expectation::kReachable, {"localhost"}, {listener.port()})},
      Limits{});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_TRUE(results[0].address == "127.0.0.1" || results[0].address == "::1")
      << results[0].address;
  EXPECT_TRUE(results[0].up) << to_string(results[0].ports[0].state);
}

TEST(ProbeRunner, BracketedIpv6LiteralNeedsNoLookup) {
  const auto results = run_flows(
      {plan("v6", Protocol::kTcp, Expectation::kReachable, {"[::1]"}, {test::closed_tcp_port()})},
      Limits{});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].address, "::1");
}

// The exporter keeps one runner for its life; reloads may name new hosts each time.
TEST(ProbeRunner, AQueueIsKeptOnlyWhileItsTargetHasProbes) {
  boost::asio::io_context io;
  ProbeRunner runner(io, Limits{});
  const Port closed = test::closed_tcp_port();
  for (int i = 1; i <= 50; ++i) {
    const std::string host = "127.0.0." + std::to_string(i);
    std::size_t queues_while_running = 0;
    std::vector<FlowResult> results;
    runner.run({plan("f", Protocol::kTcp, Expectation::kReachable, {host}, {closed, closed})},
               [&](std::vector<FlowResult> r) { results = std::move(r); });
    // From when the address is known and the probes start until the last one ends: one queue.
    while (results.empty() && io.run_one() > 0) {
      queues_while_running = std::max(queues_while_running, runner.target_queues());
    }
    ASSERT_EQ(results.size(), 1U) << host;
    EXPECT_EQ(results[0].count(PortState::kRefused), 2U) << host;
    EXPECT_EQ(queues_while_running, 1U) << host;
    EXPECT_EQ(runner.target_queues(), 0U) << "after " << host;
    io.restart();
  }
}

TEST(ProbeRunner, ADeadlineThatHasPassedReportsEveryPortAsNotProbed) {
  // The deadline's own timer reports the run, before the lookups have answered: nothing is
  // probed, everything is counted, and what was still running is abandoned cleanly.
  const Port closed = test::closed_tcp_port();
  const auto results = run_flows(
      {plan("late", Protocol::kTcp, Expectation::kReachable, {"127.0.0.1", "::1"}, {closed, 1})},
      Limits{}, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  ASSERT_EQ(results.size(), 2U);
  for (const FlowResult& r : results) {
    EXPECT_TRUE(r.ports.empty()) << r.target;
    EXPECT_EQ(r.not_probed, 2U) << r.target;
    EXPECT_EQ(r.failed, 0U) << r.target;
  }
  // And a deadline far enough away changes nothing.
  const auto in_time =
      run_flows({plan("in-time", Protocol::kTcp, Expectation::kReachable, {"127.0.0.1"}, {closed})},
                Limits{}, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  ASSERT_EQ(in_time.size(), 1U);
  EXPECT_EQ(in_time[0].count(PortState::kRefused), 1U);
  EXPECT_EQ(in_time[0].not_probed, 0U);
}

TEST(ProbeRunner, AnEmptyPlanCompletes) { EXPECT_TRUE(run_flows({}, Limits{}).empty()); }

TEST(ProbeRunner, UdpAndTcpFlowsInOneRun) {
  test::UdpEchoResponder echo;
  test::TcpListener listener;
  const auto results =
      run_flows({plan("udp", Protocol::kUdp, Expectation::kOpen, {"127.0.0.1"}, {echo.port()}),
                 plan("tcp", Protocol::kTcp, Expectation::kOpen, {"127.0.0.1"}, {listener.port()})},
                Limits{});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_TRUE(results[0].up);
  EXPECT_TRUE(results[1].up);
}

TEST(ProbeRunner, ManyPortsWithATinyCapStillAllComplete) {
  std::vector<Port> ports;
  for (int i = 0; i < 200; ++i) ports.push_back(test::closed_tcp_port());
  const auto results =
      run_flows({plan("tiny-cap", Protocol::kTcp, Expectation::kReachable, {"127.0.0.1"}, ports)},
                Limits{1, 1});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].ports.size(), ports.size());
  EXPECT_EQ(results[0].count(PortState::kRefused) + results[0].count(PortState::kOpen),
            ports.size());
}

}  // namespace
}  // namespace vpm
