// A shared library whose SONAME is "libssl.so" and which depends on libssl.so.3, loaded by
// veeam_port_exporter before civetweb starts TLS (prepare_civetweb_tls, platform_posix.cc).
// Debian 12's civetweb 1.15 loads OpenSSL at run time with dlopen("libssl.so") and looks
// functions up by their OpenSSL 1.1 names; OpenSSL 3 no longer exports
// SSL_get_peer_certificate (a macro for SSL_get1_peer_certificate now), so civetweb calls a
// null pointer on the first TLS connection (civetweb issue #1334). glibc's dlopen returns an
// already loaded object whose SONAME matches the requested name, so civetweb gets this
// library; dlsym on it finds the function below here and every other one in libssl.so.3, its
// dependency. A side benefit: TLS no longer needs libssl-dev's unversioned symlink.
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" {

__attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl) {
  return SSL_get1_peer_certificate(ssl);  // same contract: the caller frees the reference
}

// Looked up by the exporter, to tell this library from another one named libssl.so.
__attribute__((visibility("default"))) int vpm_civetweb_libssl_shim() { return 1; }

}  // extern "C"
