#include "process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>

namespace vpm::exporter {
namespace {

TEST(ProcStatTest, ParsesFieldsAfterACommandWithSpacesAndParentheses) {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  //         utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ...
  const std::string stat =
      "4242 (my (odd) exporter) S 1 4242 4242 0 -1 4194560 500 0 0 0 "
      "250 50 0 0 20 0 3 0 1000 104857600 2560 18446744073709551615\n";
  const auto stats = parse_proc_stat(stat, 100, 4096, 1700000000);
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->cpu_seconds, 3.0);
  EXPECT_DOUBLE_EQ(stats->start_time_seconds, 1700000010.0);
  EXPECT_DOUBLE_EQ(stats->virtual_memory_bytes, 104857600.0);
  EXPECT_DOUBLE_EQ(stats->resident_memory_bytes, 2560.0 * 4096);
}

TEST(ProcStatTest, RejectsGarbage) {
  EXPECT_FALSE(parse_proc_stat("", 100, 4096, 0));
  EXPECT_FALSE(parse_proc_stat("1 (x) S 1 2 3", 100, 4096, 0));
  EXPECT_FALSE(
      parse_proc_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 x 1 0 0 20 0 1 0 5 6 7", 100, 4096, 0));
}

TEST(ProcessFamiliesTest, DescribeThisProcess) {
  const auto families = process_families();
  double rss = 0, fds = 0, start = 0;
  for (const auto& f : families) {
    EXPECT_FALSE(f.help.empty());
    if (f.name == "process_resident_memory_bytes") rss = f.metric.at(0).gauge.value;
    if (f.name == "process_open_fds") fds = f.metric.at(0).gauge.value;
    if (f.name == "process_start_time_seconds") start = f.metric.at(0).gauge.value;
  }
  EXPECT_GT(rss, 1 << 20);
  EXPECT_GE(fds, 3);  // stdin, stdout, stderr at least
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(start, now - 3600);
  EXPECT_LE(start, now + 1);
}

}  // namespace
}  // namespace vpm::exporter
