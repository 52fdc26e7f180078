#include "time_limit.h"

#include <algorithm>
#include <map>

#include "perfdata.h"

namespace vpm::nagios {
namespace {

// The worst case of ports probed `cap` at a time, each round as long as the longest timeout.
struct WorstCase {
  std::size_t ports = 0;
  Duration timeout{0};
  Duration duration(unsigned cap) const {
    const std::size_t rounds = (ports + cap - 1) / cap;
    return timeout * static_cast<Duration::rep>(rounds);
  }
};

}  // namespace

std::string with_thousands(std::size_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t i = digits.size(); i > 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

std::string seconds_text(Duration d) { return format_perf_number(to_seconds(d)) + "s"; }

std::string not_probed_text(std::size_t not_probed, std::size_t planned,
                            std::optional<Duration> max_time) {
  return with_thousands(not_probed) + " of " + with_thousands(planned) + " port" +
         (planned == 1 ? "" : "s") + " not probed" +
         (max_time ? ": time limit " + seconds_text(*max_time) : std::string());
}

std::optional<std::string> caps_warning(const std::vector<FlowPlan>& plans, const Limits& limits,
                                        Duration max_time, std::string_view cap_setting) {
  const unsigned global_cap = std::max(1U, limits.concurrency);
  const unsigned target_cap = std::max(1U, std::min(limits.per_target_concurrency, global_cap));
  std::map<std::string, WorstCase> by_target;
  WorstCase all;
  for (const FlowPlan& plan : plans) {
    for (const std::string& host : plan.hosts) {
      WorstCase& target = by_target[host];
      target.ports += plan.ports.size();
      target.timeout = std::max(target.timeout, plan.flow->timeout);
      all.ports += plan.ports.size();
      all.timeout = std::max(all.timeout, plan.flow->timeout);
    }
  }
  // The slowest of: the busiest target under its cap, and every port under the global cap.
  std::string why = with_thousands(all.ports) + " ports in all, " + std::to_string(global_cap) +
                    " at a time, timeout " + seconds_text(all.timeout);
  Duration worst = all.duration(global_cap);
  for (const auto& [host, target] : by_target) {
    if (target.duration(target_cap) > worst) {
      worst = target.duration(target_cap);
      why = with_thousands(target.ports) + " ports to " + host + ", " + std::to_string(target_cap) +
            " at a time, timeout " + seconds_text(target.timeout);
    }
  }
  if (worst + kEndBeforeDeadline <= max_time) return std::nullopt;
  // Growing a cap while a target's ports all time out shortens that case, but one answer in
  // each round keeps the caps as they are: this is the worst case still.
  return "warning: " + why + " can take " + seconds_text(worst) +
         ", which does not fit the time limit " + seconds_text(max_time) +
         ": ports may be left unprobed (raise " + std::string(cap_setting) + " or -T/--max-time)";
}

}  // namespace vpm::nagios
