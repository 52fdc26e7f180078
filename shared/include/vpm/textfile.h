#pragma once
// A file that another program reads at any moment (node_exporter's and windows_exporter's
// textfile collectors read *.prom at every scrape), replaced whole.
#include <string>
#include <string_view>

namespace vpm {

// Writes `content` to a temporary file in `path`'s folder (".<name>.<pid>.tmp": hidden, and
// not *.prom, so no collector reads it half-written), then renames it over `path`: a reader
// sees the previous file or this one, never a part. Throws std::runtime_error naming the file
// and the step that failed ("cannot create ...", "cannot replace ..."); the temporary file is
// removed then and `path` left as it was.
void replace_file_contents(const std::string& path, std::string_view content);

}  // namespace vpm
