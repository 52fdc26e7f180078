#pragma once
// Durations in the target file and on the command line: "500ms", "2s", "1m", "1h".
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vpm {

using Duration = std::chrono::milliseconds;

// Accepts one or more <integer><unit> parts ("1m30s"); units ms, s, m, h.
// Returns nullopt on anything else (empty, no unit, negative, overflow).
std::optional<Duration> parse_duration(std::string_view text);

// "2s", "500ms", "1m30s": the shortest exact spelling, accepted by parse_duration.
std::string format_duration(Duration d);

// Seconds as a decimal number, for perfdata and metrics ("2", "0.5").
double to_seconds(Duration d);

}  // namespace vpm
