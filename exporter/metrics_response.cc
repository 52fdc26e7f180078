#include "metrics_response.h"

#include <optional>
#include <utility>

namespace vpm::exporter {

ResponseBody MetricsResponder::body(bool gzip) {
  if (!gzip) {
    MetricsText text = collector_.text();
    return ResponseBody{std::move(text.snapshot_part), std::move(text.process_part)};
  }
  if (const std::uint64_t render = collector_.current_render(); render != 0) {
    std::shared_ptr<const GzipPageCache::Head> kept;
    {
      const std::lock_guard lock(kept_mutex_);
      if (kept_render_ == render) kept = kept_;
    }
    if (kept) return gzipped(*kept, collector_.process_text());
  }
  std::optional<MetricsText> rendered = collector_.text_without_waiting();
  if (!rendered) {
    // Another scrape renders a new page: the last compression will do, as it does while
    // another scrape compresses (GzipPageCache).
    std::shared_ptr<const GzipPageCache::Head> kept;
    {
      const std::lock_guard lock(kept_mutex_);
      kept = kept_;
    }
    if (kept) return gzipped(*kept, collector_.process_text());
    rendered = collector_.text();
  }
  const MetricsText& text = *rendered;
  const std::shared_ptr<const GzipPageCache::Head> head = compressions_.head(text.snapshot_part);
  // Kept only when it is this render's own compression: while another scrape compresses a new
  // page, the cache answers with the previous one.
  if (head->source.lock() == text.snapshot_part) {
    const std::lock_guard lock(kept_mutex_);
    if (text.render > kept_render_) {
      kept_render_ = text.render;
      kept_ = head;
    }
  }
  return gzipped(*head, text.process_part);
}

ResponseBody MetricsResponder::gzipped(const GzipPageCache::Head& head,
                                       const std::string& process_part) {
  const std::shared_ptr<const DeflatedPart> tail = process_parts_.part(process_part);
  return ResponseBody{head.bytes, tail->bytes + gzip_trailer(head.meta, *tail), "gzip"};
}

}  // namespace vpm::exporter
