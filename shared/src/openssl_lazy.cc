// Linux: every OpenSSL function that our code and Boost.Asio's inline ssl code call, defined
// here with the header's own signature (the headers are included, so a signature that differs
// from OpenSSL's is a compile error). The first call loads libssl.so.3 and looks the real
// function up, once. A function missing from this list stays undefined, so a new call into
// OpenSSL is a link error until it is added here.
//
// Compiled with -fvisibility=hidden (shared/CMakeLists.txt): the definitions are local to the
// executable, never in its dynamic symbol table, so the loaded libssl and libcrypto (and
// civetweb's copies of their names) bind to each other, not to these forwarders.
#include <dlfcn.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "vpm/openssl_runtime.h"

namespace vpm {
namespace {

// The SONAME of the libssl these headers belong to (Debian 12: libssl3's libssl.so.3).
constexpr const char* kLibssl = "libssl.so." OPENSSL_MSTR(OPENSSL_SHLIB_VERSION);

struct Library {
  void* handle = nullptr;
  std::string error;  // when handle is null
};

// Loaded once, by whichever thread comes first (a function-local static is thread-safe).
// RTLD_LOCAL: only these forwarders and civetweb's shims (which depend on it) use it.
const Library& library() {
  static const Library loaded = [] {
    Library library;
    library.handle = ::dlopen(kLibssl, RTLD_NOW | RTLD_LOCAL);
    if (library.handle == nullptr) {
      const char* why = ::dlerror();
      library.error = std::string("cannot load ") + kLibssl + ": " +
                      (why != nullptr ? why : "unknown error") + " (TLS needs the package libssl3)";
    }
    return library;
  }();
  return loaded;
}

[[noreturn]] void fail(const char* function, const std::string& why) {
  std::fprintf(stderr, "veeam-port-monitor: OpenSSL's %s is needed, but %s\n", function,
               why.c_str());
  std::abort();
}

// The real `function`, or the end of the process with a message (never a call through null).
template <typename Function>
Function real(const char* function) {
  const Library& openssl = library();
  if (openssl.handle == nullptr) fail(function, openssl.error);
  ::dlerror();
  void* address = ::dlsym(openssl.handle, function);
  if (address == nullptr) {
    const char* why = ::dlerror();
    fail(function, std::string(kLibssl) + " does not have it: " + (why != nullptr ? why : "null"));
  }
  return reinterpret_cast<Function>(address);
}

}  // namespace

std::optional<std::string> openssl_load_error() {
  const Library& openssl = library();
  if (openssl.handle == nullptr) return openssl.error;
  return std::nullopt;
}

}  // namespace vpm

