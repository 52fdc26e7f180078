// The POSIX side of the OS seam. A Windows build gets os_seam_windows.cc beside it.
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "socket_errors.h"
#include "vpm/os_seam.h"

namespace vpm::os {

PortState classify_socket_error(const boost::system::error_code& ec) {
  if (const auto portable = classify_portable_socket_error(ec)) return *portable;
  if (ec.category() == boost::system::system_category()) {
    // EPERM: a local firewall rule refused to send it; EHOSTDOWN: neighbour discovery failed.
    if (ec.value() == EPERM || ec.value() == EHOSTDOWN) return PortState::kUnreachable;
  }
  return PortState::kError;
}

namespace {
unsigned open_descriptor_count() {
  unsigned count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr) ++count;
    closedir(dir);
    return count > 2 ? count - 2 : count;  // "." and ".."
  }
  return 16;
}
}  // namespace

unsigned socket_budget() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 256;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const rlim_t cap = limit.rlim_cur == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_cur;
  // Keep room for what the process already holds, the resolver, and the exporter's clients.
  const rlim_t reserve = open_descriptor_count() + 32;
  if (cap <= reserve + 1) return 1;
  const rlim_t budget = cap - reserve;
  return budget > (rlim_t{1} << 20) ? (1U << 20) : static_cast<unsigned>(budget);
}

namespace {

// Linux lets a TCP socket whose connect was refused connect again once it is disconnected
// (connect with AF_UNSPEC). Reusing it skips socket() and close() and the kernel's socket
// setup and teardown, which is a third of the cost of sweeping a refused range. Each thread
// keeps a few such sockets; they are plain unconnected sockets, closed at thread exit.
class SpareSockets {
 public:
  SpareSockets() = default;
  SpareSockets(const SpareSockets&) = delete;
  SpareSockets& operator=(const SpareSockets&) = delete;
  ~SpareSockets() {
    for (int fd : v4_) ::close(fd);
    for (int fd : v6_) ::close(fd);
  }
  int take(int family) {
    std::vector<int>& list = family == AF_INET6 ? v6_ : v4_;
    if (list.empty()) return ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int fd = list.back();
    list.pop_back();
    return fd;
  }
  // A socket connect() has disconnected already (connect_again).
  void keep_disconnected(int fd, int family) {
    std::vector<int>& list = family == AF_INET6 ? v6_ : v4_;
    if (list.size() < kMaxSpares) {
      list.push_back(fd);
    } else {
      ::close(fd);
    }
  }
  void give_back(int fd, int family) {
    std::vector<int>& list = family == AF_INET6 ? v6_ : v4_;
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    // Disconnect first in every case: an established connection is reset by it (no FIN, no
    // TIME_WAIT), so even a socket that does not fit in the list closes without a trace.
    if (::connect(fd, &unspecified, sizeof unspecified) == 0 && list.size() < kMaxSpares) {
      list.push_back(fd);
    } else {
      ::close(fd);
    }
  }

 private:
  static constexpr std::size_t kMaxSpares = 16;
  std::vector<int> v4_;
  std::vector<int> v6_;
};

thread_local SpareSockets spare_sockets;

#ifdef __linux__
// A reachability probe's connect that said EINPROGRESS, decided (as it often is on loopback,
// where the answer to the SYN comes back before connect() returns) or not: connect() asked
// again says which (Linux's __inet_stream_connect): 0 once established, EALREADY while the SYN
// waits for an answer, and otherwise the error the answer brought (ECONNREFUSED for a RST),
// the socket disconnected on the way and ready for its next connect. That is one system call
// per refused port where getsockopt(SO_ERROR) and connect(AF_UNSPEC) took two: 5% less CPU for
// the check's 21,000 refused probes of bench/fleet_bench.sh (perf stat, six runs each).
ConnectStart connect_again(int fd, const boost::asio::ip::tcp::endpoint& endpoint,
                           const SourceAddress& source) {
  ConnectStart start;
  start.handle = fd;
  if (::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0) {
    start.status = ConnectStart::Status::kConnected;
    return start;
  }
  const int error = errno;
  if (error == EALREADY) {
    start.status = ConnectStart::Status::kPending;
    return start;
  }
  if (error == EISCONN || error == ECONNRESET) {
    // Connected (and, for a reset, already closed by the peer): the port is open.
    start.status = ConnectStart::Status::kConnected;
    return start;
  }
  if (error == ECONNREFUSED && !source) {
    spare_sockets.keep_disconnected(fd, endpoint.protocol().family());
  } else {
    ::close(fd);
  }
  start.handle = {};
  start.error = boost::system::error_code(error, boost::system::system_category());
  return start;
}
#endif

}  // namespace

