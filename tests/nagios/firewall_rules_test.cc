#include "firewall_rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace vpm::nagios {
namespace {

const std::string kShippedConfig = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";
const std::string kGoldenDir = std::string(VPM_TEST_DATA_DIR) + "/golden";

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Golden {
  std::string role;
  FirewallFormat format;
  std::string file;  // under tests/golden
};

const std::vector<Golden> kGoldenFiles = {
    {"agent", FirewallFormat::kPowerShell, "firewall_agent.ps1"},
    {"agent", FirewallFormat::kNftables, "firewall_agent.nft"},
    {"backup_server", FirewallFormat::kPowerShell, "firewall_backup_server.ps1"},
    {"backup_server", FirewallFormat::kNftables, "firewall_backup_server.nft"},
};

class FirewallGoldenTest : public testing::TestWithParam<Golden> {};

TEST_P(FirewallGoldenTest, ShippedConfigGivesTheGoldenFileByteForByte) {
  const Golden& golden = GetParam();
  const Config config = load_config_file(kShippedConfig);
  const std::string actual = format_firewall_rules(
      select_firewall_rules(config, golden.role, literal_addresses), golden.format);
  EXPECT_EQ(actual, read_file(kGoldenDir + "/" + golden.file))
      << "If the change is intended, regenerate from the repository root:\n  "
      << "build/nagios/check_veeam_ports --config config/targets.yaml --role " << golden.role
      << " --print-firewall-rules " << to_string(golden.format) << " > tests/golden/"
      << golden.file;
}

INSTANTIATE_TEST_SUITE_P(ShippedConfig, FirewallGoldenTest, testing::ValuesIn(kGoldenFiles),
                         [](const testing::TestParamInfo<Golden>& param_info) {
                           return param_info.param.role + "_" +
                                  std::string(to_string(param_info.param.format));
                         });

// nft parses the golden scripts (-c: check only, nothing is loaded).
TEST(FirewallNftables, GoldenScriptsPassNftCheck) {
  if (::geteuid() != 0) GTEST_SKIP() << "nft -c needs root";
  if (test::run_command("command -v nft").exit_code != 0) GTEST_SKIP() << "nft not installed";
  for (const std::string file : {"firewall_agent.nft", "firewall_backup_server.nft"}) {
    const test::CommandResult r =
        test::run_command("nft -c -f " + test::shell_quote(kGoldenDir + "/" + file) + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << file << ":\n" << r.out;
  }
}

Config two_roles(const std::string& flows_yaml) {
  return load_config_string(
      "roles:\n"
      "  agent: {hosts: [127.0.0.1], description: Veeam Agent computer}\n"
      "  backup_server: {hosts: [127.0.0.1, '::1']}\n"
      "flows:\n" +
          flows_yaml,
      "/some/dir/targets.yaml");
}

TEST(FirewallRuleSelection, OutboundWhereTheRoleStartsInboundWhereItReceives) {
  const Config config = two_roles(
      "  - {name: local, from: agent, to: agent, ports: [6183]}\n"
      "  - {name: out, from: agent, to: backup_server, ports: [10005], enabled: false}\n"
      "  - {name: in, from: backup_server, to: agent, protocol: udp, ports: [137, 2500-3300]}\n");
  const FirewallRuleSet agent = select_firewall_rules(config, "agent", literal_addresses);
  EXPECT_EQ(agent.role, "agent");
  EXPECT_EQ(agent.role_description, "Veeam Agent computer");
  EXPECT_EQ(agent.source, "targets.yaml");
  ASSERT_EQ(agent.rules.size(), 4u);
  EXPECT_EQ(agent.rules[0].name, "local");
  EXPECT_EQ(agent.rules[0].direction, Direction::kOutbound);
  EXPECT_EQ(agent.rules[1].name, "local");
  EXPECT_EQ(agent.rules[1].direction, Direction::kInbound);
  EXPECT_EQ(agent.rules[2].name, "out");
  EXPECT_EQ(agent.rules[2].direction, Direction::kOutbound);
  EXPECT_FALSE(agent.rules[2].enabled);
  EXPECT_EQ(agent.rules[2].peers, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(agent.rules[3].name, "in");
  EXPECT_EQ(agent.rules[3].direction, Direction::kInbound);
  EXPECT_EQ(agent.rules[3].protocol, Protocol::kUdp);
  EXPECT_EQ(agent.rules[3].ports.to_string(), "137,2500-3300");
  EXPECT_EQ(agent.rules[3].peers, (std::vector<std::string>{"127.0.0.1", "::1"}));

  const FirewallRuleSet server = select_firewall_rules(config, "backup_server", literal_addresses);
  ASSERT_EQ(server.rules.size(), 2u);
  EXPECT_EQ(server.rules[0].name, "out");
  EXPECT_EQ(server.rules[0].direction, Direction::kInbound);
  EXPECT_EQ(server.rules[1].name, "in");
  EXPECT_EQ(server.rules[1].direction, Direction::kOutbound);
}

TEST(FirewallRuleSelection, UnknownRoleIsAnError) {
  const Config config = two_roles("  - {name: f, from: agent, to: agent, ports: [1]}\n");
  try {
    select_firewall_rules(config, "agnet", literal_addresses);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "no role named \"agnet\" in /some/dir/targets.yaml (roles: agent, backup_server)");
  }
}

TEST(FirewallRuleSelection, TextBecomesOneLine) {
  const Config config =
      two_roles("  - {name: f, from: agent, to: agent, ports: [1], note: \"a\\nb\\tc\"}\n");
  EXPECT_EQ(select_firewall_rules(config, "agent", literal_addresses).rules[0].note, "a b c");
}

// Every rule is limited to the hosts on the other end: IP literals as written, host names as
// the lookup resolves them, and a rule that cannot be limited says why.
TEST(FirewallRuleScope, AddressesOfTheOtherEndOrWhyNot) {
  const Config config = load_config_string(
      "roles:\n"
      "  agent: {hosts: [127.0.0.1]}\n"
      "  backup_server: {hosts: [vbr01.corp.example, '::1']}\n"
      "  share: {hosts: [nas.corp.example]}\n"
      "  cloud: {hosts: [gw.provider.example]}\n"
      "flows:\n"
      "  - {name: out, from: agent, to: backup_server, ports: [10005]}\n"
      "  - {name: in, from: backup_server, to: agent, ports: [6160]}\n"
      "  - {name: nas, from: agent, to: share, ports: [445]}\n"
      "  - {name: off, from: agent, to: cloud, ports: [6180], enabled: false}\n",
      "t.yaml");
  const AddressLookup lookup = [](const std::string& host) -> HostAddresses {
    if (host == "vbr01.corp.example") return {{"192.0.2.5", "2001:db8::5"}, {}};
    if (host == "gw.provider.example") ADD_FAILURE() << "a disabled rule's host was looked up";
    return {{}, "Host not found"};
  };
  const FirewallRuleSet set = select_firewall_rules(config, "agent", lookup);
  ASSERT_EQ(set.rules.size(), 4u);
  EXPECT_EQ(set.rules[0].addresses, (std::vector<std::string>{"192.0.2.5", "2001:db8::5", "::1"}));
  EXPECT_EQ(set.rules[0].resolved,
            std::vector<std::string>{"vbr01.corp.example -> 192.0.2.5, 2001:db8::5"});
  EXPECT_EQ(set.rules[1].direction, Direction::kInbound);
  EXPECT_EQ(set.rules[1].addresses, set.rules[0].addresses);
  EXPECT_TRUE(set.rules[2].addresses.empty());
  EXPECT_EQ(set.rules[2].unscoped_reason,
            "nas.corp.example did not resolve when these rules were generated (Host not found)");
  EXPECT_EQ(set.rules[3].unscoped_reason,
            "gw.provider.example is a host name, looked up only for enabled flows");

  const std::string nft = format_nftables(set);
  EXPECT_NE(nft.find("\t\tip daddr 192.0.2.5 tcp dport 10005 accept comment \"out\"\n"
                     "\t\tip6 daddr { 2001:db8::5, ::1 } tcp dport 10005 accept comment \"out\"\n"),
            std::string::npos)
      << nft;
  EXPECT_NE(nft.find("\t\tip saddr 192.0.2.5 tcp dport 6160 accept"), std::string::npos) << nft;
  EXPECT_NE(nft.find("\t\t#   unscoped (any address): nas.corp.example did not resolve"),
            std::string::npos)
      << nft;
  EXPECT_NE(nft.find("\n\t\ttcp dport 445 accept comment \"nas\"\n"), std::string::npos) << nft;
  const std::string ps = format_powershell(set);
  EXPECT_NE(ps.find("-RemotePort 10005 -RemoteAddress 192.0.2.5, 2001:db8::5, ::1 -Action Allow"),
            std::string::npos)
      << ps;
  EXPECT_NE(ps.find("-LocalPort 6160 -RemoteAddress 192.0.2.5, 2001:db8::5, ::1 -Action Allow"),
            std::string::npos)
      << ps;
  EXPECT_NE(ps.find("#   unscoped (any remote address): nas.corp.example did not resolve"),
            std::string::npos);
  EXPECT_NE(ps.find("#   resolved: vbr01.corp.example -> 192.0.2.5, 2001:db8::5\n"),
            std::string::npos);
}

// The system resolver on what needs no network: literals, and localhost from /etc/hosts.
TEST(FirewallRuleScope, SystemLookupTakesLiteralsAndLocalhost) {
  EXPECT_EQ(resolved_addresses("::1").addresses, std::vector<std::string>{"::1"});
  EXPECT_EQ(resolved_addresses("127.0.0.1").addresses, std::vector<std::string>{"127.0.0.1"});
  const HostAddresses local = resolved_addresses("localhost");
  ASSERT_FALSE(local.addresses.empty()) << local.error;
  for (const std::string& a : local.addresses) EXPECT_TRUE(a == "127.0.0.1" || a == "::1") << a;
  EXPECT_FALSE(literal_addresses("localhost").error.empty());
}

FirewallRule rule(std::string name, std::string note, Direction direction, const char* ports) {
  FirewallRule r;
  r.name = std::move(name);
  r.note = std::move(note);
  r.direction = direction;
  std::string error;
  r.ports = *parse_port_list(ports, &error);
  r.peers = {"127.0.0.1"};
  return r;
}

FirewallRuleSet set_of(std::vector<FirewallRule> rules) {
  return FirewallRuleSet{"agent", "", "targets.yaml", std::move(rules)};
}

// The command lines of a PowerShell script, without comments and blank lines.
std::vector<std::string> commands(const std::string& script) {
  std::vector<std::string> out;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() != '#') out.push_back(line);
  }
  return out;
}

