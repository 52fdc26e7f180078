// Reads the target file into a Config. Every problem becomes a ConfigError pointing at the
// offending node, because a monitoring check that silently runs fewer probes is worse than one
// that refuses to start.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vpm/config.h"
#include "vpm/quoted.h"

namespace vpm {
namespace {

// Nodes as written, and as visited: aliases let a small file name the same node many times, so
// visits are counted too, which keeps the work linear in what we actually look at.
constexpr std::size_t kMaxVisitedNodes = 1'000'000;
// The shipped catalogue has 42 flows; each flow is its own series in the exporter and its own
// line in the check's output. (100,000 flows took yaml-cpp 10 s and 500 MB to read.)
constexpr std::size_t kMaxFlows = 10'000;
// A target file needs 5 levels (flows, a flow, its tls, ...); yaml-cpp's own guard is at 2,000
// and marks the end of the file rather than the node.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMiB = std::size_t{1024} * 1024;
constexpr std::size_t kMaxFileBytes = 16 * kMiB;
// PortSet::add checks each new item against all earlier ones; ranges cover any real need.
constexpr std::size_t kMaxPortItems = 1024;
// Most names listed in an "(allowed keys: ...)" or "(defined roles: ...)" hint.
constexpr std::size_t kMaxListedNames = 20;

constexpr std::array<std::string_view, 3> kTopLevelKeys{"defaults", "roles", "flows"};
constexpr std::array<std::string_view, 6> kDefaultsKeys{
    "timeout", "interval", "concurrency", "per_target_concurrency", "trace", "trace_interval"};
constexpr std::array<std::string_view, 2> kRoleKeys{"hosts", "description"};
constexpr std::array<std::string_view, 17> kFlowKeys{
    "name", "from",    "to",       "protocol", "ports", "expect", "sample", "severity",
    "note", "timeout", "interval", "enabled",  "check", "tls",    "http",   "starttls",
    "trace"};
constexpr std::array<std::string_view, 3> kTlsKeys{"server_name", "ca_file", "verify"};
constexpr std::array<std::string_view, 2> kHttpKeys{"path", "expect_status"};
constexpr std::string_view kCheckChoices =
    "connect, tls, smtp, ldap, smb, msrpc, nbns, iscsi or http";

constexpr std::string_view kNameRule = "use lowercase letters, digits, '_' and '-'";
constexpr std::string_view kDurationUnits = "units: ms, s, m, h";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

bool is_valid_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
  });
}

// Host names and IP literals never contain blanks or control characters; anything else is left
// to the resolver.
bool is_valid_host(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

template <typename Names>
std::string join(const Names& names) {
  std::string out;
  std::size_t count = 0;
  for (const auto& name : names) {
    if (count == kMaxListedNames) {
      out += ", ...";
      break;
    }
    if (count++ > 0) out += ", ";
    out += name;
  }
  return out;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Levenshtein distance, case-insensitive: "Timeout" is a near miss for "timeout".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The candidate a typo most likely meant, or empty when none is close.
template <typename Names>
std::string closest_match(std::string_view word, const Names& candidates) {
  constexpr std::size_t kLongestCompared = 64;  // keeps the quadratic distance cheap
  if (word.size() > kLongestCompared) return {};
  const std::size_t allowed = word.size() <= 3 ? 1 : 2;
  std::string best;
  std::size_t best_distance = allowed + 1;
  for (const auto& candidate : candidates) {
    const std::string_view name(candidate);
    if (name.size() > kLongestCompared) continue;
    const std::size_t distance = edit_distance(word, name);
    if (distance < best_distance && distance < name.size()) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

// " (did you mean "x"?)" for a near miss, else " (<what>: a, b, c)".
template <typename Names>
std::string suggestion(std::string_view word, const Names& candidates, std::string_view what) {
  const std::string match = closest_match(word, candidates);
  if (!match.empty()) return " (did you mean " + quoted(match) + "?)";
  return " (" + std::string(what) + ": " + join(candidates) + ")";
}

bool looks_numeric(std::string_view text) {
  std::size_t i = 0;
  std::size_t digits = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  for (; i < text.size() && is_digit(text[i]); ++i) ++digits;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i) ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == exponent_start) return false;
  }
  return i == text.size();
}

// What the user wrote instead of what we expected, for "expected a list, got a string".
std::string describe_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
  }
  // Quoted scalars carry the tag "!"; only plain ones can be numbers or booleans.
  if (node.Tag() == "?") {
    const std::string& text = node.Scalar();
    if (text == "true" || text == "false" || text == "True" || text == "False" || text == "TRUE" ||
        text == "FALSE") {
      return "a boolean";
    }
    if (looks_numeric(text)) return "a number";
  }
  return "a string";
}

