#include "vpm/probe.h"

namespace vpm {

ProbeFn probe_for(CheckKind check, Protocol protocol) {
  switch (check) {
    case CheckKind::kConnect:
      break;
    case CheckKind::kTls:
      return &probe_tls;
    case CheckKind::kSmtp:
      return &probe_smtp;
    case CheckKind::kLdap:
      return &probe_ldap;
    case CheckKind::kSmb:
      return &probe_smb;
    case CheckKind::kMsrpc:
      return &probe_msrpc;
    case CheckKind::kNbns:
      return &probe_nbns;
    case CheckKind::kIscsi:
      return &probe_iscsi;
    case CheckKind::kHttp:
      return &probe_http;
  }
  return protocol == Protocol::kUdp ? &probe_udp : &probe_tcp_connect;
}

}  // namespace vpm
