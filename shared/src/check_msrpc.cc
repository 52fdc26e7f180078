// msrpc: a DCE/RPC bind to the endpoint mapper (C706 12.6.4.3); bind_ack or bind_nak both
// prove an RPC endpoint mapper answers.
#include "conversation.h"

namespace vpm {

void probe_msrpc(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->send(msrpc_epm_bind_request(1), [c] {
      c->receive(
          "a DCE/RPC bind_ack", [](ByteView b) { return parse_msrpc_bind_reply(b).frame; },
          [c](ByteView bytes) {
            c->pass(parse_msrpc_bind_reply(bytes).ack ? "DCE/RPC bind accepted"
                                                      : "DCE/RPC bind rejected (bind_nak)");
          });
    });
  });
}

}  // namespace vpm
