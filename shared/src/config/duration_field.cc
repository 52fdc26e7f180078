#include "config/duration_field.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "vpm/quoted.h"

namespace vpm::config {
namespace {

constexpr std::string_view kDurationUnits = "units: ms, s, m, h";

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Duration read_duration_field(YamlReader& yaml, const Field& field, const std::string& path) {
  const std::string text = yaml.read_scalar(field, path, "a duration such as \"2s\"");
  if (std::optional<Duration> duration = parse_duration(text)) return *duration;
  std::string problem;
  if (all_digits(text)) {
    problem = vpm::quoted(text) + " has no unit (write e.g. \"" + text + "s\"; " +
              std::string(kDurationUnits) + ")";
  } else if (!text.empty() && text.front() == '-') {
    problem = "negative duration " + vpm::quoted(text);
  } else {
    problem = "invalid duration " + vpm::quoted(text) + " (expected e.g. \"500ms\", \"2s\" or " +
              "\"1m30s\"; " + std::string(kDurationUnits) + ")";
  }
  yaml.fail(value_mark(field), path + ": " + problem);
}

}  // namespace vpm::config
