#include "check_report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/flow_edit.h"
#include "vpm/flow_result.h"

namespace vpm::nagios {
namespace {

using std::chrono::microseconds;

Flow make_flow(std::string name, Protocol protocol = Protocol::kTcp,
               Expectation expect = Expectation::kOpen, Severity severity = Severity::kCritical) {
  Flow flow;
  flow.name = std::move(name);
  flow.from = "agent";
  flow.to = "server";
  flow.protocol = protocol;
  flow.expect = expect;
  flow.severity = severity;
  flow.timeout = Duration(2000);
  return flow;
}

PortResult port(Port number, PortState state, microseconds latency = microseconds(0),
                std::string reason = "") {
  PortResult p;
  p.port = number;
  p.state = state;
  p.latency = latency;
  p.reason = std::move(reason);
  return p;
}

// Ports first..last, all in one state.
std::vector<PortResult> ports(Port first, Port last, PortState state,
                              microseconds latency = microseconds(0)) {
  std::vector<PortResult> list;
  for (unsigned p = first; p <= last; ++p)
    list.push_back(port(static_cast<Port>(p), state, latency));
  return list;
}

FlowResult result(const Flow& flow, std::vector<PortResult> probed,
                  const std::string& target = "127.0.0.1") {
  return summarise(vpm::test::shared(flow), target, target, std::move(probed));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string first_line(const Report& report) { return lines_of(report.output).at(0); }

std::string summary_of(const Report& report) {
  const std::string line = first_line(report);
  const std::size_t dash = line.find(" - ");
  const std::size_t bar = line.find(" | ");
  return line.substr(dash + 3, bar == std::string::npos ? std::string::npos : bar - dash - 3);
}

// A reader of the perfdata format, independent of perfdata.cc: 'label'=value[uom];w;c;min;max
struct ParsedDatum {
  std::string label;
  std::string value;  // as written: a number or "U"
  std::string uom;
  std::string warn;
  std::string crit;
  std::string min;
  std::string max;
};

std::vector<ParsedDatum> parse_perfdata(const std::string& line) {
  std::vector<ParsedDatum> data;
  const std::size_t bar = line.find(" | ");
  if (bar == std::string::npos) return data;
  const std::string text = line.substr(bar + 3);
  std::size_t i = 0;
  while (i < text.size()) {
    ParsedDatum d;
    EXPECT_EQ(text[i], '\'') << "label not quoted at " << i << " in " << text;
    ++i;
    while (i < text.size()) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          d.label += '\'';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      d.label += text[i++];
    }
    EXPECT_EQ(text.at(i), '=') << "no '=' after label " << d.label;
    ++i;
    std::string fields;
    while (i < text.size() && text[i] != ' ') fields += text[i++];
    ++i;  // the space between data
    std::vector<std::string> parts;
    std::size_t begin = 0;
    while (true) {
      const std::size_t semicolon = fields.find(';', begin);
      parts.push_back(
          fields.substr(begin, semicolon == std::string::npos ? semicolon : semicolon - begin));
      if (semicolon == std::string::npos) break;
      begin = semicolon + 1;
    }
    EXPECT_LE(parts.size(), 5u);
    parts.resize(5);
    const std::size_t unit = parts[0].find_first_not_of("-0123456789.");
    if (parts[0] == "U") {
      d.value = "U";
    } else {
      d.value = parts[0].substr(0, unit);
      d.uom = unit == std::string::npos ? "" : parts[0].substr(unit);
    }
    d.warn = parts[1];
    d.crit = parts[2];
    d.min = parts[3];
    d.max = parts[4];
    data.push_back(d);
  }
  return data;
}

const ParsedDatum* find_datum(const std::vector<ParsedDatum>& data, const std::string& label) {
  for (const ParsedDatum& d : data) {
    if (d.label == label) return &d;
  }
  return nullptr;
}

TEST(CheckReportTest, AllFlowsOkExactOutput) {
  const Flow control = make_flow("agent-to-backup-server-control");
  const Flow repository = make_flow("agent-to-repository");
  const Report report =
      make_report({result(control, {port(10005, PortState::kOpen, microseconds(213)),
                                    port(10006, PortState::kOpen, microseconds(100))}),
                   result(repository, {port(2500, PortState::kOpen, microseconds(50))})},
                  {});
  EXPECT_EQ(report.status, Status::kOk);
  EXPECT_EQ(report.output,
            "VEEAM PORTS OK - 2 flows OK (3 ports on 1 target) | "
            "'agent-to-backup-server-control@127.0.0.1'=0.000213s;;;0;2 "
            "'agent-to-backup-server-control_failed'=0;;;0;2 "
            "'agent-to-backup-server-control_probed'=2;;;0;2 "
            "'agent-to-repository@127.0.0.1'=0.00005s;;;0;2 "
            "'agent-to-repository_failed'=0;;;0;1 "
            "'agent-to-repository_probed'=1;;;0;1\n"
            "[OK] agent-to-backup-server-control -> 127.0.0.1 (127.0.0.1) tcp expect open: "
            "2 open; latency 0.000213s\n"
            "  10005-10006: 2 open\n"
            "[OK] agent-to-repository -> 127.0.0.1 (127.0.0.1) tcp expect open: 1 open; "
            "latency 0.00005s\n"
            "  2500: 1 open\n");
}

TEST(CheckReportTest, SingularWordsForOne) {
  const Report report =
      make_report({result(make_flow("f"), {port(22, PortState::kOpen, microseconds(1))})}, {});
  EXPECT_EQ(summary_of(report), "1 flow OK (1 port on 1 target)");
}

TEST(CheckReportTest, RefusedPortIsCriticalAndNamed) {
  const Flow flow = make_flow("agent-to-backup-server-control");
  const Report report = make_report({result(flow, {port(10005, PortState::kOpen, microseconds(213)),
                                                   port(10006, PortState::kRefused)})},
                                    {});
  EXPECT_EQ(report.status, Status::kCritical);
  const std::vector<std::string> lines = lines_of(report.output);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "VEEAM PORTS CRITICAL - agent-to-backup-server-control 127.0.0.1 tcp/10006 refused "
            "(connection refused) | 'agent-to-backup-server-control@127.0.0.1'=0.000213s;;;0;2 "
            "'agent-to-backup-server-control_failed'=1;;;0;2 "
            "'agent-to-backup-server-control_probed'=2;;;0;2");
  EXPECT_EQ(lines[1],
            "[CRITICAL] agent-to-backup-server-control -> 127.0.0.1 (127.0.0.1) tcp expect open: "
            "1 open, 1 refused; latency 0.000213s");
  EXPECT_EQ(lines[2], "  10005: 1 open");
  EXPECT_EQ(lines[3], "  10006: 1 refused");
}

TEST(CheckReportTest, AnOutputErrorLeadsTheStatusLineAndIsAtLeastUnknown) {
  ReportOptions options;
  options.output_error = "--textfile /x/v.prom: cannot create /x/.v.prom.1.tmp: No such file";
  const Flow flow = make_flow("agent-to-backup-server-control");
  const Report ok = make_report({result(flow, {port(10005, PortState::kOpen)})}, options);
  EXPECT_EQ(ok.status, Status::kUnknown);
  EXPECT_EQ(lines_of(ok.output)[0].rfind("VEEAM PORTS UNKNOWN - --textfile /x/v.prom: cannot "
                                         "create /x/.v.prom.1.tmp: No such file; 1 flow OK (1 "
                                         "port on 1 target) | ",
                                         0),
            0u)
      << ok.output;
  // What failed is worse news than the lost file: CRITICAL stays, the line still says both.
  const Report critical = make_report({result(flow, {port(10006, PortState::kRefused)})}, options);
  EXPECT_EQ(critical.status, Status::kCritical);
  EXPECT_EQ(lines_of(critical.output)[0].rfind("VEEAM PORTS CRITICAL - --textfile /x/v.prom: ", 0),
            0u)
      << critical.output;
  EXPECT_NE(critical.output.find("tcp/10006 refused"), std::string::npos) << critical.output;
}

TEST(CheckReportTest, ProbeReasonIsPreferredToTheDefaultWording) {
  const Report report = make_report(
      {result(make_flow("f"),
              {port(10005, PortState::kRefused, microseconds(0), "connect: Connection refused")})},
      {});
  EXPECT_EQ(summary_of(report), "f 127.0.0.1 tcp/10005 refused (connect: Connection refused)");
}

TEST(CheckReportTest, DefaultReasonsPerState) {
  const Flow tcp = make_flow("t");
  const Flow udp = make_flow("u", Protocol::kUdp);
  const Flow closed = make_flow("c", Protocol::kTcp, Expectation::kClosed);
  EXPECT_EQ(summary_of(make_report({result(tcp, {port(1, PortState::kFiltered)})}, {})),
            "t 127.0.0.1 tcp/1 filtered (no answer in 2s)");
  EXPECT_EQ(summary_of(make_report({result(tcp, {port(1, PortState::kUnreachable)})}, {})),
            "t 127.0.0.1 tcp/1 unreachable (host or network unreachable)");
  EXPECT_EQ(summary_of(make_report({result(tcp, {port(1, PortState::kError)})}, {})),
            "t 127.0.0.1 tcp/1 error (probe error)");
  EXPECT_EQ(summary_of(make_report({result(udp, {port(1, PortState::kOpenFiltered)})}, {})),
            "u 127.0.0.1 udp/1 open_filtered (no reply in 2s)");
  EXPECT_EQ(summary_of(make_report({result(udp, {port(1, PortState::kRefused)})}, {})),
            "u 127.0.0.1 udp/1 refused (ICMP port unreachable)");
  EXPECT_EQ(summary_of(make_report(
                {result(closed, {port(22, PortState::kOpen, microseconds(9), "connected")})}, {})),
            "c 127.0.0.1 tcp/22 open (expected closed)");
  Flow slow = tcp;
  slow.timeout = Duration(500);
  EXPECT_EQ(summary_of(make_report({result(slow, {port(1, PortState::kFiltered)})}, {})),
            "t 127.0.0.1 tcp/1 filtered (no answer in 500ms)");
}

TEST(CheckReportTest, UnresolvedNameNamesNoPorts) {
  const FlowResult r =
      summarise(vpm::test::shared(make_flow("f")), "backup.invalid", "",
                {port(10005, PortState::kDnsError, microseconds(0), "Host not found"),
                 port(10006, PortState::kDnsError, microseconds(0), "Host not found")});
  const Report report = make_report({r}, {});
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_EQ(summary_of(report), "f backup.invalid dns_error (Host not found)");
  EXPECT_EQ(lines_of(report.output).at(1),
            "[CRITICAL] f -> backup.invalid (unresolved) tcp expect open: 2 dns_error");
  // No latency was measured: no latency datum (Icinga 2 rejects "U"), the failed count stays.
  const auto data = parse_perfdata(first_line(report));
  EXPECT_EQ(find_datum(data, "f@backup.invalid"), nullptr);
  ASSERT_NE(find_datum(data, "f_failed"), nullptr);
  EXPECT_EQ(find_datum(data, "f_failed")->value, "2");
}

TEST(CheckReportTest, ReachableAcceptsRefusedButNotFiltered) {
  const Flow flow = make_flow("f", Protocol::kTcp, Expectation::kReachable);
  EXPECT_EQ(
      make_report({result(flow, {port(1, PortState::kRefused, microseconds(30))})}, {}).status,
      Status::kOk);
  EXPECT_EQ(make_report({result(flow, {port(1, PortState::kFiltered)})}, {}).status,
            Status::kCritical);
}

TEST(CheckReportTest, SeverityDecidesTheStatusAndTheWorstWins) {
  const Flow warn =
      make_flow("optional-flow", Protocol::kTcp, Expectation::kOpen, Severity::kWarning);
  const Flow crit = make_flow("required-flow");
  const FlowResult warn_down = result(warn, {port(1, PortState::kRefused)});
  const FlowResult crit_down = result(crit, {port(2, PortState::kRefused)});
  const FlowResult crit_up = result(crit, {port(2, PortState::kOpen, microseconds(5))});

  EXPECT_EQ(make_report({warn_down}, {}).status, Status::kWarning);
  EXPECT_EQ(make_report({warn_down, crit_up}, {}).status, Status::kWarning);
  const Report both = make_report({warn_down, crit_down}, {});
  EXPECT_EQ(both.status, Status::kCritical);
  // Worst first, on the status line and in the long output.
  EXPECT_EQ(summary_of(both),
            "2 of 2 flows failing: required-flow 127.0.0.1 tcp/2 refused (connection refused); "
            "optional-flow 127.0.0.1 tcp/1 refused (connection refused)");
  const auto lines = lines_of(both.output);
  EXPECT_EQ(lines.at(1).rfind("[CRITICAL] required-flow", 0), 0u) << lines.at(1);
  EXPECT_EQ(lines.at(3).rfind("[WARNING] optional-flow", 0), 0u) << lines.at(3);
}

TEST(CheckReportTest, NamesAtMostThreeProblems) {
  std::vector<FlowResult> results;
  for (int i = 0; i < 5; ++i) {
    results.push_back(result(make_flow("flow" + std::to_string(i)),
                             {port(static_cast<Port>(100 + i), PortState::kRefused)}));
  }
  results.push_back(result(make_flow("fine"), {port(7, PortState::kOpen, microseconds(1))}));
  const Report report = make_report(results, {});
  EXPECT_EQ(summary_of(report),
            "5 of 6 flows failing: flow0 127.0.0.1 tcp/100 refused (connection refused); "
            "flow1 127.0.0.1 tcp/101 refused (connection refused); "
            "flow2 127.0.0.1 tcp/102 refused (connection refused); and 2 more");
}

TEST(CheckReportTest, FailingPortsAreSummarisedAsRangesPerState) {
  std::vector<PortResult> probed = ports(49152, 65535, PortState::kFiltered);
  probed.push_back(port(10005, PortState::kRefused));
  probed.push_back(port(10007, PortState::kRefused));
  probed.push_back(port(10008, PortState::kRefused));
  probed.push_back(port(10010, PortState::kRefused));
  probed.push_back(port(10012, PortState::kRefused));
  probed.push_back(port(10013, PortState::kOpen, microseconds(40)));
  const Report report = make_report({result(make_flow("f"), probed)}, {});
  EXPECT_EQ(summary_of(report),
            "f 127.0.0.1 tcp/10005,10007-10008,10010 and 1 more refused (connection refused), "
            "tcp/49152-65535 filtered (no answer in 2s)");
  const auto lines = lines_of(report.output);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1],
            "[CRITICAL] f -> 127.0.0.1 (127.0.0.1) tcp expect open: 1 open, 5 refused, "
            "16384 filtered; latency 0.00004s");
  EXPECT_EQ(lines[2], "  49152-65535: 16384 filtered");
  EXPECT_EQ(lines[3], "  10005: 1 refused");
  EXPECT_EQ(lines[4], "  10007-10008: 2 refused");
  EXPECT_EQ(lines[5], "  10010: 1 refused");
  EXPECT_EQ(lines[6], "  10012: 1 refused");
  EXPECT_EQ(lines[7], "  10013: 1 open");
}

