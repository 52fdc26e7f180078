// The built veeam_port_exporter as a real process on 127.0.0.1: /metrics over HTTP from real
// listeners (open, refused), promtool, reloads by SIGHUP and POST, SIGTERM, TLS and basic
// auth, and a real Prometheus scraping it. Loopback only, by design.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bcrypt_hash.h"
#include "child_process.h"
#include "exporter_options.h"
#include "exporter_process.h"
#include "gunzip.h"
#include "http_client.h"
#include "support/fake_server.h"
#include "support/loopback.h"
#include "support/openssl_loading.h"
#include "support/subprocess.h"
#include "support/test_certs.h"
#include "temp_dir.h"
#include "vpm/port_result.h"

namespace vpm::exporter::test {
namespace {

using namespace std::chrono_literals;
using vpm::test::closed_tcp_port;
using vpm::test::openssl_mappings;
using vpm::test::run_command;
using vpm::test::shell_quote;
using vpm::test::TcpListener;

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kOpenssl = "/usr/bin/openssl";

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

std::string config_yaml(std::uint16_t open_port, std::uint16_t refused_port,
                        const std::string& refused_name = "refused-flow") {
  return "defaults: {timeout: 1s, interval: 60s}\n"
         "roles:\n"
         "  agent: {hosts: [127.0.0.1]}\n"
         "  backup_server: {hosts: [127.0.0.1]}\n"
         "flows:\n"
         "  - name: open-flow\n"
         "    from: agent\n"
         "    to: backup_server\n"
         "    ports: [" +
         std::to_string(open_port) +
         "]\n"
         "    expect: open\n"
         "  - name: " +
         refused_name +
         "\n"
         "    from: agent\n"
         "    to: backup_server\n"
         "    ports: [" +
         std::to_string(refused_port) +
         "]\n"
         "    expect: open\n";
}

class ExporterBinaryTest : public ::testing::Test {
 protected:
  ExporterBinaryTest() : refused_port_(closed_tcp_port()) {
    config_ = dir_.write("targets.yaml", config_yaml(listener_.port(), refused_port_));
  }

  std::vector<std::string> flags(std::vector<std::string> extra = {}) const {
    std::vector<std::string> f = {"--config.file=" + config_, "--web.listen-address=127.0.0.1:0"};
    f.insert(f.end(), extra.begin(), extra.end());
    return f;
  }

  TempDir dir_;
  TcpListener listener_;
  std::uint16_t refused_port_;
  std::string config_;
};

TEST_F(ExporterBinaryTest, ServesFlowMetricsFromRealListeners) {
  ExporterProcess exporter(dir_, flags({"--role=agent"}));
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const HttpResponse r = http_get(exporter.port(), "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.headers.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  const auto open = series(r.body, "veeam_flow_up", {"flow=\"open-flow\""});
  ASSERT_EQ(open.size(), 1u) << r.body;
  EXPECT_EQ(open[0],
            "veeam_flow_up{flow=\"open-flow\",from=\"agent\",to=\"backup_server\","
            "target=\"127.0.0.1\",protocol=\"tcp\"} 1");
  const auto refused = series(r.body, "veeam_flow_up", {"flow=\"refused-flow\""});
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(value_of(refused[0]), "0");
  EXPECT_EQ(
      value_of(
          series(r.body, "veeam_flow_ports", {"flow=\"refused-flow\"", "state=\"refused\""}).at(0)),
      "1");
  EXPECT_EQ(series(r.body, "veeam_flow_ports", {"flow=\"open-flow\""}).size(), kPortStateCount);
  EXPECT_EQ(series(r.body, "veeam_flow_latency_seconds", {"flow=\"open-flow\""}).size(), 1u);
  EXPECT_TRUE(series(r.body, "veeam_flow_latency_seconds", {"flow=\"refused-flow\""}).empty());
  EXPECT_EQ(
      value_of(series(r.body, "veeam_flow_port_up",
                      {"flow=\"open-flow\"", "port=\"" + std::to_string(listener_.port()) + "\""})
                   .at(0)),
      "1");
  EXPECT_EQ(series(r.body, "veeam_flow_last_run_timestamp_seconds").size(), 2u);
  EXPECT_EQ(series(r.body, "veeam_flow_run_duration_seconds").size(), 2u);
  EXPECT_EQ(value_of(series(r.body, "veeam_port_exporter_probes_total",
                            {"protocol=\"tcp\"", "state=\"open\""})
                         .at(0)),
            "1");
  EXPECT_EQ(value_of(series(r.body, "veeam_port_exporter_config_last_reload_successful").at(0)),
            "1");
  EXPECT_EQ(series(r.body, "veeam_port_exporter_build_info").size(), 1u);
  for (const char* name : {"process_resident_memory_bytes", "process_open_fds",
                           "process_start_time_seconds", "process_cpu_seconds_total"}) {
    EXPECT_EQ(series(r.body, name).size(), 1u) << name;
  }
  // Scrapes never probe: the counter only moves with the flows' own schedule (60 s here).
  for (int i = 0; i < 5; ++i) http_get(exporter.port(), "/metrics");
  EXPECT_EQ(value_of(series(exporter.metrics(), "veeam_port_exporter_probes_total",
                            {"protocol=\"tcp\"", "state=\"open\""})
                         .at(0)),
            "1");
}

TEST_F(ExporterBinaryTest, PromtoolFindsNoProblem) {
  if (!executable(kPromtool)) GTEST_SKIP() << kPromtool << " missing: apt-get install prometheus";
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const std::string scraped = dir_.write("scrape.txt", exporter.metrics());
  const auto check =
      run_command(std::string(kPromtool) + " check metrics < " + shell_quote(scraped));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out + check.err, "");
}

