// Our text exposition writer against the real prometheus::TextSerializer: the same bytes for
// every kind of family and value the exporter can emit.
#include "metric_text.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "same_text.h"

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using test::same_text;

std::string peer(const std::vector<MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

std::string ours(const std::vector<MetricFamily>& families) {
  std::string out;
  append_text(out, families);
  return out;
}

ClientMetric sample(MetricType type, std::vector<ClientMetric::Label> labels, double value,
                    std::int64_t timestamp_ms = 0) {
  ClientMetric m;
  m.label = std::move(labels);
  m.timestamp_ms = timestamp_ms;
  switch (type) {
    case MetricType::Counter:
      m.counter.value = value;
      break;
    case MetricType::Gauge:
      m.gauge.value = value;
      break;
    default:
      m.untyped.value = value;
      break;
  }
  return m;
}

MetricFamily family(std::string name, std::string help, MetricType type,
                    std::vector<ClientMetric> metrics = {}) {
  return MetricFamily{std::move(name), std::move(help), type, std::move(metrics)};
}

// The failure shows the whole text.
::testing::AssertionResult contains(const std::string& text, std::string_view piece) {
  if (text.find(piece) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no \"" << piece << "\" in:\n" << text;
}

// Every value in one family of each type we write.
std::vector<MetricFamily> with_values(const std::vector<double>& values) {
  std::vector<MetricFamily> families;
  for (const MetricType type : {MetricType::Gauge, MetricType::Counter, MetricType::Untyped}) {
    MetricFamily f = family("values", "Values.", type);
    for (std::size_t i = 0; i < values.size(); ++i) {
      f.metric.push_back(sample(type, {{"i", std::to_string(i)}}, values[i]));
    }
    families.push_back(std::move(f));
  }
  return families;
}

TEST(MetricTextTest, WritesEveryTypeWeEmitAsTextSerializerDoes) {
  const std::vector<MetricFamily> families = {
      family("veeam_flow_up", "1 when up.", MetricType::Gauge,
             {sample(MetricType::Gauge, {{"flow", "a"}, {"target", "h1"}}, 1),
              sample(MetricType::Gauge, {{"flow", "a"}, {"target", "h2"}}, 0)}),
      family("veeam_port_exporter_probes_total", "Ports probed.", MetricType::Counter,
             {sample(MetricType::Counter, {{"protocol", "tcp"}, {"state", "open"}}, 3),
              sample(MetricType::Counter, {{"protocol", "udp"}, {"state", "open"}}, 0)}),
      family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
             MetricType::Counter, {sample(MetricType::Counter, {}, 0.37)}),
      family("veeam_port_exporter_build_info", "Version. Always 1.", MetricType::Gauge,
             {sample(MetricType::Gauge, {{"version", "1.2.3"}, {"revision", "abc"}}, 1)}),
      family("something_untyped", "Untyped.", MetricType::Untyped,
             {sample(MetricType::Untyped, {{"a", "b"}}, 2.5), sample(MetricType::Untyped, {}, 7)}),
      family("no_help", "", MetricType::Gauge, {sample(MetricType::Gauge, {}, 1)}),
      family("no_samples", "Nothing yet.", MetricType::Counter),
      family("empty_label_value", "An empty value.", MetricType::Gauge,
             {sample(MetricType::Gauge, {{"a", ""}, {"b", "x"}}, 1)}),
  };
  const std::string text = ours(families);
  EXPECT_EQ(text, peer(families));
  // What that is, so the test does not only hold for whatever both happen to write.
  EXPECT_TRUE(contains(text,
                       "# HELP veeam_flow_up 1 when up.\n# TYPE veeam_flow_up gauge\n"
                       "veeam_flow_up{flow=\"a\",target=\"h1\"} 1\n"));
  for (const char* piece :
       {"\nprocess_cpu_seconds_total 0.37\n", "# TYPE something_untyped untyped\n",
        "\n# TYPE no_help gauge\nno_help 1\n"}) {
    EXPECT_TRUE(contains(text, piece));
  }
  EXPECT_EQ(text.find("# HELP no_help"), std::string::npos) << text;
  EXPECT_TRUE(contains(text, "# TYPE no_samples counter\n# HELP empty_label_value"));
}

TEST(MetricTextTest, WritesSpecialValuesAsTextSerializerDoes) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values = {
      std::numeric_limits<double>::quiet_NaN(),
      -std::numeric_limits<double>::quiet_NaN(),
      inf,
      -inf,
      0.0,
      -0.0,
      1,
      -1,
      1e-9,
      1e21,
      1e15,
      1e16,
      1e17,
      123456789.123,
      0.1,
      0.30000000000000004,
      1.0 / 3,
      2.0 / 3,
      1704067200.0015,
      0.00125,
      9007199254740991.0,  // 2^53 - 1
      9007199254740992.0,  // 2^53
      -9007199254740992.0,
      4294967296.0,
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::denorm_min(),
      2.2250738585072009e-308,  // the largest subnormal
      -4.9406564584124654e-324,
      1e-5,
      1e-4,
      123456.7890123456789,
      5e-324 * 3,
  };
  const auto families = with_values(values);
  const std::string text = ours(families);
  EXPECT_EQ(text, peer(families));
  for (const char* piece :
       {"values{i=\"0\"} Nan\n", "values{i=\"2\"} +Inf\n", "values{i=\"3\"} -Inf\n",
        "values{i=\"5\"} -0\n", "values{i=\"9\"} 1e+21\n", "values{i=\"13\"} 123456789.123\n",
        "values{i=\"21\"} 9007199254740992\n"}) {
    EXPECT_TRUE(contains(text, piece));
  }
}

