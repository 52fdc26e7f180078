// ldap: an anonymous rootDSE search (RFC 4511 4.5.1); any LDAP response proves the service.
#include "conversation.h"

namespace vpm {

void probe_ldap(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->send(ldap_rootdse_request(1), [c] {
      c->receive(
          "an LDAP response", [](ByteView b) { return parse_ldap_reply(b).frame; },
          [c](ByteView bytes) {
            const LdapReply reply = parse_ldap_reply(bytes);
            if (reply.operation == 4) return c->pass("LDAP, rootDSE answered");
            if (reply.result_code) {
              return c->pass("LDAP, result code " + std::to_string(*reply.result_code));
            }
            c->pass("LDAP, operation " + std::to_string(reply.operation));
          });
    });
  });
}

}  // namespace vpm
