#pragma once
// Driving an io_context from a test: run it in short slices until a condition holds.
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace vpm::exporter::test {

// Runs `io` until `done` holds (true) or `limit` passes (false).
inline bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& done,
                         std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace vpm::exporter::test
