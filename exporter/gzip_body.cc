#include "gzip_body.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <vector>

#include "http_tokens.h"

namespace vpm::exporter {
namespace {

// The q-value of one list member ("gzip;q=0.5"): 1 without one, 0 for one that does not parse
// (a client that sends nonsense gets the plain page).
double q_value(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semicolon = params.find(';');
    const std::string_view param = trim_ows(params.substr(0, semicolon));
    params =
        semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
    const std::size_t equals = param.find('=');
    if (equals == std::string_view::npos || !token_equals(trim_ows(param.substr(0, equals)), "q"))
      continue;
    const std::string_view value = trim_ows(param.substr(equals + 1));
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (value.empty() || (value[0] != '0' && value[0] != '1')) return 0;
    if (value.size() > 1 && (value[1] != '.' || value.size() > 5)) return 0;
    double q = value[0] - '0';
    double scale = 0.1;
    for (std::size_t i = 2; i < value.size(); ++i, scale /= 10) {
      if (!std::isdigit(static_cast<unsigned char>(value[i]))) return 0;
      q += (value[i] - '0') * scale;
    }
    return std::min(q, 1.0);
  }
  return 1;
}

DeflatedPart deflate_raw(std::string_view text, bool last, int level) {
  z_stream stream{};
  // Raw deflate (negative windowBits). A short text gets a small window and little state: zlib
  // would otherwise take about 270 kB for every call, a page-faulting mmap on each scrape.
  const bool small = text.size() < 16 * 1024;
  const int window_bits = small ? -10 : -15;
  const int mem_level = small ? 2 : 8;
  if (deflateInit2(&stream, level, Z_DEFLATED, window_bits, mem_level, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  DeflatedPart part;
  part.size = text.size();
  part.crc = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
  // crc32 and deflate take lengths as uInt: feed them in pieces below 4 GiB.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < text.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, text.size() - at);
    part.crc = static_cast<std::uint32_t>(
        crc32(part.crc, reinterpret_cast<const Bytef*>(text.data() + at), static_cast<uInt>(n)));
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  // Out in chunks: a buffer of deflateBound() (the size of the text, 4.9 MB for 1,000 agents)
  // for a result a twentieth of that was most of the memory a render took, under a flood of
  // scrapes too (bench/load_test.sh).
  std::string chunk(small ? 4096 : 65536, '\0');
  const int flush = last ? Z_FINISH : Z_FULL_FLUSH;
  int rc = Z_OK;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    rc = deflate(&stream, flush);
    part.bytes.append(chunk, 0, chunk.size() - stream.avail_out);
  } while (rc == Z_OK && stream.avail_out == 0);
  const bool done = last ? rc == Z_STREAM_END : (rc == Z_OK && stream.avail_in == 0);
  deflateEnd(&stream);
  if (!done) throw std::runtime_error("zlib: deflate did not finish");
  return part;
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

bool accepts_gzip(const char* accept_encoding) {
  if (accept_encoding == nullptr) return false;
  std::string_view list(accept_encoding);
  std::optional<double> gzip_q;
  std::optional<double> any_q;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view member = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    const std::size_t semicolon = member.find(';');
    const std::string_view coding = trim_ows(member.substr(0, semicolon));
    const std::string_view params =
        semicolon == std::string_view::npos ? std::string_view{} : member.substr(semicolon + 1);
    if (token_equals(coding, "gzip") || token_equals(coding, "x-gzip")) {
      gzip_q = q_value(params);
    } else if (coding == "*") {
      any_q = q_value(params);
    }
  }
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

// Level 1: on a page of label-heavy text it compresses about 16:1 already, at a fraction of
// the time of the higher levels.
DeflatedPart deflate_part(std::string_view text, bool last) { return deflate_raw(text, last, 1); }

std::string_view gzip_header() {
  // ID1 ID2, CM deflate, FLG none, MTIME 0 (none), XFL 4 (fastest), OS 255 (unknown).
  static constexpr std::array<char, 10> kHeader = {'\x1f', '\x8b', '\x08', '\x00', '\x00',
                                                   '\x00', '\x00', '\x00', '\x04', '\xff'};
  return {kHeader.data(), kHeader.size()};
}

std::string gzip_trailer(const DeflatedPart& head, const DeflatedPart& tail) {
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(head.crc, tail.crc, static_cast<z_off_t>(tail.size)));
  std::string trailer;
  put_le32(trailer, crc);
  put_le32(trailer, static_cast<std::uint32_t>((head.size + tail.size) & 0xFFFFFFFFU));
  return trailer;
}

std::string gzip(std::string_view text) {
  const DeflatedPart empty = deflate_part({}, false);
  const DeflatedPart whole = deflate_part(text, true);
  std::string out(gzip_header());
  out += whole.bytes;
  out += gzip_trailer(empty, whole);
  return out;
}

std::shared_ptr<const DeflatedPart> LastPartCache::part(const std::string& text) {
  {
    const std::lock_guard lock(mutex_);
    if (part_ && text_ == text) return part_;
  }
  auto made = std::make_shared<const DeflatedPart>(deflate_part(text, true));
  const std::lock_guard lock(mutex_);
  text_ = text;
  part_ = made;
  return made;
}

std::shared_ptr<const GzipPageCache::Head> GzipPageCache::head(
    const std::shared_ptr<const std::string>& text) {
  std::shared_ptr<const Head> current;
  {
    const std::lock_guard lock(state_mutex_);
    current = current_;
  }
  if (current && current->source.lock() == text) return current;
  std::unique_lock make(make_mutex_, std::try_to_lock);
  if (!make.owns_lock()) {
    if (current) return current;  // another scrape is compressing: the previous one will do
    make.lock();                  // the very first: wait for it
    const std::lock_guard lock(state_mutex_);
    if (current_ && current_->source.lock() == text) return current_;
  }
  auto made = std::make_shared<Head>();
  made->source = text;
  DeflatedPart part = deflate_part(*text, false);
  auto bytes = std::make_shared<std::string>(gzip_header());
  *bytes += part.bytes;
  made->bytes = std::move(bytes);
  made->meta.crc = part.crc;
  made->meta.size = part.size;
  const std::lock_guard lock(state_mutex_);
  current_ = made;
  return made;
}

void GzipPageCache::release() {
  const std::lock_guard lock(state_mutex_);
  current_.reset();
}

}  // namespace vpm::exporter
