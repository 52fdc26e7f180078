// The built check_veeam_ports against real sockets on 127.0.0.1: exit codes, the status line,
// perfdata, and the UNKNOWN paths. Loopback only, by design.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "support/fake_server.h"
#include "support/loopback.h"
#include "support/openssl_loading.h"
#include "support/subprocess.h"
#include "support/test_certs.h"

namespace vpm::test {
namespace {

constexpr int kOk = 0;
constexpr int kWarning = 1;
constexpr int kCritical = 2;
constexpr int kUnknown = 3;

CommandResult check(const std::string& args) {
  return run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + args, std::chrono::seconds(30));
}

std::string first_line(const std::string& out) { return out.substr(0, out.find('\n')); }

// The status line must read the same to every Nagios-compatible consumer.
void expect_plugin_output(const CommandResult& r) {
  EXPECT_FALSE(r.timed_out);
  const std::string line = first_line(r.out);
  EXPECT_TRUE(std::regex_match(line, std::regex("^VEEAM PORTS (OK|WARNING|CRITICAL|UNKNOWN) - .*")))
      << r.out;
  EXPECT_LT(r.out.size(), 8192u);
  EXPECT_EQ(r.err, "");
}

struct Datum {
  std::string label, value, uom, warn, crit, min, max;
};

// 'label'=value[uom];warn;crit;min;max ... after " | " on the first line.
std::vector<Datum> perfdata(const std::string& out) {
  std::vector<Datum> data;
  const std::string line = first_line(out);
  const std::size_t bar = line.find(" | ");
  if (bar == std::string::npos) return data;
  static const std::regex datum(
      R"('((?:[^']|'')*)'=(U|-?[0-9.]+)([a-zA-Z%]*)(?:;([^; ]*))?(?:;([^; ]*))?(?:;([^; ]*))?(?:;([^; ]*))?( |$))");
  const std::string text = line.substr(bar + 3);
  auto begin = std::sregex_iterator(text.begin(), text.end(), datum);
  std::size_t consumed = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(static_cast<std::size_t>(it->position()), consumed) << "garbage in " << text;
    consumed = static_cast<std::size_t>(it->position() + it->length());
    const std::smatch& m = *it;
    std::string label = m[1];
    for (std::size_t q = label.find("''"); q != std::string::npos; q = label.find("''", q + 1)) {
      label.erase(q, 1);
    }
    data.push_back({label, m[2], m[3], m[4], m[5], m[6], m[7]});
  }
  EXPECT_EQ(consumed, text.size()) << "unparsed perfdata: " << text;
  return data;
}

const Datum* find(const std::vector<Datum>& data, const std::string& label) {
  for (const Datum& d : data) {
    if (d.label == label) return &d;
  }
  return nullptr;
}

// A temporary target file, removed again at the end of the test.
class TempConfig {
 public:
  explicit TempConfig(const std::string& yaml) {
    static std::atomic<int> counter{0};
    path_ = ::testing::TempDir() + "vpm-check-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++) + ".yaml";
    std::ofstream(path_) << yaml;
  }
  ~TempConfig() { std::remove(path_.c_str()); }
  TempConfig(const TempConfig&) = delete;
  TempConfig& operator=(const TempConfig&) = delete;
  const std::string& path() const { return path_; }
  std::string arg() const { return "--config " + shell_quote(path_); }

 private:
  std::string path_;
};

std::string port_text(std::uint16_t port) { return std::to_string(port); }

