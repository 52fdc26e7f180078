#include "udp_payloads.h"

#include "service_messages.h"

namespace vpm {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

// RFC 1035: a standard query for the root's NS records.
std::vector<std::uint8_t> dns_root_ns_query(std::uint16_t id) {
  std::vector<std::uint8_t> out;
  put16(out, id);
  put16(out, 0x0100);  // RD
  put16(out, 1);
  put16(out, 0);
  put16(out, 0);
  put16(out, 0);
  out.push_back(0);  // root name
  put16(out, 2);     // NS
  put16(out, 1);     // IN
  return out;
}

// RFC 5905: a 48-byte client request (LI 0, version 4, mode 3).
std::vector<std::uint8_t> ntp_client_request() {
  std::vector<std::uint8_t> out(48, 0);
  out[0] = 0x23;
  return out;
}

}  // namespace

std::vector<std::uint8_t> udp_payload_for(Port port, std::uint16_t transaction_id) {
  switch (port) {
    case 137:
      return nbns_node_status_request(transaction_id);
    case 53:
      return dns_root_ns_query(transaction_id);
    case 123:
      return ntp_client_request();
    default:
      return {};
  }
}

}  // namespace vpm
