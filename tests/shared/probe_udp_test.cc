#include <gtest/gtest.h>

#include "shared/probe_test_util.h"
#include "support/loopback.h"
#include "udp_payloads.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using test::probe_once;

TEST(ProbeUdp, ARespondingServiceIsOpen) {
  test::UdpEchoResponder echo;
  const PortResult r = probe_once(&probe_udp, "127.0.0.1", echo.port(), 1s);
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  EXPECT_GT(r.latency.count(), 0);
  EXPECT_GE(echo.datagrams_received(), 1);
}

TEST(ProbeUdp, AClosedPortIsRefusedByIcmpPortUnreachable) {
  const PortResult r = probe_once(&probe_udp, "127.0.0.1", test::closed_udp_port(), 1s);
  EXPECT_EQ(r.state, PortState::kRefused) << r.reason;
}

TEST(ProbeUdp, ASilentListenerIsOpenFilteredAfterTheDeadline) {
  test::SilentUdpSocket silent;
  const auto started = std::chrono::steady_clock::now();
  const PortResult r = probe_once(&probe_udp, "127.0.0.1", silent.port(), 300ms);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.state, PortState::kOpenFiltered) << r.reason;
  EXPECT_EQ(r.reason, "no reply in 300ms");
  EXPECT_GE(elapsed, 300ms);
}

TEST(ProbeUdp, RetransmitsOnceBeforeGivingUp) {
  test::SilentUdpSocket silent;
  (void)probe_once(&probe_udp, "127.0.0.1", silent.port(), 200ms);
  EXPECT_EQ(silent.drain(), 2);
}

TEST(UdpPayloads, NetbiosNodeStatusQueryForTheWildcardName) {
  const std::vector<std::uint8_t> q = udp_payload_for(137, 0xbeef);
  ASSERT_EQ(q.size(), 50U);  // 12 header + 34 name + 4 type/class
  EXPECT_EQ(q[0], 0xbe);
  EXPECT_EQ(q[1], 0xef);
  EXPECT_EQ(q[5], 1);    // one question
  EXPECT_EQ(q[12], 32);  // encoded name length
  EXPECT_EQ(std::string(q.begin() + 13, q.begin() + 45),
            "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");  // '*' then 15 NULs, first-level encoded
  EXPECT_EQ(q[45], 0);
  EXPECT_EQ(q[47], 0x21);  // NBSTAT
  EXPECT_EQ(q[49], 0x01);  // IN
}

TEST(UdpPayloads, KnownServicesAndTheEmptyDefault) {
  EXPECT_EQ(udp_payload_for(123, 1).size(), 48U);
  EXPECT_EQ(udp_payload_for(123, 1)[0], 0x23);
  EXPECT_EQ(udp_payload_for(53, 7).size(), 17U);
  EXPECT_TRUE(udp_payload_for(138, 1).empty());
}

}  // namespace
}  // namespace vpm
