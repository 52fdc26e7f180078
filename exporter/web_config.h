#pragma once
// --web.config.file in the Prometheus exporter-toolkit format, the subset we serve:
//   tls_server_config:
//     cert_file: server.crt          # relative paths are relative to the web config file
//     key_file: server.key
//     min_version: TLS12             # TLS10 | TLS11 | TLS12 (default) | TLS13
//     max_version: TLS13             # optional
//     client_auth_type: NoClientCert # | RequestClientCert | RequireAnyClientCert |
//                                    #   VerifyClientCertIfGiven | RequireAndVerifyClientCert
//     client_ca_file: ca.crt         # for the two Verify types
//   http_server_config:
//     http2: true                    # accepted, no effect (civetweb speaks HTTP/1.1)
//     headers: {X-Frame-Options: deny}  # added to every response
//   basic_auth_users:
//     alice: $2y$10$...              # bcrypt
// Any other key is an error, never silently ignored: a security setting we skipped would
// leave the exporter more open than its admin believes.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vpm::exporter {

enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

struct TlsServerConfig {
  std::string cert_file;  // resolved against the web config's directory
  std::string key_file;
  TlsVersion min_version = TlsVersion::kTls12;
  std::optional<TlsVersion> max_version;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::string client_ca_file;
};

struct WebConfig {
  std::optional<TlsServerConfig> tls;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

class WebConfigError : public std::runtime_error {
 public:
  // what() is "<file>:<line>:<col>: <message>" or "<file>: <message>".
  using std::runtime_error::runtime_error;
};

WebConfig load_web_config_file(const std::string& path);
// `base_dir` resolves relative file names ("" : the current directory). Files named in
// tls_server_config must be readable.
WebConfig load_web_config_string(std::string_view yaml, const std::string& source_name,
                                 const std::string& base_dir);

// A bcrypt hash as basic_auth_users holds it: $2a$, $2b$ or $2y$, a two-digit cost, 53 chars.
bool looks_like_bcrypt(std::string_view hash);

}  // namespace vpm::exporter
