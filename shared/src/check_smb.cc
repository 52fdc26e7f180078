// smb: SMB2 NEGOTIATE (MS-SMB2 2.2.3) offering 2.0.2 to 3.1.1; any SMB2 response passes and its
// dialect is reported, unless the flow sets a min_dialect: then a lower dialect, or a failed
// negotiate, is a mismatch. A server that closes on the SMB2 NEGOTIATE is asked once more, in
// SMB1 (MS-CIFS 2.2.4.52): one that answers that is an SMB1-only server, a mismatch ("SMB1
// only"); otherwise the first answer stands. On 139 (NetBIOS session service) a session request
// goes first on each connection.
#include <cstdio>

#include "conversation.h"

namespace vpm {
namespace {

using Clock = std::chrono::steady_clock;
using Judge = void (*)(const std::shared_ptr<Conversation>&, const SmbNegotiateReply&);

constexpr Port kNetbiosSessionPort = 139;
constexpr std::string_view kSmb1Only = "SMB1 only";

std::string status_text(std::uint32_t status) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(status));
  return text;
}

void judge_smb2(const std::shared_ptr<Conversation>& c, const SmbNegotiateReply& reply) {
  if (reply.smb1) return c->mismatch(std::string(kSmb1Only));
  const std::optional<std::uint16_t> minimum = c->request().check.smb.min_dialect;
  if (!reply.dialect) {
    const std::string failed = "SMB2, negotiate status " + status_text(reply.status);
    if (minimum) return c->mismatch(failed + " (min_dialect " + smb_dialect_name(*minimum) + ")");
    return c->pass(failed);
  }
  const std::string dialect = smb_dialect_name(*reply.dialect);
  c->set_smb_dialect(dialect);
  if (minimum && *reply.dialect < *minimum) {
    return c->mismatch("SMB " + dialect + ", below min_dialect " + smb_dialect_name(*minimum));
  }
  c->pass("SMB " + dialect);
}

// The SMB1 question's answer only matters when it is SMB1.
void judge_smb1(const std::shared_ptr<Conversation>& c, const SmbNegotiateReply& reply) {
  if (reply.smb1) return c->mismatch(std::string(kSmb1Only));
  c->pass();
}

void negotiate(const std::shared_ptr<Conversation>& c, Bytes request, Judge judge) {
  c->send(std::move(request), [c, judge] {
    c->receive(
        "SMB2 response", [](ByteView b) { return parse_smb2_negotiate_reply(b).frame; },
        [c, judge](ByteView bytes) { judge(c, parse_smb2_negotiate_reply(bytes)); });
  });
}

// One connection: on 139 the NetBIOS session first, then the negotiate.
Conversation::Script script(Bytes (*request)(), Judge judge) {
  return [request, judge](const std::shared_ptr<Conversation>& c) {
    if (c->request().port != kNetbiosSessionPort) return negotiate(c, request(), judge);
    c->send(netbios_session_request(), [c, request, judge] {
      c->receive(
          "a NetBIOS session response",
          [](ByteView b) { return parse_netbios_session_reply(b).frame; },
          [c, request, judge](ByteView bytes) {
            const NetbiosSessionReply reply = parse_netbios_session_reply(bytes);
            if (reply.positive) return negotiate(c, request(), judge);
            if (reply.error == 0) return c->mismatch("NetBIOS session retargeted elsewhere");
            c->mismatch("NetBIOS session refused (error " + std::to_string(reply.error) + ")");
          });
    });
  };
}

}  // namespace

void probe_smb(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  const Clock::time_point started = Clock::now();
  auto after_smb2 = [&io, request, started, done = std::move(done)](PortResult first) mutable {
    const auto left =
        request.timeout - std::chrono::duration_cast<Duration>(Clock::now() - started);
    if (first.state != PortState::kMismatch || first.reason != kClosedWithoutReply ||
        left <= Duration::zero()) {
      return done(std::move(first));
    }
    ProbeRequest again = request;
    again.timeout = left;
    Conversation::run(
        io, again,
        [first = std::move(first), done = std::move(done)](PortResult second) mutable {
          if (second.state == PortState::kMismatch && second.reason == kSmb1Only) {
            first.reason = second.reason;
            first.service_time = first.service_time.value_or(std::chrono::nanoseconds{0}) +
                                 second.latency +
                                 second.service_time.value_or(std::chrono::nanoseconds{0});
          }
          done(std::move(first));
        },
        script(smb1_negotiate_request, judge_smb1));
  };
  Conversation::run(io, request, std::move(after_smb2), script(smb2_negotiate_request, judge_smb2));
}

}  // namespace vpm
