#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

namespace vpm::exporter::test {
namespace {

struct SslDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

std::string ssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text += std::string(text.empty() ? "" : "; ") + buffer.data();
  }
  return text.empty() ? "TLS failure" : text;
}

class Connection {
 public:
  ~Connection() {
    ssl_.reset();
    ctx_.reset();
    if (fd_ >= 0) ::close(fd_);
  }
  std::string open(std::uint16_t port, const TlsClientOptions* tls,
                   std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return std::string("connect: ") + std::strerror(errno);
    }
    if (tls == nullptr) return "";
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) return ssl_errors();
    if (SSL_CTX_load_verify_locations(ctx_.get(), tls->ca_file.c_str(), nullptr) != 1) {
      return ssl_errors();
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    if (!tls->cert_file.empty() &&
        (SSL_CTX_use_certificate_file(ctx_.get(), tls->cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx_.get(), tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
      return ssl_errors();
    }
    ssl_.reset(SSL_new(ctx_.get()));
    SSL_set_fd(ssl_.get(), fd_);
    if (SSL_connect(ssl_.get()) != 1) return "TLS handshake: " + ssl_errors();
    return "";
  }
  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const int n =
          ssl_
              ? SSL_write(ssl_.get(), data.data() + sent, static_cast<int>(data.size() - sent))
              : static_cast<int>(::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL));
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads to end of stream (the request said Connection: close).
  std::string read_all() {
    std::string in;
    std::array<char, 65536> buffer{};
    while (true) {
      const int n = ssl_ ? SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size()))
                         : static_cast<int>(::recv(fd_, buffer.data(), buffer.size(), 0));
      if (n <= 0) break;
      in.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return in;
  }

 private:
  int fd_ = -1;
  std::unique_ptr<SSL_CTX, SslDeleter> ctx_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
};

}  // namespace

HttpResponse http_request(std::uint16_t port, const HttpRequest& request,
                          const TlsClientOptions* tls, std::chrono::milliseconds timeout) {
  // SSL_write to a server that already hung up (a refused client certificate) must fail, not
  // end the test process.
  static const bool ignore_sigpipe = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)ignore_sigpipe;
  HttpResponse response;
  Connection connection;
  response.error = connection.open(port, tls, timeout);
  if (!response.error.empty()) return response;
  std::string text = request.method + " " + request.path +
                     " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nConnection: close\r\n";
  for (const std::string& header : request.headers) text += header + "\r\n";
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  text += "\r\n" + request.body;
  if (!connection.send_all(text)) {
    response.error = "send failed";
    return response;
  }
  const std::string raw = connection.read_all();
  const std::size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos || raw.size() < 12) {
    response.error = "no HTTP response (" + std::to_string(raw.size()) + " bytes)";
    return response;
  }
  response.status = std::stoi(raw.substr(9, 3));
  response.headers = raw.substr(0, end);
  response.body = raw.substr(end + 4);
  return response;
}

}  // namespace vpm::exporter::test
