#pragma once
#include <ostream>
#include <string_view>
#include <vector>

namespace vpm::nagios {
// The whole plugin: parse arguments, load config or build the ad-hoc flow, probe, report (or,
// with --print-firewall-rules, print the role's firewall rules from the config instead).
// Writes everything to `out` and returns the exit code (0..3). Never throws.
int run_check(const std::vector<std::string_view>& args, std::ostream& out);
}  // namespace vpm::nagios
