#include "vpm/flow_metrics.h"

#include <map>

namespace vpm {
namespace {

// "Ports of the last run in each state (open, refused, ...)." with every state the core has.
std::string ports_help() {
  std::string help = "Ports of the last run in each state (";
  for (std::size_t i = 0; i < kAllPortStates.size(); ++i) {
    help += (i == 0 ? "" : ", ") + std::string(to_string(kAllPortStates[i]));
  }
  return help + ").";
}

std::array<FlowFamilyHeader, kFlowFamilyCount> make_headers() {
  std::array<FlowFamilyHeader, kFlowFamilyCount> f;
  f[kInfo] = {"veeam_flow_info",
              "A configured flow: where it starts, where it goes, what it expects and how bad a "
              "failure is. Always 1."};
  f[kUp] = {"veeam_flow_up",
            "1 when every probed port of the flow on the target met its expectation in the last "
            "run, else 0."};
  f[kLatency] = {"veeam_flow_latency_seconds",
                 "Slowest round trip (TCP connect, or UDP reply) among the passing ports of the "
                 "last run. Absent when no port measured a passing round trip."};
  f[kPorts] = {"veeam_flow_ports", ports_help()};
  f[kPortUp] = {"veeam_flow_port_up",
                "1 when the port met the flow's expectation in the last run, else 0. Only for "
                "flows with at most --metrics.per-port-limit ports."};
  f[kLastRun] = {"veeam_flow_last_run_timestamp_seconds",
                 "Unix time the last run of the flow against the target ended."};
  f[kDuration] = {"veeam_flow_run_duration_seconds",
                  "How long the last run of the flow against the target took."};
  f[kInterval] = {"veeam_flow_interval_seconds",
                  "The flow's configured interval between runs: a run that takes longer "
                  "(veeam_flow_run_duration_seconds) cannot keep that schedule."};
  f[kTlsNotAfter] = {"veeam_flow_tls_cert_not_after_timestamp_seconds",
                     "Expiry (Unix time) of the certificate the port presented in the last run's "
                     "TLS handshake. Absent for ports without a completed handshake."};
  f[kTlsVersion] = {"veeam_flow_tls_version_info",
                    "The TLS protocol version the port negotiated in the last run. Always 1."};
  f[kTlsVerified] = {"veeam_flow_tls_cert_verified",
                     "1 when the port's certificate chain verified for the target's name (system "
                     "store or the flow's ca_file) in the last run, else 0."};
  f[kServiceInfo] = {"veeam_flow_service_info",
                     "What answered on a port of a flow with a service check in the last run: the "
                     "check, the SMB dialect negotiated (smb), the TLS version (tls, smtp with "
                     "STARTTLS); empty where none. For ports whose service answered as expected, "
                     "and smb ports below min_dialect. Always 1."};
  f[kServiceDuration] = {"veeam_flow_service_duration_seconds",
                         "How long the service check's exchange took in the last run, from the "
                         "end of the TCP connect to the verdict (nbns: the datagram's round "
                         "trip). Absent for connect checks and ports whose connect failed."};
  f[kPathHops] = {"veeam_flow_path_hops",
                  "Hops that answered the last trace of a failing TCP port (where its path "
                  "stops: see veeam_flow_blocked_at_info)."};
  f[kBlockedAt] = {"veeam_flow_blocked_at_info",
                   "1 for a failing TCP port whose last trace stopped at `hop` (`address`): "
                   "outcome blocked_after (nothing answered beyond it) or rejected_by (it "
                   "answered ICMP unreachable). Gone when the port passes."};
  return f;
}

}  // namespace

const std::array<FlowFamilyHeader, kFlowFamilyCount>& flow_family_headers() {
  static const std::array<FlowFamilyHeader, kFlowFamilyCount> headers = make_headers();
  return headers;
}

std::string flow_metrics_text(const std::vector<FlowResult>& results, std::size_t per_port_limit) {
  std::map<std::string, std::vector<FlowResult>> by_flow;  // name order, as the exporter's
  for (const FlowResult& r : results) by_flow[r.flow->name].push_back(r);
  const auto& headers = flow_family_headers();
  std::array<std::string, kFlowFamilyCount> parts;
  const auto sample = [&](FlowFamily family, std::initializer_list<LabelView> labels,
                          double value) {
    append_sample(parts[family], headers[family].name, labels, value);
  };
  for (const auto& [name, flow_results] : by_flow) {
    add_flow_samples(sample, name, flow_results, per_port_limit);
  }
  std::string text;
  for (std::size_t i = 0; i < kFlowFamilyCount; ++i) {
    if (parts[i].empty()) continue;
    append_header(text, headers[i].name, headers[i].help, "gauge");
    text += parts[i];
  }
  return text;
}

}  // namespace vpm
