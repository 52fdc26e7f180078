#pragma once
// Runs one service check against 127.0.0.1 and measures how long it took.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <string>

#include "vpm/probe.h"

namespace vpm::test {

struct CheckOutcome {
  PortResult result;
  std::chrono::milliseconds elapsed{0};
};

inline CheckOutcome run_check(const ServiceCheck& check, Port port,
                              Duration timeout = std::chrono::seconds(2),
                              Protocol protocol = Protocol::kTcp,
                              const std::string& host = "127.0.0.1") {
  boost::asio::io_context io;
  CheckOutcome outcome;
  bool called = false;
  ProbeRequest request{boost::asio::ip::make_address("127.0.0.1"), port, timeout, host, check};
  const auto started = std::chrono::steady_clock::now();
  probe_for(check.kind, protocol)(io, request, [&](PortResult r) {
    outcome.result = std::move(r);
    called = true;
  });
  io.run();
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  EXPECT_TRUE(called);
  return outcome;
}

inline CheckOutcome run_check(CheckKind kind, Port port,
                              Duration timeout = std::chrono::seconds(2)) {
  ServiceCheck check;
  check.kind = kind;
  return run_check(check, port, timeout);
}

}  // namespace vpm::test
