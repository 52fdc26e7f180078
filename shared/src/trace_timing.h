#pragma once
// When a trace may stop waiting: shared by the POSIX and Windows halves of probe_hops.
#include <algorithm>
#include <chrono>
#include <vector>

#include "vpm/trace.h"

namespace vpm {

// After an answer at `elapsed` since the connects went out, hops that have not answered get
// max(250 ms, 4 x elapsed) more: routers answer within their round trip, and farther ones
// take longer, so a silence that long after the last answer is a drop, not a slow router.
// Without it, a path blocked at hop 2 would wait out the whole timeout for hops 3..30.
inline std::chrono::steady_clock::duration quiet_window(
    std::chrono::steady_clock::duration elapsed) {
  return std::max<std::chrono::steady_clock::duration>(std::chrono::milliseconds(250), 4 * elapsed);
}

// The answers decide the path: the lowest TTL that got a final answer (the target, a
// rejection, a local error) has every TTL below it answered too.
inline bool trace_settled(const std::vector<HopAnswer>& answers) {
  for (const HopAnswer& answer : answers) {
    switch (answer.kind) {
      case HopAnswer::Kind::kSilent:
        return false;
      case HopAnswer::Kind::kTimeExceeded:
        continue;
      default:
        return true;
    }
  }
  return true;
}

}  // namespace vpm
