// The cross-built veeam_port_exporter.exe under Wine (issue 8), as a real process serving real
// HTTP on 127.0.0.1 and probing real listeners there: /metrics, a reload over HTTP, basic auth
// against a bcrypt hash made by libxcrypt (bcrypt.cc verifies it on Windows), TLS with client
// certificates, --log.file, bad configs, and the Windows service through Wine's Service Control
// Manager (sc start/stop).
// Skipped, saying why, when Wine or the cross build is absent.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bcrypt_hash.h"
#include "child_process.h"
#include "gunzip.h"
#include "http_client.h"
#include "support/loopback.h"
#include "support/subprocess.h"
#include "support/test_certs.h"
#include "support/veeam_export_xml.h"
#include "temp_dir.h"
#include "wine_support.h"

namespace vpm::test {
namespace {

using namespace std::chrono_literals;
using exporter::test::ChildProcess;
using exporter::test::free_tcp_port;
using exporter::test::http_get;
using exporter::test::http_request;
using exporter::test::HttpRequest;
using exporter::test::HttpResponse;
using exporter::test::read_text_file;
using exporter::test::TempDir;
using exporter::test::wait_for_text;

// Wine starts a program in one to several seconds, longer while other builds load the machine.
constexpr auto kStartLimit = 60s;

std::string config_yaml(std::uint16_t open_port, std::uint16_t refused_port,
                        const std::string& refused_name = "refused-flow") {
  return "defaults: {timeout: 2s, interval: 60s}\n"
         "roles:\n"
         "  agent: {hosts: [127.0.0.1]}\n"
         "  backup_server: {hosts: [127.0.0.1]}\n"
         "flows:\n"
         "  - {name: open-flow, from: agent, to: backup_server, ports: [" +
         std::to_string(open_port) +
         "], expect: open}\n"
         "  - {name: " +
         refused_name + ", from: agent, to: backup_server, ports: [" +
         std::to_string(refused_port) + "], expect: open}\n";
}

// The value of the one series `name{...parts...}` in a /metrics body; nullopt if absent.
std::optional<std::string> sample(const std::string& metrics, const std::string& name,
                                  const std::string& part) {
  const std::regex line("(^|\n)" + name + "\\{[^}]*" + part + "[^}]*\\} ([^\n]+)");
  std::smatch m;
  if (!std::regex_search(metrics, m, line)) return std::nullopt;
  return m[2].str();
}

// "Z:/tmp/..." : how a Windows program under Wine names a host path.
std::string z(const std::string& path) { return "Z:" + path; }

class WineExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wine_ = wine_program();
    if (wine_.empty()) GTEST_SKIP() << "Wine is not installed (Debian package wine64)";
    exporter_ = windows_build_dir() + "/exporter/veeam_port_exporter.exe";
    if (!std::filesystem::exists(exporter_)) {
      GTEST_SKIP() << "no cross build: " << exporter_
                   << " is missing (scripts/windows-build-and-test.sh builds it)";
    }
    ::setenv("WINEPREFIX", wine_prefix().c_str(), 1);
    ::setenv("WINEDEBUG", "-all", 1);
    config_ = dir_.write("targets.yaml", config_yaml(listener_.port(), refused_port_));
  }

  // The exporter in the console, as a child process; its log goes to `log_name` in dir_.
  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& flags,
                                      const std::string& log_name = "exporter.err") const {
    std::vector<std::string> argv = {wine_, exporter_};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<ChildProcess>(argv, dir_.file("exporter.out"), dir_.file(log_name));
  }

  // Waits for "Listening on" and "Ready" in the log; returns the port, 0 if it did not listen.
  std::uint16_t wait_ready(const std::string& log_path) const {
    const std::string log = wait_for_text(log_path, "msg=\"Ready:", kStartLimit);
    static const std::regex address("msg=\"Listening on\" address=127\\.0\\.0\\.1:([0-9]+)");
    std::smatch m;
    if (!std::regex_search(log, m, address)) return 0;
    return static_cast<std::uint16_t>(std::stoi(m[1]));
  }

  CommandResult run_exe(const std::string& args) const {
    return run_command(shell_quote(wine_) + " " + shell_quote(exporter_) + " " + args, 120s);
  }

  std::string wine_;
  std::string exporter_;
  TempDir dir_;
  TcpListener listener_;
  std::uint16_t refused_port_ = closed_tcp_port();
  std::string config_;
};

