#pragma once
// Reading the target file's YAML: one document within the size, node and nesting limits, the
// keys of each mapping checked, and every error as "<file>:<line>:<col>: <message>" from
// yaml-cpp's marks. What the values mean is config_validator's business.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/yaml_document.h"
#include "vpm/config.h"

namespace vpm::config {

// Nodes as written, and as visited: aliases let a small file name the same node many times, so
// visits are counted too, which keeps the work linear in what we actually look at.
constexpr std::size_t kMaxVisitedNodes = 1'000'000;
// The shipped catalogue has 42 flows; each flow is its own series in the exporter and its own
// line in the check's output. (100,000 flows took yaml-cpp 10 s and 500 MB to read.)
constexpr std::size_t kMaxFlows = 10'000;

// What the user wrote instead of what we expected, for "expected a list, got a string".
std::string describe_kind(const YamlNode& node);

struct Field {
  YamlNode key;
  YamlNode value;
};

// The keys of one mapping after checking them: no unknown keys, no duplicates.
class Fields {
 public:
  void add(std::string name, Field field) {
    fields_.emplace_back(std::move(name), std::move(field));
  }
  [[nodiscard]] const Field* find(std::string_view name) const {
    for (const auto& [field_name, field] : fields_) {
      if (field_name == name) return &field;
    }
    return nullptr;
  }

 private:
  std::vector<std::pair<std::string, Field>> fields_;
};

// yaml-cpp marks an empty value at the token after it, often on the next line; the key is where
// the user has to look.
inline YAML::Mark value_mark(const Field& field) {
  return field.value.IsNull() ? field.key.Mark() : field.value.Mark();
}

class YamlReader {
 public:
  explicit YamlReader(const std::string& source) : source_(source) {}

  // Runs `read` (which reads through this reader) and turns what yaml-cpp or the standard
  // library throws into a ConfigError with the best place known.
  template <typename Read>
  auto guarded(Read&& read) -> decltype(read()) {
    try {
      return std::forward<Read>(read)();
    } catch (const ConfigError&) {
      throw;
    } catch (const YAML::DeepRecursion& e) {
      // yaml-cpp's own message for this is just "bad file".
      fail(e.mark, "invalid YAML: nested too deeply");
    } catch (const YAML::Exception& e) {
      fail(e.mark, "invalid YAML: " + e.msg);
    } catch (const std::exception& e) {
      fail(YAML::Mark::null_mark(), std::string("cannot load: ") + e.what());
    }
  }

  // The one document of `text`, after the checks yaml-cpp does not make itself. The node
  // lives as long as this reader.
  YamlNode parse_document(std::string_view text);

  [[nodiscard]] const std::string& source() const { return source_; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;

  // Counts a node looked at; fails past kMaxVisitedNodes.
  void visit(const YamlNode& node);

  [[noreturn]] void fail_kind(const Field& field, const std::string& path,
                              std::string_view expected) const;

  // Text of the key of a mapping entry; fails unless it is a non-empty scalar.
  [[nodiscard]] std::string key_text(const YamlNode& key, std::string_view where) const;

  // Checks a mapping's keys against `allowed` in document order; `where` is "in defaults".
  Fields read_fields(const YamlNode& map, std::string_view where,
                     std::span<const std::string_view> allowed);

  std::string read_scalar(const Field& field, const std::string& path, std::string_view expected);

 private:
  void check_text(std::string_view text) const;
  void read_single_document(std::string_view text);

  const std::string& source_;
  std::size_t visited_nodes_ = 0;
  YamlDocument document_;
};

}  // namespace vpm::config
