#include "host_resolver.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <netdb.h>
#include <sys/socket.h>
#endif

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <thread>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

namespace vpm {
namespace {

ResolvedHost lookup_blocking(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6, in the order the system prefers
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  ResolvedHost result;
  if (rc != 0 || found == nullptr) {
    result.error = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return result;
  }
  for (addrinfo* ai = found; ai != nullptr && !result.address; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      boost::asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &sin->sin_addr, bytes.size());
      result.address = boost::asio::ip::address_v4(bytes);
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      boost::asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &sin6->sin6_addr, bytes.size());
      result.address = boost::asio::ip::address_v6(bytes, sin6->sin6_scope_id);
    }
  }
  ::freeaddrinfo(found);
  if (!result.address) result.error = "cannot resolve " + host + ": no IPv4 or IPv6 address";
  return result;
}

}  // namespace

HostResolver::HostResolver(boost::asio::io_context& io)
    : io_(io), shared_(std::make_shared<Shared>()) {
  shared_->io = &io;
}

HostResolver::~HostResolver() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  shared_->io = nullptr;
}

void HostResolver::resolve(const std::string& host, Duration timeout,
                           std::function<void(ResolvedHost)> done) {
  // Brackets are how URLs and many configs write IPv6 literals.
  std::string literal = host;
  if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') {
    literal = literal.substr(1, literal.size() - 2);
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(literal, ec);
  if (!ec) {
    boost::asio::post(io_, [done = std::move(done), address] { done(ResolvedHost{address, {}}); });
    return;
  }

  // First answer wins: the lookup's or the deadline's.
  struct Pending {
    std::function<void(ResolvedHost)> done;
    boost::asio::steady_timer timer;
    bool answered = false;
    Pending(boost::asio::io_context& io, std::function<void(ResolvedHost)> d)
        : done(std::move(d)), timer(io) {}
    void answer(ResolvedHost result) {
      if (answered) return;
      answered = true;
      timer.cancel();
      done(std::move(result));
    }
  };
  auto pending = std::make_shared<Pending>(io_, std::move(done));
  pending->timer.expires_after(timeout);
  pending->timer.async_wait([pending, host, timeout](const boost::system::error_code& wait_ec) {
    if (wait_ec) return;
    pending->answer(ResolvedHost{
        std::nullopt, "cannot resolve " + host + ": no answer in " + format_duration(timeout)});
  });
  // The thread holds only a weak reference: the timer's handler owns `pending`, so nothing
  // of the io_context is ever touched from this thread after the context is gone.
  std::weak_ptr<Pending> weak = pending;
  std::thread([shared = shared_, weak, host] {
    ResolvedHost result = lookup_blocking(host);
    std::lock_guard<std::mutex> lock(shared->mutex);
    if (shared->io == nullptr) return;
    boost::asio::post(*shared->io, [weak, result = std::move(result)]() mutable {
      if (auto alive = weak.lock()) alive->answer(std::move(result));
    });
  }).detach();
}

}  // namespace vpm
