// Spellings of the enums in the target file, in messages and in metrics labels.
#include <initializer_list>

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

const Role* Config::find_role(std::string_view name) const {
  for (const Role& role : roles) {
    if (role.name == name) return &role;
  }
  return nullptr;
}

}  // namespace vpm
