#pragma once
// The metric model: MetricFamilies built from a Snapshot of the last completed runs. Pure
// functions of their inputs, so a fixed set of FlowResults gives a fixed exposition. The
// veeam_flow_* families themselves (names, HELP, labels, samples) are the core's
// (vpm/flow_metrics.h), shared with the check's --textfile.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "result_store.h"
#include "vpm/flow_metrics.h"

namespace vpm::exporter {

struct ModelOptions {
  std::size_t per_port_limit =
      kDefaultPerPortLimit;  // veeam_flow_port_up only for flows with <= this many ports
  std::string version = "unknown";
  std::string revision = "unknown";
  // ExporterCollector::text() renders the page again at most this often (0: on every change).
  std::chrono::milliseconds min_render_interval{0};
  // Called after each render, on the scrape's thread (the exporter gives the render's freed
  // memory back to the system there).
  std::function<void()> after_render{};
};

// veeam_flow_* families, flows in name order, targets in host order. Empty families are left out.
std::vector<prometheus::MetricFamily> flow_families(const Snapshot& snapshot,
                                                    const ModelOptions& options);
// veeam_port_exporter_* families (probes_total, reload status, build_info).
std::vector<prometheus::MetricFamily> exporter_families(const Snapshot& snapshot,
                                                        const ModelOptions& options);
// The text exposition format (version 0.0.4) of `families`.
std::string serialize(const std::vector<prometheus::MetricFamily>& families);

// /metrics as text: the part built from the snapshot, shared by every scrape until a run or a
// reload changes it, and the process metrics, fresh for each scrape.
struct MetricsText {
  std::shared_ptr<const std::string> snapshot_part;
  std::string process_part;
  std::uint64_t render = 0;  // which render snapshot_part came from (ExporterCollector, from 1)
  std::string joined() const { return *snapshot_part + process_part; }
};

// The Collectable behind /metrics: flow, exporter and process families of the store's current
// snapshot, built at scrape time, so a flow removed by a reload simply stops appearing.
class ExporterCollector : public prometheus::Collectable {
 public:
  ExporterCollector(const ResultStore& store, ModelOptions options);
  std::vector<prometheus::MetricFamily> Collect() const override;

  // Collect() serialized, byte for byte, and shared by every scrape until the store changes.
  // Under load it is cheap: with thousands of flows the store changes many times a second, so
  // the text is made again at most once per ModelOptions::min_render_interval (a scrape in
  // between gets it as it was up to that long ago; invalidate() ends that after a reload), and
  // while one scrape makes it, the others get the previous one instead of waiting. Memory: one
  // page of text, nothing per flow.
  MetricsText text() const;
  // The same, but empty instead of waiting when another scrape renders the page and none is
  // kept (the previous one goes when a render begins, see page()): a gzip scrape then serves
  // the kept compression of the previous render (metrics_response.h).
  std::optional<MetricsText> text_without_waiting() const;
  // The next text() reflects the store as it is then, however recent the last one.
  void invalidate();
  // The render text() would serve now, even when its page was released since (nothing changed
  // in the store, or it is within min_render_interval); 0 when text() would render a new one.
  // What a compression kept from that render may be served instead of rendering the page again.
  std::uint64_t current_render() const;
  // Drops the kept page when no scrape has asked for one for `idle`; returns whether it did.
  // Prometheus scrapes every 15 s or so: between scrapes the page (1.4 MB for 1,000 flows) is
  // memory held for nothing, and with runs completing all the time the next scrape would
  // render a new one anyway.
  bool release_idle_page(std::chrono::steady_clock::duration idle) const;
  // The process metrics alone, as text, read again when the last reading is older than
  // kProcessTextMaxAge: under a flood of scrapes, reading /proc for each would cost more than
  // serving the page.
  std::string process_text() const;
  static constexpr std::chrono::milliseconds kProcessTextMaxAge{100};

 private:
  struct Page {
    std::shared_ptr<const std::string> text;
    std::uint64_t render = 0;
  };
  Page page(bool wait = true) const;  // !wait: a null text instead of waiting for a render
  std::string render(const Snapshot& snapshot) const;

  const ResultStore& store_;
  ModelOptions options_;
  std::vector<prometheus::MetricFamily> flow_families_;  // without samples: name, HELP, TYPE
  mutable std::mutex cache_mutex_;                       // guards the eight below
  mutable std::uint64_t cached_generation_ = 0;
  mutable std::shared_ptr<const std::string> cached_text_;
  mutable std::uint64_t cached_render_ = 0;  // kept when cached_text_ is released
  mutable std::uint64_t renders_ = 0;
  mutable std::chrono::steady_clock::time_point rendered_at_{};
  mutable std::chrono::steady_clock::time_point asked_at_{};  // the last page() call
  mutable bool stale_ = false;
  mutable std::uint64_t invalidations_ = 0;   // so a render begun before one cannot end it
  mutable std::mutex render_mutex_;           // held by the one scrape that renders
  mutable std::size_t last_render_size_ = 0;  // guarded by render_mutex_
  mutable std::mutex process_mutex_;
  mutable std::string process_text_;
  mutable std::chrono::steady_clock::time_point process_read_{};
};

}  // namespace vpm::exporter
