#pragma once
// Two network namespaces joined by one veth link, for the tests of a flow's source address:
//
//   client 198.18.20.1, 198.18.20.2, fd00:5:20::1, fd00:5:20::2  ──  server 198.18.20.100,
//                                                                      fd00:5:20::100
//
// The server listens on TCP kListening (both families) and drops everything from the client's
// second addresses (kBlocked4, kBlocked6): a firewall that admits one source and not the other.
// Nothing listens on UDP kClosedUdp, so the admitted source reads it refused (ICMP port
// unreachable) and the other open|filtered. Addresses from the benchmarking range 198.18.0.0/15
// and the unique local fd00::/8, inside these namespaces only.
#include <memory>
#include <string>

#include "support/netns.h"

namespace vpm::test {

class SourceLink {
 public:
  static constexpr unsigned short kListening = 7000;
  static constexpr unsigned short kClosedUdp = 7001;
  static constexpr const char* kServer4 = "198.18.20.100";
  static constexpr const char* kServer6 = "fd00:5:20::100";
  static constexpr const char* kAdmitted4 = "198.18.20.1";
  static constexpr const char* kBlocked4 = "198.18.20.2";
  static constexpr const char* kAdmitted6 = "fd00:5:20::1";
  static constexpr const char* kBlocked6 = "fd00:5:20::2";

  SourceLink();
  ~SourceLink();
  SourceLink(const SourceLink&) = delete;
  SourceLink& operator=(const SourceLink&) = delete;

  bool namespaces_made() const { return client_->ok() && server_->ok(); }
  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  TestNetns& client() { return *client_; }

 private:
  bool build();
  std::unique_ptr<TestNetns> client_;
  std::unique_ptr<TestNetns> server_;
  int listeners_[2] = {-1, -1};
  bool ok_ = false;
  std::string why_;
};

}  // namespace vpm::test
