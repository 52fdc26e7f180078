// The cross-built Windows binaries, run under Wine on this Linux machine (issue 8):
// check_veeam_ports.exe against real sockets on 127.0.0.1 (Wine's loopback is the host's),
// and the cross-built unit tests. Skipped, saying why, when Wine or the cross build is absent;
// scripts/windows-build-and-test.sh makes both.
//
// VPM_WINDOWS_BUILD_DIR (environment) overrides where the cross build is looked for.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "support/loopback.h"
#include "support/subprocess.h"
#include "support/veeam_export_xml.h"
#include "wine_support.h"

namespace vpm::test {
namespace {

namespace fs = std::filesystem;

// A file in the test temp folder named for this process, so two runs at once do not collide.
std::string test_file(const std::string& stem, const std::string& extension) {
  return ::testing::TempDir() + stem + "-" + std::to_string(::getpid()) + "." + extension;
}

constexpr int kOk = 0;
constexpr int kCritical = 2;
constexpr int kUnknown = 3;

class WineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wine_ = wine_program();
    if (wine_.empty()) GTEST_SKIP() << "Wine is not installed (Debian package wine64)";
    check_ = windows_build_dir() + "/nagios/check_veeam_ports.exe";
    if (!fs::exists(check_)) {
      GTEST_SKIP() << "no cross build: " << check_
                   << " is missing (scripts/windows-build-and-test.sh builds it)";
    }
  }

  // Runs a Windows program under Wine with the cross build's own Wine prefix.
  CommandResult wine(const std::string& program, const std::string& args,
                     std::chrono::seconds limit = std::chrono::seconds(120)) const {
    return run_command("WINEPREFIX=" + shell_quote(wine_prefix()) + " WINEDEBUG=-all " +
                           shell_quote(wine_) + " " + shell_quote(program) + " " + args,
                       limit);
  }
  CommandResult check(const std::string& args) const { return wine(check_, args); }

  std::string wine_;
  std::string check_;
};

std::string first_line(const std::string& out) { return out.substr(0, out.find('\n')); }

TEST_F(WineTest, OpenPortIsOk) {
  TcpListener listener;
  const CommandResult r = check("-H 127.0.0.1 -p " + std::to_string(listener.port()));
  EXPECT_EQ(r.exit_code, kOk) << r.out << r.err;
  EXPECT_EQ(first_line(r.out).rfind("VEEAM PORTS OK - 1 flow OK", 0), 0U) << r.out;
}

TEST_F(WineTest, RefusedPortIsCritical) {
  const std::string port = std::to_string(closed_tcp_port());
  const CommandResult r = check("-H 127.0.0.1 -p " + port + " -t 5");
  EXPECT_EQ(r.exit_code, kCritical) << r.out << r.err;
  // refused, not filtered: the refusal came back through select()'s except set.
  EXPECT_EQ(
      first_line(r.out).rfind("VEEAM PORTS CRITICAL - adhoc 127.0.0.1 tcp/" + port + " refused", 0),
      0U)
      << r.out;
}

TEST_F(WineTest, ClosedUdpPortIsRefused) {
  const std::string port = std::to_string(closed_udp_port());
  const CommandResult r = check("-H 127.0.0.1 --udp -t 1 -p " + port);
  EXPECT_EQ(r.exit_code, kCritical) << r.out << r.err;
  EXPECT_NE(first_line(r.out).find("udp/" + port + " refused"), std::string::npos) << r.out;
}

TEST_F(WineTest, BadConfigIsUnknown) {
  const std::string bad = test_file("vpm-wine-bad-config", "yaml");
  std::ofstream(bad) << "flows: [this is not a flow]\n";
  const CommandResult r = check("--config " + shell_quote("Z:" + bad));
  std::remove(bad.c_str());
  EXPECT_EQ(r.exit_code, kUnknown) << r.out << r.err;
  EXPECT_EQ(first_line(r.out).rfind("VEEAM PORTS UNKNOWN - ", 0), 0U) << r.out;

  const CommandResult missing = check("--config Z:/nonexistent/targets.yaml");
  EXPECT_EQ(missing.exit_code, kUnknown) << missing.out << missing.err;
}

