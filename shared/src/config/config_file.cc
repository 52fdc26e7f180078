// Loads the target file: reads it (bounded), parses its YAML, validates it into a Config. Every
// problem becomes a ConfigError pointing at the offending node, because a monitoring check that
// silently runs fewer probes is worse than one that refuses to start.
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

#include "config/config_validator.h"
#include "config/yaml_reader.h"
#include "vpm/config.h"

namespace vpm {
namespace {

constexpr std::size_t kMiB = std::size_t{1024} * 1024;
constexpr std::size_t kMaxFileBytes = 16 * kMiB;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string read_error(const std::string& path, int error_number) {
  if (error_number == 0) error_number = EIO;  // a stream error that did not say why
  return path + ": cannot read: " + std::generic_category().message(error_number);
}

}  // namespace

Config load_config_file(const std::string& path) {
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw ConfigError(read_error(path, errno));
  std::string text;
  std::array<char, std::size_t{64} * 1024> buffer{};
  while (true) {
    errno = 0;
    const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), file.get());
    text.append(buffer.data(), count);
    // Bounded so that a device or a huge file cannot keep us reading.
    if (text.size() > kMaxFileBytes) {
      throw ConfigError(path + ": the file is larger than " + std::to_string(kMaxFileBytes / kMiB) +
                        " MiB");
    }
    if (count < buffer.size()) {
      if (std::ferror(file.get()) != 0) throw ConfigError(read_error(path, errno));
      break;
    }
  }
  return load_config_string(text, path);
}

Config load_config_string(std::string_view yaml, const std::string& source_name) {
  config::YamlReader reader(source_name);
  return reader.guarded(
      [&] { return config::validate_config(reader, reader.parse_document(yaml)); });
}

}  // namespace vpm
