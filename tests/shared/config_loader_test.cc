#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <string>
#include <vector>

#include "vpm/config.h"

namespace vpm {
namespace {

const std::string kDataDir = std::string(VPM_TEST_DATA_DIR) + "/config";

// The message load_config_string() throws for `yaml`, or "" when it loads.
std::string error_for(std::string_view yaml, const std::string& source = "test.yaml") {
  try {
    load_config_string(yaml, source);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A valid file around one flow, for tests that vary a single flow key.
std::string with_flow(const std::string& flow_body) {
  return "roles:\n  agent: {hosts: [localhost]}\n  backup_server: {hosts: [vbr01]}\n"
         "flows:\n  - name: f\n    from: agent\n    to: backup_server\n" +
         flow_body;
}

// One file under tests/config/invalid and the error it must produce. The error is what() with
// the file path (as passed to load_config_file) cut off its front: ":<line>:<col>: ..." or
// ": ..." when no position applies.
struct InvalidFile {
  std::string name;
  std::string error_after_path;
};

// Every file in tests/config/invalid, in directory order; EveryFileIsListed keeps it complete.
const std::vector<InvalidFile> kInvalidFiles = {
    {"concurrency_zero.yaml",
     ":2:16: defaults.concurrency: expected a positive integer, got \"0\""},
    {"defaults_duplicate_key.yaml",
     ":4:3: duplicate key \"timeout\" in defaults (first at line 2)"},
    {"defaults_not_mapping.yaml", ":1:11: defaults: expected a mapping, got a list"},
    {"defaults_preflight_invalid.yaml",
     ":2:14: defaults.preflight: invalid duration \"half an hour\" (expected e.g. \"500ms\", "
     "\"2s\" or \"1m30s\"; units: ms, s, m, h)"},
    {"defaults_source_unspecified.yaml",
     ":2:11: defaults.source: \"0.0.0.0\" is the unspecified address (leave source out to let "
     "the routing table choose)"},
    {"defaults_unknown_key.yaml",
     ":2:3: unknown key \"tmeout\" in defaults (did you mean \"timeout\"?)"},
    {"defaults_unknown_key_no_match.yaml",
     ":3:3: unknown key \"retries\" in defaults (allowed keys: timeout, interval, concurrency, "
     "per_target_concurrency, probe_threads, trace, trace_interval, source, preflight)"},
    {"discover_export_empty.yaml", ":5:32: discover.veeam_agent_export: empty value"},
    {"discover_export_missing.yaml",
     ":5:11: discover: missing required key \"veeam_agent_export\""},
    {"discover_not_mapping.yaml",
     ":5:11: discover: expected a mapping (veeam_agent_export), got a string"},
    {"discover_unknown_key.yaml",
     ":6:3: unknown key \"veeam_agent_exprt\" in discover (did you mean "
     "\"veeam_agent_export\"?)"},
    {"empty.yaml", ": the file is empty"},
    {"flow_check_expect_closed.yaml",
     ":9:12: flows[0] (f).check: \"smb\" has no use with expect: closed (nothing may answer)"},
    {"flow_check_list.yaml",
     ":8:12: flows[0] (f).check: expected connect, tls, smtp, ldap, smb, msrpc, nbns, iscsi or "
     "http, got a list"},
    {"flow_check_nbns_on_tcp.yaml",
     ":8:12: flows[0] (f).check: \"nbns\" is a udp check, the flow's protocol is tcp"},
    {"flow_check_smb_on_udp.yaml",
     ":9:12: flows[0] (f).check: \"smb\" is a tcp check, the flow's protocol is udp"},
    {"flow_check_unknown.yaml",
     ":8:12: flows[0] (f).check: invalid value \"smbb\" (expected connect, tls, smtp, ldap, smb, "
     "msrpc, nbns, iscsi or http)"},
    {"flow_tls_ca_file_empty.yaml", ":9:20: flows[0] (f).tls.ca_file: empty value"},
    {"flow_tls_not_mapping.yaml",
     ":9:10: flows[0] (f).tls: expected a mapping (server_name, ca_file, verify), got a string"},
    {"flow_tls_server_name_blank.yaml",
     ":9:24: flows[0] (f).tls.server_name: invalid host name \"dc 01\""},
    {"flow_tls_unknown_key.yaml",
     ":9:11: unknown key \"server\" in flows[0] (f).tls (allowed keys: server_name, ca_file, "
     "verify)"},
    {"flow_tls_verify_yes.yaml",
     ":9:19: flows[0] (f).tls.verify: expected true or false, got \"yes\""},
    {"flow_tls_without_check.yaml",
     ":8:5: flows[0] (f).tls: only with check: tls or smtp (the flow's check is connect)"},
    {"flow_http_path_relative.yaml",
     ":9:18: flows[0] (f).http.path: \"crl\" must start with \"/\" and contain no blanks"},
    {"flow_http_status_range.yaml",
     ":9:27: flows[0] (f).http.expect_status: expected an HTTP status code from 100 to 599, got "
     "\"2000\""},
    {"flow_http_with_tls_check.yaml",
     ":9:5: flows[0] (f).http: only with check: http (the flow's check is tls)"},
    {"flow_source_interface_name.yaml",
     ":8:13: flows[0] (ssh).source: \"eth1\" is not an IP address (give the IPv4 or IPv6 "
     "address of this machine the probes leave from)"},
    {"flow_source_list.yaml",
     ":8:13: flows[0] (ssh).source: expected an IP address of this machine, got a list"},
    {"flow_smb_min_dialect_unknown.yaml",
     ":9:24: flows[0] (f).smb.min_dialect: invalid value \"4.0\" (expected 2.0.2, 2.1, 3.0, "
     "3.0.2 or 3.1.1)"},
    {"flow_smb_without_smb_check.yaml",
     ":9:5: flows[0] (f).smb: only with check: smb (the flow's check is tls)"},
    {"flow_starttls_maybe.yaml",
     ":9:15: flows[0] (f).starttls: expected true or false, got \"maybe\""},
    {"flow_starttls_without_smtp.yaml",
     ":9:5: flows[0] (f).starttls: only with check: smtp (the flow's check is tls)"},
    {"flow_duplicate_key.yaml",
     ":8:5: duplicate key \"ports\" in flows[0] (ssh) (first at line 7)"},
    {"flow_duplicate_name.yaml",
     ":8:11: flows[1].name: duplicate flow name \"ssh\" (first defined at line 4)"},
    {"flow_enabled_yes.yaml", ":8:14: flows[0] (ssh).enabled: expected true or false, got \"yes\""},
    {"flow_expect_opne.yaml",
     ":8:13: flows[0] (ssh).expect: invalid value \"opne\" (expected open, reachable or closed)"},
    {"flow_interval_missing_last_unit.yaml",
     ":8:15: flows[0] (ssh).interval: invalid duration \"1m30\" (expected e.g. \"500ms\", \"2s\" "
     "or \"1m30s\"; units: ms, s, m, h)"},
    {"flow_invalid_name.yaml",
     ":4:11: flows[0].name: invalid flow name \"Agent To Agent\" (use lowercase letters, digits, "
     "'_' and '-')"},
    {"flow_merge_key.yaml", ":5:5: merge keys (\"<<\") are not supported in flows[0] (ssh)"},
    {"flow_missing_name.yaml", ":4:5: flows[0]: missing required key \"name\""},
    {"flow_missing_ports.yaml", ":4:5: flows[0] (ssh): missing required key \"ports\""},
    {"flow_not_mapping.yaml", ":4:5: flows[0]: expected a mapping, got a string"},
    {"flow_note_list.yaml", ":8:11: flows[0] (ssh).note: expected a string, got a list"},
    {"flow_protocol_icmp.yaml",
     ":8:15: flows[0] (ssh).protocol: invalid value \"icmp\" (expected tcp or udp)"},
    {"flow_sample_0.yaml",
     ":8:13: flows[0] (ssh).sample: expected \"all\" or a positive integer, got \"0\""},
    {"flow_sample_some.yaml",
     ":8:13: flows[0] (ssh).sample: expected \"all\" or a positive integer, got \"some\""},
    {"flow_severity_fatal.yaml",
     ":8:15: flows[0] (ssh).severity: invalid value \"fatal\" (expected critical or warning)"},
    {"flow_timeout_longer_than_default_interval.yaml",
     ":10:14: flows[0] (ssh).timeout: interval 30s (from defaults) is shorter than timeout 45s; "
     "the interval must be at least the timeout"},
    {"flow_timeout_zero.yaml", ":8:14: flows[0] (ssh).timeout: the timeout must be greater than 0"},
    {"flow_unknown_key.yaml",
     ":7:5: unknown key \"prots\" in flows[0] (ssh) (did you mean \"ports\"?)"},
    {"flow_unknown_role_from.yaml",
     ":6:11: flows[0] (dc-to-agent).from: unknown role \"domain_controller\" (defined roles: "
     "agent, backup_server)"},
    {"flow_unknown_role_to.yaml",
     ":7:9: flows[0] (agent-to-backup-server-control).to: unknown role \"backupserver\" (did you "
     "mean \"backup_server\"?)"},
    {"flows_empty.yaml", ":3:8: flows: no flows defined"},
    {"flows_missing.yaml", ":1:1: no flows defined (missing key \"flows\")"},
    {"flows_not_list.yaml", ":4:3: flows: expected a list of flows, got a mapping"},
    {"host_duplicate.yaml",
     ":6:9: roles.agent.hosts[2]: duplicate host \"ws01\" (also roles.agent.hosts[0])"},
    {"host_with_blank.yaml",
     ":4:9: roles.agent.hosts[0]: invalid host \"ws 01\" (host names contain no blanks or control "
     "characters)"},
    {"hosts_empty.yaml", ":2:18: roles.agent.hosts: the host list is empty"},
    {"hosts_not_list.yaml", ":2:18: roles.agent.hosts: expected a list, got a string"},
    {"interval_shorter_than_timeout.yaml",
     ":3:13: defaults.interval: interval 1s is shorter than timeout 5s; the interval must be at "
     "least the timeout"},
    {"jobs_duplicate.yaml", ":8:3: jobs: duplicate job \"Nightly\" (first at line 6)"},
    {"jobs_not_mapping.yaml",
     ":5:7: jobs: expected a mapping of the export's job names to their settings, got a list"},
    {"jobs_preflight_no_unit.yaml",
     ":7:16: jobs.\"Nightly to VBR\".preflight: \"30\" has no unit (write e.g. \"30s\"; units: "
     "ms, s, m, h)"},
    {"jobs_unknown_key.yaml",
     ":7:5: unknown key \"prefligth\" in jobs.\"Nightly to VBR\" (did you mean "
     "\"preflight\"?)"},
    {"key_not_a_name.yaml", ":3:3: expected a key name at the top level, got a list"},
    {"multiple_documents.yaml",
     ":5:1: a second YAML document starts here; the file must hold only one"},
    {"nul_byte.yaml",
     ":2:24: the file contains a NUL byte; expected UTF-8 text (is it binary, or UTF-16?)"},
    {"only_comments.yaml", ": the file contains only comments"},
    {"per_target_concurrency_text.yaml",
     ":2:27: defaults.per_target_concurrency: expected a positive integer, got \"many\""},
    {"probe_threads_too_many.yaml", ":2:18: defaults.probe_threads: 640 is too many (at most 64)"},
    {"probe_threads_zero.yaml",
     ":2:18: defaults.probe_threads: expected a positive integer, got \"0\""},
    {"port_float.yaml",
     ":7:17: flows[0] (ssh).ports[1]: \"22.5\" is not a port or range (expected e.g. 22 or "
     "2500-3300)"},
    {"port_garbage.yaml",
     ":7:17: flows[0] (ssh).ports[1]: \"abc\" is not a port or range (expected e.g. 22 or "
     "2500-3300)"},
    {"port_huge.yaml",
     ":7:17: flows[0] (ssh).ports[1]: port 99999999999999999999 is out of range 1-65535"},
    {"port_listed_twice.yaml", ":7:27: flows[0] (vbr).ports[2]: port 10005 is listed twice"},
    {"port_mapping.yaml",
     ":7:17: flows[0] (ssh).ports[1]: expected a port or range, got a mapping"},
    {"port_negative.yaml", ":7:17: flows[0] (ssh).ports[1]: port -5 is out of range 1-65535"},
    {"port_open_range.yaml",
     ":7:17: flows[0] (ssh).ports[1]: \"2500-\" is not a port or range (expected e.g. 22 or "
     "2500-3300)"},
    {"port_overlap.yaml",
     ":10:9: flows[0] (vbr).ports[2]: range 3000-3500 overlaps range 2500-3300 listed before"},
    {"port_reversed.yaml",
     ":7:17: flows[0] (ssh).ports[1]: range 3300-2500 is reversed (first > last)"},
    {"port_too_large.yaml", ":7:17: flows[0] (ssh).ports[1]: port 65536 is out of range 1-65535"},
    {"port_zero.yaml", ":7:17: flows[0] (ssh).ports[1]: port 0 is out of range 1-65535"},
    {"ports_empty.yaml", ":7:12: flows[0] (ssh).ports: the port list is empty"},
    {"ports_empty_value.yaml", ":7:5: flows[0] (ssh).ports: expected a list, got an empty value"},
    {"ports_not_list.yaml", ":15:12: flows[2] (vbr).ports: expected a list, got a string"},
    {"role_description_list.yaml", ":3:18: roles.agent.description: expected a string, got a list"},
    {"role_duplicate.yaml", ":4:3: roles: duplicate role \"agent\" (first at line 2)"},
    {"role_empty_value.yaml",
     ":2:3: roles.agent: expected a mapping with \"hosts\", got an empty value"},
    {"role_invalid_name.yaml",
     ":2:3: roles: invalid role name \"Backup Server\" (use lowercase letters, digits, '_' and "
     "'-')"},
    {"role_missing_hosts.yaml", ":2:10: roles.agent: missing required key \"hosts\""},
    {"role_unknown_key.yaml",
     ":3:5: unknown key \"host\" in roles.agent (did you mean \"hosts\"?)"},
    {"roles_empty.yaml", ":1:8: roles: no roles defined"},
    {"roles_missing.yaml", ":1:1: no roles defined (missing key \"roles\")"},
    {"stray_comma.yaml", ":1:1: invalid YAML: unexpected \",\""},
    {"syntax_error.yaml", ":2:28: invalid YAML: illegal flow end"},
    {"timeout_list.yaml",
     ":2:12: defaults.timeout: expected a duration such as \"2s\", got a list"},
    {"timeout_negative.yaml", ":2:12: defaults.timeout: negative duration \"-1s\""},
    {"timeout_with_space.yaml",
     ":2:12: defaults.timeout: invalid duration \"2 s\" (expected e.g. \"500ms\", \"2s\" or "
     "\"1m30s\"; units: ms, s, m, h)"},
    {"timeout_without_unit.yaml",
     ":2:12: defaults.timeout: \"5\" has no unit (write e.g. \"5s\"; units: ms, s, m, h)"},
    {"timeout_zero.yaml", ":2:12: defaults.timeout: the timeout must be greater than 0"},
    {"top_level_duplicate_key.yaml",
     ":5:1: duplicate key \"flows\" at the top level (first at line 3)"},
    {"top_level_list.yaml",
     ":1:1: the top level must be a mapping with defaults, roles and flows, got a list"},
    {"top_level_unknown_key.yaml",
     ":3:1: unknown key \"flow\" at the top level (did you mean \"flows\"?)"},
};

// "port_zero.yaml" -> "port_zero": test names allow only letters, digits and '_'.
std::string test_name(const std::string& file_name) {
  std::string name = file_name.substr(0, file_name.find('.'));
  std::replace_if(
      name.begin(), name.end(),
      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

class InvalidConfigFile : public testing::TestWithParam<InvalidFile> {};

TEST_P(InvalidConfigFile, FailsWithExactMessage) {
  const std::string path = kDataDir + "/invalid/" + GetParam().name;
  try {
    load_config_file(path);
    ADD_FAILURE() << path << " loaded without error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.what(), path + GetParam().error_after_path);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidConfigFile, testing::ValuesIn(kInvalidFiles),
                         [](const testing::TestParamInfo<InvalidFile>& param_info) {
                           return test_name(param_info.param.name);
                         });

TEST(InvalidConfigFiles, EveryFileIsListed) {
  std::vector<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(kDataDir + "/invalid")) {
    on_disk.push_back(entry.path().filename().string());
  }
  std::vector<std::string> listed;
  for (const InvalidFile& file : kInvalidFiles) listed.push_back(file.name);
  std::sort(on_disk.begin(), on_disk.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(on_disk, listed);
  EXPECT_GE(listed.size(), 25u);
}

TEST(LoadConfigFile, ReportsMissingFile) {
  const std::string path = kDataDir + "/invalid/no_such_file.yaml";
  try {
    load_config_file(path);
    FAIL() << "loaded a missing file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.what(), path + ": cannot read: No such file or directory");
  }
}

TEST(LoadConfigFile, ReportsDirectory) {
  try {
    load_config_file(kDataDir);
    FAIL() << "loaded a directory";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.what(), kDataDir + ": cannot read: Is a directory");
  }
}

TEST(LoadConfigFile, ErrorIsARuntimeError) {
  EXPECT_THROW(load_config_file(kDataDir + "/invalid/empty.yaml"), std::runtime_error);
}

TEST(LoadConfigFile, MinimalFileGetsEveryDefault) {
  const Config config = load_config_file(kDataDir + "/valid/minimal.yaml");
  EXPECT_EQ(config.source, kDataDir + "/valid/minimal.yaml");
  EXPECT_EQ(config.defaults.timeout, Duration{2000});
  EXPECT_EQ(config.defaults.interval, Duration{60000});
  EXPECT_EQ(config.defaults.concurrency, 512u);
  EXPECT_EQ(config.defaults.per_target_concurrency, 64u);
  EXPECT_EQ(config.defaults.probe_threads, 0u);  // not set: the runner decides
  ASSERT_EQ(config.roles.size(), 1u);
  EXPECT_EQ(config.roles[0].name, "agent");
  EXPECT_EQ(config.roles[0].hosts, std::vector<std::string>{"localhost"});
  ASSERT_EQ(config.flows.size(), 1u);
  const Flow& flow = config.flows[0];
  EXPECT_EQ(flow.name, "ssh");
  EXPECT_EQ(flow.from, "agent");
  EXPECT_EQ(flow.to, "agent");
  EXPECT_EQ(flow.protocol, Protocol::kTcp);
  EXPECT_EQ(flow.ports.to_string(), "22");
  EXPECT_EQ(flow.expect, Expectation::kOpen);
  EXPECT_EQ(flow.sample, std::nullopt);
  EXPECT_EQ(flow.severity, Severity::kCritical);
  EXPECT_EQ(flow.note, "");
  EXPECT_EQ(flow.timeout, Duration{2000});
  EXPECT_EQ(flow.interval, Duration{60000});
  EXPECT_TRUE(flow.enabled);
}

// A relative export path is the file next to the target file, wherever the program runs.
TEST(LoadConfigFile, DiscoverPathIsRelativeToTheTargetFile) {
  const Config config = load_config_string(
      "roles:\n  agent: {hosts: [localhost]}\nflows:\n  - {name: f, from: agent, to: agent, "
      "ports: [1]}\ndiscover: {veeam_agent_export: exports/agent.xml}\n",
      "/etc/vpm/targets.yaml");
  ASSERT_TRUE(config.discover);
  EXPECT_EQ(config.discover->veeam_agent_export,
            std::filesystem::path("/etc/vpm/exports/agent.xml").make_preferred().string());
  EXPECT_EQ(config.discover->where, "/etc/vpm/targets.yaml:5:32");
  const Config absolute = load_config_string(
      "roles:\n  agent: {hosts: [localhost]}\nflows:\n  - {name: f, from: agent, to: agent, "
      "ports: [1]}\ndiscover:\n  veeam_agent_export: /srv/agent.xml\n",
      "/etc/vpm/targets.yaml");
  EXPECT_EQ(absolute.discover->veeam_agent_export, "/srv/agent.xml");
  EXPECT_FALSE(load_config_string("roles:\n  agent: {hosts: [localhost]}\nflows:\n  - {name: f, "
                                  "from: agent, to: agent, ports: [1]}\n",
                                  "t.yaml")
                   .discover);
}

TEST(LoadConfigFile, SchemaExampleLoads) {
  const Config config = load_config_file(kDataDir + "/valid/schema_example.yaml");
  ASSERT_EQ(config.roles.size(), 2u);
  EXPECT_EQ(config.roles[1].name, "backup_server");
  EXPECT_EQ(config.roles[1].hosts, std::vector<std::string>{"127.0.0.1"});
  ASSERT_EQ(config.flows.size(), 1u);
  const Flow& flow = config.flows[0];
  EXPECT_EQ(flow.name, "agent-to-backup-server-control");
  EXPECT_EQ(flow.to, "backup_server");
  EXPECT_EQ(flow.ports.ranges(), (std::vector<PortRange>{{10005, 10005}, {2500, 3300}}));
  EXPECT_EQ(flow.ports.size(), 802u);
  EXPECT_EQ(flow.sample, std::nullopt);
  EXPECT_EQ(flow.note, "free text");
}

TEST(LoadConfigFile, EveryKeyIsRead) {
  const Config config = load_config_file(kDataDir + "/valid/every_key.yaml");
  EXPECT_EQ(config.defaults.timeout, Duration{3000});
  EXPECT_EQ(config.defaults.interval, Duration{300000});
  EXPECT_EQ(config.defaults.concurrency, 256u);
  EXPECT_EQ(config.defaults.per_target_concurrency, 16u);
  EXPECT_EQ(config.defaults.probe_threads, 3u);
  EXPECT_EQ(config.defaults.preflight, std::chrono::minutes(45));
  ASSERT_EQ(config.jobs.size(), 3u);
  EXPECT_EQ(config.jobs[0].name, "Nightly to VBR");
  EXPECT_EQ(config.jobs[0].preflight, std::chrono::hours(1));
  EXPECT_EQ(config.jobs[0].where, kDataDir + "/valid/every_key.yaml:55:3");
  EXPECT_EQ(config.jobs[1].name, "Weekly: to NAS");
  EXPECT_EQ(config.jobs[1].preflight, Duration::zero());  // a bare 0: off
  EXPECT_EQ(config.jobs[2].preflight, std::nullopt);      // defaults.preflight then

  ASSERT_EQ(config.roles.size(), 4u);
  const std::vector<std::string> workstations = {"ws01.example.test", "127.0.0.10"};
  EXPECT_EQ(config.roles[0].hosts, workstations);
  EXPECT_EQ(config.roles[2].hosts, std::vector<std::string>{"2001:db8::53"});
  EXPECT_EQ(config.roles[1].description, "Veeam backup server: VBR 13");
  EXPECT_EQ(config.roles[0].description, "");
  // An alias stands for the anchored list.
  ASSERT_NE(config.find_role("repository"), nullptr);
  EXPECT_EQ(config.find_role("repository")->hosts, workstations);

  ASSERT_EQ(config.flows.size(), 3u);
  const Flow& udp = config.flows[0];
  EXPECT_EQ(udp.name, "agent-to-backup-server-udp");
  EXPECT_EQ(udp.protocol, Protocol::kUdp);
  EXPECT_EQ(udp.ports.to_string(), "10005,2500-3300,6160");
  EXPECT_EQ(udp.expect, Expectation::kReachable);
  EXPECT_EQ(udp.sample, 5u);
  EXPECT_EQ(udp.severity, Severity::kWarning);
  EXPECT_EQ(udp.note, "Veeam installer service; see KB 1234");
  EXPECT_EQ(udp.timeout, Duration{500});
  EXPECT_EQ(udp.interval, Duration{90000});
  EXPECT_FALSE(udp.enabled);

  // Nothing set on the flow: the file's defaults, not the built-in ones.
  const Flow& inherited = config.flows[1];
  EXPECT_EQ(inherited.to, "domain_controller");
  EXPECT_EQ(inherited.protocol, Protocol::kTcp);
  EXPECT_EQ(inherited.ports.to_string(), "389,636");
  EXPECT_EQ(inherited.timeout, Duration{3000});
  EXPECT_EQ(inherited.interval, Duration{300000});
  EXPECT_EQ(inherited.sample, std::nullopt);
  EXPECT_TRUE(inherited.enabled);

  const Flow& closed = config.flows[2];
  EXPECT_EQ(closed.from, "backup_server");
  EXPECT_EQ(closed.ports.ranges(),
            (std::vector<PortRange>{{2500, 2600}, {6160, 6162}, {1, 1}, {65535, 65535}}));
  EXPECT_EQ(closed.expect, Expectation::kClosed);
  EXPECT_EQ(closed.sample, std::nullopt);
  EXPECT_EQ(closed.note, "");
  // A timeout equal to the inherited interval is allowed.
  EXPECT_EQ(closed.timeout, Duration{300000});
  EXPECT_EQ(closed.interval, Duration{300000});
  EXPECT_TRUE(closed.enabled);
  EXPECT_EQ(closed.check.kind, CheckKind::kConnect);  // the default
}

TEST(LoadConfigFile, ReadsServiceChecksAndTheirOptions) {
  const Config config = load_config_file(kDataDir + "/valid/service_checks.yaml");
  ASSERT_EQ(config.flows.size(), 10u);
  const auto flow = [&](std::string_view name) -> const Flow& {
    for (const Flow& f : config.flows) {
      if (f.name == name) return f;
    }
    ADD_FAILURE() << "no flow " << name;
    return config.flows.front();
  };
  EXPECT_EQ(flow("plain").check.kind, CheckKind::kConnect);
  const ServiceCheck& tls = flow("gateway-tls").check;
  EXPECT_EQ(tls.kind, CheckKind::kTls);
  EXPECT_EQ(tls.tls.server_name, "cloud.example.test");
  EXPECT_EQ(tls.tls.ca_file, "/etc/vpm/provider-ca.pem");
  EXPECT_EQ(tls.tls.verify, false);
  EXPECT_FALSE(tls.tls.must_verify());  // verify: false wins over the CA file
  const ServiceCheck& mail = flow("mail").check;
  EXPECT_EQ(mail.kind, CheckKind::kSmtp);
  EXPECT_TRUE(mail.starttls);
  EXPECT_TRUE(mail.tls.must_verify());  // a CA file implies verification
  EXPECT_EQ(flow("dc-ldap").check.kind, CheckKind::kLdap);
  EXPECT_EQ(flow("share").check.kind, CheckKind::kSmb);
  EXPECT_EQ(flow("share").expect, Expectation::kReachable);
  EXPECT_EQ(flow("share").check.smb.min_dialect, 0x0300);
  EXPECT_FALSE(flow("dc-ldap").check.smb.min_dialect);
  EXPECT_EQ(flow("epm").check.kind, CheckKind::kMsrpc);
  EXPECT_EQ(flow("nbns").check.kind, CheckKind::kNbns);
  EXPECT_EQ(flow("iscsi").check.kind, CheckKind::kIscsi);
  const ServiceCheck& crl = flow("crl").check;
  EXPECT_EQ(crl.kind, CheckKind::kHttp);
  EXPECT_EQ(crl.http.path, "/crl/ca.crl?x=1");
  EXPECT_EQ(crl.http.expect_status, 200u);
  EXPECT_EQ(flow("udp-connect").check.kind, CheckKind::kConnect);
  // Defaults of the options.
  EXPECT_EQ(flow("dc-ldap").check.http.path, "/");
  EXPECT_FALSE(flow("dc-ldap").check.tls.must_verify());
}

TEST(CheckKinds, SpellingsRoundTrip) {
  for (CheckKind k :
       {CheckKind::kConnect, CheckKind::kTls, CheckKind::kSmtp, CheckKind::kLdap, CheckKind::kSmb,
        CheckKind::kMsrpc, CheckKind::kNbns, CheckKind::kIscsi, CheckKind::kHttp}) {
    EXPECT_EQ(parse_check_kind(to_string(k)), k);
  }
  EXPECT_EQ(parse_check_kind("SMB"), std::nullopt);
  EXPECT_TRUE(check_fits_protocol(CheckKind::kConnect, Protocol::kUdp));
  EXPECT_TRUE(check_fits_protocol(CheckKind::kNbns, Protocol::kUdp));
  EXPECT_FALSE(check_fits_protocol(CheckKind::kNbns, Protocol::kTcp));
  EXPECT_FALSE(check_fits_protocol(CheckKind::kTls, Protocol::kUdp));
}

// Files edited on Windows: CRLF line ends and a UTF-8 byte order mark.
TEST(LoadConfigString, AcceptsCrlfAndByteOrderMark) {
  std::string yaml = "\xef\xbb\xbf" + with_flow("    ports: [22]\n    note: windows\n");
  for (std::size_t pos = yaml.find('\n'); pos != std::string::npos;
       pos = yaml.find('\n', pos + 2)) {
    yaml.insert(pos, "\r");
  }
  const Config config = load_config_string(yaml, "crlf");
  ASSERT_EQ(config.flows.size(), 1u);
  EXPECT_EQ(config.flows[0].note, "windows");
  EXPECT_EQ(config.roles[1].hosts, std::vector<std::string>{"vbr01"});
  EXPECT_EQ(error_for("\xef\xbb\xbfroles: {}\r\n"), "test.yaml:1:8: roles: no roles defined");
}

TEST(LoadConfigString, NamesTheSourceInErrors) {
  EXPECT_EQ(error_for("roles: {}\n", "inline targets"),
            "inline targets:1:8: roles: no roles defined");
  EXPECT_EQ(error_for("", "<stdin>"), "<stdin>: the file is empty");
  EXPECT_EQ(error_for(" \n\t\r\n", "<stdin>"), "<stdin>: the file is empty");
}

TEST(LoadConfigString, KeepsTheSourceName) {
  const Config config = load_config_string(with_flow("    ports: [22]\n"), "from-a-string");
  EXPECT_EQ(config.source, "from-a-string");
  ASSERT_EQ(config.flows.size(), 1u);
}

TEST(LoadConfigString, ReportsNulByteInsideText) {
  const std::string yaml("roles:\n  a\0b: {}\n", 17);
  EXPECT_EQ(error_for(yaml),
            "test.yaml:2:4: the file contains a NUL byte; expected UTF-8 text (is it binary, or "
            "UTF-16?)");
}

TEST(LoadConfigString, ReportsUtf16AsNulBytes) {
  const std::string yaml("\xff\xfer\0o\0l\0e\0s\0:\0", 14);
  EXPECT_EQ(error_for(yaml),
            "test.yaml:1:4: the file contains a NUL byte; expected UTF-8 text (is it binary, or "
            "UTF-16?)");
}

TEST(LoadConfigString, ReportsDeepNesting) {
  const std::string yaml = "roles: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  // At the 64th "[" (the top-level mapping is the first level), not at the end of the file.
  EXPECT_EQ(error_for(yaml),
            "test.yaml:1:71: the document is nested too deeply (more than 64 levels)");
  std::string nested = "roles:\n  a:\n";
  for (int depth = 2; depth < 70; ++depth)
    nested += std::string(static_cast<std::size_t>(2 * depth), ' ') + "a:\n";
  EXPECT_EQ(error_for(nested),
            "test.yaml:65:129: the document is nested too deeply (more than 64 levels)");
}

// yaml-cpp's LoadAll() loops forever on these; the loader must not.
TEST(LoadConfigString, DoesNotHangOnStrayCommas) {
  EXPECT_EQ(error_for(","), "test.yaml:1:1: invalid YAML: unexpected \",\"");
  EXPECT_EQ(error_for(",roles: {}\n"), "test.yaml:1:1: invalid YAML: unexpected \",\"");
  EXPECT_EQ(error_for("roles: {}\n---\n,\n"),
            "test.yaml:2:1: a second YAML document starts here; the file must hold only one");
  EXPECT_EQ(error_for("roles: {}\n...\n,\n"),
            "test.yaml:3:1: a second YAML document starts here; the file must hold only one");
}

TEST(LoadConfigString, AcceptsOneExplicitDocumentOnly) {
  EXPECT_EQ(error_for("---\n" + with_flow("    ports: [22]\n") + "...\n"), "");
  EXPECT_EQ(error_for(with_flow("    ports: [22]\n") + "---\n"),
            "test.yaml:9:1: a second YAML document starts here; the file must hold only one");
}

TEST(LoadConfigString, StopsAliasExpansionPastNodeBudget) {
  // 1024 hosts, named again by 1000 roles: a million nodes from a file of 20 KB.
  std::string yaml = "roles:\n  r0: {hosts: &h [";
  for (int host = 1; host <= 1024; ++host)
    yaml.append("h").append(std::to_string(host)).append(", ");
  yaml += "]}\n";
  for (int role = 1; role < 1000; ++role) {
    yaml.append("  r").append(std::to_string(role)).append(": {hosts: *h}\n");
  }
  const std::string error = error_for(yaml);
  EXPECT_TRUE(error.ends_with(
      ": the document is too large: its aliases expand it to more than 1000000 nodes"))
      << error;
}

// Flows at the limit load; one more is refused where it starts, before any node tree is built.
TEST(LoadConfigString, LimitsTheNumberOfFlows) {
  std::string yaml = "roles:\n  a: {hosts: [h]}\nflows:\n";
  for (int i = 0; i < 10000; ++i) {
    yaml += "  - {name: f" + std::to_string(i) + ", from: a, to: a, ports: [1]}\n";
  }
  EXPECT_EQ(error_for(yaml), "");
  yaml += "  - {name: one-more, from: a, to: a, ports: [1]}\n";
  EXPECT_EQ(error_for(yaml),
            "test.yaml:10004:5: flows[10000]: too many flows (the limit is 10000)");
  // Only the top-level list counts: a long list elsewhere is judged as what it is.
  std::string items;
  for (int i = 0; i < 10001; ++i) items += "1,";
  EXPECT_EQ(error_for("defaults: {flows: [" + items + "]}\n"),
            "test.yaml:1:12: unknown key \"flows\" in defaults (allowed keys: timeout, interval, "
            "concurrency, per_target_concurrency, probe_threads, trace, trace_interval, source, "
            "preflight)");
}

// A million nodes as written, no alias: too large, and the message does not blame aliases.
TEST(LoadConfigString, LimitsNodesAsWritten) {
  std::string hosts;
  hosts.reserve(2'100'000);
  for (int i = 0; i < 1'000'000; ++i) hosts += "h,";
  const std::string yaml = "roles:\n  a: {hosts: [" + hosts + "]}\nflows: []\n";
  // The 1,000,001st node: after the top map, "roles", the roles map, "a", its map, "hosts" and
  // the list come the hosts, from column 15 on, two characters each.
  EXPECT_EQ(error_for(yaml), "test.yaml:2:" + std::to_string(15 + 2 * (1'000'001 - 8)) +
                                 ": the document is too large: more than 1000000 YAML nodes");
}

// Every port as its own item is the most a list can hold (in descending order: each item is
// below all earlier ones, the costly case for the overlap check); one more item is refused at
// the list, one overlapping item at that item.
TEST(LoadConfigString, LimitsPortItemsPerFlowToOnePerPort) {
  std::string ports = "    ports: [";
  for (int port = 65535; port >= 1; --port) ports += std::to_string(port) + ",";
  EXPECT_EQ(error_for(with_flow(ports + "]\n")), "");
  EXPECT_EQ(error_for(with_flow(ports + "22]\n")),
            "test.yaml:8:12: flows[0] (f).ports: too many items (65536; at most 65535, one per "
            "port)");
  std::string overlapping = "    ports: [";
  for (int port = 60000; port >= 1000; --port) overlapping += std::to_string(port) + ",";
  const std::string column = std::to_string(overlapping.size() + 1);
  EXPECT_EQ(error_for(with_flow(overlapping + "900-1005]\n")),
            "test.yaml:8:" + column +
                ": flows[0] (f).ports[59001]: range 900-1005 overlaps port 1005 listed before");
}

TEST(LoadConfigString, DescribesWhatWasFoundInstead) {
  EXPECT_EQ(error_for(with_flow("    ports: 22\n")),
            "test.yaml:8:12: flows[0] (f).ports: expected a list, got a number");
  EXPECT_EQ(error_for(with_flow("    ports: '22'\n")),
            "test.yaml:8:12: flows[0] (f).ports: expected a list, got a string");
  EXPECT_EQ(error_for(with_flow("    ports: true\n")),
            "test.yaml:8:12: flows[0] (f).ports: expected a list, got a boolean");
  EXPECT_EQ(error_for(with_flow("    ports: {a: 1}\n")),
            "test.yaml:8:12: flows[0] (f).ports: expected a list, got a mapping");
  EXPECT_EQ(error_for(with_flow("    ports: [22]\n    protocol: [tcp]\n")),
            "test.yaml:9:15: flows[0] (f).protocol: expected tcp or udp, got a list");
  EXPECT_EQ(error_for("defaults: 1.5e3\n"),
            "test.yaml:1:11: defaults: expected a mapping, got a number");
}

TEST(LoadConfigString, AcceptsPortSpellings) {
  const Config config = load_config_string(
      with_flow("    ports: [22, '80', 2500-2600, \" 3000 - 3001 \", !!str 9]\n"), "ports");
  EXPECT_EQ(config.flows[0].ports.to_string(), "22,80,2500-2600,3000-3001,9");
}

TEST(LoadConfigString, SampleMayExceedThePortCount) {
  EXPECT_EQ(load_config_string(with_flow("    ports: [22]\n    sample: 50\n"), "s").flows[0].sample,
            50u);
  EXPECT_EQ(load_config_string(with_flow("    ports: [22]\n    sample: 99999999999\n"), "s")
                .flows[0]
                .sample,
            UINT_MAX);
}

TEST(LoadConfigString, RoleDescriptionIsOptional) {
  const Config config = load_config_string(
      "roles:\n  agent: {hosts: [a], description: Veeam Agent computer}\n"
      "  backup_server: {description: ~, hosts: [b]}\n"
      "flows:\n  - {name: f, from: agent, to: backup_server, ports: [22]}\n",
      "d");
  EXPECT_EQ(config.roles[0].description, "Veeam Agent computer");
  EXPECT_EQ(config.roles[1].description, "");
  EXPECT_EQ(error_for("roles:\n  agent: {hosts: [a], descripton: x}\n"),
            "test.yaml:2:23: unknown key \"descripton\" in roles.agent (did you mean "
            "\"description\"?)");
}

TEST(LoadConfigString, ReadsBooleansAndNotes) {
  const Config config =
      load_config_string(with_flow("    ports: [22]\n    enabled: FALSE\n    note: 42\n"), "b");
  EXPECT_FALSE(config.flows[0].enabled);
  EXPECT_EQ(config.flows[0].note, "42");
}

TEST(LoadConfigString, ChecksIntervalAgainstTimeoutPerFlow) {
  EXPECT_EQ(error_for(with_flow("    ports: [22]\n    timeout: 10s\n    interval: 5s\n")),
            "test.yaml:10:15: flows[0] (f).interval: interval 5s is shorter than timeout 10s; the "
            "interval must be at least the timeout");
  EXPECT_EQ(error_for("defaults: {interval: 1s}\n"),
            "test.yaml:1:22: defaults.interval: interval 1s is shorter than timeout 2s (built-in "
            "default); the interval must be at least the timeout");
  EXPECT_EQ(error_for("defaults: {timeout: 90s}\n"),
            "test.yaml:1:21: defaults.timeout: interval 1m (built-in default) is shorter than "
            "timeout 1m30s; the interval must be at least the timeout");
  EXPECT_EQ(error_for(with_flow("    ports: [22]\n    timeout: 1m\n    interval: 1m\n")), "");
}

TEST(LoadConfigString, RejectsTooLargeCounts) {
  EXPECT_EQ(error_for("defaults: {concurrency: 4294967296}\n"),
            "test.yaml:1:25: defaults.concurrency: 4294967296 is too large (at most 4294967295)");
  EXPECT_EQ(error_for("defaults: {concurrency: -1}\n"),
            "test.yaml:1:25: defaults.concurrency: expected a positive integer, got \"-1\"");
}

TEST(LoadConfigString, SuggestsCaseInsensitively) {
  EXPECT_EQ(error_for("Roles: {}\n"),
            "test.yaml:1:1: unknown key \"Roles\" at the top level (did you mean \"roles\"?)");
}

TEST(LoadConfigString, ListsRolesWhenNoneIsClose) {
  EXPECT_EQ(error_for("roles:\n  agent: {hosts: [a]}\n  backup_server: {hosts: [b]}\n"
                      "flows:\n  - {name: f, from: agent, to: proxy, ports: [22]}\n"),
            "test.yaml:5:32: flows[0] (f).to: unknown role \"proxy\" (defined roles: agent, "
            "backup_server)");
}

TEST(LoadConfigString, QuotesUserTextSafely) {
  EXPECT_EQ(error_for(with_flow("    ports: [\"a\\tb\\\"c\"]\n")),
            "test.yaml:8:13: flows[0] (f).ports[0]: \"a\\x09b\\\"c\" is not a port or range "
            "(expected e.g. 22 or 2500-3300)");
  EXPECT_EQ(error_for("roles:\n  agent: {hosts: [\"" + std::string(100, 'x') + " y\"]}\n"),
            "test.yaml:2:19: roles.agent.hosts[0]: invalid host \"" + std::string(60, 'x') +
                "...\" (host names contain no blanks or control characters)");
}

TEST(LoadConfigString, RejectsEmptyKeys) {
  EXPECT_EQ(error_for("roles:\n  agent: {hosts: [a]}\n\"\": 1\n"),
            "test.yaml:3:1: empty key at the top level");
}

TEST(ConfigNames, RoundTrip) {
  for (Protocol p : {Protocol::kTcp, Protocol::kUdp}) EXPECT_EQ(parse_protocol(to_string(p)), p);
  for (Expectation e : {Expectation::kOpen, Expectation::kReachable, Expectation::kClosed}) {
    EXPECT_EQ(parse_expectation(to_string(e)), e);
  }
  for (Severity s : {Severity::kCritical, Severity::kWarning}) {
    EXPECT_EQ(parse_severity(to_string(s)), s);
  }
  EXPECT_EQ(to_string(Protocol::kUdp), "udp");
  EXPECT_EQ(to_string(Expectation::kReachable), "reachable");
  EXPECT_EQ(to_string(Severity::kWarning), "warning");
}

TEST(ConfigNames, RejectsOtherSpellings) {
  EXPECT_EQ(parse_protocol("TCP"), std::nullopt);
  EXPECT_EQ(parse_protocol(""), std::nullopt);
  EXPECT_EQ(parse_expectation("opened"), std::nullopt);
  EXPECT_EQ(parse_severity("warn"), std::nullopt);
}

TEST(Config, FindsRolesByName) {
  Config config;
  config.roles = {Role{"agent", {"a"}, {}}, Role{"backup_server", {"b"}, {}}};
  ASSERT_NE(config.find_role("backup_server"), nullptr);
  EXPECT_EQ(config.find_role("backup_server")->hosts, std::vector<std::string>{"b"});
  EXPECT_EQ(config.find_role("backup"), nullptr);
}

}  // namespace
}  // namespace vpm

namespace vpm {
namespace {

// `source:` on flows and in defaults (issue 16): the flow's own wins, defaults' otherwise.
TEST(LoadConfigSource, FlowsTakeTheSourceFromDefaultsUnlessTheySetIt) {
  const Config config = load_config_string(
      "defaults: {source: 192.0.2.10}\n"
      "roles: {a: {hosts: [h1]}, b: {hosts: [h2]}}\n"
      "flows:\n"
      "  - {name: inherits, from: a, to: b, ports: [1]}\n"
      "  - {name: own, from: a, to: b, ports: [2], source: '2001:db8::7'}\n",
      "source.yaml");
  EXPECT_EQ(config.defaults.source, "192.0.2.10");
  EXPECT_EQ(config.flows[0].source, "192.0.2.10");
  EXPECT_EQ(config.flows[1].source, "2001:db8::7");
  EXPECT_EQ(load_config_string("roles: {a: {hosts: [h1]}}\nflows:\n"
                               "  - {name: f, from: a, to: a, ports: [1]}\n",
                               "default.yaml")
                .flows[0]
                .source,
            "");
}

// `trace:` on flows and in defaults (issue 15): the flow's own wins, defaults' otherwise.
TEST(LoadConfigTrace, FlowsTakeTraceFromDefaultsUnlessTheySetIt) {
  const Config config = load_config_string(
      "defaults: {trace: false, trace_interval: 5m}\n"
      "roles: {a: {hosts: [h1]}, b: {hosts: [h2]}}\n"
      "flows:\n"
      "  - {name: inherits, from: a, to: b, ports: [1]}\n"
      "  - {name: own, from: a, to: b, ports: [2], trace: true}\n",
      "trace.yaml");
  EXPECT_FALSE(config.defaults.trace);
  EXPECT_EQ(config.defaults.trace_interval, Duration(300000));
  EXPECT_FALSE(config.flows[0].trace);
  EXPECT_TRUE(config.flows[1].trace);
  EXPECT_TRUE(load_config_string("roles: {a: {hosts: [h1]}}\nflows:\n"
                                 "  - {name: f, from: a, to: a, ports: [1]}\n",
                                 "default.yaml")
                  .flows[0]
                  .trace);
}

TEST(LoadConfigTrace, ANonBooleanTraceIsAnErrorWithItsPlace) {
  try {
    load_config_string(
        "roles: {a: {hosts: [h1]}}\nflows:\n"
        "  - {name: f, from: a, to: a, ports: [1], trace: sometimes}\n",
        "bad.yaml");
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "bad.yaml:3:50: flows[0] (f).trace: expected true or false, got \"sometimes\"");
  }
}

}  // namespace
}  // namespace vpm
