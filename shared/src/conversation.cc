#include "conversation.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <ctime>

#include "tls_client_context.h"
#include "vpm/duration.h"
#include "vpm/os_seam.h"

namespace vpm {
namespace {

using boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;

constexpr std::size_t kMaxNameChars = 256;

// A certificate name as RFC 2253 text ("CN=vbr01,O=Example"), cut to a sane length.
std::string name_text(const X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
  std::string text;
  if (data != nullptr && size > 0) {
    text.assign(data, std::min(static_cast<std::size_t>(size), kMaxNameChars));
  }
  BIO_free(bio);
  return text;
}

std::optional<std::chrono::system_clock::time_point> not_after_of(const X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return std::nullopt;
#ifdef _WIN32
  return std::chrono::system_clock::from_time_t(_mkgmtime(&tm));  // Windows' timegm
#else
  return std::chrono::system_clock::from_time_t(timegm(&tm));
#endif
}

TlsInfo inspect(SSL* ssl) {
  TlsInfo info;
  info.version = SSL_get_version(ssl);
  if (X509* cert = SSL_get1_peer_certificate(ssl)) {
    info.subject = name_text(X509_get_subject_name(cert));
    info.issuer = name_text(X509_get_issuer_name(cert));
    info.not_after = not_after_of(cert);
    X509_free(cert);
    const long verify = SSL_get_verify_result(ssl);
    info.verified = verify == X509_V_OK;
    if (!info.verified) info.verify_error = X509_verify_cert_error_string(verify);
  } else {
    info.verify_error = "no certificate";
  }
  return info;
}

// Reasons that mean the peer sent something that is not TLS at all: a service mismatch
// rather than a TLS problem of a TLS service.
bool not_tls_at_all(const boost::system::error_code& ec) {
  if (ec.category() != boost::asio::error::get_ssl_category()) return false;
  switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
    case SSL_R_UNKNOWN_PROTOCOL:
      return true;
    default:
      return false;
  }
}

bool closed_by_peer(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::eof || ec == ssl::error::stream_truncated ||
      ec == boost::asio::error::connection_reset) {
    return true;
  }
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
             SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

bool is_ip_literal(const std::string& name) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(name, ec);
  return !ec;
}

}  // namespace

Conversation::Conversation(tcp::socket socket, ProbeRequest request, PortResult connected,
                           ProbeDone done)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      request_(std::move(request)),
      result_(std::move(connected)),
      done_(std::move(done)),
      connected_at_(Clock::now()) {}

void Conversation::run(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                       Script script) {
  tcp_connect_then(
      io, request, std::move(done),
      [request, script = std::move(script)](tcp::socket socket, PortResult connected,
                                            Clock::time_point deadline, ProbeDone finish) {
        auto conversation = std::make_shared<Conversation>(std::move(socket), request,
                                                           std::move(connected), std::move(finish));
        conversation->start_watchdog(deadline);
        // The connect may have completed inside connect(): never start talking inline.
        boost::asio::post(conversation->socket_.get_executor(),
                          [conversation, script] { script(conversation); });
      });
}

void Conversation::start_watchdog(Clock::time_point deadline) {
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->finished_) return;
    self->deadline_passed_ = true;
    // Closing (not only cancelling) also fails an operation that starts after this point.
    boost::system::error_code ignored;
    self->socket_.close(ignored);
  });
}

std::string Conversation::deadline_text() const { return format_duration(request_.timeout); }

void Conversation::send(Bytes bytes, Next next) {
  if (stopped()) return;
  auto data = std::make_shared<Bytes>(std::move(bytes));
  auto handler = [self = shared_from_this(), data, next = std::move(next)](
                     const boost::system::error_code& ec, std::size_t) {
    if (self->stopped()) return;
    if (self->deadline_passed_) return self->mismatch("no reply in " + self->deadline_text());
    if (ec) {
      if (closed_by_peer(ec) || ec == boost::asio::error::broken_pipe) {
        return self->mismatch("connection closed before the request was sent");
      }
      return self->finish(PortState::kError, "send: " + ec.message());
    }
    next();
  };
  if (tls_) {
    boost::asio::async_write(*tls_, boost::asio::buffer(*data), std::move(handler));
  } else {
    boost::asio::async_write(socket_, boost::asio::buffer(*data), std::move(handler));
  }
}

void Conversation::receive(std::string expected, Framer framer, OnReply next) {
  if (stopped()) return;
  expected_ = std::move(expected);
  framer_ = std::move(framer);
  on_reply_ = std::move(next);
  if (!buffer_.empty()) {
    // Left over from the previous reply: it may already hold this one.
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this()] { self->on_read({}, 0); });
    return;
  }
  read_more();
}

