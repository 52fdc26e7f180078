#pragma once
// Performance data in the Monitoring Plugins format: 'label'=value[UOM];warn;crit;min;max
#include <optional>
#include <string>
#include <string_view>

namespace vpm::nagios {

// Always single-quoted; a single quote inside is doubled, '=' (not allowed in labels) becomes '_'.
std::string quote_perf_label(std::string_view label);

// A number without exponent and without trailing zeros ("0.000123", "2", "0").
std::string format_perf_number(double value);

struct PerfDatum {
  std::string label;
  double value = 0;
  std::string unit;  // "s", "" ...
  std::string warn;  // range text or empty
  std::string crit;
  std::optional<double> min;
  std::optional<double> max;
};

// "'label'=1.5s;0.2;1;0;2" (trailing empty fields dropped).
std::string format_perf_datum(const PerfDatum& datum);

}  // namespace vpm::nagios
