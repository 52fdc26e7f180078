#include "perfdata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace vpm::nagios {
namespace {

TEST(PerfdataLabelTest, QuotesEveryLabelByteForByte) {
  EXPECT_EQ(quote_perf_label("load1"), "'load1'");
  EXPECT_EQ(quote_perf_label(""), "''");
  EXPECT_EQ(quote_perf_label("agent to server"), "'agent to server'");
  EXPECT_EQ(quote_perf_label("it's"), "'it''s'");
  EXPECT_EQ(quote_perf_label("''"), "''''''");
  EXPECT_EQ(quote_perf_label("a=b"), "'a_b'");
  EXPECT_EQ(quote_perf_label("flow@::1"), "'flow@::1'");
  EXPECT_EQ(quote_perf_label("flow@fe80::1%eth0"), "'flow@fe80::1%eth0'");
  EXPECT_EQ(quote_perf_label("flow@backup-01.example.test"), "'flow@backup-01.example.test'");
}

TEST(PerfdataLabelTest, KeepsPipesAndLineBreaksOutOfTheOutput) {
  EXPECT_EQ(quote_perf_label("a|b"), "'a_b'");
  EXPECT_EQ(quote_perf_label("a\nb\rc\td"), "'a_b_c_d'");
}

TEST(PerfdataNumberTest, WritesPlainDecimalsWithoutTrailingZeros) {
  EXPECT_EQ(format_perf_number(0), "0");
  EXPECT_EQ(format_perf_number(-0.0), "0");
  EXPECT_EQ(format_perf_number(2), "2");
  EXPECT_EQ(format_perf_number(2.5), "2.5");
  EXPECT_EQ(format_perf_number(0.5), "0.5");
  EXPECT_EQ(format_perf_number(-95.99), "-95.99");
  EXPECT_EQ(format_perf_number(16384), "16384");
  EXPECT_EQ(format_perf_number(3600), "3600");
  EXPECT_EQ(format_perf_number(0.000123), "0.000123");
  EXPECT_EQ(format_perf_number(0.000213), "0.000213");
  // A latency of 1 ns, and one with every nanosecond digit: no exponent, exact digits.
  EXPECT_EQ(format_perf_number(1e-9), "0.000000001");
  EXPECT_EQ(format_perf_number(123456789 / 1e9), "0.123456789");
  EXPECT_EQ(format_perf_number(1e15), "1000000000000000");
}

TEST(PerfdataNumberTest, WritesUForValuesThatCouldNotBeMeasured) {
  EXPECT_EQ(format_perf_number(std::nan("")), "U");
  EXPECT_EQ(format_perf_number(std::numeric_limits<double>::infinity()), "U");
}

TEST(PerfdataDatumTest, WritesAllFields) {
  PerfDatum d;
  d.label = "flow@127.0.0.1";
  d.value = 1.5;
  d.unit = "s";
  d.warn = "0.2";
  d.crit = "1";
  d.min = 0;
  d.max = 2;
  EXPECT_EQ(format_perf_datum(d), "'flow@127.0.0.1'=1.5s;0.2;1;0;2");
}

TEST(PerfdataDatumTest, DropsTrailingEmptyFieldsButKeepsInnerOnes) {
  PerfDatum d;
  d.label = "x";
  d.value = 3;
  EXPECT_EQ(format_perf_datum(d), "'x'=3");
  d.warn = "5";
  EXPECT_EQ(format_perf_datum(d), "'x'=3;5");
  d.warn.clear();
  d.crit = "@0:10";
  EXPECT_EQ(format_perf_datum(d), "'x'=3;;@0:10");
  d.crit.clear();
  d.min = 0;
  d.max = 12;
  EXPECT_EQ(format_perf_datum(d), "'x'=3;;;0;12");
  d.min.reset();
  EXPECT_EQ(format_perf_datum(d), "'x'=3;;;;12");
}

TEST(PerfdataDatumTest, WritesUnknownValuesAsUWithoutUnit) {
  PerfDatum d;
  d.label = "flow@::1";
  d.value = std::nan("");
  d.unit = "s";
  d.min = 0;
  d.max = 2;
  EXPECT_EQ(format_perf_datum(d), "'flow@::1'=U;;;0;2");
}

}  // namespace
}  // namespace vpm::nagios
