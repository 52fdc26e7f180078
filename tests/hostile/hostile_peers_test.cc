// Hostile peers over loopback (and a test namespace): whatever the other side does, every
// probe ends by its deadline with the right state, nothing crashes, and memory stays bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "hostile/hostile_peer.h"
#include "support/flow_edit.h"
#include "support/netns.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::HostilePeer;

const std::vector<CheckKind> kTcpChecks = {CheckKind::kTls, CheckKind::kSmtp,  CheckKind::kLdap,
                                           CheckKind::kSmb, CheckKind::kMsrpc, CheckKind::kIscsi,
                                           CheckKind::kHttp};

FlowPlan check_plan(CheckKind check, Port port, Duration timeout, const std::string& name) {
  FlowPlan p;
  Flow& p_flow = vpm::test::edit_flow(p);
  p_flow.name = name;
  p_flow.protocol = Protocol::kTcp;
  p_flow.expect = Expectation::kOpen;
  p_flow.timeout = timeout;
  p_flow.check.kind = check;
  p_flow.ports.add({port, port});
  p.hosts = {"127.0.0.1"};
  p.ports = p.flow->ports.ports();
  return p;
}

struct Outcome {
  std::vector<FlowResult> results;
  Clock::duration elapsed{};
  long rss_growth_kib = 0;
};

Outcome run(std::vector<FlowPlan> plans, Limits limits = Limits{1024, 1024}) {
  Outcome r;
  const long before = test::rss_kib();
  const auto started = Clock::now();
  r.results = run_flows(std::move(plans), limits);
  r.elapsed = Clock::now() - started;
  r.rss_growth_kib = test::rss_kib() - before;
  return r;
}

// Sanitizer builds are slower, and ASan's quarantine keeps freed memory resident (256 MiB by
// default), so RSS there grows with what was allocated, not with what is kept: the bounds are
// looser in those builds. LeakSanitizer checks what is really kept, at exit.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif
constexpr std::chrono::milliseconds kSlack = kSanitized ? 3000ms : 1500ms;
constexpr long kRssBoundKib = (kSanitized ? 8 : 1) * 128 * 1024;
constexpr long kSmallRssBoundKib = (kSanitized ? 8 : 1) * 16 * 1024;

std::string describe(const PortResult& p) {
  return std::string(to_string(p.state)) + ": " + p.reason;
}

TEST(HostilePeers, TarpitHoldsHundredsOfProbesAndEveryOneEndsAtItsDeadline) {
  HostilePeer peer(nullptr);
  constexpr Duration kTimeout = 1s;
  std::vector<FlowPlan> plans;
  for (int i = 0; i < 280; ++i) {
    const CheckKind check = kTcpChecks[static_cast<std::size_t>(i) % kTcpChecks.size()];
    plans.push_back(check_plan(check, peer.port(), kTimeout, "tarpit" + std::to_string(i)));
  }
  const Outcome r = run(std::move(plans));
  ASSERT_EQ(r.results.size(), 280U);
  for (const FlowResult& f : r.results) {
    const PortResult& p = f.ports.at(0);
    EXPECT_EQ(p.state, PortState::kMismatch) << describe(p);
    EXPECT_TRUE(p.reason == "no reply in 1s" || p.reason == "no TLS handshake in 1s") << p.reason;
    EXPECT_FALSE(f.up);
  }
  EXPECT_GE(r.elapsed, kTimeout - 50ms);
  EXPECT_LT(r.elapsed, kTimeout + kSlack);
  EXPECT_LT(r.rss_growth_kib, kRssBoundKib);
  std::printf("tarpit: 280 probes held, %lld ms, RSS %+ld KiB, %d connections accepted\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count()),
              r.rss_growth_kib, peer.connections());
}

TEST(HostilePeers, ConnectOnlyToATarpitIsOpen) {
  HostilePeer peer(test::tarpit);
  const Outcome r = run({check_plan(CheckKind::kConnect, peer.port(), 1s, "connect")});
  ASSERT_EQ(r.results.size(), 1U);
  EXPECT_EQ(r.results[0].ports[0].state, PortState::kOpen);
  EXPECT_LT(r.elapsed, 1s);
}

struct DripCase {
  CheckKind check;
  std::string text;  // what the peer sends, one byte a second
};

class OneByteASecond : public testing::TestWithParam<DripCase> {};

