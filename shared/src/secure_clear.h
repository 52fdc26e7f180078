#pragma once
// Overwrites memory that held a secret (an export's base64 credentials) with zeros, in a way
// the compiler may not drop as a dead store before free() or the end of a buffer's life.
#include <cstddef>

namespace vpm {

void secure_clear(void* data, std::size_t size) noexcept;

}  // namespace vpm
