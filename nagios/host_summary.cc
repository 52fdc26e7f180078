#include "host_summary.h"

#include <algorithm>
#include <map>

#include "time_limit.h"  // with_thousands

namespace vpm::nagios {

std::string summarise_by_host(const std::string& flow, std::size_t targets,
                              const std::vector<TargetFailure>& failures, std::size_t named_groups,
                              std::size_t named_targets) {
  struct Group {
    const std::string* how = nullptr;
    std::vector<const std::string*> targets;
    std::size_t first_seen = 0;
  };
  std::map<std::string_view, Group> by_how;
  for (const TargetFailure& f : failures) {
    Group& group = by_how[f.how];
    if (group.how == nullptr) {
      group.how = &f.how;
      group.first_seen = by_how.size();
    }
    group.targets.push_back(&f.target);
  }
  std::vector<const Group*> groups;
  groups.reserve(by_how.size());
  for (const auto& [how, group] : by_how) groups.push_back(&group);
  std::sort(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
    if (a->targets.size() != b->targets.size()) return a->targets.size() > b->targets.size();
    return a->first_seen < b->first_seen;
  });

  std::string text = flow + ": " + with_thousands(failures.size()) + " of " +
                     with_thousands(targets) + " targets failing: ";
  std::size_t rest = failures.size();
  for (std::size_t i = 0; i < groups.size() && i < named_groups; ++i) {
    const Group& group = *groups[i];
    text += (i == 0 ? "" : "; ") + *group.how + " on " + with_thousands(group.targets.size());
    if (group.targets.size() <= named_targets) {
      for (std::size_t t = 0; t < group.targets.size(); ++t) {
        text += (t == 0 ? ": " : ", ") + *group.targets[t];
      }
    }
    rest -= group.targets.size();
  }
  if (groups.size() > named_groups) {
    text += "; and " + std::to_string(groups.size() - named_groups) + " more kinds of failure on " +
            with_thousands(rest);
  }
  return text;
}

}  // namespace vpm::nagios
