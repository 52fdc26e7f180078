#pragma once
// Two texts compared line by line, reporting the first line that differs: gtest's own diff of
// two strings of thousands of lines takes longer and more memory than a test may have.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace vpm::exporter::test {

inline ::testing::AssertionResult same_text(std::string_view actual, std::string_view expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  const std::size_t common = std::min(actual.size(), expected.size());
  const std::size_t differ = static_cast<std::size_t>(
      std::mismatch(actual.begin(), actual.begin() + static_cast<std::ptrdiff_t>(common),
                    expected.begin())
          .first -
      actual.begin());
  const std::size_t line_start = differ == 0 ? 0 : actual.rfind('\n', differ - 1) + 1;
  const auto line_at = [&](std::string_view text) {
    return text.substr(line_start, text.find('\n', line_start) - line_start);
  };
  return ::testing::AssertionFailure()
         << "line "
         << std::count(actual.begin(), actual.begin() + static_cast<std::ptrdiff_t>(line_start),
                       '\n') +
                1
         << " differs (sizes " << actual.size() << " and " << expected.size()
         << "):\n  actual:   " << line_at(actual) << "\n  expected: " << line_at(expected);
}

}  // namespace vpm::exporter::test
