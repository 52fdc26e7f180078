// No byte of a credential of a Veeam Agent export reaches any output: the check (-v -v, the
// discovery listing, both firewall formats, the errors of broken exports), the exporter (its
// log at debug level, /metrics, the landing page, --config.check, reloads of broken exports).
// Every fixture of tests/veeam_exports goes through every path; their passwords and user names
// (README.md lists them, base64 and decoded) must appear nowhere. The programs run in a network
// namespace of the test's own: the fixtures' host names (example domains) are looked up, and
// those lookups must not leave the machine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "exporter_process.h"
#include "support/netns.h"
#include "support/subprocess.h"
#include "support/veeam_export_xml.h"

namespace vpm::exporter::test {
namespace {

using vpm::test::run_command;
using vpm::test::shell_quote;

const std::string kFixtures = std::string(VPM_SOURCE_DIR) + "/tests/veeam_exports";
const std::string kShipped = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The `quoted` values of the README's credentials table: base64 and decoded, passwords and
// user names.
std::vector<std::string> fixture_secrets() {
  std::vector<std::string> secrets;
  std::istringstream lines(read_file(kFixtures + "/README.md"));
  static const std::regex value("`([^`]+)`");
  bool in_table = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| file | Password", 0) == 0) in_table = true;
    if (!in_table || line.rfind("| ", 0) != 0) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), value);
         it != std::sregex_iterator(); ++it) {
      secrets.push_back((*it)[1]);
    }
  }
  secrets.push_back(vpm::test::kLoopbackExportPassword);
  secrets.push_back(vpm::test::kLoopbackExportPasswordDecoded);
  return secrets;
}

std::vector<std::string> fixture_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kFixtures)) {
    if (entry.path().extension() == ".xml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ExportSecrets, NoOutputPathShowsACredentialOfAnyFixture) {
  vpm::test::TestNetns ns;
  if (!ns.ok()) GTEST_SKIP() << ns.why();
  const std::vector<std::string> secrets = fixture_secrets();
  ASSERT_GE(secrets.size(), 90u) << "the README's credentials table was not found";
  const std::vector<std::string> fixtures = fixture_files();
  ASSERT_GE(fixtures.size(), 20u);
  TempDir dir;
  std::string seen;  // every byte any program wrote

  const std::string check = ns.exec_prefix() + shell_quote(CHECK_VEEAM_PORTS_BIN) + " --config " +
                            shell_quote(kShipped) + " ";
  for (const std::string& fixture : fixtures) {
    const std::string veeam = "--veeam-export " + shell_quote(fixture);
    for (const std::string& args :
         {"--role agent -v -v -t 0.2 " + veeam, "--print-discovery " + veeam,
          "--role agent --print-firewall-rules powershell " + veeam,
          "--role agent --print-firewall-rules nftables " + veeam,
          "--role backup_server --print-firewall-rules nftables " + veeam}) {
      const vpm::test::CommandResult r =
          run_command(check + args + " 2>&1", std::chrono::seconds(60));
      EXPECT_FALSE(r.timed_out) << args;
      seen += r.out + r.err;
    }
    const vpm::test::CommandResult config_check =
        run_command(ns.exec_prefix() + shell_quote(VEEAM_PORT_EXPORTER_BIN) + " --config.file=" +
                        shell_quote(kShipped) + " --veeam.export-file=" + shell_quote(fixture) +
                        " --config.check --log.level=debug 2>&1",
                    std::chrono::seconds(30));
    seen += config_check.out;
  }

  // The exporter, in the namespace, reloading each fixture in turn.
  const std::string export_path = dir.write("agent.xml", read_file(kFixtures + "/all_types.xml"));
  {
    ExporterProcess exporter(
        dir,
        {"--config.file=" + kShipped, "--role=agent", "--veeam.export-file=" + export_path,
         "--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle", "--log.level=debug"},
        true, {"/usr/bin/nsenter", "--net=/var/run/netns/" + ns.name()});
    ASSERT_NE(exporter.port(), 0) << exporter.log();
    for (const std::string& fixture : fixtures) {
      dir.write("agent.xml", read_file(fixture));
      ns.run_inside([&] {
        HttpRequest post;
        post.method = "POST";
        post.path = "/-/reload";
        const HttpResponse reloaded = http_request(exporter.port(), post);
        seen += reloaded.headers + reloaded.body;
        seen += http_get(exporter.port(), "/metrics").body;
        seen += http_get(exporter.port(), "/").body;
      });
    }
    seen += exporter.log();
  }

  // What was collected is the real thing: discovered hosts, and errors with their places.
  EXPECT_NE(seen.find("vbr01.corp.example"), std::string::npos);
  EXPECT_NE(seen.find("veeam_flow_up{"), std::string::npos);
  EXPECT_TRUE(std::regex_search(seen, std::regex("mismatched_tag\\.xml:[0-9]+:[0-9]+: ")));
  EXPECT_NE(seen.find("Error reloading config"), std::string::npos);
  EXPECT_NE(seen.find("level=debug"), std::string::npos);
  for (const std::string& secret : secrets) {
    const std::size_t at = seen.find(secret);
    EXPECT_EQ(at, std::string::npos)
        << "\"" << secret << "\" appears: ..."
        << (at == std::string::npos ? "" : seen.substr(at < 200 ? 0 : at - 200, 400));
  }
}

}  // namespace
}  // namespace vpm::exporter::test
