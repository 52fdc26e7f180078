// Schedules and start times as the job listings show them (vpm/job_schedule.h).
#include <array>
#include <cstdio>
#include <string_view>

#include "vpm/job_schedule.h"

namespace vpm {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 5> kWeeks = {"first", "second", "third", "fourth", "last"};

std::string two_digits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

std::string clock(const JobSchedule& s) { return two_digits(s.hour) + ":" + two_digits(s.minute); }

// Monday first, as the week reads in Veeam's dialogs; Mon-Fri for the working week.
std::string days(std::uint8_t mask) {
  if (mask == 0b0111110) return "Mon-Fri";
  std::string text;
  for (int i = 1; i <= 7; ++i) {
    if ((mask & (1u << (i % 7))) == 0) continue;
    text += (text.empty() ? "" : ", ") + std::string(kDays[static_cast<std::size_t>(i % 7)]);
  }
  return text.empty() ? "no day" : text;
}

std::string months(std::uint16_t mask) {
  std::string text;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if ((mask & (1u << i)) != 0) text += (text.empty() ? "" : ", ") + std::string(kMonths[i]);
  }
  return text.empty() ? "no month" : text;
}

std::string period(std::chrono::minutes every) {
  const std::chrono::minutes::rep n = every.count();
  if (n % 60 == 0) return n == 60 ? "every hour" : "every " + std::to_string(n / 60) + " hours";
  return n == 1 ? "every minute" : "every " + std::to_string(n) + " minutes";
}

// Days since 1970-01-01 of a civil date.
long days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<long>(era) * 146097 + doe - 719468;
}

}  // namespace

std::string describe_schedule(const JobSchedule& s) {
  switch (s.kind) {
    case ScheduleKind::kManual:
      return "started manually";
    case ScheduleKind::kEventOnly:
      return "started only by events";
    case ScheduleKind::kDaily:
      return "daily " + clock(s) + (s.weekdays == 0x7f ? "" : " on " + days(s.weekdays));
    case ScheduleKind::kMonthly: {
      std::string text = "monthly " + clock(s) + " on ";
      if (s.day_of_month > 0) {
        text += "day " + std::to_string(s.day_of_month);
      } else if (s.week >= 1 && s.week <= 5 && s.weekday >= 0 && s.weekday <= 6) {
        text += "the " + std::string(kWeeks[static_cast<std::size_t>(s.week - 1)]) + " " +
                std::string(kDays[static_cast<std::size_t>(s.weekday)]);
      }
      if ((s.months & 0xfff) != 0xfff) text += " of " + months(s.months);
      return text;
    }
    case ScheduleKind::kPeriodic:
      return period(s.every) + " from midnight" +
             (s.denied_hours.any() ? " in a backup window" : "");
  }
  return "unknown";
}

std::string describe_schedule_and_next_run(const JobSchedule& schedule,
                                           std::chrono::system_clock::time_point now,
                                           const LocalTimeZone& zone) {
  std::string text = describe_schedule(schedule);
  if (schedule.kind == ScheduleKind::kManual || schedule.kind == ScheduleKind::kEventOnly) {
    return text;
  }
  const auto next = next_run(schedule, now, zone);
  return text + ", " +
         (next ? "next " + format_local_time(*next, zone) : no_next_run_reason(schedule));
}

std::string format_local_time(std::chrono::system_clock::time_point t, const LocalTimeZone& zone) {
  const LocalDateTime local = zone.to_local(t);
  const long long wall =
      (days_from_civil(local.year, local.month, local.day) * 24LL + local.hour) * 60LL +
      local.minute;
  const long long instant =
      std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count();
  const long long offset = wall - instant;
  const long long magnitude = offset < 0 ? -offset : offset;
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02d %02d:%02d %c%02lld%02lld", local.year,
                local.month, local.day, local.hour, local.minute, offset < 0 ? '-' : '+',
                magnitude / 60, magnitude % 60);
  return text.data();
}

}  // namespace vpm
