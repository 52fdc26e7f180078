// The Windows side of the OS seam (Winsock 2). Built instead of os_seam_posix.cc when
// WIN32; Asio's io_context has already called WSAStartup when any of this runs.
//
// Windows differs from Linux where the prober looks:
//  - A non-blocking connect always answers WSAEWOULDBLOCK, even on loopback, and a refused
//    one is reported through select()'s except set, not the write set (probe_tcp waits for
//    both on Windows). connect_outcome() reads SO_ERROR as on POSIX.
//  - By default a TCP connect does not fail on an ICMP error (host or port unreachable): it
//    retransmits its SYN until the timeout, so such a port reads "filtered". Windows 10 1903
//    and later (Server 2022, 2019 with updates) have TCP_FAIL_CONNECT_ON_ICMP_ERROR, set here
//    on every probe socket; older Windows (and Wine) refuse the option and keep the default.
//  - A UDP socket reports an ICMP port unreachable for an earlier datagram as WSAECONNRESET
//    on the next receive (or ERROR_PORT_UNREACHABLE through IOCP, which Asio turns into
//    connection_refused), but only while SIO_UDP_CONNRESET is on; prepare_udp_socket turns
//    it on explicitly.
//  - There is no open-files limit for sockets; the ephemeral port range (16384 ports by
//    default) and Asio's select()-based wait for connects bound what is sensible.
#include <mswsock.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <boost/asio/error.hpp>
#include <cstring>

#include "socket_errors.h"
#include "vpm/os_seam.h"

#ifndef TCP_FAIL_CONNECT_ON_ICMP_ERROR
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18  // ws2ipdef.h of the Windows 10 1903 SDK
#endif
#ifndef SIO_UDP_CONNRESET
#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#endif

namespace vpm::os {

namespace {

using Handle = NativeSocket;

boost::system::error_code wsa_error(int code) {
  return boost::system::error_code(code, boost::system::system_category());
}

}  // namespace

PortState classify_socket_error(const boost::system::error_code& ec) {
  if (const auto portable = classify_portable_socket_error(ec)) return *portable;
  if (ec.category() == boost::system::system_category()) {
    switch (ec.value()) {
      // UDP: the ICMP port unreachable of an earlier datagram (SIO_UDP_CONNRESET on).
      case WSAECONNRESET:
      case ERROR_PORT_UNREACHABLE:
      case ERROR_CONNECTION_REFUSED:
        return PortState::kRefused;
      case WSAEHOSTDOWN:
      case ERROR_HOST_UNREACHABLE:
      case ERROR_NETWORK_UNREACHABLE:
      case ERROR_PROTOCOL_UNREACHABLE:
        return PortState::kUnreachable;
      case ERROR_SEM_TIMEOUT:  // a connect that ran out of SYN retransmits
        return PortState::kFiltered;
      default:
        break;
    }
  }
  return PortState::kError;
}

unsigned socket_budget() {
  // No descriptor limit to raise. Probes hold a socket each and abortive close leaves no
  // TIME_WAIT, so the default dynamic port range (49152-65535) is far away; the connect
  // wait runs through Asio's select() thread, which slows down past a few thousand sockets.
  return 1024;
}

boost::system::error_code bind_source(Handle handle, const boost::asio::ip::address& source) {
  const boost::asio::ip::tcp::endpoint local(source, 0);
  if (::bind(handle, local.data(), static_cast<int>(local.size())) == 0) return {};
  return wsa_error(::WSAGetLastError());
}

ConnectStart begin_connect(const boost::asio::ip::tcp::endpoint& endpoint,
                           const SourceAddress& source, bool /*reachability_only*/) {
  ConnectStart start;
  const int family = endpoint.protocol().family();
  const SOCKET s = ::WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) {
    start.error = wsa_error(::WSAGetLastError());
    return start;
  }
  u_long non_blocking = 1;
  if (::ioctlsocket(s, static_cast<long>(FIONBIO), &non_blocking) != 0) {
    start.error = wsa_error(::WSAGetLastError());
    ::closesocket(s);
    return start;
  }
  // Fail on ICMP unreachable instead of retransmitting until the deadline, where the
  // system knows the option (Windows 10 1903 and later); elsewhere it is refused: ignored.
  DWORD fail_on_icmp = 1;
  ::setsockopt(s, IPPROTO_TCP, TCP_FAIL_CONNECT_ON_ICMP_ERROR,
               reinterpret_cast<const char*>(&fail_on_icmp), sizeof fail_on_icmp);
  if (source) {
    if (const boost::system::error_code bind_error = bind_source(s, *source)) {
      ::closesocket(s);
      start.error = bind_error;
      start.bind_failed = true;
      return start;
    }
  }

  if (::connect(s, endpoint.data(), static_cast<int>(endpoint.size())) == 0) {
    start.status = ConnectStart::Status::kConnected;
    start.handle = s;
    return start;
  }
  const int error = ::WSAGetLastError();
  if (error == WSAEWOULDBLOCK || error == WSAEINPROGRESS) {
    start.status = ConnectStart::Status::kPending;
    start.handle = s;
    return start;
  }
  ::closesocket(s);
  start.error = wsa_error(error);
  return start;
}

bool finish_open_connect(Handle handle, const boost::asio::ip::tcp::endpoint& endpoint,
                         const SourceAddress& /*source*/) {
  sockaddr_storage local{};
  int length = sizeof local;
  bool itself = false;
  if (::getsockname(handle, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
    boost::asio::ip::tcp::endpoint local_endpoint;
    if (static_cast<std::size_t>(length) <= local_endpoint.capacity()) {
      std::memcpy(local_endpoint.data(), &local, static_cast<std::size_t>(length));
      local_endpoint.resize(static_cast<std::size_t>(length));
      itself = local_endpoint == endpoint;
    }
  }
  // Winsock cannot connect a socket again: reset it (no TIME_WAIT) and close it.
  set_abortive_close(handle);
  ::closesocket(handle);
  return itself;
}

boost::system::error_code connect_outcome(Handle handle) {
  int error = 0;
  int length = sizeof error;
  if (::getsockopt(handle, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &length) != 0) {
    error = ::WSAGetLastError();
  }
  return wsa_error(error);
}

void close_socket(Handle handle) { ::closesocket(handle); }

void set_abortive_close(Handle native_socket) {
  linger abort_on_close{1, 0};
  ::setsockopt(native_socket, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abort_on_close),
               sizeof abort_on_close);
}

void prepare_udp_socket(Handle native_socket) {
  BOOL report_port_unreachable = TRUE;
  DWORD returned = 0;
  ::WSAIoctl(native_socket, SIO_UDP_CONNRESET, &report_port_unreachable,
             sizeof report_port_unreachable, nullptr, 0, &returned, nullptr, nullptr);
}

}  // namespace vpm::os