TEST(CheckReportTest, PassingPortsAreOneLinePerRange) {
  const Report report = make_report(
      {result(make_flow("f"), ports(1000, 1999, PortState::kOpen, microseconds(7)))}, {});
  const auto lines = lines_of(report.output);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "  1000-1999: 1000 open");
}

TEST(CheckReportTest, QuietOutputCapsRangeLinesAndVerboseAddsReasons) {
  std::vector<PortResult> probed;
  for (Port p = 1000; p < 1020; ++p) {
    probed.push_back(p % 2 == 0 ? port(p, PortState::kOpen, microseconds(3))
                                : port(p, PortState::kFiltered, microseconds(0), "timed out"));
  }
  const Flow flow = make_flow("f");
  const auto quiet = lines_of(make_report({result(flow, probed)}, {}).output);
  ASSERT_EQ(quiet.size(), 11u);
  EXPECT_EQ(quiet[2], "  1000: 1 open");
  EXPECT_EQ(quiet[3], "  1001: 1 filtered");
  EXPECT_EQ(quiet[10], "  ... 12 more port ranges (-v shows all)");

  ReportOptions verbose;
  verbose.verbosity = 1;
  const auto loud = lines_of(make_report({result(flow, probed)}, verbose).output);
  ASSERT_EQ(loud.size(), 22u);
  EXPECT_EQ(loud[2], "  1000: 1 open");
  EXPECT_EQ(loud[3], "  1001: 1 filtered (timed out)");
  EXPECT_EQ(loud[21], "  1019: 1 filtered (timed out)");
}

