#pragma once
// Windows' ICMP_ERROR_INFO (getsockopt TCP_ICMP_ERROR_INFO after a connect that failed on an
// ICMP error), decoded from its bytes so that the decoding is tested on every system:
//   offset  0: SOCKADDR_INET srcaddress (28 bytes: family u16 little-endian, AF_INET 2 with
//              the IPv4 address at 4, or AF_INET6 23 with the IPv6 address at 8)
//   offset 28: IPPROTO protocol (32-bit: IPPROTO_ICMP 1, IPPROTO_ICMPV6 58)
//   offset 32: UINT8 type, offset 33: UINT8 code; 36 bytes in all with padding.
#include <cstddef>
#include <optional>

#include "vpm/trace.h"

namespace vpm {

inline constexpr std::size_t kIcmpErrorInfoSize = 36;

// kTimeExceeded or kUnreachable with the sender, type and code; none when the bytes are too
// few or name an unknown address family or protocol.
std::optional<HopAnswer> decode_icmp_error_info(const unsigned char* bytes, std::size_t size);

}  // namespace vpm
