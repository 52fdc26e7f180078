#include "vpm/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace vpm {
namespace {

struct DurationUnit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// Largest first: parts must appear in this order, each at most once ("1h30m", not "30m1h"),
// so every duration has exactly one spelling and format_duration can produce it.
constexpr std::array<DurationUnit, 4> kUnits{{
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

constexpr std::int64_t kMaxMilliseconds = std::numeric_limits<Duration::rep>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

// Index into kUnits of the unit spelled exactly `suffix`, or kUnits.size().
std::size_t unit_index(std::string_view suffix) {
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    if (kUnits[i].suffix == suffix) return i;
  }
  return kUnits.size();
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_allowed_unit = 0;  // units must strictly decrease
  std::size_t pos = 0;
  while (pos < text.size()) {
    // <digits>: a sign, a blank or a decimal point lands here and is rejected.
    if (!is_digit(text[pos])) return std::nullopt;
    std::int64_t amount = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      const auto digit = static_cast<std::int64_t>(text[pos] - '0');
      if (amount > (kMaxMilliseconds - digit) / 10) return std::nullopt;
      amount = amount * 10 + digit;
      ++pos;
    }
    // <unit>: a bare number has no letters here.
    const std::size_t unit_start = pos;
    while (pos < text.size() && is_letter(text[pos])) ++pos;
    const std::size_t unit = unit_index(text.substr(unit_start, pos - unit_start));
    if (unit == kUnits.size() || unit < next_allowed_unit) return std::nullopt;
    next_allowed_unit = unit + 1;

    const std::int64_t factor = kUnits[unit].milliseconds;
    if (amount > kMaxMilliseconds / factor) return std::nullopt;
    const std::int64_t part = amount * factor;
    if (total > kMaxMilliseconds - part) return std::nullopt;
    total += part;
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  const Duration::rep count = d.count();
  if (count == 0) return "0s";
  std::string text;
  // Work on the magnitude as unsigned so that the most negative value does not overflow.
  auto remaining = static_cast<std::uint64_t>(count);
  if (count < 0) {
    text = "-";
    remaining = ~remaining + 1;
  }
  for (const DurationUnit& unit : kUnits) {
    const auto factor = static_cast<std::uint64_t>(unit.milliseconds);
    const std::uint64_t amount = remaining / factor;
    if (amount == 0) continue;
    remaining -= amount * factor;
    text += std::to_string(amount);
    text += unit.suffix;
  }
  return text;
}

double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace vpm
