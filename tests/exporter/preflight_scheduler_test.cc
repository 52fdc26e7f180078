// The pre-flight on a real io_context and ProbeRunner against listeners on 127.0.0.1: a job that
// starts in a few minutes gets its pre-flight at once, every port of its sampled flows, once per
// start, published as veeam_job_preflight_*; a closed port of the range fails it.
#include "preflight_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fixtures.h"
#include "flow_scheduler.h"
#include "io_loop.h"
#include "job_metrics.h"
#include "support/flow_edit.h"
#include "support/loopback.h"

namespace vpm::exporter {
namespace {

using namespace std::chrono_literals;
using vpm::test::TcpListener;

class PreflightSchedulerTest : public ::testing::Test {
 protected:
  PreflightSchedulerTest()
      : log_(LogLevel::kError, [](std::string_view) {}),
        runner_(io_, Limits{64, 16}),
        preflight_(io_, runner_, store_, log_, zone_, 64) {}

  // A job that starts every day at the local time `in` from now (to the minute), needing `flows`.
  JobNeeds job_starting_in(std::chrono::minutes in, std::vector<std::string> flows) {
    const LocalDateTime at = zone_.to_local(std::chrono::system_clock::now() + in);
    JobSchedule schedule;
    schedule.kind = ScheduleKind::kDaily;
    schedule.hour = at.hour;
    schedule.minute = at.minute;
    return JobNeeds{"Nightly", VeeamTargetType::kBackupRepository, std::move(flows), schedule,
                    30min};
  }

  // A flow over `ports` on 127.0.0.1 that a regular run samples one port at a time.
  static FlowPlan sampled_flow(const std::string& name, const std::string& ports,
                               Expectation expect = Expectation::kOpen) {
    FlowPlan plan{vpm::test::shared(test::make_flow(name, ports, expect)), {"127.0.0.1"}, {}};
    Flow& flow = vpm::test::edit_flow(plan);
    flow.sample = 1;
    flow.timeout = Duration(1000);
    return plan;
  }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10000ms) {
    return test::run_io_until(io_, done, limit);
  }

  std::optional<PreflightResult> last(const std::string& job) const {
    const auto snapshot = store_.snapshot();
    const auto found = snapshot->preflights.find(job);
    if (found == snapshot->preflights.end()) return std::nullopt;
    return found->second;
  }

  // The value of `family`'s sample for the job, from what /metrics would show.
  std::optional<double> gauge(const std::string& family) const {
    for (const prometheus::MetricFamily& f : job_families(*store_.snapshot())) {
      if (f.name == family && !f.metric.empty()) return f.metric.front().gauge.value;
    }
    return std::nullopt;
  }

  boost::asio::io_context io_;
  Logger log_;
  SystemTimeZone zone_;
  ProbeRunner runner_;
  ResultStore store_;
  PreflightScheduler preflight_;
};

TEST_F(PreflightSchedulerTest, ProbesEveryPortOfTheRangesOnceBeforeTheStart) {
  const TcpListener a;
  const TcpListener b;
  const TcpListener c;
  const std::string listening =
      std::to_string(a.port()) + "," + std::to_string(b.port()) + "," + std::to_string(c.port());
  // The repository's range answers on loopback (refused passes `reachable`): 801 ports proven.
  std::vector<FlowPlan> running{sampled_flow("repo-range", "2500-3300", Expectation::kReachable),
                                sampled_flow("repo-listeners", listening),
                                sampled_flow("not-needed", "1")};
  const JobNeeds job = job_starting_in(5min, {"repo-range", "repo-listeners"});
  store_.set_jobs({job});
  preflight_.apply({job}, running);
  ASSERT_TRUE(run_until([&] { return preflight_.completed() == 1; }));

  const std::optional<PreflightResult> result = last("Nightly");
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->ok) << (result->failing.empty() ? "" : result->failing.front());
  EXPECT_EQ(result->ports_probed, 801u + 3u);
  EXPECT_EQ(gauge("veeam_job_preflight_ok"), 1);
  EXPECT_EQ(gauge("veeam_job_preflight_ports"), 804);
  const double ended =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(*gauge("veeam_job_preflight_timestamp_seconds"), ended, 15);
  EXPECT_GT(*gauge("veeam_job_preflight_duration_seconds"), 0);

