#pragma once
// Plans, specs and results share their flow (std::shared_ptr<const Flow>); tests build flows
// field by field. These two bridge that.
#include <memory>
#include <utility>

#include "vpm/config.h"

namespace vpm::test {

// The flow of `holder` (a FlowPlan, FlowSpec or FlowResult), to change: a copy of its own, so
// anything else that shared the old one keeps it as it was.
template <class Holder>
Flow& edit_flow(Holder& holder) {
  auto copy = holder.flow ? std::make_shared<Flow>(*holder.flow) : std::make_shared<Flow>();
  holder.flow = copy;
  return *copy;
}

inline std::shared_ptr<const Flow> shared(Flow flow) {
  return std::make_shared<const Flow>(std::move(flow));
}

}  // namespace vpm::test
