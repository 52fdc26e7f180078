#pragma once
// Which flows run now, against which hosts and which ports.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/config.h"

namespace vpm {

struct FlowPlan {
  std::shared_ptr<const Flow> flow;  // never null; shared by every run and result of the flow
  std::vector<std::string> hosts;    // the hosts of the flow's `to` role
  std::vector<Port> ports;           // the ports probed this run (all, or this run's sample)
};

struct Plan {
  std::vector<FlowPlan> flows;
};

// The ports of one run. With `sample: N`, run number k probes the N ports starting at
// index k*N (wrapping), so consecutive runs cover the whole set.
std::vector<Port> ports_for_run(const Flow& flow, std::uint64_t run_number);

// A run number that advances once per interval of wall-clock time: lets a one-shot check
// (no state between runs) rotate its sample like the exporter does.
std::uint64_t run_number_from_clock(const Flow& flow);

// The role named `name`. Throws std::invalid_argument naming it and the defined roles when the
// config has none by that name.
const Role& require_role(const Config& config, std::string_view name);

// The enabled flows whose `from` is `role` (every enabled flow when role is empty).
// Throws std::invalid_argument naming the role when it is not defined in the config.
std::vector<const Flow*> select_flows(const Config& config, std::string_view role);

// The hosts `flow` probes: its only_hosts when discovery set them, else those of its `to` role
// (none when the config does not define it).
std::vector<std::string> flow_hosts(const Config& config, const Flow& flow);

FlowPlan plan_flow(const Config& config, const Flow& flow, std::uint64_t run_number);

}  // namespace vpm
