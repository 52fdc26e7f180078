// Pure parsers of the service checks' replies: bytes in, a verdict out. They never read past
// the bytes given and decide as early as the bytes allow, so garbage is rejected at its first
// wrong byte, not after the read buffer fills.
#include <algorithm>
#include <cstdio>

#include "byte_reading.h"
#include "service_messages.h"

namespace vpm {
namespace {

constexpr std::size_t kPreviewChars = 40;
constexpr std::size_t kPreviewBytes = 8;
constexpr std::size_t kMaxLineBytes = 8192;

bool printable(std::uint8_t c) { return c >= 0x20 && c < 0x7f; }

// The first line ending in `bytes` ("\n", with or without "\r"): the offset of '\n', or npos.
std::size_t line_end(ByteView bytes, std::size_t from) {
  for (std::size_t i = from; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') return i;
  }
  return std::string::npos;
}

std::string line_text(ByteView bytes, std::size_t begin, std::size_t newline) {
  std::size_t end = newline;
  if (end > begin && bytes[end - 1] == '\r') --end;
  return std::string(bytes.begin() + static_cast<std::ptrdiff_t>(begin),
                     bytes.begin() + static_cast<std::ptrdiff_t>(end));
}

bool is_digit(std::uint8_t c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string describe_bytes(ByteView bytes) {
  if (bytes.empty()) return "nothing";
  std::size_t text = 0;
  while (text < bytes.size() && (printable(bytes[text]) || bytes[text] == '\t')) ++text;
  const bool line_break = text < bytes.size() && (bytes[text] == '\r' || bytes[text] == '\n');
  if (text >= 4 && (text == bytes.size() || line_break || text >= kPreviewChars)) {
    std::string out = "'";
    for (std::size_t i = 0; i < std::min(text, kPreviewChars); ++i) {
      out += bytes[i] == '\t' ? ' ' : static_cast<char>(bytes[i]);
    }
    return out + (text > kPreviewChars ? "...'" : "'");
  }
  std::string out = "bytes";
  for (std::size_t i = 0; i < std::min(bytes.size(), kPreviewBytes); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, " %02x", bytes[i]);
    out += hex;
  }
  return bytes.size() > kPreviewBytes ? out + " ..." : out;
}

NetbiosSessionReply parse_netbios_session_reply(ByteView b) {
  NetbiosSessionReply reply;
  if (b.empty()) return reply;
  const std::uint8_t type = b[0];
  if (type != 0x82 && type != 0x83 && type != 0x84) {
    reply.frame = Frame::wrong(got(b));
    return reply;
  }
  if (b.size() < 4) return reply;
  const std::size_t length = (std::size_t{b[1] & 0x01U} << 16U) | be16(b, 2);
  const std::size_t expected = type == 0x82 ? 0 : type == 0x83 ? 1 : 6;
  if (length != expected) {
    reply.frame = Frame::wrong("got a NetBIOS session packet of type " + std::to_string(type) +
                               " with length " + std::to_string(length));
    return reply;
  }
  if (b.size() < 4 + length) return reply;
  reply.positive = type == 0x82;
  if (type == 0x83) reply.error = b[4];
  reply.frame = Frame::complete(4 + length);
  return reply;
}

MsrpcBindReply parse_msrpc_bind_reply(ByteView b) {
  MsrpcBindReply reply;
  if ((!b.empty() && b[0] != 5) || (b.size() > 1 && b[1] != 0)) {
    reply.frame = Frame::wrong(got(b));
    return reply;
  }
  if (b.size() < 3) return reply;
  if (b[2] != 12 && b[2] != 13) {
    reply.frame = Frame::wrong("got DCE/RPC packet type " + std::to_string(b[2]) +
                               " (expected bind_ack 12 or bind_nak 13)");
    return reply;
  }
  if (b.size() < 16) return reply;
  const bool little_endian = (b[4] & 0xf0U) == 0x10;
  const unsigned frag_length = little_endian ? le16(b, 8) : be16(b, 8);
  if (frag_length < 16) {
    reply.frame = Frame::wrong("got a DCE/RPC fragment length of " + std::to_string(frag_length));
    return reply;
  }
  reply.ack = b[2] == 12;
  reply.frame = Frame::complete(16);
  return reply;
}

namespace {

// A BER tag-length header at `at`: nullopt while bytes are missing; `wrong` set when invalid.
struct BerHeader {
  std::size_t header = 0;  // tag and length bytes
  std::size_t length = 0;
};
std::optional<BerHeader> ber_header(ByteView b, std::size_t at, bool* wrong) {
  if (b.size() < at + 2) return std::nullopt;
  const std::uint8_t first = b[at + 1];
  if (first < 0x80) return BerHeader{2, first};
  const std::size_t count = first & 0x7fU;
  if (count == 0 || count > 4) {  // indefinite lengths are not allowed in LDAP (RFC 4511 5.1)
    *wrong = true;
    return std::nullopt;
  }
  if (b.size() < at + 2 + count) return std::nullopt;
  std::size_t length = 0;
  for (std::size_t i = 0; i < count; ++i) length = (length << 8U) | b[at + 2 + i];
  return BerHeader{2 + count, length};
}

// The LDAP operations whose contents start with an LDAPResult (RFC 4511 4.1.9).
bool carries_result(std::uint8_t op) {
  switch (op) {
    case 1:   // BindResponse
    case 5:   // SearchResultDone
    case 7:   // ModifyResponse
    case 9:   // AddResponse
    case 11:  // DelResponse
    case 13:  // ModifyDNResponse
    case 15:  // CompareResponse
    case 24:  // ExtendedResponse
      return true;
    default:
      return false;
  }
}

}  // namespace

LdapReply parse_ldap_reply(ByteView b) {
  LdapReply reply;
  bool wrong = false;
  const auto fail = [&](std::string why) {
    reply.frame = Frame::wrong(std::move(why));
    return reply;
  };
  if (!b.empty() && b[0] != 0x30) return fail(got(b));
  const std::optional<BerHeader> message = ber_header(b, 0, &wrong);
  if (wrong) return fail("got a BER length LDAP does not use");
  if (!message) return reply;
  std::size_t at = message->header;
  // messageID INTEGER (0 .. 2^31-1)
  if (b.size() <= at) return reply;
  if (b[at] != 0x02) return fail("got no LDAP messageID (" + got(b.subspan(at)) + ")");
  const std::optional<BerHeader> id = ber_header(b, at, &wrong);
  if (wrong || (id && (id->length == 0 || id->length > 4)))
    return fail("got an invalid LDAP messageID");
  if (!id) return reply;
  at += id->header + id->length;
  if (b.size() <= at) return reply;
  const std::uint8_t tag = b[at];
  if ((tag & 0xc0U) != 0x40)
    return fail("got no LDAP protocolOp (tag " + describe_bytes(b.subspan(at, 1)) + ")");
  reply.operation = static_cast<std::uint8_t>(tag & 0x1fU);
  if (!carries_result(reply.operation)) {
    reply.frame = Frame::complete(at + 1);
    return reply;
  }
  const std::optional<BerHeader> op = ber_header(b, at, &wrong);
  if (wrong) return fail("got a BER length LDAP does not use");
  if (!op) return reply;
  at += op->header;
  // resultCode ENUMERATED
  if (b.size() < at + 3) return reply;
  if (b[at] != 0x0a || b[at + 1] != 0x01) return fail("got an LDAP result without a resultCode");
  reply.result_code = b[at + 2];
  reply.frame = Frame::complete(at + 3);
  return reply;
}

IscsiLoginReply parse_iscsi_login_reply(ByteView b) {
  IscsiLoginReply reply;
  if (!b.empty() && (b[0] & 0x3fU) != 0x23) {
    reply.frame =
        Frame::wrong((b[0] & 0x3fU) == 0x3f ? std::string("got an iSCSI Reject") : got(b));
    return reply;
  }
  constexpr std::size_t kBasicHeader = 48;
  if (b.size() < kBasicHeader) return reply;
  reply.status_class = b[36];
  reply.status_detail = b[37];
  reply.frame = Frame::complete(kBasicHeader);
  return reply;
}

HttpStatusLine parse_http_status_line(ByteView b) {
  HttpStatusLine reply;
  if (!agrees_with(b, "HTTP/")) {
    reply.frame = Frame::wrong(got(b));
    return reply;
  }
  const std::size_t newline = line_end(b, 0);
  if (newline == std::string::npos) {
    if (b.size() > kMaxLineBytes) reply.frame = Frame::wrong("got an HTTP status line over 8 KiB");
    return reply;
  }
  std::string line = line_text(b, 0, newline);
  // "HTTP/1.1 200 OK": version digits, a blank, three digits, then a blank or the end.
  const bool shaped = line.size() >= 12 && is_digit(static_cast<std::uint8_t>(line[5])) &&
                      line[6] == '.' && is_digit(static_cast<std::uint8_t>(line[7])) &&
                      line[8] == ' ' && is_digit(static_cast<std::uint8_t>(line[9])) &&
                      is_digit(static_cast<std::uint8_t>(line[10])) &&
                      is_digit(static_cast<std::uint8_t>(line[11])) &&
                      (line.size() == 12 || line[12] == ' ');
  if (!shaped) {
    reply.frame = Frame::wrong("got a malformed HTTP status line " + describe_bytes(b));
    return reply;
  }
  reply.status = static_cast<unsigned>(std::stoi(line.substr(9, 3)));
  if (line.size() > 80) line = line.substr(0, 80);
  reply.line = std::move(line);
  reply.frame = Frame::complete(newline + 1);
  return reply;
}

SmtpReply parse_smtp_reply(ByteView b) {
  SmtpReply reply;
  std::size_t begin = 0;
  while (true) {
    const ByteView rest = b.subspan(begin);
    // "NNN" then '-', ' ' or the line end, checked byte by byte as they arrive.
    for (std::size_t i = 0; i < rest.size() && i < 4; ++i) {
      const bool ok = i < 3
                          ? is_digit(rest[i])
                          : rest[i] == '-' || rest[i] == ' ' || rest[i] == '\r' || rest[i] == '\n';
      if (!ok || (begin > 0 && i < 3 && rest[i] != b[i])) {
        reply.frame = Frame::wrong(
            begin == 0 ? got(b) : "got an SMTP reply whose lines disagree on the code");
        reply.lines.clear();
        return reply;
      }
    }
    const std::size_t newline = line_end(b, begin);
    if (newline == std::string::npos) {
      if (b.size() - begin > kMaxLineBytes)
        reply.frame = Frame::wrong("got an SMTP line over 8 KiB");
      reply.lines.clear();
      return reply;
    }
    const std::string line = line_text(b, begin, newline);
    if (line.size() < 3) {
      reply.frame = Frame::wrong(got(b));
      reply.lines.clear();
      return reply;
    }
    reply.code = static_cast<unsigned>(std::stoi(line.substr(0, 3)));
    reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
    begin = newline + 1;
    if (line.size() == 3 || line[3] == ' ') {
      reply.frame = Frame::complete(begin);
      return reply;
    }
  }
}

bool smtp_offers_starttls(const SmtpReply& ehlo_reply) {
  for (const std::string& line : ehlo_reply.lines) {
    std::string keyword = line.substr(0, line.find(' '));
    for (char& c : keyword) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (keyword == "STARTTLS") return true;
  }
  return false;
}

NbnsNodeStatus parse_nbns_node_status(ByteView b, std::uint16_t transaction_id) {
  NbnsNodeStatus status;
  const auto fail = [&](std::string why) {
    status.reason = std::move(why);
    return status;
  };
  if (b.size() < 12)
    return fail("got a datagram of " + std::to_string(b.size()) + " bytes, not NBNS");
  if (be16(b, 0) != transaction_id) return fail("got an NBNS reply to another transaction id");
  const unsigned flags = be16(b, 2);
  if ((flags & 0x8000U) == 0) return fail("got an NBNS request, not a response");
  if (((flags >> 11U) & 0x0fU) != 0) return fail("got an NBNS response that is not to a query");
  if ((flags & 0x0fU) != 0) return fail("got NBNS error code " + std::to_string(flags & 0x0fU));
  if (be16(b, 6) == 0) return fail("got an NBNS response without an answer");
  // RR_NAME: labels, or a compression pointer (RFC 1002 4.1).
  std::size_t at = 12;
  while (true) {
    if (at >= b.size()) return fail("got a truncated NBNS response");
    const std::uint8_t label = b[at];
    if ((label & 0xc0U) == 0xc0) {
      at += 2;
      break;
    }
    if ((label & 0xc0U) != 0) return fail("got an invalid NBNS name");
    at += 1 + label;
    if (label == 0) break;
  }
  if (b.size() < at + 11) return fail("got a truncated NBNS response");
  if (be16(b, at) != 0x0021) return fail("got an NBNS answer that is not a node status");
  const unsigned rdlength = be16(b, at + 8);
  status.names = b[at + 10];
  const std::size_t first = at + 11;
  if (status.names > 0 && rdlength >= 1 + 18 && b.size() >= first + 18) {
    std::string name;
    for (std::size_t i = 0; i < 15; ++i) {
      name += printable(b[first + i]) ? static_cast<char>(b[first + i]) : '?';
    }
    name.erase(name.find_last_not_of(' ') + 1);
    status.first_name = std::move(name);
  }
  status.valid = true;
  return status;
}

}  // namespace vpm
