#include "check_options.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace vpm::nagios {
namespace {

CheckOptions parse(std::initializer_list<std::string_view> args) {
  return parse_check_options(std::vector<std::string_view>(args));
}

// The UsageError message, or "no error" so a failure shows what happened.
std::string error_of(std::initializer_list<std::string_view> args) {
  try {
    parse_check_options(std::vector<std::string_view>(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CheckOptionsTest, AdhocModeWithDefaults) {
  const CheckOptions o = parse({"-H", "127.0.0.1", "-p", "10005"});
  EXPECT_EQ(o.hosts, std::vector<std::string>{"127.0.0.1"});
  ASSERT_TRUE(o.ports.has_value());
  EXPECT_EQ(o.ports->to_string(), "10005");
  EXPECT_EQ(o.protocol, Protocol::kTcp);
  EXPECT_EQ(o.expect, Expectation::kOpen);
  EXPECT_FALSE(o.timeout.has_value());
  EXPECT_FALSE(o.warning.has_value());
  EXPECT_FALSE(o.critical.has_value());
  EXPECT_FALSE(o.concurrency.has_value());
  EXPECT_TRUE(o.config_path.empty());
  EXPECT_TRUE(o.role.empty());
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.version);
}

TEST(CheckOptionsTest, EveryValueSpelling) {
  for (const auto& args : std::vector<std::vector<std::string_view>>{
           {"-H", "127.0.0.1", "-p", "22,2500-3300"},
           {"-H127.0.0.1", "-p22,2500-3300"},
           {"--hostname", "127.0.0.1", "--ports", "22,2500-3300"},
           {"--hostname=127.0.0.1", "--ports=22,2500-3300"},
       }) {
    const CheckOptions o = parse_check_options(args);
    EXPECT_EQ(o.hosts, std::vector<std::string>{"127.0.0.1"});
    ASSERT_TRUE(o.ports.has_value());
    EXPECT_EQ(o.ports->to_string(), "22,2500-3300");
  }
}

TEST(CheckOptionsTest, HostListsAndRepeatedHostFlags) {
  EXPECT_EQ(parse({"-H", "127.0.0.1,::1", "-p", "1"}).hosts,
            (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(parse({"-H", "127.0.0.1, ::1", "-p", "1"}).hosts,
            (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(parse({"-H", "127.0.0.1", "-H", "::1", "-p", "1"}).hosts,
            (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST(CheckOptionsTest, ProtocolAndExpectation) {
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--udp"}).protocol, Protocol::kUdp);
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--expect", "open"}).expect, Expectation::kOpen);
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--expect=reachable"}).expect, Expectation::kReachable);
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--expect", "closed"}).expect, Expectation::kClosed);
}

TEST(CheckOptionsTest, SourceAddressInAdHocMode) {
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--source", "::1"}).source, "::1");
  EXPECT_EQ(parse({"-H", "127.0.0.1", "-p", "1", "--source=127.0.0.2"}).source, "127.0.0.2");
  EXPECT_EQ(parse({"-H", "::1", "-p", "1"}).source, "");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--source", "eth1"}),
            "--source: \"eth1\" is not an IP address (give the IPv4 or IPv6 address of this "
            "machine the probes leave from)");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--source", "::"}),
            "--source: \"::\" is the unspecified address (leave source out to let the routing "
            "table choose)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--source", "127.0.0.2"}),
            "--config cannot be combined with --source (ad-hoc mode)");
}

TEST(CheckOptionsTest, TimeoutInDecimalSeconds) {
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-t", "0.5"}).timeout, Duration(500));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-t10"}).timeout, Duration(10000));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--timeout", "3600", "-T", "3601"}).timeout,
            Duration(3600000));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--timeout=0.001"}).timeout, Duration(1));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-t", "2."}).timeout, Duration(2000));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-t", ".25"}).timeout, Duration(250));
}

