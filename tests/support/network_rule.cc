#include "support/network_rule.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace vpm::test {

bool is_loopback_literal(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    for (std::size_t i = 0; i < sizeof v6.s6_addr; ++i) {
      if (v6.s6_addr[i] != loopback.s6_addr[i]) return false;
    }
    return true;
  }
  return false;
}

std::vector<std::string> hosts_beyond_loopback(const Config& config, std::string_view role) {
  std::vector<std::string> beyond;
  for (const Flow& flow : config.flows) {
    if (!flow.enabled || (!role.empty() && flow.from != role)) continue;
    const Role* to = config.find_role(flow.to);
    if (to == nullptr) continue;
    for (const std::string& host : to->hosts) {
      if (!is_loopback_literal(host)) beyond.push_back(flow.name + ": " + host);
    }
  }
  return beyond;
}

}  // namespace vpm::test
