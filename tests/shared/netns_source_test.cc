// A flow's source address (`source:`, --source): a client with two addresses on one link and a
// server whose firewall admits one of them. The flow from the admitted address is open, the
// one from the other filtered; a source that is not this machine's is an error naming it.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "support/flow_edit.h"
#include "support/source_link.h"
#include "support/subprocess.h"
#include "vpm/probe_runner.h"
#include "vpm/trace.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using test::SourceLink;

class NetnsSource : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { link_ = new SourceLink(); }
  static void TearDownTestSuite() {
    delete link_;
    link_ = nullptr;
  }
  void SetUp() override {
    if (!link_->namespaces_made()) GTEST_SKIP() << "cannot create namespaces: " << link_->why();
    ASSERT_TRUE(link_->ok()) << "building the link: " << link_->why();
  }

  static FlowPlan plan(const std::string& name, Protocol protocol, const std::string& source,
                       const std::string& host, Port port) {
    FlowPlan p;
    Flow& flow = test::edit_flow(p);
    flow.name = name;
    flow.protocol = protocol;
    flow.expect = protocol == Protocol::kTcp ? Expectation::kOpen : Expectation::kReachable;
    flow.timeout = 400ms;
    flow.source = source;
    flow.ports.add({port, port});
    p.hosts = {host};
    p.ports = p.flow->ports.ports();
    return p;
  }

  static std::vector<FlowResult> run(std::vector<FlowPlan> plans) {
    std::vector<FlowResult> results;
    link_->client().run_inside([&] { results = run_flows(std::move(plans), Limits{}); });
    return results;
  }

  static test::CommandResult check(const std::string& args) {
    return test::run_command(link_->client().exec_prefix() + CHECK_VEEAM_PORTS_BIN + " " + args,
                             20s);
  }

  static inline SourceLink* link_ = nullptr;
};

TEST_F(NetnsSource, TcpFromTheAdmittedAddressIsOpenFromTheOtherFiltered) {
  const auto results = run({
      plan("admitted4", Protocol::kTcp, SourceLink::kAdmitted4, SourceLink::kServer4,
           SourceLink::kListening),
      plan("blocked4", Protocol::kTcp, SourceLink::kBlocked4, SourceLink::kServer4,
           SourceLink::kListening),
      plan("admitted6", Protocol::kTcp, SourceLink::kAdmitted6, SourceLink::kServer6,
           SourceLink::kListening),
      plan("blocked6", Protocol::kTcp, SourceLink::kBlocked6, SourceLink::kServer6,
           SourceLink::kListening),
  });
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].ports[0].state, PortState::kOpen) << results[0].ports[0].reason;
  EXPECT_EQ(results[1].ports[0].state, PortState::kFiltered) << results[1].ports[0].reason;
  EXPECT_EQ(results[2].ports[0].state, PortState::kOpen) << results[2].ports[0].reason;
  EXPECT_EQ(results[3].ports[0].state, PortState::kFiltered) << results[3].ports[0].reason;
}

TEST_F(NetnsSource, UdpFromTheAdmittedAddressIsRefusedFromTheOtherOpenFiltered) {
  const auto results = run({
      plan("admitted4", Protocol::kUdp, SourceLink::kAdmitted4, SourceLink::kServer4,
           SourceLink::kClosedUdp),
      plan("blocked4", Protocol::kUdp, SourceLink::kBlocked4, SourceLink::kServer4,
           SourceLink::kClosedUdp),
      plan("admitted6", Protocol::kUdp, SourceLink::kAdmitted6, SourceLink::kServer6,
           SourceLink::kClosedUdp),
      plan("blocked6", Protocol::kUdp, SourceLink::kBlocked6, SourceLink::kServer6,
           SourceLink::kClosedUdp),
  });
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].ports[0].state, PortState::kRefused) << results[0].ports[0].reason;
  EXPECT_EQ(results[1].ports[0].state, PortState::kOpenFiltered) << results[1].ports[0].reason;
  EXPECT_EQ(results[2].ports[0].state, PortState::kRefused) << results[2].ports[0].reason;
  EXPECT_EQ(results[3].ports[0].state, PortState::kOpenFiltered) << results[3].ports[0].reason;
}