TEST(CheckReportTest, OpenFilteredIsExplainedOnce) {
  const Flow udp = make_flow("u", Protocol::kUdp, Expectation::kReachable);
  const Report report = make_report({result(udp, {port(53, PortState::kOpenFiltered)}),
                                     result(udp, {port(53, PortState::kOpenFiltered)}, "::1")},
                                    {});
  EXPECT_EQ(report.status, Status::kOk);
  const std::string note =
      "(open_filtered: no reply; a silent service and a dropping firewall look the same)";
  const std::size_t at = report.output.find(note);
  ASSERT_NE(at, std::string::npos) << report.output;
  EXPECT_EQ(report.output.find(note, at + 1), std::string::npos);
}

TEST(CheckReportTest, PerfdataParsesBack) {
  ReportOptions options;
  options.warning = parse_nagios_range("0.5", nullptr);
  options.critical = parse_nagios_range("~:1", nullptr);
  Flow flow = make_flow("agent-to-server");
  flow.timeout = Duration(1500);
  const Report report = make_report(
      {result(flow, {port(10005, PortState::kOpen, microseconds(1250)),
                     port(10006, PortState::kRefused)}),
       result(flow, {port(10005, PortState::kFiltered), port(10006, PortState::kFiltered)}, "::1")},
      options);
  // ::1 measured no latency (both ports filtered): it has no datum, never "U".
  const auto data = parse_perfdata(first_line(report));
  ASSERT_EQ(data.size(), 3u);  // latency, failed, probed
  EXPECT_EQ(data[0].label, "agent-to-server@127.0.0.1");
  EXPECT_EQ(data[0].value, "0.00125");
  EXPECT_EQ(data[0].uom, "s");
  EXPECT_EQ(data[0].warn, "0.5");
  EXPECT_EQ(data[0].crit, "~:1");
  EXPECT_EQ(data[0].min, "0");
  EXPECT_EQ(data[0].max, "1.5");
  EXPECT_EQ(data[1].label, "agent-to-server_failed");
  EXPECT_EQ(data[1].value, "3");
  EXPECT_EQ(data[1].uom, "");
  EXPECT_EQ(data[1].warn, "");
  EXPECT_EQ(data[1].crit, "");
  EXPECT_EQ(data[1].min, "0");
  EXPECT_EQ(data[1].max, "4");
  EXPECT_EQ(data[2].label, "agent-to-server_probed");
  EXPECT_EQ(data[2].value, "4");
  EXPECT_EQ(first_line(report).find("=U"), std::string::npos) << first_line(report);
}

