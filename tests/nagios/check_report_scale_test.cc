// The check's whole output for thousands of flow results, pinned byte for byte to golden files
// written by the report code before its passes over flow names were made linear (issue 19):
// the status line, the perfdata (which groups each flow's targets in first-seen order) and the
// long output must not change with the algorithm.
// When an issue changes the output on purpose, rewrite the goldens and review their diff:
//   VPM_UPDATE_GOLDEN=1 build/tests/vpm_tests --gtest_filter='CheckReportScale*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "check_report.h"
#include "nagios_range.h"
#include "vpm/flow_result.h"

namespace vpm::nagios {
namespace {

constexpr std::size_t kFlows = 2000;
const std::vector<std::string> kTargets = {"127.0.0.1", "127.0.0.2", "localhost"};
const std::string kGoldenDir = std::string(VPM_TEST_DATA_DIR) + "/golden";

// A fixed clock, so that certificate days do not depend on when the test runs.
const std::chrono::system_clock::time_point kFinished =
    std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 20000);

std::shared_ptr<const Flow> flow_number(std::size_t i) {
  Flow flow;
  // Names out of numeric order, so that first-seen order and sorted order differ.
  flow.name = "flow-" + std::to_string((i * 7919) % kFlows);
  flow.from = "agent";
  flow.to = "server";
  flow.protocol = i % 11 == 0 ? Protocol::kUdp : Protocol::kTcp;
  flow.expect = i % 11 == 0 ? Expectation::kReachable : Expectation::kOpen;
  flow.severity = i % 5 == 0 ? Severity::kWarning : Severity::kCritical;
  flow.timeout = Duration(2000);
  (void)flow.ports.add({static_cast<Port>(10000 + i), static_cast<Port>(10000 + i + i % 3)});
  return std::make_shared<const Flow>(std::move(flow));
}

// kFlows flows x 3 targets, target-major: a flow's three results lie kFlows apart. Some ports
// fail (refused, filtered, open_filtered), some flows end early (-T), some carry a certificate.
std::vector<FlowResult> many_flow_results() {
  std::vector<std::shared_ptr<const Flow>> flows;
  for (std::size_t i = 0; i < kFlows; ++i) flows.push_back(flow_number(i));
  std::vector<FlowResult> results;
  for (std::size_t t = 0; t < kTargets.size(); ++t) {
    for (std::size_t i = 0; i < kFlows; ++i) {
      const Flow& flow = *flows[i];
      std::vector<PortResult> ports;
      for (Port port : flow.ports.ports()) {
        PortResult p;
        p.port = port;
        p.state = PortState::kOpen;
        p.latency = std::chrono::microseconds(1 + (i * 31 + t * 7 + port) % 400);
        if (t == 1 && i % 7 == 3) p.state = PortState::kRefused;
        if (t == 2 && i % 97 == 5) p.state = PortState::kFiltered;
        if (flow.protocol == Protocol::kUdp && t == 0) p.state = PortState::kOpenFiltered;
        ports.push_back(p);
      }
      FlowResult r =
          summarise(flows[i], kTargets[t], t == 2 ? "127.0.0.1" : kTargets[t], std::move(ports));
      r.finished_at = kFinished;
      if (i % 13 == 0) r.tls_not_after = kFinished + std::chrono::hours(24 * (i % 50));
      if (t == 0 && i % 401 == 7) r.not_probed = 2;
      results.push_back(std::move(r));
    }
  }
  return results;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_golden(const Report& report, const std::string& file) {
  const std::string path = kGoldenDir + "/" + file;
  const std::string text =
      "exit " + std::to_string(static_cast<int>(report.status)) + "\n" + report.output;
  if (const char* update = std::getenv("VPM_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(path, std::ios::binary) << text;
  }
  const std::string golden = read_file(path);
  ASSERT_FALSE(golden.empty()) << path << " is missing";
  EXPECT_EQ(text, golden) << "the report differs from " << path;
}

NagiosRange range(std::string_view text) {
  std::string error;
  const std::optional<NagiosRange> parsed = parse_nagios_range(text, &error);
  EXPECT_TRUE(parsed) << error;
  return parsed.value_or(NagiosRange{});
}

TEST(CheckReportScale, ManyFlowsAsBefore) {
  const std::vector<FlowResult> results = many_flow_results();
  ASSERT_EQ(results.size(), kFlows * kTargets.size());
  expect_golden(make_report(results, ReportOptions{}), "check_report_many_flows.txt");
}

TEST(CheckReportScale, ManyFlowsVerboseWithThresholdsAsBefore) {
  ReportOptions options;
  options.verbosity = 1;
  options.warning = range("0.0002");
  options.critical = range("0.00039");
  options.max_time = Duration(50000);
  expect_golden(make_report(many_flow_results(), options), "check_report_many_flows_verbose.txt");
}

// All passing: the status line counts distinct flow names, ports and targets.
TEST(CheckReportScale, ManyPassingFlowsAsBefore) {
  std::vector<FlowResult> results;
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < kFlows; ++i) {
      const std::shared_ptr<const Flow> flow = flow_number(i * 11 + 1);
      std::vector<PortResult> ports;
      for (Port port : flow->ports.ports()) {
        PortResult p;
        p.port = port;
        p.state = PortState::kOpen;
        p.latency = std::chrono::microseconds(5 + i % 9);
        ports.push_back(p);
      }
      results.push_back(summarise(flow, kTargets[t], kTargets[t], std::move(ports)));
      results.back().finished_at = kFinished;
    }
  }
  expect_golden(make_report(results, ReportOptions{}), "check_report_many_flows_ok.txt");
}

}  // namespace
}  // namespace vpm::nagios