// Doubles of every magnitude and bit pattern, and the integers and decimal fractions metrics
// usually hold.
TEST(MetricTextTest, WritesManyDoublesAsTextSerializerDoes) {
  std::mt19937_64 random(20240101);
  std::vector<double> values;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t bits = random();
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    values.push_back(any);
    values.push_back(static_cast<double>(random() >> (random() % 64)));
    values.push_back(static_cast<double>(random() % 100000000) / 1000.0);
    values.push_back(
        std::ldexp(static_cast<double>(random() >> 11), static_cast<int>(random() % 120) - 60));
  }
  const auto families = with_values(values);
  EXPECT_TRUE(same_text(ours(families), peer(families)));
}

TEST(MetricTextTest, EscapesLabelValuesAsTextSerializerDoes) {
  const std::vector<std::string> values = {
      "back\\slash",
      "\"quoted\"",
      "new\nline",
      "\\\"\n",
      "trailing\\",
      "\n",
      "tab\tand\rcr",
      "braces{}=,",
      "ünïcødé ✓ 名",
      "\xff\xfe raw bytes",
      "#comment",
      "a\\nb (escaped)",
      std::string(1, '\0') + "nul",
  };
  MetricFamily f = family("labels", "Label values.", MetricType::Gauge);
  for (const std::string& value : values) {
    f.metric.push_back(sample(MetricType::Gauge, {{"v", value}, {"w", value + value}}, 1));
  }
  const std::string text = ours({f});
  EXPECT_EQ(text, peer({f}));
  for (const char* piece :
       {R"(labels{v="back\\slash",w="back\\slashback\\slash"} 1)", R"(labels{v="\"quoted\"",)",
        R"(labels{v="new\nline",)", R"(labels{v="\\\"\n",)", R"(labels{v="ünïcødé ✓ 名",)"}) {
    EXPECT_TRUE(contains(text, piece));
  }
}

TEST(MetricTextTest, WritesHelpAsTextSerializerDoesWhereItNeedsNoEscape) {
  const std::vector<MetricFamily> families = {
      family("a", "Plain help, with \"quotes\", {braces} and # signs.", MetricType::Gauge),
      family("b", "ünïcødé ✓ 名", MetricType::Counter),
      family("c", " leading and trailing spaces ", MetricType::Untyped),
  };
  EXPECT_EQ(ours(families), peer(families));
}

