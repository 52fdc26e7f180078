#pragma once
// Real sockets on 127.0.0.1 for tests: a listening TCP port, a port where nothing listens,
// a silent UDP socket, a UDP echo responder.
#include <atomic>
#include <cstdint>
#include <thread>

namespace vpm::test {

// Listens on 127.0.0.1:<ephemeral> (127.0.0.<last_byte>); the kernel completes handshakes
// (backlog) without accept.
class TcpListener {
 public:
  explicit TcpListener(std::uint8_t last_byte = 1);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A TCP port on 127.0.0.1 that was bound and closed again: nothing listens there.
std::uint16_t closed_tcp_port();
// Same for UDP.
std::uint16_t closed_udp_port();

// A bound UDP socket that reads nothing and never replies.
class SilentUdpSocket {
 public:
  SilentUdpSocket();
  ~SilentUdpSocket();
  SilentUdpSocket(const SilentUdpSocket&) = delete;
  SilentUdpSocket& operator=(const SilentUdpSocket&) = delete;
  std::uint16_t port() const { return port_; }
  // Reads every datagram queued so far without waiting; returns how many there were.
  int drain();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A UDP socket on 127.0.0.1 that echoes every datagram back from a thread of its own.
class UdpEchoResponder {
 public:
  UdpEchoResponder();
  ~UdpEchoResponder();
  UdpEchoResponder(const UdpEchoResponder&) = delete;
  UdpEchoResponder& operator=(const UdpEchoResponder&) = delete;
  std::uint16_t port() const { return port_; }
  int datagrams_received() const { return received_.load(); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> received_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace vpm::test
