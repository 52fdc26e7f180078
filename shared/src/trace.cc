// The portable half of the trace: waves of hop probes through the OS seam, the outcome they
// show, and its words.
#include "vpm/trace.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>

#include "vpm/os_seam.h"

namespace vpm {
namespace {

using Kind = HopAnswer::Kind;
using Outcome = TracePath::Outcome;

std::string unreachable_words_v4(std::uint8_t code) {
  switch (code) {
    case 0:
      return "network unreachable";
    case 1:
      return "host unreachable";
    case 2:
      return "protocol unreachable";
    case 3:
      return "port unreachable";
    case 4:
      return "fragmentation needed";
    case 5:
      return "source route failed";
    case 6:
      return "destination network unknown";
    case 7:
      return "destination host unknown";
    case 9:
      return "network administratively prohibited";
    case 10:
      return "host administratively prohibited";
    case 11:
      return "network unreachable for type of service";
    case 12:
      return "host unreachable for type of service";
    case 13:
      return "administratively prohibited";
    case 14:
      return "host precedence violation";
    case 15:
      return "precedence cutoff";
    default:
      return "destination unreachable, code " + std::to_string(code);
  }
}

std::string unreachable_words_v6(std::uint8_t code) {
  switch (code) {
    case 0:
      return "no route to destination";
    case 1:
      return "administratively prohibited";
    case 2:
      return "beyond scope of source address";
    case 3:
      return "address unreachable";
    case 4:
      return "port unreachable";
    case 5:
      return "source address failed ingress/egress policy";
    case 6:
      return "reject route to destination";
    default:
      return "destination unreachable, code " + std::to_string(code);
  }
}

std::string hop_text(const HopAnswer& answer) {
  return answer.kind == Kind::kSilent || answer.kind == Kind::kLocalError ? std::string{}
                                                                          : answer.from.to_string();
}

std::vector<std::string> path_up_to(const std::vector<HopAnswer>& answers, std::size_t hops) {
  std::vector<std::string> path;
  for (std::size_t i = 0; i < hops && i < answers.size(); ++i) path.push_back(hop_text(answers[i]));
  return path;
}

}  // namespace

std::string icmp_in_words(bool v6, std::uint8_t type, std::uint8_t code) {
  if (v6) {
    switch (type) {
      case 1:
        return unreachable_words_v6(code);
      case 2:
        return "packet too big";
      case 3:
        return "time exceeded";
      case 4:
        return "parameter problem";
      default:
        return "ICMPv6 type " + std::to_string(type) + " code " + std::to_string(code);
    }
  }
  switch (type) {
    case 3:
      return unreachable_words_v4(code);
    case 11:
      return "time exceeded";
    case 12:
      return "parameter problem";
    default:
      return "ICMP type " + std::to_string(type) + " code " + std::to_string(code);
  }
}

TracePath summarise_hops(const std::vector<HopAnswer>& answers) {
  TracePath path;
  // The lowest TTL with a final answer decides; TTLs above it went at least as far.
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const HopAnswer& answer = answers[i];
    if (answer.kind == Kind::kReached) {
      path.outcome = Outcome::kReached;
      path.hop = static_cast<unsigned>(i + 1);
      path.address = answer.from.to_string();
      path.hops = path_up_to(answers, i + 1);
      return path;
    }
    if (answer.kind == Kind::kUnreachable) {
      path.outcome = Outcome::kRejected;
      path.address = answer.from.to_string();
      path.icmp = icmp_in_words(answer.icmp_v6, answer.icmp_type, answer.icmp_code);
      // A router answers time exceeded to the TTL that ends at it and rejects the TTLs that go
      // further: its hop is where it answered time exceeded, when it did.
      std::size_t hop = i + 1;
      for (std::size_t j = 0; j < i; ++j) {
        if (answers[j].kind == Kind::kTimeExceeded && answers[j].from == answer.from) hop = j + 1;
      }
      path.hop = static_cast<unsigned>(hop);
      path.hops = path_up_to(answers, hop);
      path.hops.back() = path.address;
      return path;
    }
  }
  std::size_t last = 0;  // the highest TTL that a router answered, 1-based; 0 for none
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].kind == Kind::kTimeExceeded) last = i + 1;
  }
  if (last > 0) {
    path.outcome = Outcome::kBlockedAfter;
    path.hop = static_cast<unsigned>(last);
    path.address = answers[last - 1].from.to_string();
    path.hops = path_up_to(answers, last);
    return path;
  }
  const auto local = std::find_if(answers.begin(), answers.end(),
                                  [](const HopAnswer& a) { return a.kind == Kind::kLocalError; });
  if (local != answers.end()) {
    path.outcome = Outcome::kError;
    path.error = local->error;
    return path;
  }
  path.outcome = Outcome::kNoAnswer;
  return path;
}