TEST(FirewallPowerShell, OneCommandPerRule) {
  FirewallRule udp = rule("in", "", Direction::kInbound, "137-139,445");
  udp.protocol = Protocol::kUdp;
  udp.enabled = false;
  EXPECT_EQ(commands(format_powershell(
                set_of({rule("out", "A note.", Direction::kOutbound, "6162,2500-3300"), udp}))),
            (std::vector<std::string>{
                "New-NetFirewallRule -DisplayName 'out' -Group 'veeam-port-monitor' -Description "
                "'A note.' -Direction Outbound -Protocol TCP -RemotePort 6162, '2500-3300' "
                "-Action Allow",
                "New-NetFirewallRule -DisplayName 'in' -Group 'veeam-port-monitor' -Direction "
                "Inbound -Protocol UDP -LocalPort '137-139', 445 -Action Allow -Enabled False",
            }));
}

TEST(FirewallPowerShell, QuotesEverySingleQuotePowerShellKnows) {
  // ' and the typographic quotes U+2018..U+201B all end a single-quoted string: each doubles.
  const std::string note =
      "it's \xe2\x80\x98x\xe2\x80\x99 \xe2\x80\x9a\xe2\x80\x9b $(rm) \xe2\x80\x9c";
  const std::vector<std::string> lines =
      commands(format_powershell(set_of({rule("f", note, Direction::kOutbound, "1")})));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" -Description 'it''s \xe2\x80\x98\xe2\x80\x98x\xe2\x80\x99\xe2\x80\x99 "
                          "\xe2\x80\x9a\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x9b $(rm) \xe2\x80\x9c' "),
            std::string::npos)
      << lines[0];
}

