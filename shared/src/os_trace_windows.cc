// The Windows half of the trace: TCP connects with a limited TTL and
// TCP_FAIL_CONNECT_ON_ICMP_ERROR, so that an ICMP time exceeded or destination unreachable
// fails the connect; TCP_ICMP_ERROR_INFO then says who sent it (Windows 10 2004, Server 2022
// and later). Where the system refuses either option (older Windows, Wine), the trace is
// "not supported on this system". select() waits: at most 64 sockets (FD_SETSIZE) per wave.
#include <winsock2.h>
#include <ws2ipdef.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "icmp_error_info.h"
#include "trace_timing.h"
#include "vpm/os_seam.h"

#ifndef TCP_FAIL_CONNECT_ON_ICMP_ERROR
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18  // ws2ipdef.h of the Windows 10 SDK
#endif
#ifndef TCP_ICMP_ERROR_INFO
#define TCP_ICMP_ERROR_INFO 19
#endif

namespace vpm::os {
namespace {

using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// The SDK's ICMP_ERROR_INFO, which mingw-w64's headers lack; decode_icmp_error_info reads
// its bytes, and these asserts pin the layout it assumes.
struct IcmpErrorInfo {
  SOCKADDR_INET srcaddress;
  int protocol;  // IPPROTO
  UINT8 type;
  UINT8 code;
};
static_assert(sizeof(IcmpErrorInfo) == kIcmpErrorInfoSize);
static_assert(offsetof(IcmpErrorInfo, protocol) == 28 && offsetof(IcmpErrorInfo, type) == 32);

std::string wsa_words(int error) {
  return "connect: " + boost::system::error_code(error, boost::system::system_category()).message();
}

HopAnswer connect_ended(SOCKET s, const tcp::endpoint& endpoint, bool failed) {
  if (failed) {
    IcmpErrorInfo info{};
    int length = sizeof info;
    if (::getsockopt(s, IPPROTO_TCP, TCP_ICMP_ERROR_INFO, reinterpret_cast<char*>(&info),
                     &length) == 0) {
      unsigned char bytes[sizeof info];
      std::memcpy(bytes, &info, sizeof info);
      if (auto answer = decode_icmp_error_info(bytes, static_cast<std::size_t>(length))) {
        return *answer;
      }
    }
  }
  int error = 0;
  int length = sizeof error;
  ::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &length);
  HopAnswer answer;
  if (error == 0 || error == WSAECONNREFUSED) {
    answer.kind = HopAnswer::Kind::kReached;
    answer.from = endpoint.address();
  } else {
    answer.kind = HopAnswer::Kind::kLocalError;
    answer.error = wsa_words(error);
  }
  return answer;
}

class HopSockets {
 public:
  explicit HopSockets(std::size_t count) : sockets_(count, INVALID_SOCKET) {}
  HopSockets(const HopSockets&) = delete;
  HopSockets& operator=(const HopSockets&) = delete;
  ~HopSockets() {
    for (SOCKET s : sockets_) {
      if (s == INVALID_SOCKET) continue;
      // A connection some TTL made to the target ends with RST, not FIN and TIME_WAIT.
      set_abortive_close(s);
      close_socket(s);
    }
  }
  SOCKET& operator[](std::size_t i) { return sockets_[i]; }

 private:
  std::vector<SOCKET> sockets_;
};

}  // namespace

HopProbes probe_hops(const tcp::endpoint& endpoint, unsigned first_ttl, unsigned count,
                     Clock::time_point deadline, boost::asio::ip::address& source) {
  HopProbes probes;
  if (count > FD_SETSIZE) {
    probes.error = "at most " + std::to_string(FD_SETSIZE) + " hops per wave";
    return probes;
  }
  probes.answers.resize(count);
  std::vector<bool> pending(count, false);
  HopSockets sockets(count);
  const bool v6 = endpoint.protocol() == tcp::v6();
  const Clock::time_point started = Clock::now();
  for (unsigned i = 0; i < count; ++i) {
    const SOCKET s = ::WSASocketW(endpoint.protocol().family(), SOCK_STREAM, IPPROTO_TCP, nullptr,
                                  0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
      probes.error = wsa_words(::WSAGetLastError());
      return probes;
    }
    sockets[i] = s;
    u_long non_blocking = 1;
    DWORD on = 1;
    const DWORD ttl = first_ttl + i;
    if (::ioctlsocket(s, static_cast<long>(FIONBIO), &non_blocking) != 0 ||
        ::setsockopt(s, IPPROTO_TCP, TCP_FAIL_CONNECT_ON_ICMP_ERROR,
                     reinterpret_cast<const char*>(&on), sizeof on) != 0 ||
        ::setsockopt(s, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL,
                     reinterpret_cast<const char*>(&ttl), sizeof ttl) != 0) {
      probes.supported = false;
      return probes;
    }
    if (!source.is_unspecified()) {
      const tcp::endpoint local(source, 0);
      if (::bind(s, local.data(), static_cast<int>(local.size())) != 0) {
        probes.error =
            "bind to " + source.to_string() + ": " + wsa_words(::WSAGetLastError()).substr(9);
        return probes;
      }
    }
    if (::connect(s, endpoint.data(), static_cast<int>(endpoint.size())) == 0) {
      probes.answers[i] = connect_ended(s, endpoint, false);
    } else if (const int error = ::WSAGetLastError();
               error == WSAEWOULDBLOCK || error == WSAEINPROGRESS) {
      pending[i] = true;
    } else {
      probes.answers[i] = connect_ended(s, endpoint, true);
    }
    if (source.is_unspecified()) {
      tcp::endpoint local;
      int length = static_cast<int>(local.capacity());
      if (::getsockname(s, local.data(), &length) == 0) {
        local.resize(static_cast<std::size_t>(length));
        if (!local.address().is_unspecified()) source = local.address();
      }
    }
  }

  Clock::time_point quiet_until = deadline;
  for (;;) {
    fd_set writable;
    fd_set failed;
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    unsigned waiting = 0;
    for (unsigned i = 0; i < count; ++i) {
      if (!pending[i]) continue;
      FD_SET(sockets[i], &writable);
      FD_SET(sockets[i], &failed);
      ++waiting;
    }
    const Clock::time_point now = Clock::now();
    const Clock::time_point until = std::min(deadline, quiet_until);
    if (waiting == 0 || now >= until || trace_settled(probes.answers)) break;
    const auto wait = std::chrono::ceil<std::chrono::microseconds>(until - now);
    timeval timeout{static_cast<long>(wait.count() / 1000000),
                    static_cast<long>(wait.count() % 1000000)};
    const int ready = ::select(0, nullptr, &writable, &failed, &timeout);
    if (ready == SOCKET_ERROR) {
      probes.error = "select: " + wsa_words(::WSAGetLastError()).substr(9);
      return probes;
    }
    bool answered = false;
    for (unsigned i = 0; ready > 0 && i < count; ++i) {
      if (!pending[i]) continue;
      const bool did_fail = FD_ISSET(sockets[i], &failed) != 0;
      if (!did_fail && FD_ISSET(sockets[i], &writable) == 0) continue;
      probes.answers[i] = connect_ended(sockets[i], endpoint, did_fail);
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
