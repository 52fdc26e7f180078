// The exporter's traces over the namespace chain (support/netns_chain.h): a failing flow gets
// traced once per interval, its metrics say where it stops, and they go when it passes.
#include "flow_tracer.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <chrono>

#include "metric_model.h"
#include "support/netns_chain.h"

namespace vpm::exporter {
namespace {

using namespace std::chrono_literals;
using Chain = test::NetnsChain;

std::shared_ptr<const Flow> tcp_flow(bool trace) {
  auto flow = std::make_shared<Flow>();
  flow->name = "to-server";
  flow->from = "client";
  flow->to = "server";
  flow->ports.add({Chain::kDroppedAtR2, Chain::kDroppedAtR2});
  flow->timeout = Duration(1000);
  flow->trace = trace;
  return flow;
}

std::vector<FlowResult> run_result(const std::shared_ptr<const Flow>& flow, PortState state) {
  PortResult port;
  port.port = Chain::kDroppedAtR2;
  port.state = state;
  std::vector<FlowResult> results;
  results.push_back(summarise(flow, Chain::kServer, Chain::kServer, {port}));
  return results;
}

std::string metrics(const ResultStore& store) {
  return serialize(flow_families(*store.snapshot(), ModelOptions{}));
}

const std::string kBlockedAt =
    "veeam_flow_blocked_at_info{flow=\"to-server\",target=\"198.18.4.2\",port=\"10005\",hop=\"2\","
    "address=\"198.18.2.2\",outcome=\"blocked_after\"} 1";
const std::string kPathHops =
    "veeam_flow_path_hops{flow=\"to-server\",target=\"198.18.4.2\",port=\"10005\"} 2";

TEST(FlowTracer, TracesAFailingFlowOncePerIntervalAndForgetsItWhenItPasses) {
  Chain chain;
  if (!chain.namespaces_made()) GTEST_SKIP() << "cannot create network namespaces: " << chain.why();
  ASSERT_TRUE(chain.ok()) << chain.why();
  // The tracer's worker thread starts inside the client namespace, and stays there.
  chain.client().run_inside([&] {
    boost::asio::io_context io;
    const auto busy = boost::asio::make_work_guard(io);  // run_for waits for the trace's post
    ResultStore store;
    FlowTracer tracer(io, store);
    const auto flow = tcp_flow(true);

    auto first = run_result(flow, PortState::kFiltered);
    tracer.on_run(flow->name, 10min, first);
    EXPECT_EQ(tracer.traces_started(), 1U);
    EXPECT_TRUE(first.front().traces.empty());  // the trace has only started
    store.publish(flow->name, first);
    for (auto waited = 0ms; waited < 3s; waited += 20ms) {
      io.run_for(20ms);
      if (!store.snapshot()->flows.at(flow->name)->front().traces.empty()) break;
    }
    std::string page = metrics(store);
    EXPECT_NE(page.find(kBlockedAt), std::string::npos) << page;
    EXPECT_NE(page.find(kPathHops), std::string::npos) << page;

    // The next run, within the interval: the last trace carries over, no new one starts.
    auto second = run_result(flow, PortState::kFiltered);
    tracer.on_run(flow->name, 10min, second);
    EXPECT_EQ(tracer.traces_started(), 1U);
    ASSERT_EQ(second.front().traces.size(), 1U);
    EXPECT_EQ(describe(second.front().traces.front().path),
              "path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, 198.18.2.2)");

    // Passing: no trace, and the series go.
    auto passing = run_result(flow, PortState::kOpen);
    tracer.on_run(flow->name, 10min, passing);
    EXPECT_TRUE(passing.front().traces.empty());
    EXPECT_EQ(tracer.traces_started(), 1U);
    store.publish(flow->name, passing);
    page = metrics(store);
    EXPECT_EQ(page.find("veeam_flow_blocked_at_info{"), std::string::npos) << page;
    EXPECT_EQ(page.find("veeam_flow_path_hops{"), std::string::npos) << page;
  });
}

TEST(FlowTracer, AFlowWithTraceFalseIsNeverTraced) {
  boost::asio::io_context io;
  ResultStore store;
  FlowTracer tracer(io, store);
  const auto flow = tcp_flow(false);
  auto results = run_result(flow, PortState::kFiltered);
  tracer.on_run(flow->name, 0s, results);
  EXPECT_EQ(tracer.traces_started(), 0U);
  io.run_for(50ms);
  EXPECT_TRUE(results.front().traces.empty());
}

}  // namespace
}  // namespace vpm::exporter
