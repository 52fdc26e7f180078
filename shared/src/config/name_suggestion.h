#pragma once
// "Did you mean ...?" for a misspelt key or role name: the closest candidate by edit distance,
// else the list of candidates.
#include <cstddef>
#include <string>
#include <string_view>

#include "vpm/quoted.h"

namespace vpm::config {

// Most names listed in an "(allowed keys: ...)" or "(defined roles: ...)" hint.
constexpr std::size_t kMaxListedNames = 20;

template <typename Names>
std::string join(const Names& names) {
  std::string out;
  std::size_t count = 0;
  for (const auto& name : names) {
    if (count == kMaxListedNames) {
      out += ", ...";
      break;
    }
    if (count++ > 0) out += ", ";
    out += name;
  }
  return out;
}

// Levenshtein distance, case-insensitive: "Timeout" is a near miss for "timeout".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate a typo most likely meant, or empty when none is close.
template <typename Names>
std::string closest_match(std::string_view word, const Names& candidates) {
  constexpr std::size_t kLongestCompared = 64;  // keeps the quadratic distance cheap
  if (word.size() > kLongestCompared) return {};
  const std::size_t allowed = word.size() <= 3 ? 1 : 2;
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (const auto& candidate : candidates) {
    const std::string_view name(candidate);
    if (name.size() > kLongestCompared) continue;
    const std::size_t distance = edit_distance(word, name);
    if (distance < best_distance && distance < name.size()) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

// " (did you mean "x"?)" for a near miss, else " (<what>: a, b, c)".
template <typename Names>
std::string suggestion(std::string_view word, const Names& candidates, std::string_view what) {
  const std::string match = closest_match(word, candidates);
  if (!match.empty()) return " (did you mean " + vpm::quoted(match) + "?)";
  return " (" + std::string(what) + ": " + join(candidates) + ")";
}

}  // namespace vpm::config
