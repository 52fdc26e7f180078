#include "vpm/plan.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace vpm {
namespace {

Flow flow_with(const std::string& ranges, std::optional<unsigned> sample) {
  Flow flow;
  std::string error;
  auto set = parse_port_list(ranges, &error);
  EXPECT_TRUE(set) << error;
  flow.ports = *set;
  flow.sample = sample;
  return flow;
}

TEST(PortsForRun, AllWhenNoSample) {
  const Flow flow = flow_with("22,2500-2502", std::nullopt);
  EXPECT_EQ(ports_for_run(flow, 7), (std::vector<Port>{22, 2500, 2501, 2502}));
}

TEST(PortsForRun, AllWhenSampleCoversTheSet) {
  const Flow flow = flow_with("1-3", 3U);
  EXPECT_EQ(ports_for_run(flow, 5), (std::vector<Port>{1, 2, 3}));
}

TEST(PortsForRun, SampleRotatesAndWrapsAcrossRanges) {
  const Flow flow = flow_with("10,20-22", 3U);
  EXPECT_EQ(ports_for_run(flow, 0), (std::vector<Port>{10, 20, 21}));
  EXPECT_EQ(ports_for_run(flow, 1), (std::vector<Port>{22, 10, 20}));
  EXPECT_EQ(ports_for_run(flow, 2), (std::vector<Port>{21, 22, 10}));
}

TEST(PortsForRun, ConsecutiveRunsCoverTheWholeRange) {
  const Flow flow = flow_with("49152-65535", 100U);
  std::set<Port> seen;
  const std::size_t runs = (16384 + 99) / 100;
  for (std::uint64_t run = 0; run < runs; ++run) {
    for (Port p : ports_for_run(flow, run)) seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 16384U);
}

Config two_role_config() {
  Config config;
  config.source = "test.yaml";
  config.roles = {{"agent", {"localhost"}, {}}, {"backup_server", {"127.0.0.1", "::1"}, {}}};
  Flow a = flow_with("10005", std::nullopt);
  a.name = "a";
  a.from = "agent";
  a.to = "backup_server";
  Flow b = a;
  b.name = "b";
  b.from = "backup_server";
  b.to = "agent";
  Flow c = a;
  c.name = "c";
  c.enabled = false;
  config.flows = {a, b, c};
  return config;
}

TEST(SelectFlows, ByRoleSkippingDisabled) {
  const Config config = two_role_config();
  const auto agent = select_flows(config, "agent");
  ASSERT_EQ(agent.size(), 1U);
  EXPECT_EQ(agent[0]->name, "a");
  EXPECT_EQ(select_flows(config, "").size(), 2U);
}

TEST(SelectFlows, UnknownRoleNamesTheRolesThatExist) {
  try {
    select_flows(two_role_config(), "agnet");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "no role named \"agnet\" in test.yaml (roles: agent, backup_server)");
  }
}

TEST(PlanFlow, TargetsAreTheHostsOfTheToRole) {
  const Config config = two_role_config();
  const FlowPlan plan = plan_flow(config, config.flows[0], 0);
  EXPECT_EQ(plan.hosts, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(plan.ports, (std::vector<Port>{10005}));
}

}  // namespace
}  // namespace vpm
