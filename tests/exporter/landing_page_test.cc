#include "landing_page.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <optional>

#include "fixtures.h"
#include "platform.h"

namespace vpm::exporter {
namespace {

using test::make_flow;
using test::port;
using test::result;

TEST(HtmlEscapeTest, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

LandingInfo info() {
  LandingInfo i;
  i.version = "0.1.0";
  i.revision = "abc";
  i.config_file = "config/<targets>.yaml";
  i.role = "agent";
  i.scheduled_flows = 2;
  i.ready = true;
  i.now = std::chrono::system_clock::time_point(std::chrono::seconds(1704067230));
  return i;
}

TEST(LandingPageTest, ShowsEveryFlowAndTargetWithStateLatencyAndLastRun) {
  Snapshot s;
  const Flow control = make_flow("agent-to-backup-server-control", "10005");
  const Flow data = make_flow("agent-to-repository-data", "2500-2501", Expectation::kReachable);
  s.flows[control.name] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(control, "vbr01", {port(10005, PortState::kOpen, std::chrono::microseconds(1250))})});
  s.flows[data.name] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(data, "repo01",
             {port(2500, PortState::kFiltered, {}, "no answer in 2s"),
              port(2501, PortState::kUnreachable, {}, "no route to host")})});
  s.last_reload_successful = true;
  const std::string html = landing_page(s, info());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<td>agent-to-backup-server-control</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>vbr01</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>UP</td>"), std::string::npos);
  EXPECT_NE(html.find("1.250 ms"), std::string::npos);
  EXPECT_NE(html.find("2024-01-01 00:00:00 UTC (30s ago)"), std::string::npos);
  EXPECT_NE(html.find("<td>DOWN</td>"), std::string::npos);
  EXPECT_NE(html.find("2500 filtered: no answer in 2s<br>2501 unreachable: no route to host"),
            std::string::npos);
  EXPECT_NE(html.find("1 filtered, 1 unreachable"), std::string::npos);
  EXPECT_NE(html.find("config/&lt;targets&gt;.yaml"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // no external assets
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

// UTC as the agent's zone, so that the expected times do not depend on the machine's.
class UtcZone final : public LocalTimeZone {
 public:
  LocalDateTime to_local(std::chrono::system_clock::time_point t) const override {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    const std::tm tm = utc_time(seconds);
    return LocalDateTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour,        tm.tm_min,     tm.tm_wday};
  }
  std::optional<std::chrono::system_clock::time_point> from_local(
      const LocalDateTime& l) const override {
    using namespace std::chrono;
    const sys_days day = year{l.year} / month{static_cast<unsigned>(l.month)} /
                         std::chrono::day{static_cast<unsigned>(l.day)};
    return system_clock::time_point(day) + hours(l.hour) + minutes(l.minute);
  }
};

TEST(LandingPageTest, ShowsEachJobReadyNowItsNextStartAndItsLastPreflight) {
  using namespace std::chrono_literals;
  Snapshot s;
  const Flow control = make_flow("agent-to-backup-server", "10005");
  const Flow data = make_flow("agent-to-repository", "2500-3300", Expectation::kReachable);
  s.flows[control.name] = std::make_shared<const std::vector<FlowResult>>(
      std::vector<FlowResult>{result(control, "vbr01", {port(10005, PortState::kOpen)})});
  s.flows[data.name] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(data, "repo01", {port(2500, PortState::kFiltered, {}, "no answer in 2s")})});
  JobSchedule nightly;
  nightly.kind = ScheduleKind::kDaily;
  nightly.hour = 22;
  auto jobs = std::make_shared<std::vector<JobNeeds>>();
  jobs->push_back(JobNeeds{"Nightly <VBR>",
                           VeeamTargetType::kBackupRepository,
                           {"agent-to-backup-server", "agent-to-repository"},
                           nightly,
                           30min});
  jobs->push_back(JobNeeds{"Control only",
                           VeeamTargetType::kBackupRepository,
                           {"agent-to-backup-server"},
                           std::nullopt,
                           0min});
  jobs->push_back(JobNeeds{"Local", VeeamTargetType::kLocalDisk, {}, JobSchedule{}, 30min});
  s.jobs = jobs;
  PreflightResult failed;
  failed.ok = false;
  failed.ports_probed = 802;
  failed.failing = {"agent-to-repository -> repo01 port 2500/tcp filtered"};
  failed.failing_ports = 5;
  failed.duration = 300ms;
  failed.start = std::chrono::system_clock::time_point(std::chrono::seconds(1704060000));
  failed.finished_at = failed.start - 25min;
  s.preflights["Nightly <VBR>"] = failed;

  LandingInfo i = info();  // now: 2024-01-01 00:00:30 UTC
  const UtcZone utc_zone;
  i.zone = &utc_zone;
  const std::string html = landing_page(s, i);
  const std::size_t jobs_at = html.find("<h2>Backup jobs</h2>");
  ASSERT_NE(jobs_at, std::string::npos);
  EXPECT_LT(jobs_at, html.find("<h2>Flows</h2>")) << "jobs first";
  const std::size_t nightly_row = html.find("<tr class=\"down\"><td>Nightly &lt;VBR&gt;</td>");
  ASSERT_NE(nightly_row, std::string::npos) << html.substr(jobs_at, 2000);
  const std::string row = html.substr(nightly_row, html.find("</tr>", nightly_row) - nightly_row);
  EXPECT_NE(row.find("<td>backup_repository</td>"), std::string::npos) << row;
  EXPECT_NE(row.find("NOT READY</strong><br>down: agent-to-repository -&gt; repo01"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find("daily 22:00, next 2024-01-01 22:00 +0000"), std::string::npos) << row;
  EXPECT_NE(row.find("<strong>FAILED</strong> 2023-12-31 21:35 +0000, 802 ports in 0.3 s, for "
                     "the start at 2023-12-31 22:00 +0000"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find("failing: agent-to-repository -&gt; repo01 port 2500/tcp filtered<br>+4 "
                     "more"),
            std::string::npos)
      << row;
  EXPECT_NE(html.find("<tr class=\"up\"><td>Control only</td><td>backup_repository</td>"
                      "<td>READY</td><td>not read from the export</td><td>off</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"down\"><td>Local</td><td>local_disk</td><td><strong>NOT "
                      "READY</strong><br>no flow of this file proves its path</td><td>started "
                      "manually</td><td>none yet (30 min before each scheduled start)</td></tr>"),
            std::string::npos);

  Snapshot without_jobs;
  EXPECT_EQ(landing_page(without_jobs, i).find("Backup jobs"), std::string::npos);
}

TEST(LandingPageTest, ShowsWhereATracedPortStops) {
  Snapshot s;
  const Flow data = make_flow("agent-to-repository-data", "2500");
  FlowResult r = result(data, "repo01", {port(2500, PortState::kFiltered, {}, "no answer in 2s")});
  PortTrace trace;
  trace.port = 2500;
  trace.path.outcome = TracePath::Outcome::kBlockedAfter;
  trace.path.hops = {"198.18.1.2", "198.18.2.2"};
  trace.path.hop = 2;
  trace.path.address = "198.18.2.2";
  r.traces.push_back(trace);
  s.flows[data.name] =
      std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{std::move(r)});
  const std::string html = landing_page(s, info());
  EXPECT_NE(html.find("2500 filtered: no answer in 2s<br>&nbsp;&nbsp;path 198.18.1.2 &gt; "
                      "198.18.2.2 &gt; * (blocked after hop 2, 198.18.2.2)"),
            std::string::npos)
      << html;
}