TEST_F(WineExporterTest, ServesFlowMetricsFromRealListeners) {
  auto exporter = start({"--config.file=" + z(config_), "--web.listen-address=127.0.0.1:0"});
  const std::uint16_t port = wait_ready(dir_.file("exporter.err"));
  ASSERT_NE(port, 0) << read_text_file(dir_.file("exporter.err"));
  const HttpResponse r = http_get(port, "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(sample(r.body, "veeam_flow_up", "flow=\"open-flow\""), "1") << r.body;
  EXPECT_EQ(sample(r.body, "veeam_flow_up", "flow=\"refused-flow\""), "0") << r.body;
  EXPECT_EQ(sample(r.body, "veeam_flow_ports", "flow=\"refused-flow\"[^}]*state=\"refused\""), "1")
      << r.body;
  // From the Windows process counters (GetProcessTimes, GetProcessMemoryInfo).
  EXPECT_NE(r.body.find("\nprocess_cpu_seconds_total "), std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_start_time_seconds "), std::string::npos);
  EXPECT_EQ(http_get(port, "/-/healthy").status, 200);
  EXPECT_EQ(http_get(port, "/-/ready").status, 200);
  // As Prometheus asks: gzip, the head written by the exporter itself (response_head.h).
  HttpRequest gzip_request;
  gzip_request.path = "/metrics";
  gzip_request.headers = {"Accept-Encoding: gzip"};
  const HttpResponse zipped = http_request(port, gzip_request);
  ASSERT_EQ(zipped.status, 200) << zipped.error;
  EXPECT_NE(zipped.headers.find("Content-Encoding: gzip"), std::string::npos) << zipped.headers;
  EXPECT_NE(zipped.headers.find("Date: "), std::string::npos) << zipped.headers;
  const std::string text = vpm::exporter::test::gunzip(zipped.body);
  EXPECT_EQ(sample(text, "veeam_flow_up", "flow=\"open-flow\""), "1") << text;
  EXPECT_NE(text.find("\nprocess_resident_memory_bytes "), std::string::npos);
}

// --veeam.export-file in the Windows build: the export's backup server, on its ServerPort.
TEST_F(WineExporterTest, ProbesTheVeeamAgentExport) {
  const TcpListener backup_server(2);
  const std::string flow = "agent-to-backup-server-port-" + std::to_string(backup_server.port());
  const std::string veeam = dir_.write(
      "agent.xml",
      vpm::test::veeam_export_xml({{"B", "Type='3' ServerName='127.0.0.2' ServerPort='" +
                                             std::to_string(backup_server.port()) + "'"}}));
  auto exporter =
      start({"--config.file=" + z(VPM_SOURCE_DIR "/config/targets.yaml"), "--role=agent",
             "--veeam.export-file=" + z(veeam), "--web.listen-address=127.0.0.1:0"});
  const std::uint16_t port = wait_ready(dir_.file("exporter.err"));
  ASSERT_NE(port, 0) << read_text_file(dir_.file("exporter.err"));
  const HttpResponse r = http_get(port, "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(sample(r.body, "veeam_flow_up", "flow=\"" + flow + "\""), "1") << r.body;
  EXPECT_NE(read_text_file(dir_.file("exporter.err")).find("kind=role detail=\"backup_server: "),
            std::string::npos);
}

TEST_F(WineExporterTest, ReloadsOverHttp) {
  auto exporter = start({"--config.file=" + z(config_), "--web.listen-address=127.0.0.1:0",
                         "--web.enable-lifecycle"});
  const std::uint16_t port = wait_ready(dir_.file("exporter.err"));
  ASSERT_NE(port, 0) << read_text_file(dir_.file("exporter.err"));
  dir_.write("targets.yaml", config_yaml(listener_.port(), refused_port_, "renamed-flow"));
  HttpRequest post;
  post.method = "POST";
  post.path = "/-/reload";
  const HttpResponse reload = http_request(port, post);
  EXPECT_EQ(reload.status, 200) << reload.body << reload.error;
  // The reload answers once the new flows are scheduled; their first run follows at once.
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = http_get(port, "/metrics").body;
    if (sample(metrics, "veeam_flow_up", "flow=\"renamed-flow\"")) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(sample(metrics, "veeam_flow_up", "flow=\"refused-flow\"")) << metrics;
  EXPECT_TRUE(sample(metrics, "veeam_flow_up", "flow=\"renamed-flow\"")) << metrics;
}

