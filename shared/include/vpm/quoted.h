#pragma once
// User text inside an error message: in double quotes, with quotes, backslashes and control
// bytes escaped, and cut at `max_chars` with "...", so a message always stays on one line.
#include <cstddef>
#include <string>
#include <string_view>

namespace vpm {

std::string quoted(std::string_view text, std::size_t max_chars = 60);

}  // namespace vpm
