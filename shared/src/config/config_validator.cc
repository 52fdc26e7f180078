#include "config/config_validator.h"

#include <algorithm>
#include <array>
#include <climits>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "config/duration_field.h"
#include "config/job_settings_reader.h"
#include "config/name_suggestion.h"
#include "vpm/quoted.h"  // vpm::quoted, qualified: <filesystem> brings std::quoted too
#include "vpm/source_address.h"

namespace vpm::config {
namespace {

constexpr std::size_t kMaxListedNames = 20;

constexpr std::array<std::string_view, 5> kTopLevelKeys{"defaults", "roles", "flows", "discover",
                                                        "jobs"};
constexpr std::array<std::string_view, 1> kDiscoverKeys{"veeam_agent_export"};
constexpr std::array<std::string_view, 9> kDefaultsKeys{
    "timeout",        "interval", "concurrency", "per_target_concurrency", "probe_threads", "trace",
    "trace_interval", "source",   "preflight"};
constexpr std::array<std::string_view, 2> kRoleKeys{"hosts", "description"};
constexpr std::array<std::string_view, 19> kFlowKeys{
    "name",     "from",     "to",      "protocol", "ports",   "expect", "sample",
    "severity", "note",     "timeout", "interval", "enabled", "check",  "tls",
    "http",     "starttls", "trace",   "source",   "smb"};
constexpr std::array<std::string_view, 3> kTlsKeys{"server_name", "ca_file", "verify"};
constexpr std::array<std::string_view, 2> kHttpKeys{"path", "expect_status"};
constexpr std::array<std::string_view, 1> kSmbKeys{"min_dialect"};
constexpr std::string_view kCheckChoices =
    "connect, tls, smtp, ldap, smb, msrpc, nbns, iscsi or http";

constexpr std::string_view kNameRule = "use lowercase letters, digits, '_' and '-'";

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

// Parses digits into an unsigned, or nullopt when the value does not fit.
std::optional<unsigned> to_unsigned(std::string_view digits) {
  unsigned long long value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > UINT_MAX) return std::nullopt;
  }
  return static_cast<unsigned>(value);
}

class ConfigValidator {
 public:
  explicit ConfigValidator(YamlReader& yaml) : yaml_(yaml) {}

  Config validate(const YamlNode& root) {
    if (!root.IsMap()) {
      yaml_.fail(root.Mark(),
                 "the top level must be a mapping with defaults, roles and flows, got " +
                     describe_kind(root));
    }
    const Fields fields = yaml_.read_fields(root, "at the top level", kTopLevelKeys);

    Config config;
    config.source = yaml_.source();
    if (const Field* f = fields.find("defaults")) config.defaults = read_defaults(*f);
    const Field* roles = fields.find("roles");
    if (roles == nullptr) yaml_.fail(root.Mark(), "no roles defined (missing key \"roles\")");
    config.roles = read_roles(*roles);
    for (const Role& role : config.roles) role_names_.insert(role.name);
    const Field* flows = fields.find("flows");
    if (flows == nullptr) yaml_.fail(root.Mark(), "no flows defined (missing key \"flows\")");
    config.flows = read_flows(*flows, config);
    if (const Field* f = fields.find("discover")) config.discover = read_discover(*f);
    if (const Field* f = fields.find("jobs")) config.jobs = read_job_settings(yaml_, *f);
    return config;
  }

 private:
  Duration read_duration(const Field& field, const std::string& path) {
    return read_duration_field(yaml_, field, path);
  }

  // An IP literal; whether it is this machine's is asked at each run (vpm/source_address.h).
  std::string read_source(const Field& field, const std::string& path) {
    std::string text = yaml_.read_scalar(field, path, "an IP address of this machine");
    std::string problem;
    if (!parse_source_address(text, &problem)) yaml_.fail(value_mark(field), path + ": " + problem);
    return text;
  }

  Duration read_timeout(const Field& field, const std::string& path) {
    const Duration timeout = read_duration(field, path);
    if (timeout <= Duration::zero()) {
      yaml_.fail(value_mark(field), path + ": the timeout must be greater than 0");
    }
    return timeout;
  }

