#pragma once
// One TLS client context per CA configuration, shared by every probe that uses it. Building a
// context reads the CA bundle (the system store is ~140 certificates): per probe, a 1,000-flow
// TLS config would parse it 1,000 times a run and hold one copy per probe in flight.
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>

namespace vpm {

struct TlsClientContext {
  std::shared_ptr<boost::asio::ssl::context> context;  // null when `error` is set
  std::string error;  // "ca_file \"x.pem\": no certificate or crl found"
};

// The context for `ca_file` (empty: the system store). Every context verifies the peer but lets
// the handshake complete whatever the outcome: whether verification is required is the
// caller's (per-probe) decision, so `verify` is not part of the key. A context is rebuilt when
// its file changes (path, inode, size, modification or change time differ), so a replaced CA
// file is used from the next probe on. Thread-safe; a context is built once per file version.
TlsClientContext tls_client_context(const std::string& ca_file);

// OpenSSL's reason for a failed TLS operation, without the "(SSL routines)" decoration.
std::string ssl_reason(const boost::system::error_code& ec);

// How many contexts have been built in this process: tests prove the sharing with it.
std::size_t tls_client_contexts_built();

}  // namespace vpm
