#include "veeam_endpoint.h"

#include <algorithm>

#include "vpm/quoted.h"

namespace vpm {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_ipv6_literal(std::string_view text) {
  const std::size_t percent = text.find('%');
  const std::string_view address = text.substr(0, percent);
  if (std::count(address.begin(), address.end(), ':') < 2) return false;
  if (!std::all_of(address.begin(), address.end(),
                   [](char c) { return is_hex(c) || c == ':' || c == '.'; })) {
    return false;
  }
  if (percent == std::string_view::npos) return true;
  const std::string_view zone = text.substr(percent + 1);
  return !zone.empty() && std::all_of(zone.begin(), zone.end(), [](char c) {
    return is_alnum(c) || c == '.' || c == '-' || c == '_';
  });
}

constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool is_host(std::string_view text) {
  // 253: the longest DNS name; an IPv6 literal with a zone stays well under it.
  if (text.empty() || text.size() > 253) return false;
  if (text.find(':') != std::string_view::npos) return is_ipv6_literal(text);
  if (text.front() == '.' || text.front() == '-') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_'; });
}

std::optional<VeeamEndpoint> parse_gateway(std::string_view entry, std::string& why) {
  entry = trimmed(entry);
  VeeamEndpoint endpoint;
  std::string_view port_text;
  bool has_port = false;
  if (!entry.empty() && entry.front() == '[') {
    const std::size_t close = entry.find(']');
    if (close == std::string_view::npos) {
      why = "no ']' after the IPv6 address";
      return std::nullopt;
    }
    endpoint.host = std::string(entry.substr(1, close - 1));
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        why = "expected ':' and a port after ']'";
        return std::nullopt;
      }
      port_text = rest.substr(1);
      has_port = true;
    }
    if (!is_ipv6_literal(endpoint.host)) {
      why = quoted(endpoint.host) + " in brackets is not an IPv6 address";
      return std::nullopt;
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    const std::size_t colon = entry.find(':');
    endpoint.host = std::string(entry.substr(0, colon));
    port_text = entry.substr(colon + 1);
    has_port = true;
  } else {
    endpoint.host = std::string(entry);
  }
  if (!is_host(endpoint.host)) {
    why = quoted(endpoint.host) + " is not a host name or IP address";
    return std::nullopt;
  }
  if (has_port) {
    endpoint.port = parse_port(port_text);
    if (!endpoint.port) {
      why = "port " + quoted(port_text) + " is not a number from 1 to 65535";
      return std::nullopt;
    }
  }
  return endpoint;
}

std::vector<std::string_view> split_gate_list(std::string_view text) {
  std::vector<std::string_view> entries;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ';' || text[i] == ',' || is_blank(text[i])) {
      if (i > start) entries.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return entries;
}

}  // namespace vpm