  unsigned read_positive(const Field& field, const std::string& path) {
    const std::string text = yaml_.read_scalar(field, path, "a positive integer");
    if (all_digits(text)) {
      const std::optional<unsigned> value = to_unsigned(text);
      if (!value) {
        yaml_.fail(value_mark(field),
                   path + ": " + text + " is too large (at most " + std::to_string(UINT_MAX) + ")");
      }
      if (*value > 0) return *value;
    }
    yaml_.fail(value_mark(field), path + ": expected a positive integer, got " + vpm::quoted(text));
  }

  bool read_bool(const Field& field, const std::string& path) {
    const std::string text = yaml_.read_scalar(field, path, "true or false");
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    yaml_.fail(value_mark(field), path + ": expected true or false, got " + vpm::quoted(text));
  }

  template <typename Enum>
  Enum read_enum(const Field& field, const std::string& path,
                 std::optional<Enum> (*parse)(std::string_view), std::string_view choices) {
    const std::string text = yaml_.read_scalar(field, path, choices);
    if (std::optional<Enum> value = parse(text)) return *value;
    yaml_.fail(value_mark(field), path + ": invalid value " + vpm::quoted(text) + " (expected " +
                                      std::string(choices) + ")");
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
    yaml_.fail(culprit != nullptr ? value_mark(*culprit) : YAML::Mark::null_mark(),
               culprit_path + ": " + interval_text + " is shorter than " + timeout_text +
                   "; the interval must be at least the timeout");
  }

  Defaults read_defaults(const Field& field) {
    Defaults defaults;
    if (field.value.IsNull()) return defaults;  // "defaults:" with nothing under it
    if (!field.value.IsMap()) yaml_.fail_kind(field, "defaults", "a mapping");
    const Fields fields = yaml_.read_fields(field.value, "in defaults", kDefaultsKeys);
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
    if (const Field* f = fields.find("probe_threads")) {
      defaults.probe_threads = read_positive(*f, "defaults.probe_threads");
      if (defaults.probe_threads > kMaxProbeThreads) {
        yaml_.fail(value_mark(*f),
                   "defaults.probe_threads: " + std::to_string(defaults.probe_threads) +
                       " is too many (at most " + std::to_string(kMaxProbeThreads) + ")");
      }
    }
    check_interval(defaults.timeout, defaults.interval, timeout, interval, "defaults",
                   "built-in default");
    if (const Field* f = fields.find("trace")) defaults.trace = read_bool(*f, "defaults.trace");
    if (const Field* f = fields.find("trace_interval")) {
      defaults.trace_interval = read_duration(*f, "defaults.trace_interval");
    }
    if (const Field* f = fields.find("source"))
      defaults.source = read_source(*f, "defaults.source");
    if (const Field* f = fields.find("preflight")) {
      defaults.preflight = read_preflight_lead(yaml_, *f, "defaults.preflight");
    }
    return defaults;
  }

  std::vector<std::string> read_hosts(const Field& field, const std::string& path) {
    if (!field.value.IsSequence()) yaml_.fail_kind(field, path, "a list");
    if (field.value.size() == 0) yaml_.fail(value_mark(field), path + ": the host list is empty");
    std::vector<std::string> hosts;
    std::unordered_map<std::string, std::size_t> index_of_host;
    std::size_t index = 0;
    for (const YamlNode& item : field.value) {
      yaml_.visit(item);
      const std::string item_path = path + "[" + std::to_string(index) + "]";
      if (!item.IsScalar()) {
        yaml_.fail(item.Mark(), item_path + ": expected a host name, got " + describe_kind(item));
      }
      const std::string host(item.Scalar());
      if (host.empty()) yaml_.fail(item.Mark(), item_path + ": empty host name");
      if (!is_valid_host(host)) {
        yaml_.fail(item.Mark(), item_path + ": invalid host " + vpm::quoted(host) +
                                    " (host names contain no blanks or control characters)");
      }
      const auto [previous, inserted] = index_of_host.emplace(host, index);
      if (!inserted) {
        yaml_.fail(item.Mark(), item_path + ": duplicate host " + vpm::quoted(host) + " (also " +
                                    path + "[" + std::to_string(previous->second) + "])");
      }
      hosts.push_back(host);
      ++index;
    }
    return hosts;
  }