TEST(LandingPageTest, EscapesEverythingFromConfigAndProbes) {
  Snapshot s;
  Flow flow = make_flow("f", "22");
  flow.from = "<b>from</b>";
  s.flows["f"] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(flow, "<script>alert(1)</script>",
             {port(22, PortState::kError, {}, "reason with <tags> & \"quotes\"")})});
  const std::string html = landing_page(s, info());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>from"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("reason with &lt;tags&gt; &amp; &quot;quotes&quot;"), std::string::npos);
}

TEST(LandingPageTest, SaysSoWhenNothingRanYetOrTheLastReloadFailed) {
  Snapshot s;
  s.last_reload_successful = false;
  LandingInfo i = info();
  i.ready = false;
  const std::string html = landing_page(s, i);
  EXPECT_NE(html.find("No results yet"), std::string::npos);
  EXPECT_NE(html.find("FAILED"), std::string::npos);
  EXPECT_NE(html.find("Not ready yet"), std::string::npos);
}

TEST(LandingFilterTest, ReadsTheQueryStringAndIgnoresWhatDoesNotParse) {
  const LandingFilter f = parse_landing_filter("flow=restore&target=127.0.2&show=down&limit=50");
  EXPECT_EQ(f.flow, "restore");
  EXPECT_EQ(f.target, "127.0.2");
  EXPECT_EQ(f.show, LandingFilter::Show::kDown);
  EXPECT_EQ(f.limit, 50u);
  EXPECT_EQ(parse_landing_filter("").limit, kDefaultLandingRows);
  EXPECT_EQ(parse_landing_filter("limit=all").limit, static_cast<std::size_t>(-1));
  EXPECT_EQ(parse_landing_filter("limit=-3&show=sideways&x=1").limit, kDefaultLandingRows);
  EXPECT_EQ(parse_landing_filter("show=sideways").show, LandingFilter::Show::kAll);
  EXPECT_EQ(parse_landing_filter("target=a+b%2Fc%zz").target, "a b/c%zz");
  EXPECT_EQ(url_encode("a b/c-d"), "a%20b%2Fc-d");
}

