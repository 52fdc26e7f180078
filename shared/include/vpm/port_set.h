#pragma once
// An ordered list of port ranges: "22", "2500-3300", "22,2500-3300".
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpm {

using Port = std::uint16_t;

// Items in one port list: there are no more ports than this, so a longer list must overlap
// itself. The bound lets a reader refuse a huge list before it parses every item.
constexpr std::size_t kMaxPortListItems = 65535;

struct PortRange {
  Port first = 0;
  Port last = 0;  // inclusive; first <= last
  std::size_t size() const { return static_cast<std::size_t>(last - first) + 1; }
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

class PortSet {
 public:
  PortSet() = default;

  // Adds a range; returns an error text if it is empty-ordered or overlaps one already added.
  // O(1) for an item above every earlier one (the usual ascending list), O(log n) otherwise.
  std::optional<std::string> add(PortRange range);

  const std::vector<PortRange>& ranges() const { return ranges_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The i-th port in listing order, 0 <= i < size().
  Port at(std::size_t index) const;
  // Every port in listing order.
  std::vector<Port> ports() const;
  // `count` ports in listing order from the start-th on, wrapping around to the first:
  // a flow's sample for one run. O(ranges + count); start < size() unless the set is empty.
  std::vector<Port> ports_from(std::size_t start, std::size_t count) const;
  // "22,2500-3300"
  std::string to_string() const;

  // Equal when the same ranges are listed in the same order.
  friend bool operator==(const PortSet& a, const PortSet& b) { return a.ranges_ == b.ranges_; }

 private:
  // The listing index of the earliest range that overlaps `range`, if any.
  std::optional<std::size_t> first_overlap(PortRange range);

  std::vector<PortRange> ranges_;  // in listing order
  std::size_t size_ = 0;
  Port highest_ = 0;  // the highest port listed: nothing above it can overlap
  // Listing index by first port, built at the first item listed below highest_ (until then an
  // ascending list needs none); the ranges are disjoint, so their order by first port is also
  // their order by last port.
  std::map<Port, std::size_t> index_by_first_;
};

// One item: "22" or "2500-3300" (spaces around '-' allowed). Ports are 1..65535 and a <= b.
// On failure returns nullopt and sets *error to a sentence naming the problem.
std::optional<PortRange> parse_port_range(std::string_view text, std::string* error);

// A comma-separated list of items, as given to check_veeam_ports -p.
std::optional<PortSet> parse_port_list(std::string_view text, std::string* error);

}  // namespace vpm
