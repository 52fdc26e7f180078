// TCP connect probe: a non-blocking connect raced against a steady_timer that closes the
// socket at the deadline (the watchdog pattern from Asio's timeout examples). The service
// checks start here too: on success they get the connected socket instead of a result.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "descriptors.h"
#include "tcp_connect.h"
#include "vpm/os_seam.h"
#include "vpm/probe.h"
#include "vpm/source_address.h"

namespace vpm {
namespace {

using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class TcpConnectProbe : public std::enable_shared_from_this<TcpConnectProbe> {
 public:
  TcpConnectProbe(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                  OnConnected on_connected)
      : socket_(io),
        timer_(io),
        request_(request),
        done_(std::move(done)),
        on_connected_(std::move(on_connected)) {}

  void start() {
    const tcp::endpoint endpoint(request_.address, request_.port);
    started_ = Clock::now();
    if (request_.source) {
      if (std::string problem = source_family_problem(*request_.source, request_.address);
          !problem.empty()) {
        post_failure(std::move(problem));
        return;
      }
    }
    const os::ConnectStart begun = os::begin_connect(endpoint, request_.source, !on_connected_);
    if (begun.bind_failed) {
      post_failure(bind_failure(*request_.source, begun.error.message()));
      return;
    }
    if (begun.status == os::ConnectStart::Status::kConnected && !on_connected_) {
      // Open, and nothing more to ask: the socket never needs the reactor.
      latency_ = Clock::now() - started_;
      const bool itself = os::finish_open_connect(begun.handle, endpoint, request_.source);
      boost::asio::post(socket_.get_executor(), [self = shared_from_this(), itself] {
        self->timer_.cancel();
        // Inside the ephemeral range a connect to a port nobody listens on can pick that
        // same port as its source and "succeed" by simultaneous open.
        if (itself) {
          self->finish(PortState::kRefused, "self-connect: nothing listens");
        } else {
          self->finish(PortState::kOpen, {});
        }
      });
      return;
    }
    if (begun.status != os::ConnectStart::Status::kFailed) {
      boost::system::error_code ec;
      socket_.assign(endpoint.protocol(), begun.handle, ec);
      if (ec) {
        os::close_socket(begun.handle);  // not owned by socket_ yet
        post_outcome(ec);
        return;
      }
    }
    if (begun.status != os::ConnectStart::Status::kPending) {
      // Decided inside connect(): report it without a trip through the reactor, but never
      // inline (the runner may be in the middle of launching probes).
      post_outcome(begun.error);
      return;
    }
    timer_.expires_after(request_.timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
      if (wait_ec || self->finished_) return;
      self->deadline_passed_ = true;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);  // the pending wait completes with operation_aborted
    });
    socket_.async_wait(tcp::socket::wait_write,
                       [self = shared_from_this()](const boost::system::error_code& wait_ec) {
                         self->on_connect_ready(wait_ec);
                       });
#ifdef _WIN32
    // Windows reports a failed connect in select()'s except set only.
    socket_.async_wait(tcp::socket::wait_error,
                       [self = shared_from_this()](const boost::system::error_code& wait_ec) {
                         self->on_connect_ready(wait_ec);
                       });
#endif
  }

 private:
  // The probe could not be made as asked (its source): the state error, never a fallback.
  void post_failure(std::string reason) {
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), reason = std::move(reason)]() mutable {
                        self->finish(PortState::kError, std::move(reason));
                      });
  }

  void post_outcome(const boost::system::error_code& ec) {
    latency_ = Clock::now() - started_;
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), ec] { self->on_connect(ec); });
  }

  void on_connect_ready(const boost::system::error_code& wait_ec) {
#ifdef _WIN32
    if (finished_) return;  // the other of the two waits came first
    boost::system::error_code ignored;
    socket_.cancel(ignored);
#endif
    on_connect(wait_ec ? wait_ec : os::connect_outcome(socket_.native_handle()));
  }

  void on_connect(const boost::system::error_code& ec) {
    if (latency_.count() == 0) latency_ = Clock::now() - started_;
    timer_.cancel();
    if (!ec) {
      if (socket_.is_open() && connected_to_itself()) {
        finish(PortState::kRefused, "self-connect: nothing listens");
      } else if (on_connected_) {
        hand_over();
      } else {
        finish(PortState::kOpen, {});
      }
      return;
    }
    if (deadline_passed_) {
      latency_ = {};
      finish(PortState::kFiltered, "no answer in " + format_duration(request_.timeout));
      return;
    }
    const PortState state = os::classify_socket_error(ec);
    if (state != PortState::kRefused) latency_ = {};
    out_of_descriptors_ = out_of_descriptors(ec);
    finish(state, state == PortState::kRefused ? std::string{} : "connect: " + ec.message());
  }

  bool connected_to_itself() {
    boost::system::error_code local_ec;
    boost::system::error_code remote_ec;
    const auto local = socket_.local_endpoint(local_ec);
    const auto remote = socket_.remote_endpoint(remote_ec);
    return !local_ec && !remote_ec && local == remote;
  }

  // The service check goes on with the socket, within what is left of the same deadline.
  void hand_over() {
    finished_ = true;
    PortResult connected;
    connected.port = request_.port;
    connected.state = PortState::kOpen;
    connected.latency = latency_;
    OnConnected next = std::move(on_connected_);
    next(std::move(socket_), std::move(connected), started_ + request_.timeout, std::move(done_));
  }

  void finish(PortState state, std::string reason) {
    finished_ = true;
    if (socket_.is_open()) {
      // An accepted connection closed with RST leaves no TIME_WAIT on either side, so a
      // sweep of thousands of ports never runs out of ephemeral ports.
      if (state == PortState::kOpen) os::set_abortive_close(socket_.native_handle());
      boost::system::error_code ignored;
      socket_.close(ignored);
    }
    PortResult result;
    result.port = request_.port;
    result.state = state;
    result.latency = latency_;
    result.reason = std::move(reason);
    result.out_of_descriptors = out_of_descriptors_;
    ProbeDone done = std::move(done_);
    done(std::move(result));
  }

  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  ProbeRequest request_;
  ProbeDone done_;
  OnConnected on_connected_;
  Clock::time_point started_{};
  std::chrono::nanoseconds latency_{0};
  bool deadline_passed_ = false;
  bool finished_ = false;
  bool out_of_descriptors_ = false;  // the connect failed for want of a socket
};

}  // namespace

void probe_tcp_connect(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  std::make_shared<TcpConnectProbe>(io, request, std::move(done), nullptr)->start();
}

void tcp_connect_then(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                      OnConnected on_connected) {
  std::make_shared<TcpConnectProbe>(io, request, std::move(done), std::move(on_connected))->start();
}

}  // namespace vpm
