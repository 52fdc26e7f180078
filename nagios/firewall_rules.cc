// Which rules a role needs: the flows it starts and the flows it receives.
#include "firewall_rules.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "vpm/plan.h"

namespace vpm::nagios {
namespace {

// A YAML string may hold newlines and tabs; a rule's name or comment must stay on one line.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

std::vector<std::string> one_line_each(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const std::string& text : texts) out.push_back(one_line(text));
  return out;
}

std::optional<std::string> as_literal(const std::string& host) {
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return address.to_string();
}

void add_unique(std::vector<std::string>& to, const std::string& item) {
  if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

// Fills the rule's scope from its peers, or says why it stays unscoped. One host that cannot be
// scoped leaves the whole rule unscoped: scoping to the others would block that host.
void scope(FirewallRule& rule, const AddressLookup& lookup) {
  if (rule.peers.empty()) {
    rule.unscoped_reason = "the role on the other end has no hosts";
    return;
  }
  for (const std::string& host : rule.peers) {
    if (std::optional<std::string> literal = as_literal(host)) {
      add_unique(rule.addresses, *literal);
      continue;
    }
    if (!rule.enabled) {
      rule.unscoped_reason = host + " is a host name, looked up only for enabled flows";
      break;
    }
    const HostAddresses found = lookup(host);
    if (found.addresses.empty()) {
      rule.unscoped_reason = host + " did not resolve when these rules were generated (" +
                             (found.error.empty() ? "no address" : found.error) + ")";
      break;
    }
    std::string line = host + " -> ";
    for (std::size_t i = 0; i < found.addresses.size(); ++i) {
      add_unique(rule.addresses, found.addresses[i]);
      line += (i == 0 ? "" : ", ") + found.addresses[i];
    }
    rule.resolved.push_back(one_line(line));
  }
  if (!rule.unscoped_reason.empty()) {
    rule.unscoped_reason = one_line(rule.unscoped_reason);
    rule.addresses.clear();
    rule.resolved.clear();
  }
}

}  // namespace

HostAddresses literal_addresses(const std::string& host) {
  if (std::optional<std::string> literal = as_literal(host)) return {{*literal}, {}};
  return {{}, "a host name, not looked up"};
}

HostAddresses resolved_addresses(const std::string& host) {
  if (std::optional<std::string> literal = as_literal(host)) return {{*literal}, {}};
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, "", ec);
  if (ec) return {{}, ec.message()};
  HostAddresses found;
  for (const auto& entry : results)
    add_unique(found.addresses, entry.endpoint().address().to_string());
  return found;
}

std::string_view to_string(FirewallFormat format) {
  switch (format) {
    case FirewallFormat::kPowerShell:
      return "powershell";
    case FirewallFormat::kNftables:
      return "nftables";
  }
  return "unknown";
}

std::optional<FirewallFormat> parse_firewall_format(std::string_view text) {
  for (FirewallFormat format : {FirewallFormat::kPowerShell, FirewallFormat::kNftables}) {
    if (text == to_string(format)) return format;
  }
  return std::nullopt;
}

FirewallRuleSet select_firewall_rules(const Config& config, std::string_view role,
                                      const AddressLookup& lookup) {
  const Role& selected = require_role(config, role);
  FirewallRuleSet set;
  set.role = selected.name;
  set.role_description = one_line(selected.description);
  set.source = std::filesystem::path(config.source).filename().string();
  for (const Flow& flow : config.flows) {
    const auto add = [&](Direction direction, const std::vector<std::string>& peers) {
      FirewallRule rule{one_line(flow.name),
                        one_line(flow.note),
                        direction,
                        flow.protocol,
                        flow.ports,
                        one_line_each(peers),
                        flow.enabled,
                        {},
                        {},
                        {},
                        direction == Direction::kOutbound ? flow.source : std::string()};
      scope(rule, lookup);
      set.rules.push_back(std::move(rule));
    };
    // Outbound goes to the hosts the flow probes; inbound comes from its `from` role's hosts.
    if (flow.from == selected.name) add(Direction::kOutbound, flow_hosts(config, flow));
    if (flow.to == selected.name) {
      const Role* from = config.find_role(flow.from);
      add(Direction::kInbound, from != nullptr ? from->hosts : std::vector<std::string>{});
    }
  }
  return set;
}

std::string format_firewall_rules(const FirewallRuleSet& rules, FirewallFormat format) {
  switch (format) {
    case FirewallFormat::kPowerShell:
      return format_powershell(rules);
    case FirewallFormat::kNftables:
      return format_nftables(rules);
  }
  return {};
}

}  // namespace vpm::nagios
