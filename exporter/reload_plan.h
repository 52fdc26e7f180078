#pragma once
// What a reload does to the running flows, decided by name and by what the probe depends on.
//   added:     a new name                      -> scheduled soon, series appear after its run
//   removed:   a name no longer there          -> timer cancelled, series disappear at once
//   redefined: same name, different probe      -> like removed + added: old results are about
//              (from, to hosts, protocol,         something else, so they are dropped
//              ports, expect, sample, timeout,
//              check and its options)
//   kept:      same name, same probe           -> keeps its results, schedule and sample
//              (interval, severity, note may      rotation; new labels and interval apply
//              change)
// A renamed flow is a removed one plus an added one.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"

namespace vpm::exporter {

struct FlowSpec {
  std::shared_ptr<const Flow> flow;  // never null; shared by every run and result of the flow
  std::vector<std::string> hosts;    // the hosts of the flow's `to` role
  Duration trace_interval{600000};   // defaults.trace_interval: one trace per target this often
};

// The enabled flows of `role` (all when empty) with their hosts. Throws std::invalid_argument
// for an unknown role (from select_flows).
std::vector<FlowSpec> flow_specs(const Config& config, std::string_view role);

bool same_probe(const FlowSpec& a, const FlowSpec& b);

struct ReloadPlan {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> redefined;
  std::vector<std::string> kept;
};

// Names in each list follow the order of `after` (removed: the order of `before`).
ReloadPlan plan_reload(const std::vector<FlowSpec>& before, const std::vector<FlowSpec>& after);

}  // namespace vpm::exporter
