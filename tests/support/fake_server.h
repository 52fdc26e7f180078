#pragma once
// A scripted TCP server on 127.0.0.1:<ephemeral> for the service-check tests: a thread accepts
// connections one at a time and runs the test's handler on each (blocking socket calls), so a
// fake speaks just enough of a protocol in a few lines. Also the wrong services every check
// must call a mismatch: silent, closing at once, garbage.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace vpm::test {

class FakeTcpServer {
 public:
  using Handler = std::function<void(int fd)>;  // the connection is closed after it returns
  // port 0: an ephemeral port. A fixed one (139) throws std::runtime_error when taken.
  explicit FakeTcpServer(Handler handler, std::uint16_t port = 0);
  ~FakeTcpServer();
  FakeTcpServer(const FakeTcpServer&) = delete;
  FakeTcpServer& operator=(const FakeTcpServer&) = delete;
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  Handler handler_;
  std::thread thread_;
};

// Reads until `want` bytes came, the peer closed, or `limit` passed; returns what came.
std::string read_bytes(int fd, std::size_t want,
                       std::chrono::milliseconds limit = std::chrono::seconds(3));
// Reads up to and including the first "\r\n\r\n" (or `limit`, or close).
std::string read_until(int fd, std::string_view end,
                       std::chrono::milliseconds limit = std::chrono::seconds(3));
// False when the peer went away (no SIGPIPE).
bool write_all(int fd, std::string_view data);
// Waits for the peer to close (or `limit`), reading and dropping what it sends.
void wait_for_close(int fd, std::chrono::milliseconds limit = std::chrono::seconds(5));

// The wrong services.
void silent(int fd);            // accepts, says nothing, waits for the client to go
void close_at_once(int fd);     // accepts and closes
void garbage_megabyte(int fd);  // sends 1 MiB of bytes no protocol starts with, then waits
void http_bad_request(int fd);  // reads a little, answers "HTTP/1.1 400 Bad Request"

}  // namespace vpm::test
