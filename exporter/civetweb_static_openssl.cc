// Windows: civetweb is built with OpenSSL linked in statically (scripts/build-windows-deps.sh:
// NO_SSL_DL, OPENSSL_API_3_0). Nothing is loaded at run time, and SSL_get_peer_certificate is
// OpenSSL 3's macro for SSL_get1_peer_certificate when civetweb is compiled (civetweb frees the
// reference it gets), so the Linux shims (civetweb_libssl_shim.cc) have nothing to do here.
// http_server.cc calls them before civetweb starts TLS; here they only say "ready".
extern "C" int vpm_civetweb_libssl_shim() { return 1; }
extern "C" int vpm_civetweb_libcrypto_shim() { return 1; }
