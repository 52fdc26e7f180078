#pragma once
// The veeam_flow_* metric families: their names, HELP texts and the samples of one flow's
// results, labels included. The exporter's /metrics and the check's --textfile both write them
// from here, so a series means the same on both. Every flow family is a gauge.
//
// veeam_flow_latency_seconds is ABSENT (not NaN) for a flow x target where no port measured a
// passing round trip: an absent series makes `max by (flow) (...)` and alerts on latency ignore
// the target instead of propagating NaN, and veeam_flow_up already says why.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"
#include "vpm/flow_result.h"
#include "vpm/metric_text.h"

namespace vpm {

// The flow families, always all of them and in this order.
enum FlowFamily : std::size_t {
  kInfo,
  kUp,
  kLatency,
  kPorts,
  kPortUp,
  kLastRun,
  kDuration,
  kInterval,
  kTlsNotAfter,
  kTlsVersion,
  kTlsVerified,
  kServiceInfo,
  kServiceDuration,
  kPathHops,
  kBlockedAt,
  kFlowFamilyCount
};

struct FlowFamilyHeader {
  std::string name;
  std::string help;
};
const std::array<FlowFamilyHeader, kFlowFamilyCount>& flow_family_headers();

// veeam_flow_port_up only for flows with at most this many ports (--metrics.per-port-limit).
inline constexpr std::size_t kDefaultPerPortLimit = 16;

namespace flow_metrics_detail {

inline double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

inline double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

template <typename Sample>
void add_trace(const Sample& sample, const std::string& name, const std::string& target,
               const PortTrace& trace) {
  const TracePath& path = trace.path;
  const std::string port = std::to_string(trace.port);
  const auto answered = std::count_if(path.hops.begin(), path.hops.end(),
                                      [](const std::string& hop) { return !hop.empty(); });
  const bool traced = path.outcome != TracePath::Outcome::kNotSupported &&
                      path.outcome != TracePath::Outcome::kError;
  if (traced) {
    sample(kPathHops, {{"flow", name}, {"target", target}, {"port", port}},
           static_cast<double>(answered));
  }
  if (path.outcome == TracePath::Outcome::kBlockedAfter ||
      path.outcome == TracePath::Outcome::kRejected) {
    sample(kBlockedAt,
           {{"flow", name},
            {"target", target},
            {"port", port},
            {"hop", std::to_string(path.hop)},
            {"address", path.address},
            {"outcome", outcome_label(path.outcome)}},
           1);
  }
}

// A label value of few possible values: the dialects MS-SMB2 names, "other" for the rest.
inline std::string dialect_label(const std::string& dialect) {
  if (dialect.empty() || parse_smb_dialect(dialect)) return dialect;
  return "other";
}

template <typename Sample>
void add_service(const Sample& sample, const std::string& name, const Flow& flow,
                 const std::string& target, const PortResult& p) {
  if (!p.service_time) return;
  const std::string port = std::to_string(p.port);
  sample(kServiceDuration, {{"flow", name}, {"target", target}, {"port", port}},
         seconds(*p.service_time));
  if (p.state != PortState::kOpen && p.smb_dialect.empty()) return;
  sample(kServiceInfo,
         {{"flow", name},
          {"target", target},
          {"port", port},
          {"check", to_string(flow.check.kind)},
          {"dialect", dialect_label(p.smb_dialect)},
          {"tls_version", p.tls ? std::string_view(p.tls->version) : std::string_view()}},
         1);
}

}  // namespace flow_metrics_detail

// One flow's samples (`results`: one per target of its last run), given to
// `sample(FlowFamily, std::initializer_list<LabelView>, double)` in family order within each
// target. The exporter builds MetricFamilies of them or writes them as text straight away.
template <typename Sample>
void add_flow_samples(const Sample& sample, const std::string& name,
                      const std::vector<FlowResult>& results, std::size_t per_port_limit) {
  using flow_metrics_detail::seconds;
  using flow_metrics_detail::unix_seconds;
  if (results.empty()) return;
  const Flow& flow = *results.front().flow;
  const std::string_view protocol = to_string(flow.protocol);
  const std::string ports = flow.ports.to_string();
  sample(kInfo,
         {{"flow", name},
          {"from", flow.from},
          {"to", flow.to},
          {"protocol", protocol},
          {"ports", ports},
          {"expect", to_string(flow.expect)},
          {"check", to_string(flow.check.kind)},
          {"severity", to_string(flow.severity)}},
         1);
  sample(kInterval, {{"flow", name}}, to_seconds(flow.interval));
  const bool per_port = flow.ports.size() <= per_port_limit;
  for (const FlowResult& r : results) {
    const std::initializer_list<LabelView> flow_labels = {{"flow", name},
                                                          {"from", flow.from},
                                                          {"to", flow.to},
                                                          {"target", r.target},
                                                          {"protocol", protocol}};
    sample(kUp, flow_labels, r.up ? 1 : 0);
    if (r.latency) sample(kLatency, flow_labels, seconds(*r.latency));
    for (const PortState state : kAllPortStates) {
      sample(kPorts,
             {{"flow", name},
              {"target", r.target},
              {"protocol", protocol},
              {"state", to_string(state)}},
             r.count(state));
    }
    if (per_port) {
      for (const PortResult& p : r.ports) {
        sample(kPortUp,
               {{"flow", name},
                {"target", r.target},
                {"protocol", protocol},
                {"port", std::to_string(p.port)}},
               judge(flow.expect, p.state) ? 1 : 0);
      }
    }
    sample(kLastRun, {{"flow", name}, {"target", r.target}}, unix_seconds(r.finished_at));
    sample(kDuration, {{"flow", name}, {"target", r.target}}, seconds(r.duration));
    for (const PortResult& p : r.ports) {
      if (!p.tls) continue;
      const std::string port = std::to_string(p.port);
      if (p.tls->not_after) {
        sample(kTlsNotAfter, {{"flow", name}, {"target", r.target}, {"port", port}},
               unix_seconds(*p.tls->not_after));
      }
      sample(kTlsVersion,
             {{"flow", name}, {"target", r.target}, {"port", port}, {"version", p.tls->version}},
             1);
      sample(kTlsVerified, {{"flow", name}, {"target", r.target}, {"port", port}},
             p.tls->verified ? 1 : 0);
    }
    for (const PortResult& p : r.ports) {
      flow_metrics_detail::add_service(sample, name, flow, r.target, p);
    }
    for (const PortTrace& trace : r.traces) {
      flow_metrics_detail::add_trace(sample, name, r.target, trace);
    }
  }
}

// The flow families of `results` (any number of flows, each flow's results together or not) as
// text: flows in name order, targets in their order, each family's HELP and TYPE once, empty
// families left out. What the check's --textfile writes; the same lines as /metrics has for
// these results.
std::string flow_metrics_text(const std::vector<FlowResult>& results,
                              std::size_t per_port_limit = kDefaultPerPortLimit);

}  // namespace vpm
