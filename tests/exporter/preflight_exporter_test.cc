// veeam_port_exporter with a Veeam Agent export whose job starts in a few minutes: the
// pre-flight runs at once (inside its 30-minute lead), probes every port of the job's sampled
// flows (the whole 2500-3300 range and a few real listeners on loopback), and /metrics shows
// veeam_job_preflight_ok 1 with that port count; with one listener closed, an exporter started
// again reports 0. The target file's `jobs:` turns one job's pre-flight off and warns about an
// entry that names no job of the export. Loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "exporter_process.h"
#include "support/loopback.h"
#include "support/veeam_export_xml.h"
#include "vpm/job_schedule.h"

namespace vpm::exporter::test {
namespace {

using namespace std::chrono_literals;
using vpm::test::TcpListener;
using vpm::test::veeam_export_xml;

std::string job_gauge(const std::string& metrics, const std::string& family,
                      const std::string& job) {
  const std::vector<std::string> found = series(metrics, family, {"backup_job=\"" + job + "\""});
  return found.empty() ? "" : value_of(found.front());
}

// An everyday schedule at the local wall time `in` from now, to the minute (the exporter runs
// in this process's time zone).
std::string everyday_in(std::chrono::minutes in) {
  const LocalDateTime at = SystemTimeZone().to_local(std::chrono::system_clock::now() + in);
  char time[8];
  std::snprintf(time, sizeof time, "%02d:%02d", at.hour, at.minute);
  return std::string("<ScheduleInfo RunManually='False'><DailyInfo Kind='0' Time='") + time +
         "'/></ScheduleInfo>";
}

// /metrics once the job's pre-flight has ended; empty when it has not within 20 s (the whole
// plan on loopback takes well under a second).
std::string metrics_after_preflight(const ExporterProcess& exporter) {
  std::string metrics;
  const bool ended = eventually(
      [&] {
        metrics = exporter.metrics();
        return !job_gauge(metrics, "veeam_job_preflight_ok", "Nightly to VBR").empty();
      },
      20s);
  return ended ? metrics : "";
}

class PreflightExporter : public ::testing::Test {
 protected:
  // The job's flows: the agent's own port, the repository's range (nothing listens there on
  // loopback: refused passes `reachable`), and `listening`, each sampled.
  void write_files(const std::string& listening) {
    config_ = dir_.write(
        "targets.yaml",
        "defaults: {timeout: 1s, interval: 1m}\nroles:\n"
        "  agent: {hosts: [127.0.0.1]}\n  backup_server: {hosts: [127.0.0.1]}\nflows:\n"
        "  - {name: agent-local, from: agent, to: agent, ports: [" +
            std::to_string(agent_.port()) +
            "]}\n"
            "  - {name: repo-range, from: agent, to: backup_server, expect: reachable, sample: 10,"
            " ports: [2500-3300]}\n"
            "  - {name: repo-listeners, from: agent, to: backup_server, sample: 1, ports: [" +
            listening +
            "]}\n"
            "jobs:\n  Weekly: {preflight: 0}\n  Old job: {preflight: 10m}\n");
    export_ = dir_.write(
        "agent.xml",
        veeam_export_xml({{"Nightly to VBR", "Type='3' ServerName='127.0.0.1'", everyday_in(5min)},
                          {"Weekly", "Type='3' ServerName='127.0.0.1'", everyday_in(5min)}}));
    ::chmod(export_.c_str(), 0600);
  }

  std::vector<std::string> flags() const {
    return {"--config.file=" + config_, "--role=agent", "--veeam.export-file=" + export_,
            "--web.listen-address=127.0.0.1:0"};
  }

  TempDir dir_;
  TcpListener agent_;
  std::string config_;
  std::string export_;
};

TEST_F(PreflightExporter, ProbesTheWholeRangesBeforeTheStartAndFailsOnAClosedPort) {
  const TcpListener a;
  const TcpListener b;
  std::optional<TcpListener> c(std::in_place);
  write_files(std::to_string(a.port()) + ", " + std::to_string(b.port()) + ", " +
              std::to_string(c->port()));
  constexpr int kPorts = 1 + 801 + 3;  // every port of every flow the job needs, on one host
  {
    ExporterProcess exporter(dir_, flags());
    ASSERT_NE(exporter.port(), 0) << exporter.log();
    const std::string metrics = metrics_after_preflight(exporter);
    ASSERT_FALSE(metrics.empty()) << exporter.log();
    EXPECT_EQ(job_gauge(metrics, "veeam_job_preflight_ok", "Nightly to VBR"), "1") << metrics;
    EXPECT_EQ(job_gauge(metrics, "veeam_job_preflight_ports", "Nightly to VBR"),
              std::to_string(kPorts));
    EXPECT_FALSE(
        job_gauge(metrics, "veeam_job_preflight_timestamp_seconds", "Nightly to VBR").empty());
    EXPECT_EQ(job_gauge(metrics, "veeam_job_preflight_ok", "Weekly"), "");  // preflight: 0
    const std::string log = exporter.log();
    EXPECT_NE(log.find("msg=\"Pre-flight started\" backup_job=\"Nightly to VBR\""),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("msg=\"Pre-flight passed\" backup_job=\"Nightly to VBR\" ports=" +
                       std::to_string(kPorts)),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("jobs: no job \\\"Old job\\\""), std::string::npos) << log;
  }

  const std::uint16_t closed = c->port();
  c.reset();  // one listener stops: the pre-flight of an exporter started again must fail
  ExporterProcess again(dir_, flags());
  ASSERT_NE(again.port(), 0) << again.log();
  const std::string metrics = metrics_after_preflight(again);
  ASSERT_FALSE(metrics.empty()) << again.log();
  EXPECT_EQ(job_gauge(metrics, "veeam_job_preflight_ok", "Nightly to VBR"), "0") << metrics;
  EXPECT_EQ(job_gauge(metrics, "veeam_job_preflight_ports", "Nightly to VBR"),
            std::to_string(kPorts));
  EXPECT_NE(again.log().find("repo-listeners -> 127.0.0.1 port " + std::to_string(closed) +
                             "/tcp refused"),
            std::string::npos)
      << again.log();
}

}  // namespace
}  // namespace vpm::exporter::test
