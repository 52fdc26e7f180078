#pragma once
// When a backup job starts next, in the agent's local time: Veeam Agent schedules jobs by the
// wall clock of the computer (daily at 22:00, monthly, every 4 hours counted from midnight), so
// the next start is found on the local calendar and only then turned into an instant, through
// a LocalTimeZone seam that tests set (TZ on Linux) and the system provides otherwise.
//
// Daylight saving: a start whose wall time does not exist that day (02:30 on a spring-forward
// night, when clocks jump from 02:00 to 03:00) runs as soon as the clock passes it, at the
// gap's length later (03:30); a wall time that happens twice (autumn) runs at its first one.
#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace vpm {

// A day on the local calendar and a wall-clock time on it.
struct LocalDateTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int weekday = 0;  // 0 Sunday .. 6 Saturday; filled by to_local, ignored by from_local
};

// The seam: the system's time zone (SystemTimeZone), or whatever a test needs.
class LocalTimeZone {
 public:
  virtual ~LocalTimeZone() = default;
  virtual LocalDateTime to_local(std::chrono::system_clock::time_point t) const = 0;
  // The instant of a wall-clock time, as described above for DST gaps and repeats; nullopt
  // only when the C library cannot represent it.
  virtual std::optional<std::chrono::system_clock::time_point> from_local(
      const LocalDateTime& local) const = 0;
};

// The C library's local time (TZ on POSIX; the system's zone, or TZ when set, on Windows).
class SystemTimeZone final : public LocalTimeZone {
 public:
  LocalDateTime to_local(std::chrono::system_clock::time_point t) const override;
  std::optional<std::chrono::system_clock::time_point> from_local(
      const LocalDateTime& local) const override;
};

inline constexpr std::size_t kHoursPerWeek = std::size_t{7} * 24;

enum class ScheduleKind {
  kManual,     // RunManually: no next run
  kEventOnly,  // started at lock, log off or storage attach only: no next run
  kDaily,      // at a time on every day, on weekdays, or on chosen days
  kMonthly,    // at a time on a day of the month, or on the Nth (or last) weekday of it
  kPeriodic,   // every N minutes, counted from local midnight
};

struct JobSchedule {
  ScheduleKind kind = ScheduleKind::kManual;
  int hour = 0;  // kDaily, kMonthly: the start's wall time
  int minute = 0;
  std::uint8_t weekdays = 0x7f;  // kDaily: bit 0 Sunday .. bit 6 Saturday
  // kMonthly: day_of_month 1-31, or 0 with week (1-4, 5 = last) and weekday (0 Sunday..6).
  // A day the month does not have (31 in April) is skipped, as Veeam skips it.
  int day_of_month = 0;
  int week = 0;
  int weekday = 0;
  std::uint16_t months = 0xfff;   // kMonthly: bit 0 January .. bit 11 December
  std::chrono::minutes every{0};  // kPeriodic: 1 minute to 24 hours
  // kPeriodic: the backup window's denied hours, bit weekday * 24 + hour (0 Sunday 00:00-00:59)
  // in local time; none set: no window. A start that falls in a denied hour runs when the
  // denied period ends, as Veeam's user guide says for periodic jobs ("midnight is a reference
  // time"; "the job starts immediately after the denied window is over").
  std::bitset<kHoursPerWeek> denied_hours;
};

// The first start strictly after `after`; nullopt for manual and event-only jobs (and for a
// schedule that has no start within the next 400 days, such as no weekday chosen).
std::optional<std::chrono::system_clock::time_point> next_run(
    const JobSchedule& schedule, std::chrono::system_clock::time_point after,
    const LocalTimeZone& zone);

// Why there is no next run, for the log: "started manually", "started only by events".
std::string no_next_run_reason(const JobSchedule& schedule);

// The schedule for listings: "daily 22:00", "daily 22:00 on Mon-Fri", "monthly 01:00 on day
// 31", "monthly 20:00 on the last Fri of Jan, Jul", "every 4 hours from midnight", "started
// manually", "started only by events".
std::string describe_schedule(const JobSchedule& schedule);

// The schedule and its next start after `now`: "daily 22:00 on Mon-Fri, next 2026-12-07 22:00
// +0100"; "started manually"; "monthly 01:00 on day 31 of Feb, no start within 400 days".
std::string describe_schedule_and_next_run(const JobSchedule& schedule,
                                           std::chrono::system_clock::time_point now,
                                           const LocalTimeZone& zone);

// "2026-12-05 22:00 +0100": an instant as the zone's wall time, with its offset from UTC.
std::string format_local_time(std::chrono::system_clock::time_point t, const LocalTimeZone& zone);

}  // namespace vpm
