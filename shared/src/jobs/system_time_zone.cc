// The C library's local time behind the LocalTimeZone seam (vpm/job_schedule.h).
#include <ctime>

#include "vpm/job_schedule.h"

namespace vpm {
namespace {

std::tm local_tm(std::time_t t) {
  std::tm out{};
#ifdef _WIN32
  localtime_s(&out, &t);
#else
  localtime_r(&t, &out);
#endif
  return out;
}

bool shows(const std::tm& tm, const LocalDateTime& local) {
  return tm.tm_year + 1900 == local.year && tm.tm_mon + 1 == local.month &&
         tm.tm_mday == local.day && tm.tm_hour == local.hour && tm.tm_min == local.minute;
}

std::optional<std::time_t> make_time(const LocalDateTime& local, int isdst) {
  std::tm tm{};
  tm.tm_year = local.year - 1900;
  tm.tm_mon = local.month - 1;
  tm.tm_mday = local.day;
  tm.tm_hour = local.hour;
  tm.tm_min = local.minute;
  tm.tm_isdst = isdst;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return t;
}

}  // namespace

LocalDateTime SystemTimeZone::to_local(std::chrono::system_clock::time_point t) const {
  const std::tm tm = local_tm(std::chrono::system_clock::to_time_t(t));
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_wday};
}

std::optional<std::chrono::system_clock::time_point> SystemTimeZone::from_local(
    const LocalDateTime& local) const {
  // The wall time read as summer time and as standard time: each reading that shows that wall
  // time again is an instant with it; the earlier one wins (autumn's repeated hour).
  std::optional<std::time_t> found;
  for (const int isdst : {1, 0}) {
    const std::optional<std::time_t> t = make_time(local, isdst);
    if (t && shows(local_tm(*t), local) && (!found || *t < *found)) found = t;
  }
  // Neither: the spring-forward gap. Read as standard time, it is the gap's length later.
  if (!found) found = make_time(local, 0);
  if (!found) return std::nullopt;
  return std::chrono::system_clock::from_time_t(*found);
}

}  // namespace vpm
