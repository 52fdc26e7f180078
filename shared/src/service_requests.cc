// The requests of the service checks, byte by byte from their specifications.
#include <array>
#include <boost/asio/ip/address.hpp>
#include <string>
#include <utility>

#include "service_messages.h"

namespace vpm {
namespace {

void put8(Bytes& out, unsigned v) { out.push_back(static_cast<std::uint8_t>(v & 0xffU)); }
void put16be(Bytes& out, unsigned v) {
  put8(out, v >> 8);
  put8(out, v);
}
void put16le(Bytes& out, unsigned v) {
  put8(out, v);
  put8(out, v >> 8);
}
void put32le(Bytes& out, std::uint32_t v) {
  put16le(out, v & 0xffffU);
  put16le(out, v >> 16);
}
void put32be(Bytes& out, std::uint32_t v) {
  put16be(out, v >> 16);
  put16be(out, v & 0xffffU);
}
void put_zeros(Bytes& out, std::size_t count) { out.insert(out.end(), count, 0); }

// A 4-byte session message header in front of `payload` (RFC 1002 4.3.6, type 0x00).
Bytes session_message(const Bytes& payload) {
  Bytes out;
  put8(out, 0x00);
  put8(out, static_cast<unsigned>(payload.size() >> 16));
  put16be(out, static_cast<unsigned>(payload.size() & 0xffffU));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// RFC 1001 14.1 first-level encoding: 16 bytes (name padded with `pad`, then `suffix`) as 32
// letters 'A'+nibble, behind the length byte 32 and before the root label.
void put_netbios_name(Bytes& out, std::string_view name, char pad, std::uint8_t suffix) {
  std::array<std::uint8_t, 16> raw{};
  raw.fill(static_cast<std::uint8_t>(pad));
  for (std::size_t i = 0; i < name.size() && i < 15; ++i)
    raw[i] = static_cast<std::uint8_t>(name[i]);
  raw[15] = suffix;
  put8(out, 32);
  for (std::uint8_t byte : raw) {
    put8(out, 'A' + (byte >> 4U));
    put8(out, 'A' + (byte & 0x0fU));
  }
  put8(out, 0);
}

// A UUID in NDR's little-endian field order (C706 Appendix A).
void put_uuid(Bytes& out, std::uint32_t time_low, unsigned time_mid, unsigned time_hi,
              const std::array<std::uint8_t, 8>& rest) {
  put32le(out, time_low);
  put16le(out, time_mid);
  put16le(out, time_hi);
  out.insert(out.end(), rest.begin(), rest.end());
}

// BER: a tag, a definite length (short or long form) and the contents.
void put_ber(Bytes& out, std::uint8_t tag, const Bytes& contents) {
  put8(out, tag);
  const std::size_t n = contents.size();
  if (n < 0x80) {
    put8(out, static_cast<unsigned>(n));
  } else if (n <= 0xff) {
    put8(out, 0x81);
    put8(out, static_cast<unsigned>(n));
  } else {
    put8(out, 0x82);
    put16be(out, static_cast<unsigned>(n));
  }
  out.insert(out.end(), contents.begin(), contents.end());
}
Bytes ber_integer(std::uint32_t v) {
  Bytes out;
  Bytes value;
  // Shortest two's complement form of a non-negative value.
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto byte = static_cast<std::uint8_t>((v >> static_cast<unsigned>(shift)) & 0xffU);
    if (value.empty() && byte == 0 && shift > 0) continue;
    if (value.empty() && (byte & 0x80U) != 0) value.push_back(0);
    value.push_back(byte);
  }
  put_ber(out, 0x02, value);
  return out;
}
void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

}  // namespace

Bytes smb2_negotiate_request() {
  Bytes smb;
  // SMB2 header, MS-SMB2 2.2.1.2 (sync).
  put8(smb, 0xfe);
  put8(smb, 'S');
  put8(smb, 'M');
  put8(smb, 'B');
  put16le(smb, 64);    // StructureSize
  put16le(smb, 0);     // CreditCharge
  put32le(smb, 0);     // Status / ChannelSequence
  put16le(smb, 0);     // Command: NEGOTIATE
  put16le(smb, 1);     // CreditRequest
  put32le(smb, 0);     // Flags
  put32le(smb, 0);     // NextCommand
  put_zeros(smb, 8);   // MessageId 0
  put32le(smb, 0);     // Reserved (ProcessId)
  put32le(smb, 0);     // TreeId
  put_zeros(smb, 8);   // SessionId
  put_zeros(smb, 16);  // Signature
  // NEGOTIATE request, MS-SMB2 2.2.3.
  constexpr std::array<unsigned, 5> kDialects{0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
  put16le(smb, 36);  // StructureSize
  put16le(smb, kDialects.size());
  put16le(smb, 0x0001);  // SecurityMode: signing enabled
  put16le(smb, 0);       // Reserved
  put32le(smb, 0);       // Capabilities
  constexpr std::array<std::uint8_t, 16> kClientGuid{'v', 'e', 'e', 'a', 'm', '-', 'p', 'o',
                                                     'r', 't', '-', 'm', 'o', 'n', '0', '1'};
  smb.insert(smb.end(), kClientGuid.begin(), kClientGuid.end());
  // With 3.1.1 offered, ClientStartTime is NegotiateContextOffset (from the SMB2 header, 8-byte
  // aligned), NegotiateContextCount and Reserved2; the contexts follow the dialects.
  const std::size_t offset_at = smb.size();
  put32le(smb, 0);  // NegotiateContextOffset, set below
  put16le(smb, 2);  // NegotiateContextCount
  put16le(smb, 0);  // Reserved2
  for (unsigned dialect : kDialects) put16le(smb, dialect);
  put_zeros(smb, (8 - smb.size() % 8) % 8);
  const auto offset = static_cast<std::uint32_t>(smb.size());
  for (std::size_t i = 0; i < 4; ++i) {
    smb[offset_at + i] = static_cast<std::uint8_t>((offset >> (8 * i)) & 0xffU);
  }
  // 2.2.3.1.1 SMB2_PREAUTH_INTEGRITY_CAPABILITIES: SHA-512 and a salt. The salt only feeds the
  // preauthentication hash of a session setup, which a probe never starts: a fixed one will do.
  constexpr std::size_t kSaltBytes = 32;
  put16le(smb, 0x0001);                  // ContextType
  put16le(smb, 2 + 2 + 2 + kSaltBytes);  // DataLength
  put32le(smb, 0);                       // Reserved
  put16le(smb, 1);                       // HashAlgorithmCount
  put16le(smb, kSaltBytes);              // SaltLength
  put16le(smb, 0x0001);                  // SHA-512
  for (std::size_t i = 0; i < kSaltBytes; ++i) put8(smb, static_cast<unsigned>(0x5a ^ i));
  put_zeros(smb, (8 - smb.size() % 8) % 8);  // each context starts 8-byte aligned
  // 2.2.3.1.2 SMB2_ENCRYPTION_CAPABILITIES: the ciphers, preferred first.
  constexpr std::array<unsigned, 4> kCiphers{0x0004, 0x0002, 0x0003, 0x0001};  // AES-256-GCM..
  put16le(smb, 0x0002);                                                        // ContextType
  put16le(smb, 2 + 2 * kCiphers.size());                                       // DataLength
  put32le(smb, 0);                                                             // Reserved
  put16le(smb, kCiphers.size());                                               // CipherCount
  for (unsigned cipher : kCiphers) put16le(smb, cipher);
  return session_message(smb);
}

Bytes smb1_negotiate_request() {
  Bytes smb;
  put8(smb, 0xff);
  put8(smb, 'S');
  put8(smb, 'M');
  put8(smb, 'B');
  put8(smb, 0x72);       // Command: SMB_COM_NEGOTIATE
  put32le(smb, 0);       // Status
  put8(smb, 0x18);       // Flags: case insensitive, canonicalized paths
  put16le(smb, 0xc801);  // Flags2: Unicode, NT status, extended security, long names
  put16le(smb, 0);       // PIDHigh
  put_zeros(smb, 8);     // SecurityFeatures
  put16le(smb, 0);       // Reserved
  put16le(smb, 0xffff);  // TID: none yet
  put16le(smb, 0xfeff);  // PIDLow
  put16le(smb, 0);       // UID
  put16le(smb, 0);       // MID
  put8(smb, 0);          // WordCount
  const std::string_view dialect = "NT LM 0.12";
  put16le(smb, static_cast<unsigned>(1 + dialect.size() + 1));  // ByteCount
  put8(smb, 0x02);                                              // BufferFormat: dialect string
  smb.insert(smb.end(), dialect.begin(), dialect.end());
  put8(smb, 0);
  return session_message(smb);
}

Bytes netbios_session_request() {
  Bytes names;
  put_netbios_name(names, "*SMBSERVER", ' ', 0x20);    // called: the file server service
  put_netbios_name(names, "VEEAMPORTMON", ' ', 0x00);  // calling: a workstation name
  Bytes out;
  put8(out, 0x81);  // SESSION REQUEST
  put8(out, 0x00);
  put16be(out, static_cast<unsigned>(names.size()));
  append(out, names);
  return out;
}

Bytes msrpc_epm_bind_request(std::uint32_t call_id) {
  Bytes body;
  put16le(body, 4280);  // max_xmit_frag
  put16le(body, 4280);  // max_recv_frag
  put32le(body, 0);     // assoc_group_id: a new association
  put8(body, 1);        // n_context_elem
  put8(body, 0);
  put16le(body, 0);
  put16le(body, 0);  // p_cont_id
  put8(body, 1);     // n_transfer_syn
  put8(body, 0);
  // abstract syntax: the endpoint mapper, version 3.0
  put_uuid(body, 0xe1af8308, 0x5d1f, 0x11c9, {0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa});
  put16le(body, 3);
  put16le(body, 0);
  // transfer syntax: NDR 8a885d04-1ceb-11c9-9fe8-08002b104860 version 2
  put_uuid(body, 0x8a885d04, 0x1ceb, 0x11c9, {0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60});
  put32le(body, 2);

  Bytes out;
  put8(out, 5);     // rpc_vers
  put8(out, 0);     // rpc_vers_minor
  put8(out, 11);    // PTYPE bind
  put8(out, 0x03);  // PFC_FIRST_FRAG | PFC_LAST_FRAG
  put8(out, 0x10);  // packed_drep: little-endian integers, ASCII, IEEE floats
  put8(out, 0);
  put8(out, 0);
  put8(out, 0);
  put16le(out, static_cast<unsigned>(16 + body.size()));  // frag_length
  put16le(out, 0);                                        // auth_length
  put32le(out, call_id);
  append(out, body);
  return out;
}

Bytes ldap_rootdse_request(std::uint32_t message_id) {
  Bytes search;
  put_ber(search, 0x04, {});       // baseObject ""
  put_ber(search, 0x0a, {0x00});   // scope baseObject
  put_ber(search, 0x0a, {0x00});   // derefAliases neverDerefAliases
  append(search, ber_integer(0));  // sizeLimit
  append(search, ber_integer(0));  // timeLimit
  put_ber(search, 0x01, {0x00});   // typesOnly FALSE
  const std::string_view object_class = "objectClass";
  put_ber(search, 0x87, Bytes(object_class.begin(), object_class.end()));  // present [7]
  put_ber(search, 0x30, {});  // attributes: none named, so all user attributes
  Bytes message = ber_integer(message_id);
  put_ber(message, 0x63, search);  // [APPLICATION 3] SearchRequest
  Bytes out;
  put_ber(out, 0x30, message);
  return out;
}

Bytes iscsi_discovery_login_request(std::uint32_t initiator_task_tag) {
  using std::string_view_literals::operator""sv;
  // Each key=value ends with a NUL (RFC 7143 6.1); "sv" keeps the embedded ones.
  const std::string_view data =
      "InitiatorName=iqn.2024-01.invalid.veeam-port-monitor:probe\0"
      "SessionType=Discovery\0"
      "AuthMethod=None\0"
      "HeaderDigest=None\0"
      "DataDigest=None\0"sv;
  Bytes out;
  put8(out, 0x40 | 0x03);             // I (immediate) | opcode Login Request
  put8(out, 0x80 | (0U << 2U) | 1U);  // T (transit) | CSG security negotiation | NSG operational
  put8(out, 0x00);                    // Version-max
  put8(out, 0x00);                    // Version-min
  put8(out, 0);                       // TotalAHSLength
  put8(out, static_cast<unsigned>(data.size() >> 16));  // DataSegmentLength, 24 bits
  put16be(out, static_cast<unsigned>(data.size() & 0xffffU));
  // ISID: type 0x40 (IANA enterprise number format), then a qualifier.
  const std::array<std::uint8_t, 6> isid{0x40, 0x00, 0x01, 0x37, 0x00, 0x01};
  out.insert(out.end(), isid.begin(), isid.end());
  put16be(out, 0);  // TSIH: a new session
  put32be(out, initiator_task_tag);
  put16be(out, 0);  // CID
  put16be(out, 0);  // reserved
  put32be(out, 0);  // CmdSN
  put32be(out, 0);  // ExpStatSN
  put_zeros(out, 16);
  out.insert(out.end(), data.begin(), data.end());
  while (out.size() % 4 != 0) out.push_back(0);  // padded to a 4-byte boundary
  return out;
}

std::string http_host_header(std::string_view host, std::uint16_t port) {
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(host), ec);
  std::string text = !ec && address.is_v6() ? "[" + std::string(host) + "]" : std::string(host);
  if (port != 80) text += ":" + std::to_string(port);
  return text;
}

std::string http_get_request(std::string_view path, std::string_view host_header) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: " + std::string(host_header) +
         "\r\nUser-Agent: veeam-port-monitor\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

Bytes nbns_node_status_request(std::uint16_t transaction_id) {
  Bytes out;
  put16be(out, transaction_id);
  put16be(out, 0x0000);  // opcode query, no flags
  put16be(out, 1);       // QDCOUNT
  put16be(out, 0);
  put16be(out, 0);
  put16be(out, 0);
  put_netbios_name(out, "*", '\0', 0x00);
  put16be(out, 0x0021);  // NBSTAT
  put16be(out, 0x0001);  // IN
  return out;
}

}  // namespace vpm
