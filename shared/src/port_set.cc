#include "vpm/port_set.h"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <utility>

#include "vpm/quoted.h"

namespace vpm {
namespace {

constexpr unsigned kMaxPort = 65535;

// Joins pieces into one string. Also sidesteps GCC 12's false -Wrestrict on "literal" + string.
std::string str_cat(std::initializer_list<std::string_view> pieces) {
  std::size_t length = 0;
  for (std::string_view piece : pieces) length += piece.size();
  std::string out;
  out.reserve(length);
  for (std::string_view piece : pieces) out += piece;
  return out;
}

// "2500-3300", or "22" for a single port.
std::string spell(PortRange range) {
  if (range.first == range.last) return std::to_string(range.first);
  return str_cat({std::to_string(range.first), "-", std::to_string(range.last)});
}

// "port 22" or "range 2500-3300": how messages name a range.
std::string describe(PortRange range) {
  return str_cat({range.first == range.last ? "port " : "range ", spell(range)});
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Longest piece of user text repeated in a message.
constexpr std::size_t kMaxShown = 60;

// A number as typed, cut short if absurdly long.
std::string abbreviated(std::string_view digits) {
  if (digits.size() <= kMaxShown) return std::string(digits);
  return str_cat({digits.substr(0, kMaxShown), "..."});
}

// Parses one port number that is known to be all digits. Saturates instead of overflowing,
// so that "99999999999" is reported as out of range rather than wrapping into it.
std::optional<Port> to_port(std::string_view digits, std::string* error) {
  unsigned long long value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > kMaxPort) break;
  }
  if (value == 0 || value > kMaxPort) {
    *error = str_cat({"port ", abbreviated(digits), " is out of range 1-65535"});
    return std::nullopt;
  }
  return static_cast<Port>(value);
}

std::string not_a_port(std::string_view text) {
  return str_cat({quoted(text), " is not a port or range (expected e.g. 22 or 2500-3300)"});
}

}  // namespace

std::optional<std::size_t> PortSet::first_overlap(PortRange range) {
  if (ranges_.empty() || range.first > highest_) return std::nullopt;
  if (index_by_first_.empty()) {
    for (std::size_t i = 0; i < ranges_.size(); ++i) index_by_first_.emplace(ranges_[i].first, i);
  }
  // The ranges that overlap are those starting at or before range.last whose last port is at
  // or after range.first: side by side in port order, just before upper_bound(range.last).
  std::optional<std::size_t> earliest;
  for (auto it = index_by_first_.upper_bound(range.last); it != index_by_first_.begin();) {
    --it;
    if (ranges_[it->second].last < range.first) break;
    if (!earliest || it->second < *earliest) earliest = it->second;
  }
  return earliest;
}

std::optional<std::string> PortSet::add(PortRange range) {
  if (range.first == 0) return "port 0 is out of range 1-65535";
  if (range.first > range.last) {
    return str_cat({"range ", std::to_string(range.first), "-", std::to_string(range.last),
                    " is reversed (first > last)"});
  }
  if (const std::optional<std::size_t> overlap = first_overlap(range)) {
    const PortRange& existing = ranges_[*overlap];
    if (existing == range) return str_cat({describe(range), " is listed twice"});
    return str_cat({describe(range), " overlaps ", describe(existing), " listed before"});
  }
  if (!index_by_first_.empty()) index_by_first_.emplace(range.first, ranges_.size());
  ranges_.push_back(range);
  size_ += range.size();
  highest_ = std::max(highest_, range.last);
  return std::nullopt;
}

Port PortSet::at(std::size_t index) const {
  std::size_t remaining = index;
  for (const PortRange& range : ranges_) {
    if (remaining < range.size()) return static_cast<Port>(range.first + remaining);
    remaining -= range.size();
  }
  throw std::out_of_range(
      str_cat({"PortSet::at: index ", std::to_string(index), " >= size ", std::to_string(size_)}));
}

std::vector<Port> PortSet::ports() const {
  std::vector<Port> all;
  all.reserve(size_);
  for (const PortRange& range : ranges_) {
    for (unsigned port = range.first; port <= range.last; ++port) {
      all.push_back(static_cast<Port>(port));
    }
  }
  return all;
}

std::vector<Port> PortSet::ports_from(std::size_t start, std::size_t count) const {
  std::vector<Port> out;
  if (ranges_.empty()) return out;
  out.reserve(count);
  std::size_t range = 0;
  std::size_t offset = start % size_;
  while (offset >= ranges_[range].size()) offset -= ranges_[range++].size();
  while (out.size() < count) {
    out.push_back(static_cast<Port>(ranges_[range].first + offset));
    if (++offset == ranges_[range].size()) {
      offset = 0;
      range = (range + 1) % ranges_.size();
    }
  }
  return out;
}

std::string PortSet::to_string() const {
  std::string text;
  for (const PortRange& range : ranges_) {
    if (!text.empty()) text += ',';
    text += spell(range);
  }
  return text;
}

std::optional<PortRange> parse_port_range(std::string_view text, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  const std::string_view item = trim(text);
  if (item.empty()) {
    *error = "empty port or range";
    return std::nullopt;
  }
  // A leading minus is a negative number, not a range with a missing start.
  if (item.front() == '-') {
    if (all_digits(item.substr(1))) {
      *error = str_cat({"port -", abbreviated(item.substr(1)), " is out of range 1-65535"});
    } else {
      *error = not_a_port(item);
    }
    return std::nullopt;
  }
  const std::size_t dash = item.find('-');
  const std::string_view first_text = trim(item.substr(0, dash));
  const std::string_view last_text =
      dash == std::string_view::npos ? first_text : trim(item.substr(dash + 1));
  if (!all_digits(first_text) || !all_digits(last_text)) {
    *error = not_a_port(item);
    return std::nullopt;
  }
  const std::optional<Port> first = to_port(first_text, error);
  if (!first) return std::nullopt;
  const std::optional<Port> last = to_port(last_text, error);
  if (!last) return std::nullopt;
  if (*first > *last) {
    *error = str_cat({"range ", std::to_string(*first), "-", std::to_string(*last),
                      " is reversed (first > last)"});
    return std::nullopt;
  }
  return PortRange{*first, *last};
}

std::optional<PortSet> parse_port_list(std::string_view text, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (trim(text).empty()) {
    *error = "empty port list";
    return std::nullopt;
  }
  const auto items = static_cast<std::size_t>(std::count(text.begin(), text.end(), ',')) + 1;
  if (items > kMaxPortListItems) {
    *error = str_cat({"too many items in port list (", std::to_string(items), "; at most ",
                      std::to_string(kMaxPortListItems), ", one per port)"});
    return std::nullopt;
  }
  PortSet set;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (trim(item).empty()) {
      *error = str_cat({"empty item in port list ", quoted(text)});
      return std::nullopt;
    }
    const std::optional<PortRange> range = parse_port_range(item, error);
    if (!range) return std::nullopt;
    if (std::optional<std::string> problem = set.add(*range)) {
      *error = std::move(*problem);
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

}  // namespace vpm
