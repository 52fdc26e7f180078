// The built check_veeam_ports on the shipped config/targets.yaml, run from the repository root
// as README shows: each vantage point gives a real verdict quickly, and --print-firewall-rules
// prints the golden files. Every probe goes to 127.0.0.1, checked before anything runs.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/network_rule.h"
#include "support/subprocess.h"
#include "vpm/config.h"

namespace vpm::test {
namespace {

constexpr int kOk = 0;
constexpr int kCritical = 2;
constexpr int kUnknown = 3;

const std::string kSourceDir = VPM_SOURCE_DIR;

// `args` run from the repository root, as README's commands are.
CommandResult check_in_repository(const std::string& args) {
  return run_command(
      "cd " + shell_quote(kSourceDir) + " && " + shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + args,
      std::chrono::seconds(30));
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

class VantagePointTest : public testing::TestWithParam<std::string> {};

TEST_P(VantagePointTest, ShippedConfigGivesAVerdictQuickly) {
  const std::string& role = GetParam();
  const Config config = load_config_file(kSourceDir + "/config/targets.yaml");
  ASSERT_EQ(hosts_beyond_loopback(config, role), std::vector<std::string>{})
      << "the shipped config would probe beyond loopback; not running it";

  const CommandResult r = check_in_repository("--config config/targets.yaml --role " + role);
  EXPECT_FALSE(r.timed_out);
  // OK, WARNING or CRITICAL: this machine's real state, never UNKNOWN.
  EXPECT_GE(r.exit_code, kOk) << r.out;
  EXPECT_LE(r.exit_code, kCritical) << r.out;
  EXPECT_EQ(r.out.rfind("VEEAM PORTS ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("VEEAM PORTS UNKNOWN"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
  // Loopback answers at once; samples keep the ranges small.
  EXPECT_LT(r.elapsed, std::chrono::seconds(10));
  for (const Flow& flow : config.flows) {
    const bool selected = flow.enabled && flow.from == role;
    EXPECT_EQ(r.out.find(" " + flow.name + " -> ") != std::string::npos, selected)
        << flow.name << " in:\n"
        << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Roles, VantagePointTest, testing::Values("agent", "backup_server"));

struct PrintCase {
  std::string role;
  std::string format;
  std::string golden;
};

class PrintFirewallRulesTest : public testing::TestWithParam<PrintCase> {};

TEST_P(PrintFirewallRulesTest, PrintsTheGoldenFileAndExitsZero) {
  const PrintCase& c = GetParam();
  const CommandResult r = check_in_repository("--config config/targets.yaml --role " + c.role +
                                              " --print-firewall-rules " + c.format);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, read_file(std::string(VPM_TEST_DATA_DIR) + "/golden/" + c.golden));
}

INSTANTIATE_TEST_SUITE_P(
    Golden, PrintFirewallRulesTest,
    testing::Values(PrintCase{"agent", "powershell", "firewall_agent.ps1"},
                    PrintCase{"agent", "nftables", "firewall_agent.nft"},
                    PrintCase{"backup_server", "powershell", "firewall_backup_server.ps1"},
                    PrintCase{"backup_server", "nftables", "firewall_backup_server.nft"}),
    [](const testing::TestParamInfo<PrintCase>& param_info) {
      return param_info.param.role + "_" + param_info.param.format;
    });

TEST(PrintFirewallRulesErrors, AreUnknownWithTheReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--config config/targets.yaml --role agent --print-firewall-rules iptables",
       "VEEAM PORTS UNKNOWN - --print-firewall-rules: \"iptables\" is not one of powershell, "
       "nftables\n"},
      {"--config config/targets.yaml --print-firewall-rules nftables",
       "VEEAM PORTS UNKNOWN - --print-firewall-rules needs --role: the rules are for one "
       "machine\n"},
      {"--config config/targets.yaml --role agnet --print-firewall-rules nftables",
       "VEEAM PORTS UNKNOWN - no role named \"agnet\" in config/targets.yaml (roles: agent, "
       "backup_server, backup_repository, gateway_server, cloud_gateway, smb_share, smtp_server, "
       "dns_server, domain_controller, s3_compatible_storage, update_server, cloud_connect_crl, "
       "amazon_s3, amazon_s3_certificate_status, azure_blob_storage, azure_certificate_status, "
       "google_cloud_storage, google_certificate_status, ibm_cloud_object_storage, gmail_api, "
       "microsoft_graph)\n"},
      {"--config no/such.yaml --role agent --print-firewall-rules powershell",
       "VEEAM PORTS UNKNOWN - no/such.yaml: cannot read: No such file or directory\n"},
  };
  for (const auto& [args, output] : cases) {
    const CommandResult r = check_in_repository(args);
    EXPECT_EQ(r.exit_code, kUnknown) << args;
    EXPECT_EQ(r.out, output) << args;
  }
}

}  // namespace
}  // namespace vpm::test
