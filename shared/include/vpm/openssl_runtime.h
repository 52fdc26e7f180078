#pragma once
// OpenSSL when TLS is first used, not at start-up. On Linux the programs are not linked with
// libssl and libcrypto: merely being linked cost ~1.7 MiB of resident memory in every process
// (the loader reads their symbol tables and relocates their data), and most configurations
// never use TLS. shared/src/openssl_lazy.cc defines each OpenSSL function we call; the first
// call loads libssl.so.3 (which brings libcrypto.so.3). Windows links OpenSSL statically
// (openssl_linked.cc), so there it is always there.
#include <optional>
#include <string>

namespace vpm {

// Loads OpenSSL unless it is loaded already: nullopt when it is there, else why not, naming
// the library ("cannot load libssl.so.3: libssl.so.3: cannot open shared object file: No such
// file or directory (TLS needs the package libssl3)"). A TLS entry point asks this first and
// fails with the message: an OpenSSL function called when the library cannot be loaded prints
// that message and aborts the process.
std::optional<std::string> openssl_load_error();

}  // namespace vpm
