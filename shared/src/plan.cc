#include "vpm/plan.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace vpm {

std::vector<Port> ports_for_run(const Flow& flow, std::uint64_t run_number) {
  const std::size_t total = flow.ports.size();
  if (!flow.sample || *flow.sample >= total) return flow.ports.ports();
  const std::size_t per_run = *flow.sample;
  const std::size_t start = static_cast<std::size_t>((run_number % total) * per_run % total);
  return flow.ports.ports_from(start, per_run);
}

std::uint64_t run_number_from_clock(const Flow& flow) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const auto interval = std::max<std::int64_t>(flow.interval.count(), 1);
  return static_cast<std::uint64_t>(now.count() / interval);
}

const Role& require_role(const Config& config, std::string_view name) {
  if (const Role* role = config.find_role(name)) return *role;
  std::string known;
  for (const Role& r : config.roles) known += (known.empty() ? "" : ", ") + r.name;
  throw std::invalid_argument("no role named \"" + std::string(name) + "\" in " + config.source +
                              " (roles: " + known + ")");
}

std::vector<const Flow*> select_flows(const Config& config, std::string_view role) {
  if (!role.empty()) require_role(config, role);
  std::vector<const Flow*> selected;
  for (const Flow& flow : config.flows) {
    if (flow.enabled && (role.empty() || flow.from == role)) selected.push_back(&flow);
  }
  return selected;
}

std::vector<std::string> flow_hosts(const Config& config, const Flow& flow) {
  if (flow.only_hosts) return *flow.only_hosts;
  if (const Role* to = config.find_role(flow.to)) return to->hosts;
  return {};
}

FlowPlan plan_flow(const Config& config, const Flow& flow, std::uint64_t run_number) {
  FlowPlan plan;
  plan.flow = std::make_shared<const Flow>(flow);
  plan.hosts = flow_hosts(config, flow);
  plan.ports = ports_for_run(flow, run_number);
  return plan;
}

}  // namespace vpm
