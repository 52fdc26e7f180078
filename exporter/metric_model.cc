#include "metric_model.h"

#include <chrono>
#include <utility>

#include "metric_text.h"
#include "process_metrics.h"
#include "vpm/duration.h"

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add_gauge(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void add_counter(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

std::string protocol_label(Protocol p) { return std::string(to_string(p)); }

// Room enough in a page for the flow families' HELP and TYPE lines and the exporter families
// (about 3 kB), so the page is allocated once.
constexpr std::size_t kHeadersAndExporterFamilies = std::size_t{16} * 1024;

void append_non_empty(std::vector<MetricFamily>& out, MetricFamily f) {
  if (!f.metric.empty()) out.push_back(std::move(f));
}

// The flow families, always all of them and in this order (empty ones included).
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

// "Ports of the last run in each state (open, refused, ...)." with every state the core has.
std::string ports_help() {
  std::string help = "Ports of the last run in each state (";
  for (std::size_t i = 0; i < kAllPortStates.size(); ++i) {
    help += (i == 0 ? "" : ", ") + std::string(to_string(kAllPortStates[i]));
  }
  return help + ").";
}

std::vector<MetricFamily> empty_flow_families() {
  std::vector<MetricFamily> f(kFlowFamilyCount);
  f[kInfo] = family("veeam_flow_info",
                    "A configured flow: where it starts, where it goes, what it expects and how "
                    "bad a failure is. Always 1.",
                    MetricType::Gauge);
  f[kUp] = family("veeam_flow_up",
                  "1 when every probed port of the flow on the target met its expectation in "
                  "the last run, else 0.",
                  MetricType::Gauge);
  f[kLatency] = family(
      "veeam_flow_latency_seconds",
      "Slowest round trip (TCP connect, or UDP reply) among the passing ports of the last run. "
      "Absent when no port measured a passing round trip.",
      MetricType::Gauge);
  f[kPorts] = family("veeam_flow_ports", ports_help(), MetricType::Gauge);
  f[kPortUp] = family("veeam_flow_port_up",
                      "1 when the port met the flow's expectation in the last run, else 0. Only "
                      "for flows with at most --metrics.per-port-limit ports.",
                      MetricType::Gauge);
  f[kLastRun] =
      family("veeam_flow_last_run_timestamp_seconds",
             "Unix time the last run of the flow against the target ended.", MetricType::Gauge);
  f[kDuration] =
      family("veeam_flow_run_duration_seconds",
             "How long the last run of the flow against the target took.", MetricType::Gauge);
  f[kInterval] = family("veeam_flow_interval_seconds",
                        "The flow's configured interval between runs: a run that takes longer "
                        "(veeam_flow_run_duration_seconds) cannot keep that schedule.",
                        MetricType::Gauge);
  f[kTlsNotAfter] = family("veeam_flow_tls_cert_not_after_timestamp_seconds",
                           "Expiry (Unix time) of the certificate the port presented in the last "
                           "run's TLS handshake. Absent for ports without a completed handshake.",
                           MetricType::Gauge);
  f[kTlsVersion] = family("veeam_flow_tls_version_info",
                          "The TLS protocol version the port negotiated in the last run. Always 1.",
                          MetricType::Gauge);
  f[kTlsVerified] = family("veeam_flow_tls_cert_verified",
                           "1 when the port's certificate chain verified for the target's name "
                           "(system store or the flow's ca_file) in the last run, else 0.",
                           MetricType::Gauge);
  f[kServiceInfo] = family(
      "veeam_flow_service_info",
      "What answered on a port of a flow with a service check in the last run: the check, the "
      "SMB dialect negotiated (smb), the TLS version (tls, smtp with STARTTLS); empty where "
      "none. For ports whose service answered as expected, and smb ports below min_dialect. "
      "Always 1.",
      MetricType::Gauge);
  f[kServiceDuration] = family(
      "veeam_flow_service_duration_seconds",
      "How long the service check's exchange took in the last run, from the end of the TCP "
      "connect to the verdict (nbns: the datagram's round trip). Absent for connect checks and "
      "ports whose connect failed.",
      MetricType::Gauge);
  f[kPathHops] = family("veeam_flow_path_hops",
                        "Hops that answered the last trace of a failing TCP port (where its path "
                        "stops: see veeam_flow_blocked_at_info).",
                        MetricType::Gauge);
  f[kBlockedAt] = family("veeam_flow_blocked_at_info",
                         "1 for a failing TCP port whose last trace stopped at `hop` (`address`): "
                         "outcome blocked_after (nothing answered beyond it) or rejected_by (it "
                         "answered ICMP unreachable). Gone when the port passes.",
                         MetricType::Gauge);
  return f;
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
std::string dialect_label(const std::string& dialect) {
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

// One flow's samples, given to `sample(family, labels, value)` (every flow family is a gauge):
// flow_families() builds MetricFamilies of them, ExporterCollector::render() writes them as text.
template <typename Sample>
void add_flow(const Sample& sample, const std::string& name, const std::vector<FlowResult>& results,
              const ModelOptions& options) {
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
  const bool per_port = flow.ports.size() <= options.per_port_limit;
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
    for (const PortResult& p : r.ports) add_service(sample, name, flow, r.target, p);
    for (const PortTrace& trace : r.traces) add_trace(sample, name, r.target, trace);
  }
}

}  // namespace

std::vector<MetricFamily> flow_families(const Snapshot& snapshot, const ModelOptions& options) {
  std::vector<MetricFamily> f = empty_flow_families();
  const auto sample = [&f](FlowFamily family, std::initializer_list<LabelView> labels,
                           double value) {
    std::vector<ClientMetric::Label> copied;
    copied.reserve(labels.size());
    for (const LabelView& l : labels) copied.push_back({std::string(l.name), std::string(l.value)});
    add_gauge(f[family], std::move(copied), value);
  };
  for (const auto& [name, results] : snapshot.flows) add_flow(sample, name, *results, options);
  std::vector<MetricFamily> out;
  for (MetricFamily& family : f) append_non_empty(out, std::move(family));
  return out;
}

std::vector<MetricFamily> exporter_families(const Snapshot& snapshot, const ModelOptions& options) {
  std::vector<MetricFamily> out;
  MetricFamily probes = family("veeam_port_exporter_probes_total",
                               "Ports probed since the exporter started, by protocol and state.",
                               MetricType::Counter);
  for (const Protocol protocol : {Protocol::kTcp, Protocol::kUdp}) {
    const auto p = static_cast<std::size_t>(protocol);
    for (const PortState state : kAllPortStates) {
      add_counter(
          probes,
          {{"protocol", protocol_label(protocol)}, {"state", std::string(to_string(state))}},
          static_cast<double>(snapshot.probes_total[p][static_cast<std::size_t>(state)]));
    }
  }
  out.push_back(std::move(probes));

  MetricFamily reload_ok =
      family("veeam_port_exporter_config_last_reload_successful",
             "1 when the last load of --config.file succeeded, else 0.", MetricType::Gauge);
  add_gauge(reload_ok, {}, snapshot.last_reload_successful ? 1 : 0);
  out.push_back(std::move(reload_ok));

  MetricFamily reload_ts =
      family("veeam_port_exporter_config_last_reload_success_timestamp_seconds",
             "Unix time of the last successful load of --config.file.", MetricType::Gauge);
  add_gauge(reload_ts, {}, unix_seconds(snapshot.last_reload_success));
  out.push_back(std::move(reload_ts));

  MetricFamily build =
      family("veeam_port_exporter_build_info",
             "The exporter's version and source revision. Always 1.", MetricType::Gauge);
  add_gauge(build, {{"version", options.version}, {"revision", options.revision}}, 1);
  out.push_back(std::move(build));
  return out;
}

std::string serialize(const std::vector<MetricFamily>& families) {
  std::string out;
  append_text(out, families);
  return out;
}

ExporterCollector::ExporterCollector(const ResultStore& store, ModelOptions options)
    : store_(store), options_(std::move(options)), flow_families_(empty_flow_families()) {}

std::vector<MetricFamily> ExporterCollector::Collect() const {
  const std::shared_ptr<const Snapshot> snapshot = store_.snapshot();
  std::vector<MetricFamily> out = flow_families(*snapshot, options_);
  for (MetricFamily& f : exporter_families(*snapshot, options_)) out.push_back(std::move(f));
  for (MetricFamily& f : process_families()) out.push_back(std::move(f));
  return out;
}

MetricsText ExporterCollector::text() const { return MetricsText{page(), process_text()}; }

void ExporterCollector::invalidate() {
  const std::lock_guard lock(cache_mutex_);
  stale_ = true;
  ++invalidations_;
}

bool ExporterCollector::release_idle_page(std::chrono::steady_clock::duration idle) const {
  const std::lock_guard lock(cache_mutex_);
  if (!cached_text_ || std::chrono::steady_clock::now() - asked_at_ < idle) return false;
  cached_text_.reset();  // scrapes still sending it hold their own reference
  return true;
}

std::shared_ptr<const std::string> ExporterCollector::page() const {
  std::uint64_t invalidations = 0;  // read before the snapshot is taken
  {
    const std::lock_guard lock(cache_mutex_);
    asked_at_ = std::chrono::steady_clock::now();
    if (cached_text_ && !stale_ && asked_at_ - rendered_at_ < options_.min_render_interval) {
      return cached_text_;
    }
    invalidations = invalidations_;
  }
  const std::shared_ptr<const Snapshot> snapshot = store_.snapshot();
  const auto current = [&] {
    return cached_text_ && !stale_ && cached_generation_ == snapshot->generation;
  };
  {
    const std::lock_guard lock(cache_mutex_);
    if (current()) return cached_text_;
  }
  std::unique_lock rendering(render_mutex_, std::try_to_lock);
  if (!rendering.owns_lock()) {
    {
      const std::lock_guard lock(cache_mutex_);
      if (cached_text_) return cached_text_;  // another scrape renders: the last page will do
    }
    rendering.lock();  // the very first page: wait for it
    const std::lock_guard lock(cache_mutex_);
    if (current()) return cached_text_;
  }
  const auto started = std::chrono::steady_clock::now();
  auto page = std::make_shared<const std::string>(render(*snapshot));
  if (options_.after_render) options_.after_render();
  const std::lock_guard lock(cache_mutex_);
  if (!cached_text_ || cached_generation_ <= snapshot->generation) {
    cached_text_ = page;
    cached_generation_ = snapshot->generation;
    rendered_at_ = started;
    // An invalidation since this render's snapshot was taken still stands.
    stale_ = invalidations != invalidations_;
  }
  return page;
}

// Family by family, as the text format wants, flow by flow within each. Each flow's samples
// are written straight from its results (building MetricFamilies of them first took more than
// half of a render's time); what is held besides the page is the page once more, in parts.
std::string ExporterCollector::render(const Snapshot& snapshot) const {
  std::vector<std::string> parts(kFlowFamilyCount);
  const auto sample = [&](FlowFamily family, std::initializer_list<LabelView> labels,
                          double value) {
    append_sample(parts[family], flow_families_[family].name, labels, value);
  };
  for (const auto& [name, results] : snapshot.flows) add_flow(sample, name, *results, options_);
  std::size_t size = kHeadersAndExporterFamilies;
  for (const std::string& part : parts) size += part.size();
  std::string page;
  page.reserve(size);
  for (std::size_t i = 0; i < kFlowFamilyCount; ++i) {
    if (parts[i].empty()) continue;  // empty families are left out, as in Collect()
    append_header(page, flow_families_[i]);
    page += parts[i];
    std::string().swap(parts[i]);
  }
  append_text(page, exporter_families(snapshot, options_));
  return page;
}

std::string ExporterCollector::process_text() const {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(process_mutex_);
  if (process_read_ == std::chrono::steady_clock::time_point{} ||
      now - process_read_ >= kProcessTextMaxAge) {
    process_text_ = serialize(process_families());
    process_read_ = now;
  }
  return process_text_;
}

}  // namespace vpm::exporter
