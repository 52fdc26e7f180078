// The next start of a job's schedule, found on the local calendar (vpm/job_schedule.h).
#include "vpm/job_schedule.h"

namespace vpm {
namespace {

// Monthly jobs on a day only some months have, or on chosen months, start within a year.
constexpr int kDaysAhead = 400;

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

// Day of the week of a calendar date (0 Sunday), Sakamoto's method.
int weekday_of(int year, int month, int day) {
  static constexpr int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (month < 3) year -= 1;
  return (year + year / 4 - year / 100 + year / 400 + kOffsets[month - 1] + day) % 7;
}

LocalDateTime next_day(LocalDateTime d) {
  if (++d.day > days_in_month(d.year, d.month)) {
    d.day = 1;
    if (++d.month > 12) {
      d.month = 1;
      ++d.year;
    }
  }
  d.weekday = weekday_of(d.year, d.month, d.day);
  return d;
}

bool monthly_matches(const JobSchedule& s, const LocalDateTime& d) {
  if ((s.months & (1u << (d.month - 1))) == 0) return false;
  if (s.day_of_month > 0) return d.day == s.day_of_month;
  if (d.weekday != s.weekday) return false;
  if (s.week == 5) return d.day + 7 > days_in_month(d.year, d.month);  // the last one
  return (d.day - 1) / 7 + 1 == s.week;
}

bool runs_on(const JobSchedule& s, const LocalDateTime& d) {
  switch (s.kind) {
    case ScheduleKind::kDaily:
      return (s.weekdays & (1u << d.weekday)) != 0;
    case ScheduleKind::kMonthly:
      return monthly_matches(s, d);
    case ScheduleKind::kPeriodic:
      return true;
    case ScheduleKind::kManual:
    case ScheduleKind::kEventOnly:
      break;
  }
  return false;
}

bool denied(const JobSchedule& s, const LocalDateTime& at) {
  return s.denied_hours.test(static_cast<std::size_t>(at.weekday * 24 + at.hour));
}

// The start of the first permitted hour at or after `at`; nullopt when the whole week is denied.
std::optional<LocalDateTime> end_of_denied_period(const JobSchedule& s, LocalDateTime at) {
  for (int i = 0; i < 7 * 24; ++i) {
    if (!denied(s, at)) {
      at.minute = 0;
      return at;
    }
    if (++at.hour == 24) {
      at = next_day(at);
      at.hour = 0;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> next_run(
    const JobSchedule& schedule, std::chrono::system_clock::time_point after,
    const LocalTimeZone& zone) {
  if (schedule.kind == ScheduleKind::kManual || schedule.kind == ScheduleKind::kEventOnly) {
    return std::nullopt;
  }
  if (schedule.kind == ScheduleKind::kPeriodic &&
      (schedule.every.count() < 1 || schedule.every > std::chrono::hours(24))) {
    return std::nullopt;
  }
  // From the day before: a start late on the previous local day may still be ahead of `after`
  // across a DST change, and the first match after `after` wins anyway.
  LocalDateTime day = zone.to_local(after - std::chrono::hours(24));
  day.hour = 0;
  day.minute = 0;
  for (int i = 0; i < kDaysAhead; ++i, day = next_day(day)) {
    if (!runs_on(schedule, day)) continue;
    if (schedule.kind != ScheduleKind::kPeriodic) {
      LocalDateTime at = day;
      at.hour = schedule.hour;
      at.minute = schedule.minute;
      const auto t = zone.from_local(at);
      if (t && *t > after) return t;
      continue;
    }
    // Wall-clock slots counted from midnight: 00:00, 04:00, 08:00 ... for every 4 hours. A slot
    // in a denied hour starts when the denied period ends; those starts keep the slots' order,
    // so the first one after `after` is still the answer.
    for (std::chrono::minutes::rep m = 0; m < 24 * 60; m += schedule.every.count()) {
      LocalDateTime at = day;
      at.hour = static_cast<int>(m / 60);
      at.minute = static_cast<int>(m % 60);
      if (denied(schedule, at)) {
        const std::optional<LocalDateTime> end = end_of_denied_period(schedule, at);
        if (!end) return std::nullopt;
        at = *end;
      }
      const auto t = zone.from_local(at);
      if (t && *t > after) return t;
    }
  }
  return std::nullopt;
}

std::string no_next_run_reason(const JobSchedule& schedule) {
  switch (schedule.kind) {
    case ScheduleKind::kManual:
      return "the job is started manually (RunManually)";
    case ScheduleKind::kEventOnly:
      return "the job starts only on events (at lock, log off or storage attach)";
    default:
      return "no start within " + std::to_string(kDaysAhead) + " days";
  }
}

}  // namespace vpm
