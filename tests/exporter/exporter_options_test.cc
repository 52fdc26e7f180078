#include "exporter_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace vpm::exporter {
namespace {

ExporterOptions parse(std::vector<std::string_view> args) { return parse_exporter_options(args); }

std::string error_of(std::vector<std::string_view> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ExporterOptionsTest, Defaults) {
  const ExporterOptions o = parse({});
  EXPECT_EQ(o.config_file, "targets.yaml");
  EXPECT_EQ(o.role, "");
  EXPECT_EQ(o.listen_addresses, (std::vector<std::string>{":10387"}));
  EXPECT_EQ(o.telemetry_path, "/metrics");
  EXPECT_EQ(o.log_level, LogLevel::kInfo);
  EXPECT_EQ(o.per_port_limit, 16u);
  EXPECT_EQ(o.max_connections, kDefaultMaxConnections);
  EXPECT_FALSE(o.config_check || o.version || o.help);
  EXPECT_FALSE(o.enable_lifecycle);  // POST /-/reload is off unless asked for, as in Prometheus
}

TEST(ExporterOptionsTest, BothValueSpellingsAndRepeatedAddresses) {
  const ExporterOptions o =
      parse({"--config.file=config/targets.yaml", "--role", "agent", "--web.listen-address",
             "127.0.0.1:0", "--web.listen-address=[::1]:9867", "--log.level=debug",
             "--metrics.per-port-limit=0", "--web.config.file=web.yml",
             "--web.telemetry-path=/probe-metrics", "--web.max-connections", "200"});
  EXPECT_EQ(o.config_file, "config/targets.yaml");
  EXPECT_EQ(o.role, "agent");
  EXPECT_EQ(o.listen_addresses, (std::vector<std::string>{"127.0.0.1:0", "[::1]:9867"}));
  EXPECT_EQ(o.log_level, LogLevel::kDebug);
  EXPECT_EQ(o.per_port_limit, 0u);
  EXPECT_EQ(o.web_config_file, "web.yml");
  EXPECT_EQ(o.telemetry_path, "/probe-metrics");
  EXPECT_EQ(o.max_connections, 200u);
}

TEST(ExporterOptionsTest, Switches) {
  EXPECT_TRUE(parse({"--config.check"}).config_check);
  EXPECT_FALSE(parse({"--config.check", "--no-config.check"}).config_check);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_TRUE(parse({"--web.enable-lifecycle"}).enable_lifecycle);
  EXPECT_THROW(parse({"--web.enable-lifecycle=yes"}), UsageError);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--help"}).help);
}

TEST(ExporterOptionsTest, ErrorsNameTheFlag) {
  EXPECT_EQ(error_of({"--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(error_of({"--no-role"}), "unknown flag --no-role");
  EXPECT_EQ(error_of({"--role"}), "--role needs a value");
  EXPECT_EQ(error_of({"--version=yes"}), "--version is a switch and takes no value");
  EXPECT_EQ(error_of({"--log.level=verbose"}),
            "--log.level: \"verbose\" is not one of debug, info, warn, error");
  EXPECT_EQ(error_of({"--metrics.per-port-limit=-1"}),
            "--metrics.per-port-limit: \"-1\" is not a number of ports from 0 to 65535");
  for (const char* bad : {"0", "1025", "-1", "12x", ""}) {
    EXPECT_EQ(error_of({std::string("--web.max-connections=") + bad}),
              std::string("--web.max-connections: \"") + bad +
                  "\" is not a number of connections from 1 to 1024");
  }
  EXPECT_EQ(error_of({"--web.listen-address=9867"}),
            "--web.listen-address: \"9867\" is not host:port (for every address use :port)");
  EXPECT_EQ(error_of({"--web.listen-address=:http"}),
            "--web.listen-address: \":http\" has no valid port");
  EXPECT_EQ(error_of({"--web.telemetry-path=/"}),
            "--web.telemetry-path: \"/\" is not a usable path (it must start with / and not be / "
            "or /-/...)");
  EXPECT_EQ(error_of({"config.yaml"}),
            "unexpected argument \"config.yaml\" (flags are --name=value; see --help)");
  EXPECT_EQ(error_of({"--config.file="}), "--config.file: a file name is required");
}

TEST(ListenAddressTest, BecomesCivetwebListeningPorts) {
  EXPECT_EQ(civetweb_listening_port(":9867", false), "9867");
  EXPECT_EQ(civetweb_listening_port("127.0.0.1:0", false), "127.0.0.1:0");
  EXPECT_EQ(civetweb_listening_port("localhost:9867", true), "127.0.0.1:9867s");
  EXPECT_EQ(civetweb_listening_port("[::1]:9867", false), "[::1]:9867");
  EXPECT_THROW(civetweb_listening_port("::1:9867", false), UsageError);
  EXPECT_THROW(civetweb_listening_port("[::1:9867", false), UsageError);
  EXPECT_THROW(civetweb_listening_port("127.0.0.1:65536", false), UsageError);
}

TEST(ExporterOptionsTest, ServiceAndLogFile) {
  EXPECT_EQ(parse({}).service, ServiceAction::kNone);
  EXPECT_EQ(parse({"--service=install"}).service, ServiceAction::kInstall);
  EXPECT_EQ(parse({"--service", "uninstall"}).service, ServiceAction::kUninstall);
  EXPECT_EQ(parse({"--service=run"}).service, ServiceAction::kRun);
  EXPECT_EQ(parse({"--service=install-and-start"}).service, ServiceAction::kInstallAndStart);
  EXPECT_EQ(parse({"--service=add-firewall-rule"}).service, ServiceAction::kAddFirewallRule);
  EXPECT_EQ(parse({"--service=remove-firewall-rule"}).service, ServiceAction::kRemoveFirewallRule);
  EXPECT_EQ(parse({}).log_file, "");
  EXPECT_EQ(parse({"--log.file=C:\\ProgramData\\x.log"}).log_file, "C:\\ProgramData\\x.log");
  EXPECT_EQ(error_of({"--service=start"}),
            "--service: \"start\" is not one of install, uninstall, run, install-and-start, "
            "add-firewall-rule, remove-firewall-rule");
  EXPECT_EQ(error_of({"--service"}), "--service needs a value");
  EXPECT_EQ(error_of({"--log.file="}), "--log.file: a file name is required");
}

// What --service=install puts on the service's command line: every flag in one spelling, the
// files absolute (a service starts in the system directory), --service itself left out.
std::string absolute(const std::string& relative) {
  return (std::filesystem::current_path() / relative).lexically_normal().string();
}

TEST(ServiceRunArgumentsTest, NormalisesFlagsAndMakesFilesAbsolute) {
  const std::string web = absolute("web.yml");  // already absolute: kept as it is
  EXPECT_EQ(service_run_arguments({"--service=install", "--config.file", "config/targets.yaml",
                                   "--role=agent", "--web.enable-lifecycle", "--no-config.check",
                                   "--web.config.file=" + web, "--log.file=logs/../x.log",
                                   "--web.listen-address", "127.0.0.1:9867"}),
            (std::vector<std::string>{"--config.file=" + absolute("config/targets.yaml"),
                                      "--role=agent", "--web.enable-lifecycle", "--no-config.check",
                                      "--web.config.file=" + web, "--log.file=" + absolute("x.log"),
                                      "--web.listen-address=127.0.0.1:9867"}));
  EXPECT_EQ(service_run_arguments({}), std::vector<std::string>{});
  EXPECT_THROW(service_run_arguments({"--service=install", "--bogus"}), UsageError);
  EXPECT_EQ(service_run_arguments({"--veeam.export-file=exports/agent.xml"}),
            std::vector<std::string>{"--veeam.export-file=" + absolute("exports/agent.xml")});
  EXPECT_THROW(service_run_arguments({"--web.listen-address=x"}), UsageError);
}

TEST(ExporterOptionsTest, UsageNamesEveryFlag) {
  const std::string usage = exporter_usage();
  for (const char* flag :
       {"--config.file", "--role", "--config.check", "--web.listen-address", "--web.config.file",
        "--web.telemetry-path", "--metrics.per-port-limit", "--log.level", "--version", "--help",
        "--web.enable-lifecycle", "--log.file", "--service", "--web.max-connections"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace vpm::exporter
