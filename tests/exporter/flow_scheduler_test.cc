// The scheduler on a real io_context and ProbeRunner against listeners on 127.0.0.1: runs
// publish results, and reloads add, remove, rename and keep flows as reload_plan.h says.
#include "flow_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "fixtures.h"
#include "io_loop.h"
#include "support/flow_edit.h"
#include "support/loopback.h"

namespace vpm::exporter {
namespace {

using namespace std::chrono_literals;
using vpm::test::closed_tcp_port;
using vpm::test::SilentUdpSocket;
using vpm::test::TcpListener;

class FlowSchedulerTest : public ::testing::Test {
 protected:
  FlowSchedulerTest()
      : log_(LogLevel::kError, [](std::string_view) {}),
        runner_(io_, Limits{64, 16}),
        // random() == 0: first runs start at once, later runs 0.9 x interval apart.
        scheduler_(io_, runner_, store_, log_, [] { return 0.0; }) {}

  FlowSpec tcp_flow(const std::string& name, Port port, Duration interval = Duration(60000)) {
    FlowSpec spec{vpm::test::shared(test::make_flow(name, std::to_string(port))), {"127.0.0.1"}};
    Flow& spec_flow = vpm::test::edit_flow(spec);
    spec_flow.interval = interval;
    spec_flow.timeout = Duration(1000);
    return spec;
  }

  // Runs the io_context until `done` holds or `limit` passes.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
    return test::run_io_until(io_, done, limit);
  }

  bool has(const std::string& flow) { return store_.snapshot()->flows.contains(flow); }
  bool up(const std::string& flow) { return store_.snapshot()->flows.at(flow)->front().up; }

  boost::asio::io_context io_;
  Logger log_;
  ProbeRunner runner_;
  ResultStore store_;
  FlowScheduler scheduler_;
  TcpListener listener_;
};

TEST_F(FlowSchedulerTest, RunsEveryFlowAndPublishesItsResults) {
  scheduler_.apply({tcp_flow("open", listener_.port()), tcp_flow("refused", closed_tcp_port())});
  EXPECT_FALSE(store_.ready());
  ASSERT_TRUE(run_until([&] { return has("open") && has("refused"); }));
  EXPECT_TRUE(up("open"));
  EXPECT_FALSE(up("refused"));
  EXPECT_EQ(store_.snapshot()->flows.at("refused")->front().count(PortState::kRefused), 1u);
  EXPECT_TRUE(store_.ready());
}

TEST_F(FlowSchedulerTest, RunsAgainEveryInterval) {
  scheduler_.apply({tcp_flow("fast", listener_.port(), Duration(100))});
  ASSERT_TRUE(run_until([&] { return scheduler_.completed_runs("fast") >= 4; }, 2000ms));
}

TEST_F(FlowSchedulerTest, ReloadRemovesRenamesAddsAndKeeps) {
  scheduler_.apply({tcp_flow("kept", listener_.port()), tcp_flow("removed", listener_.port()),
                    tcp_flow("old-name", listener_.port())});
  ASSERT_TRUE(run_until([&] { return has("kept") && has("removed") && has("old-name"); }));
  const auto kept_before = store_.snapshot()->flows.at("kept");

  FlowSpec kept = tcp_flow("kept", listener_.port());
  vpm::test::edit_flow(kept).severity = Severity::kWarning;  // a label change only
  const ReloadPlan plan = scheduler_.apply(
      {kept, tcp_flow("new-name", listener_.port()), tcp_flow("added", closed_tcp_port())});
  EXPECT_EQ(plan.removed, (std::vector<std::string>{"old-name", "removed"}));
  EXPECT_EQ(plan.added, (std::vector<std::string>{"new-name", "added"}));
  EXPECT_EQ(plan.kept, (std::vector<std::string>{"kept"}));

  // Removed series disappear at once; the kept flow keeps its results, with the new labels.
  const auto after = store_.snapshot();
  EXPECT_FALSE(after->flows.contains("removed"));
  EXPECT_FALSE(after->flows.contains("old-name"));
  ASSERT_TRUE(after->flows.contains("kept"));
  EXPECT_EQ(after->flows.at("kept")->front().finished_at, kept_before->front().finished_at);
  EXPECT_EQ(after->flows.at("kept")->front().flow->severity, Severity::kWarning);
  EXPECT_EQ(scheduler_.completed_runs("kept"), 1u);  // not restarted

  ASSERT_TRUE(run_until([&] { return has("new-name") && has("added"); }));
  EXPECT_TRUE(up("new-name"));
  EXPECT_FALSE(up("added"));
  EXPECT_EQ(scheduler_.flow_count(), 3u);
}

TEST_F(FlowSchedulerTest, ARedefinedFlowDropsItsOldResults) {
  scheduler_.apply({tcp_flow("f", listener_.port())});
  ASSERT_TRUE(run_until([&] { return has("f"); }));
  EXPECT_TRUE(up("f"));
  const ReloadPlan plan = scheduler_.apply({tcp_flow("f", closed_tcp_port())});
  EXPECT_EQ(plan.redefined, (std::vector<std::string>{"f"}));
  EXPECT_FALSE(has("f"));  // the open result was about another port
  ASSERT_TRUE(run_until([&] { return has("f"); }));
  EXPECT_FALSE(up("f"));
}

TEST_F(FlowSchedulerTest, AFlowRemovedWhileItsRunIsInFlightNeverComesBack) {
  const SilentUdpSocket silent;  // a UDP probe waits for its whole timeout here
  FlowSpec slow{vpm::test::shared(test::make_flow("slow", std::to_string(silent.port()),
                                                  Expectation::kReachable, Protocol::kUdp)),
                {"127.0.0.1"}};
  vpm::test::edit_flow(slow).timeout = Duration(600);
  scheduler_.apply({slow, tcp_flow("other", listener_.port())});
  ASSERT_TRUE(run_until([&] { return has("other"); }));
  EXPECT_FALSE(has("slow"));  // still waiting for its UDP answer
  scheduler_.apply({tcp_flow("other", listener_.port())});
  run_until([] { return false; }, 1000ms);  // the probe's timeout passes, the run completes
  EXPECT_FALSE(has("slow"));
  EXPECT_EQ(scheduler_.completed_runs("slow"), 0u);
}

TEST_F(FlowSchedulerTest, ASlowFlowDoesNotDelayTheOthers) {
  const SilentUdpSocket silent;
  FlowSpec slow{vpm::test::shared(test::make_flow("slow", std::to_string(silent.port()),
                                                  Expectation::kReachable, Protocol::kUdp)),
                {"127.0.0.1"}};
  vpm::test::edit_flow(slow).timeout = Duration(1500);
  scheduler_.apply({slow, tcp_flow("fast", listener_.port(), Duration(100))});
  ASSERT_TRUE(run_until([&] { return scheduler_.completed_runs("fast") >= 5; }, 1400ms));
  EXPECT_EQ(scheduler_.completed_runs("slow"), 0u);
}

TEST_F(FlowSchedulerTest, NoFlowsIsReadyAtOnce) {
  scheduler_.apply({});
  EXPECT_TRUE(store_.ready());
}

}  // namespace
}  // namespace vpm::exporter
