#include "time_limit.h"

#include <gtest/gtest.h>

#include "support/flow_edit.h"

namespace vpm::nagios {
namespace {

FlowPlan plan(const std::string& name, std::vector<std::string> hosts, Port first, Port last,
              Duration timeout) {
  FlowPlan p;
  Flow& flow = vpm::test::edit_flow(p);
  flow.name = name;
  flow.timeout = timeout;
  flow.ports.add({first, last});
  p.hosts = std::move(hosts);
  p.ports = flow.ports.ports();
  return p;
}

TEST(TimeLimit, NumbersForPeople) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(16384), "16,384");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
  EXPECT_EQ(seconds_text(Duration(50000)), "50s");
  EXPECT_EQ(seconds_text(Duration(500)), "0.5s");
  EXPECT_EQ(not_probed_text(2300, 5000, Duration(50000)),
            "2,300 of 5,000 ports not probed: time limit 50s");
  EXPECT_EQ(not_probed_text(1, 1, std::nullopt), "1 of 1 port not probed");
}

TEST(TimeLimit, CapsWarningNamesTheTargetThatCannotFit) {
  // The case: 5,000 filtered ports, 64 at a time, 2 s each: 79 rounds, 158 s.
  const std::vector<FlowPlan> plans = {plan("dynamic", {"10.0.0.1"}, 30000, 34999, Duration(2000))};
  EXPECT_EQ(caps_warning(plans, Limits{512, 64}, Duration(50000), "per_target_concurrency"),
            "warning: 5,000 ports to 10.0.0.1, 64 at a time, timeout 2s can take 158s, which does "
            "not fit the time limit 50s: ports may be left unprobed (raise per_target_concurrency "
            "or -T/--max-time)");
  // 50 rounds of 1 s fit a limit of 50.1 s: the last probe must end 100 ms before it.
  const std::vector<FlowPlan> fits = {plan("f", {"h"}, 1, 3200, Duration(1000))};
  EXPECT_EQ(caps_warning(fits, Limits{512, 64}, Duration(50100), "--concurrency"), std::nullopt);
  EXPECT_NE(caps_warning(fits, Limits{512, 64}, Duration(50099), "--concurrency"), std::nullopt);
}

TEST(TimeLimit, CapsWarningCountsEveryFlowToATargetAndTheGlobalCap) {
  // Two flows to one host share its cap: 2 x 640 ports, 64 at a time = 20 rounds of 1 s.
  const std::vector<FlowPlan> shared = {plan("a", {"h"}, 1, 640, Duration(1000)),
                                        plan("b", {"h"}, 1001, 1640, Duration(1000))};
  EXPECT_NE(caps_warning(shared, Limits{512, 64}, Duration(20000), "--concurrency"), std::nullopt);
  EXPECT_EQ(caps_warning(shared, Limits{512, 64}, Duration(20100), "--concurrency"), std::nullopt);
  // 100 hosts of 64 ports: one round per host, but 6,400 ports 512 at a time take 13 rounds.
  std::vector<std::string> hosts;
  for (int i = 0; i < 100; ++i) hosts.push_back("h" + std::to_string(i));
  const std::vector<FlowPlan> wide = {plan("wide", hosts, 1, 64, Duration(1000))};
  const auto warning = caps_warning(wide, Limits{512, 64}, Duration(10000), "--concurrency");
  ASSERT_TRUE(warning.has_value());
  EXPECT_EQ(
      warning->rfind("warning: 6,400 ports in all, 512 at a time, timeout 1s can take 13s", 0), 0u)
      << *warning;
}

}  // namespace
}  // namespace vpm::nagios
