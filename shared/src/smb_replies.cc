// The SMB2 NEGOTIATE response parser (MS-SMB2 2.2.4), 3.1.1's negotiate contexts included;
// pure, like the other reply parsers (service_replies.cc).
#include <algorithm>
#include <string>

#include "byte_reading.h"
#include "service_messages.h"

namespace vpm {
namespace {

constexpr std::size_t kSmb2Header = 64;
// An SMB2 NEGOTIATE response we read whole (3.1.1): its security blob and contexts fit in this.
constexpr std::size_t kMaxSmbNegotiateBytes = std::size_t{32} * 1024;

// The negotiate contexts of a 3.1.1 response (MS-SMB2 2.2.4, 2.2.3.1): "" when they are as the
// specification wants, else what is wrong. `smb` is the whole SMB2 message.
std::string check_negotiate_contexts(ByteView smb, std::uint16_t* cipher) {
  const std::size_t count = le16(smb, kSmb2Header + 6);
  std::size_t at = le32(smb, kSmb2Header + 60);
  if (at % 8 != 0 || at < kSmb2Header + 64 || at > smb.size()) {
    return "a NegotiateContextOffset of " + std::to_string(at);
  }
  bool preauth_sha512 = false;
  for (std::size_t i = 0; i < count; ++i) {
    at += (8 - at % 8) % 8;  // every context after the first starts 8-byte aligned
    if (at + 8 > smb.size()) return "negotiate context " + std::to_string(i + 1) + " cut short";
    const unsigned type = le16(smb, at);
    const std::size_t length = le16(smb, at + 2);
    if (at + 8 + length > smb.size()) {
      return "negotiate context " + std::to_string(i + 1) + " cut short";
    }
    const ByteView data = smb.subspan(at + 8, length);
    if (type == 0x0001 && data.size() >= 6 && le16(data, 0) >= 1 &&
        data.size() >= 4 + 2 * std::size_t{le16(data, 0)}) {
      for (std::size_t h = 0; h < le16(data, 0); ++h) preauth_sha512 |= le16(data, 4 + 2 * h) == 1;
    }
    if (type == 0x0002 && data.size() >= 4 && le16(data, 0) >= 1) {
      *cipher = static_cast<std::uint16_t>(le16(data, 2));
    }
    at += 8 + length;
  }
  if (!preauth_sha512) return "no preauthentication integrity context with SHA-512";
  return {};
}

}  // namespace

SmbNegotiateReply parse_smb2_negotiate_reply(ByteView b) {
  SmbNegotiateReply reply;
  if (!b.empty() && b[0] != 0x00) {
    reply.frame = Frame::wrong(got(b));
    return reply;
  }
  // The protocol id, as soon as its bytes are there: SMB1 (0xFF) or SMB2 (0xFE) 'S' 'M' 'B'.
  if (b.size() > 4) {
    const ByteView id = b.subspan(4, std::min<std::size_t>(b.size() - 4, 4));
    if (agrees_with(id, "\xffSMB")) {
      if (id.size() == 4) {
        reply.smb1 = true;
        reply.frame = Frame::complete(8);
      }
      return reply;
    }
    if (!agrees_with(id, "\xfeSMB")) {
      reply.frame = Frame::wrong(got(b.subspan(4)));
      return reply;
    }
  }
  if (b.size() < 4) return reply;
  const std::size_t length = (std::size_t{b[1]} << 16U) | (std::size_t{b[2]} << 8U) | b[3];
  constexpr std::size_t kNeeded = kSmb2Header + 6;  // StructureSize, SecurityMode, Dialect
  if (length < kSmb2Header) {
    if (b.size() >= 8)
      reply.frame = Frame::wrong("got an SMB2 message of " + std::to_string(length) + " bytes");
    return reply;
  }
  const std::size_t want = 4 + std::min(length, kNeeded);
  if (b.size() < want) return reply;
  const ByteView smb = b.subspan(4);
  const unsigned command = le16(smb, 12);
  const std::uint32_t flags = le32(smb, 16);
  if (le16(smb, 4) != kSmb2Header || command != 0 || (flags & 0x1U) == 0) {
    reply.frame = Frame::wrong("got an SMB2 message that is not a NEGOTIATE response");
    return reply;
  }
  reply.status = le32(smb, 8);
  if (reply.status == 0 && length >= kNeeded && le16(smb, kSmb2Header) == 65) {
    reply.dialect = static_cast<std::uint16_t>(le16(smb, kSmb2Header + 4));
  }
  if (reply.dialect != 0x0311) {
    reply.frame = Frame::complete(want);
    return reply;
  }
  // 3.1.1: the whole response, for its negotiate contexts.
  if (length > kMaxSmbNegotiateBytes || length < kSmb2Header + 64) {
    reply.dialect.reset();
    reply.frame =
        Frame::wrong("got an SMB 3.1.1 NEGOTIATE response of " + std::to_string(length) + " bytes");
    return reply;
  }
  if (b.size() < 4 + length) return reply;
  const std::string wrong = check_negotiate_contexts(smb.first(length), &reply.cipher);
  if (!wrong.empty()) {
    reply.dialect.reset();
    reply.frame = Frame::wrong("got an SMB 3.1.1 NEGOTIATE response with " + wrong);
    return reply;
  }
  reply.frame = Frame::complete(4 + length);
  return reply;
}

}  // namespace vpm
