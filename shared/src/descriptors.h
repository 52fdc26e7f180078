#pragma once
// Whether a socket could not be made for want of descriptors (EMFILE, ENFILE) or buffers. Such a
// probe says nothing about the port: ProbeRunner runs it again once a probe in flight ends.
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

namespace vpm {

inline bool out_of_descriptors(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == boost::asio::error::no_buffer_space;
}

}  // namespace vpm
