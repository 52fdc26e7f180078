#pragma once
// Prometheus file-based service discovery (file_sd_configs) from the target file: every host
// of a role at its exporter's port, labelled with the role, so the file that lists the agents
// also tells Prometheus where their exporters are.
#include <cstdint>
#include <string>
#include <string_view>

#include "vpm/config.h"

namespace vpm::nagios {

// A file_sd JSON list with one target group: [{"targets": ["HOST:PORT", ...], "labels":
// {"role": ROLE}}]; IPv6 literals in brackets. Throws std::invalid_argument naming the role
// when the config does not define it.
std::string format_prometheus_sd(const Config& config, std::string_view role, std::uint16_t port);

}  // namespace vpm::nagios