// NAME(PARAMETERS) calls the real NAME with ARGUMENTS, looked up on the first call.
#define VPM_OPENSSL_FORWARD(RESULT, NAME, PARAMETERS, ARGUMENTS)    \
  RESULT NAME PARAMETERS {                                          \
    static const auto function = vpm::real<decltype(&NAME)>(#NAME); \
    return function ARGUMENTS;                                      \
  }

extern "C" {

// clang-format off
// asn1.h
VPM_OPENSSL_FORWARD(int, ASN1_TIME_to_tm, (const ASN1_TIME* s, struct tm* tm), (s, tm))

// bio.h
VPM_OPENSSL_FORWARD(long, BIO_ctrl, (BIO* bp, int cmd, long larg, void* parg),
                    (bp, cmd, larg, parg))
VPM_OPENSSL_FORWARD(size_t, BIO_ctrl_pending, (BIO* b), (b))
VPM_OPENSSL_FORWARD(int, BIO_free, (BIO* a), (a))
VPM_OPENSSL_FORWARD(BIO*, BIO_new, (const BIO_METHOD* type), (type))
VPM_OPENSSL_FORWARD(int, BIO_new_bio_pair,
                    (BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2),
                    (bio1, writebuf1, bio2, writebuf2))
VPM_OPENSSL_FORWARD(int, BIO_read, (BIO* b, void* data, int dlen), (b, data, dlen))
VPM_OPENSSL_FORWARD(const BIO_METHOD*, BIO_s_mem, (void), ())
VPM_OPENSSL_FORWARD(int, BIO_write, (BIO* b, const void* data, int dlen), (b, data, dlen))

// err.h
VPM_OPENSSL_FORWARD(void, ERR_clear_error, (void), ())
VPM_OPENSSL_FORWARD(void, ERR_error_string_n, (unsigned long e, char* buf, size_t len),
                    (e, buf, len))
VPM_OPENSSL_FORWARD(unsigned long, ERR_get_error, (void), ())
VPM_OPENSSL_FORWARD(const char*, ERR_reason_error_string, (unsigned long e), (e))

// ssl.h: contexts
VPM_OPENSSL_FORWARD(int, SSL_CTX_check_private_key, (const SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(long, SSL_CTX_ctrl, (SSL_CTX* ctx, int cmd, long larg, void* parg),
                    (ctx, cmd, larg, parg))
VPM_OPENSSL_FORWARD(void, SSL_CTX_free, (SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(void*, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(void*, SSL_CTX_get_ex_data, (const SSL_CTX* ssl, int idx), (ssl, idx))
VPM_OPENSSL_FORWARD(SSL_verify_cb, SSL_CTX_get_verify_callback, (const SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(int, SSL_CTX_get_verify_mode, (const SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(int, SSL_CTX_load_verify_locations,
                    (SSL_CTX* ctx, const char* CAfile, const char* CApath), (ctx, CAfile, CApath))
VPM_OPENSSL_FORWARD(SSL_CTX*, SSL_CTX_new, (const SSL_METHOD* meth), (meth))
VPM_OPENSSL_FORWARD(void, SSL_CTX_set_client_CA_list,
                    (SSL_CTX* ctx, STACK_OF(X509_NAME)* name_list), (ctx, name_list))
VPM_OPENSSL_FORWARD(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX* ctx, void* u),
                    (ctx, u))
VPM_OPENSSL_FORWARD(int, SSL_CTX_set_default_verify_paths, (SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(int, SSL_CTX_set_ex_data, (SSL_CTX* ssl, int idx, void* data),
                    (ssl, idx, data))
VPM_OPENSSL_FORWARD(uint64_t, SSL_CTX_set_options, (SSL_CTX* ctx, uint64_t op), (ctx, op))
VPM_OPENSSL_FORWARD(int, SSL_CTX_set_session_id_context,
                    (SSL_CTX* ctx, const unsigned char* sid_ctx, unsigned int sid_ctx_len),
                    (ctx, sid_ctx, sid_ctx_len))
VPM_OPENSSL_FORWARD(void, SSL_CTX_set_verify, (SSL_CTX* ctx, int mode, SSL_verify_cb callback),
                    (ctx, mode, callback))
VPM_OPENSSL_FORWARD(int, SSL_CTX_use_PrivateKey_file, (SSL_CTX* ctx, const char* file, int type),
                    (ctx, file, type))
VPM_OPENSSL_FORWARD(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX* ctx, const char* file),
                    (ctx, file))
VPM_OPENSSL_FORWARD(STACK_OF(X509_NAME)*, SSL_load_client_CA_file, (const char* file), (file))
VPM_OPENSSL_FORWARD(const SSL_METHOD*, TLS_client_method, (void), ())
VPM_OPENSSL_FORWARD(const SSL_METHOD*, TLS_method, (void), ())
VPM_OPENSSL_FORWARD(const SSL_METHOD*, TLS_server_method, (void), ())

// ssl.h: connections
VPM_OPENSSL_FORWARD(int, SSL_accept, (SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(int, SSL_connect, (SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(long, SSL_ctrl, (SSL* ssl, int cmd, long larg, void* parg),
                    (ssl, cmd, larg, parg))
VPM_OPENSSL_FORWARD(void, SSL_free, (SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(X509_VERIFY_PARAM*, SSL_get0_param, (SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(X509*, SSL_get1_peer_certificate, (const SSL* s), (s))
VPM_OPENSSL_FORWARD(SSL_CTX*, SSL_get_SSL_CTX, (const SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(int, SSL_get_error, (const SSL* s, int ret_code), (s, ret_code))
VPM_OPENSSL_FORWARD(void*, SSL_get_ex_data, (const SSL* ssl, int idx), (ssl, idx))
VPM_OPENSSL_FORWARD(int, SSL_get_ex_data_X509_STORE_CTX_idx, (void), ())
VPM_OPENSSL_FORWARD(int, SSL_get_shutdown, (const SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(long, SSL_get_verify_result, (const SSL* ssl), (ssl))
VPM_OPENSSL_FORWARD(const char*, SSL_get_version, (const SSL* s), (s))
VPM_OPENSSL_FORWARD(SSL*, SSL_new, (SSL_CTX* ctx), (ctx))
VPM_OPENSSL_FORWARD(int, SSL_read, (SSL* ssl, void* buf, int num), (ssl, buf, num))
VPM_OPENSSL_FORWARD(int, SSL_set1_host, (SSL* s, const char* hostname), (s, hostname))
VPM_OPENSSL_FORWARD(void, SSL_set_bio, (SSL* s, BIO* rbio, BIO* wbio), (s, rbio, wbio))
VPM_OPENSSL_FORWARD(int, SSL_set_ex_data, (SSL* ssl, int idx, void* data), (ssl, idx, data))
VPM_OPENSSL_FORWARD(int, SSL_write, (SSL* ssl, const void* buf, int num), (ssl, buf, num))

// x509.h, x509_vfy.h
VPM_OPENSSL_FORWARD(int, X509_NAME_print_ex,
                    (BIO* out, const X509_NAME* nm, int indent, unsigned long flags),
                    (out, nm, indent, flags))
VPM_OPENSSL_FORWARD(void*, X509_STORE_CTX_get_ex_data, (const X509_STORE_CTX* ctx, int idx),
                    (ctx, idx))
VPM_OPENSSL_FORWARD(int, X509_VERIFY_PARAM_set1_ip_asc,
                    (X509_VERIFY_PARAM* param, const char* ipasc), (param, ipasc))
VPM_OPENSSL_FORWARD(void, X509_free, (X509* a), (a))
VPM_OPENSSL_FORWARD(const ASN1_TIME*, X509_get0_notAfter, (const X509* x), (x))
VPM_OPENSSL_FORWARD(const char*, X509_get_default_cert_file, (void), ())
VPM_OPENSSL_FORWARD(const char*, X509_get_default_cert_file_env, (void), ())
VPM_OPENSSL_FORWARD(X509_NAME*, X509_get_issuer_name, (const X509* a), (a))
VPM_OPENSSL_FORWARD(X509_NAME*, X509_get_subject_name, (const X509* a), (a))
VPM_OPENSSL_FORWARD(const char*, X509_verify_cert_error_string, (long n), (n))
// clang-format on

}  // extern "C"
