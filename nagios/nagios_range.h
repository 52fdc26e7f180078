#pragma once
// Nagios threshold ranges, as in the Monitoring Plugins Development Guidelines:
//   "10"     alert if < 0 or > 10        "10:"   alert if < 10
//   "~:10"   alert if > 10               "10:20" alert if outside [10, 20]
//   "@10:20" alert if inside [10, 20] (inclusive)
#include <optional>
#include <string>
#include <string_view>

namespace vpm::nagios {

struct NagiosRange {
  double start = 0;
  double end = 0;
  bool start_infinite = false;  // "~"
  bool end_infinite = false;    // "10:"
  bool alert_inside = false;    // "@"
  std::string text;             // as given, for perfdata

  // Does `value` raise the alert this range describes?
  bool alerts(double value) const;
};

// Returns nullopt and sets *error ("start 20 is greater than end 10", "\"abc\" is not a number")
// on a malformed range.
std::optional<NagiosRange> parse_nagios_range(std::string_view text, std::string* error);

}  // namespace vpm::nagios
