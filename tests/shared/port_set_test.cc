#include "vpm/port_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vpm {
namespace {

struct ValidRange {
  std::string text;
  PortRange range;
};

struct InvalidInput {
  std::string text;
  std::string error;
};

TEST(ParsePortRange, AcceptsPortsAndRanges) {
  const std::vector<ValidRange> cases = {
      {"22", {22, 22}},
      {"1", {1, 1}},
      {"65535", {65535, 65535}},
      {"1-65535", {1, 65535}},
      {"2500-3300", {2500, 3300}},
      {"2500 - 3300", {2500, 3300}},
      {"2500 -3300", {2500, 3300}},
      {" 22 ", {22, 22}},
      {"22-22", {22, 22}},
      {"0022", {22, 22}},
      {"65534-65535", {65534, 65535}},
  };
  for (const ValidRange& c : cases) {
    SCOPED_TRACE(c.text);
    std::string error;
    const std::optional<PortRange> range = parse_port_range(c.text, &error);
    ASSERT_TRUE(range.has_value()) << error;
    EXPECT_EQ(*range, c.range);
    EXPECT_EQ(error, "");
  }
}

TEST(ParsePortRange, RejectsWithSentence) {
  const std::vector<InvalidInput> cases = {
      {"0", "port 0 is out of range 1-65535"},
      {"65536", "port 65536 is out of range 1-65535"},
      {"99999999999999999999", "port 99999999999999999999 is out of range 1-65535"},
      {"0-10", "port 0 is out of range 1-65535"},
      {"10-65536", "port 65536 is out of range 1-65535"},
      {"-5", "port -5 is out of range 1-65535"},
      {"3300-2500", "range 3300-2500 is reversed (first > last)"},
      {"abc", "\"abc\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"22.5", "\"22.5\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"+22", "\"+22\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"22 23", "\"22 23\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"1-2-3", "\"1-2-3\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"2500-", "\"2500-\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"-", "\"-\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"-5-10", "\"-5-10\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"22,80", "\"22,80\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"", "empty port or range"},
      {"  ", "empty port or range"},
      {"a\tb\"c", "\"a\\x09b\\\"c\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {std::string(70, '9'), "port " + std::string(60, '9') + "... is out of range 1-65535"},
      {"-" + std::string(70, '9'), "port -" + std::string(60, '9') + "... is out of range 1-65535"},
      {std::string(70, 'x'), "\"" + std::string(60, 'x') +
                                 "...\" is not a port or range (expected e.g. 22 or 2500-3300)"},
  };
  for (const InvalidInput& c : cases) {
    SCOPED_TRACE(c.text);
    std::string error;
    EXPECT_EQ(parse_port_range(c.text, &error), std::nullopt);
    EXPECT_EQ(error, c.error);
  }
}

TEST(ParsePortRange, AcceptsNullErrorPointer) {
  EXPECT_EQ(parse_port_range("0", nullptr), std::nullopt);
  EXPECT_EQ(parse_port_range("22", nullptr), (PortRange{22, 22}));
  EXPECT_EQ(parse_port_list("22,,23", nullptr), std::nullopt);
}

TEST(ParsePortList, KeepsListingOrder) {
  std::string error;
  const std::optional<PortSet> set = parse_port_list("3389, 22,2500-3300", &error);
  ASSERT_TRUE(set.has_value()) << error;
  EXPECT_EQ(set->ranges(), (std::vector<PortRange>{{3389, 3389}, {22, 22}, {2500, 3300}}));
  EXPECT_EQ(set->size(), 803u);
  EXPECT_EQ(set->to_string(), "3389,22,2500-3300");
}

TEST(ParsePortList, AcceptsWholeRangeAndAdjacentRanges) {
  std::string error;
  const std::optional<PortSet> all = parse_port_list("1-65535", &error);
  ASSERT_TRUE(all.has_value()) << error;
  EXPECT_EQ(all->size(), 65535u);
  const std::optional<PortSet> adjacent = parse_port_list("1-10,11-20,21", &error);
  ASSERT_TRUE(adjacent.has_value()) << error;
  EXPECT_EQ(adjacent->size(), 21u);
  EXPECT_EQ(adjacent->to_string(), "1-10,11-20,21");
}

TEST(ParsePortList, RejectsWithSentence) {
  const std::vector<InvalidInput> cases = {
      {"", "empty port list"},
      {" ", "empty port list"},
      {"22,,80", "empty item in port list \"22,,80\""},
      {"22,", "empty item in port list \"22,\""},
      {",22", "empty item in port list \",22\""},
      {"22, ,80", "empty item in port list \"22, ,80\""},
      {"22,0", "port 0 is out of range 1-65535"},
      {"22,65536", "port 65536 is out of range 1-65535"},
      {"3300-2500", "range 3300-2500 is reversed (first > last)"},
      {"22,abc", "\"abc\" is not a port or range (expected e.g. 22 or 2500-3300)"},
      {"22,22", "port 22 is listed twice"},
      {"2500-3300,2500-3300", "range 2500-3300 is listed twice"},
      {"2500-3300,3000", "port 3000 overlaps range 2500-3300 listed before"},
      {"3000,2500-3300", "range 2500-3300 overlaps port 3000 listed before"},
      {"1-10,10-20", "range 10-20 overlaps range 1-10 listed before"},
      {"22,1-65535", "range 1-65535 overlaps port 22 listed before"},
  };
  for (const InvalidInput& c : cases) {
    SCOPED_TRACE(c.text);
    std::string error;
    EXPECT_EQ(parse_port_list(c.text, &error), std::nullopt);
    EXPECT_EQ(error, c.error);
  }
}

// One item per port is the most a list can hold, in any order.
TEST(ParsePortList, LimitsTheNumberOfItemsToOnePerPort) {
  std::string list;
  for (int port = 65535; port >= 1; --port)
    list.append(port < 65535 ? "," : "").append(std::to_string(port));
  std::string error;
  const std::optional<PortSet> most = parse_port_list(list, &error);
  ASSERT_TRUE(most.has_value()) << error;
  EXPECT_EQ(most->size(), 65535u);
  EXPECT_EQ(most->ranges().size(), 65535u);
  EXPECT_EQ(most->at(0), 65535);
  EXPECT_EQ(most->at(65534), 1);

  list += ",1";
  EXPECT_EQ(parse_port_list(list, &error), std::nullopt);
  EXPECT_EQ(error, "too many items in port list (65536; at most 65535, one per port)");
}

TEST(PortSet, StartsEmpty) {
  const PortSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.to_string(), "");
  EXPECT_TRUE(set.ports().empty());
  EXPECT_THROW(static_cast<void>(set.at(0)), std::out_of_range);
}

TEST(PortSet, AddRejectsBadRangesAndLeavesSetUnchanged) {
  PortSet set;
  ASSERT_EQ(set.add({2500, 3300}), std::nullopt);
  EXPECT_EQ(set.add({0, 10}), "port 0 is out of range 1-65535");
  EXPECT_EQ(set.add({20, 10}), "range 20-10 is reversed (first > last)");
  EXPECT_EQ(set.add({3300, 3300}), "port 3300 overlaps range 2500-3300 listed before");
  EXPECT_EQ(set.add({2000, 2500}), "range 2000-2500 overlaps range 2500-3300 listed before");
  EXPECT_EQ(set.add({1, 65535}), "range 1-65535 overlaps range 2500-3300 listed before");
  EXPECT_EQ(set.add({2600, 2700}), "range 2600-2700 overlaps range 2500-3300 listed before");
  EXPECT_EQ(set.add({2500, 3300}), "range 2500-3300 is listed twice");
  EXPECT_EQ(set.ranges(), (std::vector<PortRange>{{2500, 3300}}));
  EXPECT_EQ(set.size(), 801u);
}

TEST(PortSet, AddAcceptsEdgesAndNeighbours) {
  PortSet set;
  EXPECT_EQ(set.add({65535, 65535}), std::nullopt);
  EXPECT_EQ(set.add({1, 1}), std::nullopt);
  EXPECT_EQ(set.add({2, 65534}), std::nullopt);
  EXPECT_EQ(set.size(), 65535u);
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.to_string(), "65535,1,2-65534");
}

TEST(PortSet, IndexesPortsInListingOrder) {
  PortSet set;
  ASSERT_EQ(set.add({3389, 3389}), std::nullopt);
  ASSERT_EQ(set.add({10, 12}), std::nullopt);
  ASSERT_EQ(set.add({22, 22}), std::nullopt);
  EXPECT_EQ(set.ports(), (std::vector<Port>{3389, 10, 11, 12, 22}));
  ASSERT_EQ(set.size(), 5u);
  for (std::size_t i = 0; i < set.size(); ++i) EXPECT_EQ(set.at(i), set.ports()[i]);
  EXPECT_THROW(static_cast<void>(set.at(5)), std::out_of_range);
}

TEST(PortSet, IndexesTheHighestPort) {
  PortSet set;
  ASSERT_EQ(set.add({1, 65535}), std::nullopt);
  EXPECT_EQ(set.at(0), 1);
  EXPECT_EQ(set.at(65534), 65535);
  EXPECT_EQ(set.ports().back(), 65535);
  EXPECT_EQ(set.ports().size(), 65535u);
}

TEST(PortSet, ComparesByRangesInOrder) {
  PortSet a;
  PortSet b;
  ASSERT_EQ(a.add({22, 22}), std::nullopt);
  ASSERT_EQ(a.add({80, 80}), std::nullopt);
  ASSERT_EQ(b.add({80, 80}), std::nullopt);
  ASSERT_EQ(b.add({22, 22}), std::nullopt);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, parse_port_list("22,80", nullptr));
}