TracePath trace_tcp_path(const TraceRequest& request) {
  TracePath failed;
  if (request.max_hops == 0 || request.max_hops > 255) {
    failed.error = "max_hops must be 1..255";
    return failed;
  }
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  const boost::asio::ip::tcp::endpoint endpoint(request.address, request.port);
  // select() on Windows waits for at most 64 sockets; a wave never needs more.
  const unsigned wave = std::clamp(request.max_in_flight, 1U, 64U);
  boost::asio::ip::address source = request.source ? *request.source
                                    : request.address.is_v6()
                                        ? boost::asio::ip::address(boost::asio::ip::address_v6())
                                        : boost::asio::ip::address(boost::asio::ip::address_v4());
  std::vector<HopAnswer> answers;
  try {
    for (unsigned first = 1; first <= request.max_hops; first += wave) {
      const unsigned count = std::min(wave, request.max_hops - first + 1);
      os::HopProbes probes = os::probe_hops(endpoint, first, count, deadline, source);
      if (!probes.supported) {
        failed.outcome = Outcome::kNotSupported;
        failed.error = "trace not supported on this system";
        return failed;
      }
      if (!probes.error.empty()) {
        failed.error = probes.error;
        return failed;
      }
      answers.insert(answers.end(), probes.answers.begin(), probes.answers.end());
      const TracePath so_far = summarise_hops(answers);
      if (so_far.outcome == Outcome::kReached || so_far.outcome == Outcome::kRejected ||
          so_far.outcome == Outcome::kError) {
        return so_far;
      }
    }
  } catch (const std::exception& e) {  // bad_alloc, or an address Asio refuses
    failed.error = e.what();
    return failed;
  }
  return summarise_hops(answers);
}

std::string describe(const TracePath& path) {
  switch (path.outcome) {
    case Outcome::kNotSupported:
      return "trace not supported on this system";
    case Outcome::kError:
      return "trace failed: " + path.error;
    case Outcome::kNoAnswer:
      return "path * (no hop answered)";
    default:
      break;
  }
  std::string text = "path";
  for (std::size_t i = 0; i < path.hops.size(); ++i) {
    text += i == 0 ? " " : " > ";
    text += path.hops[i].empty() ? "*" : path.hops[i];
  }
  const std::string hop = std::to_string(path.hop);
  switch (path.outcome) {
    case Outcome::kReached:
      return text + " (reached at hop " + hop + ")";
    case Outcome::kBlockedAfter:
      return text + " > * (blocked after hop " + hop + ", " + path.address + ")";
    default:
      return text + " (rejected at hop " + hop + " by " + path.address + ", " + path.icmp + ")";
  }
}

std::string outcome_text(const TracePath& path) {
  const std::string hop = std::to_string(path.hop);
  switch (path.outcome) {
    case Outcome::kReached:
      return "reached at hop " + hop;
    case Outcome::kBlockedAfter:
      return "blocked after hop " + hop + " (" + path.address + ")";
    case Outcome::kRejected:
      return "rejected at hop " + hop + " by " + path.address + " (" + path.icmp + ")";
    case Outcome::kNoAnswer:
      return "no hop answered";
    default:
      return describe(path);
  }
}

std::string_view outcome_label(TracePath::Outcome outcome) {
  switch (outcome) {
    case Outcome::kReached:
      return "reached";
    case Outcome::kBlockedAfter:
      return "blocked_after";
    case Outcome::kRejected:
      return "rejected_by";
    case Outcome::kNoAnswer:
      return "no_answer";
    case Outcome::kNotSupported:
      return "not_supported";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

}  // namespace vpm
