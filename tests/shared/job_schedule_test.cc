// next_run on the system's time zone, table-tested in two zones (Europe/Berlin, America/New_York
// through TZ): across midnight, weekdays, month ends, chosen months, the year's end, and both
// daylight-saving changes of 2026. Expected instants are written in UTC.
#include "vpm/job_schedule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "support/time_zone.h"

namespace vpm {
namespace {

using std::chrono::system_clock;

using vpm::test::utc;
#ifndef _WIN32
using vpm::test::ScopedTimeZone;
#endif

JobSchedule daily(int hour, int minute, std::uint8_t weekdays = 0x7f) {
  JobSchedule s;
  s.kind = ScheduleKind::kDaily;
  s.hour = hour;
  s.minute = minute;
  s.weekdays = weekdays;
  return s;
}

JobSchedule monthly_on_day(int day, int hour, int minute) {
  JobSchedule s;
  s.kind = ScheduleKind::kMonthly;
  s.day_of_month = day;
  s.hour = hour;
  s.minute = minute;
  return s;
}

JobSchedule monthly_on_weekday(int week, int weekday, int hour, std::uint16_t months = 0xfff) {
  JobSchedule s;
  s.kind = ScheduleKind::kMonthly;
  s.week = week;
  s.weekday = weekday;
  s.hour = hour;
  s.months = months;
  return s;
}

JobSchedule every(std::chrono::minutes period) {
  JobSchedule s;
  s.kind = ScheduleKind::kPeriodic;
  s.every = period;
  return s;
}

constexpr std::uint8_t kWeekdays = 0b0111110;  // Monday to Friday
constexpr std::uint8_t kSunday = 0b0000001;

struct Case {
  const char* what;
  const char* zone;
  JobSchedule schedule;
  system_clock::time_point after;
  std::optional<system_clock::time_point> expected;
};

TEST(NextRun, TableInTwoTimeZones) {
#ifdef _WIN32
  // The C runtime's TZ takes "EST5EDT"-style values with fixed US rules, not zone names: the
  // tables need IANA zones. NextRun.SystemZoneRoundTrip runs here, in the system's own zone.
  GTEST_SKIP() << "TZ zone names are POSIX only";
#else
  const std::vector<Case> cases = {
      // Europe/Berlin: CET (UTC+1) in winter, CEST (UTC+2) from 29 March to 25 October 2026.
      {"later today", "Europe/Berlin", daily(22, 0), utc(2026, 1, 15, 20, 59),
       utc(2026, 1, 15, 21, 0)},
      {"exactly at the start: the next day's", "Europe/Berlin", daily(22, 0),
       utc(2026, 1, 15, 21, 0), utc(2026, 1, 16, 21, 0)},
      {"across midnight", "Europe/Berlin", daily(0, 30), utc(2026, 1, 15, 22, 50),
       utc(2026, 1, 15, 23, 30)},
      {"weekdays: Friday night to Monday", "Europe/Berlin", daily(22, 0, kWeekdays),
       utc(2026, 1, 16, 22, 0), utc(2026, 1, 19, 21, 0)},
      {"chosen day: Sunday", "Europe/Berlin", daily(10, 0, kSunday), utc(2026, 1, 19, 12, 0),
       utc(2026, 1, 25, 9, 0)},
      {"day 31 skips April", "Europe/Berlin", monthly_on_day(31, 1, 0), utc(2026, 4, 1, 0, 0),
       utc(2026, 5, 30, 23, 0)},
      {"day 29 skips February 2026, lands on the spring-forward day before the gap",
       "Europe/Berlin", monthly_on_day(29, 1, 0), utc(2026, 2, 1, 0, 0), utc(2026, 3, 29, 0, 0)},
      {"last Friday of January", "Europe/Berlin", monthly_on_weekday(5, 5, 20),
       utc(2026, 1, 1, 0, 0), utc(2026, 1, 30, 19, 0)},
      {"second Tuesday of March only: next year's", "Europe/Berlin",
       monthly_on_weekday(2, 2, 12, 1u << 2), utc(2026, 3, 11, 0, 0), utc(2027, 3, 9, 11, 0)},
      {"02:30 on the spring-forward night runs at 03:30 CEST", "Europe/Berlin", daily(2, 30),
       utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 1, 30)},
      {"02:30 on the autumn night runs at the first 02:30 (CEST)", "Europe/Berlin", daily(2, 30),
       utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 0, 30)},
      {"and not again at the second 02:30 (CET)", "Europe/Berlin", daily(2, 30),
       utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)},
      {"every 4 hours from midnight", "Europe/Berlin", every(std::chrono::hours(4)),
       utc(2026, 1, 15, 8, 10), utc(2026, 1, 15, 11, 0)},
      {"every 4 hours, across midnight", "Europe/Berlin", every(std::chrono::hours(4)),
       utc(2026, 1, 15, 22, 0), utc(2026, 1, 15, 23, 0)},
      {"every 90 minutes", "Europe/Berlin", every(std::chrono::minutes(90)), utc(2026, 1, 15, 0, 0),
       utc(2026, 1, 15, 0, 30)},
      {"every 30 minutes over the autumn change: 02:00 CEST, then 02:30 CEST", "Europe/Berlin",
       every(std::chrono::minutes(30)), utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 30)},
      // America/New_York: EST (UTC-5), EDT (UTC-4) from 8 March to 1 November 2026.
      {"02:30 on the spring-forward night runs at 03:30 EDT", "America/New_York", daily(2, 30),
       utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 7, 30)},
      {"01:30 on the autumn night runs at the first 01:30 (EDT)", "America/New_York", daily(1, 30),
       utc(2026, 11, 1, 4, 0), utc(2026, 11, 1, 5, 30)},
      {"hourly: the 02:00 slot that does not exist runs at 03:00 EDT", "America/New_York",
       every(std::chrono::hours(1)), utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 0)},
      {"the year's end", "America/New_York", daily(23, 0), utc(2027, 1, 1, 4, 30),
       utc(2027, 1, 2, 4, 0)},
      {"a summer start in New York", "America/New_York", daily(22, 0), utc(2026, 7, 1, 12, 0),
       utc(2026, 7, 2, 2, 0)},
      // No next run.
      {"manual", "Europe/Berlin", JobSchedule{}, utc(2026, 1, 1, 0, 0), std::nullopt},
      {"no weekday chosen", "Europe/Berlin", daily(22, 0, 0), utc(2026, 1, 1, 0, 0), std::nullopt},
      {"every 0 minutes", "Europe/Berlin", every(std::chrono::minutes(0)), utc(2026, 1, 1, 0, 0),
       std::nullopt},
  };
  const SystemTimeZone zone;
  for (const Case& c : cases) {
    const ScopedTimeZone tz(c.zone);
    const auto got = next_run(c.schedule, c.after, zone);
    ASSERT_EQ(got.has_value(), c.expected.has_value()) << c.what;
    if (got) {
      EXPECT_EQ(system_clock::to_time_t(*got), system_clock::to_time_t(*c.expected))
          << c.what << " (" << c.zone << ")";
    }
  }
