#pragma once
// The head of an HTTP/1.x response (status line and header fields), written by the exporter
// itself so that it goes out in one write. civetweb's mg_response_header_send writes each field
// with a write of its own, and with TCP_NODELAY (http_server.cc) each is a TCP segment: ten
// segments and ten system calls for a scrape of /metrics where three do (head, shared page,
// fresh part). Under `wrk -c 64` that was a measurable part of the exporter's time
// (bench/load_test.sh).
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vpm::exporter {

// Whether the client lets the connection stay open after this response, as civetweb decides it
// (should_keep_alive): a Connection header is obeyed (keep-alive among its options: yes,
// otherwise no); without one, HTTP/1.1 keeps it open and 1.0 does not. Null: no header.
bool client_keeps_alive(const char* connection_header, std::string_view http_version);

// An IMF-fixdate (RFC 9110 section 5.6.7), "Sat, 05 Dec 2026 06:44:18 GMT", in any locale.
std::string http_date(std::chrono::system_clock::time_point when);

struct ResponseHead {
  int status = 200;
  std::string_view reason;        // "OK"
  std::string_view http_version;  // of the request: "1.1" or "1.0"
  std::vector<std::pair<std::string_view, std::string_view>> fields;  // in this order
  bool keep_alive = true;  // Connection: keep-alive, or close
};

// The head as it goes on the wire: the status line, the fields, Date, Connection, blank line.
std::string serialize(const ResponseHead& head, std::chrono::system_clock::time_point now);

}  // namespace vpm::exporter
