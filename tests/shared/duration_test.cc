#include "vpm/duration.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vpm {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<Duration::rep>::max();

struct ValidDuration {
  std::string text;
  std::int64_t milliseconds;
};

TEST(ParseDuration, AcceptsEachUnitAndCombinations) {
  const std::vector<ValidDuration> cases = {
      {"500ms", 500},
      {"1ms", 1},
      {"2s", 2'000},
      {"1m", 60'000},
      {"1h", 3'600'000},
      {"1m30s", 90'000},
      {"90s", 90'000},
      {"1h30m", 5'400'000},
      {"1h2m3s4ms", 3'723'004},
      {"1s500ms", 1'500},
      {"0s", 0},
      {"0ms", 0},
      {"007s", 7'000},
      {"9223372036854775807ms", kMax},
      {"9223372036854775s", 9'223'372'036'854'775'000},
      {"2562047788015h", 2'562'047'788'015 * 3'600'000},
  };
  for (const ValidDuration& c : cases) {
    SCOPED_TRACE(c.text);
    const std::optional<Duration> parsed = parse_duration(c.text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->count(), c.milliseconds);
  }
}

TEST(ParseDuration, RejectsMalformedText) {
  const std::vector<std::string> cases = {
      "",        // empty
      "5",       // bare number: a unit is required
      "0",       // even zero needs a unit
      "-1s",     // negative
      "+1s",     // explicit sign
      "2 s",     // blank between number and unit
      " 2s",     // leading blank
      "2s ",     // trailing blank
      "1.5s",    // fractions
      "2S",      // units are lowercase
      "2sec",    // unknown unit
      "1d",      // unknown unit
      "s",       // unit without number
      "ms",      // unit without number
      "1m30",    // last part without unit
      "30s1m",   // units must go from largest to smallest
      "1s1s",    // each unit at most once
      "1ms1s",   // ms is the smallest unit
      "1s,2s",   // separators
      "1h 30m",  // blanks between parts
  };
  for (const std::string& text : cases) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775808ms"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999s"), std::nullopt);
  EXPECT_EQ(parse_duration("2562047788016h"), std::nullopt);
  EXPECT_EQ(parse_duration("9223372036854776s"), std::nullopt);
  // Each part fits, the sum does not.
  EXPECT_EQ(parse_duration("2562047788015h3600000s"), std::nullopt);
}

TEST(ParseDuration, StopsAtEmbeddedNul) {
  EXPECT_EQ(parse_duration(std::string_view("2s\0", 3)), std::nullopt);
}

TEST(FormatDuration, UsesLargestUnitsFirst) {
  const std::vector<ValidDuration> cases = {
      {"0s", 0},           {"1ms", 1},        {"500ms", 500},
      {"1s500ms", 1'500},  {"2s", 2'000},     {"1m", 60'000},
      {"1m30s", 90'000},   {"1h", 3'600'000}, {"1h1m1s1ms", 3'661'001},
      {"25h", 90'000'000},
  };
  for (const ValidDuration& c : cases) {
    EXPECT_EQ(format_duration(Duration{c.milliseconds}), c.text);
  }
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{1'001},
        std::int64_t{59'999}, std::int64_t{3'599'999}, std::int64_t{86'400'000}, kMax}) {
    const std::string text = format_duration(Duration{ms});
    SCOPED_TRACE(text);
    const std::optional<Duration> parsed = parse_duration(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->count(), ms);
  }
}

TEST(FormatDuration, SpellsNegativeDurationsWithoutOverflow) {
  EXPECT_EQ(format_duration(Duration{-2'000}), "-2s");
  EXPECT_EQ(format_duration(Duration{std::numeric_limits<Duration::rep>::min()}),
            "-2562047788015h12m55s808ms");
}

TEST(ToSeconds, ConvertsMilliseconds) {
  EXPECT_DOUBLE_EQ(to_seconds(Duration{2'000}), 2.0);
  EXPECT_DOUBLE_EQ(to_seconds(Duration{500}), 0.5);
  EXPECT_DOUBLE_EQ(to_seconds(Duration{1}), 0.001);
  EXPECT_DOUBLE_EQ(to_seconds(Duration{0}), 0.0);
}

}  // namespace
}  // namespace vpm
