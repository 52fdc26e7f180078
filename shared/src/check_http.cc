// http: GET the configured path with a Host header; any HTTP status line passes, unless the
// flow names the status it expects.
#include "conversation.h"

namespace vpm {

void probe_http(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    const ProbeRequest& r = c->request();
    const std::string host = r.host.empty() ? r.address.to_string() : r.host;
    c->send(http_get_request(r.check.http.path, http_host_header(host, r.port)), [c] {
      c->receive(
          "an HTTP response", [](ByteView b) { return parse_http_status_line(b).frame; },
          [c](ByteView bytes) {
            const HttpStatusLine reply = parse_http_status_line(bytes);
            const std::optional<unsigned> expected = c->request().check.http.expect_status;
            if (expected && reply.status != *expected) {
              return c->mismatch("expected status " + std::to_string(*expected) + ", got '" +
                                 reply.line + "'");
            }
            c->pass(reply.line);
          });
    });
  });
}

}  // namespace vpm
