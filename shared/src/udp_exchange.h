#pragma once
// The UDP probe (probe_udp.cc) with a request and a judge of the reply chosen by a service
// check: silence and ICMP errors mean what they mean for probe_udp; a reply the judge rejects
// is a mismatch.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
#include <vector>

#include "service_messages.h"
#include "vpm/probe.h"

namespace vpm {

// Whether the reply is the service expected; `text` says what answered (the open port's
// reason), or else why not (the mismatch's reason).
struct ReplyVerdict {
  bool expected = false;
  std::string text;
};
using ReplyCheck = std::function<ReplyVerdict(ByteView reply)>;

void udp_exchange(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done,
                  std::vector<std::uint8_t> payload, ReplyCheck check);

// A random transaction id, as probe_udp puts in its requests.
std::uint16_t udp_transaction_id();

}  // namespace vpm
