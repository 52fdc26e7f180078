// Traces over a routed chain of namespaces (support/netns_chain.h): the exact hop and address
// where each port's path stops.
#include <gtest/gtest.h>

#include <chrono>

#include "support/netns_chain.h"
#include "vpm/trace.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using Chain = test::NetnsChain;
using Outcome = TracePath::Outcome;

class NetnsTrace : public test::NetnsChainTest {
 protected:
  static TracePath trace(Port port, Duration timeout = 2s) {
    TraceRequest request;
    request.address = boost::asio::ip::make_address(Chain::kServer);
    request.port = port;
    request.timeout = timeout;
    TracePath path;
    chain_->client().run_inside([&] { path = trace_tcp_path(request); });
    return path;
  }
};

TEST_F(NetnsTrace, ListeningPortIsReachedAtHop4) {
  const TracePath path = trace(Chain::kListening);
  EXPECT_EQ(path.outcome, Outcome::kReached) << describe(path);
  EXPECT_EQ(path.hop, 4U);
  EXPECT_EQ(describe(path),
            "path 198.18.1.2 > 198.18.2.2 > 198.18.3.2 > 198.18.4.2 (reached at hop 4)");
}

TEST_F(NetnsTrace, RefusedPortIsReachedToo) {
  const TracePath path = trace(Chain::kRefused);
  EXPECT_EQ(path.outcome, Outcome::kReached) << describe(path);
  EXPECT_EQ(path.hop, 4U);
  EXPECT_EQ(path.address, Chain::kServer);
}

TEST_F(NetnsTrace, DroppedAtR2IsBlockedAfterHop2) {
  const auto started = std::chrono::steady_clock::now();
  const TracePath path = trace(Chain::kDroppedAtR2, 2s);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(describe(path), "path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, 198.18.2.2)");
  EXPECT_EQ(path.hop, 2U);
  // The hops beyond r2 stay silent: the trace stops once they were quiet for a while after
  // r2's answer, well before the 2 s timeout.
  EXPECT_LT(elapsed, 1500ms);
}

TEST_F(NetnsTrace, RejectedAtR3ByAdminProhibited) {
  const TracePath path = trace(Chain::kRejectedAtR3);
  EXPECT_EQ(path.outcome, Outcome::kRejected) << describe(path);
  EXPECT_EQ(path.hop, 3U);
  EXPECT_EQ(path.address, Chain::hop(3));
  EXPECT_EQ(describe(path),
            "path 198.18.1.2 > 198.18.2.2 > 198.18.3.2 (rejected at hop 3 by 198.18.3.2, "
            "administratively prohibited)");
}

TEST_F(NetnsTrace, SilentRouterIsAStarInTheMiddle) {
  const TracePath path = trace(Chain::kSilentR2);
  EXPECT_EQ(describe(path), "path 198.18.1.2 > * > 198.18.3.2 > 198.18.4.2 (reached at hop 4)");
}

TEST_F(NetnsTrace, FewerHopsThanTheDistanceIsBlockedAfterTheLast) {
  TraceRequest request;
  request.address = boost::asio::ip::make_address(Chain::kServer);
  request.port = Chain::kListening;
  request.max_hops = 2;
  request.timeout = 1s;
  TracePath path;
  chain_->client().run_inside([&] { path = trace_tcp_path(request); });
  EXPECT_EQ(describe(path), "path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, 198.18.2.2)");
}

TEST_F(NetnsTrace, WavesSmallerThanThePathGiveTheSamePath) {
  TraceRequest request;
  request.address = boost::asio::ip::make_address(Chain::kServer);
  request.port = Chain::kRejectedAtR3;
  request.max_in_flight = 2;
  TracePath path;
  chain_->client().run_inside([&] { path = trace_tcp_path(request); });
  EXPECT_EQ(path.outcome, Outcome::kRejected) << describe(path);
  EXPECT_EQ(path.hop, 3U);
}

TEST_F(NetnsTrace, EverySilentHopEndsAtTheTimeout) {
  // The client drops every answer (time exceeded, and the server's for this port): no hop
  // answers, so nothing cuts the wait short of the timeout.
  ASSERT_TRUE(chain_->client().nft("add table ip vpm_silent"));
  ASSERT_TRUE(chain_->client().nft(
      "'add chain ip vpm_silent input { type filter hook input priority 0; }'"));
  ASSERT_TRUE(chain_->client().nft("add rule ip vpm_silent input icmp type time-exceeded drop"));
  ASSERT_TRUE(chain_->client().nft("add rule ip vpm_silent input tcp sport 10005 drop"));
  const auto started = std::chrono::steady_clock::now();
  const TracePath path = trace(Chain::kDroppedAtR2, 500ms);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  chain_->client().nft("delete table ip vpm_silent");
  EXPECT_EQ(path.outcome, Outcome::kNoAnswer) << describe(path);
  EXPECT_GE(elapsed, 500ms);
  EXPECT_LT(elapsed, 900ms);
}

}  // namespace
}  // namespace vpm