#endif
}

// In whatever zone the system has (Wine's, on the Windows build): every 7th hour of 2026 (each
// hour of the day in turn, 7 and 24 being coprime; mktime reads the zone each time) turns into
// its wall time and back (but for the repeated autumn hour, which maps to its first instant),
// and a daily start is the next one of its wall time, within a day and an hour.
TEST(NextRun, SystemZoneRoundTrip) {
  const SystemTimeZone zone;
  const JobSchedule at_2215 = daily(22, 15);
  for (auto t = utc(2026, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0); t += std::chrono::hours(7)) {
    const LocalDateTime local = zone.to_local(t);
    const auto back = zone.from_local(local);
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(*back == t || (*back < t && t - *back <= std::chrono::hours(1)))
        << system_clock::to_time_t(t);
    const auto next = next_run(at_2215, t, zone);
    ASSERT_TRUE(next.has_value());
    EXPECT_GT(*next, t);
    EXPECT_LE(*next - t, std::chrono::hours(25));
    const LocalDateTime shown = zone.to_local(*next);
    EXPECT_EQ(shown.hour * 60 + shown.minute, 22 * 60 + 15) << system_clock::to_time_t(t);
  }
}

TEST(NextRun, APeriodicJobWhoseWholeWeekIsDeniedNeverStarts) {
  JobSchedule hourly = every(std::chrono::hours(1));
  hourly.denied_hours.set();
  EXPECT_FALSE(next_run(hourly, utc(2026, 1, 1, 0, 0), SystemTimeZone()));
  hourly.denied_hours.reset(6 * 24 + 23);  // but Saturday 23:00-23:59
  const auto next = next_run(hourly, utc(2026, 1, 1, 0, 0), SystemTimeZone());
  ASSERT_TRUE(next);
  const LocalDateTime at = SystemTimeZone().to_local(*next);
  EXPECT_EQ(at.weekday * 24 + at.hour, 6 * 24 + 23);
  EXPECT_EQ(at.minute, 0);
}

TEST(NextRun, EventOnlyAndManualJobsSayWhy) {
  JobSchedule events;
  events.kind = ScheduleKind::kEventOnly;
  EXPECT_FALSE(next_run(events, system_clock::now(), SystemTimeZone()));
  EXPECT_EQ(no_next_run_reason(events),
            "the job starts only on events (at lock, log off or storage attach)");
  EXPECT_EQ(no_next_run_reason(JobSchedule{}), "the job is started manually (RunManually)");
}

}  // namespace
}  // namespace vpm