// A backup server watching 1,000 agents: the flows table counts them, the rows come failing
// first and stop at the limit, and the page stays small.
TEST(LandingPageTest, AtFleetSizeFailingFirstCountsPerFlowAndALimit) {
  Snapshot s;
  const Flow restore = make_flow("restore", "135");
  std::vector<FlowResult> results;
  for (int t = 0; t < 1000; ++t) {
    const bool failing = t == 700 || t == 900;
    results.push_back(result(restore, "agent-" + std::to_string(t),
                             {port(135, failing ? PortState::kFiltered : PortState::kOpen)}));
  }
  s.flows["restore"] = std::make_shared<const std::vector<FlowResult>>(std::move(results));
  const std::string html = landing_page(s, info());
  EXPECT_LT(html.size(), 200000u);
  EXPECT_NE(html.find("<td class=\"num\">998</td>"), std::string::npos) << "targets up";
  EXPECT_NE(html.find(">2</a></td>"), std::string::npos) << "targets down, linked";
  EXPECT_NE(html.find("200 of 1000 matching rows"), std::string::npos);
  const std::size_t first_row = html.find("<tr class=\"down\"><td>restore</td>");
  ASSERT_NE(first_row, std::string::npos);
  EXPECT_LT(first_row, html.find("<tr class=\"up\"><td>restore</td>")) << "failing first";
  EXPECT_LT(html.find("agent-700"), html.find("agent-0<"));

  LandingFilter only;
  only.target = "agent-90";
  only.show = LandingFilter::Show::kDown;
  const std::string filtered = landing_page(s, info(), only);
  EXPECT_NE(filtered.find("1 of 1 matching rows"), std::string::npos);
  EXPECT_NE(filtered.find("<td>agent-900</td>"), std::string::npos);
  EXPECT_EQ(filtered.find("<td>agent-700</td>"), std::string::npos);
}

}  // namespace
}  // namespace vpm::exporter
