#include "landing_filter.h"

#include <charconv>

namespace vpm::exporter {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

LandingFilter parse_landing_filter(std::string_view query) {
  LandingFilter filter;
  filter.limit = kDefaultLandingRows;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string value =
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (key == "flow") {
      filter.flow = value;
    } else if (key == "target") {
      filter.target = value;
    } else if (key == "show") {
      if (value == "down") filter.show = LandingFilter::Show::kDown;
      if (value == "up") filter.show = LandingFilter::Show::kUp;
      if (value == "all") filter.show = LandingFilter::Show::kAll;
    } else if (key == "limit") {
      std::size_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value == "all") {
        filter.limit = static_cast<std::size_t>(-1);
      } else if (ec == std::errc() && end == value.data() + value.size() && n > 0) {
        filter.limit = n;
      }
    }
  }
  return filter;
}

}  // namespace vpm::exporter
