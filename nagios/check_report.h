#pragma once
// Turns judged FlowResults into the plugin's output and exit status.
#include <optional>
#include <string>
#include <vector>

#include "verdict.h"
#include "vpm/flow_result.h"

namespace vpm::nagios {

struct Report {
  Status status = Status::kUnknown;
  std::string output;  // status line (with perfdata), long output lines; under 8 KB
};

// Status: a failing flow of severity critical -> CRITICAL, of severity warning -> WARNING;
// a flow latency alerting on -c -> CRITICAL, on -w -> WARNING; a certificate with fewer days
// left than cert_critical_days -> CRITICAL, than cert_warning_days -> WARNING; the worst wins.
// Days are counted from each result's finished_at (now when unset).
Report make_report(const std::vector<FlowResult>& results, const ReportOptions& options);

// "VEEAM PORTS UNKNOWN - <message>"
Report unknown_report(const std::string& message);

}  // namespace vpm::nagios
