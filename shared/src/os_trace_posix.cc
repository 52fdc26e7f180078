// The POSIX (Linux) half of the trace: TCP connects with a limited TTL on sockets with
// IP_RECVERR / IPV6_RECVERR. An ICMP time exceeded or destination unreachable for the SYN
// fails the connect and leaves a sock_extended_err with the sender (SO_EE_OFFENDER) on the
// socket's error queue. Unprivileged since Linux 5.8 ("tcp: allow traceroute -Mtcp for
// unpriv users"); older kernels fail the connect without queueing the error, and the hops
// then read as local errors.
// clang-format off
#include <time.h>  // before linux/errqueue.h, which uses struct timespec without including it
#include <linux/errqueue.h>
// clang-format on
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "trace_timing.h"
#include "vpm/os_seam.h"

namespace vpm::os {
namespace {

using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

boost::asio::ip::address to_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    boost::asio::ip::address_v4::bytes_type bytes{};
    std::memcpy(bytes.data(), &v4.sin_addr, bytes.size());
    return boost::asio::ip::address_v4(bytes);
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    boost::asio::ip::address_v6::bytes_type bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    return boost::asio::ip::address_v6(bytes, v6.sin6_scope_id);
  }
  return {};
}

std::string system_words(int error) {
  return "connect: " + boost::system::error_code(error, boost::system::system_category()).message();
}

// The ICMP error queued for this socket, if one is: kTimeExceeded or kUnreachable.
bool read_icmp_error(int fd, HopAnswer& answer) {
  char data[64];
  alignas(cmsghdr) char control[512];
  iovec io{data, sizeof data};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) continue;
    sock_extended_err extended{};
    const unsigned char* payload = CMSG_DATA(c);
    std::memcpy(&extended, payload, sizeof extended);
    if (extended.ee_origin != SO_EE_ORIGIN_ICMP && extended.ee_origin != SO_EE_ORIGIN_ICMP6) {
      continue;
    }
    sockaddr_storage offender{};
    const std::size_t room = c->cmsg_len - CMSG_LEN(sizeof extended);
    std::memcpy(&offender, payload + sizeof extended, std::min(room, sizeof offender));
    answer.icmp_v6 = extended.ee_origin == SO_EE_ORIGIN_ICMP6;
    answer.icmp_type = extended.ee_type;
    answer.icmp_code = extended.ee_code;
    answer.from = to_address(reinterpret_cast<const sockaddr*>(&offender));
    const bool time_exceeded = answer.icmp_v6 ? answer.icmp_type == 3 : answer.icmp_type == 11;
    answer.kind = time_exceeded ? HopAnswer::Kind::kTimeExceeded : HopAnswer::Kind::kUnreachable;
    return true;
  }
  return false;
}

// A connect that ended without an ICMP error on the queue: the target (connected or reset),
// or a local failure.
HopAnswer connect_ended(int error, const tcp::endpoint& endpoint) {
  HopAnswer answer;
  if (error == 0 || error == ECONNREFUSED) {
    answer.kind = HopAnswer::Kind::kReached;
    answer.from = endpoint.address();
  } else {
    answer.kind = HopAnswer::Kind::kLocalError;
    answer.error = system_words(error);
  }
  return answer;
}

class HopSockets {
 public:
  explicit HopSockets(std::size_t count) : fds_(count, -1) {}
  HopSockets(const HopSockets&) = delete;
  HopSockets& operator=(const HopSockets&) = delete;
  ~HopSockets() {
    for (int fd : fds_) {
      if (fd < 0) continue;
      // A connection some TTL made to the target ends with RST, not FIN and TIME_WAIT.
      set_abortive_close(fd);
      close_socket(fd);
    }
  }
  int& operator[](std::size_t i) { return fds_[i]; }

 private:
  std::vector<int> fds_;
};

}  // namespace

HopProbes probe_hops(const tcp::endpoint& endpoint, unsigned first_ttl, unsigned count,
                     Clock::time_point deadline, boost::asio::ip::address& source) {
  HopProbes probes;
  probes.answers.resize(count);
  std::vector<bool> pending(count, false);
  HopSockets fds(count);
  const bool v6 = endpoint.protocol() == tcp::v6();
  const int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
  const Clock::time_point started = Clock::now();
  for (unsigned i = 0; i < count; ++i) {
    const int fd =
        ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      probes.error = "socket: " + std::string(std::strerror(errno));
      return probes;
    }
    fds[i] = fd;
    const int on = 1;
    const int ttl = static_cast<int>(first_ttl + i);
    if (::setsockopt(fd, level, v6 ? IPV6_RECVERR : IP_RECVERR, &on, sizeof on) != 0 ||
        ::setsockopt(fd, level, v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl, sizeof ttl) != 0) {
      probes.supported = false;
      return probes;
    }
    if (!source.is_unspecified()) {
      const tcp::endpoint local(source, 0);
      if (::bind(fd, local.data(), static_cast<socklen_t>(local.size())) != 0) {
        probes.error = "bind to " + source.to_string() + ": " + std::strerror(errno);
        return probes;
      }
    }
    if (::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0) {
      probes.answers[i] = connect_ended(0, endpoint);
    } else if (errno == EINPROGRESS) {
      pending[i] = true;
    } else if (!read_icmp_error(fd, probes.answers[i])) {
      probes.answers[i] = connect_ended(errno, endpoint);
    }
    if (source.is_unspecified()) {
      // Every later hop leaves from the same address as this one (paths may differ by source).
      tcp::endpoint local;
      socklen_t length = static_cast<socklen_t>(local.capacity());
      if (::getsockname(fd, local.data(), &length) == 0) {
        local.resize(length);
        source = local.address();
      }
    }
  }

  Clock::time_point quiet_until = deadline;
  for (;;) {
    std::vector<pollfd> waiting;
    std::vector<unsigned> index;
    for (unsigned i = 0; i < count; ++i) {
      if (!pending[i]) continue;
      waiting.push_back({fds[i], POLLOUT, 0});
      index.push_back(i);
    }
    const Clock::time_point now = Clock::now();
    const Clock::time_point until = std::min(deadline, quiet_until);
    if (waiting.empty() || now >= until || trace_settled(probes.answers)) break;
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(until - now);
    const int ready = ::poll(waiting.data(), waiting.size(), static_cast<int>(wait.count()));
    if (ready < 0 && errno != EINTR) {
      probes.error = "poll: " + std::string(std::strerror(errno));
      return probes;
    }
    bool answered = false;
    for (std::size_t k = 0; ready > 0 && k < waiting.size(); ++k) {
      if (waiting[k].revents == 0) continue;
      const unsigned i = index[k];
      HopAnswer& answer = probes.answers[i];
      if (!read_icmp_error(fds[i], answer)) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
        answer = connect_ended(error, endpoint);
      }
      pending[i] = false;
      answered = true;
    }
    if (answered) {
      const Clock::time_point at = Clock::now();
      quiet_until = at + quiet_window(at - started);
    }
  }
  return probes;
}

}  // namespace vpm::os
