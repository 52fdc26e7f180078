// tls: a TLS client handshake with SNI; reports the version, the certificate and whether its
// chain verifies (system store, or the flow's ca_file).
#include "conversation.h"

namespace vpm {
namespace {

constexpr std::size_t kMaxCommonNameChars = 64;

// "TLSv1.3" as people write it: "TLS 1.3" (SSLv3 and unknown names as they are).
std::string version_text(const std::string& version) {
  if (version.starts_with("TLSv")) return "TLS " + version.substr(4);
  return version;
}

// The CN of an RFC 2253 name ("CN=vbr01,O=Example" -> "vbr01"), escapes kept; empty without.
std::string common_name(const std::string& subject) {
  for (std::size_t at = 0; at < subject.size();) {
    std::size_t end = at;
    while (end < subject.size() && subject[end] != ',') end += subject[end] == '\\' ? 2U : 1U;
    end = std::min(end, subject.size());
    if (subject.compare(at, 3, "CN=") == 0) {
      return subject.substr(at + 3, std::min(end - at - 3, kMaxCommonNameChars));
    }
    at = end + 1;
  }
  return {};
}

}  // namespace

std::string tls_summary(const TlsInfo& tls, std::chrono::system_clock::time_point now) {
  std::string text = version_text(tls.version);
  const std::string cn = common_name(tls.subject);
  if (!cn.empty()) text += ", certificate CN=" + cn;
  if (tls.not_after) {
    const auto full_days = [](auto d) { return std::chrono::floor<std::chrono::days>(d).count(); };
    if (*tls.not_after >= now) {
      const auto days = full_days(*tls.not_after - now);
      text += ", " + std::to_string(days) + (days == 1 ? " day left" : " days left");
    } else {
      text += ", expired " + std::to_string(full_days(now - *tls.not_after)) + " days ago";
    }
  }
  return text + (tls.verified ? ", verified" : ", not verified (" + tls.verify_error + ")");
}

void probe_tls(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  Conversation::run(io, request, std::move(done), [](const std::shared_ptr<Conversation>& c) {
    c->start_tls(c->request().check.tls, [c] { c->pass(tls_summary(*c->result().tls)); });
  });
}

}  // namespace vpm
