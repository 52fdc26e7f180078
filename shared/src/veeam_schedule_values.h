#pragma once
// The values of a ScheduleInfo's attributes, one spelling family each (docs/how-it-works.md,
// "Jobs", says which spellings are documented by Veeam and which are inferred). Each parser
// gives nullopt for anything it does not recognise, never a nearest guess.
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "vpm/job_schedule.h"

namespace vpm {

// `text` is `name` but for letter case.
bool same_ignoring_case(std::string_view text, std::string_view name);

// "True" / "False", as .NET writes booleans; any case.
std::optional<bool> parse_export_bool(std::string_view text);

// A non-negative decimal integer no larger than `max`.
std::optional<int> parse_export_int(std::string_view text, int max);

struct ClockTime {
  int hour = 0;
  int minute = 0;
};

// The clock part of 'MM/dd/yyyy HH:mm:ss' (the invariant culture's DateTime), of ISO
// 'yyyy-MM-ddTHH:mm:ss' (optionally with a fraction and a zone suffix), or of 'HH:mm[:ss]'.
// Seconds (and a fraction) other than zero are refused: jobs start on a minute.
std::optional<ClockTime> parse_export_clock(std::string_view text);

// One day of the week: English name, full or 3 letters, any case, or .NET's DayOfWeek number
// (0 Sunday .. 6 Saturday).
std::optional<int> parse_export_weekday(std::string_view text);

// Days of the week separated by commas, semicolons or spaces: bit 0 Sunday .. bit 6 Saturday.
// nullopt when a day is not understood or the list is empty.
std::optional<std::uint8_t> parse_export_weekdays(std::string_view text);

// Months by English name, full or 3 letters, any case, separated as above: bit 0 January ..
// bit 11 December. Numbers are refused: Veeam's EMonth values are not known.
std::optional<std::uint16_t> parse_export_months(std::string_view text);

// VBR's BackupWindow string, as VBR PowerShell scripts show it: "<scheduler><Sunday>1,1,...
// </Sunday><Monday>...</Monday>...</scheduler>", each of the seven days once, 24 values each,
// 1 for a denied hour and 0 for a permitted one. The denied hours, bit weekday * 24 + hour;
// nullopt for anything else (a bare 168-character map says neither its order nor its polarity).
std::optional<std::bitset<kHoursPerWeek>> parse_export_backup_window(std::string_view text);

}  // namespace vpm
