// A flow whose run takes longer than its interval, for real: its port is dropped by nftables in
// a network namespace the test makes (loopback only). The scheduler logs the overrun once, with
// the figures, and the metrics carry the interval next to the run's duration.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "fixtures.h"
#include "flow_scheduler.h"
#include "metric_model.h"
#include "support/netns.h"

namespace vpm::exporter {
namespace {

using namespace std::chrono_literals;

FlowSpec spec(const std::string& name, const std::string& port, Duration interval,
              Duration timeout) {
  Flow flow = test::make_flow(name, port, Expectation::kReachable);
  flow.interval = interval;
  flow.timeout = timeout;
  return FlowSpec{vpm::test::shared(flow), {"127.0.0.1"}};
}

double gauge(const std::vector<prometheus::MetricFamily>& families, const std::string& name,
             const std::string& flow) {
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "flow" && label.value == flow) return metric.gauge.value;
      }
    }
  }
  return -1;
}

std::size_t count_of(const std::vector<std::string>& lines, const std::string& text) {
  std::size_t n = 0;
  for (const std::string& line : lines) n += line.find(text) != std::string::npos ? 1U : 0U;
  return n;
}

TEST(FlowOverrun, ARunLongerThanTheIntervalIsLoggedOnceAndExposed) {
  vpm::test::TestNetns ns;
  if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace: " << ns.why();
  ASSERT_TRUE(ns.drop_tcp_ports("7400"));
  std::vector<std::string> lines;
  std::vector<prometheus::MetricFamily> families;
  std::uint64_t slow_runs = 0;
  ns.run_inside([&] {
    boost::asio::io_context io;
    Logger log(LogLevel::kInfo, [&](std::string_view line) { lines.emplace_back(line); });
    ProbeRunner runner(io, Limits{64, 16});
    ResultStore store;
    FlowScheduler scheduler(io, runner, store, log, [] { return 0.0; });
    // slow: 400 ms of timeout every 100 ms. quick: refused at once (nothing listens on 7401).
    scheduler.apply({spec("slow", "7400", Duration(100), Duration(400)),
                     spec("quick", "7401", Duration(100), Duration(400))});
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (scheduler.completed_runs("slow") < 2 && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(10ms);
    }
    slow_runs = scheduler.completed_runs("slow");
    families = flow_families(*store.snapshot(), ModelOptions{});
  });
  ASSERT_GE(slow_runs, 2u);
  const std::string message = "Flow run took longer than its interval";
  EXPECT_EQ(count_of(lines, message), 1u);  // once per flow, however many runs overran
  std::string logged;
  for (const std::string& line : lines) {
    if (line.find(message) != std::string::npos) logged = line;
  }
  EXPECT_NE(logged.find("level=warn"), std::string::npos) << logged;
  EXPECT_NE(logged.find(" flow=slow "), std::string::npos) << logged;
  EXPECT_NE(logged.find(" run_duration_seconds=0.4"), std::string::npos) << logged;
  EXPECT_NE(logged.find(" interval_seconds=0.1 "), std::string::npos) << logged;
  EXPECT_NE(logged.find(" ports=1 "), std::string::npos) << logged;
  EXPECT_NE(logged.find(" timeout_seconds=0.4"), std::string::npos) << logged;

  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_interval_seconds", "slow"), 0.1);
  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_interval_seconds", "quick"), 0.1);
  EXPECT_GE(gauge(families, "veeam_flow_run_duration_seconds", "slow"), 0.4);
  EXPECT_LT(gauge(families, "veeam_flow_run_duration_seconds", "quick"), 0.1);
}

}  // namespace
}  // namespace vpm::exporter