TEST_F(WineExporterTest, BasicAuthChecksBcryptHashesMadeOnLinux) {
  const std::string web = dir_.write(
      "web.yml", "basic_auth_users:\n  alice: " + exporter::test::bcrypt_hash("s3cr3t") + "\n");
  auto exporter = start({"--config.file=" + z(config_), "--web.config.file=" + z(web),
                         "--web.listen-address=127.0.0.1:0"});
  const std::uint16_t port = wait_ready(dir_.file("exporter.err"));
  ASSERT_NE(port, 0) << read_text_file(dir_.file("exporter.err"));
  HttpRequest request;
  request.path = "/metrics";
  EXPECT_EQ(http_request(port, request).status, 401);
  request.headers = {"Authorization: Basic YWxpY2U6d3Jvbmc="};  // alice:wrong
  EXPECT_EQ(http_request(port, request).status, 401);
  request.headers = {"Authorization: Basic YWxpY2U6czNjcjN0"};  // alice:s3cr3t
  const HttpResponse ok = http_request(port, request);
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_NE(ok.body.find("veeam_flow_up{"), std::string::npos);
}

// TLS from civetweb's statically linked OpenSSL, requiring a client certificate of a CA: the
// path where civetweb reads the peer certificate (SSL_get_peer_certificate, OpenSSL 3's
// SSL_get1_peer_certificate in this build).
TEST_F(WineExporterTest, TlsAdmitsOnlyClientCertificatesOfTheCa) {
  constexpr const char* kOpenssl = "/usr/bin/openssl";
  if (!std::filesystem::exists(kOpenssl)) GTEST_SKIP() << "no openssl command (package openssl)";
  const auto sh = [&](const std::string& args) {
    const CommandResult r = run_command(std::string(kOpenssl) + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  };
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const auto file = [&](const char* name) { return shell_quote(dir_.file(name)); };
  sh("req -x509" + ec + " -days 1 -subj /CN=127.0.0.1 -keyout " + file("server.key") + " -out " +
     file("server.crt"));
  vpm::test::make_ca_and_client(dir_.path());
  const std::string web = dir_.write("web.yml",
                                     "tls_server_config:\n"
                                     "  cert_file: server.crt\n"
                                     "  key_file: server.key\n"
                                     "  client_auth_type: RequireAndVerifyClientCert\n"
                                     "  client_ca_file: ca.crt\n");
  auto exporter = start({"--config.file=" + z(config_), "--web.config.file=" + z(web),
                         "--web.listen-address=127.0.0.1:0"});
  const std::uint16_t port = wait_ready(dir_.file("exporter.err"));
  ASSERT_NE(port, 0) << read_text_file(dir_.file("exporter.err"));
  EXPECT_NE(read_text_file(dir_.file("exporter.err")).find("tls=true"), std::string::npos);

  HttpRequest request;
  request.path = "/metrics";
  exporter::test::TlsClientOptions tls;
  tls.ca_file = dir_.file("server.crt");
  EXPECT_EQ(http_request(port, request, &tls).status, 0);  // no client certificate
  exporter::test::TlsClientOptions stranger = tls;         // self-signed, not of the CA
  stranger.cert_file = dir_.file("server.crt");
  stranger.key_file = dir_.file("server.key");
  EXPECT_EQ(http_request(port, request, &stranger).status, 0);
  exporter::test::TlsClientOptions client = tls;
  client.cert_file = dir_.file("client.crt");
  client.key_file = dir_.file("client.key");
  const HttpResponse ok = http_request(port, request, &client);
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(sample(ok.body, "veeam_flow_up", "flow=\"open-flow\""), "1") << ok.body;
  EXPECT_EQ(http_get(port, "/metrics").status, 0);  // plain HTTP to the TLS port
}

TEST_F(WineExporterTest, LogFileGetsTheLog) {
  const std::string log = dir_.file("exporter.log");
  auto exporter = start(
      {"--config.file=" + z(config_), "--web.listen-address=127.0.0.1:0", "--log.file=" + z(log)});
  ASSERT_NE(wait_ready(log), 0) << read_text_file(log);
  EXPECT_EQ(read_text_file(dir_.file("exporter.err")), "");  // nothing on stderr
}

TEST_F(WineExporterTest, BadConfigsExitOneNamingFileLineAndColumn) {
  const std::string bad = dir_.write("bad.yaml",
                                     "roles:\n  agent: {hosts: [127.0.0.1]}\nflows:\n  - name: x\n"
                                     "    frm: agent\n");
  const CommandResult r =
      run_exe(shell_quote("--config.file=" + z(bad)) + " --web.listen-address=127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("err=\"Z:" + bad + ":[0-9]+:[0-9]+: "))) << r.err;
  const CommandResult check = run_exe("--config.check " + shell_quote("--config.file=" + z(bad)));
  EXPECT_EQ(check.exit_code, 1) << check.err;
  const CommandResult flag = run_exe("--web.listen-address=9867");
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_NE(flag.err.find("--web.listen-address: \"9867\" is not host:port"), std::string::npos)
      << flag.err;
  const CommandResult web = run_exe(
      shell_quote("--config.file=" + z(config_)) + " " +
      shell_quote("--web.config.file=" + z(dir_.write("web.yml", "basic_auth_users: [x]\n"))));
  EXPECT_EQ(web.exit_code, 1);
  EXPECT_NE(web.err.find("web.yml:1:"), std::string::npos) << web.err;
}

