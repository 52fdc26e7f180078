#pragma once
// The local address a flow's probes leave from (`source:` in the target file, --source in the
// check's ad-hoc mode): a backup network's address instead of the default route's.
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace vpm {

// The address `text` names when it can be a source (an IPv4 or IPv6 literal, not unspecified
// nor multicast); nullopt with `problem` set to why not ("\"eth1\" is not an IP address").
std::optional<boost::asio::ip::address> parse_source_address(std::string_view text,
                                                             std::string* problem);

// How every surface words a failed bind: "cannot bind 203.0.113.77: Cannot assign requested
// address" (the system's words after the colon).
std::string bind_failure(const boost::asio::ip::address& source, const std::string& system_words);

// Empty when this machine can send from `source` now (a socket binds to it), else
// bind_failure's text. Asked once per run: an address may come and go with its interface.
std::string source_bind_problem(const boost::asio::ip::address& source);

// Empty when a probe from `source` to `target` can be made, else why not (different families).
std::string source_family_problem(const boost::asio::ip::address& source,
                                  const boost::asio::ip::address& target);

}  // namespace vpm