void Conversation::read_more() {
  auto handler = [self = shared_from_this()](const boost::system::error_code& ec,
                                             std::size_t bytes) { self->on_read(ec, bytes); };
  if (tls_) {
    tls_->async_read_some(boost::asio::buffer(chunk_), std::move(handler));
  } else {
    socket_.async_read_some(boost::asio::buffer(chunk_), std::move(handler));
  }
}

void Conversation::on_read(const boost::system::error_code& ec, std::size_t bytes) {
  if (stopped()) return;
  buffer_.insert(buffer_.end(), chunk_.begin(),
                 chunk_.begin() + static_cast<std::ptrdiff_t>(bytes));
  const ByteView received(buffer_.data(), buffer_.size());
  // What arrived is judged first, so the deadline or a close does not hide a wrong reply.
  const Frame frame = framer_(received);
  if (frame.status == Frame::Status::kWrong) {
    return mismatch("expected " + expected_ + ", " + frame.reason);
  }
  if (frame.status == Frame::Status::kComplete) {
    const Bytes reply(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(frame.size));
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(frame.size));
    OnReply next = std::move(on_reply_);
    next(ByteView(reply.data(), reply.size()));
    return;
  }
  if (deadline_passed_) {
    if (buffer_.empty()) return mismatch("no reply in " + deadline_text());
    return mismatch("expected " + expected_ + ", " + got(received) + " and no more in " +
                    deadline_text());
  }
  if (ec) {
    if (closed_by_peer(ec)) {
      if (buffer_.empty()) return mismatch(std::string(kClosedWithoutReply));
      return mismatch("expected " + expected_ + ", " + got(received) +
                      " then the connection closed");
    }
    return finish(PortState::kError, "receive: " + ec.message());
  }
  if (buffer_.size() >= kMaxReplyBytes) {
    return mismatch("expected " + expected_ + ", got 64 KiB without one (" + got(received) + ")");
  }
  read_more();
}

void Conversation::start_tls(const TlsOptions& options, Next next) {
  if (stopped()) return;
  // Shared by every probe with the same CA configuration: see tls_client_context.h.
  TlsClientContext shared = tls_client_context(options.ca_file);
  if (!shared.context) return finish(PortState::kTlsError, std::move(shared.error));
  tls_context_ = std::move(shared.context);
  must_verify_ = options.must_verify();
  tls_.emplace(socket_, *tls_context_);
  SSL* handle = tls_->native_handle();
  const std::string name = options.server_name.empty() ? request_.host : options.server_name;
  if (!name.empty()) {
    if (is_ip_literal(name)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), name.c_str());
    } else {
      SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(name.c_str()));
      SSL_set1_host(handle, name.c_str());
    }
  }
  tls_->async_handshake(ssl::stream_base::client,
                        [self = shared_from_this(),
                         next = std::move(next)](const boost::system::error_code& handshake_ec) {
                          self->on_handshake(handshake_ec, next);
                        });
}

void Conversation::on_handshake(const boost::system::error_code& ec, Next next) {
  if (stopped()) return;
  if (deadline_passed_) return mismatch("no TLS handshake in " + deadline_text());
  if (ec) {
    if (closed_by_peer(ec)) return mismatch("connection closed during the TLS handshake");
    if (not_tls_at_all(ec)) return mismatch("expected a TLS handshake, got " + ssl_reason(ec));
    return finish(PortState::kTlsError, ssl_reason(ec));
  }
  result_.tls = inspect(tls_->native_handle());
  if (must_verify_ && !result_.tls->verified) {
    return finish(PortState::kTlsError, "certificate not verified: " + result_.tls->verify_error);
  }
  next();
}

void Conversation::finish(PortState state, std::string reason) {
  if (finished_) return;
  finished_ = true;
  // The stored handlers may hold this conversation: drop them so it can go.
  framer_ = nullptr;
  on_reply_ = nullptr;
  timer_.cancel();
  if (socket_.is_open()) {
    os::set_abortive_close(socket_.native_handle());
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  result_.state = state;
  result_.reason = std::move(reason);
  result_.service_time =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - connected_at_);
  ProbeDone done = std::move(done_);
  done(std::move(result_));
}

std::string Conversation::local_address_literal() const {
  boost::system::error_code ec;
  const tcp::endpoint local = socket_.local_endpoint(ec);
  if (ec) return "[127.0.0.1]";
  const boost::asio::ip::address address = local.address();
  if (address.is_v6()) return "[IPv6:" + address.to_string() + "]";
  return "[" + address.to_string() + "]";
}

}  // namespace vpm
