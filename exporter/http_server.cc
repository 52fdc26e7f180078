#include "http_server.h"

#include <civetweb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "exporter_options.h"
#include "gzip_body.h"
#include "platform.h"
#include "response_head.h"

namespace vpm::exporter {
namespace {

// Pending connections the kernel keeps for the listener (capped by net.core.somaxconn) and
// accepted ones civetweb keeps for a free worker: above the clients a scrape may share the
// exporter with (wrk -c 256 in bench/load_test.sh).
constexpr const char* kListenBacklog = "1024";
constexpr const char* kConnectionQueue = "1024";

constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kTextType = "text/plain; charset=utf-8";
constexpr const char* kHtmlType = "text/html; charset=utf-8";
constexpr long long kMaxDrainedBody = 1 << 16;

std::string openssl_error(const std::string& what) {
  std::string text = what;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text += ": ";
    text += buffer.data();
  }
  return text;
}

int openssl_version(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10:
      return TLS1_VERSION;
    case TlsVersion::kTls11:
      return TLS1_1_VERSION;
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

// Request/RequireAny: ask for a certificate but accept whatever comes, like Go's tls package.
int accept_any_certificate(int /*preverify_ok*/, X509_STORE_CTX* /*store*/) { return 1; }

// civetweb loads OpenSSL (by name, at run time) only in the first mg_init_library call that
// asks for TLS before anything else; a later call does not, and a TLS worker then calls
// through a null function pointer. So the first server decides, once per process. For TLS,
// prepare_civetweb_tls() has loaded the libraries civetweb's dlopen is to find.
void init_civetweb_once(bool tls) {
  static std::once_flag once;
  std::call_once(once, [tls] { mg_init_library(tls ? MG_FEATURES_TLS : 0); });
}

// The host part of a Go-style listen address, for showing where we listen.
std::string host_of(const std::string& address) {
  const std::string host = address.substr(0, address.rfind(':'));
  return host.empty() ? "0.0.0.0" : host;
}

// Reads what the client sent (nothing is expected) so the connection stays usable. Not inlined:
// its buffer in handle()'s frame put every request's deeper frames 4 KB further down the
// worker's stack, pages that stay resident in each of the workers.
[[gnu::noinline]] void drain_request_body(mg_connection* conn) {
  std::array<char, 4096> sink{};
  long long drained = 0;
  while (drained < kMaxDrainedBody) {
    const int n = mg_read(conn, sink.data(), sink.size());
    if (n <= 0) break;
    drained += n;
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, HttpRoutes routes, Logger& log)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      log_(log),
      auth_(options_.web.basic_auth_users) {
  const bool tls = options_.web.tls.has_value();
  std::string ports;
  for (const std::string& address : options_.listen_addresses) {
    if (!ports.empty()) ports += ',';
    ports += civetweb_listening_port(address, tls);
  }
  worker_threads_ = options_.worker_threads > 0 ? options_.worker_threads : kDefaultMaxConnections;
  const std::string threads = std::to_string(worker_threads_);
  // No document_root: civetweb serves no files, only the handler below.
  std::vector<const char*> config = {
      "listening_ports", ports.c_str(), "num_threads", threads.c_str(), "enable_keep_alive", "yes",
      "keep_alive_timeout_ms", "5000", "request_timeout_ms", "10000", "enable_auth_domain_check",
      "no",
      // Headers and body go out in separate writes: with Nagle's
      // algorithm the last short segment waits for the client's
      // delayed ACK, 40 ms on Linux, on many responses.
      "tcp_nodelay", "1",
      // A flood of connections beyond the workers waits in the
      // kernel's backlog and civetweb's queue instead of having
      // its SYNs dropped: a lone scrape behind `wrk -c 256`
      // otherwise waited for a SYN retransmission, 1 s.
      "listen_backlog", kListenBacklog, "connection_queue", kConnectionQueue};
  config.push_back(nullptr);

  if (tls) {
    if (const std::optional<std::string> error = prepare_civetweb_tls()) {
      throw std::runtime_error("cannot serve on " + ports + ": " + *error);
    }
  }
  init_civetweb_once(tls);
  if (mg_check_feature(MG_FEATURES_IPV6) == 0) {
    for (const std::string& address : options_.listen_addresses) {
      if (!address.empty() && address.front() == '[') {
        throw std::runtime_error("cannot serve on " + address +
                                 ": this civetweb build has no IPv6 support");
      }
    }
  }
  mg_callbacks callbacks{};
  callbacks.log_message = &HttpServer::log_message;
  callbacks.init_connection = &HttpServer::connection_opened;
  callbacks.connection_close = &HttpServer::connection_closing;
  if (tls) callbacks.init_ssl = &HttpServer::init_ssl;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = this;
  init.configuration_options = config.data();
  std::array<char, 256> error_text{};
  unsigned error_code = 0;
  mg_error_data error{};
  error.code = &error_code;
  error.text = error_text.data();
  error.text_buffer_size = error_text.size();
  ctx_ = mg_start2(&init, &error);
  if (ctx_ == nullptr) {
    std::string message = "cannot serve on " + ports + ": ";
    const std::lock_guard lock(startup_mutex_);
    if (!tls_error_.empty()) {
      message += tls_error_;
    } else {
      message += error_text.data();
      if (!startup_messages_.empty()) message += " (" + startup_messages_ + ")";
    }
    throw std::runtime_error(message);
  }
  started_ = true;
  mg_set_request_handler(ctx_, "/", &HttpServer::dispatch, this);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (ctx_ == nullptr) return;
  mg_stop(ctx_);
  ctx_ = nullptr;
}

std::vector<std::string> HttpServer::bound_addresses() const {
  std::vector<std::string> out;
  if (ctx_ == nullptr) return out;
  std::array<mg_server_port, 16> ports{};
  const int n = mg_get_server_ports(ctx_, static_cast<int>(ports.size()), ports.data());
  for (int i = 0; i < n; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const std::string host = index < options_.listen_addresses.size()
                                 ? host_of(options_.listen_addresses[index])
                                 : std::string("?");
    out.push_back(host + ":" + std::to_string(ports[index].port));
  }
  return out;
}

int HttpServer::dispatch(mg_connection* conn, void* self) {
  return static_cast<HttpServer*>(self)->handle(conn);
}

// civetweb calls init_connection once a worker takes a connection (after the TLS handshake),
// and connection_close for every close, including a failed handshake that never got the first;
// the connection data set here tells the two apart.
int HttpServer::connection_opened(const mg_connection* conn, void** conn_data) {
  const mg_context* ctx = mg_get_context(conn);
  auto* self = ctx == nullptr ? nullptr : static_cast<HttpServer*>(mg_get_user_data(ctx));
  if (self == nullptr) return 0;
  ++self->open_connections_;
  *conn_data = self;
  return 0;
}

void HttpServer::connection_closing(const mg_connection* conn) {
  auto* self = static_cast<HttpServer*>(mg_get_user_connection_data(conn));
  if (self != nullptr) --self->open_connections_;
}

int HttpServer::init_ssl(void* ssl_ctx, void* self) {
  return static_cast<HttpServer*>(self)->configure_tls(ssl_ctx);
}

int HttpServer::log_message(const mg_connection* conn, const char* message) {
  if (conn == nullptr) return 0;
  const mg_context* ctx = mg_get_context(conn);
  auto* self = ctx == nullptr ? nullptr : static_cast<HttpServer*>(mg_get_user_data(ctx));
  if (self == nullptr) return 0;
  const std::string text = message == nullptr ? "" : message;
  if (!self->started_) {  // why the start failed, for the error the constructor throws
    const std::lock_guard lock(self->startup_mutex_);
    self->startup_messages_ += (self->startup_messages_.empty() ? "" : "; ") + text;
  }
  self->log_.debug("HTTP server", {{"detail", text}});
  return 1;
}

int HttpServer::configure_tls(void* raw) {
  auto* ctx = static_cast<SSL_CTX*>(raw);
  const TlsServerConfig& tls = *options_.web.tls;
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    tls_error_ = openssl_error("cert_file " + tls.cert_file);
    return -1;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    tls_error_ = openssl_error("key_file " + tls.key_file);
    return -1;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    tls_error_ = openssl_error("key_file " + tls.key_file + " does not match cert_file");
    return -1;
  }
  if (SSL_CTX_set_min_proto_version(ctx, openssl_version(tls.min_version)) != 1 ||
      (tls.max_version &&
       SSL_CTX_set_max_proto_version(ctx, openssl_version(*tls.max_version)) != 1)) {
    tls_error_ = openssl_error("min_version/max_version");
    return -1;
  }
  static constexpr std::array<unsigned char, 19> kSessionContext = {
      'v', 'e', 'e', 'a', 'm', '_', 'p', 'o', 'r', 't',
      '_', 'e', 'x', 'p', 'o', 'r', 't', 'e', 'r'};
  SSL_CTX_set_session_id_context(ctx, kSessionContext.data(), kSessionContext.size());
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      tls_error_ = openssl_error("client_ca_file " + tls.client_ca_file);
      return -1;
    }
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(tls.client_ca_file.c_str()));
  }
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &accept_any_certificate);
      break;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                         &accept_any_certificate);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  return 1;  // civetweb: the callback set up the certificate
}