// The format wants backslash and newline in HELP escaped; prometheus-cpp 1.0.1 writes them
// raw, and a newline there ends the line early (the rest reads as a sample line). If a newer
// prometheus-cpp escapes them, the second expectation fails: the writer then matches it here
// too and this test can become one of the equal ones.
TEST(MetricTextTest, EscapesBackslashAndNewlineInHelpWhichTextSerializerDoesNot) {
  const std::vector<MetricFamily> families = {
      family("a", "back\\slash, new\nline, \"quote\"", MetricType::Gauge)};
  EXPECT_EQ(ours(families), "# HELP a back\\\\slash, new\\nline, \"quote\"\n# TYPE a gauge\n");
  EXPECT_EQ(peer(families), "# HELP a back\\slash, new\nline, \"quote\"\n# TYPE a gauge\n");
}

TEST(MetricTextTest, WritesTimestampsAsTextSerializerDoes) {
  MetricFamily f = family("stamped", "With timestamps.", MetricType::Gauge);
  for (const std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1704067200123},
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    f.metric.push_back(sample(MetricType::Gauge, {{"ms", std::to_string(ms)}}, 0.5, ms));
    f.metric.push_back(sample(MetricType::Gauge, {}, std::nan(""), ms));
  }
  const std::string text = ours({f});
  EXPECT_EQ(text, peer({f}));
  for (const char* piece :
       {"stamped{ms=\"0\"} 0.5\n", "stamped{ms=\"1704067200123\"} 0.5 1704067200123\n",
        "stamped Nan -9223372036854775808\n"}) {
    EXPECT_TRUE(contains(text, piece));
  }
}

TEST(MetricTextTest, WritesManyFamiliesAndSamplesAsTextSerializerDoes) {
  std::vector<MetricFamily> families;
  for (int f = 0; f < 50; ++f) {
    const MetricType type = f % 3 == 0 ? MetricType::Counter : MetricType::Gauge;
    MetricFamily fam = family("family_" + std::to_string(f), "Family " + std::to_string(f), type);
    for (int m = 0; m < 200; ++m) {
      fam.metric.push_back(sample(type,
                                  {{"flow", "flow-" + std::to_string(m)},
                                   {"target", "host" + std::to_string(m % 7) + ".example.org"},
                                   {"port", std::to_string(1000 + m)}},
                                  (m * 0.001) + f));
    }
    families.push_back(std::move(fam));
  }
  const std::string text = ours(families);
  EXPECT_TRUE(same_text(text, peer(families)));
  EXPECT_GT(text.size(), 500000u);
}

TEST(MetricTextTest, AppendsToWhatIsThere) {
  const std::vector<MetricFamily> families = with_values({1, 2});
  std::string out = "before\n";
  append_text(out, families);
  EXPECT_EQ(out, "before\n" + peer(families));
}

// The pieces the page is written with give what a whole family gives.
TEST(MetricTextTest, HeaderAndSampleLinesAddUpToTheFamily) {
  const MetricFamily f =
      family("veeam_flow_ports", "Ports \\ by state.", MetricType::Gauge,
             {sample(MetricType::Gauge, {{"flow", "a\"b"}, {"state", "open"}}, 2),
              sample(MetricType::Gauge, {}, 0.25)});
  std::string pieces;
  append_header(pieces, f);
  append_sample(pieces, f.name, {{"flow", "a\"b"}, {"state", "open"}}, 2);
  append_sample(pieces, f.name, {}, 0.25);
  std::string whole;
  append_text(whole, f);
  EXPECT_EQ(pieces, whole);
  std::string samples;
  append_samples(samples, f);
  EXPECT_EQ(whole.substr(whole.find("veeam_flow_ports{")), samples);
}

TEST(MetricTextTest, RefusesSummariesAndHistograms) {
  for (const MetricType type : {MetricType::Summary, MetricType::Histogram}) {
    MetricFamily f = family("latency", "Latency.", type);
    f.metric.emplace_back();
    std::string out;
    EXPECT_THROW(append_text(out, f), std::invalid_argument);
    EXPECT_THROW(append_samples(out, f), std::invalid_argument);
    EXPECT_EQ(out, "");
  }
}

}  // namespace
}  // namespace vpm::exporter
