#include <gtest/gtest.h>

#include "support/flow_edit.h"
#include "vpm/flow_result.h"
#include "vpm/port_result.h"

namespace vpm {
namespace {

TEST(Judge, ExpectationTable) {
  struct Row {
    Expectation expect;
    PortState state;
    bool passes;
  };
  const Row rows[] = {
      {Expectation::kOpen, PortState::kOpen, true},
      {Expectation::kOpen, PortState::kRefused, false},
      {Expectation::kOpen, PortState::kFiltered, false},
      {Expectation::kOpen, PortState::kUnreachable, false},
      {Expectation::kOpen, PortState::kOpenFiltered, false},
      {Expectation::kOpen, PortState::kDnsError, false},
      {Expectation::kOpen, PortState::kError, false},
      {Expectation::kReachable, PortState::kOpen, true},
      {Expectation::kReachable, PortState::kRefused, true},
      {Expectation::kReachable, PortState::kFiltered, false},
      {Expectation::kReachable, PortState::kUnreachable, false},
      {Expectation::kReachable, PortState::kOpenFiltered, true},
      {Expectation::kReachable, PortState::kDnsError, false},
      {Expectation::kReachable, PortState::kError, false},
      {Expectation::kClosed, PortState::kOpen, false},
      {Expectation::kClosed, PortState::kRefused, true},
      {Expectation::kClosed, PortState::kFiltered, true},
      {Expectation::kClosed, PortState::kUnreachable, true},
      {Expectation::kClosed, PortState::kOpenFiltered, true},
      {Expectation::kClosed, PortState::kDnsError, false},
      {Expectation::kClosed, PortState::kError, false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(judge(row.expect, row.state), row.passes)
        << to_string(row.expect) << " / " << to_string(row.state);
  }
}

TEST(Judge, StateNames) {
  EXPECT_EQ(to_string(PortState::kOpen), "open");
  EXPECT_EQ(to_string(PortState::kRefused), "refused");
  EXPECT_EQ(to_string(PortState::kFiltered), "filtered");
  EXPECT_EQ(to_string(PortState::kUnreachable), "unreachable");
  EXPECT_EQ(to_string(PortState::kOpenFiltered), "open_filtered");
  EXPECT_EQ(to_string(PortState::kDnsError), "dns_error");
  EXPECT_EQ(to_string(PortState::kError), "error");
}

PortResult port(Port p, PortState s, long long micros) {
  return PortResult{p, s, std::chrono::microseconds(micros), {}};
}

TEST(Summarise, UpWhenEveryPortPassesAndLatencyIsTheSlowestRoundTrip) {
  Flow flow;
  flow.expect = Expectation::kReachable;
  const FlowResult r = summarise(vpm::test::shared(flow), "h", "127.0.0.1",
                                 {port(1, PortState::kOpen, 30), port(2, PortState::kRefused, 90),
                                  port(3, PortState::kOpen, 50)});
  EXPECT_TRUE(r.up);
  EXPECT_EQ(r.failed, 0U);
  ASSERT_TRUE(r.latency.has_value());
  EXPECT_EQ(*r.latency, std::chrono::microseconds(90));
  EXPECT_EQ(r.count(PortState::kOpen), 2U);
  EXPECT_EQ(r.count(PortState::kRefused), 1U);
}

TEST(Summarise, DownWithFailingPortsCountedAndNoLatencyWhenNothingPassed) {
  Flow flow;
  flow.expect = Expectation::kOpen;
  const FlowResult r =
      summarise(vpm::test::shared(flow), "h", "127.0.0.1",
                {port(1, PortState::kRefused, 10), port(2, PortState::kFiltered, 0)});
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.failed, 2U);
  EXPECT_FALSE(r.latency.has_value());
}

TEST(Summarise, PassingSilentPortsGiveNoLatency) {
  Flow flow;
  flow.expect = Expectation::kClosed;
  const FlowResult r =
      summarise(vpm::test::shared(flow), "h", "127.0.0.1", {port(1, PortState::kFiltered, 0)});
  EXPECT_TRUE(r.up);
  EXPECT_FALSE(r.latency.has_value());
}

TEST(Summarise, NoPortsIsNeverUp) {
  const FlowResult r = summarise(vpm::test::shared(Flow{}), "h", "", {});
  EXPECT_FALSE(r.up);
}

}  // namespace
}  // namespace vpm
