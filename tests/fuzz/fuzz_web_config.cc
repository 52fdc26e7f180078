// libFuzzer target: the exporter's --web.config.file loader. Any input either loads or throws
// WebConfigError. Relative file names resolve under a directory that does not exist, so no
// input can make it read a real file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config =
        vpm::exporter::load_web_config_string(text, "web.yml", "/nonexistent/vpm-fuzz");
    for (const auto& [user, hash] : config.basic_auth_users) {
      if (!vpm::exporter::looks_like_bcrypt(hash)) __builtin_trap();
    }
  } catch (const vpm::exporter::WebConfigError&) {
  }
  return 0;
}