// The check before PortSet's index: each new range against every earlier one, in listing order.
std::optional<std::string> reference_overlap(const std::vector<PortRange>& listed, PortRange r) {
  for (const PortRange& existing : listed) {
    if (existing.first > r.last || r.first > existing.last) continue;
    const auto name = [](PortRange x) {
      return x.first == x.last ? "port " + std::to_string(x.first)
                               : "range " + std::to_string(x.first) + "-" + std::to_string(x.last);
    };
    if (existing == r) return name(r) + " is listed twice";
    return name(r) + " overlaps " + name(existing) + " listed before";
  }
  return std::nullopt;
}

// Thousands of random ranges, in random order, many overlapping one or several earlier ones:
// every answer is the reference's, and the set holds what the reference kept.
TEST(PortSet, AnswersAsTheScanOverEveryEarlierRange) {
  std::uint32_t seed = 12345;
  const auto next = [&seed](std::uint32_t bound) {
    seed = seed * 1664525u + 1013904223u;  // a fixed LCG: the same lists on every machine
    return (seed >> 8) % bound;
  };
  for (int list = 0; list < 20; ++list) {
    PortSet set;
    std::vector<PortRange> kept;
    std::size_t rejected = 0;
    for (int item = 0; item < 3000; ++item) {
      const auto first = static_cast<Port>(1 + next(65535));
      const std::uint32_t width = next(4) == 0 ? next(400) : 0;
      const auto last = static_cast<Port>(std::min<std::uint32_t>(65535, first + width));
      const PortRange range{first, last};
      const std::optional<std::string> expected = reference_overlap(kept, range);
      ASSERT_EQ(set.add(range), expected) << "list " << list << " item " << item;
      if (expected) {
        ++rejected;
      } else {
        kept.push_back(range);
      }
    }
    EXPECT_EQ(set.ranges(), kept);
    EXPECT_GT(rejected, 10u);  // the lists do overlap: the error path is exercised
  }
}

