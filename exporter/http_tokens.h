#pragma once
// Small pieces of HTTP header parsing (RFC 9110): optional whitespace around list members and
// parameters, and tokens compared case-insensitively.
#include <algorithm>
#include <cctype>
#include <string_view>

namespace vpm::exporter {

// Without the spaces and tabs (OWS) around it.
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII case-insensitive equality, as header tokens ("gzip", "keep-alive") compare.
inline bool token_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace vpm::exporter