TEST_F(NetnsSource, AnAddressNotOfThisMachineIsAnErrorNamingIt) {
  const auto results = run({
      plan("tcp", Protocol::kTcp, "198.18.20.77", SourceLink::kServer4, SourceLink::kListening),
      plan("udp", Protocol::kUdp, "fd00:5:20::77", SourceLink::kServer6, SourceLink::kClosedUdp),
      plan("family", Protocol::kTcp, SourceLink::kAdmitted6, SourceLink::kServer4,
           SourceLink::kListening),
  });
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0].ports[0].state, PortState::kError);
  EXPECT_EQ(results[0].ports[0].reason,
            "cannot bind 198.18.20.77: Cannot assign requested address");
  EXPECT_EQ(results[1].ports[0].state, PortState::kError);
  EXPECT_EQ(results[1].ports[0].reason,
            "cannot bind fd00:5:20::77: Cannot assign requested address");
  EXPECT_EQ(results[2].ports[0].state, PortState::kError);
  EXPECT_EQ(results[2].ports[0].reason,
            "source fd00:5:20::1 is IPv6, the target 198.18.20.100 is IPv4");
}

TEST_F(NetnsSource, AdHocCheckBindsToTheSourceGiven) {
  const std::string target = std::string(" -H ") + SourceLink::kServer4 + " -p " +
                             std::to_string(SourceLink::kListening) + " -t 0.4";
  const auto admitted = check("--source " + std::string(SourceLink::kAdmitted4) + target);
  EXPECT_EQ(admitted.exit_code, 0) << admitted.out << admitted.err;
  const auto blocked = check("--source " + std::string(SourceLink::kBlocked4) + target);
  EXPECT_EQ(blocked.exit_code, 2) << blocked.out;
  EXPECT_NE(blocked.out.find("filtered"), std::string::npos) << blocked.out;
  const auto foreign = check("--source 198.18.20.77" + target);
  EXPECT_EQ(foreign.exit_code, 2) << foreign.out;
  EXPECT_NE(foreign.out.find("cannot bind 198.18.20.77: Cannot assign requested address"),
            std::string::npos)
      << foreign.out;
}

TEST_F(NetnsSource, ConfigCheckBindsEachFlowToItsSource) {
  const std::string path = ::testing::TempDir() + "source_flows.yaml";
  const std::string port = std::to_string(SourceLink::kListening);
  std::ofstream(path) << "defaults: {source: " << SourceLink::kAdmitted4 << "}\n"
                      << "roles:\n  by-default: {hosts: [a]}\n  by-flow: {hosts: [b]}\n"
                      << "  server: {hosts: [" << SourceLink::kServer4 << "]}\n"
                      << "flows:\n"
                      << "  - {name: from-default, from: by-default, to: server, ports: [" << port
                      << "], timeout: 400ms}\n"
                      << "  - {name: from-blocked, from: by-flow, to: server, ports: [" << port
                      << "], timeout: 400ms, source: " << SourceLink::kBlocked4 << "}\n";
  const auto by_default = check("--config " + path + " --role by-default");
  EXPECT_EQ(by_default.exit_code, 0) << by_default.out << by_default.err;
  const auto by_flow = check("--config " + path + " --role by-flow");
  EXPECT_EQ(by_flow.exit_code, 2) << by_flow.out;
  EXPECT_NE(by_flow.out.find("filtered"), std::string::npos) << by_flow.out;
}

// The trace of a failing port leaves from the flow's source too: from the admitted address the
// server answers at hop 1; from the other nothing answers.
TEST_F(NetnsSource, TheTraceLeavesFromTheSource) {
  const auto trace_from = [](const char* source) {
    TraceRequest request;
    request.address = boost::asio::ip::make_address(SourceLink::kServer4);
    request.port = SourceLink::kListening;
    request.timeout = 500ms;
    request.max_hops = 3;
    request.source = boost::asio::ip::make_address(source);
    TracePath path;
    link_->client().run_inside([&] { path = trace_tcp_path(request); });
    return path;
  };
  const TracePath admitted = trace_from(SourceLink::kAdmitted4);
  if (admitted.outcome == TracePath::Outcome::kNotSupported) GTEST_SKIP() << "no trace here";
  EXPECT_EQ(admitted.outcome, TracePath::Outcome::kReached) << describe(admitted);
  EXPECT_EQ(admitted.hop, 1U);
  const TracePath blocked = trace_from(SourceLink::kBlocked4);
  EXPECT_EQ(blocked.outcome, TracePath::Outcome::kNoAnswer) << describe(blocked);
}

}  // namespace
}  // namespace vpm
