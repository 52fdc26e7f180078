// libFuzzer targets: the service checks' reply parsers, one executable per parser (the build
// defines VPM_FUZZ_PARSER as one of the names below). Besides "no crash", each checks what the
// conversation relies on: a complete reply never claims more bytes than it was given, and a
// verdict on a prefix stands when more bytes arrive (the parsers are fed as bytes come in).
#include <cstddef>
#include <cstdint>
#include <span>

#include "service_messages.h"

#define VPM_PARSER_smb2_negotiate 1
#define VPM_PARSER_netbios_session 2
#define VPM_PARSER_msrpc_bind 3
#define VPM_PARSER_ldap 4
#define VPM_PARSER_iscsi_login 5
#define VPM_PARSER_http_status_line 6
#define VPM_PARSER_smtp_reply 7
#define VPM_PARSER_nbns_node_status 8
#define VPM_CAT(a, b) a##b
#define VPM_PARSER_ID(name) VPM_CAT(VPM_PARSER_, name)

namespace {

using vpm::ByteView;
using vpm::Frame;

Frame frame_of(ByteView b) {
#if VPM_PARSER_ID(VPM_FUZZ_PARSER) == 1
  const auto reply = vpm::parse_smb2_negotiate_reply(b);
  if (reply.dialect) (void)vpm::smb_dialect_name(*reply.dialect);
  return reply.frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 2
  return vpm::parse_netbios_session_reply(b).frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 3
  return vpm::parse_msrpc_bind_reply(b).frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 4
  return vpm::parse_ldap_reply(b).frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 5
  return vpm::parse_iscsi_login_reply(b).frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 6
  const auto reply = vpm::parse_http_status_line(b);
  if (reply.frame.is_complete() && (reply.status > 999 || reply.line.size() > 80)) __builtin_trap();
  return reply.frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 7
  const auto reply = vpm::parse_smtp_reply(b);
  (void)vpm::smtp_offers_starttls(reply);
  if (reply.frame.is_complete() && (reply.code > 999 || reply.lines.empty())) __builtin_trap();
  return reply.frame;
#elif VPM_PARSER_ID(VPM_FUZZ_PARSER) == 8
  // One datagram, no framing: the first two bytes pick the transaction id we "sent".
  const std::uint16_t id = b.size() >= 2 ? static_cast<std::uint16_t>((b[0] << 8U) | b[1]) : 0;
  const auto status = vpm::parse_nbns_node_status(b, id);
  if (status.valid == !status.reason.empty()) __builtin_trap();
  if (status.first_name.size() > 15) __builtin_trap();
  (void)vpm::describe_bytes(b);
  return status.valid ? Frame::complete(b.size()) : Frame::wrong(status.reason);
#else
#error "VPM_FUZZ_PARSER names no parser"
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView bytes(data, size);
  const Frame whole = frame_of(bytes);
  if (whole.is_complete() && (whole.size == 0 || whole.size > size)) __builtin_trap();
  if (whole.status == Frame::Status::kWrong && whole.reason.empty()) __builtin_trap();
#if VPM_PARSER_ID(VPM_FUZZ_PARSER) != 8
  if (size > 0) {
    const Frame prefix = frame_of(bytes.first(size - 1));
    if (prefix.is_complete() && !(whole.is_complete() && whole.size == prefix.size)) {
      __builtin_trap();  // a complete reply changed its mind when one more byte came
    }
    if (prefix.status == Frame::Status::kWrong && whole.status != Frame::Status::kWrong) {
      __builtin_trap();  // a rejected reply became acceptable
    }
  }
#endif
  return 0;
}