TEST(E2ECheckTest, OpenPortIsOk) {
  TcpListener listener;
  const CommandResult r = check("-H 127.0.0.1 -p " + port_text(listener.port()) + " --expect open");
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_EQ(first_line(r.out).rfind("VEEAM PORTS OK - 1 flow OK (1 port on 1 target) | ", 0), 0u)
      << r.out;
  const auto data = perfdata(r.out);
  ASSERT_EQ(data.size(), 3u) << r.out;
  EXPECT_EQ(data[0].label, "adhoc@127.0.0.1");
  EXPECT_NE(data[0].value, "U");
  EXPECT_GT(std::stod(data[0].value), 0.0);
  EXPECT_LT(std::stod(data[0].value), 2.0);
  EXPECT_EQ(data[0].uom, "s");
  EXPECT_EQ(data[0].min, "0");
  EXPECT_EQ(data[0].max, "2");
  EXPECT_EQ(data[1].label, "adhoc_failed");
  EXPECT_EQ(data[1].value, "0");
  EXPECT_EQ(data[1].max, "1");
  EXPECT_EQ(data[2].label, "adhoc_probed");
  EXPECT_EQ(data[2].value, "1");
  EXPECT_EQ(data[2].max, "1");
  EXPECT_NE(r.out.find("[OK] adhoc -> 127.0.0.1 (127.0.0.1) tcp expect open: 1 open; latency "),
            std::string::npos)
      << r.out;
}

TEST(E2ECheckTest, RefusedPortIsCritical) {
  const std::uint16_t port = closed_tcp_port();
  const CommandResult r = check("-H 127.0.0.1 -p " + port_text(port));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kCritical) << r.out;
  EXPECT_EQ(first_line(r.out).rfind(
                "VEEAM PORTS CRITICAL - adhoc 127.0.0.1 tcp/" + port_text(port) + " refused (", 0),
            0u)
      << r.out;
  // No latency was measured, so there is no latency value (Icinga 2 rejects "U").
  const auto data = perfdata(r.out);
  EXPECT_EQ(find(data, "adhoc@127.0.0.1"), nullptr) << r.out;
  ASSERT_NE(find(data, "adhoc_failed"), nullptr);
  EXPECT_EQ(find(data, "adhoc_failed")->value, "1");
}

TEST(E2ECheckTest, RefusedPortIsFineWhenReachableIsExpected) {
  const CommandResult r =
      check("-H 127.0.0.1 -p " + port_text(closed_tcp_port()) + " --expect reachable");
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
}

TEST(E2ECheckTest, ClosedExpectationFailsOnAnOpenPort) {
  TcpListener listener;
  const CommandResult open =
      check("-H 127.0.0.1 -p " + port_text(listener.port()) + " --expect closed");
  expect_plugin_output(open);
  EXPECT_EQ(open.exit_code, kCritical) << open.out;
  EXPECT_NE(first_line(open.out).find("open (expected closed)"), std::string::npos) << open.out;

  const CommandResult closed =
      check("-H 127.0.0.1 -p " + port_text(closed_tcp_port()) + " --expect=closed");
  expect_plugin_output(closed);
  EXPECT_EQ(closed.exit_code, kOk) << closed.out;
}

