#pragma once
// Asynchronous name resolution with a deadline. getaddrinfo blocks and cannot be cancelled,
// so each lookup runs on a detached thread that posts its answer back; an answer that comes
// after the deadline, or after the resolver is gone, is dropped.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "vpm/duration.h"

namespace vpm {

struct ResolvedHost {
  std::optional<boost::asio::ip::address> address;  // the first address getaddrinfo prefers
  std::string error;                                // why not, when there is no address
};

class HostResolver {
 public:
  explicit HostResolver(boost::asio::io_context& io);
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  // IP literals answer without a lookup. `done` runs on the io_context's thread, never inline.
  void resolve(const std::string& host, Duration timeout, std::function<void(ResolvedHost)> done);

 private:
  struct Shared {
    std::mutex mutex;
    boost::asio::io_context* io = nullptr;  // null once the resolver is destroyed
  };
  boost::asio::io_context& io_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace vpm
