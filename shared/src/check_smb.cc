// smb: SMB2 NEGOTIATE (MS-SMB2 2.2.3) offering 2.0.2 to 3.0.2; any SMB2 response passes and its
// dialect is reported. On 139 (NetBIOS session service) a session request goes first.
#include <cstdio>

#include "conversation.h"

namespace vpm {
namespace {

constexpr Port kNetbiosSessionPort = 139;

void negotiate(const std::shared_ptr<Conversation>& c) {
  c->send(smb2_negotiate_request(), [c] {
    c->receive(
        "SMB2 response", [](ByteView b) { return parse_smb2_negotiate_reply(b).frame; },
        [c](ByteView bytes) {
          const SmbNegotiateReply reply = parse_smb2_negotiate_reply(bytes);
          if (reply.dialect) return c->pass("SMB " + smb_dialect_name(*reply.dialect));
          char status[16];
          std::snprintf(status, sizeof status, "0x%08x", static_cast<unsigned>(reply.status));
          c->pass(std::string("SMB2, negotiate status ") + status);
        });
  });
}

}  // namespace

void probe_smb(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    if (c->request().port != kNetbiosSessionPort) return negotiate(c);
    c->send(netbios_session_request(), [c] {
      c->receive(
          "a NetBIOS session response",
          [](ByteView b) { return parse_netbios_session_reply(b).frame; },
          [c](ByteView bytes) {
            const NetbiosSessionReply reply = parse_netbios_session_reply(bytes);
            if (reply.positive) return negotiate(c);
            if (reply.error == 0) return c->mismatch("NetBIOS session retargeted elsewhere");
            c->mismatch("NetBIOS session refused (error " + std::to_string(reply.error) + ")");
          });
    });
  });
}

}  // namespace vpm
