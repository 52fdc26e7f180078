// nftables rules as a complete `nft -f` script.
#include <string>
#include <vector>

#include "firewall_rules.h"

namespace vpm::nagios {
namespace {

constexpr std::string_view kTable = "inet veeam_port_monitor";
// nft refuses longer rule comments (NFTNL_UDATA_COMMENT_MAXLEN, in bytes).
constexpr std::size_t kMaxCommentBytes = 128;

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

// A rule comment: nft's quoted strings have no escapes, so a double quote becomes a single
// one; cut to the byte limit on a character boundary, marked with "...".
std::string comment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '"') c = '\'';
  }
  if (out.size() > kMaxCommentBytes) {
    std::size_t cut = kMaxCommentBytes - 3;
    while (cut > 0 && is_utf8_continuation(out[cut])) --cut;
    out.resize(cut);
    out += "...";
  }
  return "\"" + out + "\"";
}

// "6183" or "{ 6162, 2500-3300 }"
std::string port_match(const PortSet& ports) {
  std::string items;
  for (const PortRange& range : ports.ranges()) {
    if (!items.empty()) items += ", ";
    items += std::to_string(range.first);
    if (range.last != range.first) items += "-" + std::to_string(range.last);
  }
  return ports.ranges().size() == 1 ? items : "{ " + items + " }";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string address_set(const std::vector<std::string>& addresses) {
  return addresses.size() == 1 ? addresses.front() : "{ " + join(addresses) + " }";
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

// One line per address family of the scope ("ip daddr ...", "ip6 daddr ..."), or the match
// alone when the rule is unscoped. With a local address (the flow's source, outbound) only its
// family's line remains, led by "ip saddr ADDRESS" (or ip6).
std::vector<std::string> scoped_lines(const std::vector<std::string>& addresses, bool outbound,
                                      const std::string& match, const std::string& local) {
  if (!local.empty()) {
    const std::string family = is_v6(local) ? "ip6" : "ip";
    std::vector<std::string> same_family;
    for (const std::string& address : addresses) {
      if (is_v6(address) == is_v6(local)) same_family.push_back(address);
    }
    if (addresses.empty()) return {family + " saddr " + local + " " + match};
    if (same_family.empty()) return {};
    return {family + " saddr " + local + " " + family + " daddr " + address_set(same_family) + " " +
            match};
  }
  if (addresses.empty()) return {match};
  std::vector<std::string> v4;
  std::vector<std::string> v6;
  for (const std::string& address : addresses) {
    (is_v6(address) ? v6 : v4).push_back(address);
  }
  const std::string field = outbound ? " daddr " : " saddr ";
  std::vector<std::string> lines;
  if (!v4.empty()) lines.push_back("ip" + field + address_set(v4) + " " + match);
  if (!v6.empty()) lines.push_back("ip6" + field + address_set(v6) + " " + match);
  return lines;
}

std::string chain(const FirewallRuleSet& set, Direction direction) {
  const bool outbound = direction == Direction::kOutbound;
  std::string out = outbound ? "\tchain output {\n\t\ttype filter hook output priority 0; "
                             : "\tchain input {\n\t\ttype filter hook input priority 0; ";
  out += "policy accept;\n";
  bool any = false;
  for (const FirewallRule& rule : set.rules) {
    if (rule.direction != direction) continue;
    any = true;
    out += "\n\t\t# " + rule.name + (outbound ? ": to " : ": from ") + join(rule.peers) + "\n";
    for (const std::string& line : rule.resolved) out += "\t\t#   resolved: " + line + "\n";
    if (!rule.unscoped_reason.empty()) {
      out += "\t\t#   unscoped (any address): " + rule.unscoped_reason + "\n";
    }
    std::string match = rule.protocol == Protocol::kTcp ? "tcp dport " : "udp dport ";
    match += port_match(rule.ports) + " accept comment " +
             comment(rule.note.empty() ? rule.name : rule.name + ": " + rule.note);
    const auto lines = scoped_lines(rule.addresses, outbound, match, rule.local_address);
    if (lines.empty()) {
      out += "\t\t#   no rule: no host on the other end is in the family of source " +
             rule.local_address + "\n";
    }
    for (const std::string& line : lines) {
      out +=
          rule.enabled ? "\t\t" + line + "\n" : "\t\t# disabled (enabled: false): " + line + "\n";
    }
  }
  if (!any) {
    out += outbound ? "\n\t\t# no flow starts at " + set.role + "\n"
                    : "\n\t\t# no flow ends at " + set.role + "\n";
  }
  return out + "\t}\n";
}

}  // namespace

std::string format_nftables(const FirewallRuleSet& set) {
  std::string out = "#!/usr/sbin/nft -f\n# nftables rules for the role " + set.role;
  if (!set.role_description.empty()) out += " (" + set.role_description + ")";
  out += ", from " + set.source + ".\n";
  out +=
      "# Generated by check_veeam_ports --print-firewall-rules nftables: one rule per flow and\n"
      "# direction, commented with the flow's name and note; a flow with \"enabled: false\" gives "
      "a\n"
      "# rule that is commented out. Loading this file replaces the table. An accept here does "
      "not\n"
      "# override a drop in another table: where your ruleset drops, copy these rules into it.\n"
      "# Each rule is limited to the addresses of the hosts on the other end (daddr outbound,\n"
      "# saddr inbound); host names are resolved when generating, and a rule that cannot be\n"
      "# limited says why.\n\n";
  // Creating the table before deleting it makes the delete succeed on the first load too.
  out += "table " + std::string(kTable) + "\ndelete table " + std::string(kTable) + "\n";
  out += "table " + std::string(kTable) + " {\n";
  out += chain(set, Direction::kOutbound);
  out += "\n";
  out += chain(set, Direction::kInbound);
  return out + "}\n";
}

}  // namespace vpm::nagios
