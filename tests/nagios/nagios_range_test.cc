#include "nagios_range.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpm::nagios {
namespace {

struct Probe {
  double value;
  bool alerts;
};

struct RangeCase {
  std::string text;
  double start;
  double end;
  bool start_infinite;
  bool end_infinite;
  bool alert_inside;
  std::vector<Probe> probes;
};

// In the spirit of the Monitoring Plugins' own range tests: each range, its parsed bounds,
// and values on both sides of every boundary (the boundaries themselves are inside).
const std::vector<RangeCase> kValidRanges = {
    {"6",
     0,
     6,
     false,
     false,
     false,
     {{-1, true}, {0, false}, {3, false}, {6, false}, {6.01, true}}},
    {"1:12",
     1,
     12,
     false,
     false,
     false,
     {{0.99, true}, {1, false}, {6, false}, {12, false}, {12.01, true}}},
    {"~:-95.99",
     0,
     -95.99,
     true,
     false,
     false,
     {{-1000, false}, {-96, false}, {-95.99, false}, {-95.98, true}, {0, true}}},
    {"@0:657.8",
     0,
     657.8,
     false,
     false,
     true,
     {{-0.01, false}, {0, true}, {300, true}, {657.8, true}, {657.81, false}}},
    {"10:", 10, 0, false, true, false, {{-1, true}, {9.99, true}, {10, false}, {1e9, false}}},
    {"10:20",
     10,
     20,
     false,
     false,
     false,
     {{9.99, true}, {10, false}, {15, false}, {20, false}, {20.01, true}}},
    {"@10:20",
     10,
     20,
     false,
     false,
     true,
     {{9.99, false}, {10, true}, {15, true}, {20, true}, {20.01, false}}},
    {":10", 0, 10, false, false, false, {{-0.5, true}, {0, false}, {10, false}, {10.5, true}}},
    {"~:10", 0, 10, true, false, false, {{-1e9, false}, {10, false}, {10.001, true}}},
    {"@~:0.2", 0, 0.2, true, false, true, {{-5, true}, {0.2, true}, {0.21, false}}},
    {"~:", 0, 0, true, true, false, {{-1e9, false}, {0, false}, {1e9, false}}},
    {"@~:", 0, 0, true, true, true, {{-1e9, true}, {0, true}, {1e9, true}}},
    {"0", 0, 0, false, false, false, {{-0.001, true}, {0, false}, {0.000001, true}}},
    {"-5:-1", -5, -1, false, false, false, {{-5.1, true}, {-5, false}, {-1, false}, {0, true}}},
    {"0.5:1.5", 0.5, 1.5, false, false, false, {{0.49, true}, {0.5, false}, {1.5, false}}},
    {"10:10", 10, 10, false, false, false, {{9.99, true}, {10, false}, {10.01, true}}},
};

TEST(NagiosRangeTest, ParsesAndAlertsLikeTheGuidelines) {
  for (const RangeCase& c : kValidRanges) {
    SCOPED_TRACE("range \"" + c.text + "\"");
    std::string error;
    const auto range = parse_nagios_range(c.text, &error);
    ASSERT_TRUE(range.has_value()) << error;
    EXPECT_EQ(range->text, c.text);
    EXPECT_EQ(range->start_infinite, c.start_infinite);
    EXPECT_EQ(range->end_infinite, c.end_infinite);
    EXPECT_EQ(range->alert_inside, c.alert_inside);
    if (!c.start_infinite) {
      EXPECT_DOUBLE_EQ(range->start, c.start);
    }
    if (!c.end_infinite) {
      EXPECT_DOUBLE_EQ(range->end, c.end);
    }
    for (const Probe& p : c.probes) {
      EXPECT_EQ(range->alerts(p.value), p.alerts) << "value " << p.value;
    }
  }
}

TEST(NagiosRangeTest, KeepsTheTextAsGivenForPerfdata) {
  std::string error;
  EXPECT_EQ(parse_nagios_range("@0:657.80", &error)->text, "@0:657.80");
  EXPECT_EQ(parse_nagios_range("~:-95.99", &error)->text, "~:-95.99");
}

struct InvalidCase {
  std::string text;
  std::string error;
};

const std::vector<InvalidCase> kInvalidRanges = {
    {"20:10", "start 20 is greater than end 10"},
    {"@20:10", "start 20 is greater than end 10"},
    {"-5", "start 0 is greater than end -5"},
    {":-1", "start 0 is greater than end -1"},
    {"abc", "\"abc\" is not a number"},
    {"1:abc", "\"abc\" is not a number"},
    {"abc:1", "\"abc\" is not a number"},
    {"", "empty range"},
    {"@", "nothing after \"@\""},
    {"1:2:3", "\"1:2:3\" has more than one \":\""},
    {"~", "\"~\" needs an end, as in \"~:10\""},
    {"@~", "\"~\" needs an end, as in \"~:10\""},
    {"10:~", "\"~\" is not a number"},
    {"inf", "\"inf\" is not a number"},
    {"nan", "\"nan\" is not a number"},
    {"1e3", "\"1e3\" is not a number"},
    {" 5", "\" 5\" is not a number"},
    {"+5", "\"+5\" is not a number"},
    {"1.2.3", "\"1.2.3\" is not a number"},
    {"-", "\"-\" is not a number"},
    {"@@1", "\"@1\" is not a number"},
};

TEST(NagiosRangeTest, RejectsMalformedRangesWithAReason) {
  for (const InvalidCase& c : kInvalidRanges) {
    SCOPED_TRACE("range \"" + c.text + "\"");
    std::string error;
    EXPECT_FALSE(parse_nagios_range(c.text, &error).has_value());
    EXPECT_EQ(error, c.error);
  }
}

TEST(NagiosRangeTest, ToleratesANullErrorPointer) {
  EXPECT_FALSE(parse_nagios_range("abc", nullptr).has_value());
  EXPECT_TRUE(parse_nagios_range("1:2", nullptr).has_value());
}

}  // namespace
}  // namespace vpm::nagios