// The whole service life under Wine's Service Control Manager. Wine runs services only while
// some other Wine program runs in the prefix (it ends its services.exe with the last one), so a
// console exporter keeps the prefix alive meanwhile. The wine.* tests share the prefix one at a
// time (RESOURCE_LOCK in CMakeLists.txt): an installed automatic service starts with every
// Wine session in it.
TEST_F(WineExporterTest, RunsAsAWindowsService) {
  auto keeper =
      start({"--config.file=" + z(config_), "--web.listen-address=127.0.0.1:0"}, "keeper.err");
  ASSERT_NE(wait_ready(dir_.file("keeper.err")), 0) << read_text_file(dir_.file("keeper.err"));

  // Once the prefix's own services have started: Wine lets a console program attach to the
  // control pipe of a service that is just starting, so this belongs where none is.
  const CommandResult outside = run_exe("--service=run");
  EXPECT_EQ(outside.exit_code, 1);
  EXPECT_NE(outside.err.find("not started by the Service Control Manager"), std::string::npos)
      << outside.err;

  const std::uint16_t port = free_tcp_port();
  const std::string log = dir_.file("service.log");
  run_exe("--service=uninstall");  // a leftover of an earlier, interrupted run
  const CommandResult install =
      run_exe("--service=install " + shell_quote("--config.file=" + z(config_)) +
              " --web.listen-address=127.0.0.1:" + std::to_string(port) + " " +
              shell_quote("--log.file=" + z(log)));
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  EXPECT_NE(install.out.find("--service=run --config.file=Z:"), std::string::npos) << install.out;

  // The event source, registered by the install: its message table is the exporter's .exe.
  const std::string event_source =
      shell_quote(wine_) +
      " reg query 'HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\"
      "veeam_port_exporter' /v EventMessageFile";
  const CommandResult registered = run_command(event_source, 60s);
  EXPECT_EQ(registered.exit_code, 0) << registered.out << registered.err;
  EXPECT_NE(registered.out.find("veeam_port_exporter.exe"), std::string::npos) << registered.out;

  const std::string sc = shell_quote(wine_) + " sc ";
  const CommandResult started = run_command(sc + "start veeam_port_exporter", 60s);
  EXPECT_EQ(started.exit_code, 0) << started.out << started.err;
  EXPECT_NE(wait_for_text(log, "msg=\"Ready:", kStartLimit).find("msg=\"Ready:"), std::string::npos)
      << read_text_file(log);
  // RegisterEventSourceW succeeded and no ReportEventW failed (the start was reported). Wine
  // keeps no event log to read back: its ReportEventW only traces the strings.
  const std::string service_log = read_text_file(log);
  EXPECT_NE(service_log.find("msg=\"Reporting warnings, errors, start, stop and reload to the "
                             "event log\" log=Application source=veeam_port_exporter"),
            std::string::npos)
      << service_log;
  EXPECT_EQ(service_log.find("Cannot report to"), std::string::npos) << service_log;
  const HttpResponse metrics = http_get(port, "/metrics");
  EXPECT_EQ(sample(metrics.body, "veeam_flow_up", "flow=\"open-flow\""), "1") << metrics.error;
  EXPECT_EQ(sample(metrics.body, "veeam_flow_up", "flow=\"refused-flow\""), "0");
  EXPECT_NE(run_command(sc + "query veeam_port_exporter", 60s).out.find("RUNNING"),
            std::string::npos);

  const CommandResult stopped = run_command(sc + "stop veeam_port_exporter", 60s);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  EXPECT_NE(wait_for_text(log, "signal=\"service stop\"", 30s).find("signal=\"service stop\""),
            std::string::npos)
      << read_text_file(log);

  const CommandResult removed = run_exe("--service=uninstall");
  EXPECT_EQ(removed.exit_code, 0) << removed.out << removed.err;
  EXPECT_NE(run_command(event_source, 60s).exit_code, 0) << "the uninstall left the event source";
  const CommandResult again = run_exe("--service=uninstall");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("is not installed"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace vpm::test
