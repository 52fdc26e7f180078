#include "support/fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace vpm::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until fd is readable; false at the deadline.
bool wait_readable(int fd, Clock::time_point deadline) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, remaining_ms(deadline)) > 0;
}

}  // namespace

FakeTcpServer::FakeTcpServer(Handler handler, std::uint16_t port) : handler_(std::move(handler)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd_, 16) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("bind/listen: ") + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      ++connections_;
      handler_(client);
      ::close(client);
    }
  });
}

FakeTcpServer::~FakeTcpServer() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

std::string read_bytes(int fd, std::size_t want, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::string data;
  char buffer[4096];
  while (data.size() < want && wait_readable(fd, deadline)) {
    const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, want - data.size()), 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

std::string read_until(int fd, std::string_view end, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::string data;
  char c = 0;
  while (data.find(end) == std::string::npos && data.size() < 65536 &&
         wait_readable(fd, deadline)) {
    if (::recv(fd, &c, 1, 0) != 1) break;
    data += c;
  }
  return data;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void wait_for_close(int fd, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  char buffer[4096];
  while (wait_readable(fd, deadline)) {
    if (::recv(fd, buffer, sizeof buffer, 0) <= 0) return;
  }
}

void silent(int fd) { wait_for_close(fd); }

void close_at_once(int /*fd*/) {}

void garbage_megabyte(int fd) {
  // 0x3c ('<') starts no record, header or greeting any check accepts.
  const std::string chunk(65536, '<');
  for (int i = 0; i < 16; ++i) {
    if (!write_all(fd, chunk)) return;
  }
  wait_for_close(fd);
}

void http_bad_request(int fd) {
  // An HTTP server answers only a request: a client that speaks no first word gets silence.
  if (read_bytes(fd, 1, std::chrono::seconds(5)).empty()) return;
  write_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  wait_for_close(fd, std::chrono::milliseconds(500));
}

}  // namespace vpm::test
