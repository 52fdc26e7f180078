#pragma once
// /metrics as a response body: the collector's page (ExporterCollector::text()), compressed once
// per render for the scrapes that ask for gzip, and the process metrics, fresh for each scrape.
//
// A gzip scrape is served from the kept compression of the render the collector would serve
// now, even after the page's text was released for want of scrapes (metric_model.h): the
// compression is a twentieth of the page or less (181 KB for the 4.9 MB of 1,000 agents), and
// Prometheus, scraping every 15 s or so, would otherwise have the page rendered and compressed
// again for every scrape though nothing changed in between.
#include <cstdint>
#include <memory>
#include <mutex>

#include "gzip_body.h"
#include "http_server.h"
#include "metric_model.h"

namespace vpm::exporter {

class MetricsResponder {
 public:
  explicit MetricsResponder(const ExporterCollector& collector) : collector_(collector) {}
  MetricsResponder(const MetricsResponder&) = delete;
  MetricsResponder& operator=(const MetricsResponder&) = delete;

  // Thread-safe: called from every HTTP worker at once.
  ResponseBody body(bool gzip);

 private:
  ResponseBody gzipped(const GzipPageCache::Head& head, const std::string& process_part);

  const ExporterCollector& collector_;
  GzipPageCache compressions_;
  LastPartCache process_parts_;  // the process part, deflated once per reading
  std::mutex kept_mutex_;        // guards the two below
  std::uint64_t kept_render_ = 0;
  std::shared_ptr<const GzipPageCache::Head> kept_;  // the compression of render kept_render_
};

}  // namespace vpm::exporter