TEST(CheckReportTest, PerfdataLabelsAreQuotedSafely) {
  const Report report = make_report(
      {result(make_flow("f"), {port(1, PortState::kOpen, microseconds(1))}, "it's=odd")}, {});
  const std::string line = first_line(report);
  EXPECT_NE(line.find("'f@it''s_odd'=0.000001s"), std::string::npos) << line;
  const auto data = parse_perfdata(line);
  ASSERT_NE(find_datum(data, "f@it's_odd"), nullptr);
}

TEST(CheckReportTest, LatencyOverWarningIsWarning) {
  ReportOptions options;
  options.warning = parse_nagios_range("0.0001", nullptr);
  options.critical = parse_nagios_range("1", nullptr);
  const Report report = make_report(
      {result(make_flow("f"), {port(22, PortState::kOpen, microseconds(213))})}, options);
  EXPECT_EQ(report.status, Status::kWarning);
  EXPECT_EQ(summary_of(report), "f@127.0.0.1 latency 0.000213s > warning 0.0001");
  EXPECT_EQ(lines_of(report.output).at(1),
            "[WARNING] f -> 127.0.0.1 (127.0.0.1) tcp expect open: 1 open; latency 0.000213s > "
            "warning 0.0001");
}

TEST(CheckReportTest, LatencyInsideAnAtRangeIsCritical) {
  ReportOptions options;
  options.warning = parse_nagios_range("@0:10", nullptr);
  options.critical = parse_nagios_range("@0:10", nullptr);
  const Report report = make_report(
      {result(make_flow("f"), {port(22, PortState::kOpen, microseconds(1200000))})}, options);
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_EQ(summary_of(report), "f@127.0.0.1 latency 1.2s in critical @0:10");
}