TEST(E2ECheckTest, MixedPortsAreSummarisedByState) {
  TcpListener listener;
  const std::uint16_t refused = closed_tcp_port();
  const CommandResult r =
      check("-H 127.0.0.1 -p " + port_text(listener.port()) + "," + port_text(refused) + " -v");
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kCritical) << r.out;
  EXPECT_NE(r.out.find("tcp expect open: 1 open, 1 refused; latency "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  " + port_text(listener.port()) + ": 1 open\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n  " + port_text(refused) + ": 1 refused ("), std::string::npos) << r.out;
  const auto data = perfdata(r.out);
  ASSERT_NE(find(data, "adhoc_failed"), nullptr);
  EXPECT_EQ(find(data, "adhoc_failed")->value, "1");
  EXPECT_EQ(find(data, "adhoc_failed")->max, "2");
}

TEST(E2ECheckTest, SeveralHostsEachGetALatencyWhenTheyMeasuredOne) {
  TcpListener listener;
  // ::1 may or may not exist in the test environment; either way nothing listens there.
  const CommandResult r = check("-H 127.0.0.1,::1 -p " + port_text(listener.port()));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kCritical) << r.out;
  const auto data = perfdata(r.out);
  ASSERT_NE(find(data, "adhoc@127.0.0.1"), nullptr) << r.out;
  EXPECT_NE(find(data, "adhoc@127.0.0.1")->value, "U");
  EXPECT_EQ(find(data, "adhoc@::1"), nullptr) << r.out;  // failed: no latency, never "U"
  ASSERT_NE(find(data, "adhoc_failed"), nullptr) << r.out;
  EXPECT_EQ(find(data, "adhoc_failed")->value, "1");
}

TEST(E2ECheckTest, UdpStates) {
  const CommandResult refused =
      check("-H 127.0.0.1 --udp -t 0.5 -p " + port_text(closed_udp_port()));
  expect_plugin_output(refused);
  EXPECT_EQ(refused.exit_code, kCritical) << refused.out;
  EXPECT_NE(first_line(refused.out).find(" udp/"), std::string::npos) << refused.out;

  SilentUdpSocket silent;
  const CommandResult quiet =
      check("-H 127.0.0.1 --udp -t 0.3 --expect reachable -p " + port_text(silent.port()));
  expect_plugin_output(quiet);
  EXPECT_EQ(quiet.exit_code, kOk) << quiet.out;
  EXPECT_NE(quiet.out.find("(open_filtered: no reply; a silent service and a dropping firewall "
                           "look the same)"),
            std::string::npos)
      << quiet.out;

  UdpEchoResponder echo;
  const CommandResult answered = check("-H 127.0.0.1 --udp -t 1 -p " + port_text(echo.port()));
  expect_plugin_output(answered);
  EXPECT_EQ(answered.exit_code, kOk) << answered.out;
}

TEST(E2ECheckTest, TimeoutShowsAsThePerfdataMaximum) {
  TcpListener listener;
  const CommandResult r = check("-H 127.0.0.1 -t 0.5 -p " + port_text(listener.port()));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  const auto data = perfdata(r.out);
  ASSERT_NE(find(data, "adhoc@127.0.0.1"), nullptr) << r.out;
  EXPECT_EQ(find(data, "adhoc@127.0.0.1")->max, "0.5");
}

TEST(E2ECheckTest, LatencyThresholds) {
  TcpListener listener;
  const std::string base = "-H 127.0.0.1 -p " + port_text(listener.port());

  const CommandResult wide = check(base + " -w 10 -c 20");
  expect_plugin_output(wide);
  EXPECT_EQ(wide.exit_code, kOk) << wide.out;
  const auto data = perfdata(wide.out);
  ASSERT_NE(find(data, "adhoc@127.0.0.1"), nullptr) << wide.out;
  EXPECT_EQ(find(data, "adhoc@127.0.0.1")->warn, "10");
  EXPECT_EQ(find(data, "adhoc@127.0.0.1")->crit, "20");

  // Any latency at all lies inside @0:10.
  const CommandResult critical = check(base + " -w 10 -c @0:10");
  expect_plugin_output(critical);
  EXPECT_EQ(critical.exit_code, kCritical) << critical.out;
  EXPECT_NE(first_line(critical.out).find("adhoc@127.0.0.1 latency "), std::string::npos)
      << critical.out;
  EXPECT_NE(first_line(critical.out).find(" in critical @0:10"), std::string::npos) << critical.out;

  const CommandResult warning = check(base + " --warning=@0:10 --critical=20");
  expect_plugin_output(warning);
  EXPECT_EQ(warning.exit_code, kWarning) << warning.out;
  EXPECT_NE(first_line(warning.out).find(" in warning @0:10"), std::string::npos) << warning.out;
}

TEST(E2ECheckTest, ConfigModeSeverities) {
  TcpListener listener;
  const std::uint16_t refused = closed_tcp_port();
  const TempConfig config(
      "defaults:\n"
      "  timeout: 1s\n"
      "roles:\n"
      "  agent:\n"
      "    hosts: [127.0.0.1]\n"
      "  backup-server:\n"
      "    hosts: [127.0.0.1]\n"
      "  spare:\n"
      "    hosts: [127.0.0.1]\n"
      "flows:\n"
      "  - name: agent-to-backup-server-control\n"
      "    from: agent\n"
      "    to: backup-server\n"
      "    ports: [" +
      port_text(listener.port()) +
      "]\n"
      "  - name: agent-to-optional-service\n"
      "    from: agent\n"
      "    to: backup-server\n"
      "    ports: [" +
      port_text(refused) +
      "]\n"
      "    severity: warning\n"
      "  - name: server-to-agent\n"
      "    from: backup-server\n"
      "    to: agent\n"
      "    ports: [" +
      port_text(refused) +
      "]\n"
      "  - name: spare-flow\n"
      "    from: spare\n"
      "    to: agent\n"
      "    ports: [" +
      port_text(listener.port()) +
      "]\n"
      "    enabled: false\n");

  const CommandResult agent = check(config.arg() + " --role agent");
  expect_plugin_output(agent);
  EXPECT_EQ(agent.exit_code, kWarning) << agent.out;
  EXPECT_NE(first_line(agent.out).find("1 of 2 flows failing: agent-to-optional-service "
                                       "127.0.0.1 tcp/" +
                                       port_text(refused) + " refused"),
            std::string::npos)
      << agent.out;
  const auto data = perfdata(agent.out);
  EXPECT_NE(find(data, "agent-to-backup-server-control@127.0.0.1"), nullptr) << agent.out;
  EXPECT_NE(find(data, "agent-to-optional-service_failed"), nullptr) << agent.out;
  EXPECT_EQ(find(data, "server-to-agent@127.0.0.1"), nullptr) << agent.out;
  ASSERT_NE(find(data, "agent-to-backup-server-control@127.0.0.1"), nullptr);
  EXPECT_EQ(find(data, "agent-to-backup-server-control@127.0.0.1")->max, "1");

  const CommandResult all = check(config.arg());
  expect_plugin_output(all);
  EXPECT_EQ(all.exit_code, kCritical) << all.out;
  EXPECT_EQ(first_line(all.out).rfind("VEEAM PORTS CRITICAL - 2 of 3 flows failing: "
                                      "server-to-agent ",
                                      0),
            0u)
      << all.out;

  // -t overrides every flow's timeout; --concurrency is accepted in config mode.
  const CommandResult fast = check(config.arg() + " --role agent -t 0.25 --concurrency 4");
  expect_plugin_output(fast);
  EXPECT_EQ(fast.exit_code, kWarning) << fast.out;
  ASSERT_NE(find(perfdata(fast.out), "agent-to-backup-server-control@127.0.0.1"), nullptr);
  EXPECT_EQ(find(perfdata(fast.out), "agent-to-backup-server-control@127.0.0.1")->max, "0.25");

  const CommandResult none = check(config.arg() + " --role spare");
  expect_plugin_output(none);
  EXPECT_EQ(none.exit_code, kUnknown) << none.out;
  EXPECT_EQ(first_line(none.out), "VEEAM PORTS UNKNOWN - no enabled flows from role \"spare\"");

  const CommandResult unknown_role = check(config.arg() + " --role nobody");
  expect_plugin_output(unknown_role);
  EXPECT_EQ(unknown_role.exit_code, kUnknown) << unknown_role.out;
  EXPECT_NE(first_line(unknown_role.out).find("\"nobody\""), std::string::npos) << unknown_role.out;
}

// A flow probing a sample of its ports each run: --all-ports probes every one of them, and
// finds the closed port a run's sample may miss.
TEST(E2ECheckTest, AllPortsProbesEveryPortWhateverTheSample) {
  const TcpListener first;
  const TcpListener second;
  const std::uint16_t refused = closed_tcp_port();
  const TempConfig config(
      "defaults: {timeout: 1s, interval: 24h}\nroles:\n"
      "  agent: {hosts: [127.0.0.1]}\n  repo: {hosts: [127.0.0.1]}\n"
      "flows:\n  - {name: repo-data, from: agent, to: repo, sample: 1, ports: [" +
      port_text(first.port()) + ", " + port_text(second.port()) + ", " + port_text(refused) +
      "]}\n");
  const CommandResult sampled = check(config.arg() + " --role agent");
  expect_plugin_output(sampled);
  const std::vector<Datum> sampled_data = perfdata(sampled.out);
  const Datum* probed = find(sampled_data, "repo-data_probed");
  ASSERT_NE(probed, nullptr) << sampled.out;
  EXPECT_EQ(probed->value, "1") << sampled.out;

  const CommandResult all = check(config.arg() + " --role agent --all-ports");
  expect_plugin_output(all);
  EXPECT_EQ(all.exit_code, kCritical) << all.out;
  EXPECT_NE(first_line(all.out).find("tcp/" + port_text(refused) + " refused"), std::string::npos)
      << all.out;
  const std::vector<Datum> data = perfdata(all.out);
  ASSERT_NE(find(data, "repo-data_probed"), nullptr) << all.out;
  EXPECT_EQ(find(data, "repo-data_probed")->value, "3") << all.out;
  ASSERT_NE(find(data, "repo-data_failed"), nullptr) << all.out;
  EXPECT_EQ(find(data, "repo-data_failed")->value, "1") << all.out;
}

TEST(E2ECheckTest, BadConfigIsUnknownWithItsPosition) {
  const TempConfig config(
      "roles:\n"
      "  agent:\n"
      "    hosts: [127.0.0.1]\n"
      "flows:\n"
      "  - name: f\n"
      "    from: agent\n"
      "    to: agent\n"
      "    prots: [22]\n");
  const CommandResult r = check(config.arg());
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kUnknown) << r.out;
  EXPECT_TRUE(std::regex_search(first_line(r.out), std::regex("^VEEAM PORTS UNKNOWN - " +
                                                              config.path() + ":[0-9]+:[0-9]+: ")))
      << r.out;

  const CommandResult missing = check("--config " + shell_quote(config.path() + ".missing"));
  expect_plugin_output(missing);
  EXPECT_EQ(missing.exit_code, kUnknown) << missing.out;
  EXPECT_NE(first_line(missing.out).find(config.path() + ".missing"), std::string::npos)
      << missing.out;
}

