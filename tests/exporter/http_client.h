#pragma once
// A minimal HTTP/1.1 client for the end-to-end tests: one request per connection to
// 127.0.0.1, plain or TLS (OpenSSL, verifying the server against a given CA file).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace vpm::exporter::test {

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

struct HttpResponse {
  int status = 0;     // 0: no HTTP answer (see error)
  std::string error;  // connect / TLS / read failure
  std::string headers;
  std::string body;
};

struct TlsClientOptions {
  std::string ca_file;    // verify the server's chain against this (no host name check)
  std::string cert_file;  // a client certificate to present, if not empty
  std::string key_file;
};

HttpResponse http_request(std::uint16_t port, const HttpRequest& request,
                          const TlsClientOptions* tls = nullptr,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResponse http_get(std::uint16_t port, const std::string& path) {
  HttpRequest request;
  request.path = path;
  return http_request(port, request);
}

}  // namespace vpm::exporter::test