TEST_P(OneByteASecond, IsAMismatchAtTheDeadlineNotAfterIt) {
  HostilePeer peer(test::drip(GetParam().text));
  constexpr Duration kTimeout = 2500ms;
  const Outcome r = run({check_plan(GetParam().check, peer.port(), kTimeout, "drip")});
  ASSERT_EQ(r.results.size(), 1U);
  const PortResult& p = r.results[0].ports[0];
  if (GetParam().check == CheckKind::kTls) {
    EXPECT_TRUE(p.state == PortState::kMismatch || p.state == PortState::kTlsError) << describe(p);
  } else {
    EXPECT_EQ(p.state, PortState::kMismatch) << describe(p);
    EXPECT_TRUE(p.reason.ends_with("and no more in 2s500ms")) << p.reason;
  }
  EXPECT_GE(r.elapsed, kTimeout - 50ms);
  EXPECT_LT(r.elapsed, kTimeout + kSlack);
}

INSTANTIATE_TEST_SUITE_P(
    Peers, OneByteASecond,
    testing::Values(DripCase{CheckKind::kSmtp, "220 mail.example.com ESMTP\r\n"},
                    DripCase{CheckKind::kHttp, "HTTP/1.1 200 OK\r\n\r\n"},
                    DripCase{CheckKind::kLdap, std::string("\x30\x0c\x02\x01\x01\x65\x07", 7)},
                    DripCase{CheckKind::kSmb, std::string("\x00\x00\x00\x80\xfeSMB", 8)},
                    DripCase{CheckKind::kTls, std::string("\x16\x03\x03\x00\x50\x02", 6)}),
    [](const testing::TestParamInfo<DripCase>& param_info) {
      return std::string(to_string(param_info.param.check));
    });

struct FloodCase {
  std::string name;
  CheckKind check;
  std::string head;
  std::string body;
  std::string reason_part;  // expected in the reason ("" : any)
};

class Megabytes : public testing::TestWithParam<FloodCase> {};

TEST_P(Megabytes, AreCutOffEarlyWithBoundedMemory) {
  const FloodCase& c = GetParam();
  HostilePeer peer(test::flood(c.head, c.body, std::size_t{64} << 20U));
  constexpr Duration kTimeout = 3s;
  const Outcome r = run({check_plan(c.check, peer.port(), kTimeout, "flood")});
  ASSERT_EQ(r.results.size(), 1U);
  const PortResult& p = r.results[0].ports[0];
  if (c.check == CheckKind::kTls) {
    EXPECT_TRUE(p.state == PortState::kMismatch || p.state == PortState::kTlsError) << describe(p);
  } else {
    EXPECT_EQ(p.state, PortState::kMismatch) << describe(p);
  }
  EXPECT_NE(p.reason.find(c.reason_part), std::string::npos) << p.reason;
  EXPECT_LT(r.elapsed, kTimeout);  // rejected by what came, not by the clock
  EXPECT_LT(r.rss_growth_kib, kSmallRssBoundKib);
  std::printf("flood %s: %s after %zu bytes sent, RSS %+ld KiB\n", c.name.c_str(),
              describe(p).c_str(), peer.bytes_sent(), r.rss_growth_kib);
}

