#include "veeam_schedule.h"

#include <algorithm>
#include <array>
#include <bitset>

#include "veeam_schedule_values.h"
#include "vpm/quoted.h"

namespace vpm {
namespace {

// What made a schedule unreadable, and where.
struct Problem {
  ExportPosition position;
  std::string reason;
};

// Children that say nothing about when the job starts (the documented sample's, with
// RunManually='True'): full backups, health check, compacting, retries; and where a backup
// window may be (an inferred name, read by backup_window below).
constexpr std::array<std::string_view, 6> kOtherChildren = {
    "SyntheticFull", "ActiveFull", "HealthCheck", "Compact", "RetryInfo", "BackupWindowInfo"};
constexpr std::array<std::string_view, 3> kStartChildren = {"DailyInfo", "MonthlyInfo",
                                                            "PeriodicallyInfo"};

bool listed(std::string_view name, const auto& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `DailyInfo Kind="7"`: the element, the attribute and its value as written.
std::string shown(const ScheduleElement& e, std::string_view attribute) {
  const std::string* value = e.find(attribute);
  return e.name + " " + std::string(attribute) + "=" + quoted(value ? *value : "", 40);
}

// Keeps the first problem only: it is the one the warning names.
void note(std::optional<Problem>& problem, ExportPosition position, std::string reason) {
  if (!problem) problem = Problem{position, std::move(reason)};
}

const std::string* required(const ScheduleElement& e, std::string_view attribute,
                            std::optional<Problem>& problem) {
  const std::string* value = e.find(attribute);
  if (value == nullptr) note(problem, e.position, e.name + " without " + std::string(attribute));
  return value;
}

void read_time(const ScheduleElement& e, JobSchedule& s, std::optional<Problem>& problem) {
  const std::string* text = required(e, "Time", problem);
  if (text == nullptr) return;
  const std::optional<ClockTime> clock = parse_export_clock(*text);
  if (!clock) {
    return note(problem, e.position,
                shown(e, "Time") +
                    " is not a start time ('MM/dd/yyyy HH:mm:ss', 'yyyy-MM-ddTHH:mm:ss' or "
                    "'HH:mm', on a whole minute)");
  }
  s.hour = clock->hour;
  s.minute = clock->minute;
}

constexpr std::uint8_t kEveryDay = 0x7f;
constexpr std::uint8_t kMondayToFriday = 0b0111110;

// Kind by number (in the order of Veeam's VBRDailyOptionsType) or by name.
JobSchedule read_daily(const ScheduleElement& e, std::optional<Problem>& problem) {
  JobSchedule s;
  s.kind = ScheduleKind::kDaily;
  read_time(e, s, problem);
  const std::string* kind = required(e, "Kind", problem);
  if (kind == nullptr) return s;
  if (*kind == "0" || same_ignoring_case(*kind, "Everyday")) {
    s.weekdays = kEveryDay;
  } else if (*kind == "1" || same_ignoring_case(*kind, "WeekDays")) {
    s.weekdays = kMondayToFriday;
  } else if (*kind == "2" || same_ignoring_case(*kind, "SelectedDays")) {
    const std::string* days = required(e, "Days", problem);
    if (days == nullptr) return s;
    const std::optional<std::uint8_t> mask = parse_export_weekdays(*days);
    if (!mask) {
      note(problem, e.position,
           shown(e, "Days") + " is not a list of days (Monday or Mon or 1 .. Sunday or Sun or 0)");
    } else {
      s.weekdays = *mask;
    }
  } else {
    note(problem, e.position,
         shown(e, "Kind") + " is none of 0, 1, 2, Everyday, WeekDays, SelectedDays");
  }
  return s;
}

// DayNumberInMonth First..Fourth, Last (with DayOfWeek) or OnDay (with DayOfMonth).
JobSchedule read_monthly(const ScheduleElement& e, std::optional<Problem>& problem) {
  JobSchedule s;
  s.kind = ScheduleKind::kMonthly;
  read_time(e, s, problem);
  static constexpr std::array<std::string_view, 5> kWeeks = {"First", "Second", "Third", "Fourth",
                                                             "Last"};
  const std::string* number = e.find("DayNumberInMonth");
  if (number != nullptr && !same_ignoring_case(*number, "OnDay")) {
    for (std::size_t i = 0; i < kWeeks.size(); ++i) {
      if (same_ignoring_case(*number, kWeeks[i])) s.week = static_cast<int>(i) + 1;
    }
    if (s.week == 0) {
      note(problem, e.position,
           shown(e, "DayNumberInMonth") + " is none of First, Second, Third, Fourth, Last, OnDay");
    }
    const std::string* day = required(e, "DayOfWeek", problem);
    const std::optional<int> weekday = day ? parse_export_weekday(*day) : std::nullopt;
    if (day != nullptr && !weekday) {
      note(problem, e.position, shown(e, "DayOfWeek") + " is not a day of the week");
    }
    s.weekday = weekday.value_or(0);
  } else {
    const std::string* day = required(e, "DayOfMonth", problem);
    const std::optional<int> value = day ? parse_export_int(*day, 31) : std::nullopt;
    if (day != nullptr && (!value || *value == 0)) {
      note(problem, e.position,
           shown(e, "DayOfMonth") + " is not a day 1-31 (a last day of the month is not read)");
    }
    s.day_of_month = value.value_or(0);
  }
  if (const std::string* months = e.find("Months")) {
    const std::optional<std::uint16_t> mask = parse_export_months(*months);
    if (!mask) {
      note(problem, e.position, shown(e, "Months") + " is not a list of month names");
    }
    s.months = mask.value_or(0);
  }
  return s;
}

// Every FullPeriod hours or minutes (Kind), from midnight; HourlyOffset is not applied.
JobSchedule read_periodic(const ScheduleElement& e, std::optional<Problem>& problem) {
  JobSchedule s;
  s.kind = ScheduleKind::kPeriodic;
  const std::string* period = required(e, "FullPeriod", problem);
  const std::string* kind = required(e, "Kind", problem);
  if (period == nullptr || kind == nullptr) return s;
  const std::optional<int> count = parse_export_int(*period, 24 * 60);
  int unit = 0;
  if (same_ignoring_case(*kind, "Hours")) unit = 60;
  if (same_ignoring_case(*kind, "Minutes")) unit = 1;
  if (unit == 0) note(problem, e.position, shown(e, "Kind") + " is neither Hours nor Minutes");
  if (!count || *count == 0 || *count * unit > 24 * 60) {
    note(problem, e.position, shown(e, "FullPeriod") + " is not a period of 1 minute to 24 hours");
  }
  const std::string* offset = e.find("HourlyOffset");
  if (offset != nullptr && *offset != "0") {
    note(problem, e.position,
         shown(e, "HourlyOffset") + " is not 0: its unit is not known, so it is not applied");
  }
  s.every = std::chrono::minutes(count.value_or(0) * unit);
  return s;
}

JobSchedule read_start(const ScheduleElement& e, std::optional<Problem>& problem) {
  if (e.name == "DailyInfo") return read_daily(e, problem);
  if (e.name == "MonthlyInfo") return read_monthly(e, problem);
  return read_periodic(e, problem);
}

// The ScheduleInfo attribute `name` as True/False; absent is False.
bool flag(const ScheduleElement& info, std::string_view name, std::optional<Problem>& problem) {
  const std::string* text = info.find(name);
  if (text == nullptr) return false;
  const std::optional<bool> value = parse_export_bool(*text);
  if (!value) note(problem, info.position, shown(info, name) + " is neither True nor False");
  return value.value_or(false);
}

// The one child that says when the job starts, if any; two of them, or a child not known,
// is a problem.
const ScheduleElement* start_child(const ScheduleInfoElements& elements,
                                   std::optional<Problem>& problem) {
  const ScheduleElement* start = nullptr;
  for (const ScheduleElement& child : elements.children) {
    if (listed(child.name, kStartChildren)) {
      if (start != nullptr) {
        note(problem, child.position,
             "both " + start->name + " and " + child.name + ": which one runs (Type) is not known");
      }
      start = &child;
    } else if (!listed(child.name, kOtherChildren)) {
      note(problem, child.position, "an unknown child <" + child.name + ">");
    }
  }
  return start;
}

// Whether a daily or monthly start falls in a denied hour on a day it may run.
bool starts_in_denied_hour(const JobSchedule& s, const std::bitset<kHoursPerWeek>& denied) {
  unsigned days = 0x7f;  // a day of the month: any day of the week
  if (s.kind == ScheduleKind::kDaily) days = s.weekdays;
  if (s.kind == ScheduleKind::kMonthly && s.day_of_month == 0) days = 1u << s.weekday;
  for (std::size_t day = 0; day < 7; ++day) {
    if ((days >> day & 1u) != 0 && denied.test(day * 24 + static_cast<std::size_t>(s.hour))) {
      return true;
    }
  }
  return false;
}

// UseBackupWindow='True': the denied hours into a periodic schedule, as Veeam's user guide
// describes for periodic jobs; or a warning that the window is ignored. Daily and monthly
// starts are not moved (the guide says a run that exceeds the window is stopped; what becomes
// of a start inside a denied hour it does not say), with a warning when one falls in one. The
// window is looked for as a BackupWindow attribute of ScheduleInfo or of a BackupWindowInfo
// child (inferred names, never seen in a real export).
std::optional<TargetMessage> apply_backup_window(const ScheduleInfoElements& elements,
                                                 const std::string& job_label,
                                                 JobSchedule& schedule) {
  const ScheduleElement* holder = elements.info.find("BackupWindow") ? &elements.info : nullptr;
  for (const ScheduleElement& child : elements.children) {
    if (holder == nullptr && child.name == "BackupWindowInfo" && child.find("BackupWindow")) {
      holder = &child;
    }
  }
  const auto denied =
      holder ? parse_export_backup_window(*holder->find("BackupWindow")) : std::nullopt;
  if (denied && schedule.kind == ScheduleKind::kPeriodic) {
    schedule.denied_hours = *denied;
    return std::nullopt;
  }
  if (denied) {
    if (!starts_in_denied_hour(schedule, *denied)) return std::nullopt;
    return TargetMessage{holder->position,
                         job_label +
                             ": ScheduleInfo starts the job in an hour its backup window "
                             "denies: whether Veeam skips that start is not known, so the "
                             "computed next run keeps it"};
  }
  const std::string why =
      holder ? shown(*holder, "BackupWindow") + " is not a <scheduler> map of 7 days x 24 hours"
             : "no BackupWindow is found (where an export writes it is not known)";
  return TargetMessage{holder ? holder->position : elements.info.position,
                       job_label + ": ScheduleInfo UseBackupWindow=\"True\" but " + why +
                           ": the computed next run ignores the backup window"};
}

}  // namespace

ScheduleOutcome read_schedule(const ScheduleInfoElements& elements, const std::string& job_label) {
  ScheduleOutcome out;
  std::optional<Problem> problem;
  const ScheduleElement& info = elements.info;
  if (flag(info, "RunManually", problem)) {
    out.schedule = JobSchedule{};  // kManual: whatever else the element holds
    return out;
  }
  const ScheduleElement* start = start_child(elements, problem);
  const bool at_lock = flag(info, "AtLock", problem);
  const bool at_log_off = flag(info, "AtLogOff", problem);
  const bool at_storage_attach = flag(info, "AtStorageAttach", problem);
  const bool window = flag(info, "UseBackupWindow", problem);
  JobSchedule schedule;
  if (start != nullptr) {
    schedule = read_start(*start, problem);
  } else if (at_lock || at_log_off || at_storage_attach) {
    schedule.kind = ScheduleKind::kEventOnly;
  } else {
    note(problem, info.position,
         "RunManually is not True, yet no DailyInfo, MonthlyInfo or PeriodicallyInfo, and no "
         "event (AtLock, AtLogOff, AtStorageAttach) starts the job");
  }
  if (problem) {
    out.warnings.push_back({problem->position, job_label + ": ScheduleInfo not understood (" +
                                                   problem->reason +
                                                   "): no next run is computed for it"});
    return out;
  }
  if (window && start != nullptr) {
    if (auto warning = apply_backup_window(elements, job_label, schedule)) {
      out.warnings.push_back(std::move(*warning));
    }
  }
  out.schedule = schedule;
  return out;
}

}  // namespace vpm
