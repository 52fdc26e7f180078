// check_veeam_ports on the shipped config/targets.yaml plus a Veeam Agent export whose
// endpoints are loopback listeners (127.0.0.2 and up): the discovered hosts and the export's
// ServerPort are what gets probed, and judged; an agent that backs up to local disks only has
// its flows to the backup server and the share skipped, with the note. Loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

#include "support/loopback.h"
#include "support/subprocess.h"
#include "support/veeam_export_xml.h"

namespace vpm::test {
namespace {

constexpr int kCritical = 2;
constexpr int kUnknown = 3;
const std::string kShipped = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";

class TempExport {
 public:
  explicit TempExport(const std::string& xml) {
    static std::atomic<int> counter{0};
    path_ = ::testing::TempDir() + "vpm-export-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++) + ".xml";
    std::ofstream(path_) << xml;
    ::chmod(path_.c_str(), 0600);  // as an export holding credentials should be
  }
  ~TempExport() { std::remove(path_.c_str()); }
  TempExport(const TempExport&) = delete;
  TempExport& operator=(const TempExport&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CommandResult check(const std::string& args) {
  return run_command(
      shell_quote(CHECK_VEEAM_PORTS_BIN) + " --config " + shell_quote(kShipped) + " " + args,
      std::chrono::seconds(60));
}

bool has(const std::string& out, const std::string& text) {
  return out.find(text) != std::string::npos;
}

TEST(DiscoveryCheck, ProbesTheDiscoveredEndpointsAndServerPort) {
  const TcpListener backup_server(2);  // 127.0.0.2:<ServerPort>
  const std::string server_port = std::to_string(backup_server.port());
  const std::string gateway_port = std::to_string(closed_tcp_port());
  const TempExport veeam(veeam_export_xml({
      {"To the backup server", "Type='3' ServerName='127.0.0.2' ServerPort='" + server_port +
                                   "' RemoteRepositoryName='Default Backup Repository'"},
      {"To the share", "Type='2' Path='\\\\127.0.0.3\\backups\\agents'"},
      {"To the cloud",
       "Type='4' ServerName='127.0.0.4' ServerPort='6180' "
       "RemoteRepositoryName='Cloud' GateList='127.0.0.4:" +
           gateway_port + "'"},
  }));
  const CommandResult r = check("--role agent --veeam-export " + shell_quote(veeam.path()));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, kCritical) << r.out;  // the shipped loopback roles have no services
  // ServerPort, on the discovered host, open: OK.
  EXPECT_TRUE(has(r.out, "[OK] agent-to-backup-server-port-" + server_port +
                             " -> 127.0.0.2 (127.0.0.2) tcp expect open: 1 open"))
      << r.out;
  // The catalogue's 10005 is not probed there: this agent talks to ServerPort.
  EXPECT_FALSE(has(r.out, "] agent-to-backup-server -> ")) << r.out;
  // The other flows to the backup server go to the discovered host.
  EXPECT_TRUE(has(r.out, "agent-to-backup-server-identity -> 127.0.0.2 (127.0.0.2) tcp")) << r.out;
  // The share's server from the UNC path: nothing listens on 127.0.0.3:139/445.
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(\[CRITICAL\] agent-to-smb-share -> 127\.0\.0\.3 \(127\.0\.0\.3\) tcp)")))
      << r.out;
  // The gateway with its own port, refused: CRITICAL, named.
  EXPECT_TRUE(has(r.out, "[CRITICAL] agent-to-cloud-gateway-port-" + gateway_port +
                             " -> 127.0.0.4 (127.0.0.4) tcp expect open: 1 refused"))
      << r.out;
  EXPECT_FALSE(has(r.out, "-> 127.0.0.1 (127.0.0.1) tcp expect open: 1 open")) << r.out;

  const CommandResult listing =
      check("--veeam-export " + shell_quote(veeam.path()) + " --print-discovery");
  EXPECT_EQ(listing.exit_code, 0) << listing.out;
  EXPECT_TRUE(has(listing.out,
                  "role backup_server: 127.0.0.2 (from the export; replaces the "
                  "shipped default 127.0.0.1)\n"))
      << listing.out;
  EXPECT_TRUE(has(listing.out, "port backup_server 127.0.0.2: port " + server_port +
                                   " (from the export) differs from the catalogue's 10005"))
      << listing.out;
  EXPECT_TRUE(has(listing.out, "role smb_share: 127.0.0.3 ")) << listing.out;
  EXPECT_FALSE(has(listing.out, "readable by every user")) << listing.out;
}

TEST(DiscoveryCheck, LocalDiskOnlyAgentSkipsTheBackupServerAndTheShare) {
  const TempExport veeam(veeam_export_xml({
      {"Local disk", "Type='1' DriveName='D:' RelativePath='VeeamBackup'"},
  }));
  const CommandResult r = check("--role agent --veeam-export " + shell_quote(veeam.path()));
  EXPECT_FALSE(r.timed_out);
  for (const char* flow :
       {"agent-to-backup-server", "agent-to-backup-server-identity", "agent-to-smb-share",
        "agent-to-smb-share-nbns", "agent-to-cloud-gateway"}) {
    EXPECT_TRUE(has(r.out, "[discovery] flow " + std::string(flow) +
                               ": skipped: not used by this agent's backup jobs"))
        << flow << "\n"
        << r.out;
    EXPECT_FALSE(has(r.out, "] " + std::string(flow) + " -> ")) << flow << "\n" << r.out;
  }
  // Not a backup target: still probed.
  EXPECT_TRUE(has(r.out, "] agent-components-service -> 127.0.0.1")) << r.out;

  // From the backup server, the agent's skipped flows and its jobs are not this run's: no
  // note about them, even at -v.
  const CommandResult server =
      check("--role backup_server -v -t 1 --veeam-export " + shell_quote(veeam.path()));
  EXPECT_FALSE(server.timed_out);
  EXPECT_FALSE(has(server.out, "[discovery] flow agent-")) << server.out;
  EXPECT_FALSE(has(server.out, "[discovery] needs ")) << server.out;
  EXPECT_FALSE(has(server.out, "[discovery] job ")) << server.out;
  EXPECT_TRUE(has(server.out, "] backup-server-to-agent")) << server.out;
}

TEST(DiscoveryCheck, TargetFileKeyNamesTheExportRelativeToItself) {
  const TcpListener backup_server(2);
  const std::string dir = ::testing::TempDir() + "vpm-discover-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  {
    std::ofstream(dir + "/agent.xml")
        << veeam_export_xml({{"B", "Type='3' ServerName='127.0.0.2' ServerPort='" +
                                       std::to_string(backup_server.port()) + "'"}});
    std::ifstream shipped(kShipped);
    std::ofstream config(dir + "/targets.yaml");
    config << shipped.rdbuf() << "\ndiscover: {veeam_agent_export: agent.xml}\n";
  }
  const CommandResult r = run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " --config " +
                                      shell_quote(dir + "/targets.yaml") + " --print-discovery");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "role backup_server: 127.0.0.2 ")) << r.out;
  std::remove((dir + "/agent.xml").c_str());
  std::remove((dir + "/targets.yaml").c_str());
  ::rmdir(dir.c_str());
}

TEST(DiscoveryCheck, MalformedExportIsUnknownWithFileLineAndColumn) {
  const TempExport veeam(
      "<?xml version='1.0'?>\n<ExecutionResult ExitCode='0'>\n  <Data>\n    <JobInfo>\n"
      "  </Data>\n</ExecutionResult>\n");
  const CommandResult r = check("--role agent --veeam-export " + shell_quote(veeam.path()));
  EXPECT_EQ(r.exit_code, kUnknown) << r.out;
  EXPECT_EQ(r.out.rfind("VEEAM PORTS UNKNOWN - " + veeam.path() + ":5:", 0), 0u) << r.out;
  const CommandResult missing = check("--role agent --veeam-export /nonexistent/agent.xml");
  EXPECT_EQ(missing.exit_code, kUnknown) << missing.out;
  EXPECT_TRUE(has(missing.out, "/nonexistent/agent.xml")) << missing.out;
}

}  // namespace
}  // namespace vpm::test
