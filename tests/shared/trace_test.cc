// The trace's pure parts: the outcome from one answer per TTL, its words, and the decoding of
// Windows' ICMP_ERROR_INFO bytes. The traces themselves run in netns_trace_test.cc.
#include "vpm/trace.h"

#include <gtest/gtest.h>

#include "icmp_error_info.h"

namespace vpm {
namespace {

using Kind = HopAnswer::Kind;
using Outcome = TracePath::Outcome;

HopAnswer router(const char* address) {
  HopAnswer a;
  a.kind = Kind::kTimeExceeded;
  a.from = boost::asio::ip::make_address(address);
  a.icmp_type = 11;
  return a;
}
HopAnswer silent() { return {}; }
HopAnswer target(const char* address) {
  HopAnswer a;
  a.kind = Kind::kReached;
  a.from = boost::asio::ip::make_address(address);
  return a;
}
HopAnswer rejected(const char* address, std::uint8_t code) {
  HopAnswer a;
  a.kind = Kind::kUnreachable;
  a.from = boost::asio::ip::make_address(address);
  a.icmp_type = 3;
  a.icmp_code = code;
  return a;
}

TEST(TraceSummary, ReachedAtTheLowestTtlTheTargetAnswered) {
  const TracePath path = summarise_hops(
      {router("10.0.1.1"), silent(), router("10.0.3.1"), target("10.0.4.2"), target("10.0.4.2")});
  EXPECT_EQ(path.outcome, Outcome::kReached);
  EXPECT_EQ(path.hop, 4U);
  EXPECT_EQ(describe(path), "path 10.0.1.1 > * > 10.0.3.1 > 10.0.4.2 (reached at hop 4)");
}

TEST(TraceSummary, BlockedAfterTheLastHopThatAnswered) {
  const TracePath path =
      summarise_hops({router("198.18.1.2"), router("198.18.2.2"), silent(), silent()});
  EXPECT_EQ(path.outcome, Outcome::kBlockedAfter);
  EXPECT_EQ(path.hop, 2U);
  EXPECT_EQ(path.address, "198.18.2.2");
  EXPECT_EQ(describe(path), "path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, 198.18.2.2)");
  EXPECT_EQ(outcome_label(path.outcome), "blocked_after");
}

TEST(TraceSummary, RejectedAtTheHopWhereTheRejectingRouterAnsweredTimeExceeded) {
  const TracePath path =
      summarise_hops({router("198.18.1.2"), router("198.18.2.2"), router("198.18.3.2"),
                      rejected("198.18.3.2", 13), rejected("198.18.3.2", 13)});
  EXPECT_EQ(path.outcome, Outcome::kRejected);
  EXPECT_EQ(path.hop, 3U);
  EXPECT_EQ(describe(path),
            "path 198.18.1.2 > 198.18.2.2 > 198.18.3.2 (rejected at hop 3 by 198.18.3.2, "
            "administratively prohibited)");
}

TEST(TraceSummary, RejectedByTheTargetItselfIsAtItsOwnHop) {
  const TracePath path = summarise_hops({router("10.0.1.1"), rejected("10.0.2.2", 10)});
  EXPECT_EQ(path.hop, 2U);
  EXPECT_EQ(describe(path),
            "path 10.0.1.1 > 10.0.2.2 (rejected at hop 2 by 10.0.2.2, host administratively "
            "prohibited)");
}

TEST(TraceSummary, NothingAnsweredAndLocalErrors) {
  EXPECT_EQ(summarise_hops({silent(), silent()}).outcome, Outcome::kNoAnswer);
  EXPECT_EQ(describe(summarise_hops({silent()})), "path * (no hop answered)");
  HopAnswer local;
  local.kind = Kind::kLocalError;
  local.error = "connect: Operation not permitted";
  const TracePath path = summarise_hops({local, local});
  EXPECT_EQ(path.outcome, Outcome::kError);
  EXPECT_EQ(describe(path), "trace failed: connect: Operation not permitted");
  TracePath unsupported;
  unsupported.outcome = Outcome::kNotSupported;
  EXPECT_EQ(describe(unsupported), "trace not supported on this system");
}

TEST(TraceSummary, IcmpInWords) {
  EXPECT_EQ(icmp_in_words(false, 3, 13), "administratively prohibited");
  EXPECT_EQ(icmp_in_words(false, 3, 1), "host unreachable");
  EXPECT_EQ(icmp_in_words(false, 11, 0), "time exceeded");
  EXPECT_EQ(icmp_in_words(false, 3, 200), "destination unreachable, code 200");
  EXPECT_EQ(icmp_in_words(true, 1, 1), "administratively prohibited");
  EXPECT_EQ(icmp_in_words(true, 1, 4), "port unreachable");
  EXPECT_EQ(icmp_in_words(true, 3, 0), "time exceeded");
  EXPECT_EQ(icmp_in_words(true, 99, 2), "ICMPv6 type 99 code 2");
}

TEST(TraceRequestLimits, BadMaxHopsIsAnErrorNotATrace) {
  TraceRequest request;
  request.address = boost::asio::ip::make_address("127.0.0.1");
  request.port = 9;
  request.max_hops = 0;
  const TracePath path = trace_tcp_path(request);
  EXPECT_EQ(path.outcome, Outcome::kError);
  EXPECT_EQ(path.error, "max_hops must be 1..255");
}

// ICMP_ERROR_INFO as Windows lays it out (see icmp_error_info.h).
std::array<unsigned char, kIcmpErrorInfoSize> error_info(std::uint16_t family,
                                                         std::uint32_t protocol, std::uint8_t type,
                                                         std::uint8_t code) {
  std::array<unsigned char, kIcmpErrorInfoSize> bytes{};
  bytes[0] = static_cast<unsigned char>(family & 0xff);
  bytes[1] = static_cast<unsigned char>(family >> 8);
  bytes[28] = static_cast<unsigned char>(protocol & 0xff);
  bytes[32] = type;
  bytes[33] = code;
  return bytes;
}

TEST(IcmpErrorInfo, DecodesAnIpv4TimeExceeded) {
  auto bytes = error_info(2, 1, 11, 0);
  const unsigned char address[4] = {198, 18, 2, 2};
  std::copy(address, address + 4, bytes.begin() + 4);
  const auto answer = decode_icmp_error_info(bytes.data(), bytes.size());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->kind, Kind::kTimeExceeded);
  EXPECT_EQ(answer->from.to_string(), "198.18.2.2");
  EXPECT_FALSE(answer->icmp_v6);
}

TEST(IcmpErrorInfo, DecodesAnIpv6AdministrativelyProhibited) {
  auto bytes = error_info(23, 58, 1, 1);
  bytes[8] = 0x20;
  bytes[9] = 0x01;
  bytes[10] = 0x0d;
  bytes[11] = 0xb8;
  bytes[23] = 0x07;
  const auto answer = decode_icmp_error_info(bytes.data(), bytes.size());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->kind, Kind::kUnreachable);
  EXPECT_EQ(answer->from.to_string(), "2001:db8::7");
  EXPECT_TRUE(answer->icmp_v6);
  EXPECT_EQ(icmp_in_words(answer->icmp_v6, answer->icmp_type, answer->icmp_code),
            "administratively prohibited");
}

TEST(IcmpErrorInfo, RefusesShortOrUnknownInput) {
  const auto good = error_info(2, 1, 11, 0);
  EXPECT_FALSE(decode_icmp_error_info(good.data(), good.size() - 1));
  EXPECT_FALSE(decode_icmp_error_info(nullptr, 0));
  const auto unknown_family = error_info(17, 1, 11, 0);
  EXPECT_FALSE(decode_icmp_error_info(unknown_family.data(), unknown_family.size()));
  const auto tcp_protocol = error_info(2, 6, 11, 0);
  EXPECT_FALSE(decode_icmp_error_info(tcp_protocol.data(), tcp_protocol.size()));
}

}  // namespace
}  // namespace vpm
