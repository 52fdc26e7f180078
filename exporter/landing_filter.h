#pragma once
// What the landing page shows, from its query string (?flow=&target=&show=&limit=): at fleet
// size (a backup server watching 1,000 agents, 3,000 rows) the page lists the rows that match,
// failing first, up to a limit, so it stays small by default. Filtered on the server: no script.
#include <cstddef>
#include <string>
#include <string_view>

namespace vpm::exporter {

struct LandingFilter {
  enum class Show { kAll, kDown, kUp };
  std::string flow;    // exact flow name; empty: every flow
  std::string target;  // part of the target or its address; empty: every target
  Show show = Show::kAll;
  std::size_t limit = 200;  // rows at most; "all": no limit
};

inline constexpr std::size_t kDefaultLandingRows = 200;

// Unknown parameters and values that do not parse are ignored (the defaults stay): it is a
// page for people, and a bad link should still show something.
LandingFilter parse_landing_filter(std::string_view query);

// %XX and '+' of a query string's value.
std::string url_decode(std::string_view text);
// A query string's value: letters, digits and -._~ as they are, the rest %XX.
std::string url_encode(std::string_view text);

}  // namespace vpm::exporter