// Parses digits into an unsigned, or nullopt when the value does not fit.
std::optional<unsigned> to_unsigned(std::string_view digits) {
  unsigned long long value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > UINT_MAX) return std::nullopt;
  }
  return static_cast<unsigned>(value);
}

// Thrown by DocumentSurvey to stop the parser at the first node over a limit.
struct OverLimit {
  YAML::Mark mark;
  std::string message;
};

// Walks the event parser over a document before any node tree is built: remembers where it
// starts, and stops at the first node over the node limit (an alias counts once here), the
// first flow over the flow limit, or the first list or mapping nested deeper than allowed.
// yaml-cpp needs seconds to build the node tree of a large file; this way a file over a limit
// is refused after reading only as far as the limit, with the place where it was crossed.
class DocumentSurvey : public YAML::EventHandler {
 public:
  [[nodiscard]] YAML::Mark start() const { return start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    *this = DocumentSurvey();
    start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { node(mark, {}); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { node(mark, {}); }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& value) override {
    node(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {
    const bool is_flows = open_.size() == 1 && open_.back().is_map && !open_.back().expecting_key &&
                          top_level_key_ == "flows";
    node(mark, {});
    open(mark);
    open_.push_back(Collection{false, true, is_flows});
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    node(mark, {});
    open(mark);
    open_.push_back(Collection{true, true, false});
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  struct Collection {
    bool is_map;
    bool expecting_key;  // maps only: the next node is a key
    bool is_flows;       // the top-level "flows" list
  };

  void open(const YAML::Mark& mark) const {
    if (open_.size() == kMaxDepth) {
      throw OverLimit{mark, "the document is nested too deeply (more than " +
                                std::to_string(kMaxDepth) + " levels)"};
    }
  }

  void node(const YAML::Mark& mark, std::string_view scalar) {
    if (++nodes_ > kMaxVisitedNodes) {
      throw OverLimit{mark, "the document is too large: more than " +
                                std::to_string(kMaxVisitedNodes) + " YAML nodes"};
    }
    if (open_.empty()) return;
    Collection& parent = open_.back();
    if (parent.is_map) {
      if (parent.expecting_key && open_.size() == 1) top_level_key_ = scalar;
      parent.expecting_key = !parent.expecting_key;
    } else if (parent.is_flows && ++flows_ > kMaxFlows) {
      throw OverLimit{mark, "flows[" + std::to_string(kMaxFlows) +
                                "]: too many flows (the limit is " + std::to_string(kMaxFlows) +
                                ")"};
    }
  }

  YAML::Mark start_ = YAML::Mark::null_mark();
  std::vector<Collection> open_;
  std::string top_level_key_;
  std::size_t nodes_ = 0;
  std::size_t flows_ = 0;
};

struct Field {
  YAML::Node key;
  YAML::Node value;
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

class Loader {
 public:
  explicit Loader(const std::string& source) : source_(source) {}

  Config load(std::string_view text) {
    try {
      return load_unguarded(text);
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

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    if (mark.is_null() || mark.line < 0 || mark.column < 0) {
      throw ConfigError(source_ + ": " + message);
    }
    throw ConfigError(source_ + ":" + std::to_string(mark.line + 1) + ":" +
                      std::to_string(mark.column + 1) + ": " + message);
  }

  void visit(const YAML::Node& node) {
    if (++visited_nodes_ > kMaxVisitedNodes) {
      // The file as written is within the limit (DocumentSurvey): aliases expand it past it.
      fail(node.Mark(), "the document is too large: its aliases expand it to more than " +
                            std::to_string(kMaxVisitedNodes) + " nodes");
    }
  }

  // yaml-cpp marks an empty value at the token after it, often on the next line; the key is
  // where the user has to look.
  static YAML::Mark value_mark(const Field& field) {
    return field.value.IsNull() ? field.key.Mark() : field.value.Mark();
  }

  [[noreturn]] void fail_kind(const Field& field, const std::string& path,
                              std::string_view expected) const {
    fail(value_mark(field),
         path + ": expected " + std::string(expected) + ", got " + describe_kind(field.value));
  }

  // Text of the key of a mapping entry; fails unless it is a non-empty scalar.
  [[nodiscard]] std::string key_text(const YAML::Node& key, std::string_view where) const {
    if (key.IsScalar() && !key.Scalar().empty()) return key.Scalar();
    if (key.IsScalar() || key.IsNull()) fail(key.Mark(), "empty key " + std::string(where));
    fail(key.Mark(), "expected a key name " + std::string(where) + ", got " + describe_kind(key));
  }

  // Checks a mapping's keys against `allowed` in document order; `where` is "in defaults".
  Fields read_fields(const YAML::Node& map, std::string_view where,
                     std::span<const std::string_view> allowed) {
    Fields fields;
    for (auto it = map.begin(); it != map.end(); ++it) {
      visit(it->first);
      visit(it->second);
      std::string name = key_text(it->first, where);
      if (name == "<<") {
        // yaml-cpp 0.7 reads merge keys as plain keys; say so rather than "unknown key".
        fail(it->first.Mark(), "merge keys (\"<<\") are not supported " + std::string(where));
      }
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        fail(it->first.Mark(), "unknown key " + quoted(name) + " " + std::string(where) +
                                   suggestion(name, allowed, "allowed keys"));
      }
      if (const Field* first = fields.find(name)) {
        fail(it->first.Mark(), "duplicate key " + quoted(name) + " " + std::string(where) +
                                   " (first at line " + std::to_string(first->key.Mark().line + 1) +
                                   ")");
      }
      fields.add(std::move(name), Field{it->first, it->second});
    }
    return fields;
  }

  std::string read_scalar(const Field& field, const std::string& path, std::string_view expected) {
    if (!field.value.IsScalar()) fail_kind(field, path, expected);
    return field.value.Scalar();
  }

  Duration read_duration(const Field& field, const std::string& path) {
    const std::string text = read_scalar(field, path, "a duration such as \"2s\"");
    if (std::optional<Duration> duration = parse_duration(text)) return *duration;
    std::string problem;
    if (all_digits(text)) {
      problem = quoted(text) + " has no unit (write e.g. \"" + text + "s\"; " +
                std::string(kDurationUnits) + ")";
    } else if (!text.empty() && text.front() == '-') {
      problem = "negative duration " + quoted(text);
    } else {
      problem = "invalid duration " + quoted(text) + " (expected e.g. \"500ms\", \"2s\" or " +
                "\"1m30s\"; " + std::string(kDurationUnits) + ")";
    }
    fail(value_mark(field), path + ": " + problem);
  }

  Duration read_timeout(const Field& field, const std::string& path) {
    const Duration timeout = read_duration(field, path);
    if (timeout <= Duration::zero()) {
      fail(value_mark(field), path + ": the timeout must be greater than 0");
    }
    return timeout;
  }

  unsigned read_positive(const Field& field, const std::string& path) {
    const std::string text = read_scalar(field, path, "a positive integer");
    if (all_digits(text)) {
      const std::optional<unsigned> value = to_unsigned(text);
      if (!value) {
        fail(value_mark(field),
             path + ": " + text + " is too large (at most " + std::to_string(UINT_MAX) + ")");
      }
      if (*value > 0) return *value;
    }
    fail(value_mark(field), path + ": expected a positive integer, got " + quoted(text));
  }

  bool read_bool(const Field& field, const std::string& path) {
    const std::string text = read_scalar(field, path, "true or false");
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    fail(value_mark(field), path + ": expected true or false, got " + quoted(text));
  }

  template <typename Enum>
  Enum read_enum(const Field& field, const std::string& path,
                 std::optional<Enum> (*parse)(std::string_view), std::string_view choices) {
    const std::string text = read_scalar(field, path, choices);
    if (std::optional<Enum> value = parse(text)) return *value;
    fail(value_mark(field),
         path + ": invalid value " + quoted(text) + " (expected " + std::string(choices) + ")");
  }

  // Fails when the interval is shorter than the timeout: the next run would start before the
  // previous one could finish. `timeout_field`/`interval_field` are those set at this level.
  void check_interval(Duration timeout, Duration interval, const Field* timeout_field,
                      const Field* interval_field, const std::string& path,
                      std::string_view inherited_from) const {
    if (interval >= timeout) return;
    // Point at what this level set; only values set here can make the pair inconsistent.
    const Field* culprit = interval_field != nullptr ? interval_field : timeout_field;
    std::string culprit_path = path;
    if (culprit != nullptr) culprit_path += interval_field != nullptr ? ".interval" : ".timeout";
    std::string interval_text = "interval " + format_duration(interval);
    if (interval_field == nullptr) interval_text += " (" + std::string(inherited_from) + ")";
    std::string timeout_text = "timeout " + format_duration(timeout);
    if (timeout_field == nullptr) timeout_text += " (" + std::string(inherited_from) + ")";
    fail(culprit != nullptr ? value_mark(*culprit) : YAML::Mark::null_mark(),
         culprit_path + ": " + interval_text + " is shorter than " + timeout_text +
             "; the interval must be at least the timeout");
  }

  Defaults read_defaults(const Field& field) {
    Defaults defaults;
    if (field.value.IsNull()) return defaults;  // "defaults:" with nothing under it
    if (!field.value.IsMap()) fail_kind(field, "defaults", "a mapping");
    const Fields fields = read_fields(field.value, "in defaults", kDefaultsKeys);
    const Field* timeout = fields.find("timeout");
    const Field* interval = fields.find("interval");
    if (timeout != nullptr) defaults.timeout = read_timeout(*timeout, "defaults.timeout");
    if (interval != nullptr) defaults.interval = read_duration(*interval, "defaults.interval");
    if (const Field* f = fields.find("concurrency")) {
      defaults.concurrency = read_positive(*f, "defaults.concurrency");
    }
    if (const Field* f = fields.find("per_target_concurrency")) {
      defaults.per_target_concurrency = read_positive(*f, "defaults.per_target_concurrency");
    }
    check_interval(defaults.timeout, defaults.interval, timeout, interval, "defaults",
                   "built-in default");
    if (const Field* f = fields.find("trace")) defaults.trace = read_bool(*f, "defaults.trace");
    if (const Field* f = fields.find("trace_interval")) {
      defaults.trace_interval = read_duration(*f, "defaults.trace_interval");
    }
    return defaults;
  }

  std::vector<std::string> read_hosts(const Field& field, const std::string& path) {
    if (!field.value.IsSequence()) fail_kind(field, path, "a list");
    if (field.value.size() == 0) fail(value_mark(field), path + ": the host list is empty");
    std::vector<std::string> hosts;
    std::unordered_map<std::string, std::size_t> index_of_host;
    std::size_t index = 0;
    for (const YAML::Node& item : field.value) {
      visit(item);
      const std::string item_path = path + "[" + std::to_string(index) + "]";
      if (!item.IsScalar()) {
        fail(item.Mark(), item_path + ": expected a host name, got " + describe_kind(item));
      }
      const std::string& host = item.Scalar();
      if (host.empty()) fail(item.Mark(), item_path + ": empty host name");
      if (!is_valid_host(host)) {
        fail(item.Mark(), item_path + ": invalid host " + quoted(host) +
                              " (host names contain no blanks or control characters)");
      }
      const auto [previous, inserted] = index_of_host.emplace(host, index);
      if (!inserted) {
        fail(item.Mark(), item_path + ": duplicate host " + quoted(host) + " (also " + path + "[" +
                              std::to_string(previous->second) + "])");
      }
      hosts.push_back(host);
      ++index;
    }
    return hosts;
  }

  std::vector<Role> read_roles(const Field& field) {
    if (field.value.IsNull()) fail(field.key.Mark(), "roles: no roles defined");
    if (!field.value.IsMap()) fail_kind(field, "roles", "a mapping of role names to hosts");
    if (field.value.size() == 0) fail(field.value.Mark(), "roles: no roles defined");
    std::vector<Role> roles;
    std::unordered_map<std::string, YAML::Mark> mark_of_role;
    for (auto it = field.value.begin(); it != field.value.end(); ++it) {
      visit(it->first);
      visit(it->second);
      const Field role_field{it->first, it->second};
      std::string name = key_text(it->first, "in roles");
      if (!is_valid_name(name)) {
        fail(it->first.Mark(),
             "roles: invalid role name " + quoted(name) + " (" + std::string(kNameRule) + ")");
      }
      const auto [previous, inserted] = mark_of_role.emplace(name, it->first.Mark());
      if (!inserted) {
        fail(it->first.Mark(), "roles: duplicate role " + quoted(name) + " (first at line " +
                                   std::to_string(previous->second.line + 1) + ")");
      }
      const std::string path = "roles." + name;
      if (!it->second.IsMap()) fail_kind(role_field, path, "a mapping with \"hosts\"");
      const Fields fields = read_fields(it->second, "in " + path, kRoleKeys);
      const Field* hosts = fields.find("hosts");
      if (hosts == nullptr) fail(it->second.Mark(), path + ": missing required key \"hosts\"");
      Role role{std::move(name), read_hosts(*hosts, path + ".hosts"), {}};
      if (const Field* f = fields.find("description"); f != nullptr && !f->value.IsNull()) {
        role.description = read_scalar(*f, path + ".description", "a string");
      }
      roles.push_back(std::move(role));
    }
    return roles;
  }

  PortSet read_ports(const Field& field, const std::string& path) {
    if (!field.value.IsSequence()) fail_kind(field, path, "a list");
    if (field.value.size() == 0) fail(value_mark(field), path + ": the port list is empty");
    if (field.value.size() > kMaxPortItems) {
      fail(value_mark(field), path + ": too many items (" + std::to_string(field.value.size()) +
                                  "; at most " + std::to_string(kMaxPortItems) +
                                  ", use ranges such as \"2500-3300\")");
    }
    PortSet ports;
    std::size_t index = 0;
    for (const YAML::Node& item : field.value) {
      visit(item);
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      if (!item.IsScalar()) {
        fail(item.Mark(), item_path + ": expected a port or range, got " + describe_kind(item));
      }
      std::string error;
      const std::optional<PortRange> range = parse_port_range(item.Scalar(), &error);
      if (!range) fail(item.Mark(), item_path + ": " + error);
      if (std::optional<std::string> problem = ports.add(*range)) {
        fail(item.Mark(), item_path + ": " + *problem);
      }
    }
    return ports;
  }

  std::optional<unsigned> read_sample(const Field& field, const std::string& path) {
    constexpr std::string_view kExpected = "\"all\" or a positive integer";
    const std::string text = read_scalar(field, path, kExpected);
    if (text == "all") return std::nullopt;
    if (all_digits(text)) {
      const std::optional<unsigned> value = to_unsigned(text);
      // More than the flow's port count is fine (it means all), so only 0 is wrong here.
      if (!value) return UINT_MAX;
      if (*value > 0) return *value;
    }
    fail(value_mark(field),
         path + ": expected " + std::string(kExpected) + ", got " + quoted(text));
  }

  std::string read_role_reference(const Field& field, const std::string& path,
                                  const std::vector<Role>& roles) {
    std::string name = read_scalar(field, path, "a role name");
    for (const Role& role : roles) {
      if (role.name == name) return name;
    }
    std::vector<std::string_view> role_names;
    role_names.reserve(roles.size());
    for (const Role& role : roles) role_names.push_back(role.name);
    fail(value_mark(field),
         path + ": unknown role " + quoted(name) + suggestion(name, role_names, "defined roles"));
  }

  // The flow's name when it is already readable, so that even its earliest error names it.
  static std::string peek_name(const YAML::Node& flow) {
    for (auto it = flow.begin(); it != flow.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "name" && it->second.IsScalar() &&
          is_valid_name(it->second.Scalar())) {
        return it->second.Scalar();
      }
    }
    return {};
  }

  Flow read_flow(const YAML::Node& node, std::size_t index, const Config& config,
                 std::unordered_map<std::string, YAML::Mark>& mark_of_flow) {
    const std::string index_path = "flows[" + std::to_string(index) + "]";
    if (!node.IsMap()) {
      fail(node.Mark(), index_path + ": expected a mapping, got " + describe_kind(node));
    }
    const std::string peeked = peek_name(node);
    const std::string label = peeked.empty() ? index_path : index_path + " (" + peeked + ")";
    const Fields fields = read_fields(node, "in " + label, kFlowKeys);
    const auto require = [&](std::string_view key) -> const Field& {
      const Field* field = fields.find(key);
      if (field == nullptr) {
        fail(node.Mark(), label + ": missing required key " + quoted(key));
      }
      return *field;
    };

    Flow flow;
    const Field& name = require("name");
    flow.name = read_scalar(name, index_path + ".name", "a name");
    if (!is_valid_name(flow.name)) {
      fail(value_mark(name), index_path + ".name: invalid flow name " + quoted(flow.name) + " (" +
                                 std::string(kNameRule) + ")");
    }
    const auto [previous, inserted] = mark_of_flow.emplace(flow.name, value_mark(name));
    if (!inserted) {
      fail(value_mark(name), index_path + ".name: duplicate flow name " + quoted(flow.name) +
                                 " (first defined at line " +
                                 std::to_string(previous->second.line + 1) + ")");
    }

    const std::string path = index_path + " (" + flow.name + ")";
    flow.from = read_role_reference(require("from"), path + ".from", config.roles);
    flow.to = read_role_reference(require("to"), path + ".to", config.roles);
    if (const Field* f = fields.find("protocol")) {
      flow.protocol = read_enum<Protocol>(*f, path + ".protocol", parse_protocol, "tcp or udp");
    }
    flow.ports = read_ports(require("ports"), path + ".ports");
    if (const Field* f = fields.find("expect")) {
      flow.expect = read_enum<Expectation>(*f, path + ".expect", parse_expectation,
                                           "open, reachable or closed");
    }
    if (const Field* f = fields.find("sample")) flow.sample = read_sample(*f, path + ".sample");
    if (const Field* f = fields.find("severity")) {
      flow.severity =
          read_enum<Severity>(*f, path + ".severity", parse_severity, "critical or warning");
    }
    if (const Field* f = fields.find("note"); f != nullptr && !f->value.IsNull()) {
      flow.note = read_scalar(*f, path + ".note", "a string");
    }
    const Field* timeout = fields.find("timeout");
    const Field* interval = fields.find("interval");
    flow.timeout =
        timeout != nullptr ? read_timeout(*timeout, path + ".timeout") : config.defaults.timeout;
    flow.interval = interval != nullptr ? read_duration(*interval, path + ".interval")
                                        : config.defaults.interval;
    check_interval(flow.timeout, flow.interval, timeout, interval, path, "from defaults");
    if (const Field* f = fields.find("enabled")) flow.enabled = read_bool(*f, path + ".enabled");
    const Field* trace = fields.find("trace");
    flow.trace = trace != nullptr ? read_bool(*trace, path + ".trace") : config.defaults.trace;
    read_service_check(fields, path, flow);
    return flow;
  }

  // `check:` and the options that belong to it. An option of another check, or a check the
  // flow's protocol cannot carry, is an error: it would silently do nothing.
  void read_service_check(const Fields& fields, const std::string& path, Flow& flow) {
    const Field* check = fields.find("check");
    if (check != nullptr) {
      flow.check.kind =
          read_enum<CheckKind>(*check, path + ".check", parse_check_kind, kCheckChoices);
      if (!check_fits_protocol(flow.check.kind, flow.protocol)) {
        fail(value_mark(*check), path + ".check: " + quoted(to_string(flow.check.kind)) + " is a " +
                                     (flow.protocol == Protocol::kTcp ? "udp" : "tcp") +
                                     " check, the flow's protocol is " +
                                     std::string(to_string(flow.protocol)));
      }
      if (flow.check.kind != CheckKind::kConnect && flow.expect == Expectation::kClosed) {
        fail(value_mark(*check), path + ".check: " + quoted(to_string(flow.check.kind)) +
                                     " has no use with expect: closed (nothing may answer)");
      }
    }
    const auto only_with = [&](std::string_view key, std::initializer_list<CheckKind> kinds) {
      const Field* field = fields.find(key);
      if (field == nullptr) return field;
      for (CheckKind kind : kinds) {
        if (flow.check.kind == kind) return field;
      }
      std::string names;
      for (CheckKind kind : kinds) {
        names += (names.empty() ? "check: " : " or ") + std::string(to_string(kind));
      }
      fail(field->key.Mark(), path + "." + std::string(key) + ": only with " + names +
                                  " (the flow's check is " +
                                  std::string(to_string(flow.check.kind)) + ")");
    };
    if (const Field* f = only_with("tls", {CheckKind::kTls, CheckKind::kSmtp})) {
      flow.check.tls = read_tls_options(*f, path + ".tls");
    }
    if (const Field* f = only_with("http", {CheckKind::kHttp})) {
      flow.check.http = read_http_options(*f, path + ".http");
    }
    if (const Field* f = only_with("starttls", {CheckKind::kSmtp})) {
      flow.check.starttls = read_bool(*f, path + ".starttls");
    }
  }

  // A non-empty string without control characters (names, paths, URL paths).
  std::string read_text(const Field& field, const std::string& path, std::string_view expected) {
    std::string text = read_scalar(field, path, expected);
    if (text.empty()) fail(value_mark(field), path + ": empty value");
    if (std::any_of(text.begin(), text.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte < 0x20 || byte == 0x7f;
        })) {
      fail(value_mark(field), path + ": " + quoted(text) + " contains control characters");
    }
    return text;
  }

  TlsOptions read_tls_options(const Field& field, const std::string& path) {
    if (!field.value.IsMap()) fail_kind(field, path, "a mapping (server_name, ca_file, verify)");
    const Fields fields = read_fields(field.value, "in " + path, kTlsKeys);
    TlsOptions tls;
    if (const Field* f = fields.find("server_name")) {
      tls.server_name = read_text(*f, path + ".server_name", "a host name");
      if (!is_valid_host(tls.server_name)) {
        fail(value_mark(*f), path + ".server_name: invalid host name " + quoted(tls.server_name));
      }
    }
    if (const Field* f = fields.find("ca_file")) {
      tls.ca_file = read_text(*f, path + ".ca_file", "a file name");
    }
    if (const Field* f = fields.find("verify")) tls.verify = read_bool(*f, path + ".verify");
    return tls;
  }

  HttpOptions read_http_options(const Field& field, const std::string& path) {
    if (!field.value.IsMap()) fail_kind(field, path, "a mapping (path, expect_status)");
    const Fields fields = read_fields(field.value, "in " + path, kHttpKeys);
    HttpOptions http;
    if (const Field* f = fields.find("path")) {
      http.path = read_text(*f, path + ".path", "a path such as \"/\"");
      if (http.path.front() != '/' || http.path.find(' ') != std::string::npos) {
        fail(value_mark(*f),
             path + ".path: " + quoted(http.path) + " must start with \"/\" and contain no blanks");
      }
    }
    if (const Field* f = fields.find("expect_status")) {
      const std::string text = read_scalar(*f, path + ".expect_status", "an HTTP status code");
      const std::optional<unsigned> status = all_digits(text) ? to_unsigned(text) : std::nullopt;
      if (!status || *status < 100 || *status > 599) {
        fail(value_mark(*f), path + ".expect_status: expected an HTTP status code from 100 to " +
                                 "599, got " + quoted(text));
      }
      http.expect_status = status;
    }
    return http;
  }

  std::vector<Flow> read_flows(const Field& field, const Config& config) {
    if (field.value.IsNull()) fail(field.key.Mark(), "flows: no flows defined");
    if (!field.value.IsSequence()) fail_kind(field, "flows", "a list of flows");
    if (field.value.size() == 0) fail(field.value.Mark(), "flows: no flows defined");
    std::vector<Flow> flows;
    std::unordered_map<std::string, YAML::Mark> mark_of_flow;
    std::size_t index = 0;
    for (const YAML::Node& item : field.value) {
      visit(item);
      flows.push_back(read_flow(item, index++, config, mark_of_flow));
    }
    return flows;
  }

  // Rejects what yaml-cpp would misread: NUL bytes end its input early or garble it.
  void check_text(std::string_view text) const {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      fail(YAML::Mark::null_mark(), "the file is empty");
    }
    const std::size_t nul = text.find('\0');
    if (nul != std::string_view::npos) {
      const std::string_view before = text.substr(0, nul);
      const std::size_t last_newline = before.rfind('\n');
      YAML::Mark mark;
      mark.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      mark.column =
          static_cast<int>(last_newline == std::string_view::npos ? nul : nul - last_newline - 1);
      fail(mark, "the file contains a NUL byte; expected UTF-8 text (is it binary, or UTF-16?)");
    }
  }

  // Makes sure the text holds exactly one document. yaml-cpp's LoadAll() loops forever on some
  // invalid input (a stray "," where a document should start), so documents are counted with
  // the event parser, which is asked for at most two.
  void check_single_document(const std::string& text) const {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentSurvey survey;
    try {
      if (!parser.HandleNextDocument(survey)) {
        fail(YAML::Mark::null_mark(), "the file contains only comments");
      }
      const YAML::Mark first_start = survey.start();
      if (!parser.HandleNextDocument(survey)) return;
      const YAML::Mark second_start = survey.start();
      if (second_start.pos == first_start.pos) {
        // No progress: the parser could not make sense of the token the document starts with.
        const auto pos = static_cast<std::size_t>(std::max(first_start.pos, 0));
        fail(first_start, "invalid YAML: unexpected " + quoted(text.substr(pos, 1)));
      }
      fail(second_start, "a second YAML document starts here; the file must hold only one");
    } catch (const OverLimit& over) {
      fail(over.mark, over.message);
    }
  }

  Config load_unguarded(std::string_view text) {
    check_text(text);
    const std::string yaml(text);
    check_single_document(yaml);
    const YAML::Node root = YAML::Load(yaml);
    visit(root);
    if (!root.IsMap()) {
      fail(root.Mark(), "the top level must be a mapping with defaults, roles and flows, got " +
                            describe_kind(root));
    }
    const Fields fields = read_fields(root, "at the top level", kTopLevelKeys);

    Config config;
    config.source = source_;
    if (const Field* f = fields.find("defaults")) config.defaults = read_defaults(*f);
    const Field* roles = fields.find("roles");
    if (roles == nullptr) fail(root.Mark(), "no roles defined (missing key \"roles\")");
    config.roles = read_roles(*roles);
    const Field* flows = fields.find("flows");
    if (flows == nullptr) fail(root.Mark(), "no flows defined (missing key \"flows\")");
    config.flows = read_flows(*flows, config);
    return config;
  }

  const std::string& source_;
  std::size_t visited_nodes_ = 0;
};

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
  return Loader(path).load(text);
}

Config load_config_string(std::string_view yaml, const std::string& source_name) {
  return Loader(source_name).load(yaml);
}

}  // namespace vpm