  std::vector<Role> read_roles(const Field& field) {
    if (field.value.IsNull()) yaml_.fail(field.key.Mark(), "roles: no roles defined");
    if (!field.value.IsMap()) yaml_.fail_kind(field, "roles", "a mapping of role names to hosts");
    if (field.value.size() == 0) yaml_.fail(field.value.Mark(), "roles: no roles defined");
    std::vector<Role> roles;
    std::unordered_map<std::string, YAML::Mark> mark_of_role;
    for (auto it = field.value.begin(); it != field.value.end(); ++it) {
      yaml_.visit(it->first);
      yaml_.visit(it->second);
      const Field role_field{it->first, it->second};
      std::string name = yaml_.key_text(it->first, "in roles");
      if (!is_valid_name(name)) {
        yaml_.fail(it->first.Mark(), "roles: invalid role name " + vpm::quoted(name) + " (" +
                                         std::string(kNameRule) + ")");
      }
      const auto [previous, inserted] = mark_of_role.emplace(name, it->first.Mark());
      if (!inserted) {
        yaml_.fail(it->first.Mark(), "roles: duplicate role " + vpm::quoted(name) +
                                         " (first at line " +
                                         std::to_string(previous->second.line + 1) + ")");
      }
      const std::string path = "roles." + name;
      if (!it->second.IsMap()) yaml_.fail_kind(role_field, path, "a mapping with \"hosts\"");
      const Fields fields = yaml_.read_fields(it->second, "in " + path, kRoleKeys);
      const Field* hosts = fields.find("hosts");
      if (hosts == nullptr)
        yaml_.fail(it->second.Mark(), path + ": missing required key \"hosts\"");
      Role role{std::move(name), read_hosts(*hosts, path + ".hosts"), {}};
      if (const Field* f = fields.find("description"); f != nullptr && !f->value.IsNull()) {
        role.description = yaml_.read_scalar(*f, path + ".description", "a string");
      }
      roles.push_back(std::move(role));
    }
    return roles;
  }

  PortSet read_ports(const Field& field, const std::string& path) {
    if (!field.value.IsSequence()) yaml_.fail_kind(field, path, "a list");
    if (field.value.size() == 0) yaml_.fail(value_mark(field), path + ": the port list is empty");
    if (field.value.size() > kMaxPortListItems) {
      yaml_.fail(value_mark(field), path + ": too many items (" +
                                        std::to_string(field.value.size()) + "; at most " +
                                        std::to_string(kMaxPortListItems) + ", one per port)");
    }
    PortSet ports;
    std::size_t index = 0;
    for (const YamlNode& item : field.value) {
      yaml_.visit(item);
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      if (!item.IsScalar()) {
        yaml_.fail(item.Mark(),
                   item_path + ": expected a port or range, got " + describe_kind(item));
      }
      std::string error;
      const std::optional<PortRange> range = parse_port_range(item.Scalar(), &error);
      if (!range) yaml_.fail(item.Mark(), item_path + ": " + error);
      if (std::optional<std::string> problem = ports.add(*range)) {
        yaml_.fail(item.Mark(), item_path + ": " + *problem);
      }
    }
    return ports;
  }

  std::optional<unsigned> read_sample(const Field& field, const std::string& path) {
    constexpr std::string_view kExpected = "\"all\" or a positive integer";
    const std::string text = yaml_.read_scalar(field, path, kExpected);
    if (text == "all") return std::nullopt;
    if (all_digits(text)) {
      const std::optional<unsigned> value = to_unsigned(text);
      // More than the flow's port count is fine (it means all), so only 0 is wrong here.
      if (!value) return UINT_MAX;
      if (*value > 0) return *value;
    }
    yaml_.fail(value_mark(field),
               path + ": expected " + std::string(kExpected) + ", got " + vpm::quoted(text));
  }

  std::string read_role_reference(const Field& field, const std::string& path,
                                  const std::vector<Role>& roles) {
    std::string name = yaml_.read_scalar(field, path, "a role name");
    if (role_names_.contains(name)) return name;
    std::vector<std::string_view> role_names;
    role_names.reserve(roles.size());
    for (const Role& role : roles) role_names.push_back(role.name);
    yaml_.fail(value_mark(field), path + ": unknown role " + vpm::quoted(name) +
                                      suggestion(name, role_names, "defined roles"));
  }

