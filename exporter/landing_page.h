#pragma once
// The page at /: flows x targets with state, latency and last run, as one server-rendered
// HTML document without scripts or external assets. Every text from the config or a probe is
// escaped.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "result_store.h"

namespace vpm::exporter {

struct LandingInfo {
  std::string version;
  std::string revision;
  std::string config_file;
  std::string role;  // empty: every enabled flow
  std::string telemetry_path = "/metrics";
  std::size_t scheduled_flows = 0;
  bool ready = false;
  std::chrono::system_clock::time_point now{};
};

// & < > " ' as entities.
std::string html_escape(std::string_view text);

std::string landing_page(const Snapshot& snapshot, const LandingInfo& info);

}  // namespace vpm::exporter