int HttpServer::respond(mg_connection* conn, int status, const char* content_type,
                        const std::string& body, bool head_only,
                        const std::vector<std::pair<std::string, std::string>>& extra) {
  return respond(conn, status, content_type, ResponseBody{nullptr, body}, head_only, extra);
}

int HttpServer::respond(mg_connection* conn, int status, const char* content_type,
                        const ResponseBody& body, bool head_only,
                        const std::vector<std::pair<std::string, std::string>>& extra) {
  const std::size_t shared_size = body.shared ? body.shared->size() : 0;
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string_view version =
      request->http_version != nullptr ? request->http_version : std::string_view("1.1");
  // As the client asks, but once most workers hold a connection, closed so the worker goes
  // back to civetweb's queue.
  const bool keep_alive =
      client_keeps_alive(mg_get_header(conn, "Connection"), version) &&
      open_connections_.load() * 4 < worker_threads_ * kKeepAliveQuartersOfWorkers;
  if (!keep_alive) mg_disable_connection_keep_alive(conn);
  const std::string length = std::to_string(shared_size + body.own.size());
  ResponseHead head{status, mg_get_response_code_text(conn, status), version, {}, keep_alive};
  head.fields.reserve(3 + options_.web.headers.size() + extra.size());
  head.fields.emplace_back("Content-Type", content_type);
  if (body.content_encoding != nullptr) {
    head.fields.emplace_back("Content-Encoding", body.content_encoding);
  }
  head.fields.emplace_back("Content-Length", length);
  for (const auto& [name, value] : options_.web.headers) head.fields.emplace_back(name, value);
  for (const auto& [name, value] : extra) head.fields.emplace_back(name, value);
  const std::string head_text = serialize(head, std::chrono::system_clock::now());
  mg_write(conn, head_text.data(), head_text.size());
  if (head_only) return status;
  if (shared_size > 0) mg_write(conn, body.shared->data(), shared_size);
  if (!body.own.empty()) mg_write(conn, body.own.data(), body.own.size());
  return status;
}

