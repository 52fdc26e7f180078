#pragma once
// gzip for /metrics. Prometheus asks for it on every scrape (Accept-Encoding: gzip), and the
// page of a thousand flows shrinks from 1.4 MB to under 100 kB, which is what lets many
// scrapers be served at once.
//
// The page has two parts: the flows' samples, shared by every scrape until a run changes them,
// and the process metrics, fresh for each scrape. They are compressed apart and joined into one
// gzip member (RFC 1952): the shared part as raw deflate (RFC 1951) that ends in a full flush,
// so it ends on a byte boundary with no block marked final, and the fresh part as a raw deflate
// stream of its own that ends the member. The CRC-32 of the whole is combined from the two.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace vpm::exporter {

// Whether an Accept-Encoding header (RFC 9110 section 12.5.3) admits gzip: "gzip", "x-gzip"
// or "*" with a q-value above 0. Null or empty: no.
bool accepts_gzip(const char* accept_encoding);

struct DeflatedPart {
  std::string bytes;       // raw deflate
  std::uint32_t crc = 0;   // CRC-32 of the uncompressed text
  std::uint64_t size = 0;  // uncompressed length
};

// Compresses `text` as raw deflate; `last` ends the stream (final block), otherwise it ends in
// a full flush and more deflate data may follow.
DeflatedPart deflate_part(std::string_view text, bool last);

// The gzip header, as it goes before the first part.
std::string_view gzip_header();
// The gzip trailer for the parts `head` then `tail` (CRC-32 and length of both).
std::string gzip_trailer(const DeflatedPart& head, const DeflatedPart& tail);

// One-shot: a complete gzip member of `text`.
std::string gzip(std::string_view text);

// The last text deflated as the end of a stream (deflate_part(text, true)), kept while the
// text stays the same: /metrics' process part is read again at most every 100 ms
// (ExporterCollector::process_text), and deflating it for each scrape cost every busy worker a
// deflate state (about 12 KB of heap) at once under a flood of scrapes, and time.
class LastPartCache {
 public:
  std::shared_ptr<const DeflatedPart> part(const std::string& text);

 private:
  std::mutex mutex_;  // guards the two below
  std::string text_;
  std::shared_ptr<const DeflatedPart> part_;
};

// The compressed shared part of /metrics, made once per page: ExporterCollector hands out the
// same page (one shared string) until it renders a new one, at most every 500 ms, so the page's
// identity says when to compress again. While one scrape compresses a new page, the others are
// served the previous compression instead of waiting. The cache does not keep a page alive.
class GzipPageCache {
 public:
  struct Head {
    std::weak_ptr<const std::string> source;   // the text it was made from
    std::shared_ptr<const std::string> bytes;  // gzip header + raw deflate, full flush
    DeflatedPart meta;                         // crc and size (bytes left empty)
  };

  std::shared_ptr<const Head> head(const std::shared_ptr<const std::string>& text);
  // Forgets the compression (scrapes still sending it keep it until they are done).
  void release();

 private:
  std::mutex state_mutex_;  // guards current_
  std::mutex make_mutex_;   // held by the one scrape that compresses
  std::shared_ptr<const Head> current_;
};

}  // namespace vpm::exporter
