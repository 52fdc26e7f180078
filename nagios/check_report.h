#pragma once
// Turns judged FlowResults into the plugin's output and exit status.
#include <optional>
#include <string>
#include <vector>

#include "nagios_range.h"
#include "vpm/flow_result.h"

namespace vpm::nagios {

enum class Status { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };
std::string_view to_string(Status s);  // "OK", "WARNING", "CRITICAL", "UNKNOWN"

struct ReportOptions {
  std::optional<NagiosRange> warning;  // latency thresholds in seconds
  std::optional<NagiosRange> critical;
  int verbosity = 0;  // 1+: a line per failing port range
  // A TLS certificate that expires in fewer days than these raises WARNING / CRITICAL.
  int cert_warning_days = 30;
  int cert_critical_days = 7;
  // Lines after the flows' (what discovery did: skipped flows, warnings), in their order.
  std::vector<std::string> notes;
};

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
