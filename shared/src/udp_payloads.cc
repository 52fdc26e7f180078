#include "udp_payloads.h"

namespace vpm {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

// RFC 1002 4.2.17 NODE STATUS REQUEST for the wildcard name "*": every Windows host with
// NetBIOS over TCP/IP answers it with its name table.
std::vector<std::uint8_t> nbns_node_status(std::uint16_t id) {
  std::vector<std::uint8_t> out;
  put16(out, id);
  put16(out, 0x0000);  // opcode query, no flags
  put16(out, 1);       // QDCOUNT
  put16(out, 0);
  put16(out, 0);
  put16(out, 0);
  out.push_back(32);  // first-level encoded name: 16 bytes -> 32 letters
  const std::uint8_t name[16] = {'*'};
  for (std::uint8_t byte : name) {
    out.push_back(static_cast<std::uint8_t>('A' + (byte >> 4)));
    out.push_back(static_cast<std::uint8_t>('A' + (byte & 0x0f)));
  }
  out.push_back(0);
  put16(out, 0x0021);  // NBSTAT
  put16(out, 0x0001);  // IN
  return out;
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
      return nbns_node_status(transaction_id);
    case 53:
      return dns_root_ns_query(transaction_id);
    case 123:
      return ntp_client_request();
    default:
      return {};
  }
}

}  // namespace vpm
