// Reload semantics as a table: add, remove, rename, redefine, keep.
#include "reload_plan.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "fixtures.h"
#include "support/flow_edit.h"

namespace vpm::exporter {
namespace {

using test::make_flow;
using Names = std::vector<std::string>;

FlowSpec spec(const std::string& name, const std::string& ports = "22",
              Names hosts = {"127.0.0.1"}) {
  return FlowSpec{vpm::test::shared(make_flow(name, ports)), std::move(hosts)};
}

struct Case {
  const char* what;
  std::vector<FlowSpec> before;
  std::vector<FlowSpec> after;
  Names added, removed, redefined, kept;
};

class ReloadPlanTest : public ::testing::TestWithParam<int> {};

std::vector<Case> cases() {
  FlowSpec slower = spec("a");
  Flow& slower_flow = vpm::test::edit_flow(slower);
  slower_flow.interval = Duration(120000);
  slower_flow.severity = Severity::kWarning;
  slower_flow.note = "changed";
  FlowSpec other_timeout = spec("a");
  vpm::test::edit_flow(other_timeout).timeout = Duration(5000);
  FlowSpec sampled = spec("a", "1000-2000");
  vpm::test::edit_flow(sampled).sample = 10;
  FlowSpec udp = spec("a");
  vpm::test::edit_flow(udp).protocol = Protocol::kUdp;
  FlowSpec reachable = spec("a");
  vpm::test::edit_flow(reachable).expect = Expectation::kReachable;
  FlowSpec tls = spec("a");
  vpm::test::edit_flow(tls).check.kind = CheckKind::kTls;
  FlowSpec other_ca = tls;
  vpm::test::edit_flow(other_ca).check.tls.ca_file = "/etc/veeam/ca.pem";
  return {
      {"nothing changes", {spec("a"), spec("b")}, {spec("a"), spec("b")}, {}, {}, {}, {"a", "b"}},
      {"add", {spec("a")}, {spec("a"), spec("b")}, {"b"}, {}, {}, {"a"}},
      {"remove", {spec("a"), spec("b")}, {spec("b")}, {}, {"a"}, {}, {"b"}},
      {"rename", {spec("a")}, {spec("a2")}, {"a2"}, {"a"}, {}, {}},
      {"other ports", {spec("a")}, {spec("a", "23")}, {}, {}, {"a"}, {}},
      {"other hosts", {spec("a")}, {spec("a", "22", {"127.0.0.2"})}, {}, {}, {"a"}, {}},
      {"other timeout", {spec("a")}, {other_timeout}, {}, {}, {"a"}, {}},
      {"other protocol", {spec("a")}, {udp}, {}, {}, {"a"}, {}},
      {"other expectation", {spec("a")}, {reachable}, {}, {}, {"a"}, {}},
      {"sample set", {spec("a", "1000-2000")}, {sampled}, {}, {}, {"a"}, {}},
      {"connect becomes a TLS check", {spec("a")}, {tls}, {}, {}, {"a"}, {}},
      {"other CA for the TLS check", {tls}, {other_ca}, {}, {}, {"a"}, {}},
      {"interval, severity, note only", {spec("a")}, {slower}, {}, {}, {}, {"a"}},
      {"from empty", {}, {spec("a")}, {"a"}, {}, {}, {}},
      {"to empty", {spec("a")}, {}, {}, {"a"}, {}, {}},
  };
}

TEST_P(ReloadPlanTest, Classifies) {
  const Case c = cases()[static_cast<std::size_t>(GetParam())];
  const ReloadPlan plan = plan_reload(c.before, c.after);
  EXPECT_EQ(plan.added, c.added) << c.what;
  EXPECT_EQ(plan.removed, c.removed) << c.what;
  EXPECT_EQ(plan.redefined, c.redefined) << c.what;
  EXPECT_EQ(plan.kept, c.kept) << c.what;
}

INSTANTIATE_TEST_SUITE_P(Table, ReloadPlanTest,
                         ::testing::Range(0, static_cast<int>(cases().size())));

TEST(FlowSpecsTest, SelectsTheRolesEnabledFlowsWithTheirHosts) {
  const Config config = load_config_string(R"(
roles:
  agent: {hosts: [127.0.0.1]}
  server: {hosts: [127.0.0.1, "::1"]}
flows:
  - {name: one, from: agent, to: server, ports: [22]}
  - {name: two, from: server, to: agent, ports: [23]}
  - {name: off, from: agent, to: server, ports: [24], enabled: false}
)",
                                           "test.yaml");
  const std::vector<FlowSpec> specs = flow_specs(config, "agent");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].flow->name, "one");
  EXPECT_EQ(specs[0].hosts, (Names{"127.0.0.1", "::1"}));
  EXPECT_EQ(flow_specs(config, "").size(), 2u);
  EXPECT_THROW(flow_specs(config, "nope"), std::invalid_argument);
}

}  // namespace
}  // namespace vpm::exporter
