#include "web_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "platform.h"

namespace vpm::exporter {
namespace {

// An absolute path, or on Windows one with a drive ("C:x") or a root ("\\x"): not relative to
// the web config's directory.
bool rooted(const std::string& path) {
#ifdef _WIN32
  if (path.size() >= 2 && path[1] == ':') return true;
#endif
  return kPathSeparators.find(path.front()) != std::string_view::npos;
}

class Parser {
 public:
  Parser(std::string source, std::string base_dir)
      : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) throw WebConfigError(source_ + ": " + message);
    throw WebConfigError(source_ + ":" + std::to_string(mark.line + 1) + ":" +
                         std::to_string(mark.column + 1) + ": " + message);
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " must be a string");
    return node.Scalar();
  }

  void expect_map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping");
  }

  std::string file(const YAML::Node& node, const std::string& what) const {
    std::string path = scalar(node, what);
    if (path.empty()) fail(node, what + " must not be empty");
    if (!rooted(path) && !base_dir_.empty()) path = base_dir_ + "/" + path;
    if (!readable_file(path)) fail(node, what + ": cannot read " + path);
    return path;
  }

  TlsVersion version(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    if (text == "TLS10") return TlsVersion::kTls10;
    if (text == "TLS11") return TlsVersion::kTls11;
    if (text == "TLS12") return TlsVersion::kTls12;
    if (text == "TLS13") return TlsVersion::kTls13;
    fail(node, what + ": \"" + text + "\" is not one of TLS10, TLS11, TLS12, TLS13");
  }

  ClientAuth client_auth(const YAML::Node& node) const {
    const std::string text = scalar(node, "client_auth_type");
    if (text == "NoClientCert") return ClientAuth::kNoClientCert;
    if (text == "RequestClientCert") return ClientAuth::kRequestClientCert;
    if (text == "RequireAnyClientCert") return ClientAuth::kRequireAnyClientCert;
    if (text == "VerifyClientCertIfGiven") return ClientAuth::kVerifyClientCertIfGiven;
    if (text == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerifyClientCert;
    fail(node, "client_auth_type: \"" + text +
                   "\" is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                   "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
  }

  TlsServerConfig tls(const YAML::Node& node) const {
    expect_map(node, "tls_server_config");
    TlsServerConfig tls;
    bool have_cert = false, have_key = false;
    for (const auto& item : node) {
      const std::string key = scalar(item.first, "a key");
      const YAML::Node& value = item.second;
      if (key == "cert_file") {
        tls.cert_file = file(value, "cert_file");
        have_cert = true;
      } else if (key == "key_file") {
        tls.key_file = file(value, "key_file");
        have_key = true;
      } else if (key == "min_version") {
        tls.min_version = version(value, "min_version");
      } else if (key == "max_version") {
        tls.max_version = version(value, "max_version");
      } else if (key == "client_auth_type") {
        tls.client_auth = client_auth(value);
      } else if (key == "client_ca_file") {
        tls.client_ca_file = file(value, "client_ca_file");
      } else if (key == "cipher_suites" || key == "curve_preferences" ||
                 key == "prefer_server_cipher_suites" || key == "client_allowed_sans" ||
                 key == "cert" || key == "key" || key == "client_ca") {
        fail(item.first, "tls_server_config." + key + " is not supported by veeam_port_exporter");
      } else {
        fail(item.first, "unknown key \"" + key + "\" in tls_server_config");
      }
    }
    if (!have_cert) fail(node, "tls_server_config: cert_file is required");
    if (!have_key) fail(node, "tls_server_config: key_file is required");
    if (tls.max_version && *tls.max_version < tls.min_version) {
      fail(node, "tls_server_config: max_version is lower than min_version");
    }
    const bool verifies = tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                          tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
    if (verifies && tls.client_ca_file.empty()) {
      fail(node,
           "tls_server_config: client_auth_type verifies client certificates and needs "
           "client_ca_file");
    }
    return tls;
  }

  void http(const YAML::Node& node, WebConfig& config) const {
    expect_map(node, "http_server_config");
    for (const auto& item : node) {
      const std::string key = scalar(item.first, "a key");
      if (key == "http2") {
        if (!item.second.IsScalar() ||
            (item.second.Scalar() != "true" && item.second.Scalar() != "false")) {
          fail(item.second, "http2 must be true or false");
        }
      } else if (key == "headers") {
        expect_map(item.second, "headers");
        for (const auto& header : item.second) {
          const std::string name = scalar(header.first, "a header name");
          const std::string value = scalar(header.second, "header " + name);
          if (name.empty() || name.find_first_of(" :\r\n") != std::string::npos ||
              value.find_first_of("\r\n") != std::string::npos) {
            fail(header.first, "header \"" + name + "\" is not a valid header line");
          }
          config.headers[name] = value;
        }
      } else {
        fail(item.first, "unknown key \"" + key + "\" in http_server_config");
      }
    }
  }

  void users(const YAML::Node& node, WebConfig& config) const {
    if (node.IsNull()) return;
    expect_map(node, "basic_auth_users");
    for (const auto& item : node) {
      const std::string user = scalar(item.first, "a user name");
      if (user.empty() || user.find(':') != std::string::npos) {
        fail(item.first, "user name \"" + user + "\" must be non-empty and without ':'");
      }
      const std::string hash = scalar(item.second, "the password hash of " + user);
      if (!looks_like_bcrypt(hash)) {
        fail(item.second, "the password of \"" + user +
                              "\" is not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)");
      }
      config.basic_auth_users[user] = hash;
    }
  }

  WebConfig parse(std::string_view yaml) const {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      const YAML::Mark& mark = e.mark;
      if (mark.is_null()) throw WebConfigError(source_ + ": " + e.msg);
      throw WebConfigError(source_ + ":" + std::to_string(mark.line + 1) + ":" +
                           std::to_string(mark.column + 1) + ": " + e.msg);
    }
    WebConfig config;
    if (!root || root.IsNull()) return config;  // an empty file: plain HTTP, no auth
    expect_map(root, "the web config");
    for (const auto& item : root) {
      const std::string key = scalar(item.first, "a key");
      if (key == "tls_server_config") {
        config.tls = tls(item.second);
      } else if (key == "http_server_config") {
        http(item.second, config);
      } else if (key == "basic_auth_users") {
        users(item.second, config);
      } else {
        fail(item.first, "unknown key \"" + key +
                             "\" (expected tls_server_config, http_server_config, "
                             "basic_auth_users)");
      }
    }
    return config;
  }

 private:
  std::string source_;
  std::string base_dir_;
};

}  // namespace

bool looks_like_bcrypt(std::string_view hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') {
    return false;
  }
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9') return false;
  for (const char c : hash.substr(7)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

WebConfig load_web_config_string(std::string_view yaml, const std::string& source_name,
                                 const std::string& base_dir) {
  return Parser(source_name, base_dir).parse(yaml);
}

WebConfig load_web_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WebConfigError(path + ": cannot read the file");
  // Read a bounded amount: a web config is a few lines, and /dev/zero or a 100 MB file must
  // be an error, not a process that reads (and parses) until memory runs out.
  constexpr std::size_t kMaxWebConfigBytes = std::size_t{1} << 20U;
  std::string text(kMaxWebConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw WebConfigError(path + ": cannot read the file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxWebConfigBytes) {
    throw WebConfigError(path + ": the file is larger than 1 MiB; a web config is a few lines");
  }
  const std::size_t slash = path.find_last_of(kPathSeparators);
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash == 0 ? 1 : slash);
  return load_web_config_string(text, path, dir);
}

}  // namespace vpm::exporter