TEST(CheckOptionsTest, MaxTimeBoundsTheWholeRun) {
  EXPECT_EQ(parse({"--config", "t.yaml"}).max_time, kDefaultMaxTime);
  EXPECT_EQ(kDefaultMaxTime, Duration(50000));  // under nagios4's and icinga2's 60 s
  EXPECT_EQ(parse({"--config", "t.yaml", "-T", "3"}).max_time, Duration(3000));
  EXPECT_EQ(parse({"--config", "t.yaml", "--max-time=0.5", "-t", "0.4"}).max_time, Duration(500));
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-T120", "-t", "60"}).max_time, Duration(120000));
  EXPECT_EQ(error_of({"--config", "t.yaml", "-T", "0"}),
            "-T/--max-time: \"0\" must be greater than 0");
  EXPECT_EQ(error_of({"--config", "t.yaml", "-T", "abc"}),
            "-T/--max-time: \"abc\" is not a number of seconds");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--max-time", "50s"}),
            "-T/--max-time: \"50s\" is not a number of seconds");
  EXPECT_EQ(parse({"--config", "t.yaml", "-T", "86400"}).max_time, Duration(86400000));
  EXPECT_EQ(error_of({"--config", "t.yaml", "-T", "86401"}),
            "-T/--max-time: \"86401\" must be at most 86400 seconds");
  EXPECT_EQ(error_of({"--config", "t.yaml", "-T"}), "-T/--max-time needs a value");
  EXPECT_EQ(error_of({"--config", "t.yaml", "-T", "5", "-T", "6"}),
            "-T/--max-time is given more than once");
  // No probe could end within the limit: the run would probe nothing.
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "2", "-T", "1"}),
            "-t/--timeout (2s) leaves no time within -T/--max-time (1s): a probe starts only if "
            "it can end 100ms before the limit");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "1", "-T", "1"}),
            "-t/--timeout (1s) leaves no time within -T/--max-time (1s): a probe starts only if "
            "it can end 100ms before the limit");
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-t", "0.9", "-T", "1"}).max_time, Duration(1000));
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "60"}),
            "-t/--timeout (1m) leaves no time within -T/--max-time (50s, the default): a probe "
            "starts only if it can end 100ms before the limit");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "-T", "5"}),
            "-T/--max-time has no effect with --print-firewall-rules (it probes nothing)");
}

TEST(CheckOptionsTest, LatencyThresholds) {
  const CheckOptions o = parse({"-H", "::1", "-p", "1", "-w", "0.2", "--critical=@0:10"});
  ASSERT_TRUE(o.warning.has_value());
  ASSERT_TRUE(o.critical.has_value());
  EXPECT_EQ(o.warning->text, "0.2");
  EXPECT_DOUBLE_EQ(o.warning->end, 0.2);
  EXPECT_EQ(o.critical->text, "@0:10");
  EXPECT_TRUE(o.critical->alert_inside);
  // A range may begin with '-' or '~' and still be the flag's value.
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-w", "-1:5"}).warning->text, "-1:5");
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--warning", "~:1"}).warning->text, "~:1");
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "-c1:2"}).critical->text, "1:2");
}

TEST(CheckOptionsTest, ConfigMode) {
  const CheckOptions o = parse({"--config", "/etc/vpm/targets.yaml", "--role=agent"});
  EXPECT_EQ(o.config_path, "/etc/vpm/targets.yaml");
  EXPECT_EQ(o.role, "agent");
  EXPECT_TRUE(o.hosts.empty());
  EXPECT_FALSE(o.ports.has_value());
  EXPECT_EQ(parse({"--config=t.yaml"}).role, "");
  EXPECT_EQ(parse({"--config", "t.yaml", "-t", "1", "-w", "1", "-c", "2"}).timeout, Duration(1000));
}

