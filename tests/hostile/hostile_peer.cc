#include "hostile/hostile_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace vpm::test {
namespace {

// Sends all of `data` unless the peer goes or the test stops; false when it did.
bool send_all(int fd, std::string_view data, const HostilePeer& peer) {
  while (!data.empty()) {
    if (peer.stopping()) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    peer.count_sent(static_cast<std::size_t>(n));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Drops what the client sent; false once it closed (or failed).
bool drain(int fd) {
  std::array<char, 4096> sink{};
  while (true) {
    const ssize_t n = ::recv(fd, sink.data(), sink.size(), MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
}

}  // namespace

HostilePeer::HostilePeer(Handler handler) : handler_(std::move(handler)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      ::listen(fd_, 4096) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("bind/listen: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      ++connections_;
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!handler_) {  // a plain tarpit: held open here, no thread per connection
        held_.push_back(client);
        continue;
      }
      workers_.emplace_back([this, client] {
        handler_(client, *this);
        ::close(client);
      });
    }
  });
}

HostilePeer::~HostilePeer() {
  stop_ = true;
  acceptor_.join();
  for (std::thread& worker : workers_) worker.join();
  for (int client : held_) ::close(client);
  ::close(fd_);
}

void tarpit(int fd, const HostilePeer& peer) {
  while (!peer.stopping()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0 && !drain(fd)) return;
  }
}

HostilePeer::Handler drip(std::string text, int interval_ms) {
  return [text = std::move(text), interval_ms](int fd, const HostilePeer& peer) {
    for (const char c : text) {
      if (!send_all(fd, std::string_view(&c, 1), peer)) return;
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(interval_ms);
      while (std::chrono::steady_clock::now() < until) {
        if (peer.stopping()) return;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0 && !drain(fd)) return;
      }
    }
    tarpit(fd, peer);
  };
}

HostilePeer::Handler flood(std::string head, std::string body, std::size_t limit) {
  return [head = std::move(head), body = std::move(body), limit](int fd, const HostilePeer& peer) {
    if (!send_all(fd, head, peer)) return;
    std::string block;
    while (block.size() < 64 * 1024) block += body;
    std::size_t sent = head.size();
    while (sent < limit) {
      if (!drain(fd) || !send_all(fd, block, peer)) return;
      sent += block.size();
    }
    tarpit(fd, peer);
  };
}

HostilePeer::Handler reset_after(std::string partial, std::size_t read_bytes) {
  return [partial = std::move(partial), read_bytes](int fd, const HostilePeer& peer) {
    std::size_t got = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    std::array<char, 4096> sink{};
    while (got < read_bytes && std::chrono::steady_clock::now() < until && !peer.stopping()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd, sink.data(), sink.size(), 0);
      if (n <= 0) return;
      got += static_cast<std::size_t>(n);
    }
    if (!partial.empty()) send_all(fd, partial, peer);
    linger abort_on_close{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  };
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace vpm::test
