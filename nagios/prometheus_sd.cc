#include "prometheus_sd.h"

#include <cstdio>

#include "vpm/plan.h"

namespace vpm::nagios {
namespace {

// A JSON string. Host and role names hold no control characters (the loader refuses them), but
// quotes and backslashes are escaped all the same, and anything below 0x20 as \u00XX.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// "host:port"; an IPv6 literal (it has a colon) in brackets, as Prometheus's targets need.
std::string target(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

std::string format_prometheus_sd(const Config& config, std::string_view role, std::uint16_t port) {
  const Role& selected = require_role(config, role);
  std::string out = "[\n  {\n    \"targets\": [";
  for (std::size_t i = 0; i < selected.hosts.size(); ++i) {
    out += (i == 0 ? "\n      " : ",\n      ") + json_string(target(selected.hosts[i], port));
  }
  out += "\n    ],\n    \"labels\": {\"role\": " + json_string(selected.name) + "}\n  }\n]\n";
  return out;
}

}  // namespace vpm::nagios
