#pragma once
// The part of classifying a socket error that Asio already makes portable. Each OS seam asks
// this first and then looks at its own error codes.
#include <boost/system/error_code.hpp>
#include <optional>

#include "vpm/port_result.h"

namespace vpm::os {

// refused, unreachable or filtered for Asio's portable error values; nullopt for the rest.
std::optional<PortState> classify_portable_socket_error(const boost::system::error_code& ec);

}  // namespace vpm::os
