#pragma once
// The page at /: flows x targets with state, latency and last run, as one server-rendered
// HTML document without scripts or external assets. Every text from the config or a probe is
// escaped.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "landing_filter.h"
#include "result_store.h"
#include "vpm/job_schedule.h"

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
  // The jobs' next starts and pre-flights are shown in this zone; null: the system's.
  const LocalTimeZone* zone = nullptr;
};

// & < > " ' as entities.
std::string html_escape(std::string_view text);

// The backup jobs first (landing_jobs.h; none without an export), then the flows (targets up
// and down, ports by state, failing flows first), a filter form, then the flow x target rows
// that `filter` matches, failing first, at most filter.limit of them.
std::string landing_page(const Snapshot& snapshot, const LandingInfo& info,
                         const LandingFilter& filter = {});

}  // namespace vpm::exporter
