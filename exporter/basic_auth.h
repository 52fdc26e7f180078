#pragma once
// HTTP basic authentication against bcrypt hashes, as exporter-toolkit's basic_auth_users.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vpm::exporter {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// RFC 4648 base64 with padding; nullopt on any other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

// The credentials of an "Authorization: Basic <base64(user:password)>" header value.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

// True when `hash` is the bcrypt hash of `password`: libxcrypt's crypt_r on Linux
// (platform_posix.cc), bcrypt.cc on Windows. The final comparison is equal_in_constant_time.
bool verify_bcrypt(std::string_view password, const std::string& hash);

// True when `a` and `b` are the same bytes, in a time that depends on their length only, not on
// where they differ. (Ours, not OpenSSL's CRYPTO_memcmp: basic auth alone must not load
// OpenSSL; see vpm/openssl_runtime.h.)
bool equal_in_constant_time(std::string_view a, std::string_view b);

class BasicAuth {
 public:
  BasicAuth() = default;
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

  bool enabled() const { return !users_.empty(); }
  // True when authentication is off, or the header names a user whose password matches.
  // An unknown user costs one bcrypt too, so timing does not tell which users exist.
  bool allows(const char* authorization_header) const;

 private:
  std::map<std::string, std::string> users_;
};

}  // namespace vpm::exporter
