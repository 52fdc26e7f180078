// Windows: OpenSSL is linked in statically (see openssl_runtime.h), so it is always there.
#include "vpm/openssl_runtime.h"

namespace vpm {

std::optional<std::string> openssl_load_error() { return std::nullopt; }

}  // namespace vpm