TEST(CheckOptionsTest, ConcurrencyVerbosityHelpVersion) {
  EXPECT_EQ(parse({"--config", "t.yaml", "--concurrency", "16"}).concurrency, 16u);
  EXPECT_EQ(parse({"--config", "t.yaml", "--concurrency=65535"}).concurrency, 65535u);
  EXPECT_FALSE(parse({"--config", "t.yaml"}).probe_threads.has_value());
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--probe-threads", "1"}).probe_threads, 1u);
  EXPECT_EQ(parse({"--config", "t.yaml", "--probe-threads=64"}).probe_threads, 64u);
  EXPECT_EQ(parse({"--config", "t.yaml", "-v"}).verbosity, 1);
  EXPECT_EQ(parse({"--config", "t.yaml", "-v", "--verbose", "-vv"}).verbosity, 4);
  // Help and version need no mode: they are answered before anything is checked.
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-V"}).version);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_TRUE(parse({"-vh"}).help);
}

TEST(CheckOptionsTest, FlagErrorsNameTheFlag) {
  EXPECT_EQ(error_of({"-H", "::1", "-p", "70000"}),
            "-p/--ports: port 70000 is out of range 1-65535");
  EXPECT_EQ(error_of({"-H", "::1", "--ports=3300-2500"}),
            "-p/--ports: range 3300-2500 is reversed (first > last)");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "ssh"}),
            "-p/--ports: \"ssh\" is not a port or range (expected e.g. 22 or 2500-3300)");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--expect", "up"}),
            "--expect: \"up\" is not one of open, reachable, closed");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "abc"}),
            "-t/--timeout: \"abc\" is not a number of seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "2s"}),
            "-t/--timeout: \"2s\" is not a number of seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "1.2.3"}),
            "-t/--timeout: \"1.2.3\" is not a number of seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "0"}),
            "-t/--timeout: \"0\" must be greater than 0");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "-1"}),
            "-t/--timeout: \"-1\" is not a number of seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--timeout=-1"}),
            "-t/--timeout: \"-1\" is not a number of seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "3600.5"}),
            "-t/--timeout: \"3600.5\" must be at most 3600 seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "0.0001"}),
            "-t/--timeout: \"0.0001\" must be at least 0.001 seconds");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-w", "abc"}),
            "-w/--warning: \"abc\" is not a number");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-c", "20:10"}),
            "-c/--critical: start 20 is greater than end 10");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--critical=1:2:3"}),
            "-c/--critical: \"1:2:3\" has more than one \":\"");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency", "0"}),
            "--concurrency: \"0\" must be from 1 to 65535");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency", "65536"}),
            "--concurrency: \"65536\" must be from 1 to 65535");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency", "99999999999999999999"}),
            "--concurrency: \"99999999999999999999\" must be from 1 to 65535");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency", "many"}),
            "--concurrency: \"many\" is not a whole number");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency", "1.5"}),
            "--concurrency: \"1.5\" is not a whole number");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--probe-threads", "0"}),
            "--probe-threads: \"0\" must be from 1 to 64");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--probe-threads", "65"}),
            "--probe-threads: \"65\" must be from 1 to 64");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--probe-threads", "two"}),
            "--probe-threads: \"two\" is not a whole number");
}

TEST(CheckOptionsTest, HostNameErrors) {
  EXPECT_EQ(error_of({"-H", "127.0.0.1,,::1", "-p", "1"}),
            "-H/--hostname: empty host name in \"127.0.0.1,,::1\"");
  EXPECT_EQ(error_of({"-H", "127.0.0.1,", "-p", "1"}),
            "-H/--hostname: empty host name in \"127.0.0.1,\"");
  EXPECT_EQ(error_of({"-H", "local host", "-p", "1"}),
            "-H/--hostname: \"local host\" is not a host name");
  EXPECT_EQ(error_of({"-H", "::1,::1", "-p", "1"}), "-H/--hostname: \"::1\" is listed twice");
  EXPECT_EQ(error_of({"-H", "::1", "-H", "::1", "-p", "1"}),
            "-H/--hostname: \"::1\" is listed twice");
}

