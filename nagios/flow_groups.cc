#include "flow_groups.h"

#include <cstddef>
#include <unordered_map>

namespace vpm::nagios {

std::vector<FlowGroup> group_by_flow(const std::vector<Judged>& judged) {
  std::vector<FlowGroup> groups;
  std::unordered_map<std::string_view, std::size_t> index_of_name;
  index_of_name.reserve(judged.size());
  for (const Judged& j : judged) {
    const std::string_view name = j.result->flow->name;
    const auto [it, inserted] = index_of_name.try_emplace(name, groups.size());
    if (inserted) groups.push_back({name, {}});
    groups[it->second].results.push_back(&j);
  }
  return groups;
}

}  // namespace vpm::nagios