int HttpServer::handle(mg_connection* conn) {
  const mg_request_info* request = mg_get_request_info(conn);
  const std::string method = request->request_method != nullptr ? request->request_method : "";
  const std::string path = request->local_uri != nullptr ? request->local_uri : "";

  if (!auth_.allows(mg_get_header(conn, "Authorization"))) {
    log_.debug("Unauthorized request", {{"path", path}, {"remote", request->remote_addr}});
    return respond(conn, 401, kTextType, "Unauthorized\n", method == "HEAD",
                   {{"WWW-Authenticate", "Basic realm=\"veeam_port_exporter\""}});
  }

  const bool get = method == "GET" || method == "HEAD";
  const bool head = method == "HEAD";
  const std::vector<std::pair<std::string, std::string>> allow_get = {{"Allow", "GET, HEAD"}};

  if (path == options_.telemetry_path) {
    if (!get) return respond(conn, 405, kTextType, "Method Not Allowed\n", false, allow_get);
    const bool gzip = accepts_gzip(mg_get_header(conn, "Accept-Encoding"));
    return respond(conn, 200, kMetricsType, routes_.metrics(gzip), head,
                   {{"Vary", "Accept-Encoding"}});
  }
  if (path == "/") {
    if (!get) return respond(conn, 405, kTextType, "Method Not Allowed\n", false, allow_get);
    const char* query = request->query_string;
    return respond(conn, 200, kHtmlType, routes_.landing_page(query != nullptr ? query : ""), head);
  }
  if (path == "/-/healthy") {
    if (!get) return respond(conn, 405, kTextType, "Method Not Allowed\n", false, allow_get);
    return respond(conn, 200, kTextType, "Healthy.\n", head);
  }
  if (path == "/-/ready") {
    if (!get) return respond(conn, 405, kTextType, "Method Not Allowed\n", false, allow_get);
    if (routes_.ready()) return respond(conn, 200, kTextType, "Ready.\n", head);
    return respond(conn, 503, kTextType, "Not ready: waiting for the first run of every flow.\n",
                   head);
  }
  if (path == "/-/reload") {
    if (method != "POST" && method != "PUT") {
      return respond(conn, 405, kTextType, "Method Not Allowed: use POST\n", head,
                     {{"Allow", "POST, PUT"}});
    }
    if (!options_.enable_lifecycle) {
      return respond(conn, 403, kTextType,
                     "Lifecycle API is not enabled (start with --web.enable-lifecycle).\n", false);
    }
    drain_request_body(conn);
    log_.info("Reload requested over HTTP", {{"remote", request->remote_addr}});
    const ReloadOutcome outcome = routes_.reload();
    return respond(conn, outcome.ok ? 200 : 500, kTextType, outcome.message + "\n", false);
  }
  return respond(conn, 404, kTextType, "Not Found\n", head);
}

}  // namespace vpm::exporter