TEST(E2ECheckTest, UsageErrorsAreUnknown) {
  struct Case {
    std::string args;
    std::string line;
  };
  const std::vector<Case> cases = {
      {"", "VEEAM PORTS UNKNOWN - give either --config FILE, or -H/--hostname and -p/--ports"},
      {"--foo", "VEEAM PORTS UNKNOWN - unknown option \"--foo\""},
      {"-H", "VEEAM PORTS UNKNOWN - -H/--hostname needs a value"},
      {"-H 127.0.0.1 -p 70000",
       "VEEAM PORTS UNKNOWN - -p/--ports: port 70000 is out of range 1-65535"},
      {"-H 127.0.0.1 -p 22 -t 0",
       "VEEAM PORTS UNKNOWN - -t/--timeout: \"0\" must be greater than 0"},
      {"-H 127.0.0.1 -p 22 -w 20:10",
       "VEEAM PORTS UNKNOWN - -w/--warning: start 20 is greater than end 10"},
      {"--config x.yaml -H 127.0.0.1",
       "VEEAM PORTS UNKNOWN - --config cannot be combined with -H/--hostname (ad-hoc mode)"},
  };
  for (const Case& c : cases) {
    const CommandResult r = check(c.args);
    expect_plugin_output(r);
    EXPECT_EQ(r.exit_code, kUnknown) << c.args;
    EXPECT_EQ(r.out, c.line + "\n") << c.args;
  }
}

