// veeam_port_exporter on the shipped config/targets.yaml with --veeam.export-file: the
// export's loopback endpoints are probed, a changed export is read again without a signal, a
// broken one keeps the last good flows and sets the reload-failed metric, and a broken one at
// start stops the exporter with file:line:col. Loopback only.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <regex>
#include <string>
#include <thread>

#include "exporter_process.h"
#include "support/loopback.h"
#include "support/veeam_export_xml.h"

namespace vpm::exporter::test {
namespace {

using vpm::test::TcpListener;
using vpm::test::veeam_export_xml;

const std::string kShipped = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";

std::string backup_server_export(std::uint16_t port) {
  return veeam_export_xml({{"To the backup server",
                            "Type='3' ServerName='127.0.0.2' "
                            "ServerPort='" +
                                std::to_string(port) + "'"}});
}

std::string flow_up(const std::string& metrics, const std::string& flow) {
  const std::vector<std::string> found =
      series(metrics, "veeam_flow_up", {"flow=\"" + flow + "\""});
  return found.empty() ? "" : value_of(found.front());
}

std::string reload_successful(const std::string& metrics) {
  return value_of(series(metrics, "veeam_port_exporter_config_last_reload_successful").at(0));
}

TEST(DiscoveryExporter, ProbesTheExportAndReadsItAgainWhenItChanges) {
  TempDir dir;
  const TcpListener first(2);
  const TcpListener second(2);
  const std::string first_flow = "agent-to-backup-server-port-" + std::to_string(first.port());
  const std::string second_flow = "agent-to-backup-server-port-" + std::to_string(second.port());
  const std::string export_path = dir.write("agent.xml", backup_server_export(first.port()));
  ::chmod(export_path.c_str(), 0600);
  ExporterProcess exporter(
      dir, {"--config.file=" + kShipped, "--role=agent", "--veeam.export-file=" + export_path,
            "--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const std::string metrics = exporter.metrics();
  EXPECT_EQ(flow_up(metrics, first_flow), "1") << metrics;
  EXPECT_EQ(flow_up(metrics, "agent-to-backup-server"), "");  // 10005 is not this agent's port
  EXPECT_NE(exporter.log().find("detail=\"backup_server: 127.0.0.2 (from the export; replaces "
                                "the shipped default 127.0.0.1)\""),
            std::string::npos)
      << exporter.log();

  // The agent's jobs change: no signal, the exporter notices the file.
  dir.write("agent.xml", backup_server_export(second.port()));
  EXPECT_TRUE(eventually([&] { return flow_up(exporter.metrics(), second_flow) == "1"; }, 10s))
      << exporter.log();
  EXPECT_EQ(flow_up(exporter.metrics(), first_flow), "");
  EXPECT_NE(exporter.log().find("trigger=export_change"), std::string::npos) << exporter.log();

  // A broken export: the last good flows stay, the reload-failed metric says so.
  dir.write("agent.xml",
            "<?xml version='1.0'?>\n<ExecutionResult>\n  <Data>\n</ExecutionResult>\n");
  EXPECT_TRUE(eventually([&] { return reload_successful(exporter.metrics()) == "0"; }, 10s))
      << exporter.log();
  EXPECT_EQ(flow_up(exporter.metrics(), second_flow), "1");
  EXPECT_TRUE(std::regex_search(
      exporter.log(), std::regex("Error reloading config.*err=\"" + export_path + ":4:[0-9]+: ")))
      << exporter.log();
  exporter.process().signal(SIGHUP);  // still broken: still the last good flows
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(reload_successful(exporter.metrics()), "0");
  EXPECT_EQ(flow_up(exporter.metrics(), second_flow), "1");

  // Fixed, and reloaded by POST /-/reload.
  dir.write("agent.xml", backup_server_export(first.port()));
  HttpRequest post;
  post.method = "POST";
  post.path = "/-/reload";
  const HttpResponse reloaded = http_request(exporter.port(), post);
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(reload_successful(exporter.metrics()), "1");
  EXPECT_TRUE(eventually([&] { return flow_up(exporter.metrics(), first_flow) == "1"; }, 10s));
}

TEST(DiscoveryExporter, BrokenExportStopsTheStartAndConfigCheckListsDiscovery) {
  TempDir dir;
  const std::string broken =
      dir.write("broken.xml", "<?xml version='1.0'?>\n<ExecutionResult>\n<Data><JobInfo>\n");
  ChildProcess start({VEEAM_PORT_EXPORTER_BIN, "--config.file=" + kShipped,
                      "--veeam.export-file=" + broken, "--web.listen-address=127.0.0.1:0"},
                     dir.file("start.out"), dir.file("start.err"));
  EXPECT_EQ(start.wait_exit(10s), 1);
  EXPECT_TRUE(std::regex_search(read_text_file(dir.file("start.err")),
                                std::regex("err=\"" + broken + ":[0-9]+:[0-9]+: ")))
      << read_text_file(dir.file("start.err"));

  const TcpListener server(2);
  const std::string good = dir.write("good.xml", backup_server_export(server.port()));
  ::chmod(good.c_str(), 0644);
  ChildProcess check({VEEAM_PORT_EXPORTER_BIN, "--config.file=" + kShipped,
                      "--veeam.export-file=" + good, "--config.check"},
                     dir.file("check.out"), dir.file("check.err"));
  EXPECT_EQ(check.wait_exit(10s), 0);
  const std::string log = read_text_file(dir.file("check.err"));
  EXPECT_NE(log.find("kind=role detail=\"backup_server: 127.0.0.2 "), std::string::npos) << log;
  EXPECT_NE(
      log.find("kind=port detail=\"backup_server 127.0.0.2: port " + std::to_string(server.port())),
      std::string::npos)
      << log;
  EXPECT_NE(log.find("kind=flow detail=\"agent-to-smb-share: skipped: not used by this agent's "
                     "backup jobs"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("readable by every user"), std::string::npos) << log;  // mode 0644
}

}  // namespace
}  // namespace vpm::exporter::test
