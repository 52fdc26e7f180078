#pragma once
// The bytes the service checks send, and pure parsers for what comes back. No sockets here: each
// parser looks at the bytes received so far and says whether more are needed, the reply is
// complete, or it is not the service expected, so they can be unit-tested and fuzzed alone.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"  // smb_dialect_name

namespace vpm {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// What a parser makes of the bytes received so far.
struct Frame {
  enum class Status { kNeedMore, kComplete, kWrong };
  Status status = Status::kNeedMore;
  std::size_t size = 0;  // kComplete: how many bytes the reply (or the part we need) takes
  std::string reason;    // kWrong: what came instead ("got 'HTTP/1.1 400 Bad Request'")

  static Frame need_more() { return {}; }
  static Frame complete(std::size_t bytes) { return {Status::kComplete, bytes, {}}; }
  static Frame wrong(std::string why) { return {Status::kWrong, 0, std::move(why)}; }
  bool is_complete() const { return status == Status::kComplete; }
};

// "'HTTP/1.1 400 Bad Request'" for text (its first line, cut), "bytes 16 03 01 00 2a" otherwise.
std::string describe_bytes(ByteView bytes);
inline std::string got(ByteView bytes) { return "got " + describe_bytes(bytes); }

// --- Requests -------------------------------------------------------------------------------

// MS-SMB2 2.2.3 NEGOTIATE offering dialects 2.0.2, 2.1, 3.0 and 3.0.2, behind the 4-byte
// header of RFC 1002 4.3.6 / MS-SMB2 2.1 (direct TCP: a zero byte and a 24-bit length).
Bytes smb2_negotiate_request();
// MS-CIFS 2.2.4.52.1 SMB_COM_NEGOTIATE offering the one SMB1 dialect "NT LM 0.12": asked only
// of a server that closed on the SMB2 NEGOTIATE, to tell an SMB1-only server from the rest.
Bytes smb1_negotiate_request();
// RFC 1002 4.3.2 SESSION REQUEST for called name "*SMBSERVER" (any server answers to it).
Bytes netbios_session_request();
// C706 12.6.4.3 bind to the endpoint mapper e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0, NDR.
Bytes msrpc_epm_bind_request(std::uint32_t call_id);
// RFC 4511 4.5.1 SearchRequest: base "", scope baseObject, filter (objectClass=*): the rootDSE.
Bytes ldap_rootdse_request(std::uint32_t message_id);
// RFC 7143 11.12 Login Request opening a discovery session without authentication.
Bytes iscsi_discovery_login_request(std::uint32_t initiator_task_tag);
// RFC 9112 GET with Host, asking the server to close afterwards.
std::string http_get_request(std::string_view path, std::string_view host_header);
// The Host header for a target: names as they are, IPv6 literals in brackets; the port is
// added unless it is 80.
std::string http_host_header(std::string_view host, std::uint16_t port);
// RFC 1002 4.2.17 NODE STATUS REQUEST for the wildcard name "*".
Bytes nbns_node_status_request(std::uint16_t transaction_id);

// --- Replies --------------------------------------------------------------------------------

// An SMB2 NEGOTIATE response (MS-SMB2 2.2.4) after the 4-byte session header. Complete once the
// header and the dialect are in (the rest, security blob included, is not needed), except for
// 3.1.1, whose whole message is read to check its negotiate contexts (2.2.4.1): one must be the
// preauthentication integrity context with SHA-512. An SMB1 reply (0xFF 'S' 'M' 'B') is
// complete at its protocol id: a server that answers an SMB2 NEGOTIATE in SMB1 has no SMB2.
struct SmbNegotiateReply {
  Frame frame;
  bool smb1 = false;                     // the reply was SMB1
  std::uint32_t status = 0;              // NTSTATUS of the response
  std::optional<std::uint16_t> dialect;  // DialectRevision when the negotiate succeeded
  std::uint16_t cipher = 0;              // 3.1.1: the encryption cipher chosen, 0 for none
};
SmbNegotiateReply parse_smb2_negotiate_reply(ByteView bytes);

// RFC 1002 4.3.3-4.3.5: positive (0x82), negative (0x83, with an error code) or retarget (0x84).
struct NetbiosSessionReply {
  Frame frame;
  bool positive = false;
  std::uint8_t error = 0;  // negative response: 0x80-0x8f
};
NetbiosSessionReply parse_netbios_session_reply(ByteView bytes);

// C706 12.6.4.4/12.6.4.5: bind_ack or bind_nak. Complete with the 16-byte common header.
struct MsrpcBindReply {
  Frame frame;
  bool ack = false;  // bind_ack; false: bind_nak
};
MsrpcBindReply parse_msrpc_bind_reply(ByteView bytes);

// RFC 4511 4.1.1 LDAPMessage: complete once the protocolOp is known and, for responses that
// carry an LDAPResult, its resultCode.
struct LdapReply {
  Frame frame;
  std::uint8_t operation = 0;           // the [APPLICATION n] tag number: 4 entry, 5 done...
  std::optional<unsigned> result_code;  // LDAPResult.resultCode where the operation has one
};
LdapReply parse_ldap_reply(ByteView bytes);

// RFC 7143 11.13 Login Response: complete with the 48-byte basic header segment.
struct IscsiLoginReply {
  Frame frame;
  std::uint8_t status_class = 0;  // 0 success, 1 redirection, 2 initiator error, 3 target error
  std::uint8_t status_detail = 0;
};
IscsiLoginReply parse_iscsi_login_reply(ByteView bytes);

// The status line of an HTTP/1.x response.
struct HttpStatusLine {
  Frame frame;
  unsigned status = 0;
  std::string line;  // without the line break, cut to 80 characters
};
HttpStatusLine parse_http_status_line(ByteView bytes);

// RFC 5321 4.2: one reply, one or more lines "NNN-text" ending with "NNN text" (or "NNN").
struct SmtpReply {
  Frame frame;
  unsigned code = 0;
  std::vector<std::string> lines;  // the text after "NNN-" / "NNN ", one per line
};
SmtpReply parse_smtp_reply(ByteView bytes);
// Whether an EHLO reply's lines offer the STARTTLS extension.
bool smtp_offers_starttls(const SmtpReply& ehlo_reply);

// RFC 1002 4.2.18 NODE STATUS RESPONSE to our transaction id (one datagram, so no framing).
struct NbnsNodeStatus {
  bool valid = false;
  std::string reason;      // when not valid
  unsigned names = 0;      // NUM_NAMES
  std::string first_name;  // the first name of the table, blanks trimmed
};
NbnsNodeStatus parse_nbns_node_status(ByteView datagram, std::uint16_t transaction_id);

}  // namespace vpm
