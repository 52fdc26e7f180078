#pragma once
// The status line's words for a flow that fails on many targets (a backup server watching a
// thousand agents): the targets grouped by how they fail, instead of one problem per target
// that would name three and hide the rest behind "and 997 more".
#include <cstddef>
#include <string>
#include <vector>

namespace vpm::nagios {

struct TargetFailure {
  std::string target;
  std::string how;  // what failed and why, the same words for the same failure on any target:
                    // "tcp/135,445 refused (connection refused)"
};

// "restore: 998 of 1,000 targets failing: tcp/135,445 refused (connection refused) on 996;
// tcp/135 filtered (no answer in 2s) on 2: 127.0.2.17, 127.0.3.4". Groups largest first; a
// group's targets are named when there are at most `named_targets` of them; at most
// `named_groups` groups, then "and N more kinds of failure on M".
std::string summarise_by_host(const std::string& flow, std::size_t targets,
                              const std::vector<TargetFailure>& failures, std::size_t named_groups,
                              std::size_t named_targets);

}  // namespace vpm::nagios
