#pragma once
// An ordered list of port ranges: "22", "2500-3300", "22,2500-3300".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpm {

using Port = std::uint16_t;

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
  std::optional<std::string> add(PortRange range);

  const std::vector<PortRange>& ranges() const { return ranges_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The i-th port in listing order, 0 <= i < size().
  Port at(std::size_t index) const;
  // Every port in listing order.
  std::vector<Port> ports() const;
  // "22,2500-3300"
  std::string to_string() const;

  friend bool operator==(const PortSet&, const PortSet&) = default;

 private:
  std::vector<PortRange> ranges_;
  std::size_t size_ = 0;
};

// One item: "22" or "2500-3300" (spaces around '-' allowed). Ports are 1..65535 and a <= b.
// On failure returns nullopt and sets *error to a sentence naming the problem.
std::optional<PortRange> parse_port_range(std::string_view text, std::string* error);

// A comma-separated list of items, as given to check_veeam_ports -p.
std::optional<PortSet> parse_port_list(std::string_view text, std::string* error);

}  // namespace vpm