// Veeam Agent's export, as the Windows README has it: the discovered backup server is probed
// on the export's ServerPort, a local-disk job's unused flows are skipped, a broken export is
// UNKNOWN with file:line:col.
TEST_F(WineTest, ReadsAVeeamAgentExport) {
  const TcpListener backup_server(2);
  const std::string port = std::to_string(backup_server.port());
  const std::string path = test_file("vpm-wine-export", "xml");
  std::ofstream(path) << veeam_export_xml(
      {{"To the backup server", "Type='3' ServerName='127.0.0.2' ServerPort='" + port + "'"},
       {"Local", "Type='1' DriveName='D:' RelativePath='VeeamBackup'"}});
  const std::string config = shell_quote("Z:" VPM_SOURCE_DIR "/config/targets.yaml");
  const CommandResult r =
      check("--config " + config + " --role agent --veeam-export " + shell_quote("Z:" + path));
  EXPECT_NE(r.out.find("[OK] agent-to-backup-server-port-" + port +
                       " -> 127.0.0.2 (127.0.0.2) tcp expect open: 1 open"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("[discovery] flow agent-to-smb-share: skipped: not used by this agent's "
                       "backup jobs"),
            std::string::npos)
      << r.out;

  std::ofstream(path) << "<?xml version='1.0'?>\n<ExecutionResult>\n<Data>\n</ExecutionResult>\n";
  const CommandResult broken =
      check("--config " + config + " --role agent --veeam-export " + shell_quote("Z:" + path));
  std::remove(path.c_str());
  EXPECT_EQ(broken.exit_code, kUnknown) << broken.out << broken.err;
  EXPECT_NE(first_line(broken.out).find(fs::path(path).filename().string() + ":4:"),
            std::string::npos)
      << broken.out;
}

// --job on Windows: the job's flows only, its READY line, and an unknown job named with the
// jobs there are. The backup server listens on its ServerPort; nothing of the agent's own
// components listens here, so the job is NOT READY for exactly those.
TEST_F(WineTest, ChecksOneJobOfTheExport) {
  const TcpListener backup_server(2);
  const std::string port = std::to_string(backup_server.port());
  const std::string path = test_file("vpm-wine-job-export", "xml");
  std::ofstream(path) << veeam_export_xml(
      {{"Nightly to VBR", "Type='3' ServerName='127.0.0.2' ServerPort='" + port + "'"}});
  const std::string args = "--config " + shell_quote("Z:" VPM_SOURCE_DIR "/config/targets.yaml") +
                           " --role agent -t 0.5 --veeam-export " + shell_quote("Z:" + path);
  const CommandResult r = check(args + " --job " + shell_quote("Nightly to VBR"));
  EXPECT_EQ(r.exit_code, kCritical) << r.out << r.err;
  EXPECT_NE(r.out.find("\njob \"Nightly to VBR\" (backup_repository): NOT READY: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  failing: agent-local-service -> 127.0.0.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[OK] agent-to-backup-server-port-" + port + " -> 127.0.0.2"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("] agent-to-smtp -> "), std::string::npos) << r.out;  // not the job's

  const CommandResult unknown = check(args + " --job Weekly");
  std::remove(path.c_str());
  EXPECT_EQ(unknown.exit_code, kUnknown) << unknown.out << unknown.err;
  EXPECT_EQ(
      first_line(unknown.out)
          .rfind("VEEAM PORTS UNKNOWN - no job \"Weekly\" in the Veeam Agent export; its jobs: "
                 "\"Nightly to VBR\"",
                 0),
      0U)
      << unknown.out;
}

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The measured values (latency, duration, when the run ended) differ between two runs.
std::string without_timings(const std::string& text) {
  static const std::regex timing(
      "^(veeam_flow_(latency_seconds|run_duration_seconds|last_run_timestamp_seconds)\\{[^}]*\\}) "
      "[^\n]*$",
      std::regex::multiline);
  return std::regex_replace(text, timing, "$1 X");
}

// --textfile under Wine: the file the Windows check writes (through MoveFileExW) is byte for
// byte what the Linux check writes for the same ports (LF line ends, no BOM), timings aside; a
// folder that does not exist is UNKNOWN, naming the flag and the path.
TEST_F(WineTest, WritesTheTextfileAsTheLinuxCheckDoes) {
  const TcpListener listener;
  const std::string ports =
      std::to_string(listener.port()) + "," + std::to_string(closed_tcp_port());
  const std::string windows_file = test_file("vpm-wine-textfile", "prom");
  const std::string linux_file = test_file("vpm-linux-textfile", "prom");
  std::remove(windows_file.c_str());
  const std::string args = "-H 127.0.0.1 -t 5 -p " + ports + " --textfile ";
  const CommandResult windows = check(args + shell_quote("Z:" + windows_file));
  EXPECT_EQ(windows.exit_code, kCritical) << windows.out << windows.err;
  const CommandResult native =
      run_command(shell_quote(VPM_NATIVE_CHECK) + " " + args + shell_quote(linux_file),
                  std::chrono::seconds(60));
  EXPECT_EQ(native.exit_code, kCritical) << native.out << native.err;
  const std::string written = read_binary(windows_file);
  const std::string expected = read_binary(linux_file);
  std::remove(windows_file.c_str());
  std::remove(linux_file.c_str());
  ASSERT_FALSE(written.empty()) << "no file written: " << windows.out;
  EXPECT_EQ(written.find('\r'), std::string::npos);
  EXPECT_EQ(written.back(), '\n');
  EXPECT_EQ(without_timings(written), without_timings(expected));
  EXPECT_NE(written.find("veeam_flow_up{flow=\"adhoc\",from=\"local\",to=\"target\",target="
                         "\"127.0.0.1\",protocol=\"tcp\"} 0\n"),
            std::string::npos)
      << written;

  const CommandResult missing = check("-H 127.0.0.1 -p " + std::to_string(listener.port()) +
                                      " --textfile Z:/nonexistent/veeam.prom");
  EXPECT_EQ(missing.exit_code, kUnknown) << missing.out << missing.err;
  EXPECT_EQ(
      first_line(missing.out)
          .rfind("VEEAM PORTS UNKNOWN - --textfile Z:/nonexistent/veeam.prom: cannot create ", 0),
      0U)
      << missing.out;
}

// The rules the Windows README tells to paste: the same as the Linux build's golden file.
TEST_F(WineTest, PrintsThePowerShellFirewallRules) {
  const CommandResult r =
      check("--config " + shell_quote("Z:" VPM_SOURCE_DIR "/config/targets.yaml") +
            " --role agent --print-firewall-rules powershell");
  EXPECT_EQ(r.exit_code, kOk) << r.out << r.err;
  std::string out = r.out;
  std::erase(out, '\r');  // the C runtime writes CRLF to a text-mode stdout
  std::ifstream golden(VPM_SOURCE_DIR "/tests/golden/firewall_agent.ps1", std::ios::binary);
  const std::string expected((std::istreambuf_iterator<char>(golden)),
                             std::istreambuf_iterator<char>());
  EXPECT_EQ(out, expected);
}

TEST_F(WineTest, CrossBuiltUnitTestsPass) {
  const std::string tests = windows_build_dir() + "/tests/windows/vpm_windows_tests.exe";
  if (!fs::exists(tests)) GTEST_SKIP() << tests << " is missing";
  const CommandResult r = wine(tests, "--gtest_brief=1 --gtest_filter=" VPM_WINE_TEST_EXCLUSIONS,
                               std::chrono::seconds(600));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[  PASSED  ]"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vpm::test
