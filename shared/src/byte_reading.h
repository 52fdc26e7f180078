#pragma once
// Reading integers and prefixes out of received bytes, for the reply parsers. Callers check
// the size first: these never look at more than the bytes they name.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "service_messages.h"

namespace vpm {

inline unsigned be16(ByteView b, std::size_t at) {
  return static_cast<unsigned>(b[at] << 8U) | b[at + 1];
}
inline unsigned le16(ByteView b, std::size_t at) {
  return b[at] | static_cast<unsigned>(b[at + 1] << 8U);
}
inline std::uint32_t le32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(le16(b, at)) |
         (static_cast<std::uint32_t>(le16(b, at + 2)) << 16U);
}

// Whether `bytes` so far agree with `prefix` (as far as they go).
inline bool agrees_with(ByteView bytes, std::string_view prefix) {
  const std::size_t n = std::min(bytes.size(), prefix.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes[i] != static_cast<std::uint8_t>(prefix[i])) return false;
  }
  return true;
}

}  // namespace vpm
