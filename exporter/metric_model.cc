#include "metric_model.h"

#include <array>
#include <chrono>
#include <utility>

#include "job_metrics.h"
#include "metric_family_builders.h"
#include "metric_text.h"
#include "process_metrics.h"
#include "vpm/duration.h"
#include "vpm/flow_metrics.h"

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string protocol_label(Protocol p) { return std::string(to_string(p)); }

// Room enough in a page for the flow families' HELP and TYPE lines and the exporter families
// (about 3 kB), so the page is allocated once.
constexpr std::size_t kHeadersAndExporterFamilies = std::size_t{16} * 1024;

void append_non_empty(std::vector<MetricFamily>& out, MetricFamily f) {
  if (!f.metric.empty()) out.push_back(std::move(f));
}

std::vector<MetricFamily> empty_flow_families() {
  std::vector<MetricFamily> f;
  f.reserve(kFlowFamilyCount);
  for (const FlowFamilyHeader& h : flow_family_headers()) {
    f.push_back(family(h.name, h.help, MetricType::Gauge));
  }
  return f;
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
  for (const auto& [name, results] : snapshot.flows)
    add_flow_samples(sample, name, *results, options.per_port_limit);
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
  for (MetricFamily& f : job_families(*snapshot)) out.push_back(std::move(f));
  for (MetricFamily& f : exporter_families(*snapshot, options_)) out.push_back(std::move(f));
  for (MetricFamily& f : process_families()) out.push_back(std::move(f));
  return out;
}

MetricsText ExporterCollector::text() const {
  Page current = page();
  return MetricsText{std::move(current.text), process_text(), current.render};
}

std::optional<MetricsText> ExporterCollector::text_without_waiting() const {
  Page current = page(false);
  if (!current.text) return std::nullopt;
  return MetricsText{std::move(current.text), process_text(), current.render};
}

std::uint64_t ExporterCollector::current_render() const {
  {
    const std::lock_guard lock(cache_mutex_);
    if (cached_render_ == 0 || stale_) return 0;
    // Within the interval, as page() does, without asking the store: with runs completing all
    // the time, every snapshot() would build a new Snapshot.
    if (std::chrono::steady_clock::now() - rendered_at_ < options_.min_render_interval) {
      return cached_render_;
    }
  }
  const std::uint64_t generation = store_.snapshot()->generation;
  const std::lock_guard lock(cache_mutex_);
  return !stale_ && generation == cached_generation_ ? cached_render_ : 0;
}

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

ExporterCollector::Page ExporterCollector::page(bool wait) const {
  std::uint64_t invalidations = 0;  // read before the snapshot is taken
  const auto cached = [this] { return Page{cached_text_, cached_render_}; };
  {
    const std::lock_guard lock(cache_mutex_);
    asked_at_ = std::chrono::steady_clock::now();
    if (cached_text_ && !stale_ && asked_at_ - rendered_at_ < options_.min_render_interval) {
      return cached();
    }
    invalidations = invalidations_;
  }
  const std::shared_ptr<const Snapshot> snapshot = store_.snapshot();
  const auto current = [&] {
    return cached_text_ && !stale_ && cached_generation_ == snapshot->generation;
  };
  {
    const std::lock_guard lock(cache_mutex_);
    if (current()) return cached();
  }
  std::unique_lock rendering(render_mutex_, std::try_to_lock);
  if (!rendering.owns_lock()) {
    {
      const std::lock_guard lock(cache_mutex_);
      if (cached_text_) return cached();  // another scrape renders: the last page will do
    }
    if (!wait) return Page{};
    rendering.lock();  // the very first page (or the last one went): wait for it
    const std::lock_guard lock(cache_mutex_);
    if (current()) return cached();
  }
  {
    // The last page goes before the new one is made when nothing but this cache holds it (no
    // scrape is sending it; copies are only taken under this lock): gzip scrapes do not need
    // it, they are served its kept compression meanwhile. Under a flood of gzip scrapes with
    // runs completing all the time, the two pages at once were most of the resident memory's
    // growth at 1,000 flows (bench/load_test.sh).
    const std::lock_guard lock(cache_mutex_);
    if (cached_text_ && cached_text_.use_count() == 1) cached_text_.reset();
  }
  const auto started = std::chrono::steady_clock::now();
  Page made{std::make_shared<const std::string>(render(*snapshot)), 0};
  if (options_.after_render) options_.after_render();
  const std::lock_guard lock(cache_mutex_);
  made.render = ++renders_;
  if (!cached_text_ || cached_generation_ <= snapshot->generation) {
    cached_text_ = made.text;
    cached_render_ = made.render;
    cached_generation_ = snapshot->generation;
    rendered_at_ = started;
    // An invalidation since this render's snapshot was taken still stands.
    stale_ = invalidations != invalidations_;
  }
  return made;
}

// Family by family, as the text format wants, flow by flow within each: one pass over the
// flows per family, written straight into the page (a pass that is not the family's skips its
// samples, and the first pass notes which families have any, so the others are not walked).
// Building every family's part in one pass and joining them held the page twice, three times
// with the previous page still being sent: under a flood of scrapes, with runs completing all
// the time, that was the exporter's resident memory going up by a third (bench/load_test.sh).
// The page is reserved at the size of the last one, so it is allocated once.
std::string ExporterCollector::render(const Snapshot& snapshot) const {
  std::string page;
  page.reserve(last_render_size_ + last_render_size_ / 16 + kHeadersAndExporterFamilies);
  std::array<bool, kFlowFamilyCount> present{};
  for (std::size_t pass = 0; pass < kFlowFamilyCount; ++pass) {
    if (pass > 0 && !present[pass]) continue;
    bool header_written = false;
    const auto sample = [&](FlowFamily family, std::initializer_list<LabelView> labels,
                            double value) {
      if (pass == 0) present[family] = true;
      if (family != pass) return;
      if (!header_written) {  // empty families are left out, as in Collect()
        append_header(page, flow_families_[pass]);
        header_written = true;
      }
      append_sample(page, flow_families_[pass].name, labels, value);
    };
    for (const auto& [name, results] : snapshot.flows)
      add_flow_samples(sample, name, *results, options_.per_port_limit);
  }
  append_text(page, job_families(snapshot));
  append_text(page, exporter_families(snapshot, options_));
  last_render_size_ = page.size();
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