// A range over many earlier ones names the one listed first, not the lowest.
TEST(PortSet, NamesTheEarliestListedOfSeveralOverlaps) {
  PortSet set;
  ASSERT_EQ(set.add({500, 500}), std::nullopt);
  ASSERT_EQ(set.add({300, 300}), std::nullopt);
  ASSERT_EQ(set.add({100, 100}), std::nullopt);
  ASSERT_EQ(set.add({400, 400}), std::nullopt);
  EXPECT_EQ(set.add({100, 450}), "range 100-450 overlaps port 300 listed before");
  EXPECT_EQ(set.add({50, 1000}), "range 50-1000 overlaps port 500 listed before");
  EXPECT_EQ(set.add({400, 400}), "port 400 is listed twice");
  EXPECT_EQ(set.add({401, 499}), std::nullopt);
  EXPECT_EQ(set.add({99, 101}), "range 99-101 overlaps port 100 listed before");
  EXPECT_EQ(set.add({1, 99}), std::nullopt);
  EXPECT_EQ(set.to_string(), "500,300,100,400,401-499,1-99");
}

// Sets equal by their ranges in listing order, whichever way the overlap check went.
TEST(PortSet, ComparesEqualWhateverItsIndex) {
  PortSet built;
  ASSERT_EQ(built.add({80, 80}), std::nullopt);
  ASSERT_EQ(built.add({22, 22}), std::nullopt);  // below 80: the index is built
  ASSERT_EQ(built.add({70, 71}), std::nullopt);
  EXPECT_EQ(built, parse_port_list("80,22,70-71", nullptr));
  const PortSet copy = built;
  EXPECT_EQ(copy, built);
  PortSet more = copy;
  EXPECT_EQ(more.add({21, 22}), "range 21-22 overlaps port 22 listed before");
  EXPECT_EQ(more.add({72, 79}), std::nullopt);
  EXPECT_NE(more, built);
}

TEST(PortSet, TakesPortsFromAnIndexWrappingAround) {
  const std::optional<PortSet> set = parse_port_list("3389,10-12,22", nullptr);
  ASSERT_TRUE(set.has_value());
  const std::vector<Port> all = set->ports();
  for (std::size_t start = 0; start < all.size(); ++start) {
    for (std::size_t count = 0; count <= 2 * all.size(); ++count) {
      std::vector<Port> expected;
      for (std::size_t i = 0; i < count; ++i) expected.push_back(all[(start + i) % all.size()]);
      EXPECT_EQ(set->ports_from(start, count), expected) << start << "+" << count;
    }
  }
  EXPECT_TRUE(PortSet().ports_from(0, 3).empty());
}

TEST(PortRange, CountsInclusively) {
  EXPECT_EQ((PortRange{22, 22}).size(), 1u);
  EXPECT_EQ((PortRange{1, 65535}).size(), 65535u);
}

}  // namespace
}  // namespace vpm