  // Once per start: neither time passing nor a reload with the same job runs it again.
  preflight_.apply({job}, running);
  io_.restart();
  io_.run_for(300ms);
  EXPECT_EQ(preflight_.completed(), 1u);
}

TEST_F(PreflightSchedulerTest, OneClosedPortOfTheRangeFailsIt) {
  const TcpListener a;
  const TcpListener b;
  const Port closed = vpm::test::closed_tcp_port();
  const std::string ports =
      std::to_string(a.port()) + "," + std::to_string(b.port()) + "," + std::to_string(closed);
  const JobNeeds job = job_starting_in(5min, {"repo-listeners"});
  store_.set_jobs({job});
  preflight_.apply({job}, {sampled_flow("repo-listeners", ports)});
  ASSERT_TRUE(run_until([&] { return preflight_.completed() == 1; }));

  const std::optional<PreflightResult> result = last("Nightly");
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->ok);
  EXPECT_EQ(result->ports_probed, 3u);
  EXPECT_EQ(result->failing_ports, 1u);
  EXPECT_EQ(gauge("veeam_job_preflight_ok"), 0);
}

TEST_F(PreflightSchedulerTest, NoneOutsideTheLeadOrWithALeadOfZero) {
  const TcpListener a;
  JobNeeds later = job_starting_in(120min, {"repo-listeners"});  // opens in about 90 minutes
  later.job = "Later";
  JobNeeds off = job_starting_in(5min, {"repo-listeners"});
  off.job = "Off";
  off.preflight = 0s;
  store_.set_jobs({later, off});
  preflight_.apply({later, off}, {sampled_flow("repo-listeners", std::to_string(a.port()))});
  io_.restart();
  io_.run_for(300ms);
  EXPECT_EQ(preflight_.completed(), 0u);
  EXPECT_EQ(gauge("veeam_job_preflight_ok"), std::nullopt);  // no pre-flight, no series
}

// The pre-flight hands its 16,384 probes to the shared runner in batches of 64, so a regular
// flow's runs, queued on the same host meanwhile, keep completing while it goes on instead of
// waiting behind the whole range.
TEST(PreflightLoad, RegularRunsGoOnBetweenItsBatches) {
  boost::asio::io_context io;
  std::vector<std::string> lines;
  Logger log(LogLevel::kDebug, [&](std::string_view line) { lines.emplace_back(line); });
  SystemTimeZone zone;
  ProbeRunner runner(io, Limits{64, 16});
  ResultStore store;
  FlowScheduler regular(io, runner, store, log, [] { return 0.0; });
  PreflightScheduler preflight(io, runner, store, log, zone, 64);

  const TcpListener listener;
  FlowSpec often{vpm::test::shared(test::make_flow("often", std::to_string(listener.port()))),
                 {"127.0.0.1"}};
  vpm::test::edit_flow(often).interval = Duration(5);
  FlowPlan range{
      vpm::test::shared(test::make_flow("agent-dynamic", "49152-65535", Expectation::kReachable)),
      {"127.0.0.1"},
      {}};
  const LocalDateTime at = zone.to_local(std::chrono::system_clock::now() + 5min);
  JobSchedule daily;
  daily.kind = ScheduleKind::kDaily;
  daily.hour = at.hour;
  daily.minute = at.minute;
  const JobNeeds job{"Nightly", VeeamTargetType::kLocalDisk, {"agent-dynamic"}, daily, 30min};
  store.set_jobs({job});
  regular.apply({often});
  preflight.apply({job}, {range});
  ASSERT_TRUE(test::run_io_until(
      io, [&] { return preflight.completed() == 1; }, 60s))
      << [&] {
           std::string text;
           for (const std::string& line : lines) {
             if (line.find("Pre-flight") != std::string::npos) text += line + "\n";
           }
           return text;
         }();

  std::size_t during = 0;
  bool started = false;
  for (const std::string& line : lines) {
    if (line.find("Pre-flight started") != std::string::npos) started = true;
    if (line.find("Pre-flight passed") != std::string::npos) break;
    if (started && line.find("msg=\"Run finished\" flow=often") != std::string::npos) ++during;
  }
  EXPECT_TRUE(started);
  EXPECT_GE(during, 2u) << "regular runs completed during the pre-flight";
  EXPECT_EQ(store.snapshot()->preflights.at("Nightly").ports_probed, 16384u);
}

}  // namespace
}  // namespace vpm::exporter
