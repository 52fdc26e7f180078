#include "support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace vpm::test {
namespace {

sockaddr_in loopback_address(std::uint16_t port, std::uint8_t last_byte) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + last_byte);
  return address;
}

int bound_socket(int type, std::uint16_t* port, std::uint8_t last_byte = 1) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address = loopback_address(0, last_byte);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

TcpListener::TcpListener(std::uint8_t last_byte) {
  fd_ = bound_socket(SOCK_STREAM, &port_, last_byte);
  if (::listen(fd_, 4096) != 0) throw std::runtime_error("listen failed");
}

TcpListener::~TcpListener() { ::close(fd_); }

std::uint16_t closed_tcp_port() {
  std::uint16_t port = 0;
  ::close(bound_socket(SOCK_STREAM, &port));
  return port;
}

std::uint16_t closed_udp_port() {
  std::uint16_t port = 0;
  ::close(bound_socket(SOCK_DGRAM, &port));
  return port;
}

SilentUdpSocket::SilentUdpSocket() { fd_ = bound_socket(SOCK_DGRAM, &port_); }
SilentUdpSocket::~SilentUdpSocket() { ::close(fd_); }

int SilentUdpSocket::drain() {
  int count = 0;
  char buffer[2048];
  while (::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++count;
  return count;
}

UdpEchoResponder::UdpEchoResponder() {
  fd_ = bound_socket(SOCK_DGRAM, &port_);
  thread_ = std::thread([this] {
    char buffer[2048];
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      sockaddr_in peer{};
      socklen_t length = sizeof peer;
      const ssize_t n =
          ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&peer), &length);
      if (n < 0) continue;
      ++received_;
      ::sendto(fd_, buffer, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&peer),
               length);
    }
  });
}

UdpEchoResponder::~UdpEchoResponder() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

}  // namespace vpm::test
