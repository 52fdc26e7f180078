#pragma once
// The judged results of each flow, grouped by flow name in first-seen order: the status line
// counts the flows and the perfdata lists each flow's targets together. One pass with a hash
// index, so that 10,000 flows cost ten times 1,000 (issue 19).
#include <string_view>
#include <vector>

#include "verdict.h"

namespace vpm::nagios {

struct FlowGroup {
  std::string_view name;               // the flow's name, owned by its results' Flow
  std::vector<const Judged*> results;  // in the order given
};

// Every flow name of `judged` once, in the order first seen; the pointers point into `judged`.
std::vector<FlowGroup> group_by_flow(const std::vector<Judged>& judged);

}  // namespace vpm::nagios
