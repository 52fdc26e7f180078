#pragma once
// The check's performance data, per flow in first-seen order: each target's latency
// ('<flow>@<target>', past 16 targets one '<flow>_latency_max'), certificate days left
// ('_cert_days'), failed and probed port counts ('_failed', '_probed') and the slowest service
// exchange ('_service'). Whole data only, up to `budget` characters.
#include <cstddef>
#include <string>
#include <vector>

#include "verdict.h"

namespace vpm::nagios {

std::string flow_perfdata(const std::vector<Judged>& judged, const ReportOptions& options,
                          std::size_t budget);

}  // namespace vpm::nagios
