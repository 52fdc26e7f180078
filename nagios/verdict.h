#pragma once
// How the plugin judges one flow x target: the status order, the latency against -w/-c, the
// certificate's days left, the ports left unprobed. check_report.cc turns these into text.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nagios_range.h"
#include "vpm/duration.h"
#include "vpm/flow_result.h"

namespace vpm::nagios {

enum class Status { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };
std::string_view to_string(Status s);  // "OK", "WARNING", "CRITICAL", "UNKNOWN"

// For "worst wins": CRITICAL > UNKNOWN > WARNING > OK, as Nagios orders service states.
int rank(Status s);
Status worst(Status a, Status b);

struct ReportOptions {
  std::optional<NagiosRange> warning;  // latency thresholds in seconds
  std::optional<NagiosRange> critical;
  int verbosity = 0;  // 1+: a line per failing port range, service checks' details
  // A TLS certificate that expires in fewer days than these raises WARNING / CRITICAL.
  int cert_warning_days = 30;
  int cert_critical_days = 7;
  // The run's time limit (-T), named when ports were left unprobed.
  std::optional<Duration> max_time;
  // Lines that lead the long output (the warning that the caps exceed the time limit).
  std::vector<std::string> notes;
  // Lines after the flows' (what discovery did: skipped flows, warnings), in their order.
  std::vector<std::string> discovery_notes;
  // Why the run's results could not be written where asked (--textfile): the status is then at
  // least UNKNOWN (CRITICAL stays CRITICAL) and the status line leads with it, so the loss is
  // seen where the check is watched, not only when the metrics go stale.
  std::string output_error;
};

double seconds(std::chrono::nanoseconds d);
// Latency for people: microseconds are plenty, unless that would round a real value to 0.
std::string human_seconds(std::chrono::nanoseconds d);
std::string plural(std::size_t n, std::string_view word);  // "1 port", "2 ports"

// The latency of a flow x target against -w/-c.
struct LatencyVerdict {
  Status status = Status::kOk;
  std::string text;  // "latency 0.2s", or "latency 1.2s > warning 0.2" when it alerts
};

// The soonest certificate expiry of a flow x target against the cert-days thresholds.
struct CertVerdict {
  std::optional<long> days_left;  // none without a completed TLS handshake
  Status status = Status::kOk;
  std::string text;  // "certificate expires in 5 days (2025-01-06)"
};

struct Judged {
  const FlowResult* result = nullptr;
  Status failure = Status::kOk;  // from failing ports and the flow's severity
  LatencyVerdict latency;
  CertVerdict certificate;
  // The worst of the three; UNKNOWN when all three are OK but ports were left unprobed.
  Status status = Status::kOk;
};

Judged judge_result(const FlowResult& r, const ReportOptions& options);

}  // namespace vpm::nagios