TEST_F(ExporterBinaryTest, HealthReadinessLandingPageAndUnknownPaths) {
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  EXPECT_EQ(http_get(exporter.port(), "/-/healthy").status, 200);
  EXPECT_EQ(http_get(exporter.port(), "/-/ready").status, 200);
  const HttpResponse page = http_get(exporter.port(), "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers.find("Content-Type: text/html"), std::string::npos);
  EXPECT_NE(page.body.find("<td>open-flow</td>"), std::string::npos);
  EXPECT_NE(page.body.find("<td>refused-flow</td>"), std::string::npos);
  EXPECT_EQ(http_get(exporter.port(), "/probe?target=127.0.0.2:22").status, 404);  // no proxy
  EXPECT_EQ(http_get(exporter.port(), "/-/reload").status, 405);
  HttpRequest post;
  post.method = "POST";
  post.path = "/metrics";
  EXPECT_EQ(http_request(exporter.port(), post).status, 405);
}

TEST_F(ExporterBinaryTest, MetricsAreGzippedWhenTheClientAsks) {
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  HttpRequest request;
  request.path = "/metrics";
  request.headers = {"Accept-Encoding: gzip"};  // what Prometheus sends
  const HttpResponse zipped = http_request(exporter.port(), request);
  ASSERT_EQ(zipped.status, 200) << zipped.error;
  EXPECT_NE(zipped.headers.find("Content-Encoding: gzip"), std::string::npos) << zipped.headers;
  EXPECT_NE(zipped.headers.find("Vary: Accept-Encoding"), std::string::npos) << zipped.headers;
  const std::string text = gunzip(zipped.body);
  const std::string plain = exporter.metrics();
  EXPECT_LT(zipped.body.size() * 2, plain.size());
  EXPECT_EQ(series(text, "veeam_flow_up"), series(plain, "veeam_flow_up"));
  EXPECT_EQ(series(text, "veeam_flow_ports"), series(plain, "veeam_flow_ports"));
  EXPECT_EQ(series(text, "process_start_time_seconds"),
            series(plain, "process_start_time_seconds"));
  if (executable(kPromtool)) {
    const std::string file = dir_.write("gunzipped.txt", text);
    const auto check =
        run_command(std::string(kPromtool) + " check metrics < " + shell_quote(file));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }

  request.headers = {"Accept-Encoding: gzip;q=0, identity"};
  const HttpResponse refused = http_request(exporter.port(), request);
  EXPECT_EQ(refused.headers.find("Content-Encoding"), std::string::npos) << refused.headers;
  EXPECT_EQ(series(refused.body, "veeam_flow_up"), series(plain, "veeam_flow_up"));
  EXPECT_EQ(series(plain, "veeam_flow_up").size(), 2u);
}

// One keep-alive request on a new connection, which then stays open and idle. Returns the
// response's status line and headers, or "" when none came within `timeout`.
std::string keep_alive_request(std::uint16_t port, int* fd_out, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  *fd_out = fd;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return "";
  const std::string request =
      "GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return "";
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string head;
  std::array<char, 1024> buffer{};
  while (head.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return "";
    head.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return head.substr(0, head.find("\r\n\r\n"));
}

TEST_F(ExporterBinaryTest, IdleKeepAliveConnectionsCannotHoldEveryWorker) {
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  // More idle keep-alive connections than the exporter has workers (--web.max-connections,
  // kDefaultMaxConnections). Were each to keep its worker, the later ones would wait for a
  // keep-alive timeout (5 s) to end.
  constexpr int kConnections = 2 * static_cast<int>(kDefaultMaxConnections) + 10;
  static_assert(kConnections > static_cast<int>(kDefaultMaxConnections) * 2);
  std::vector<int> fds;
  int answered = 0;
  int closed = 0;
  for (int i = 0; i < kConnections; ++i) {
    int fd = -1;
    const std::string head = keep_alive_request(exporter.port(), &fd, 3s);
    fds.push_back(fd);
    if (head.rfind("HTTP/1.1 200", 0) == 0) ++answered;
    if (head.find("Connection: close") != std::string::npos) ++closed;
  }
  EXPECT_EQ(answered, kConnections);
  EXPECT_GE(closed, kConnections - static_cast<int>(kDefaultMaxConnections));
  // And a scrape beside them all is served.
  HttpRequest request;
  request.path = "/metrics";
  const HttpResponse scrape = http_request(exporter.port(), request, nullptr, 3s);
  EXPECT_EQ(scrape.status, 200) << scrape.error;
  for (int fd : fds) ::close(fd);
}

TEST_F(ExporterBinaryTest, ClientsThatNeverReadDoNotStarveOtherScrapes) {
  // More clients than the exporter has workers (kDefaultMaxConnections) ask for a page of half
  // a megabyte (400
  // flows) with a small receive window and never read a byte of the answer. Each ties up a
  // worker for as long as its write or its keep-alive lasts, unless the exporter gives the
  // worker back (without that, the scrapes below wait out a 5 s keep-alive timeout).
  std::string yaml =
      "defaults: {timeout: 1s, interval: 60s}\nroles:\n"
      "  agent: {hosts: [127.0.0.1]}\nflows:\n";
  for (int i = 0; i < 400; ++i) {
    yaml += "  - {name: refused-" + std::to_string(i) + ", from: agent, to: agent, ports: [" +
            std::to_string(refused_port_) + "], expect: reachable}\n";
  }
  const std::string config = dir_.write("many.yaml", yaml);
  ExporterProcess exporter(dir_, {"--config.file=" + config, "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  ASSERT_GT(exporter.metrics().size(), 400u * 1024);

  constexpr int kNeverReading = static_cast<int>(kDefaultMaxConnections) + 24;
  std::vector<int> stuck;
  for (int i = 0; i < kNeverReading; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(exporter.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    stuck.push_back(fd);  // and never read from again
  }
  // Give the workers time to take them all.
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < 5; ++i) {
    HttpRequest request;
    request.path = "/metrics";
    const HttpResponse scrape = http_request(exporter.port(), request, nullptr, 3s);
    EXPECT_EQ(scrape.status, 200) << scrape.error;
    EXPECT_EQ(series(scrape.body, "veeam_flow_up").size(), 400u);
  }
  EXPECT_EQ(http_get(exporter.port(), "/-/healthy").status, 200);
  for (int fd : stuck) ::close(fd);
}

TEST_F(ExporterBinaryTest, ReadyOnlyAfterEveryFlowRan) {
  // A flow whose run cannot finish quickly: a UDP port that stays silent for the timeout.
  const vpm::test::SilentUdpSocket silent;
  dir_.write("targets.yaml",
             "defaults: {timeout: 2s}\nroles:\n  a: {hosts: [127.0.0.1]}\nflows:\n"
             "  - {name: quiet, from: a, to: a, protocol: udp, expect: reachable, ports: [" +
                 std::to_string(silent.port()) + "]}\n");
  ExporterProcess exporter(dir_, flags(), false);
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  EXPECT_EQ(http_get(exporter.port(), "/-/ready").status, 503);
  EXPECT_TRUE(series(exporter.metrics(), "veeam_flow_up").empty());  // nothing made up
  wait_for_text(dir_.file("exporter.err"), "msg=\"Ready:", 10s);
  EXPECT_EQ(http_get(exporter.port(), "/-/ready").status, 200);
}

TEST_F(ExporterBinaryTest, SighupWithABrokenFileKeepsServingTheOldFlows) {
  ExporterProcess exporter(dir_, flags({"--web.enable-lifecycle"}));
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  dir_.write("targets.yaml",
             "roles:\n  agent: {hosts: [127.0.0.1]}\nflows:\n  - name: x\n"
             "    frm: agent\n");
  exporter.process().signal(SIGHUP);
  const std::string log = wait_for_text(dir_.file("exporter.err"), "Error reloading config", 5s);
  ASSERT_NE(log.find("Error reloading config"), std::string::npos) << log;
  // The log line names file:line:col of the problem.
  EXPECT_TRUE(std::regex_search(log, std::regex("err=\"" + config_ + ":[0-9]+:[0-9]+: "))) << log;
  const std::string metrics = exporter.metrics();
  EXPECT_EQ(series(metrics, "veeam_flow_up").size(), 2u);
  EXPECT_EQ(value_of(series(metrics, "veeam_port_exporter_config_last_reload_successful").at(0)),
            "0");

  // A valid file with a renamed flow, by POST: the old name's series go, the new one's come.
  dir_.write("targets.yaml", config_yaml(listener_.port(), refused_port_, "refused-renamed"));
  HttpRequest post;
  post.method = "POST";
  post.path = "/-/reload";
  const HttpResponse reloaded = http_request(exporter.port(), post);
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_NE(reloaded.body.find("1 added, 1 removed"), std::string::npos) << reloaded.body;
  const std::string right_after = exporter.metrics();
  EXPECT_TRUE(series(right_after, "veeam_flow_up", {"flow=\"refused-flow\""}).empty());
  EXPECT_EQ(series(right_after, "veeam_flow_up", {"flow=\"open-flow\""}).size(), 1u);  // kept
  EXPECT_EQ(
      value_of(series(right_after, "veeam_port_exporter_config_last_reload_successful").at(0)),
      "1");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (series(exporter.metrics(), "veeam_flow_up", {"flow=\"refused-renamed\""}).empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(series(exporter.metrics(), "veeam_flow_up", {"flow=\"refused-renamed\""}).size(), 1u);
}

TEST_F(ExporterBinaryTest, PostReloadIsForbiddenWithoutEnableLifecycle) {
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  dir_.write("targets.yaml", "flows: [\n");
  HttpRequest post;
  post.method = "POST";
  post.path = "/-/reload";
  const HttpResponse r = http_request(exporter.port(), post);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("--web.enable-lifecycle"), std::string::npos) << r.body;
  // Nothing was reloaded: the broken file was never read.
  EXPECT_EQ(
      value_of(
          series(exporter.metrics(), "veeam_port_exporter_config_last_reload_successful").at(0)),
      "1");
}

TEST_F(ExporterBinaryTest, PostReloadOfABrokenFileAnswers500WithTheError) {
  ExporterProcess exporter(dir_, flags({"--web.enable-lifecycle"}));
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  dir_.write("targets.yaml", "flows: [\n");
  HttpRequest post;
  post.method = "POST";
  post.path = "/-/reload";
  const HttpResponse r = http_request(exporter.port(), post);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.rfind(config_ + ":", 0), 0u) << r.body;
  EXPECT_EQ(series(exporter.metrics(), "veeam_flow_up").size(), 2u);
}

TEST_F(ExporterBinaryTest, ConfigCheckExitsZeroOrOneWithTheMessage) {
  const auto ok = run_command(shell_quote(VEEAM_PORT_EXPORTER_BIN) + " --config.check " +
                              shell_quote("--config.file=" + config_));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("msg=\"Config is valid\""), std::string::npos) << ok.err;
  dir_.write("targets.yaml",
             "roles:\n  agent: {hosts: [127.0.0.1]}\nflows:\n  - name: x\n"
             "    frm: agent\n");
  const auto bad = run_command(shell_quote(VEEAM_PORT_EXPORTER_BIN) + " --config.check " +
                               shell_quote("--config.file=" + config_));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(std::regex_search(bad.err, std::regex("err=\"" + config_ + ":[0-9]+:[0-9]+: ")))
      << bad.err;
  const auto role = run_command(shell_quote(VEEAM_PORT_EXPORTER_BIN) + " --config.check " +
                                "--role=nope " + shell_quote("--config.file=" + config_));
  EXPECT_EQ(role.exit_code, 1);
}

// A flow's source this machine lacks is said when the file is read (issue 16); the file is
// still valid: the runs report the flow's ports as errors until the address appears.
TEST_F(ExporterBinaryTest, ConfigCheckWarnsOfASourceThisMachineLacks) {
  dir_.write("targets.yaml",
             "roles:\n  agent: {hosts: [127.0.0.1]}\nflows:\n"
             "  - {name: from-doc, from: agent, to: agent, ports: [1], source: 192.0.2.77}\n"
             "  - {name: from-loopback, from: agent, to: agent, ports: [1], source: 127.0.0.2}\n");
  const auto r = run_command(shell_quote(VEEAM_PORT_EXPORTER_BIN) + " --config.check " +
                             shell_quote("--config.file=" + config_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      std::regex_search(r.err, std::regex("level=warn msg=\"Flow source unusable\" flow=from-doc "
                                          "err=\"cannot bind 192.0.2.77: [^\"]+\"")))
      << r.err;
  EXPECT_EQ(r.err.find("flow=from-loopback"), std::string::npos) << r.err;
}

TEST_F(ExporterBinaryTest, StartupFailuresExitOne) {
  const std::string bin = shell_quote(VEEAM_PORT_EXPORTER_BIN);
  const std::string config = shell_quote("--config.file=" + config_);
  EXPECT_EQ(run_command(bin + " --bogus").exit_code, 1);
  EXPECT_EQ(
      run_command(bin + " " + config + " --role=nope --web.listen-address=127.0.0.1:0").exit_code,
      1);
  const auto missing = run_command(bin +
                                   " --config.file=/nonexistent.yaml "
                                   "--web.listen-address=127.0.0.1:0");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("level=error"), std::string::npos);
  const TcpListener busy;  // the port is taken
  const auto taken = run_command(bin + " " + config +
                                 " --web.listen-address=127.0.0.1:" + std::to_string(busy.port()));
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("Cannot start the HTTP server"), std::string::npos) << taken.err;
  const auto version = run_command(bin + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("veeam_port_exporter, version ", 0), 0u);
  EXPECT_EQ(run_command(bin + " --help").exit_code, 0);
}

TEST_F(ExporterBinaryTest, SigtermAndSigintExitZeroWithinASecond) {
  for (const int signal_number : {SIGTERM, SIGINT}) {
    ExporterProcess exporter(dir_, flags());
    ASSERT_NE(exporter.port(), 0) << exporter.log();
    // An idle keep-alive connection, as Prometheus keeps between scrapes: one request answered,
    // the connection left open, so a civetweb worker sits waiting on it.
    const int idle = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(exporter.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(idle, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ASSERT_EQ(::send(idle, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::array<char, 512> answer{};
    ASSERT_GT(::recv(idle, answer.data(), answer.size(), 0), 0);
    EXPECT_EQ(std::string(answer.data(), 15), "HTTP/1.1 200 OK");
    std::this_thread::sleep_for(300ms);
    const auto start = std::chrono::steady_clock::now();
    exporter.process().signal(signal_number);
    const std::optional<int> code = exporter.process().wait_exit(3s);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(code) << "still running";
    EXPECT_EQ(*code, 0) << exporter.log();
    EXPECT_LT(took, 1s);
    EXPECT_NE(exporter.log().find("msg=Stopping"), std::string::npos);
    EXPECT_NE(http_get(exporter.port(), "/-/healthy").error, "");  // no longer accepting
    ::close(idle);
  }
}

// OpenSSL is loaded when TLS is first used, not at start-up (vpm/openssl_runtime.h): without
// TLS flows and without web TLS, basic auth included, libssl and libcrypto are never mapped.
TEST_F(ExporterBinaryTest, MapsNoOpensslWithoutTls) {
  const std::string web =
      dir_.write("web.yml", "basic_auth_users:\n  prometheus: " + bcrypt_hash("secret") + "\n");
  ExporterProcess exporter(dir_, flags({"--web.config.file=" + web}));  // after its first run
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  HttpRequest request;
  request.path = "/metrics";
  request.headers.push_back("Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQ=");  // prometheus:secret
  const HttpResponse scrape = http_request(exporter.port(), request);
  EXPECT_EQ(scrape.status, 200) << scrape.error;
  EXPECT_EQ(series(scrape.body, "veeam_flow_up").size(), 2u);
  EXPECT_EQ(openssl_mappings(exporter.process().pid()), "");
}

// A flow with `check: tls` against a TLS server on loopback: the first TLS probe loads OpenSSL.
TEST_F(ExporterBinaryTest, ATlsFlowLoadsOpensslAndPasses) {
  const vpm::test::TestCert cert = vpm::test::make_self_signed(dir_.path(), "server", {});
  vpm::test::FakeTcpServer server([&cert](int fd) { vpm::test::serve_tls(fd, cert); });
  const std::string config = dir_.write("tls.yaml",
                                        "defaults: {timeout: 2s, interval: 60s}\n"
                                        "roles:\n"
                                        "  agent: {hosts: [127.0.0.1]}\n"
                                        "flows:\n"
                                        "  - name: tls-flow\n"
                                        "    from: agent\n"
                                        "    to: agent\n"
                                        "    ports: [" +
                                            std::to_string(server.port()) +
                                            "]\n"
                                            "    check: tls\n"
                                            "    tls: {server_name: localhost, ca_file: \"" +
                                            cert.cert_file + "\", verify: true}\n");
  ExporterProcess exporter(dir_, {"--config.file=" + config, "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const std::vector<std::string> up = series(exporter.metrics(), "veeam_flow_up");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(value_of(up[0]), "1") << up[0];
  EXPECT_NE(openssl_mappings(exporter.process().pid()).find("/libssl.so.3\n"), std::string::npos);
}

// TLS with a certificate made here by the openssl CLI, and basic auth with a bcrypt hash made
// here by libxcrypt.
class ExporterTlsTest : public ExporterBinaryTest {
 protected:
  void SetUp() override {
    if (!executable(kOpenssl)) GTEST_SKIP() << kOpenssl << " missing: apt-get install openssl";
    const auto made = run_command(
        std::string(kOpenssl) +
        " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=127.0.0.1 -keyout " +
        shell_quote(dir_.file("server.key")) + " -out " + shell_quote(dir_.file("server.crt")));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    web_ = dir_.write("web.yml",
                      "tls_server_config:\n"
                      "  cert_file: server.crt\n"
                      "  key_file: server.key\n"
                      "http_server_config:\n"
                      "  headers: {X-Content-Type-Options: nosniff}\n"
                      "basic_auth_users:\n"
                      "  prometheus: " +
                          bcrypt_hash("sc r@pe:pass") + "\n");
    tls_.ca_file = dir_.file("server.crt");
  }

  HttpResponse get(std::uint16_t port, const std::string& path, const std::string& user_password) {
    HttpRequest request;
    request.path = path;
    if (!user_password.empty()) {
      // base64 by the openssl CLI, so the client's encoding is independent of ours.
      const auto encoded =
          run_command("printf %s " + shell_quote(user_password) + " | " + kOpenssl + " base64 -A");
      request.headers.push_back("Authorization: Basic " + encoded.out);
    }
    return http_request(port, request, &tls_);
  }

  std::string web_;
  TlsClientOptions tls_;
};

TEST_F(ExporterTlsTest, RefusesAWrongPasswordAndAcceptsTheRightOne) {
  ExporterProcess exporter(dir_, flags({"--web.config.file=" + web_}));
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  EXPECT_NE(exporter.log().find("tls=true basic_auth=true"), std::string::npos);

  const HttpResponse anonymous = get(exporter.port(), "/metrics", "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.error;
  EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Basic"), std::string::npos);
  EXPECT_EQ(get(exporter.port(), "/metrics", "prometheus:wrong").status, 401);
  EXPECT_EQ(get(exporter.port(), "/metrics", "nobody:sc r@pe:pass").status, 401);
  EXPECT_EQ(get(exporter.port(), "/-/healthy", "prometheus:wrong").status, 401);  // every path

  const HttpResponse ok = get(exporter.port(), "/metrics", "prometheus:sc r@pe:pass");
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(series(ok.body, "veeam_flow_up").size(), 2u);
  EXPECT_NE(ok.headers.find("X-Content-Type-Options: nosniff"), std::string::npos);

  // Plain HTTP to the TLS port gets no HTTP answer.
  EXPECT_EQ(http_get(exporter.port(), "/metrics").status, 0);

  // OpenSSL, and the shims civetweb loads, from the build tree (found through the RUNPATH).
  const std::string mapped = openssl_mappings(exporter.process().pid());
  EXPECT_NE(mapped.find("/libssl.so.3\n"), std::string::npos) << mapped;
  EXPECT_NE(mapped.find("/openssl3-compat/libssl.so\n"), std::string::npos) << mapped;
  EXPECT_NE(mapped.find("/openssl3-compat/libcrypto.so\n"), std::string::npos) << mapped;
}

// LD_LIBRARY_PATH is searched before the RUNPATH: there, the real libssl under the name
// libssl.so (with which civetweb would call a null pointer) is passed over for the shim.
TEST_F(ExporterTlsTest, AnotherLibsslSoEarlierInTheSearchIsPassedOver) {
  const std::string other = dir_.file("other");
  std::filesystem::create_directory(other);
  std::filesystem::create_symlink(vpm::test::libssl_file(), other + "/libssl.so");
  ChildProcess process(
      {"/usr/bin/env", "LD_LIBRARY_PATH=" + other, VEEAM_PORT_EXPORTER_BIN,
       "--config.file=" + config_, "--web.listen-address=127.0.0.1:0", "--web.config.file=" + web_},
      dir_.file("other.out"), dir_.file("other.err"));
  const std::string log = wait_for_text(dir_.file("other.err"), "msg=\"Ready:", 10s);
  static const std::regex address("msg=\"Listening on\" address=127\\.0\\.0\\.1:([0-9]+)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, address)) << log;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  EXPECT_EQ(get(port, "/metrics", "prometheus:sc r@pe:pass").status, 200);
  const std::string mapped = openssl_mappings(process.pid());
  EXPECT_NE(mapped.find("/openssl3-compat/libssl.so\n"), std::string::npos) << mapped;
}

// As if libssl3 were missing, or the shims: the start stops with a message that names it.
TEST_F(ExporterTlsTest, WithoutLibsslOrTheShimsTheStartFailsNamingThem) {
  if (const auto why = vpm::test::why_nothing_can_be_hidden()) GTEST_SKIP() << *why;
  ASSERT_NE(vpm::test::libssl_file(), "");
  const std::string exporter =
      shell_quote(VEEAM_PORT_EXPORTER_BIN) + " " + shell_quote("--config.file=" + config_) +
      " --web.listen-address=127.0.0.1:0 " + shell_quote("--web.config.file=" + web_);
  const auto no_libssl = run_command(vpm::test::with_hidden(vpm::test::libssl_file(), exporter));
  EXPECT_EQ(no_libssl.exit_code, 1) << no_libssl.err;
  EXPECT_NE(no_libssl.err.find("Cannot start the HTTP server"), std::string::npos) << no_libssl.err;
  EXPECT_NE(no_libssl.err.find("cannot load libssl.so.3: "), std::string::npos) << no_libssl.err;
  const auto no_shims = run_command(vpm::test::with_hidden(OPENSSL3_COMPAT_DIR, exporter));
  EXPECT_EQ(no_shims.exit_code, 1) << no_shims.err;
  EXPECT_NE(no_shims.err.find("cannot find the exporter's own libssl.so in "), std::string::npos)
      << no_shims.err;
}

TEST_F(ExporterTlsTest, ABadCertificateStopsTheStart) {
  dir_.write("server.crt", "not a certificate\n");
  const auto r = run_command(
      shell_quote(VEEAM_PORT_EXPORTER_BIN) + " " + shell_quote("--config.file=" + config_) +
      " --web.listen-address=127.0.0.1:0 " + shell_quote("--web.config.file=" + web_));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cert_file"), std::string::npos) << r.err;
}

TEST_F(ExporterTlsTest, ABrokenWebConfigNamesLineAndColumn) {
  dir_.write("web.yml", "basic_auth_users:\n  prometheus: plaintext\n");
  const auto r = run_command(
      shell_quote(VEEAM_PORT_EXPORTER_BIN) + " " + shell_quote("--config.file=" + config_) +
      " --web.listen-address=127.0.0.1:0 " + shell_quote("--web.config.file=" + web_));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(web_ + ":2:15: the password of"), std::string::npos) << r.err;
}

TEST_F(ExporterTlsTest, RequireAndVerifyClientCertAdmitsOnlyCertificatesOfTheCa) {
  vpm::test::make_ca_and_client(dir_.path());
  // A certificate the server's CA did not sign: the server's own, self-signed.
  web_ = dir_.write("web.yml",
                    "tls_server_config:\n"
                    "  cert_file: server.crt\n"
                    "  key_file: server.key\n"
                    "  client_auth_type: RequireAndVerifyClientCert\n"
                    "  client_ca_file: ca.crt\n");
  ExporterProcess exporter(dir_, flags({"--web.config.file=" + web_}));
  ASSERT_NE(exporter.port(), 0) << exporter.log();

  HttpRequest request;
  request.path = "/metrics";
  EXPECT_EQ(http_request(exporter.port(), request, &tls_).status, 0);  // no certificate
  TlsClientOptions stranger = tls_;
  stranger.cert_file = dir_.file("server.crt");
  stranger.key_file = dir_.file("server.key");
  EXPECT_EQ(http_request(exporter.port(), request, &stranger).status, 0);
  TlsClientOptions client = tls_;
  client.cert_file = dir_.file("client.crt");
  client.key_file = dir_.file("client.key");
  const HttpResponse ok = http_request(exporter.port(), request, &client);
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(series(ok.body, "veeam_flow_up").size(), 2u);
}

// A real Prometheus, started here on 127.0.0.1 with a scrape config pointing at the exporter.
TEST_F(ExporterBinaryTest, PrometheusScrapesItAndAnswersQueries) {
  if (!executable(kPrometheus)) {
    GTEST_SKIP() << kPrometheus << " missing: apt-get install prometheus";
  }
  ExporterProcess exporter(dir_, flags());
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const std::uint16_t prometheus_port = free_tcp_port();
  const std::string config = dir_.write("prometheus.yml",
                                        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                        "scrape_configs:\n"
                                        "  - job_name: veeam_ports\n"
                                        "    static_configs:\n"
                                        "      - targets: ['127.0.0.1:" +
                                            std::to_string(exporter.port()) + "']\n");
  ChildProcess prometheus(
      {kPrometheus, "--config.file=" + config, "--storage.tsdb.path=" + dir_.file("tsdb"),
       "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)},
      dir_.file("prometheus.out"), dir_.file("prometheus.err"));
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    answer = http_get(prometheus_port, "/api/v1/query?query=veeam_flow_up").body;
    if (answer.find("refused-flow") != std::string::npos &&
        answer.find("open-flow") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_NE(answer.find("\"status\":\"success\""), std::string::npos)
      << answer << read_text_file(dir_.file("prometheus.err"));
  const std::regex open_up(
      R"(\{"metric":\{[^}]*"flow":"open-flow"[^}]*\},"value":\[[0-9.]+,"1"\]\})");
  const std::regex refused_down(
      R"(\{"metric":\{[^}]*"flow":"refused-flow"[^}]*\},"value":\[[0-9.]+,"0"\]\})");
  EXPECT_TRUE(std::regex_search(answer, open_up)) << answer;
  EXPECT_TRUE(std::regex_search(answer, refused_down)) << answer;
  EXPECT_NE(answer.find("\"job\":\"veeam_ports\""), std::string::npos);
  const std::string up = http_get(prometheus_port, "/api/v1/query?query=up").body;
  EXPECT_NE(up.find("\"value\":["), std::string::npos);
  EXPECT_TRUE(std::regex_search(up, std::regex(R"("value":\[[0-9.]+,"1"\])"))) << up;
  prometheus.signal(SIGTERM);
  prometheus.wait_exit(10s);
}

}  // namespace
}  // namespace vpm::exporter::test