TEST(CheckReportTest, LatencyUnderALowerBound) {
  ReportOptions options;
  options.critical = parse_nagios_range("5:", nullptr);
  const Report report = make_report(
      {result(make_flow("f"), {port(22, PortState::kOpen, microseconds(1000))})}, options);
  EXPECT_EQ(summary_of(report), "f@127.0.0.1 latency 0.001s < critical 5:");
}

TEST(CheckReportTest, WideThresholdsStayOk) {
  ReportOptions options;
  options.warning = parse_nagios_range("10", nullptr);
  options.critical = parse_nagios_range("20", nullptr);
  const Report report = make_report(
      {result(make_flow("f"), {port(22, PortState::kOpen, microseconds(213))})}, options);
  EXPECT_EQ(report.status, Status::kOk);
  const auto data = parse_perfdata(first_line(report));
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0].warn, "10");
  EXPECT_EQ(data[0].crit, "20");
}

TEST(CheckReportTest, LatencyAndPortFailuresCombineWorstFirst) {
  ReportOptions options;
  options.critical = parse_nagios_range("0.1", nullptr);
  const Flow optional =
      make_flow("optional", Protocol::kTcp, Expectation::kOpen, Severity::kWarning);
  const Report report =
      make_report({result(optional, {port(1, PortState::kRefused)}),
                   result(make_flow("slow"), {port(2, PortState::kOpen, microseconds(300000))})},
                  options);
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_EQ(summary_of(report),
            "2 of 2 flows failing: slow@127.0.0.1 latency 0.3s > critical 0.1; "
            "optional 127.0.0.1 tcp/1 refused (connection refused)");
}

TEST(CheckReportTest, NoLatencyNoLatencyAlert) {
  ReportOptions options;
  options.critical = parse_nagios_range("@0:10", nullptr);
  const Flow warn = make_flow("w", Protocol::kTcp, Expectation::kOpen, Severity::kWarning);
  EXPECT_EQ(make_report({result(warn, {port(1, PortState::kFiltered)})}, options).status,
            Status::kWarning);
}

TEST(CheckReportTest, OutputStaysUnder8KiB) {
  // 40 flows of 16384 ports that alternate between open and refused: 655,360 port ranges.
  std::vector<FlowResult> results;
  for (int f = 0; f < 40; ++f) {
    std::vector<PortResult> probed;
    for (unsigned p = 49152; p <= 65535; ++p) {
      probed.push_back(port(static_cast<Port>(p),
                            p % 2 == 0 ? PortState::kOpen : PortState::kRefused, microseconds(10)));
    }
    results.push_back(result(make_flow("flow-number-" + std::to_string(f)), std::move(probed)));
  }
  for (int verbosity : {0, 1}) {
    ReportOptions options;
    options.verbosity = verbosity;
    const Report report = make_report(results, options);
    EXPECT_EQ(report.status, Status::kCritical);
    EXPECT_LT(report.output.size(), 8192u);
    const auto lines = lines_of(report.output);
    EXPECT_EQ(lines[0].rfind("VEEAM PORTS CRITICAL - 40 of 40 flows failing: ", 0), 0u);
    EXPECT_EQ(parse_perfdata(lines[0]).size(), 120u);
    // Every long-output line is either shown or counted in the final "... (N more lines)".
    const std::string& last = lines.back();
    ASSERT_EQ(last.rfind("... (", 0), 0u) << last;
    const std::size_t hidden = std::stoul(last.substr(5));
    EXPECT_EQ(last, "... (" + std::to_string(hidden) + " more lines)");
    const std::size_t total = verbosity == 0 ? 40u * (1 + 8 + 1) : 40u * (1 + 16384);
    EXPECT_EQ(lines.size() - 2 + hidden, total);
  }
}