TEST(E2ECheckTest, HelpAndVersionExitUnknown) {
  for (const char* flag : {"-h", "--help"}) {
    const CommandResult r = check(flag);
    EXPECT_EQ(r.exit_code, kUnknown) << flag;
    EXPECT_EQ(r.out.rfind("Usage:", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("--config FILE"), std::string::npos);
  }
  for (const char* flag : {"-V", "--version"}) {
    const CommandResult r = check(flag);
    EXPECT_EQ(r.exit_code, kUnknown) << flag;
    EXPECT_TRUE(std::regex_match(r.out, std::regex("check_veeam_ports [0-9]+\\.[0-9]+\\.[0-9]+\n")))
        << r.out;
  }
}

// OpenSSL is loaded when TLS is first used, not at start-up (vpm/openssl_runtime.h). The dynamic
// linker's own log (LD_DEBUG=files) lists every library a whole run loaded.
std::string one_flow_config(std::uint16_t port, const std::string& check_lines = "") {
  return "roles:\n"
         "  agent: {hosts: [127.0.0.1]}\n"
         "flows:\n"
         "  - name: flow\n"
         "    from: agent\n"
         "    to: agent\n"
         "    ports: [" +
         port_text(port) + "]\n" + check_lines;
}

std::string tls_check_lines(const TestCert& cert) {
  return "    check: tls\n"
         "    tls: {server_name: localhost, ca_file: \"" +
         cert.cert_file + "\", verify: true}\n";
}

TEST(E2ECheckTest, LoadsNoOpensslForPlainTcpFlows) {
  TcpListener listener;
  const TempDir dir;
  const TempConfig config(one_flow_config(listener.port()));
  const std::string log = dir.path() + "/ld";
  const CommandResult r =
      run_command(with_load_log(shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + config.arg(), log));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  const std::string loaded = loaded_libraries(log);
  EXPECT_NE(loaded.find("file=libyaml-cpp"), std::string::npos) << "no load log: " << loaded;
  EXPECT_EQ(loaded.find("libssl"), std::string::npos) << loaded;
  EXPECT_EQ(loaded.find("libcrypto"), std::string::npos) << loaded;
}

TEST(E2ECheckTest, LoadsOpensslForATlsFlowAndChecksIt) {
  const TempDir dir;
  const TestCert cert = make_self_signed(dir.path(), "server", {});
  FakeTcpServer server([&cert](int fd) { serve_tls(fd, cert); });
  const TempConfig config(one_flow_config(server.port(), tls_check_lines(cert)));
  const std::string log = dir.path() + "/ld";
  const CommandResult r =
      run_command(with_load_log(shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + config.arg(), log));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_NE(r.out.find("1 open; latency "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; certificate expires in 364 days"), std::string::npos) << r.out;
  const std::string loaded = loaded_libraries(log);
  EXPECT_NE(loaded.find("file=libssl.so.3 [0];  dynamically loaded by"), std::string::npos)
      << loaded;
}

// -v says what answered on the passing TLS port, and the perfdata times the handshake.
TEST(E2ECheckTest, VerboseSaysWhatAnsweredAndPerfdataTimesTheExchange) {
  const TempDir dir;
  const TestCert cert = make_self_signed(dir.path(), "server", {});
  FakeTcpServer server([&cert](int fd) { serve_tls(fd, cert); });
  const TempConfig config(one_flow_config(server.port(), tls_check_lines(cert)));
  const CommandResult r = check(config.arg() + " -v");
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\n  " + std::to_string(server.port()) +
                        ": 1 open \\(TLS 1\\.[23], certificate CN=localhost, 364 days left, "
                        "verified\\)\n")))
      << r.out;
  const auto data = perfdata(r.out);
  const auto service = std::find_if(data.begin(), data.end(),
                                    [](const Datum& d) { return d.label == "flow_service"; });
  ASSERT_NE(service, data.end()) << r.out;
  EXPECT_GT(std::stod(service->value), 0.0);
  EXPECT_EQ(service->uom, "s");
  EXPECT_EQ(service->max, "2");
}

// As if libssl3 were missing: plain TCP flows are checked as ever, a tls flow is a tls_error
// that names the library.
TEST(E2ECheckTest, WithoutLibsslATlsFlowIsATlsErrorNamingIt) {
  if (const auto why = why_nothing_can_be_hidden()) GTEST_SKIP() << *why;
  ASSERT_NE(libssl_file(), "");
  TcpListener listener;
  const TempConfig plain(one_flow_config(listener.port()));
  const CommandResult ok = run_command(
      with_hidden(libssl_file(), shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + plain.arg()));
  expect_plugin_output(ok);
  EXPECT_EQ(ok.exit_code, kOk) << ok.out;

  const TempDir dir;
  const TestCert cert = make_self_signed(dir.path(), "server", {});
  FakeTcpServer server([&cert](int fd) { serve_tls(fd, cert); });
  const TempConfig tls(one_flow_config(server.port(), tls_check_lines(cert)));
  const CommandResult r =
      run_command(with_hidden(libssl_file(), shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + tls.arg()));
  expect_plugin_output(r);
  EXPECT_EQ(r.exit_code, kCritical) << r.out;
  EXPECT_NE(first_line(r.out).find(" tls_error (cannot load libssl.so.3: "), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace vpm::test
