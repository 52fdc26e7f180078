#include "tls_client_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <utility>

#ifdef _WIN32
#include <filesystem>
#else
#include <sys/stat.h>
#endif

#include "vpm/openssl_runtime.h"
#include "vpm/quoted.h"

namespace vpm {
namespace {

namespace ssl = boost::asio::ssl;

// What identifies one version of a file without reading it. A file rewritten in place keeps its
// inode but changes its change time; one replaced by a rename gets a new inode.
struct FileVersion {
  bool exists = false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  unsigned long long size = 0;
  long long modified_ns = 0;
  long long changed_ns = 0;
  friend bool operator==(const FileVersion&, const FileVersion&) = default;
};

FileVersion version_of(const std::string& path) {
  FileVersion version;
#ifdef _WIN32
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return version;
  const auto modified = std::filesystem::last_write_time(path, ec);
  if (ec) return version;
  version.exists = true;
  version.size = size;
  version.modified_ns = static_cast<long long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count());
#else
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return version;
  version.exists = true;
  version.device = static_cast<unsigned long long>(st.st_dev);
  version.inode = static_cast<unsigned long long>(st.st_ino);
  version.size = static_cast<unsigned long long>(st.st_size);
  version.modified_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL +
                        static_cast<long long>(st.st_mtim.tv_nsec);
  version.changed_ns = static_cast<long long>(st.st_ctim.tv_sec) * 1'000'000'000LL +
                       static_cast<long long>(st.st_ctim.tv_nsec);
#endif
  return version;
}

// The bundle set_default_verify_paths() loads: $SSL_CERT_FILE, else OpenSSL's default file.
// (The hashed directory is read lazily, one certificate per lookup, and cached by the store.)
std::string system_bundle() {
  if (const char* env = std::getenv(X509_get_default_cert_file_env())) {
    if (*env != '\0') return env;
  }
  return X509_get_default_cert_file();
}

struct Cached {
  FileVersion version;
  TlsClientContext built;
};

std::mutex cache_mutex;
std::map<std::string, Cached> cache;  // by ca_file ("" is the system store); guarded
std::size_t built_count = 0;          // guarded

TlsClientContext build(const std::string& ca_file) {
  ++built_count;
  TlsClientContext out;
  boost::system::error_code ec;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_default_verify_paths(ec);  // no store is not an error: nothing verifies then
  if (!ca_file.empty()) {
    context->load_verify_file(ca_file, ec);
    if (ec) {
      out.error = "ca_file " + vpm::quoted(ca_file) + ": " + ssl_reason(ec);
      return out;
    }
  }
  // Verify, but let the handshake complete whatever the outcome: the result is reported, and it
  // fails the check only when the flow requires verification.
  context->set_verify_mode(ssl::verify_peer);
  context->set_verify_callback([](bool, ssl::verify_context&) { return true; });
  out.context = std::move(context);
  return out;
}

}  // namespace

std::string ssl_reason(const boost::system::error_code& ec) {
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) {
      return reason;
    }
  }
  return ec.message();
}

TlsClientContext tls_client_context(const std::string& ca_file) {
  // The first TLS probe loads OpenSSL; without it every TLS probe says why.
  if (std::optional<std::string> error = openssl_load_error()) return {nullptr, std::move(*error)};
  const FileVersion version = version_of(ca_file.empty() ? system_bundle() : ca_file);
  const std::lock_guard lock(cache_mutex);
  if (!ca_file.empty() && !version.exists) {
    cache.erase(ca_file);
    return build(ca_file);  // fails with OpenSSL's reason; cheap, and a file may yet appear
  }
  auto found = cache.find(ca_file);
  if (found != cache.end() && found->second.version == version) return found->second.built;
  TlsClientContext built = build(ca_file);
  cache.insert_or_assign(ca_file, Cached{version, built});
  return built;
}

std::size_t tls_client_contexts_built() {
  const std::lock_guard lock(cache_mutex);
  return built_count;
}

}  // namespace vpm
