#include "vpm/source_address.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "vpm/os_seam.h"
#include "vpm/quoted.h"

namespace vpm {

std::optional<boost::asio::ip::address> parse_source_address(std::string_view text,
                                                             std::string* problem) {
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) {
    *problem = quoted(text) + " is not an IP address (give the IPv4 or IPv6 address of this " +
               "machine the probes leave from)";
    return std::nullopt;
  }
  if (address.is_unspecified()) {
    *problem = quoted(text) + " is the unspecified address (leave source out to let the " +
               "routing table choose)";
    return std::nullopt;
  }
  if (address.is_multicast()) {
    *problem = quoted(text) + " is a multicast address, not one a probe can leave from";
    return std::nullopt;
  }
  return address;
}

std::string bind_failure(const boost::asio::ip::address& source, const std::string& system_words) {
  return "cannot bind " + source.to_string() + ": " + system_words;
}

std::string source_bind_problem(const boost::asio::ip::address& source) {
  // A TCP socket bound to port 0 and closed asks the system the same question a probe's bind
  // would, sending nothing. (TCP: Wine emulates a UDP socket's bind to an address with its
  // interface, and would say yes to any address.)
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.open(source.is_v4() ? boost::asio::ip::tcp::v4() : boost::asio::ip::tcp::v6(), ec);
  if (!ec) ec = os::bind_source(socket.native_handle(), source);
  return ec ? bind_failure(source, ec.message()) : std::string();
}

std::string source_family_problem(const boost::asio::ip::address& source,
                                  const boost::asio::ip::address& target) {
  if (source.is_v4() == target.is_v4()) return {};
  const auto family = [](const boost::asio::ip::address& a) { return a.is_v4() ? "IPv4" : "IPv6"; };
  return "source " + source.to_string() + " is " + family(source) + ", the target " +
         target.to_string() + " is " + family(target);
}

}  // namespace vpm
