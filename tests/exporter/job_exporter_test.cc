// veeam_port_exporter with a Veeam Agent export: veeam_job_info and veeam_job_ready for each
// job, from the flows each needs; a listener of one job's flow closes and only that job turns
// not ready. Loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "exporter_process.h"
#include "support/loopback.h"
#include "support/subprocess.h"
#include "support/time_zone.h"
#include "support/veeam_export_xml.h"
#include "vpm/job_schedule.h"

namespace vpm::exporter::test {
namespace {

using vpm::test::TcpListener;
using vpm::test::veeam_export_xml;

std::string job_ready(const std::string& metrics, const std::string& job) {
  const std::vector<std::string> found =
      series(metrics, "veeam_job_ready", {"backup_job=\"" + job + "\""});
  return found.empty() ? "" : value_of(found.front());
}

std::string flow(const std::string& name, const std::string& to, std::uint16_t port) {
  return "  - {name: " + name + ", from: agent, to: " + to +
         ", protocol: tcp, expect: open, ports: [" + std::to_string(port) + "]}\n";
}

TEST(JobExporter, EachJobIsReadyWhileEveryFlowItNeedsIsUp) {
  TempDir dir;
  const TcpListener agent;
  const TcpListener backup_server;
  std::optional<TcpListener> share(std::in_place);
  const std::string config =
      dir.write("targets.yaml",
                "defaults: {timeout: 1s, interval: 1s}\nroles:\n"
                "  agent: {hosts: [127.0.0.1]}\n  backup_server: {hosts: [127.0.0.1]}\n"
                "  smb_share: {hosts: [127.0.0.1]}\nflows:\n" +
                    flow("agent-local", "agent", agent.port()) +
                    flow("to-backup-server", "backup_server", backup_server.port()) +
                    flow("to-share", "smb_share", share->port()));
  const std::string veeam = dir.write(
      "agent.xml", veeam_export_xml({{"Nightly to VBR", "Type='3' ServerName='127.0.0.1'"},
                                     {"To the share", "Type='2' Path='\\\\127.0.0.1\\backups'"},
                                     {"Local", "Type='1' DriveName='D:' RelativePath='B'"}}));
  ::chmod(veeam.c_str(), 0600);
  ExporterProcess exporter(
      dir, {"--config.file=" + config, "--role=agent", "--veeam.export-file=" + veeam,
            "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const std::string metrics = exporter.metrics();
  EXPECT_EQ(series(metrics, "veeam_job_info",
                   {"backup_job=\"Nightly to VBR\"", "target_type=\"backup_repository\""})
                .size(),
            1u)
      << metrics;
  EXPECT_EQ(
      series(metrics, "veeam_job_info", {"backup_job=\"Local\"", "target_type=\"local_disk\""})
          .size(),
      1u)
      << metrics;
  EXPECT_EQ(job_ready(metrics, "Nightly to VBR"), "1") << metrics;
  EXPECT_EQ(job_ready(metrics, "To the share"), "1") << metrics;
  EXPECT_EQ(job_ready(metrics, "Local"), "1") << metrics;
  EXPECT_NE(exporter.log().find("kind=needs detail=\"\\\"To the share\\\" (shared_folder): "
                                "agent-local, to-share\""),
            std::string::npos)
      << exporter.log();

  share.reset();  // the share's server stops listening
  EXPECT_TRUE(eventually([&] { return job_ready(exporter.metrics(), "To the share") == "0"; }, 10s))
      << exporter.metrics();
  EXPECT_EQ(job_ready(exporter.metrics(), "Nightly to VBR"), "1");
  // The landing page says the same, with the flow that is down.
  const std::string page = http_get(exporter.port(), "/").body;
  EXPECT_NE(page.find("<tr class=\"down\"><td>To the share</td><td>shared_folder</td><td><strong>"
                      "NOT READY</strong><br>down: to-share -&gt; 127.0.0.1</td>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<tr class=\"up\"><td>Nightly to VBR</td><td>backup_repository</td><td>"
                      "READY</td>"),
            std::string::npos)
      << page;
}

// `jobs:` settings without an export name no job: the log says so, where, and the exporter runs.
TEST(JobExporter, JobSettingsWithoutAnExportAreAWarning) {
  TempDir dir;
  const TcpListener agent;
  const std::string config = dir.write("targets.yaml",
                                       "defaults: {timeout: 1s, interval: 1s}\nroles:\n"
                                       "  agent: {hosts: [127.0.0.1]}\nflows:\n" +
                                           flow("agent-local", "agent", agent.port()) +
                                           "jobs:\n  Nightly: {preflight: 10m}\n");
  ExporterProcess exporter(
      dir, {"--config.file=" + config, "--role=agent", "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  EXPECT_NE(exporter.log().find("msg=\"Job settings unused\" backup_job=Nightly warning=\"" +
                                config + ":7:3: jobs: no Veeam Agent export is read"),
            std::string::npos)
      << exporter.log();
  EXPECT_EQ(series(exporter.metrics(), "veeam_flow_up", {"flow=\"agent-local\""}).size(), 1u);
}

// The exporter runs in TZ=Europe/Berlin (set here, inherited); the test computes each next
// run with the same core in the same zone, before and after the scrape.
TEST(JobExporter, NextRunOfAScheduledJobAndNoneForAManualOne) {
  const vpm::test::ScopedTimeZone berlin("Europe/Berlin");
  TempDir dir;
  const TcpListener agent;
  const std::string config = dir.write("targets.yaml",
                                       "defaults: {timeout: 1s, interval: 60s}\nroles:\n"
                                       "  agent: {hosts: [127.0.0.1]}\nflows:\n" +
                                           flow("agent-local", "agent", agent.port()));
  const std::string daily =
      "<ScheduleInfo RunManually='False'><DailyInfo Kind='1' Time='01/09/2019 22:00:00'/>"
      "</ScheduleInfo>";
  const std::string periodic =
      "<ScheduleInfo RunManually='False'><PeriodicallyInfo FullPeriod='4' Kind='Hours'/>"
      "</ScheduleInfo>";
  const std::string veeam = dir.write(
      "agent.xml",
      veeam_export_xml(
          {{"Nightly", "Type='1' DriveName='D:' RelativePath='A'", daily},
           {"Every 4 hours", "Type='1' DriveName='D:' RelativePath='B'", periodic},
           {"Manual", "Type='1' DriveName='D:' RelativePath='C'",
            "<ScheduleInfo RunManually='True'/>"},
           {"At lock", "Type='1' DriveName='D:' RelativePath='D'",
            "<ScheduleInfo AtLock='True' RunManually='False'/>"},
           {"Broken", "Type='1' DriveName='D:' RelativePath='E'",
            "<ScheduleInfo RunManually='False'><DailyInfo Kind='9' Time='22:00'/></ScheduleInfo>"},
           {"Unscheduled", "Type='1' DriveName='D:' RelativePath='F'"}}));
  ::chmod(veeam.c_str(), 0600);
  ExporterProcess exporter(
      dir, {"--config.file=" + config, "--role=agent", "--veeam.export-file=" + veeam,
            "--log.level=debug", "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();

  JobSchedule nightly;
  nightly.kind = ScheduleKind::kDaily;
  nightly.hour = 22;
  nightly.weekdays = 0b0111110;
  JobSchedule every_4_hours;
  every_4_hours.kind = ScheduleKind::kPeriodic;
  every_4_hours.every = std::chrono::hours(4);
  const SystemTimeZone zone;
  const auto seconds = [&](const JobSchedule& s, std::chrono::system_clock::time_point at) {
    return std::to_string(std::chrono::system_clock::to_time_t(*next_run(s, at, zone)));
  };
  std::string metrics;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a scrape on a 4-hour boundary: again
    const auto before = std::chrono::system_clock::now();
    metrics = exporter.metrics();
    const auto after = std::chrono::system_clock::now();
    if (seconds(every_4_hours, before) == seconds(every_4_hours, after)) break;
  }
  const auto next_of = [&](const std::string& job) {
    const std::vector<std::string> found =
        series(metrics, "veeam_job_next_run_timestamp_seconds", {"backup_job=\"" + job + "\""});
    return found.size() == 1 ? value_of(found.front()) : std::to_string(found.size()) + " series";
  };
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(next_of("Nightly"), seconds(nightly, now)) << metrics;
  EXPECT_EQ(next_of("Every 4 hours"), seconds(every_4_hours, now)) << metrics;
  for (const char* job : {"Manual", "At lock", "Broken", "Unscheduled"}) {
    EXPECT_EQ(next_of(job), "0 series") << job << "\n" << metrics;
  }
  EXPECT_EQ(series(metrics, "veeam_job_next_run_timestamp_seconds").size(), 2u);

  const std::string log = exporter.log();
  for (const std::string& expected :
       {std::string("backup_job=Manual reason=\"the job is started manually (RunManually)\""),
        std::string("backup_job=\"At lock\" reason=\"the job starts only on events (at lock, log "
                    "off or storage attach)\""),
        std::string("backup_job=Broken reason=\"its schedule is not known"),
        std::string("backup_job=Unscheduled reason=\"its schedule is not known"),
        std::string("agent.xml:22:"),
        std::string("job \\\"Broken\\\": ScheduleInfo not "
                    "understood (DailyInfo Kind=")}) {
    EXPECT_NE(log.find(expected), std::string::npos) << expected << "\n" << log;
  }
  EXPECT_EQ(log.find("backup_job=Nightly reason"), std::string::npos) << log;

  const char* promtool = "/usr/bin/promtool";
  if (::access(promtool, X_OK) == 0) {
    const std::string scraped = dir.write("scrape.txt", metrics);
    const auto check = vpm::test::run_command(std::string(promtool) + " check metrics < " +
                                              vpm::test::shell_quote(scraped));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(check.out + check.err, "");
  }
}

}  // namespace
}  // namespace vpm::exporter::test
