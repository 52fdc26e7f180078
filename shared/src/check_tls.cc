// tls: a TLS client handshake with SNI; reports the version, the certificate and whether its
// chain verifies (system store, or the flow's ca_file).
#include "conversation.h"

namespace vpm {

std::string tls_summary(const TlsInfo& tls) {
  return tls.version + (tls.verified ? ", certificate verified"
                                     : ", certificate not verified (" + tls.verify_error + ")");
}

void probe_tls(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->start_tls(c->request().check.tls, [c] { c->pass(tls_summary(*c->result().tls)); });
  });
}

}  // namespace vpm
