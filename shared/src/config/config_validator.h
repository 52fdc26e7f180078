#pragma once
// Validating the target file into a Config: what each value means (durations, ports, role
// references, checks and their options), each error at the node that holds it.
#include "config/yaml_reader.h"
#include "vpm/config.h"

namespace vpm::config {

// The Config `root` describes (`root` as YamlReader::parse_document returned it). Throws
// ConfigError through `yaml`.
Config validate_config(YamlReader& yaml, const YamlNode& root);

}  // namespace vpm::config
