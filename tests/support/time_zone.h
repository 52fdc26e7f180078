#pragma once
// For tests of local-time schedules: UTC instants from calendar fields, and TZ set for one
// test (POSIX only: Windows' C runtime takes no IANA zone names).
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace vpm::test {

// A UTC instant from its calendar fields (days from 1970-01-01 by the civil-date formula).
inline std::chrono::system_clock::time_point utc(int y, int m, int d, int hour, int minute) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days = static_cast<long>(era) * 146097 + doe - 719468;
  return std::chrono::system_clock::time_point(std::chrono::hours(days * 24 + hour) +
                                               std::chrono::minutes(minute));
}

#ifndef _WIN32
// Sets TZ for one test and puts the previous value back.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};
#endif

}  // namespace vpm::test