  // The flow's name when it is already readable, so that even its earliest error names it.
  static std::string peek_name(const YamlNode& flow) {
    for (auto it = flow.begin(); it != flow.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "name" && it->second.IsScalar() &&
          is_valid_name(it->second.Scalar())) {
        return std::string(it->second.Scalar());
      }
    }
    return {};
  }

  Flow read_flow(const YamlNode& node, std::size_t index, const Config& config,
                 std::unordered_map<std::string, YAML::Mark>& mark_of_flow) {
    const std::string index_path = "flows[" + std::to_string(index) + "]";
    if (!node.IsMap()) {
      yaml_.fail(node.Mark(), index_path + ": expected a mapping, got " + describe_kind(node));
    }
    const std::string peeked = peek_name(node);
    const std::string label = peeked.empty() ? index_path : index_path + " (" + peeked + ")";
    const Fields fields = yaml_.read_fields(node, "in " + label, kFlowKeys);
    const auto require = [&](std::string_view key) -> const Field& {
      const Field* field = fields.find(key);
      if (field == nullptr) {
        yaml_.fail(node.Mark(), label + ": missing required key " + vpm::quoted(key));
      }
      return *field;
    };

    Flow flow;
    const Field& name = require("name");
    flow.name = yaml_.read_scalar(name, index_path + ".name", "a name");
    if (!is_valid_name(flow.name)) {
      yaml_.fail(value_mark(name), index_path + ".name: invalid flow name " +
                                       vpm::quoted(flow.name) + " (" + std::string(kNameRule) +
                                       ")");
    }
    const auto [previous, inserted] = mark_of_flow.emplace(flow.name, value_mark(name));
    if (!inserted) {
      yaml_.fail(value_mark(name), index_path + ".name: duplicate flow name " +
                                       vpm::quoted(flow.name) + " (first defined at line " +
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
      flow.note = yaml_.read_scalar(*f, path + ".note", "a string");
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
    const Field* source = fields.find("source");
    flow.source =
        source != nullptr ? read_source(*source, path + ".source") : config.defaults.source;
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
        yaml_.fail(value_mark(*check),
                   path + ".check: " + vpm::quoted(to_string(flow.check.kind)) + " is a " +
                       (flow.protocol == Protocol::kTcp ? "udp" : "tcp") +
                       " check, the flow's protocol is " + std::string(to_string(flow.protocol)));
      }
      if (flow.check.kind != CheckKind::kConnect && flow.expect == Expectation::kClosed) {
        yaml_.fail(value_mark(*check), path + ".check: " + vpm::quoted(to_string(flow.check.kind)) +
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
      yaml_.fail(field->key.Mark(), path + "." + std::string(key) + ": only with " + names +
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
    if (const Field* f = only_with("smb", {CheckKind::kSmb})) {
      flow.check.smb = read_smb_options(*f, path + ".smb");
    }
  }

  // A non-empty string without control characters (names, paths, URL paths).
  std::string read_text(const Field& field, const std::string& path, std::string_view expected) {
    std::string text = yaml_.read_scalar(field, path, expected);
    if (text.empty()) yaml_.fail(value_mark(field), path + ": empty value");
    if (std::any_of(text.begin(), text.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte < 0x20 || byte == 0x7f;
        })) {
      yaml_.fail(value_mark(field),
                 path + ": " + vpm::quoted(text) + " contains control characters");
    }
    return text;
  }

  TlsOptions read_tls_options(const Field& field, const std::string& path) {
    if (!field.value.IsMap())
      yaml_.fail_kind(field, path, "a mapping (server_name, ca_file, verify)");
    const Fields fields = yaml_.read_fields(field.value, "in " + path, kTlsKeys);
    TlsOptions tls;
    if (const Field* f = fields.find("server_name")) {
      tls.server_name = read_text(*f, path + ".server_name", "a host name");
      if (!is_valid_host(tls.server_name)) {
        yaml_.fail(value_mark(*f),
                   path + ".server_name: invalid host name " + vpm::quoted(tls.server_name));
      }
    }
    if (const Field* f = fields.find("ca_file")) {
      tls.ca_file = read_text(*f, path + ".ca_file", "a file name");
    }
    if (const Field* f = fields.find("verify")) tls.verify = read_bool(*f, path + ".verify");
    return tls;
  }

  HttpOptions read_http_options(const Field& field, const std::string& path) {
    if (!field.value.IsMap()) yaml_.fail_kind(field, path, "a mapping (path, expect_status)");
    const Fields fields = yaml_.read_fields(field.value, "in " + path, kHttpKeys);
    HttpOptions http;
    if (const Field* f = fields.find("path")) {
      http.path = read_text(*f, path + ".path", "a path such as \"/\"");
      if (http.path.front() != '/' || http.path.find(' ') != std::string::npos) {
        yaml_.fail(value_mark(*f), path + ".path: " + vpm::quoted(http.path) +
                                       " must start with \"/\" and contain no blanks");
      }
    }
    if (const Field* f = fields.find("expect_status")) {
      const std::string text =
          yaml_.read_scalar(*f, path + ".expect_status", "an HTTP status code");
      const std::optional<unsigned> status = all_digits(text) ? to_unsigned(text) : std::nullopt;
      if (!status || *status < 100 || *status > 599) {
        yaml_.fail(value_mark(*f), path +
                                       ".expect_status: expected an HTTP status code from 100 to " +
                                       "599, got " + vpm::quoted(text));
      }
      http.expect_status = status;
    }
    return http;
  }

  SmbOptions read_smb_options(const Field& field, const std::string& path) {
    if (!field.value.IsMap()) yaml_.fail_kind(field, path, "a mapping (min_dialect)");
    const Fields fields = yaml_.read_fields(field.value, "in " + path, kSmbKeys);
    SmbOptions smb;
    if (const Field* f = fields.find("min_dialect")) {
      const std::string choices(smb_dialect_choices());
      const std::string text = yaml_.read_scalar(*f, path + ".min_dialect", choices);
      smb.min_dialect = parse_smb_dialect(text);
      if (!smb.min_dialect) {
        yaml_.fail(value_mark(*f), path + ".min_dialect: invalid value " + vpm::quoted(text) +
                                       " (expected " + choices + ")");
      }
    }
    return smb;
  }

  // `discover: {veeam_agent_export: FILE}`: FILE relative to the target file's folder, as a
  // file next to it is what users mean (the exporter runs as a service from another folder).
  Discover read_discover(const Field& field) {
    if (!field.value.IsMap()) yaml_.fail_kind(field, "discover", "a mapping (veeam_agent_export)");
    const Fields fields = yaml_.read_fields(field.value, "in discover", kDiscoverKeys);
    const Field* file = fields.find("veeam_agent_export");
    if (file == nullptr) {
      yaml_.fail(field.value.Mark(), "discover: missing required key \"veeam_agent_export\"");
    }
    const std::string text = read_text(*file, "discover.veeam_agent_export", "a file name");
    std::filesystem::path path(text);
    // A rooted path ("/srv/x.xml", or "\srv\x.xml" on Windows) is taken as written.
    if (path.is_relative() && !path.has_root_directory()) {
      path = (std::filesystem::path(yaml_.source()).parent_path() / path).make_preferred();
    }
    const YAML::Mark mark = value_mark(*file);
    return Discover{path.string(), yaml_.source() + ":" + std::to_string(mark.line + 1) + ":" +
                                       std::to_string(mark.column + 1)};
  }

  std::vector<Flow> read_flows(const Field& field, const Config& config) {
    if (field.value.IsNull()) yaml_.fail(field.key.Mark(), "flows: no flows defined");
    if (!field.value.IsSequence()) yaml_.fail_kind(field, "flows", "a list of flows");
    if (field.value.size() == 0) yaml_.fail(field.value.Mark(), "flows: no flows defined");
    std::vector<Flow> flows;
    // A Flow is over 400 bytes: growing the vector by doubling held 1.5 times the flows at once.
    flows.reserve(field.value.size());
    std::unordered_map<std::string, YAML::Mark> mark_of_flow;
    mark_of_flow.reserve(field.value.size());
    std::size_t index = 0;
    for (const YamlNode& item : field.value) {
      yaml_.visit(item);
      flows.push_back(read_flow(item, index++, config, mark_of_flow));
    }
    return flows;
  }

  YamlReader& yaml_;
  // The names of config.roles, for the flows' from and to: a hash set keeps a file with many
  // roles and many flows linear.
  std::unordered_set<std::string_view> role_names_;
};

}  // namespace

Config validate_config(YamlReader& yaml, const YamlNode& root) {
  return ConfigValidator(yaml).validate(root);
}

}  // namespace vpm::config