TEST(CheckOptionsTest, MissingValues) {
  EXPECT_EQ(error_of({"-H"}), "-H/--hostname needs a value");
  EXPECT_EQ(error_of({"--hostname"}), "-H/--hostname needs a value");
  EXPECT_EQ(error_of({"--hostname="}), "-H/--hostname needs a value");
  EXPECT_EQ(error_of({"-H", "-p", "22"}), "-H/--hostname needs a value");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "--udp"}), "-p/--ports needs a value");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--expect"}), "--expect needs a value");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t"}), "-t/--timeout needs a value");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-w"}), "-w/--warning needs a value");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-c"}), "-c/--critical needs a value");
  EXPECT_EQ(error_of({"--config"}), "--config needs a value");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role"}), "--role needs a value");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--concurrency"}), "--concurrency needs a value");
}

TEST(CheckOptionsTest, UnknownAndMisusedOptions) {
  EXPECT_EQ(error_of({"--foo"}), "unknown option \"--foo\"");
  EXPECT_EQ(error_of({"--foo=bar"}), "unknown option \"--foo\"");
  EXPECT_EQ(error_of({"-x"}), "unknown option \"-x\"");
  EXPECT_EQ(error_of({"-vx"}), "unknown option \"-x\"");
  EXPECT_EQ(error_of({"--host", "::1"}), "unknown option \"--host\"");
  EXPECT_EQ(error_of({"--udp=yes"}), "--udp does not take a value");
  EXPECT_EQ(error_of({"--verbose=2"}), "-v/--verbose does not take a value");
  EXPECT_EQ(error_of({"extra"}), "unexpected argument \"extra\"");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "22"}), "unexpected argument \"22\"");
  EXPECT_EQ(error_of({"-"}), "unexpected argument \"-\"");
  EXPECT_EQ(error_of({"--"}), "unexpected argument \"--\"");
}

TEST(CheckOptionsTest, SingleValuedFlagsOnlyOnce) {
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-p", "2"}), "-p/--ports is given more than once");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "-t", "1", "--timeout=2"}),
            "-t/--timeout is given more than once");
  EXPECT_EQ(error_of({"--config", "a.yaml", "--config", "b.yaml"}),
            "--config is given more than once");
  EXPECT_EQ(error_of({"--config", "a.yaml", "-w", "1", "-w", "2"}),
            "-w/--warning is given more than once");
}

TEST(CheckOptionsTest, ExactlyOneMode) {
  EXPECT_EQ(error_of({}), "give either --config FILE, or -H/--hostname and -p/--ports");
  EXPECT_EQ(error_of({"-t", "1"}), "give either --config FILE, or -H/--hostname and -p/--ports");
  EXPECT_EQ(error_of({"--udp"}), "give either --config FILE, or -H/--hostname and -p/--ports");
  EXPECT_EQ(error_of({"-H", "::1"}), "-p/--ports is required with -H/--hostname");
  EXPECT_EQ(error_of({"-p", "22"}), "-H/--hostname is required with -p/--ports");
  EXPECT_EQ(error_of({"--role", "agent"}), "--role needs --config");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--role", "agent"}), "--role needs --config");
  EXPECT_EQ(error_of({"--config", "t.yaml", "-H", "::1"}),
            "--config cannot be combined with -H/--hostname (ad-hoc mode)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "-p", "1"}),
            "--config cannot be combined with -p/--ports (ad-hoc mode)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--udp"}),
            "--config cannot be combined with --udp (ad-hoc mode)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--expect", "open"}),
            "--config cannot be combined with --expect (ad-hoc mode)");
}

