#pragma once
// A hostile TCP peer on 127.0.0.1:<ephemeral>: accepts every connection at once and runs the
// test's handler on a thread of its own per connection, so many probes can be held at the same
// time. Handlers should return soon after `stopping()` turns true; the destructor waits for them.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace vpm::test {

class HostilePeer {
 public:
  using Handler = std::function<void(int fd, const HostilePeer& peer)>;
  // No handler: a plain tarpit that holds every connection open, unread, on no thread of its
  // own (so the memory measured is the prober's, not the peer's).
  explicit HostilePeer(Handler handler);
  ~HostilePeer();
  HostilePeer(const HostilePeer&) = delete;
  HostilePeer& operator=(const HostilePeer&) = delete;

  std::uint16_t port() const { return port_; }
  bool stopping() const { return stop_.load(); }
  int connections() const { return connections_.load(); }
  std::size_t bytes_sent() const { return bytes_sent_.load(); }
  void count_sent(std::size_t n) const { bytes_sent_ += n; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::atomic<std::size_t> bytes_sent_{0};
  Handler handler_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<int> held_;
  std::thread acceptor_;
};

// Handlers.
// Accepts and never speaks; reads and drops what comes until the client goes.
void tarpit(int fd, const HostilePeer& peer);
// Sends `text` one byte a second (well past any deadline of the tests).
HostilePeer::Handler drip(std::string text, int interval_ms = 1000);
// Sends `head` once, then `body` over and over: megabytes until the client goes or `limit`.
HostilePeer::Handler flood(std::string head, std::string body, std::size_t limit);
// Reads what the client sends first (up to `read_bytes`, 1s), sends `partial`, then resets the
// connection (SO_LINGER 0 + close: an RST, mid-reply).
HostilePeer::Handler reset_after(std::string partial, std::size_t read_bytes);

// VmRSS of this process in KiB, from /proc/self/status.
long rss_kib();

}  // namespace vpm::test
