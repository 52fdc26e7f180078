// The pre-flight's core: when it is due (with the time set, in a real time zone through TZ, across
// a daylight-saving change), its full-range plan (every port, whatever the sample), its batches,
// and its judgement of real probes against listeners on 127.0.0.1.
#include "vpm/job_preflight.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#ifndef _WIN32
#include "support/loopback.h"
#endif
#include "support/time_zone.h"
#include "vpm/port_set.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using test::utc;

std::shared_ptr<const Flow> range_flow(const std::string& name, const std::string& ports,
                                       std::optional<unsigned> sample,
                                       Expectation expect = Expectation::kOpen) {
  Flow flow;
  flow.name = name;
  flow.from = "agent";
  flow.to = "backup_repository";
  std::string error;
  flow.ports = *parse_port_list(ports, &error);
  flow.sample = sample;
  flow.expect = expect;
  flow.timeout = Duration(1000);
  return std::make_shared<const Flow>(std::move(flow));
}

JobNeeds nightly_at(int hour, int minute, std::chrono::seconds lead = 30min) {
  JobSchedule schedule;
  schedule.kind = ScheduleKind::kDaily;
  schedule.hour = hour;
  schedule.minute = minute;
  return JobNeeds{"Nightly", VeeamTargetType::kBackupRepository, {"repo-range"}, schedule, lead};
}

#ifndef _WIN32
TEST(PreflightDue, BeforeInsideAndAfterTheLead) {
  const test::ScopedTimeZone tz("Europe/Berlin");  // CET in December: UTC+1
  const SystemTimeZone zone;
  const JobNeeds job = nightly_at(22, 0);  // 21:00 UTC; the window opens at 20:30 UTC
  const SystemTime start = utc(2026, 12, 5, 21, 0);

  EXPECT_EQ(preflight_due(job, utc(2026, 12, 5, 20, 29), zone, std::nullopt), std::nullopt);
  EXPECT_EQ(preflight_wake_time(job, utc(2026, 12, 5, 20, 29), zone), utc(2026, 12, 5, 20, 30));
  EXPECT_EQ(preflight_due(job, utc(2026, 12, 5, 20, 30), zone, std::nullopt), start);
  EXPECT_EQ(preflight_due(job, utc(2026, 12, 5, 20, 59), zone, std::nullopt), start);
  // Once per start: after it ran for this start, not again until the next one.
  EXPECT_EQ(preflight_due(job, utc(2026, 12, 5, 20, 45), zone, start), std::nullopt);
  EXPECT_EQ(preflight_wake_time(job, utc(2026, 12, 5, 20, 45), zone), start);
  // After the start: the next window is tomorrow's, closed for now.
  EXPECT_EQ(preflight_due(job, utc(2026, 12, 5, 21, 1), zone, start), std::nullopt);
  EXPECT_EQ(preflight_due(job, utc(2026, 12, 6, 20, 31), zone, start), utc(2026, 12, 6, 21, 0));
}

TEST(PreflightDue, AcrossTheSpringForwardNight) {
  // Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST. A 02:30 job runs at 03:30 CEST (01:30 UTC),
  // so its 30-minute pre-flight opens at 03:00 CEST (01:00 UTC), not an hour earlier.
  const test::ScopedTimeZone tz("Europe/Berlin");
  const SystemTimeZone zone;
  const JobNeeds job = nightly_at(2, 30);
  EXPECT_EQ(preflight_due(job, utc(2026, 3, 29, 0, 59), zone, std::nullopt), std::nullopt);
  EXPECT_EQ(preflight_due(job, utc(2026, 3, 29, 1, 0), zone, std::nullopt),
            utc(2026, 3, 29, 1, 30));
  // The night before, the same job started at 02:30 CET (01:30 UTC), its window at 01:00 UTC.
  EXPECT_EQ(preflight_due(job, utc(2026, 3, 28, 1, 0), zone, std::nullopt),
            utc(2026, 3, 28, 1, 30));
}

TEST(PreflightDue, AcrossTheFallBackNight) {
  // New York 2026-11-01: 02:00 EDT becomes 01:00 EST. A 01:30 job runs at the first 01:30 (EDT,
  // 05:30 UTC); with a one-hour lead the window opens at 00:30 EDT (04:30 UTC).
  const test::ScopedTimeZone tz("America/New_York");
  const SystemTimeZone zone;
  const JobNeeds job = nightly_at(1, 30, 1h);
  EXPECT_EQ(preflight_due(job, utc(2026, 11, 1, 4, 29), zone, std::nullopt), std::nullopt);
  EXPECT_EQ(preflight_due(job, utc(2026, 11, 1, 4, 30), zone, std::nullopt),
            utc(2026, 11, 1, 5, 30));
}
#endif

