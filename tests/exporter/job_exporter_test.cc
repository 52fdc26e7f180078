// veeam_port_exporter with a Veeam Agent export: veeam_job_info and veeam_job_ready for each
// job, from the flows each needs; a listener of one job's flow closes and only that job turns
// not ready. Loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "exporter_process.h"
#include "support/loopback.h"
#include "support/veeam_export_xml.h"

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
}

}  // namespace
}  // namespace vpm::exporter::test
