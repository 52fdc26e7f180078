// Spellings of the enums in the target file, in messages and in metrics labels.
#include <array>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include "vpm/config.h"

namespace vpm {

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::kTcp:
      return "tcp";
    case Protocol::kUdp:
      return "udp";
  }
  return "unknown";
}

std::string_view to_string(Expectation e) {
  switch (e) {
    case Expectation::kOpen:
      return "open";
    case Expectation::kReachable:
      return "reachable";
    case Expectation::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "critical";
    case Severity::kWarning:
      return "warning";
  }
  return "unknown";
}

std::optional<Protocol> parse_protocol(std::string_view text) {
  for (Protocol p : {Protocol::kTcp, Protocol::kUdp}) {
    if (text == to_string(p)) return p;
  }
  return std::nullopt;
}

std::optional<Expectation> parse_expectation(std::string_view text) {
  for (Expectation e : {Expectation::kOpen, Expectation::kReachable, Expectation::kClosed}) {
    if (text == to_string(e)) return e;
  }
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::kCritical, Severity::kWarning}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

std::string_view to_string(CheckKind k) {
  switch (k) {
    case CheckKind::kConnect:
      return "connect";
    case CheckKind::kTls:
      return "tls";
    case CheckKind::kSmtp:
      return "smtp";
    case CheckKind::kLdap:
      return "ldap";
    case CheckKind::kSmb:
      return "smb";
    case CheckKind::kMsrpc:
      return "msrpc";
    case CheckKind::kNbns:
      return "nbns";
    case CheckKind::kIscsi:
      return "iscsi";
    case CheckKind::kHttp:
      return "http";
  }
  return "unknown";
}

std::optional<CheckKind> parse_check_kind(std::string_view text) {
  for (CheckKind k :
       {CheckKind::kConnect, CheckKind::kTls, CheckKind::kSmtp, CheckKind::kLdap, CheckKind::kSmb,
        CheckKind::kMsrpc, CheckKind::kNbns, CheckKind::kIscsi, CheckKind::kHttp}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

bool check_fits_protocol(CheckKind k, Protocol p) {
  if (k == CheckKind::kConnect) return true;
  if (k == CheckKind::kNbns) return p == Protocol::kUdp;
  return p == Protocol::kTcp;
}

namespace {
constexpr std::array<std::pair<std::uint16_t, std::string_view>, 5> kSmbDialects{
    {{0x0202, "2.0.2"}, {0x0210, "2.1"}, {0x0300, "3.0"}, {0x0302, "3.0.2"}, {0x0311, "3.1.1"}}};
}  // namespace

std::string smb_dialect_name(std::uint16_t dialect) {
  for (const auto& [number, name] : kSmbDialects) {
    if (number == dialect) return std::string(name);
  }
  if (dialect == 0x02ff) return "2.???";  // the wildcard of a multi-protocol negotiate
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%04x", static_cast<unsigned>(dialect));
  return hex;
}

std::optional<std::uint16_t> parse_smb_dialect(std::string_view text) {
  for (const auto& [number, name] : kSmbDialects) {
    if (name == text) return number;
  }
  return std::nullopt;
}

std::string_view smb_dialect_choices() { return "2.0.2, 2.1, 3.0, 3.0.2 or 3.1.1"; }

const Role* Config::find_role(std::string_view name) const {
  for (const Role& role : roles) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

}  // namespace vpm