TEST(PreflightDue, LeadZeroOrNoScheduleMeansNone) {
  const SystemTimeZone zone;
  const SystemTime now = std::chrono::system_clock::now();
  EXPECT_EQ(next_preflight_window(nightly_at(22, 0, 0s), now, zone), std::nullopt);
  EXPECT_EQ(preflight_due(nightly_at(22, 0, 0s), now, zone, std::nullopt), std::nullopt);
  EXPECT_EQ(preflight_wake_time(nightly_at(22, 0, 0s), now, zone), std::nullopt);

  JobNeeds unscheduled = nightly_at(22, 0, 24h);
  unscheduled.schedule.reset();
  EXPECT_EQ(preflight_due(unscheduled, now, zone, std::nullopt), std::nullopt);
  JobNeeds manual = nightly_at(22, 0, 24h);
  manual.schedule->kind = ScheduleKind::kManual;
  EXPECT_EQ(preflight_due(manual, now, zone, std::nullopt), std::nullopt);
  // A lead of a whole day keeps a daily job's window always open.
  EXPECT_NE(preflight_due(nightly_at(22, 0, 24h), now, zone, std::nullopt), std::nullopt);
}

TEST(PreflightPlan, EveryPortOfASampledRangeOnEveryHost) {
  const std::vector<FlowPlan> running{
      {range_flow("repo-range", "2500-3300", 10), {"repo1", "repo2"}, {}},
      {range_flow("smtp", "25", std::nullopt), {"mail"}, {}},  // no job needs it
  };
  const std::vector<FlowPlan> plan = preflight_plan(nightly_at(22, 0), running);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].flow->name, "repo-range");
  ASSERT_EQ(plan[0].ports.size(), 801u);  // not the sample's 10
  EXPECT_EQ(plan[0].ports.front(), 2500);
  EXPECT_EQ(plan[0].ports.back(), 3300);
  EXPECT_EQ(probe_count(plan), 1602u);

  // Batches of at most 512 probes (256 ports x 2 hosts) that together are the whole plan.
  const std::vector<FlowPlan> batches = split_into_batches(plan, 512);
  ASSERT_EQ(batches.size(), 4u);
  std::vector<Port> ports;
  for (const FlowPlan& batch : batches) {
    EXPECT_LE(probe_count({batch}), 512u);
    ports.insert(ports.end(), batch.ports.begin(), batch.ports.end());
  }
  EXPECT_EQ(ports, plan[0].ports);
}

TEST(PreflightPlan, ANeededFlowThatDoesNotRunIsNotRun) {
  JobNeeds job = nightly_at(22, 0);
  job.flows.push_back("repo-missing");
  const std::vector<FlowPlan> plan =
      preflight_plan(job, {{range_flow("repo-range", "10005", std::nullopt), {"127.0.0.1"}, {}}});
  const std::vector<FlowResult> results = run_flows(plan, Limits{64, 16});
  const PreflightResult judged = judge_preflight(job, probe_count(plan), results);
  EXPECT_FALSE(judged.ok);
  EXPECT_EQ(judged.not_run, std::vector<std::string>{"repo-missing"});
}

#ifndef _WIN32
TEST(PreflightJudge, EveryPortProbedAndOneClosedPortFailsIt) {
  const test::TcpListener a;
  const test::TcpListener b;
  const test::TcpListener c;
  const std::string listening =
      std::to_string(a.port()) + "," + std::to_string(b.port()) + "," + std::to_string(c.port());
  const JobNeeds job{"Nightly", VeeamTargetType::kBackupRepository, {"repo-range"}, {}, 30min};
  const std::vector<FlowPlan> plan =
      preflight_plan(job, {{range_flow("repo-range", listening, 1), {"127.0.0.1"}, {}}});
  std::vector<FlowResult> results;
  for (const FlowPlan& batch : split_into_batches(plan, 2)) {
    for (FlowResult& r : run_flows({batch}, Limits{64, 16})) results.push_back(std::move(r));
  }
  const PreflightResult passed = judge_preflight(job, probe_count(plan), results);
  EXPECT_TRUE(passed.ok);
  EXPECT_EQ(passed.ports_probed, 3u);  // the sample is 1: a regular run would probe one

  const Port closed = test::closed_tcp_port();
  const std::vector<FlowPlan> with_closed = preflight_plan(
      job,
      {{range_flow("repo-range", listening + "," + std::to_string(closed), 1), {"127.0.0.1"}, {}}});
  const PreflightResult failed =
      judge_preflight(job, probe_count(with_closed), run_flows(with_closed, Limits{64, 16}));
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.ports_probed, 4u);
  EXPECT_EQ(failed.failing_ports, 1u);
  ASSERT_EQ(failed.failing.size(), 1u);
  EXPECT_EQ(failed.failing[0],
            "repo-range -> 127.0.0.1 port " + std::to_string(closed) + "/tcp refused");

  // A planned probe without a result (the job's start came first) fails it too.
  const PreflightResult cut = judge_preflight(job, probe_count(plan) + 1, results);
  EXPECT_FALSE(cut.ok);
  EXPECT_EQ(cut.ports_not_probed, 1u);
}
#endif

}  // namespace
}  // namespace vpm