TEST(FirewallPowerShell, HeaderNamesRoleAndSourceAndSaysWhenEmpty) {
  FirewallRuleSet set = set_of({});
  set.role_description = "Veeam Agent computer";
  const std::string script = format_powershell(set);
  EXPECT_EQ(script.rfind("# Windows Firewall rules for the role agent (Veeam Agent computer), "
                         "from targets.yaml.\n",
                         0),
            0u);
  EXPECT_NE(script.find("\n# No flow starts or ends at agent.\n"), std::string::npos);
  EXPECT_TRUE(commands(script).empty());
}

TEST(FirewallNftables, RulesGoIntoOutputAndInputChains) {
  FirewallRule disabled = rule("off", "", Direction::kOutbound, "443");
  disabled.enabled = false;
  const std::string script = format_nftables(
      set_of({rule("out", "Note", Direction::kOutbound, "10005"), disabled,
              rule("in", "Note \"quoted\"", Direction::kInbound, "135,2500-3300")}));
  EXPECT_NE(script.find("\tchain output {\n"
                        "\t\ttype filter hook output priority 0; policy accept;\n"
                        "\n"
                        "\t\t# out: to 127.0.0.1\n"
                        "\t\ttcp dport 10005 accept comment \"out: Note\"\n"
                        "\n"
                        "\t\t# off: to 127.0.0.1\n"
                        "\t\t# disabled (enabled: false): tcp dport 443 accept comment \"off\"\n"
                        "\t}\n"
                        "\n"
                        "\tchain input {\n"
                        "\t\ttype filter hook input priority 0; policy accept;\n"
                        "\n"
                        "\t\t# in: from 127.0.0.1\n"
                        "\t\ttcp dport { 135, 2500-3300 } accept comment \"in: Note 'quoted'\"\n"
                        "\t}\n"
                        "}\n"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("\ntable inet veeam_port_monitor\n"
                        "delete table inet veeam_port_monitor\n"
                        "table inet veeam_port_monitor {\n"),
            std::string::npos);
}

TEST(FirewallNftables, EmptyChainsSaySo) {
  const std::string script = format_nftables(set_of({}));
  EXPECT_NE(script.find("\t\t# no flow starts at agent\n"), std::string::npos);
  EXPECT_NE(script.find("\t\t# no flow ends at agent\n"), std::string::npos);
}

// The comment inside `comment "..."`.
std::string nft_comment(const std::string& note) {
  const std::string script = format_nftables(set_of({rule("f", note, Direction::kOutbound, "1")}));
  const std::size_t begin = script.find("comment \"") + 9;
  return script.substr(begin, script.find("\"\n", begin) - begin);
}

TEST(FirewallNftables, CommentsStayWithinNftsLimitOnACharacterBoundary) {
  const std::string fits(125, 'x');  // "f: " + 125 = 128 bytes
  EXPECT_EQ(nft_comment(fits), "f: " + fits);
  EXPECT_EQ(nft_comment(fits + "y"), "f: " + std::string(122, 'x') + "...");
  // "é" is two bytes: the cut never splits it.
  std::string accents;
  for (int i = 0; i < 70; ++i) accents += "\xc3\xa9";
  const std::string cut = nft_comment(accents);
  EXPECT_LE(cut.size(), 128u);
  EXPECT_EQ(cut, "f: " + accents.substr(0, 122) + "...");
  const std::string odd = nft_comment("y" + accents);
  EXPECT_EQ(odd, "f: y" + accents.substr(0, 120) + "...");
}

TEST(FirewallFormatNames, RoundTrip) {
  for (FirewallFormat format : {FirewallFormat::kPowerShell, FirewallFormat::kNftables}) {
    EXPECT_EQ(parse_firewall_format(to_string(format)), format);
  }
  EXPECT_EQ(parse_firewall_format("PowerShell"), std::nullopt);
  EXPECT_EQ(parse_firewall_format("iptables"), std::nullopt);
}

// A flow's source limits its outbound rule to that local address: -LocalAddress, and
// "ip saddr" on nftables' output chain (only the source's family can carry the flow).
TEST(FirewallRuleSource, OutboundRulesLeaveFromTheFlowsSource) {
  const Config config = load_config_string(
      "defaults: {source: 127.0.0.5}\n"
      "roles:\n"
      "  agent: {hosts: [127.0.0.1]}\n"
      "  backup_server: {hosts: [127.0.0.2, '::1']}\n"
      "flows:\n"
      "  - {name: out, from: agent, to: backup_server, ports: [10005]}\n"
      "  - {name: out6, from: agent, to: backup_server, ports: [10006], source: '::1'}\n"
      "  - {name: in, from: backup_server, to: agent, ports: [6183]}\n",
      "targets.yaml");
  const FirewallRuleSet agent = select_firewall_rules(config, "agent", literal_addresses);
  const std::string powershell = format_powershell(agent);
  EXPECT_NE(powershell.find("-Direction Outbound -Protocol TCP -RemotePort 10005 -LocalAddress "
                            "127.0.0.5 -RemoteAddress 127.0.0.2, ::1"),
            std::string::npos)
      << powershell;
  EXPECT_NE(powershell.find("-RemotePort 10006 -LocalAddress ::1 -RemoteAddress"),
            std::string::npos)
      << powershell;
  // Inbound: the rule is the receiving end's; the local address stays any.
  EXPECT_NE(powershell.find("-LocalPort 6183 -RemoteAddress 127.0.0.2, ::1 -Action Allow"),
            std::string::npos)
      << powershell;
  const std::string nft = format_nftables(agent);
  EXPECT_NE(nft.find("\t\tip saddr 127.0.0.5 ip daddr 127.0.0.2 tcp dport 10005 accept"),
            std::string::npos)
      << nft;
  EXPECT_NE(nft.find("\t\tip6 saddr ::1 ip6 daddr ::1 tcp dport 10006 accept"), std::string::npos)
      << nft;
  EXPECT_EQ(nft.find("ip6 daddr ::1 tcp dport 10005"), std::string::npos) << nft;
  if (::geteuid() != 0 || test::run_command("command -v nft").exit_code != 0) return;
  const std::string path = ::testing::TempDir() + "firewall_source.nft";
  std::ofstream(path) << nft;
  const test::CommandResult r = test::run_command("nft -c -f " + test::shell_quote(path) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

}  // namespace
}  // namespace vpm::nagios
