#include "logfmt_logger.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vpm::exporter {
namespace {

TEST(LogfmtTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(logfmt_value("agent-to-smtp"), "agent-to-smtp");
  EXPECT_EQ(logfmt_value("127.0.0.1:10387"), "127.0.0.1:10387");
  EXPECT_EQ(logfmt_value(""), "\"\"");
  EXPECT_EQ(logfmt_value("two words"), "\"two words\"");
  EXPECT_EQ(logfmt_value("a=b"), "\"a=b\"");
  EXPECT_EQ(logfmt_value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(logfmt_value("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(logfmt_value("line\nbreak\ttab"), "\"line\\nbreak\\ttab\"");
  EXPECT_EQ(logfmt_value(std::string("nul\0x", 5)), "\"nul\\x00x\"");
}

TEST(LogfmtTest, FormatsALine) {
  const auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1704067200123));
  EXPECT_EQ(logfmt_line(t, LogLevel::kError, "Error reloading config",
                        {{"file", "t.yaml"}, {"err", "t.yaml:3:5: unknown key \"x\""}}),
            "ts=2024-01-01T00:00:00.123Z level=error msg=\"Error reloading config\" file=t.yaml "
            "err=\"t.yaml:3:5: unknown key \\\"x\\\"\"");
}

TEST(LoggerTest, FiltersByLevelAndWritesOneLineEach) {
  std::vector<std::string> lines;
  Logger log(LogLevel::kWarn, [&](std::string_view line) { lines.emplace_back(line); });
  log.debug("hidden");
  log.info("hidden");
  log.warn("shown", {{"k", "v"}});
  log.error("also shown");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" level=warn msg=shown k=v\n"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].back(), '\n');
  EXPECT_EQ(lines[1].find('\n'), lines[1].size() - 1);
  EXPECT_FALSE(log.enabled(LogLevel::kInfo));
}

// What the Windows service reports to the event log: warnings, errors and notices (start, stop,
// reload), whatever --log.level filters from the file; its first failure said once in the file.
TEST(LoggerTest, TheEventSinkGetsWarningsErrorsAndNoticesWhateverTheThreshold) {
  std::vector<std::string> lines;
  std::vector<std::pair<LogLevel, std::string>> events;
  bool reporting = true;
  Logger log(LogLevel::kError, [&](std::string_view line) { lines.emplace_back(line); });
  log.notice("before the sink");
  log.set_event_sink([&](LogLevel level, std::string_view line) {
    events.emplace_back(level, line);
    return reporting;
  });
  log.debug("not an event");
  log.info("not an event either");
  log.notice("Starting veeam_port_exporter", {{"version", "0.1.0"}});
  log.warn("No enabled flows");
  log.error("Error reloading config");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].first, LogLevel::kInfo);
  EXPECT_NE(events[0].second.find(" level=info msg=\"Starting veeam_port_exporter\" version=0.1.0"),
            std::string::npos)
      << events[0].second;
  EXPECT_EQ(events[0].second.find('\n'), std::string::npos);
  EXPECT_EQ(events[1].first, LogLevel::kWarn);
  EXPECT_EQ(events[2].first, LogLevel::kError);
  ASSERT_EQ(lines.size(), 1u);  // the threshold still filters the file: the error only
  EXPECT_NE(lines[0].find("msg=\"Error reloading config\""), std::string::npos);

  reporting = false;
  log.error("first lost");
  log.error("second lost");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[1].find("level=warn msg=\"Cannot report to the system event log\" "
                          "event=\"first lost\""),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[3].find("second lost"), std::string::npos);
}

}  // namespace
}  // namespace vpm::exporter
