#pragma once
// docs/flows.md from the target file, so the documentation cannot drift from the data: the
// roles, then per vantage point (a role that starts flows) a table of its flows.
#include <string>
#include <string_view>

#include "vpm/config.h"

namespace vpm::docs {

// The whole page. `config.source` is named in it as given, so pass a path relative to the
// repository for output that does not depend on where the checkout is.
std::string flows_markdown(const Config& config);

// Text for one cell of a Markdown table: on one line, with the characters Markdown would
// read as markup (emphasis, links, HTML, the cell separator) escaped.
std::string markdown_cell(std::string_view text);

}  // namespace vpm::docs
