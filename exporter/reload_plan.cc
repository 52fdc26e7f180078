#include "reload_plan.h"

#include <map>

#include "vpm/plan.h"

namespace vpm::exporter {

std::vector<FlowSpec> flow_specs(const Config& config, std::string_view role) {
  std::vector<FlowSpec> specs;
  for (const Flow* flow : select_flows(config, role)) {
    FlowSpec spec{std::make_shared<const Flow>(*flow), flow_hosts(config, *flow)};
    spec.trace_interval = config.defaults.trace_interval;
    specs.push_back(std::move(spec));
  }
  return specs;
}

// What decides a flow's results: a change here starts the flow afresh; a change elsewhere
// (note, severity, interval, enabled) keeps its results and schedule.
bool same_probe(const FlowSpec& a, const FlowSpec& b) {
  const Flow& x = *a.flow;
  const Flow& y = *b.flow;
  return x.name == y.name && x.from == y.from && x.to == y.to && x.protocol == y.protocol &&
         x.ports == y.ports && x.expect == y.expect && x.sample == y.sample &&
         x.timeout == y.timeout && x.check == y.check && x.source == y.source && a.hosts == b.hosts;
}

ReloadPlan plan_reload(const std::vector<FlowSpec>& before, const std::vector<FlowSpec>& after) {
  std::map<std::string_view, const FlowSpec*> old_by_name;
  for (const FlowSpec& spec : before) old_by_name[spec.flow->name] = &spec;
  std::map<std::string_view, bool> in_after;
  ReloadPlan plan;
  for (const FlowSpec& spec : after) {
    in_after[spec.flow->name] = true;
    const auto it = old_by_name.find(spec.flow->name);
    if (it == old_by_name.end()) {
      plan.added.push_back(spec.flow->name);
    } else if (same_probe(*it->second, spec)) {
      plan.kept.push_back(spec.flow->name);
    } else {
      plan.redefined.push_back(spec.flow->name);
    }
  }
  for (const FlowSpec& spec : before) {
    if (!in_after.contains(spec.flow->name)) plan.removed.push_back(spec.flow->name);
  }
  return plan;
}

}  // namespace vpm::exporter