TEST(CheckReportTest, ManyTargetsKeepWholePerfdataUnderTheCap) {
  std::vector<FlowResult> results;
  for (int t = 0; t < 300; ++t) {
    results.push_back(result(make_flow("agent-to-backup-server-control"),
                             {port(10005, PortState::kOpen, microseconds(100))},
                             "backup-server-" + std::to_string(t) + ".example.test"));
  }
  const Report report = make_report(results, {});
  EXPECT_EQ(report.status, Status::kOk);
  EXPECT_LT(report.output.size(), 8192u);
  const std::string line = first_line(report);
  EXPECT_LT(line.size(), 8192u);
  // Past 16 targets the flow's latency is one datum, its slowest target's, so the counts fit.
  const std::vector<ParsedDatum> data = parse_perfdata(line);
  ASSERT_EQ(data.size(), 3u) << line;
  EXPECT_EQ(data[0].label, "agent-to-backup-server-control_latency_max");
  EXPECT_EQ(data[0].value, "0.0001");
  EXPECT_EQ(data[0].max, "2");
  EXPECT_EQ(data[1].label, "agent-to-backup-server-control_failed");
  EXPECT_EQ(data[1].max, "300");
  EXPECT_EQ(data[2].label, "agent-to-backup-server-control_probed");
  EXPECT_EQ(data[2].value, "300");
}

TEST(CheckReportTest, UpToSixteenTargetsKeepALatencyEach) {
  std::vector<FlowResult> results;
  for (int t = 0; t < 16; ++t) {
    results.push_back(result(make_flow("f"), {port(10005, PortState::kOpen, microseconds(100))},
                             "h" + std::to_string(t)));
  }
  const std::vector<ParsedDatum> data = parse_perfdata(first_line(make_report(results, {})));
  ASSERT_EQ(data.size(), 18u);
  EXPECT_EQ(data[0].label, "f@h0");
  EXPECT_EQ(data[15].label, "f@h15");
}

// A backup server watching a fleet: a flow failing on many agents is summarised by how they
// fail, largest group first, naming the targets of the small groups.
TEST(CheckReportTest, AFlowFailingOnManyTargetsIsSummarisedByHost) {
  std::vector<FlowResult> results;
  for (int t = 0; t < 1000; ++t) {
    const std::string host = "127.0." + std::to_string(t / 256) + "." + std::to_string(t % 256);
    if (t == 529 || t == 772) {
      results.push_back(result(make_flow("restore"),
                               {port(135, PortState::kFiltered), port(445, PortState::kOpen)},
                               host));
    } else if (t < 996) {
      results.push_back(result(make_flow("restore"),
                               {port(135, PortState::kRefused), port(445, PortState::kRefused)},
                               host));
    } else {
      results.push_back(result(make_flow("restore"),
                               {port(135, PortState::kOpen), port(445, PortState::kOpen)}, host));
    }
  }
  const Report report = make_report(results, {});
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_EQ(summary_of(report),
            "restore: 996 of 1,000 targets failing: tcp/135,445 refused (connection refused) on "
            "994; tcp/135 filtered (no answer in 2s) on 2: 127.0.2.17, 127.0.3.4");
  EXPECT_LT(report.output.size(), 8192u);
}

TEST(CheckReportTest, NoResultsIsUnknown) {
  const Report report = make_report({}, {});
  EXPECT_EQ(report.status, Status::kUnknown);
  EXPECT_EQ(report.output.rfind("VEEAM PORTS UNKNOWN - ", 0), 0u);
}

TEST(CheckReportTest, UnknownReport) {
  const Report report = unknown_report("targets.yaml:3:5: unknown key \"prots\"");
  EXPECT_EQ(report.status, Status::kUnknown);
  EXPECT_EQ(report.output, "VEEAM PORTS UNKNOWN - targets.yaml:3:5: unknown key \"prots\"\n");
  EXPECT_EQ(unknown_report("a|b\nc").output, "VEEAM PORTS UNKNOWN - a/b c\n");
}

TEST(CheckReportTest, StatusNames) {
  EXPECT_EQ(to_string(Status::kOk), "OK");
  EXPECT_EQ(to_string(Status::kWarning), "WARNING");
  EXPECT_EQ(to_string(Status::kCritical), "CRITICAL");
  EXPECT_EQ(to_string(Status::kUnknown), "UNKNOWN");
  EXPECT_EQ(static_cast<int>(Status::kOk), 0);
  EXPECT_EQ(static_cast<int>(Status::kWarning), 1);
  EXPECT_EQ(static_cast<int>(Status::kCritical), 2);
  EXPECT_EQ(static_cast<int>(Status::kUnknown), 3);
}

}  // namespace
}  // namespace vpm::nagios

