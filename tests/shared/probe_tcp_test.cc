#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/probe_test_util.h"
#include "support/loopback.h"
#include "vpm/os_seam.h"

namespace vpm {
namespace {

using test::probe_once;

TEST(ProbeTcp, ListenerIsOpenWithAConnectTime) {
  test::TcpListener listener;
  const PortResult r = probe_once(&probe_tcp_connect, "127.0.0.1", listener.port());
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  EXPECT_EQ(r.port, listener.port());
  EXPECT_GT(r.latency.count(), 0);
  EXPECT_LT(r.latency, std::chrono::seconds(1));
}

TEST(ProbeTcp, ClosedPortIsRefused) {
  const Port port = test::closed_tcp_port();
  const PortResult r = probe_once(&probe_tcp_connect, "127.0.0.1", port);
  EXPECT_EQ(r.state, PortState::kRefused) << r.reason;
  EXPECT_GT(r.latency.count(), 0);
}

// Refused sockets are disconnected by the connect that reports the refusal and used again for
// the next probe (os_seam_posix.cc): refused and open ports taking turns, more of them than
// the spare sockets a thread keeps, each still get their own answer.
TEST(ProbeTcp, RefusedAndOpenPortsTakingTurnsEachGetTheirOwnAnswer) {
  test::TcpListener listener;
  const Port closed = test::closed_tcp_port();
  for (int i = 0; i < 40; ++i) {
    const PortResult refused = probe_once(&probe_tcp_connect, "127.0.0.1", closed);
    EXPECT_EQ(refused.state, PortState::kRefused) << "round " << i << ": " << refused.reason;
    const PortResult open = probe_once(&probe_tcp_connect, "127.0.0.1", listener.port());
    EXPECT_EQ(open.state, PortState::kOpen) << "round " << i << ": " << open.reason;
  }
}

TEST(ProbeTcp, Ipv6LoopbackWorksToo) {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) ::close(fd);
    GTEST_SKIP() << "no IPv6 loopback on this machine";
  }
  ::listen(fd, 16);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const Port port = ntohs(address.sin6_port);
  EXPECT_EQ(probe_once(&probe_tcp_connect, "::1", port).state, PortState::kOpen);
  ::close(fd);
  EXPECT_EQ(probe_once(&probe_tcp_connect, "::1", port).state, PortState::kRefused);
}

TEST(ProbeTcp, ClassifiesSocketErrors) {
  namespace error = boost::asio::error;
  EXPECT_EQ(os::classify_socket_error(error::connection_refused), PortState::kRefused);
  EXPECT_EQ(os::classify_socket_error(error::host_unreachable), PortState::kUnreachable);
  EXPECT_EQ(os::classify_socket_error(error::network_unreachable), PortState::kUnreachable);
  EXPECT_EQ(os::classify_socket_error(error::access_denied), PortState::kUnreachable);
  EXPECT_EQ(os::classify_socket_error(error::timed_out), PortState::kFiltered);
  EXPECT_EQ(os::classify_socket_error(error::no_buffer_space), PortState::kError);
}

// A socket bound to 127.0.0.1:P and connected to 127.0.0.1:P connects to itself (TCP
// simultaneous open). The probe cannot be steered into that, so this proves the kernel
// behaviour the probe guards against exists here; the guard is the same comparison.
TEST(ProbeTcp, LoopbackSelfConnectIsARealThing) {
  const Port port = test::closed_tcp_port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  sockaddr_in local{};
  sockaddr_in remote{};
  socklen_t l1 = sizeof local;
  socklen_t l2 = sizeof remote;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &l1);
  ::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &l2);
  EXPECT_EQ(local.sin_port, remote.sin_port);
  ::close(fd);
}

}  // namespace
}  // namespace vpm
