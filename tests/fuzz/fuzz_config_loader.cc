// libFuzzer target: the YAML target loader. Any input either loads into a valid Config or
// throws ConfigError; anything else escaping (or a crash, a hang, a sanitizer report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vpm/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const vpm::Config config = vpm::load_config_string(text, "fuzz.yaml");
    // What the loader promises: every flow names a role that exists and has ports.
    for (const vpm::Flow& flow : config.flows) {
      if (config.find_role(flow.from) == nullptr || config.find_role(flow.to) == nullptr ||
          flow.ports.empty()) {
        __builtin_trap();
      }
    }
  } catch (const vpm::ConfigError&) {
  }
  return 0;
}