namespace vpm::nagios {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

const system_clock::time_point kNow = system_clock::time_point(std::chrono::seconds(1'800'000'000));

// A tls flow on 443 whose certificate ends `left` after the run finished.
FlowResult tls_result(std::chrono::hours left, PortState state = PortState::kOpen,
                      const std::string& reason = "TLSv1.3, certificate verified") {
  Flow flow = make_flow("gw");
  flow.check.kind = CheckKind::kTls;
  PortResult p = port(443, state, microseconds(300), reason);
  p.tls = TlsInfo{"TLSv1.3", "CN=gw", "CN=ca", kNow + left, true, ""};
  FlowResult r = result(flow, {p});
  r.finished_at = kNow;
  return r;
}

TEST(CertDays, FarFromExpiryIsOkWithDaysInPerfdata) {
  const Report report = make_report({tls_result(hours(24 * 90 + 1))}, {});
  EXPECT_EQ(report.status, Status::kOk);
  const std::string first = lines_of(report.output).front();
  EXPECT_NE(first.find("'gw@127.0.0.1_cert_days'=90;30:;7:"), std::string::npos) << first;
  EXPECT_NE(report.output.find("; certificate expires in 90 days (2027-04-"), std::string::npos)
      << report.output;
}

TEST(CertDays, WarningAndCriticalThresholds) {
  const Report warning = make_report({tls_result(hours(24 * 10 + 5))}, {});
  EXPECT_EQ(warning.status, Status::kWarning);
  EXPECT_TRUE(
      lines_of(warning.output)
          .front()
          .starts_with("VEEAM PORTS WARNING - gw@127.0.0.1 certificate expires in 10 days ("))
      << warning.output;
  EXPECT_NE(warning.output.find("'gw@127.0.0.1_cert_days'=10;30:;7:"), std::string::npos);

  const Report critical = make_report({tls_result(hours(24 * 3))}, {});
  EXPECT_EQ(critical.status, Status::kCritical);
  EXPECT_NE(critical.output.find("'gw@127.0.0.1_cert_days'=3;30:;7:"), std::string::npos);

  ReportOptions options;
  options.cert_warning_days = 5;
  options.cert_critical_days = 2;
  EXPECT_EQ(make_report({tls_result(hours(24 * 3))}, options).status, Status::kWarning);
  EXPECT_EQ(make_report({tls_result(hours(24 * 6))}, options).status, Status::kOk);
  // Exactly N days left is not fewer than N.
  EXPECT_EQ(make_report({tls_result(hours(24 * 5))}, options).status, Status::kOk);
}

TEST(CertDays, ExpiredIsCriticalWithNegativeDays) {
  const Report report = make_report({tls_result(-hours(24 * 2 + 1))}, {});
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_NE(report.output.find("certificate expired 3 days ago"), std::string::npos)
      << report.output;
  EXPECT_NE(report.output.find("'gw@127.0.0.1_cert_days'=-3;30:;7:"), std::string::npos);
}

TEST(CertDays, NoPerfdataWithoutACertificate) {
  const Report report = make_report({result(make_flow("plain"), {port(22, PortState::kOpen)})}, {});
  EXPECT_EQ(report.output.find("_cert_days"), std::string::npos);
}

TEST(ServiceStates, MismatchAndTlsErrorNameTheirReasons) {
  Flow smb = make_flow("share");
  smb.check.kind = CheckKind::kSmb;
  const FlowResult r = result(
      smb, {port(445, PortState::kMismatch, microseconds(100),
                 "expected SMB2 response, got 'HTTP/1.1 400 Bad Request'"),
            port(139, PortState::kTlsError, microseconds(100), "certificate not verified: x")});
  const Report report = make_report({r}, {});
  EXPECT_EQ(report.status, Status::kCritical);
  const std::string first = lines_of(report.output).front();
  EXPECT_TRUE(first.starts_with(
      "VEEAM PORTS CRITICAL - share 127.0.0.1 tcp/445 mismatch (expected SMB2 response, got "
      "'HTTP/1.1 400 Bad Request'), tcp/139 tls_error (certificate not verified: x)"))
      << first;
  EXPECT_NE(report.output.find("tcp expect open: 1 mismatch, 1 tls_error"), std::string::npos)
      << report.output;
}

TEST(ServiceStates, TlsErrorStillShowsTheCertificateDays) {
  const Report report = make_report(
      {tls_result(hours(24 * 100), PortState::kTlsError, "certificate not verified")}, {});
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_NE(report.output.find("'gw@127.0.0.1_cert_days'=100;30:;7:"), std::string::npos);
}

}  // namespace
}  // namespace vpm::nagios

namespace vpm::nagios {
namespace {

// A result of a run that the time limit cut: `probed` judged, `not_probed` never started.
FlowResult cut_result(const Flow& flow, std::vector<PortResult> probed, unsigned not_probed) {
  FlowResult r = result(flow, std::move(probed));
  r.not_probed = not_probed;
  return r;
}

ReportOptions with_limit(Duration max_time) {
  ReportOptions options;
  options.max_time = max_time;
  return options;
}

TEST(CheckReportTimeLimit, FailingPortsKeepTheirVerdictAndTheRestIsNamed) {
  const Flow flow = make_flow("dynamic", Protocol::kTcp, Expectation::kReachable);
  const Report report =
      make_report({cut_result(flow, ports(30000, 32699, PortState::kFiltered), 2300)},
                  with_limit(Duration(50000)));
  EXPECT_EQ(report.status, Status::kCritical);
  EXPECT_EQ(summary_of(report),
            "dynamic 127.0.0.1 tcp/30000-32699 filtered (no answer in 2s); "
            "2,300 of 5,000 ports not probed: time limit 50s");
  const auto data = parse_perfdata(first_line(report));
  const ParsedDatum* probed = find_datum(data, "dynamic_probed");
  ASSERT_NE(probed, nullptr) << first_line(report);
  EXPECT_EQ(probed->value, "2700");
  EXPECT_EQ(probed->max, "5000");
  ASSERT_NE(find_datum(data, "dynamic_failed"), nullptr);
  EXPECT_EQ(find_datum(data, "dynamic_failed")->value, "2700");
  EXPECT_EQ(lines_of(report.output).at(1),
            "[CRITICAL] dynamic -> 127.0.0.1 (127.0.0.1) tcp expect reachable: 2700 filtered, "
            "2300 not probed");
}

TEST(CheckReportTimeLimit, WarningSeverityStaysWarning) {
  const Flow flow = make_flow("w", Protocol::kTcp, Expectation::kOpen, Severity::kWarning);
  const Report report = make_report({cut_result(flow, {port(1, PortState::kRefused)}, 5)},
                                    with_limit(Duration(3000)));
  EXPECT_EQ(report.status, Status::kWarning);
}

TEST(CheckReportTimeLimit, NothingFailedButNotAllProbedIsUnknown) {
  const Flow flow = make_flow("dynamic", Protocol::kTcp, Expectation::kClosed);
  const Report report =
      make_report({cut_result(flow, ports(30000, 30191, PortState::kFiltered), 4808)},
                  with_limit(Duration(3000)));
  EXPECT_EQ(report.status, Status::kUnknown);
  EXPECT_EQ(summary_of(report), "4,808 of 5,000 ports not probed: time limit 3s (192 probed: OK)");
  EXPECT_EQ(lines_of(report.output).at(1),
            "[UNKNOWN] dynamic -> 127.0.0.1 (127.0.0.1) tcp expect closed: 192 filtered, "
            "4808 not probed");
}

TEST(CheckReportTimeLimit, AFlowLeftWhollyUnprobedIsUnknownNotFailed) {
  const Flow ok = make_flow("ok");
  const Flow late = make_flow("late");
  const Report report = make_report(
      {result(ok, {port(22, PortState::kOpen, microseconds(5))}), cut_result(late, {}, 3)},
      with_limit(Duration(1000)));
  EXPECT_EQ(report.status, Status::kUnknown);
  EXPECT_EQ(summary_of(report), "3 of 4 ports not probed: time limit 1s (1 probed: OK)");
  EXPECT_EQ(lines_of(report.output).at(1),
            "[UNKNOWN] late -> 127.0.0.1 (127.0.0.1) tcp expect open: 3 not probed");
}

TEST(CheckReportTimeLimit, NotesLeadTheLongOutput) {
  ReportOptions options;
  options.notes = {"warning: the caps | say so"};
  const Report report =
      make_report({result(make_flow("f"), {port(22, PortState::kOpen, microseconds(1))})}, options);
  EXPECT_EQ(report.status, Status::kOk);
  EXPECT_EQ(lines_of(report.output).at(1), "warning: the caps / say so");
}

}  // namespace
}  // namespace vpm::nagios

namespace vpm::nagios {
namespace {

// An smb flow whose two ports answered with different dialects, each after `exchange`.
FlowResult smb_result(microseconds exchange_10001, microseconds exchange_10002) {
  Flow flow = make_flow("share");
  flow.check.kind = CheckKind::kSmb;
  PortResult a = port(10001, PortState::kOpen, microseconds(200), "SMB 3.1.1");
  a.service_time = exchange_10001;
  PortResult b = port(10002, PortState::kOpen, microseconds(200), "SMB 3.0.2");
  b.service_time = exchange_10002;
  return result(flow, {a, b});
}

TEST(ServiceDetails, VerboseLinesSayWhatAnswered) {
  const FlowResult smb = smb_result(microseconds(1500), microseconds(2500));
  const auto quiet = lines_of(make_report({smb}, {}).output);
  EXPECT_NE(std::find(quiet.begin(), quiet.end(), "  10001-10002: 2 open"), quiet.end())
      << make_report({smb}, {}).output;
  ReportOptions verbose;
  verbose.verbosity = 1;
  const std::string out = make_report({smb}, verbose).output;
  const auto loud = lines_of(out);
  EXPECT_NE(std::find(loud.begin(), loud.end(), "  10001: 1 open (SMB 3.1.1)"), loud.end()) << out;
  EXPECT_NE(std::find(loud.begin(), loud.end(), "  10002: 1 open (SMB 3.0.2)"), loud.end()) << out;
  // A connect flow's open ports say nothing more at -v.
  const FlowResult plain =
      result(make_flow("plain"), {port(10005, PortState::kOpen, microseconds(100), "connected")});
  const auto connect = lines_of(make_report({plain}, verbose).output);
  EXPECT_NE(std::find(connect.begin(), connect.end(), "  10005: 1 open"), connect.end());
}

TEST(ServiceDetails, PerfdataHasTheSlowestExchangePerServiceFlow) {
  const std::string first = first_line(
      make_report({smb_result(microseconds(1500), microseconds(2500)),
                   result(make_flow("plain"), {port(10005, PortState::kOpen, microseconds(100))})},
                  {}));
  EXPECT_NE(first.find("'share_probed'=2;;;0;2 'share_service'=0.0025s;;;0;2 "), std::string::npos)
      << first;
  EXPECT_EQ(first.find("plain_service"), std::string::npos) << first;
}

}  // namespace
}  // namespace vpm::nagios
