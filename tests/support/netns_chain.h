#pragma once
// A routed chain of network namespaces for the trace tests:
//
//   client 198.18.1.1 -- 198.18.1.2 r1 198.18.2.1 -- 198.18.2.2 r2 198.18.3.1 --
//          198.18.3.2 r3 198.18.4.1 -- 198.18.4.2 server
//
// Veth pairs, forwarding on in r1..r3, ICMP rate limits off there (a test sends many traces in
// a second). Addresses from the benchmarking range 198.18.0.0/15, inside these namespaces only.
// The rules each test relies on:
//   r2 drops TCP port kDroppedAtR2 (and 10100-10199) in its forward chain (after answering time
//   exceeded); r3 rejects TCP port kRejectedAtR3 with ICMP administratively prohibited; r2 sends no
//   time exceeded for TCP port kSilentR2 (the server listens there); the server listens on
//   kListening and kSilentR2; nothing listens on kRefused.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "support/netns.h"

namespace vpm::test {

class NetnsChain {
 public:
  static constexpr unsigned short kListening = 10001;
  static constexpr unsigned short kRefused = 10002;
  static constexpr unsigned short kDroppedAtR2 = 10005;
  static constexpr unsigned short kRejectedAtR3 = 10006;
  static constexpr unsigned short kSilentR2 = 10007;
  static constexpr unsigned short kDroppedRangeAtR2First = 10100;  // 10100-10199, like 10005
  static constexpr const char* kServer = "198.18.4.2";

  NetnsChain();
  ~NetnsChain();
  NetnsChain(const NetnsChain&) = delete;
  NetnsChain& operator=(const NetnsChain&) = delete;

  bool ok() const { return ok_; }
  // The namespaces could be made (root, ip, nft): a chain that still is not ok() is a failure.
  bool namespaces_made() const { return made_; }
  const std::string& why() const { return why_; }
  TestNetns& client() { return *spaces_[0]; }

  // "198.18.<k>.2": the address hop k (1..4) answers from, toward the client.
  static std::string hop(int k) { return "198.18." + std::to_string(k) + ".2"; }

 private:
  bool build();
  bool in(std::size_t space, const std::string& command);
  std::array<std::unique_ptr<TestNetns>, 5> spaces_;  // client, r1, r2, r3, server
  int listeners_[2] = {-1, -1};
  bool made_ = false;
  bool ok_ = false;
  std::string why_;
};

// A test suite over one chain, built once for the suite. Skips where namespaces cannot be made;
// a chain that cannot be built where they can is a failure.
class NetnsChainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { chain_ = new NetnsChain(); }
  static void TearDownTestSuite() {
    delete chain_;
    chain_ = nullptr;
  }
  void SetUp() override {
    if (!chain_->namespaces_made()) {
      GTEST_SKIP() << "cannot create network namespaces: " << chain_->why();
    }
    ASSERT_TRUE(chain_->ok()) << "building the namespace chain: " << chain_->why();
  }
  static inline NetnsChain* chain_ = nullptr;
};

}  // namespace vpm::test
