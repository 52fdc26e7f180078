// The export's ScheduleInfo: every schedule kind read from the fixtures in
// tests/veeam_exports/schedules (manual as in Veeam's documented sample, daily, monthly,
// periodic, event-only, a backup window), each malformed value with its warning and no
// schedule, the next run of each read schedule in two time zones, and the job listing.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "support/time_zone.h"
#include "veeam_schedule_values.h"
#include "vpm/job_schedule.h"
#include "vpm/veeam_export.h"
#include "vpm/veeam_jobs.h"

namespace vpm {
namespace {

using std::chrono::system_clock;
using vpm::test::utc;

const std::string kScheduleDir = std::string(VPM_TEST_DATA_DIR) + "/veeam_exports/schedules";

VeeamExport load(const std::string& file) {
  std::ifstream in(kScheduleDir + "/" + file, std::ios::binary);
  EXPECT_TRUE(in.good()) << file;
  const std::string xml{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return load_veeam_export_string(xml, file);
}

const VeeamJob& job_named(const VeeamExport& e, const std::string& name) {
  for (const VeeamJob& job : e.jobs) {
    if (job.name == name) return job;
  }
  ADD_FAILURE() << "no job " << name << " in " << e.source;
  return e.jobs.front();
}

// "-" for a job without a schedule.
std::string schedule_text(const VeeamJob& job) {
  return job.schedule ? describe_schedule(*job.schedule) : "-";
}

TEST(VeeamSchedule, ReadsEveryKind) {
  struct Expected {
    const char* file;
    std::vector<std::pair<std::string, std::string>> jobs;  // name, schedule
    std::vector<std::string> warnings;
  };
  const std::vector<Expected> table = {
      {"manual.xml",
       {{"Manual only", "started manually"},
        {"Manual with a remembered daily", "started manually"},
        {"No schedule in the export", "-"}},
       {}},
      {"daily.xml",
       {{"Everyday by number", "daily 22:00"},
        {"Everyday by name", "daily 00:30"},
        {"Weekdays by number", "daily 22:00 on Mon-Fri"},
        {"Weekdays by name", "daily 02:30 on Mon-Fri"},
        {"Selected days by name", "daily 20:15 on Mon, Wed, Fri"},
        {"Selected days by number", "daily 10:00 on Sat, Sun"},
        {"Daily and at log off", "daily 12:00"}},
       {}},
      {"events.xml",
       {{"At lock", "started only by events"}, {"At storage attach", "started only by events"}},
       {}},
      {"monthly.xml",
       {{"Day 31", "monthly 01:00 on day 31"},
        {"Last Friday", "monthly 20:00 on the last Fri"},
        {"Second Tuesday of March and September", "monthly 12:00 on the second Tue of Mar, Sep"},
        {"Day 1 without DayNumberInMonth", "monthly 23:45 on day 1 of Jan, Jul"}},
       {}},
      {"periodic.xml",
       {{"Every 4 hours", "every 4 hours from midnight"},
        {"Every 30 minutes", "every 30 minutes from midnight"},
        {"Every 4 hours in a backup window", "every 4 hours from midnight"}},
       {"periodic.xml:18:7: job \"Every 4 hours in a backup window\": ScheduleInfo "
        "UseBackupWindow=\"True\" but no BackupWindow is found (where an export writes it is not "
        "known): the computed next run ignores the backup window"}},
      {"backup_window.xml",
       {{"Every 4 hours, allowed 19:00 to 08:00", "every 4 hours from midnight in a backup window"},
        {"Every 4 hours, not at weekends", "every 4 hours from midnight in a backup window"},
        {"Daily in a backup window", "daily 22:00"},
        {"A window left off", "every 4 hours from midnight"},
        {"A bare map", "every 4 hours from midnight"},
        {"Six days", "every 4 hours from midnight"},
        {"Daily at noon in a denied hour", "daily 12:00 on Mon-Fri"}},
       {"backup_window.xml:31:7: job \"A bare map\": ScheduleInfo UseBackupWindow=\"True\" but "
        "ScheduleInfo BackupWindow=\"0000000000000000000000000000000000000000...\" is not a "
        "<scheduler> map of 7 days x 24 hours: the "
        "computed next run ignores the backup window",
        "backup_window.xml:39:9: job \"Six days\": ScheduleInfo UseBackupWindow=\"True\" but "
        "BackupWindowInfo BackupWindow=\"<scheduler><Sunday>0,0,0,0,0,0,0,0,0,0,0...\" is not a "
        "<scheduler> map of 7 days x 24 hours: "
        "the computed next run ignores the backup window",
        "backup_window.xml:44:7: job \"Daily at noon in a denied hour\": ScheduleInfo starts the "
        "job in an hour its backup window denies: whether Veeam skips that start is not known, "
        "so the computed next run keeps it"}},
  };
  for (const Expected& e : table) {
    const VeeamExport exported = load(e.file);
    ASSERT_EQ(exported.jobs.size(), e.jobs.size()) << e.file;
    for (const auto& [name, schedule] : e.jobs) {
      EXPECT_EQ(schedule_text(job_named(exported, name)), schedule) << e.file << ": " << name;
    }
    EXPECT_EQ(exported.warnings, e.warnings) << e.file;
  }
}

TEST(VeeamSchedule, WhatIsNotUnderstoodGivesAWarningAndNoSchedule) {
  const VeeamExport exported = load("not_understood.xml");
  ASSERT_EQ(exported.jobs.size(), 18u);  // the rest of the export is still read
  for (const VeeamJob& job : exported.jobs) {
    EXPECT_FALSE(job.schedule) << job.name << ": " << schedule_text(job);
    EXPECT_EQ(job.target_type, VeeamTargetType::kLocalDisk) << job.name;
  }
  const auto warning = [](const std::string& at, const std::string& job, const std::string& why) {
    return "not_understood.xml:" + at + ": job \"" + job + "\": ScheduleInfo not understood (" +
           why + "): no next run is computed for it";
  };
  const std::string time_forms =
      " is not a start time ('MM/dd/yyyy HH:mm:ss', 'yyyy-MM-ddTHH:mm:ss' or 'HH:mm', on a "
      "whole minute)";
  const std::vector<std::string> expected = {
      warning("7:9", "Unknown Kind",
              "DailyInfo Kind=\"7\" is none of 0, 1, 2, Everyday, WeekDays, SelectedDays"),
      warning("13:9", "Hour 25", "DailyInfo Time=\"01/09/2019 25:00:00\"" + time_forms),
      warning("19:9", "Seconds", "DailyInfo Time=\"22:00:30\"" + time_forms),
      warning("25:9", "Funday",
              "DailyInfo Days=\"Monday Funday\" is not a list of days (Monday or Mon or 1 .. "
              "Sunday or Sun or 0)"),
      warning("31:9", "Selected without days", "DailyInfo without Days"),
      warning("37:9", "No time", "DailyInfo without Time"),
      warning("43:9", "Unknown child", "an unknown child <WeeklyInfo>"),
      warning("50:9", "Daily and monthly",
              "both DailyInfo and MonthlyInfo: which one runs (Type) is not known"),
      warning("55:7", "RunManually maybe",
              "ScheduleInfo RunManually=\"Maybe\" is neither True nor False"),
      warning("61:7", "Nothing starts it",
              "RunManually is not True, yet no DailyInfo, MonthlyInfo or PeriodicallyInfo, and "
              "no event (AtLock, AtLogOff, AtStorageAttach) starts the job"),
      warning("68:9", "Day 32",
              "MonthlyInfo DayOfMonth=\"32\" is not a day 1-31 (a last day of the month is not "
              "read)"),
      warning("74:9", "Fifth week",
              "MonthlyInfo DayNumberInMonth=\"Fifth\" is none of First, Second, Third, Fourth, "
              "Last, OnDay"),
      warning("80:9", "Month by number", "MonthlyInfo Months=\"1\" is not a list of month names"),
      warning("86:9", "Every 0 hours",
              "PeriodicallyInfo FullPeriod=\"0\" is not a period of 1 minute to 24 hours"),
      warning("92:9", "Every 25 hours",
              "PeriodicallyInfo FullPeriod=\"25\" is not a period of 1 minute to 24 hours"),
      warning("98:9", "Periodic kind by number",
              "PeriodicallyInfo Kind=\"0\" is neither Hours nor Minutes"),
      warning("104:9", "Hourly offset",
              "PeriodicallyInfo HourlyOffset=\"15\" is not 0: its unit is not known, so it is "
              "not applied"),
      "not_understood.xml:112:7: job \"Two schedules\": a second ScheduleInfo (the first is at "
      "line 109): the job's schedule is not read, no next run is computed for it",
  };
  EXPECT_EQ(exported.warnings, expected);
}

TEST(VeeamSchedule, NextRunOfEachReadScheduleInTwoTimeZones) {
#ifdef _WIN32
  GTEST_SKIP() << "TZ zone names are POSIX only (NextRun.SystemZoneRoundTrip runs here)";
#else
  struct Case {
    const char* file;
    const char* job;
    const char* zone;
    system_clock::time_point after;
    system_clock::time_point expected;
  };
  const char* berlin = "Europe/Berlin";
  const char* new_york = "America/New_York";
  const std::vector<Case> cases = {
      {"daily.xml", "Everyday by number", berlin, utc(2026, 1, 15, 20, 59),
       utc(2026, 1, 15, 21, 0)},
      {"daily.xml", "Everyday by number", new_york, utc(2026, 7, 1, 12, 0), utc(2026, 7, 2, 2, 0)},
      {"daily.xml", "Everyday by name", berlin, utc(2026, 1, 15, 22, 50), utc(2026, 1, 15, 23, 30)},
      {"daily.xml", "Weekdays by number", berlin, utc(2026, 1, 16, 22, 0), utc(2026, 1, 19, 21, 0)},
      // Friday after 02:30 EST; Monday's 02:30 is EDT after the spring-forward Sunday.
      {"daily.xml", "Weekdays by name", new_york, utc(2026, 3, 6, 8, 0), utc(2026, 3, 9, 6, 30)},
      {"daily.xml", "Selected days by name", berlin, utc(2026, 12, 2, 20, 0),
       utc(2026, 12, 4, 19, 15)},
      // Saturday 11:00 EDT; Sunday 10:00 is EST, the autumn change having come at 02:00.
      {"daily.xml", "Selected days by number", new_york, utc(2026, 10, 31, 15, 0),
       utc(2026, 11, 1, 15, 0)},
      {"daily.xml", "Daily and at log off", berlin, utc(2026, 3, 28, 12, 0),
       utc(2026, 3, 29, 10, 0)},
      {"monthly.xml", "Day 31", berlin, utc(2026, 4, 1, 0, 0), utc(2026, 5, 30, 23, 0)},
      {"monthly.xml", "Day 31", new_york, utc(2026, 12, 31, 7, 0), utc(2027, 1, 31, 6, 0)},
      {"monthly.xml", "Last Friday", berlin, utc(2026, 1, 1, 0, 0), utc(2026, 1, 30, 19, 0)},
      {"monthly.xml", "Last Friday", new_york, utc(2026, 2, 1, 0, 0), utc(2026, 2, 28, 1, 0)},
      {"monthly.xml", "Second Tuesday of March and September", berlin, utc(2026, 3, 11, 0, 0),
       utc(2026, 9, 8, 10, 0)},
      {"monthly.xml", "Second Tuesday of March and September", new_york, utc(2026, 1, 1, 0, 0),
       utc(2026, 3, 10, 16, 0)},
      {"monthly.xml", "Day 1 without DayNumberInMonth", berlin, utc(2026, 1, 2, 0, 0),
       utc(2026, 7, 1, 21, 45)},
      {"periodic.xml", "Every 4 hours", berlin, utc(2026, 1, 15, 22, 0), utc(2026, 1, 15, 23, 0)},
      // 00:00 EST, then 04:00 EDT: the slots are wall times counted from midnight.
      {"periodic.xml", "Every 4 hours", new_york, utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 8, 0)},
      {"periodic.xml", "Every 30 minutes", berlin, utc(2026, 10, 25, 0, 0),
       utc(2026, 10, 25, 0, 30)},
      // 01:45 EST; 02:00 does not exist that night and runs at 03:00 EDT.
      {"periodic.xml", "Every 30 minutes", new_york, utc(2026, 3, 8, 6, 45), utc(2026, 3, 8, 7, 0)},
      {"periodic.xml", "Every 4 hours in a backup window", berlin, utc(2026, 1, 15, 8, 10),
       utc(2026, 1, 15, 11, 0)},  // no window read: the slots as they are
      // Denied 08:00-19:00: 04:30, then the 08:00, 12:00 and 16:00 slots start at 19:00; 20:00.
      {"backup_window.xml", "Every 4 hours, allowed 19:00 to 08:00", berlin,
       utc(2026, 1, 15, 3, 30), utc(2026, 1, 15, 18, 0)},
      {"backup_window.xml", "Every 4 hours, allowed 19:00 to 08:00", berlin,
       utc(2026, 1, 15, 18, 0), utc(2026, 1, 15, 19, 0)},
      {"backup_window.xml", "Every 4 hours, allowed 19:00 to 08:00", new_york,
       utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 8, 0)},
      {"backup_window.xml", "Every 4 hours, allowed 19:00 to 08:00", new_york,
       utc(2026, 3, 8, 8, 0), utc(2026, 3, 8, 23, 0)},
      // Saturday and Sunday denied: Friday 20:30, then Monday 00:00 (the end of the weekend).
      {"backup_window.xml", "Every 4 hours, not at weekends", berlin, utc(2026, 1, 16, 19, 30),
       utc(2026, 1, 18, 23, 0)},
      {"backup_window.xml", "Daily in a backup window", berlin, utc(2026, 1, 15, 20, 59),
       utc(2026, 1, 15, 21, 0)},
      {"backup_window.xml", "Daily at noon in a denied hour", berlin, utc(2026, 1, 15, 10, 0),
       utc(2026, 1, 15, 11, 0)},
      {"backup_window.xml", "A window left off", berlin, utc(2026, 1, 15, 8, 10),
       utc(2026, 1, 15, 11, 0)},
  };
  const SystemTimeZone zone;
  for (const Case& c : cases) {
    const test::ScopedTimeZone tz(c.zone);
    const VeeamExport exported = load(c.file);  // kept: job refers into it
    const VeeamJob& job = job_named(exported, c.job);
    ASSERT_TRUE(job.schedule) << c.job;
    const auto got = next_run(*job.schedule, c.after, zone);
    ASSERT_TRUE(got) << c.job << " (" << c.zone << ")";
    EXPECT_EQ(system_clock::to_time_t(*got), system_clock::to_time_t(c.expected))
        << c.job << " (" << c.zone << ")";
  }
  for (const char* name : {"Manual only", "Manual with a remembered daily"}) {
    EXPECT_FALSE(
        next_run(*job_named(load("manual.xml"), name).schedule, utc(2026, 1, 1, 0, 0), zone));
  }
  EXPECT_FALSE(
      next_run(*job_named(load("events.xml"), "At lock").schedule, utc(2026, 1, 1, 0, 0), zone));
#endif
}

TEST(VeeamSchedule, TheListingShowsTheScheduleAndTheNextRun) {
#ifdef _WIN32
  GTEST_SKIP() << "TZ zone names are POSIX only";
#else
  const test::ScopedTimeZone tz("Europe/Berlin");
  JobNeeds nightly{"Nightly", VeeamTargetType::kBackupRepository, {"flow-a", "flow-b"}, {}};
  nightly.schedule = job_named(load("daily.xml"), "Weekdays by number").schedule;
  // Saturday 5 December 2026, 03:00 UTC: Monday's 22:00 CET.
  EXPECT_EQ(describe_needs(nightly, utc(2026, 12, 5, 3, 0), SystemTimeZone()),
            "\"Nightly\" (backup_repository), daily 22:00 on Mon-Fri, next 2026-12-07 22:00 "
            "+0100: flow-a, flow-b");
  nightly.schedule = job_named(load("periodic.xml"), "Every 30 minutes").schedule;
  EXPECT_EQ(describe_needs(nightly, utc(2026, 7, 1, 3, 5), SystemTimeZone()),
            "\"Nightly\" (backup_repository), every 30 minutes from midnight, next 2026-07-01 "
            "05:30 +0200: flow-a, flow-b");
  nightly.schedule = job_named(load("manual.xml"), "Manual only").schedule;
  EXPECT_EQ(describe_needs(nightly, utc(2026, 7, 1, 3, 5), SystemTimeZone()),
            "\"Nightly\" (backup_repository), started manually: flow-a, flow-b");
  nightly.schedule.reset();
  EXPECT_EQ(describe_needs(nightly, utc(2026, 7, 1, 3, 5), SystemTimeZone()),
            "\"Nightly\" (backup_repository): flow-a, flow-b");
  const test::ScopedTimeZone new_york("America/New_York");
  EXPECT_EQ(format_local_time(utc(2026, 3, 8, 7, 0), SystemTimeZone()), "2026-03-08 03:00 -0400");
#endif
}

// 64 children are read; a 65th is hostile input, an error like the export's other limits.
TEST(VeeamSchedule, ChildrenAreCapped) {
  const auto with_children = [](int count) {
    std::string xml =
        "<ExecutionResult><Data><JobInfo JobName='J'><TargetInfo Type='1' DriveName='D:'/>\n"
        "<ScheduleInfo RunManually='False'><DailyInfo Kind='0' Time='22:00'/>";
    for (int i = 1; i < count; ++i) xml += "<RetryInfo/>";
    return xml + "</ScheduleInfo></JobInfo></Data></ExecutionResult>";
  };
  const VeeamExport read = load_veeam_export_string(with_children(64), "capped.xml");
  ASSERT_EQ(read.jobs.size(), 1u);
  ASSERT_TRUE(read.jobs.front().schedule);
  EXPECT_EQ(describe_schedule(*read.jobs.front().schedule), "daily 22:00");
  try {
    load_veeam_export_string(with_children(65), "capped.xml");
    ADD_FAILURE() << "65 children were read";
  } catch (const VeeamExportError& e) {
    EXPECT_EQ(std::string(e.what()), "capped.xml:2:" + std::to_string(34 + 34 + 63 * 12 + 1) +
                                         ": job \"J\": more than 64 elements in a ScheduleInfo");
  }
}

TEST(VeeamScheduleValues, Spellings) {
  struct Clock {
    const char* text;
    std::optional<int> minutes;  // hour * 60 + minute
  };
  for (const Clock& c : std::vector<Clock>{{"01/09/2019 22:00:00", 22 * 60},
                                           {"12/31/2026 00:05:00", 5},
                                           {"2019-01-09T02:30:00", 2 * 60 + 30},
                                           {"2019-01-09T02:30:00.0000000", 2 * 60 + 30},
                                           {"2019-01-09T02:30:00Z", 2 * 60 + 30},
                                           {"2019-01-09T02:30:00-05:00", 2 * 60 + 30},
                                           {"23:59", 23 * 60 + 59},
                                           {"07:15:00", 7 * 60 + 15},
                                           {"7:15", std::nullopt},
                                           {"24:00", std::nullopt},
                                           {"22:60", std::nullopt},
                                           {"22:00:01", std::nullopt},
                                           {"2019-01-09T02:30:00.5", std::nullopt},
                                           {"2019-01-09T02:30", std::nullopt},
                                           {"2019-01-09 02:30:00", std::nullopt},
                                           {"13/09/2019 22:00:00", std::nullopt},
                                           {"01/09/2019 10:00:00 PM", std::nullopt},
                                           {"", std::nullopt}}) {
    const auto got = parse_export_clock(c.text);
    EXPECT_EQ(got ? std::optional<int>(got->hour * 60 + got->minute) : std::nullopt, c.minutes)
        << c.text;
  }
  EXPECT_EQ(parse_export_weekdays("Sunday,mon;TUE wed thursday fri sat"), 0x7f);
  EXPECT_EQ(parse_export_weekdays("1, 2, 3, 4, 5"), 0b0111110);
  EXPECT_EQ(parse_export_weekdays("7"), std::nullopt);
  EXPECT_EQ(parse_export_weekdays("Mo"), std::nullopt);
  EXPECT_EQ(parse_export_weekdays(" , "), std::nullopt);
  EXPECT_EQ(parse_export_months("January, Feb;mar december"), 0b100000000111);
  EXPECT_EQ(parse_export_months("Sept"), std::nullopt);
  // The backup window: 0 permitted, 1 denied, each day by its full name once, in any order.
  const auto day = [](const char* name, const std::string& values) {
    return std::string("<") + name + ">" + values + "</" + name + ">";
  };
  const std::string ten_to_ten = "1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,1,1";
  const std::string open = "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0";
  std::string week;
  for (const char* name : {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}) {
    week += day(name, open);
  }
  const auto window =
      parse_export_backup_window("<scheduler>" + day("Sunday", ten_to_ten) + week + "</scheduler>");
  ASSERT_TRUE(window);
  EXPECT_EQ(window->count(), 12u);
  EXPECT_TRUE(window->test(9) && !window->test(10) && !window->test(21) && window->test(22));
  EXPECT_FALSE(window->test(24 + 9));
  for (const std::string& bad : {
           "<scheduler>" + week + "</scheduler>",  // six days
           "<scheduler>" + day("Sunday", open) + day("Sunday", open) + week + "</scheduler>",
           "<scheduler>" + day("sunday", open) + week + "</scheduler>",         // case
           "<scheduler>" + day("Sunday", open + ",0") + week + "</scheduler>",  // 25 hours
           "<scheduler>" + day("Sunday", "2" + open.substr(1)) + week + "</scheduler>",
           "<scheduler>" + day("Sun", open) + week + "</scheduler>",
           "<scheduler>" + day("Sunday", open) + week + "</scheduler> ",
           std::string(168, '0'),
       }) {
    EXPECT_FALSE(parse_export_backup_window(bad)) << bad;
  }
  EXPECT_EQ(parse_export_bool("TRUE"), true);
  EXPECT_EQ(parse_export_bool("0"), std::nullopt);
}

}  // namespace
}  // namespace vpm