TEST(CheckOptionsTest, VeeamExportAndPrintDiscovery) {
  const CheckOptions o = parse({"--config", "t.yaml", "--veeam-export", "agent.xml"});
  EXPECT_EQ(o.veeam_export, "agent.xml");
  EXPECT_FALSE(o.print_discovery);
  EXPECT_TRUE(parse({"--config=t.yaml", "--print-discovery"}).print_discovery);
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--veeam-export", "agent.xml"}),
            "--veeam-export needs --config: the export fills the roles of a target file");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--veeam-export", ""}), "--veeam-export needs a value");
  EXPECT_EQ(error_of({"--print-discovery"}), "--print-discovery needs --config");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-discovery",
                      "--print-firewall-rules", "nftables"}),
            "--print-discovery cannot be combined with --print-firewall-rules");
}

TEST(CheckOptionsTest, Textfile) {
  EXPECT_TRUE(parse({"-H", "::1", "-p", "1"}).textfile.empty());
  EXPECT_EQ(parse({"-H", "::1", "-p", "1", "--textfile", "/var/lib/x/veeam.prom"}).textfile,
            "/var/lib/x/veeam.prom");
  EXPECT_EQ(parse({"--config=t.yaml", "--textfile=C:\\textfile_inputs\\veeam.prom"}).textfile,
            "C:\\textfile_inputs\\veeam.prom");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--textfile", ""}), "--textfile needs a value");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--print-discovery", "--textfile", "v.prom"}),
            "--textfile has no effect with --print-discovery (it probes nothing)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "--textfile", "v.prom"}),
            "--textfile has no effect with --print-firewall-rules (it probes nothing)");
}

TEST(CheckOptionsTest, AllPorts) {
  EXPECT_FALSE(parse({"--config", "t.yaml"}).all_ports);
  EXPECT_TRUE(parse({"--config", "t.yaml", "--job", "Nightly", "--all-ports"}).all_ports);
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1-9", "--all-ports"}),
            "--all-ports needs --config: ad-hoc mode probes every port of -p/--ports anyway");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--print-discovery", "--all-ports"}),
            "--all-ports has no effect with --print-discovery (it probes nothing)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules",
                      "powershell", "--all-ports"}),
            "--all-ports has no effect with --print-firewall-rules (it probes nothing)");
  EXPECT_EQ(
      error_of({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd", "--all-ports"}),
      "--all-ports has no effect with --print-prometheus-sd (it probes nothing)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--all-ports=yes"}),
            "--all-ports does not take a value");
}

TEST(CheckOptionsTest, PrintPrometheusSd) {
  const CheckOptions o = parse({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd"});
  EXPECT_TRUE(o.print_prometheus_sd);
  EXPECT_EQ(o.exporter_port, kExporterDefaultPort);
  EXPECT_EQ(parse({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd",
                   "--exporter-port", "19867"})
                .exporter_port,
            19867);
  EXPECT_EQ(error_of({"--config", "t.yaml", "--print-prometheus-sd"}),
            "--print-prometheus-sd needs --role: the hosts whose exporters to list");
  EXPECT_EQ(error_of({"--role", "agent", "--print-prometheus-sd"}),
            "--print-prometheus-sd needs --config");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--exporter-port", "1"}),
            "--exporter-port needs --print-prometheus-sd");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd",
                      "--exporter-port", "65536"}),
            "--exporter-port: \"65536\" must be from 1 to 65535");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd",
                      "--exporter-port", "http"}),
            "--exporter-port: \"http\" is not a whole number");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-prometheus-sd",
                      "--print-firewall-rules", "nftables"}),
            "--print-prometheus-sd cannot be combined with --print-firewall-rules");
}

