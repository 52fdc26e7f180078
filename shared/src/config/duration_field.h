#pragma once
// A duration value of the target file ("500ms", "2s", "1m30s", "30m"), its errors at the value.
#include <string>

#include "config/yaml_reader.h"
#include "vpm/duration.h"

namespace vpm::config {

// The duration `field` holds; fails through `yaml` naming `path` ("defaults.timeout") and what
// is wrong: no unit, negative, or not a duration at all.
Duration read_duration_field(YamlReader& yaml, const Field& field, const std::string& path);

}  // namespace vpm::config
