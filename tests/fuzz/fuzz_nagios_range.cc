// libFuzzer target: the Nagios threshold range parser (-w/-c of check_veeam_ports).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "nagios_range.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto range = vpm::nagios::parse_nagios_range(text, &error);
  if (range) {
    if (range->text != text) __builtin_trap();
    if (!range->start_infinite && !range->end_infinite && range->start > range->end) {
      __builtin_trap();
    }
    // "@r" alerts exactly where "r" does not.
    const bool inside = range->alerts(range->start);
    vpm::nagios::NagiosRange flipped = *range;
    flipped.alert_inside = !flipped.alert_inside;
    if (flipped.alerts(range->start) == inside) __builtin_trap();
  } else if (error.empty()) {
    __builtin_trap();  // a rejection always says why
  }
  return 0;
}