std::string pseudo_random(std::size_t n) {
  std::string out(n, '\0');
  std::uint32_t x = 2463534242U;
  for (char& c : out) {
    x ^= x << 13U;
    x ^= x >> 17U;
    x ^= x << 5U;
    c = static_cast<char>(x & 0xffU);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Peers, Megabytes,
    testing::Values(
        // An SMTP greeting that never ends: continuation lines forever.
        FloodCase{"smtp_endless_continuation", CheckKind::kSmtp, "",
                  "220-spam spam spam spam spam\r\n", "got 64 KiB without one"},
        FloodCase{"smtp_endless_line", CheckKind::kSmtp, "220-", "A", "SMTP line over 8 KiB"},
        FloodCase{"http_endless_status_line", CheckKind::kHttp, "HTTP/1.1 200 ", "A",
                  "HTTP status line over 8 KiB"},
        FloodCase{"ldap_huge_length", CheckKind::kLdap,
                  std::string("\x30\x84\x7f\xff\xff\xff\x02\x01\x01\x65\x84\x7f\xff\xff\xf0", 15),
                  std::string(1, '\0'), "resultCode"},
        FloodCase{"smb_zeros", CheckKind::kSmb, std::string("\x00\xff\xff\xff\xfeSMB", 8),
                  std::string(1, '\0'), "not a NEGOTIATE response"},
        FloodCase{"iscsi_garbage", CheckKind::kIscsi, "GARBAGE", pseudo_random(4096), "expected "},
        FloodCase{"tls_random", CheckKind::kTls, "", pseudo_random(4096), ""},
        FloodCase{"tls_records_of_garbage", CheckKind::kTls, std::string("\x16\x03\x03\x40\x00", 5),
                  pseudo_random(4096), ""}),
    [](const testing::TestParamInfo<FloodCase>& param_info) { return param_info.param.name; });

struct ResetCase {
  std::string name;
  CheckKind check;
  std::string partial;     // sent before the reset
  std::size_t read_bytes;  // of the client's request, before answering
  PortState state;
  std::string reason_part;
};

class ResetMidHandshake : public testing::TestWithParam<ResetCase> {};

TEST_P(ResetMidHandshake, IsAMismatchOrTlsErrorAtOnce) {
  const ResetCase& c = GetParam();
  HostilePeer peer(test::reset_after(c.partial, c.read_bytes));
  const Outcome r = run({check_plan(c.check, peer.port(), 3s, "reset")});
  ASSERT_EQ(r.results.size(), 1U);
  const PortResult& p = r.results[0].ports[0];
  EXPECT_EQ(p.state, c.state) << describe(p);
  EXPECT_NE(p.reason.find(c.reason_part), std::string::npos) << p.reason;
  EXPECT_LT(r.elapsed, 2s);
}

INSTANTIATE_TEST_SUITE_P(
    Peers, ResetMidHandshake,
    testing::Values(ResetCase{"smtp_mid_greeting", CheckKind::kSmtp, "220-mail.example.com\r\n", 0,
                              PortState::kMismatch, "then the connection closed"},
                    ResetCase{"http_mid_status_line", CheckKind::kHttp, "HTTP/1.1 2", 16,
                              PortState::kMismatch, "then the connection closed"},
                    ResetCase{"smb_mid_header", CheckKind::kSmb,
                              std::string("\x00\x00\x00\x80\xfeSMB", 8), 16, PortState::kMismatch,
                              "then the connection closed"},
                    ResetCase{"ldap_before_reply", CheckKind::kLdap, "", 8, PortState::kMismatch,
                              "closed without reply"},
                    ResetCase{"tls_mid_server_hello", CheckKind::kTls,
                              std::string("\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03", 11), 16,
                              PortState::kMismatch, ""}),
    [](const testing::TestParamInfo<ResetCase>& param_info) { return param_info.param.name; });

#define REQUIRE_NETNS(ns) \
  if (!(ns).ok()) GTEST_SKIP() << "cannot create a network namespace: " << (ns).why()

// Thousands of ports whose SYNs (or datagrams) are dropped: all filtered (open_filtered) at the
// deadline, in as many rounds as the concurrency cap needs, with memory back where it was.
TEST(HostilePeers, ThousandsOfTimeoutsEndByTheirDeadline) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("20000-23999"));
  ASSERT_TRUE(ns.drop_udp_ports("20000-23999"));
  constexpr Duration kTimeout = 1s;
  std::vector<FlowPlan> plans;
  for (Protocol protocol : {Protocol::kTcp, Protocol::kUdp}) {
    FlowPlan p = check_plan(CheckKind::kConnect, 20000, kTimeout,
                            protocol == Protocol::kTcp ? "tcp" : "udp");
    Flow& p_flow = vpm::test::edit_flow(p);
    p_flow.protocol = protocol;
    p_flow.ports = PortSet();
    p_flow.ports.add({20000, 23999});
    p.ports = p.flow->ports.ports();
    plans.push_back(std::move(p));
  }
  Outcome r;
  ns.run_inside([&] { r = run(plans, Limits{2048, 2048}); });
  ASSERT_EQ(r.results.size(), 2U);
  std::size_t tcp_filtered = 0;
  std::size_t udp_silent = 0;
  for (const PortResult& p : r.results[0].ports) tcp_filtered += p.state == PortState::kFiltered;
  for (const PortResult& p : r.results[1].ports) {
    udp_silent += p.state == PortState::kOpenFiltered;
  }
  EXPECT_EQ(tcp_filtered, 4000U) << describe(r.results[0].ports[0]);
  EXPECT_EQ(udp_silent, 4000U) << describe(r.results[1].ports[0]);
  // 8,000 probes, 2,048 at a time: four rounds of the deadline.
  EXPECT_LT(r.elapsed, 4 * kTimeout + 3 * kSlack);
  EXPECT_LT(r.rss_growth_kib, kRssBoundKib);
  std::printf("8000 timeouts: %lld ms, RSS %+ld KiB\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count()),
              r.rss_growth_kib);
  // A second sweep costs no more memory than the first: nothing piles up.
  Outcome again;
  ns.run_inside([&] { again = run(plans, Limits{2048, 2048}); });
  EXPECT_LT(again.rss_growth_kib, kSmallRssBoundKib);
  std::printf("8000 timeouts again: RSS %+ld KiB\n", again.rss_growth_kib);
}

}  // namespace
}  // namespace vpm
