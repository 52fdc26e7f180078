#include "socket_errors.h"

#include <boost/asio/error.hpp>

namespace vpm::os {

std::optional<PortState> classify_portable_socket_error(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::connection_refused) return PortState::kRefused;
  if (ec == error::host_unreachable || ec == error::network_unreachable ||
      ec == error::access_denied) {
    return PortState::kUnreachable;
  }
  if (ec == error::timed_out) return PortState::kFiltered;
  return std::nullopt;
}

}  // namespace vpm::os
