#pragma once
// What the run's time limit (-T/--max-time) means for the plugin's output: the warning, before
// the run, that the caps cannot fit it in the limit, and the sentence that names the ports a
// run left unprobed.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/duration.h"
#include "vpm/plan.h"
#include "vpm/probe_runner.h"

namespace vpm::nagios {

// 5000 -> "5,000"
std::string with_thousands(std::size_t n);

// "50s", "0.5s": the limit as given on the command line.
std::string seconds_text(Duration d);

// "2,300 of 5,000 ports not probed: time limit 50s" (without the limit when none is given)
std::string not_probed_text(std::size_t not_probed, std::size_t planned,
                            std::optional<Duration> max_time);

// When the caps let the run take longer than `max_time` in the worst case (every port waits out
// its timeout, cap by cap): the line that says so, naming the target or cap that makes it so.
// "warning: 5,000 ports to 10.0.0.1, 64 at a time, timeout 2s can take 158s, which does not fit
// ...". None otherwise.
// `cap_setting` names what sets the caps: "per_target_concurrency" (the target file), or
// "--concurrency" (ad-hoc mode).
std::optional<std::string> caps_warning(const std::vector<FlowPlan>& plans, const Limits& limits,
                                        Duration max_time, std::string_view cap_setting);

}  // namespace vpm::nagios
