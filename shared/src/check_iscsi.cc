// iscsi: a discovery-session Login Request (RFC 7143 11.12); any Login Response passes,
// whatever its status (a target that wants CHAP still is an iSCSI target).
#include "conversation.h"

namespace vpm {

void probe_iscsi(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->send(iscsi_discovery_login_request(1), [c] {
      c->receive(
          "an iSCSI login response", [](ByteView b) { return parse_iscsi_login_reply(b).frame; },
          [c](ByteView bytes) {
            const IscsiLoginReply reply = parse_iscsi_login_reply(bytes);
            c->pass("iSCSI login answered, status class " + std::to_string(reply.status_class));
          });
    });
  });
}

}  // namespace vpm