boost::system::error_code bind_source(int handle, const boost::asio::ip::address& source) {
#ifdef IP_BIND_ADDRESS_NO_PORT
  // The port is chosen at connect(), per destination, instead of reserved here for good.
  const int no_port = 1;
  if (source.is_v4()) {
    ::setsockopt(handle, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &no_port, sizeof no_port);
  }
#endif
  const boost::asio::ip::tcp::endpoint local(source, 0);
  if (::bind(handle, local.data(), static_cast<socklen_t>(local.size())) == 0) return {};
  return boost::system::error_code(errno, boost::system::system_category());
}

ConnectStart begin_connect(const boost::asio::ip::tcp::endpoint& endpoint,
                           const SourceAddress& source, bool reachability_only) {
  ConnectStart start;
  const int family = endpoint.protocol().family();
  // A spare socket is unbound; a bound one is made fresh and closed after (see give_back).
  const int fd = source ? ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
                        : spare_sockets.take(family);
  if (fd < 0) {
    start.error = boost::system::error_code(errno, boost::system::system_category());
    return start;
  }
  if (source) {
    if (const boost::system::error_code bind_error = bind_source(fd, *source)) {
      ::close(fd);
      start.error = bind_error;
      start.bind_failed = true;
      return start;
    }
  }
  if (::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0) {
    start.status = ConnectStart::Status::kConnected;
    start.handle = fd;
    return start;
  }
  int error = errno;
#ifdef __linux__
  if (error == EINPROGRESS && reachability_only) return connect_again(fd, endpoint, source);
#endif
  if (error == EINPROGRESS) {
    // Often already decided on loopback: a pending error here is the RST that came back.
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error == ECONNRESET) {
      // Connected and already reset by the peer (a refused SYN is ECONNREFUSED): the port is
      // open, and what the peer sent before its reset can still be read (reading SO_ERROR
      // cleared the error), so a service check judges the words, not the reset.
      start.status = ConnectStart::Status::kConnected;
      start.handle = fd;
      return start;
    }
    if (error == 0) {
      // On loopback the handshake is usually over by now too: a writable socket with no
      // error is connected, and saying so here saves a trip through the reactor (and keeps
      // the latency the connect's own, not the time until the reactor came round to it).
      pollfd ready{fd, POLLOUT, 0};
      const bool writable = ::poll(&ready, 1, 0) == 1 && (ready.revents & POLLOUT) != 0 &&
                            (ready.revents & (POLLERR | POLLHUP)) == 0;
      start.status = writable ? ConnectStart::Status::kConnected : ConnectStart::Status::kPending;
      start.handle = fd;
      return start;
    }
  }
  if (error == ECONNREFUSED && !source) {
    spare_sockets.give_back(fd, family);
  } else {
    ::close(fd);
  }
  start.error = boost::system::error_code(error, boost::system::system_category());
  return start;
}

bool finish_open_connect(int handle, const boost::asio::ip::tcp::endpoint& endpoint,
                         const SourceAddress& source) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  bool itself = false;
  if (::getsockname(handle, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    boost::asio::ip::tcp::endpoint local_endpoint;
    if (length <= local_endpoint.capacity()) {
      std::memcpy(local_endpoint.data(), &local, length);
      local_endpoint.resize(length);
      itself = local_endpoint == endpoint;
    }
  }
  if (source) {
    set_abortive_close(handle);
    ::close(handle);
    return itself;
  }
  // connect(AF_UNSPEC) on an established socket resets it, like close() with SO_LINGER {1, 0},
  // and leaves the socket ready for the next connect.
  spare_sockets.give_back(handle, endpoint.protocol().family());
  return itself;
}

boost::system::error_code connect_outcome(int handle) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  return boost::system::error_code(error, boost::system::system_category());
}

void close_socket(int handle) { ::close(handle); }

void set_abortive_close(int native_socket) {
  linger abort_on_close{1, 0};
  ::setsockopt(native_socket, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
}

void prepare_udp_socket(int /*native_socket*/) {}

}  // namespace vpm::os
