#pragma once
// The host and port spellings of a Veeam Agent export: ServerName, ServerPort and the
// "host:port" entries of a Cloud Connect GateList.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/veeam_export.h"

namespace vpm {

// A TCP port, 1-65535, decimal digits only.
std::optional<std::uint16_t> parse_port(std::string_view text);

// A host name or FQDN (letters, digits, '.', '-', '_'), an IPv4 address or an IPv6 literal
// without brackets (hex digits, ':', '.', and a "%zone"). Rejects blanks, slashes, ports.
bool is_host(std::string_view text);

// "host", "host:port", "[v6]", "[v6]:port"; a bare IPv6 literal (two or more ':') is a host
// without a port. nullopt with `why` set when the entry is none of these.
std::optional<VeeamEndpoint> parse_gateway(std::string_view entry, std::string& why);

// A GateList written as one string: entries separated by ';', ',' or blanks.
std::vector<std::string_view> split_gate_list(std::string_view text);

}  // namespace vpm
