#include "veeam_schedule_values.h"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace vpm {

bool same_ignoring_case(std::string_view text, std::string_view name) {
  if (text.size() != name.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  return true;
}

namespace {

// The index of `text` in `names`, matched in full or on its first three letters.
template <std::size_t N>
std::optional<int> name_index(std::string_view text, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (same_ignoring_case(text, names[i]) || same_ignoring_case(text, names[i].substr(0, 3))) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 7> kDayNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ';' || text[i] == ' ') {
      if (i > start) items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return items;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Exactly `width` digits at `at`, the value no larger than `max`.
std::optional<int> digits_at(std::string_view text, std::size_t at, std::size_t width, int max) {
  if (at + width > text.size()) return std::nullopt;
  return parse_export_int(text.substr(at, width), max);
}

// 'HH:mm' or 'HH:mm:ss' then `rest`: a fraction of zeros and a zone suffix are allowed only
// after seconds (the ISO form).
std::optional<ClockTime> clock_at(std::string_view text, bool allow_suffix) {
  const auto hour = digits_at(text, 0, 2, 23);
  const auto minute = digits_at(text, 3, 2, 59);
  if (!hour || !minute || text.size() < 5 || text[2] != ':') return std::nullopt;
  if (text.size() == 5) return ClockTime{*hour, *minute};
  const auto second = digits_at(text, 6, 2, 59);
  if (text[5] != ':' || !second || *second != 0) return std::nullopt;
  std::string_view rest = text.substr(8);
  if (!allow_suffix)
    return rest.empty() ? std::optional<ClockTime>(ClockTime{*hour, *minute}) : std::nullopt;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] == '0') ++n;
    if (n == 1 || (n < rest.size() && rest[n] >= '0' && rest[n] <= '9')) return std::nullopt;
    rest.remove_prefix(n);
  }
  const bool zone = rest.empty() || rest == "Z" ||
                    (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
                     digits_at(rest, 1, 2, 23) && rest[3] == ':' && digits_at(rest, 4, 2, 59));
  return zone ? std::optional<ClockTime>(ClockTime{*hour, *minute}) : std::nullopt;
}

}  // namespace

std::optional<bool> parse_export_bool(std::string_view text) {
  if (same_ignoring_case(text, "True")) return true;
  if (same_ignoring_case(text, "False")) return false;
  return std::nullopt;
}

std::optional<int> parse_export_int(std::string_view text, int max) {
  if (!all_digits(text) || text.size() > 9) return std::nullopt;
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  if (value > max) return std::nullopt;
  return value;
}

std::optional<ClockTime> parse_export_clock(std::string_view text) {
  // 'MM/dd/yyyy HH:mm:ss'
  if (text.size() > 11 && text[2] == '/' && text[5] == '/' && text[10] == ' ') {
    if (!digits_at(text, 0, 2, 12) || !digits_at(text, 3, 2, 31) || !digits_at(text, 6, 4, 9999))
      return std::nullopt;
    return clock_at(text.substr(11), false);
  }
  // 'yyyy-MM-ddTHH:mm:ss[.fff][Z|+hh:mm]'
  if (text.size() > 11 && text[4] == '-' && text[7] == '-' && text[10] == 'T') {
    if (!digits_at(text, 0, 4, 9999) || !digits_at(text, 5, 2, 12) || !digits_at(text, 8, 2, 31))
      return std::nullopt;
    const std::string_view clock = text.substr(11);
    if (clock.size() < 8) return std::nullopt;  // the ISO form always has seconds
    return clock_at(clock, true);
  }
  return clock_at(text, false);
}

std::optional<int> parse_export_weekday(std::string_view text) {
  if (all_digits(text)) return parse_export_int(text, 6);
  return name_index(text, kDayNames);
}

std::optional<std::uint8_t> parse_export_weekdays(std::string_view text) {
  unsigned mask = 0;
  const std::vector<std::string_view> items = split_list(text);
  if (items.empty()) return std::nullopt;
  for (const std::string_view item : items) {
    const std::optional<int> day = parse_export_weekday(item);
    if (!day) return std::nullopt;
    mask |= 1u << *day;
  }
  return static_cast<std::uint8_t>(mask);
}

std::optional<std::uint16_t> parse_export_months(std::string_view text) {
  unsigned mask = 0;
  const std::vector<std::string_view> items = split_list(text);
  if (items.empty()) return std::nullopt;
  for (const std::string_view item : items) {
    const std::optional<int> month = name_index(item, kMonthNames);
    if (!month) return std::nullopt;
    mask |= 1u << *month;
  }
  return static_cast<std::uint16_t>(mask);
}

std::optional<std::bitset<kHoursPerWeek>> parse_export_backup_window(std::string_view text) {
  constexpr std::string_view kOpen = "<scheduler>";
  constexpr std::string_view kClose = "</scheduler>";
  if (text.substr(0, kOpen.size()) != kOpen || text.size() < kOpen.size() + kClose.size() ||
      text.substr(text.size() - kClose.size()) != kClose) {
    return std::nullopt;
  }
  text = text.substr(kOpen.size(), text.size() - kOpen.size() - kClose.size());
  std::bitset<kHoursPerWeek> denied;
  unsigned days_seen = 0;
  while (!text.empty()) {
    // <Day>v,v,...,v</Day>
    const std::size_t name_end = text.find('>');
    if (text.front() != '<' || name_end == std::string_view::npos) return std::nullopt;
    const std::string_view name = text.substr(1, name_end - 1);
    const std::optional<int> day = name_index(name, kDayNames);
    if (!day || name != kDayNames[static_cast<std::size_t>(*day)] || (days_seen >> *day & 1u)) {
      return std::nullopt;  // a full day name, each day once
    }
    days_seen |= 1u << *day;
    const std::string close = "</" + std::string(name) + ">";
    const std::size_t values_end = text.find(close, name_end);
    if (values_end == std::string_view::npos) return std::nullopt;
    const std::string_view values = text.substr(name_end + 1, values_end - name_end - 1);
    if (values.size() != 24 * 2 - 1) return std::nullopt;
    for (std::size_t hour = 0; hour < 24; ++hour) {
      const char v = values[hour * 2];
      if ((v != '0' && v != '1') || (hour < 23 && values[hour * 2 + 1] != ',')) {
        return std::nullopt;
      }
      if (v == '1') denied.set(static_cast<std::size_t>(*day) * 24 + hour);
    }
    text.remove_prefix(values_end + close.size());
  }
  if (days_seen != 0x7f) return std::nullopt;
  return denied;
}

}  // namespace vpm
