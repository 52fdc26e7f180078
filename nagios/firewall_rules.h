#pragma once
// The firewall rules one machine (a role) needs for its flows, from the same target file the
// check probes: one rule per flow and direction, named after the flow, with its note as
// description. Outbound where the role starts the flow (`from`), inbound where it receives it
// (`to`); a flow from a role to itself gives both. A flow with `enabled: false` still gives its
// rule, disabled (PowerShell) or commented out (nftables), so the file stays the one source.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"
#include "vpm/port_set.h"

namespace vpm::nagios {

enum class FirewallFormat { kPowerShell, kNftables };

std::string_view to_string(FirewallFormat format);  // "powershell", "nftables"
std::optional<FirewallFormat> parse_firewall_format(std::string_view text);

enum class Direction { kOutbound, kInbound };

// One rule as plain data. Text fields are single lines: control characters of the file's text
// are replaced by spaces here, so formats only quote.
struct FirewallRule {
  std::string name;  // the flow's name
  std::string note;  // the flow's note
  Direction direction = Direction::kOutbound;
  Protocol protocol = Protocol::kTcp;
  PortSet ports;                   // remote ports outbound, local ports inbound
  std::vector<std::string> peers;  // hosts of the other end, for a comment
  bool enabled = true;
};

struct FirewallRuleSet {
  std::string role;
  std::string role_description;
  std::string source;               // the target file's name without directories
  std::vector<FirewallRule> rules;  // in file order; outbound before inbound for one flow
};

// Throws std::invalid_argument naming the role when the config does not define it.
FirewallRuleSet select_firewall_rules(const Config& config, std::string_view role);

// Windows Firewall: one New-NetFirewallRule command per rule, in group "veeam-port-monitor".
std::string format_powershell(const FirewallRuleSet& rules);
// A complete `nft -f` script: table inet veeam_port_monitor with an output and an input chain.
std::string format_nftables(const FirewallRuleSet& rules);

std::string format_firewall_rules(const FirewallRuleSet& rules, FirewallFormat format);

}  // namespace vpm::nagios
