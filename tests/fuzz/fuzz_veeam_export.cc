// libFuzzer target: the Veeam Agent export reader. Any input either loads into jobs whose
// endpoints are what the header promises, or throws VeeamExportError; anything else escaping
// (or a crash, a hang, a sanitizer report, expat's memory over its budget) is a bug. A schedule
// read holds values next_run can use, and its next run, if any, is after the instant asked.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "veeam_endpoint.h"
#include "vpm/job_schedule.h"
#include "vpm/veeam_export.h"

namespace {

bool valid(const vpm::VeeamEndpoint& endpoint) {
  return vpm::is_host(endpoint.host) && (!endpoint.port || *endpoint.port != 0);
}

bool keeps_promises(const vpm::VeeamJob& job) {
  using vpm::VeeamTargetType;
  switch (job.target_type) {
    case VeeamTargetType::kSharedFolder:
      return job.share_server && valid(*job.share_server) && !job.share_path.empty();
    case VeeamTargetType::kBackupRepository:
      return job.backup_server && valid(*job.backup_server);
    case VeeamTargetType::kCloudConnect:
      if (job.cloud_gateways.empty()) return false;
      for (const vpm::VeeamEndpoint& gateway : job.cloud_gateways) {
        if (!valid(gateway)) return false;
      }
      return true;
    case VeeamTargetType::kLocalDisk:
    case VeeamTargetType::kUnknown:
      return !job.share_server && !job.backup_server && job.cloud_gateways.empty();
  }
  return false;
}

bool keeps_promises(const vpm::JobSchedule& s) {
  using vpm::ScheduleKind;
  const bool clock = s.hour >= 0 && s.hour <= 23 && s.minute >= 0 && s.minute <= 59;
  switch (s.kind) {
    case ScheduleKind::kDaily:
      return clock && s.weekdays != 0 && s.weekdays <= 0x7f;
    case ScheduleKind::kMonthly:
      return clock && s.months != 0 && s.months <= 0xfff &&
             ((s.day_of_month >= 1 && s.day_of_month <= 31) ||
              (s.day_of_month == 0 && s.week >= 1 && s.week <= 5 && s.weekday >= 0 &&
               s.weekday <= 6));
    case ScheduleKind::kPeriodic:
      return s.every.count() >= 1 && s.every.count() <= 24 * 60;
    case ScheduleKind::kManual:
    case ScheduleKind::kEventOnly:
      return s.denied_hours.none();
  }
  return false;
}

// 2026-03-29 00:30 UTC, the night Europe's clocks spring forward, in whatever zone runs this.
bool next_run_is_after(const vpm::JobSchedule& s) {
  const std::chrono::system_clock::time_point after{std::chrono::seconds(1774744200)};
  const auto next = vpm::next_run(s, after, vpm::SystemTimeZone());
  return !next || *next > after;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const vpm::VeeamExport result = vpm::load_veeam_export_string(text, "fuzz.xml");
    if (result.warnings.size() > 101) __builtin_trap();
    for (const vpm::VeeamJob& job : result.jobs) {
      if (!keeps_promises(job) || job.line < 1) __builtin_trap();
      if (job.schedule && (!keeps_promises(*job.schedule) || !next_run_is_after(*job.schedule)))
        __builtin_trap();
    }
  } catch (const vpm::VeeamExportError& e) {
    if (std::string_view(e.what()).substr(0, 8) != "fuzz.xml") __builtin_trap();
  }
  return 0;
}