TEST(CheckOptionsTest, PrintFirewallRules) {
  const CheckOptions o =
      parse({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "powershell"});
  EXPECT_EQ(o.firewall_format, FirewallFormat::kPowerShell);
  EXPECT_EQ(o.role, "agent");
  EXPECT_EQ(parse({"--print-firewall-rules=nftables", "--config=t.yaml", "--role=backup_server"})
                .firewall_format,
            FirewallFormat::kNftables);
  EXPECT_FALSE(parse({"--config", "t.yaml"}).firewall_format.has_value());

  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "ps1"}),
            "--print-firewall-rules: \"ps1\" is not one of powershell, nftables");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules"}),
            "--print-firewall-rules needs a value");
  EXPECT_EQ(error_of({"--role", "agent", "--print-firewall-rules", "nftables"}),
            "--print-firewall-rules needs --config");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--print-firewall-rules", "nftables"}),
            "--print-firewall-rules needs --role: the rules are for one machine");
  EXPECT_EQ(error_of({"-H", "::1", "-p", "1", "--print-firewall-rules", "nftables"}),
            "--print-firewall-rules needs --config");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "--udp"}),
            "--config cannot be combined with --udp (ad-hoc mode)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "-t", "1"}),
            "-t/--timeout has no effect with --print-firewall-rules (it probes nothing)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "-v"}),
            "-v/--verbose has no effect with --print-firewall-rules (it probes nothing)");
  EXPECT_EQ(error_of({"--config", "t.yaml", "--role", "agent", "--print-firewall-rules", "nftables",
                      "--print-firewall-rules", "nftables"}),
            "--print-firewall-rules is given more than once");
  // Help still answers first.
  EXPECT_TRUE(parse({"--print-firewall-rules", "nftables", "--help"}).help);
}

TEST(CheckOptionsTest, UsageMentionsEveryFlag) {
  const std::string usage = check_usage();
  for (const char* flag : {"--hostname",
                           "--ports",
                           "--udp",
                           "--expect",
                           "--timeout",
                           "--max-time",
                           "--warning",
                           "--critical",
                           "--config",
                           "--role",
                           "--concurrency",
                           "--verbose",
                           "--help",
                           "--version",
                           "--print-firewall-rules",
                           "--source",
                           "--print-prometheus-sd",
                           "--exporter-port",
                           "--textfile",
                           "--job",
                           "--all-ports"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace vpm::nagios

namespace vpm::nagios {
namespace {

TEST(CheckOptionsCertDays, DefaultsAndValues) {
  const CheckOptions defaults = parse_check_options({"--config", "t.yaml"});
  EXPECT_EQ(defaults.cert_warning_days, 30);
  EXPECT_EQ(defaults.cert_critical_days, 7);
  const CheckOptions set = parse_check_options(
      {"--config", "t.yaml", "--cert-warning-days", "60", "--cert-critical-days=14"});
  EXPECT_EQ(set.cert_warning_days, 60);
  EXPECT_EQ(set.cert_critical_days, 14);
  const CheckOptions zero = parse_check_options(
      {"--config", "t.yaml", "--cert-warning-days", "0", "--cert-critical-days", "0"});
  EXPECT_EQ(zero.cert_warning_days, 0);
}

std::string cert_error(std::vector<std::string_view> args) {
  try {
    parse_check_options(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CheckOptionsCertDays, InvalidValues) {
  EXPECT_EQ(cert_error({"--config", "t", "--cert-warning-days", "ten"}),
            "--cert-warning-days: \"ten\" is not a whole number of days");
  EXPECT_EQ(cert_error({"--config", "t", "--cert-critical-days=-1"}),
            "--cert-critical-days: \"-1\" is not a whole number of days");
  EXPECT_EQ(cert_error({"--config", "t", "--cert-warning-days", "4000"}),
            "--cert-warning-days: \"4000\" must be from 0 to 3650");
  EXPECT_EQ(cert_error({"--config", "t", "--cert-warning-days", "5"}),
            "--cert-critical-days (7) must not be more than --cert-warning-days (5)");
  EXPECT_EQ(cert_error({"--config", "t", "--cert-warning-days", "5", "--cert-warning-days", "6"}),
            "--cert-warning-days is given more than once");
  EXPECT_EQ(cert_error({"--config", "t", "--role", "agent", "--print-firewall-rules", "nftables",
                        "--cert-warning-days", "5", "--cert-critical-days", "1"}),
            "--cert-warning-days has no effect with --print-firewall-rules (it probes nothing)");
}

}  // namespace
}  // namespace vpm::nagios
