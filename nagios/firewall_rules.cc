// Which rules a role needs: the flows it starts and the flows it receives.
#include "firewall_rules.h"

#include <filesystem>
#include <initializer_list>

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

}  // namespace

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

FirewallRuleSet select_firewall_rules(const Config& config, std::string_view role) {
  const Role& selected = require_role(config, role);
  FirewallRuleSet set;
  set.role = selected.name;
  set.role_description = one_line(selected.description);
  set.source = std::filesystem::path(config.source).filename().string();
  for (const Flow& flow : config.flows) {
    const auto add = [&](Direction direction, const std::vector<std::string>& peers) {
      set.rules.push_back(FirewallRule{one_line(flow.name), one_line(flow.note), direction,
                                       flow.protocol, flow.ports, one_line_each(peers),
                                       flow.enabled});
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
