#include "secure_clear.h"

#if defined(_WIN32)
#include <windows.h>
#elif defined(__GLIBC__)
#include <string.h>  // explicit_bzero (glibc 2.25+)
#endif

namespace vpm {

void secure_clear(void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return;
#if defined(_WIN32)
  SecureZeroMemory(data, size);
#elif defined(__GLIBC__)
  explicit_bzero(data, size);
#else
  // Volatile stores: each one is an observable side effect the optimiser must keep.
  volatile unsigned char* bytes = static_cast<volatile unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = 0;
#endif
}

}  // namespace vpm
