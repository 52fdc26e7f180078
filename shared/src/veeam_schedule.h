#pragma once
// One job's ScheduleInfo into a JobSchedule (vpm/job_schedule.h): manual, event-only, daily,
// monthly or periodic. What is not understood gives no schedule and a warning, never a guessed
// next run; the export goes on being read. docs/how-it-works.md ("Jobs") says which element
// and attribute names Veeam documents and which are inferred from its object model.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veeam_target.h"
#include "vpm/job_schedule.h"

namespace vpm {

// An element of the schedule as the reader met it. No attribute of ScheduleInfo or its
// children is a credential.
struct ScheduleElement {
  std::string name;
  ExportPosition position;
  std::vector<std::pair<std::string, std::string>> attributes;

  [[nodiscard]] const std::string* find(std::string_view attribute) const {
    for (const auto& [key, value] : attributes) {
      if (key == attribute) return &value;
    }
    return nullptr;
  }
};

struct ScheduleInfoElements {
  ScheduleElement info;                   // ScheduleInfo itself
  std::vector<ScheduleElement> children;  // its direct children, in order
};

struct ScheduleOutcome {
  std::optional<JobSchedule> schedule;
  std::vector<TargetMessage> warnings;  // "job \"X\": ScheduleInfo ..." each
};

// `job_label` names the job in messages ("job \"Nightly\"").
ScheduleOutcome read_schedule(const ScheduleInfoElements& elements, const std::string& job_label);

}  // namespace vpm
