// vpm_flow_docs CONFIG [--output FILE | --check FILE]: writes the flows page of CONFIG to stdout
// or FILE, or checks that FILE holds exactly that page (exit 1 with how to regenerate it).
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "flow_docs.h"

namespace {

constexpr int kUsageExit = 2;

int usage() {
  std::cerr << "usage: vpm_flow_docs CONFIG [--output FILE | --check FILE]\n";
  return kUsageExit;
}

// The line where `a` and `b` first differ, 1-based.
std::size_t first_difference_line(const std::string& a, const std::string& b) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i) {
    if (a[i] == '\n') ++line;
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) return usage();
  const std::string config_path = argv[1];
  const std::string_view mode = argc == 4 ? argv[2] : "";
  if (argc == 4 && mode != "--output" && mode != "--check") return usage();

  std::string page;
  try {
    page = vpm::docs::flows_markdown(vpm::load_config_file(config_path));
  } catch (const std::exception& e) {
    std::cerr << "vpm_flow_docs: " << e.what() << "\n";
    return 1;
  }
  if (argc == 2) {
    std::cout << page;
    return std::cout.flush() ? 0 : 1;
  }
  const std::string file = argv[3];
  if (mode == "--output") {
    std::ofstream output(file, std::ios::binary);
    output << page;
    if (!output.flush()) {
      std::cerr << "vpm_flow_docs: cannot write " << file << "\n";
      return 1;
    }
    return 0;
  }
  std::ifstream input(file, std::ios::binary);
  std::ostringstream current;
  current << input.rdbuf();
  if (input && current.str() == page) return 0;
  std::cerr << file << " is stale: it is not what " << config_path << " gives (first difference "
            << "at line " << first_difference_line(current.str(), page) << ").\n"
            << "Regenerate it from the repository root with:\n  " << argv[0] << " " << config_path
            << " --output " << file << "\n";
  return 1;
}
