#pragma once
// The project's network rule, for tests to check before they run anything: tests and the
// shipped config reach 127.0.0.0/8 and ::1 only, by IP literal (no name lookups either).
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"

namespace vpm::test {

// True for an IPv4 literal in 127.0.0.0/8 and for the IPv6 literal ::1 (any spelling).
bool is_loopback_literal(const std::string& host);

// The hosts that the enabled flows starting at `role` (every role when empty) would probe and
// that are not loopback literals, as "flow: host". Empty when the run is safe.
std::vector<std::string> hosts_beyond_loopback(const Config& config, std::string_view role);

}  // namespace vpm::test
