#pragma once
// The firewall rules one machine (a role) needs for its flows, from the same target file the
// check probes: one rule per flow and direction, named after the flow, with its note as
// description. Outbound where the role starts the flow (`from`), inbound where it receives it
// (`to`); a flow from a role to itself gives both. A flow with `enabled: false` still gives its
// rule, disabled (PowerShell) or commented out (nftables), so the file stays the one source.
#include <functional>
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
  // The rule's scope: the addresses of `peers` (remote addresses outbound, source addresses
  // inbound). Empty with `unscoped_reason` set when the rule cannot be scoped: it then allows any
  // address, and the formats say why in a comment.
  std::vector<std::string> addresses;
  std::string unscoped_reason;
  std::vector<std::string> resolved;  // "vbr01 -> 192.0.2.5, 2001:db8::5", for a comment
  // Outbound: the flow's `source`, the local address its traffic leaves from; empty: any.
  std::string local_address;
};

// The addresses a host of a role stands for in a rule, or why there are none.
struct HostAddresses {
  std::vector<std::string> addresses;  // IP literals
  std::string error;
};
using AddressLookup = std::function<HostAddresses(const std::string& host)>;
// IP literals as they are; a host name is not looked up (the error says so). For tests.
HostAddresses literal_addresses(const std::string& host);
// IP literals as they are; host names through the system's resolver (every address it gives).
HostAddresses resolved_addresses(const std::string& host);

struct FirewallRuleSet {
  std::string role;
  std::string role_description;
  std::string source;               // the target file's name without directories
  std::vector<FirewallRule> rules;  // in file order; outbound before inbound for one flow
};

// Throws std::invalid_argument naming the role when the config does not define it. Host names
// of enabled rules are looked up with `lookup` (a disabled rule's are not: its hosts are often
// Internet services nobody asked to reach yet).
FirewallRuleSet select_firewall_rules(const Config& config, std::string_view role,
                                      const AddressLookup& lookup);

// Windows Firewall: one New-NetFirewallRule command per rule, in group "veeam-port-monitor".
std::string format_powershell(const FirewallRuleSet& rules);
// A complete `nft -f` script: table inet veeam_port_monitor with an output and an input chain.
std::string format_nftables(const FirewallRuleSet& rules);

std::string format_firewall_rules(const FirewallRuleSet& rules, FirewallFormat format);

}  // namespace vpm::nagios
