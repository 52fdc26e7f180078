// UDP probe on a connected socket: the kernel then reports an ICMP port unreachable for
// our destination as ECONNREFUSED on the next receive, which is how "refused" is told from
// silence. One retransmit at half the deadline covers a single lost datagram.
#include <array>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "descriptors.h"
#include "udp_exchange.h"
#include "udp_payloads.h"
#include "vpm/os_seam.h"
#include "vpm/probe.h"
#include "vpm/source_address.h"

namespace vpm {
namespace {

using boost::asio::ip::udp;
using Clock = std::chrono::steady_clock;

std::uint16_t next_transaction_id() {
  static thread_local std::minstd_rand generator{std::random_device{}()};
  return static_cast<std::uint16_t>(generator() & 0xffff);
}

class UdpProbe : public std::enable_shared_from_this<UdpProbe> {
 public:
  UdpProbe(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
           std::vector<std::uint8_t> payload, ReplyCheck check)
      : socket_(io),
        timer_(io),
        request_(request),
        done_(std::move(done)),
        payload_(std::move(payload)),
        check_(std::move(check)) {}

  void start() {
    boost::system::error_code ec;
    socket_.open(request_.address.is_v4() ? udp::v4() : udp::v6(), ec);
    if (!ec && request_.source) {
      std::string problem = source_family_problem(*request_.source, request_.address);
      if (problem.empty()) {
        const boost::system::error_code bind_error =
            os::bind_source(socket_.native_handle(), *request_.source);
        if (bind_error) problem = bind_failure(*request_.source, bind_error.message());
      }
      if (!problem.empty()) {
        boost::asio::post(socket_.get_executor(),
                          [self = shared_from_this(), problem = std::move(problem)]() mutable {
                            self->finish(PortState::kError, std::move(problem));
                          });
        return;
      }
    }
    if (!ec) os::prepare_udp_socket(socket_.native_handle());
    if (!ec) socket_.connect(udp::endpoint(request_.address, request_.port), ec);
    if (ec) {
      boost::asio::post(socket_.get_executor(), [self = shared_from_this(), ec] {
        self->out_of_descriptors_ = out_of_descriptors(ec);
        self->finish(os::classify_socket_error(ec), "udp: " + ec.message());
      });
      return;
    }
    deadline_ = Clock::now() + request_.timeout;
    started_ = Clock::now();
    socket_.async_receive(
        boost::asio::buffer(reply_),
        [self = shared_from_this()](const boost::system::error_code& rec, std::size_t bytes) {
          self->on_receive(rec, bytes);
        });
    send();
    timer_.expires_at(started_ + request_.timeout / 2);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
      self->on_retransmit_time(wait_ec);
    });
  }

 private:
  void send() {
    socket_.async_send(
        boost::asio::buffer(payload_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          // An ICMP error from an earlier datagram may surface here instead.
          if (ec && !self->finished_ && ec != boost::asio::error::operation_aborted) {
            self->finish(os::classify_socket_error(ec), "send: " + ec.message());
          }
        });
  }

  void on_retransmit_time(const boost::system::error_code& ec) {
    if (ec || finished_) return;
    if (!resent_) {
      resent_ = true;
      send();
      timer_.expires_at(deadline_);
      timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
        self->on_retransmit_time(wait_ec);
      });
      return;
    }
    finish(PortState::kOpenFiltered, "no reply in " + format_duration(request_.timeout));
  }

  void on_receive(const boost::system::error_code& ec, std::size_t bytes) {
    if (finished_) return;
    if (!ec) {
      latency_ = Clock::now() - started_;
      if (!check_) return finish(PortState::kOpen, {});
      ReplyVerdict verdict = check_(ByteView(reply_.data(), bytes));
      service_time_ = latency_;  // one datagram each way: the exchange is the round trip
      finish(verdict.expected ? PortState::kOpen : PortState::kMismatch, std::move(verdict.text));
      return;
    }
    if (ec == boost::asio::error::operation_aborted) return;
    const PortState state = os::classify_socket_error(ec);
    if (state == PortState::kRefused) latency_ = Clock::now() - started_;
    finish(state, state == PortState::kRefused ? std::string{} : "receive: " + ec.message());
  }

  void finish(PortState state, std::string reason) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    PortResult result;
    result.port = request_.port;
    result.state = state;
    result.latency = latency_;
    result.reason = std::move(reason);
    result.service_time = service_time_;
    result.out_of_descriptors = out_of_descriptors_;
    ProbeDone done = std::move(done_);
    done(std::move(result));
  }

  udp::socket socket_;
  boost::asio::steady_timer timer_;
  ProbeRequest request_;
  ProbeDone done_;
  std::vector<std::uint8_t> payload_;
  ReplyCheck check_;
  std::array<std::uint8_t, 1500> reply_{};
  Clock::time_point started_{};
  Clock::time_point deadline_{};
  std::chrono::nanoseconds latency_{0};
  std::optional<std::chrono::nanoseconds> service_time_;  // a reply the check judged
  bool resent_ = false;
  bool finished_ = false;
  bool out_of_descriptors_ = false;  // no socket could be made
};

}  // namespace

void probe_udp(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  std::make_shared<UdpProbe>(io, request, std::move(done),
                             udp_payload_for(request.port, next_transaction_id()), nullptr)
      ->start();
}

void udp_exchange(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                  std::vector<std::uint8_t> payload, ReplyCheck check) {
  std::make_shared<UdpProbe>(io, request, std::move(done), std::move(payload), std::move(check))
      ->start();
}

std::uint16_t udp_transaction_id() { return next_transaction_id(); }

}  // namespace vpm
