#include "icmp_error_info.h"

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <cstring>

namespace vpm {
namespace {

constexpr std::uint16_t kWindowsInet = 2;
constexpr std::uint16_t kWindowsInet6 = 23;
constexpr std::uint32_t kProtocolIcmp = 1;
constexpr std::uint32_t kProtocolIcmp6 = 58;

std::uint32_t little_endian(const unsigned char* bytes, std::size_t width) {
  std::uint32_t value = 0;
  for (std::size_t i = width; i > 0; --i) value = (value << 8) | bytes[i - 1];
  return value;
}

}  // namespace

std::optional<HopAnswer> decode_icmp_error_info(const unsigned char* bytes, std::size_t size) {
  if (bytes == nullptr || size < kIcmpErrorInfoSize) return std::nullopt;
  HopAnswer answer;
  const std::uint32_t family = little_endian(bytes, 2);
  if (family == kWindowsInet) {
    boost::asio::ip::address_v4::bytes_type v4{};
    std::memcpy(v4.data(), bytes + 4, v4.size());
    answer.from = boost::asio::ip::address_v4(v4);
  } else if (family == kWindowsInet6) {
    boost::asio::ip::address_v6::bytes_type v6{};
    std::memcpy(v6.data(), bytes + 8, v6.size());
    answer.from = boost::asio::ip::address_v6(v6, little_endian(bytes + 24, 4));
  } else {
    return std::nullopt;
  }
  const std::uint32_t protocol = little_endian(bytes + 28, 4);
  if (protocol != kProtocolIcmp && protocol != kProtocolIcmp6) return std::nullopt;
  answer.icmp_v6 = protocol == kProtocolIcmp6;
  answer.icmp_type = bytes[32];
  answer.icmp_code = bytes[33];
  const bool time_exceeded = answer.icmp_v6 ? answer.icmp_type == 3 : answer.icmp_type == 11;
  answer.kind = time_exceeded ? HopAnswer::Kind::kTimeExceeded : HopAnswer::Kind::kUnreachable;
  return answer;
}

}  // namespace vpm
