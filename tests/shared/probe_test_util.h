#pragma once
// Runs one probe function to completion on a fresh io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <string>

#include "vpm/probe.h"

namespace vpm::test {

inline PortResult probe_once(ProbeFn probe, const std::string& address, Port port,
                             Duration timeout = std::chrono::seconds(2)) {
  boost::asio::io_context io;
  PortResult result;
  bool called = false;
  probe(io, ProbeRequest{boost::asio::ip::make_address(address), port, timeout}, [&](PortResult r) {
    result = std::move(r);
    called = true;
  });
  EXPECT_FALSE(called) << "the probe completed inline";
  io.run();
  EXPECT_TRUE(called);
  return result;
}

}  // namespace vpm::test
