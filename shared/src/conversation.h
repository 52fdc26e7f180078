#pragma once
// The part every TCP service check shares after the connect: send, receive a reply bounded in
// size and time, start TLS, finish with a state. One steady_timer watchdog holds the whole
// conversation to the probe's deadline; a silent or slow peer becomes a mismatch, never a hang.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include "service_messages.h"
#include "tcp_connect.h"
#include "vpm/probe.h"

namespace vpm {

// Replies are never buffered beyond this: a peer that sends more without completing one is
// not the service expected.
inline constexpr std::size_t kMaxReplyBytes = std::size_t{64} * 1024;
// The mismatch's reason when the peer closed before sending a byte (smb then asks in SMB1).
inline constexpr std::string_view kClosedWithoutReply = "connection closed without reply";

class Conversation : public std::enable_shared_from_this<Conversation> {
 public:
  using Clock = std::chrono::steady_clock;
  using Next = std::function<void()>;
  using OnReply = std::function<void(ByteView reply)>;
  using Framer = std::function<Frame(ByteView received)>;
  using Script = std::function<void(const std::shared_ptr<Conversation>&)>;

  Conversation(boost::asio::ip::tcp::socket socket, ProbeRequest request, PortResult connected,
               ProbeDone done);
  Conversation(const Conversation&) = delete;
  Conversation& operator=(const Conversation&) = delete;

  // Connects, then runs `script` on the conversation (from the io_context, never inline).
  static void run(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                  Script script);

  void send(Bytes bytes, Next next);
  void send(std::string_view text, Next next) { send(Bytes(text.begin(), text.end()), next); }
  // Reads until `framer` says complete (`next` gets those bytes) or wrong (mismatch
  // "expected <expected>, <why>"). Bytes beyond the reply are kept for the next receive.
  void receive(std::string expected, Framer framer, OnReply next);
  // A TLS client handshake over the connection; the result gets its TlsInfo. Failures finish
  // with tls_error (OpenSSL's reason), or mismatch when the peer is plainly not speaking TLS.
  void start_tls(const TlsOptions& options, Next next);

  // The check's verdict; the first call wins, later ones (and late handlers) do nothing.
  void finish(PortState state, std::string reason = {});
  void pass(std::string note = {}) { finish(PortState::kOpen, std::move(note)); }
  void mismatch(std::string reason) { finish(PortState::kMismatch, std::move(reason)); }

  // smb: the dialect the server chose, for the result (PortResult::smb_dialect).
  void set_smb_dialect(std::string dialect) { result_.smb_dialect = std::move(dialect); }

  const ProbeRequest& request() const { return request_; }
  const PortResult& result() const { return result_; }
  // "[127.0.0.1]" or "[IPv6:::1]": our own address as an SMTP address literal (RFC 5321 4.1.3).
  std::string local_address_literal() const;

 private:
  void start_watchdog(Clock::time_point deadline);
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t bytes);
  void on_handshake(const boost::system::error_code& ec, Next next);
  std::string deadline_text() const;
  bool stopped() const { return finished_; }

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  ProbeRequest request_;
  PortResult result_;
  ProbeDone done_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // outlives tls_
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  bool must_verify_ = false;
  Bytes buffer_;  // received, not yet handed to a receive
  std::array<std::uint8_t, 4096> chunk_{};
  std::string expected_;
  Framer framer_;
  OnReply on_reply_;
  Clock::time_point connected_at_;  // where the service time starts
  bool deadline_passed_ = false;
  bool finished_ = false;
};

// "TLS 1.3, certificate CN=vbr01, 364 days left, verified" or "..., not verified (self-signed
// certificate)": what a TLS handshake showed, for the open port's reason. check_tls.cc.
std::string tls_summary(const TlsInfo& tls, std::chrono::system_clock::time_point now =
                                                std::chrono::system_clock::now());

}  // namespace vpm
