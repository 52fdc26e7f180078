// smtp: the 220 greeting (possibly multi-line), EHLO, and STARTTLS when the server offers it or
// the flow asks for it (RFC 5321 4.2, 4.1.1.1; RFC 3207). With STARTTLS the TLS result counts.
#include "conversation.h"

namespace vpm {

namespace {

Frame smtp_frame(ByteView b) { return parse_smtp_reply(b).frame; }

// "554 no service here" for messages: the code and the first line's text.
std::string reply_text(const SmtpReply& reply) {
  std::string text = std::to_string(reply.code);
  if (!reply.lines.empty() && !reply.lines.front().empty()) {
    text += " " + reply.lines.front().substr(0, 60);
  }
  return "'" + text + "'";
}

void start_tls(const std::shared_ptr<Conversation>& c) {
  c->send(std::string_view("STARTTLS\r\n"), [c] {
    c->receive("a reply to STARTTLS", smtp_frame, [c](ByteView bytes) {
      const SmtpReply reply = parse_smtp_reply(bytes);
      if (reply.code != 220) {
        return c->mismatch("expected 220 to STARTTLS, got " + reply_text(reply));
      }
      c->start_tls(c->request().check.tls,
                   [c] { c->pass("ESMTP, STARTTLS, " + tls_summary(*c->result().tls)); });
    });
  });
}

}  // namespace

void probe_smtp(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->receive("an SMTP greeting", smtp_frame, [c](ByteView greeting_bytes) {
      const SmtpReply greeting = parse_smtp_reply(greeting_bytes);
      if (greeting.code != 220) {
        return c->mismatch("expected SMTP greeting 220, got " + reply_text(greeting));
      }
      c->send("EHLO " + c->local_address_literal() + "\r\n", [c] {
        c->receive("a reply to EHLO", smtp_frame, [c](ByteView ehlo_bytes) {
          const SmtpReply ehlo = parse_smtp_reply(ehlo_bytes);
          if (ehlo.code != 250) {
            return c->mismatch("expected 250 to EHLO, got " + reply_text(ehlo));
          }
          const bool offered = smtp_offers_starttls(ehlo);
          if (offered) return start_tls(c);
          if (c->request().check.starttls) return c->mismatch("SMTP without STARTTLS");
          c->pass("ESMTP, no STARTTLS offered");
        });
      });
    });
  });
}

}  // namespace vpm
