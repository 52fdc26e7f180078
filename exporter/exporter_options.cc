#include "exporter_options.h"

#include <array>
#include <charconv>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace vpm::exporter {
namespace {

enum class Opt {
  kConfigFile,
  kRole,
  kVeeamExportFile,
  kListenAddress,
  kWebConfigFile,
  kTelemetryPath,
  kMaxConnections,
  kLogLevel,
  kLogFile,
  kService,
  kPerPortLimit,
  kConfigCheck,
  kEnableLifecycle,
  kVersion,
  kHelp,
};

struct OptionSpec {
  Opt id;
  std::string_view name;  // without the leading "--"
  bool boolean;
};

constexpr std::array<OptionSpec, 15> kOptions = {{
    {Opt::kConfigFile, "config.file", false},
    {Opt::kVeeamExportFile, "veeam.export-file", false},
    {Opt::kRole, "role", false},
    {Opt::kListenAddress, "web.listen-address", false},
    {Opt::kWebConfigFile, "web.config.file", false},
    {Opt::kTelemetryPath, "web.telemetry-path", false},
    {Opt::kMaxConnections, "web.max-connections", false},
    {Opt::kLogLevel, "log.level", false},
    {Opt::kLogFile, "log.file", false},
    {Opt::kService, "service", false},
    {Opt::kPerPortLimit, "metrics.per-port-limit", false},
    {Opt::kConfigCheck, "config.check", true},
    {Opt::kEnableLifecycle, "web.enable-lifecycle", true},
    {Opt::kVersion, "version", true},
    {Opt::kHelp, "help", true},
}};

constexpr std::size_t kMaxPerPortLimit = 65535;

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& option : kOptions) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return std::nullopt;
}

void set_value(ExporterOptions& options, const OptionSpec& spec, std::string_view value) {
  const std::string flag = "--" + std::string(spec.name);
  switch (spec.id) {
    case Opt::kConfigFile:
      if (value.empty()) throw UsageError(flag + ": a file name is required");
      options.config_file = value;
      break;
    case Opt::kRole:
      options.role = value;
      break;
    case Opt::kVeeamExportFile:
      if (value.empty()) throw UsageError(flag + ": a file name is required");
      options.veeam_export_file = value;
      break;
    case Opt::kListenAddress:
      civetweb_listening_port(value, false);  // validates
      options.listen_addresses.emplace_back(value);
      break;
    case Opt::kWebConfigFile:
      options.web_config_file = value;
      break;
    case Opt::kTelemetryPath:
      if (value.size() < 2 || value.front() != '/' || value == "/-/reload" ||
          value == "/-/healthy" || value == "/-/ready") {
        throw UsageError(flag + ": \"" + std::string(value) +
                         "\" is not a usable path (it must start with / and not be / or /-/...)");
      }
      options.telemetry_path = value;
      break;
    case Opt::kLogLevel: {
      const std::optional<LogLevel> level = parse_log_level(value);
      if (!level) {
        throw UsageError(flag + ": \"" + std::string(value) +
                         "\" is not one of debug, info, warn, error");
      }
      options.log_level = *level;
      break;
    }
    case Opt::kLogFile:
      if (value.empty()) throw UsageError(flag + ": a file name is required");
      options.log_file = value;
      break;
    case Opt::kService:
      if (value == "install") {
        options.service = ServiceAction::kInstall;
      } else if (value == "uninstall") {
        options.service = ServiceAction::kUninstall;
      } else if (value == "run") {
        options.service = ServiceAction::kRun;
      } else if (value == "install-and-start") {
        options.service = ServiceAction::kInstallAndStart;
      } else if (value == "add-firewall-rule") {
        options.service = ServiceAction::kAddFirewallRule;
      } else if (value == "remove-firewall-rule") {
        options.service = ServiceAction::kRemoveFirewallRule;
      } else {
        throw UsageError(flag + ": \"" + std::string(value) +
                         "\" is not one of install, uninstall, run, install-and-start, "
                         "add-firewall-rule, remove-firewall-rule");
      }
      break;
    case Opt::kPerPortLimit: {
      std::size_t limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit > kMaxPerPortLimit) {
        throw UsageError(flag + ": \"" + std::string(value) +
                         "\" is not a number of ports from 0 to 65535");
      }
      options.per_port_limit = limit;
      break;
    }
    case Opt::kMaxConnections: {
      unsigned count = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
      if (ec != std::errc() || end != value.data() + value.size() || count < 1 ||
          count > kMaxMaxConnections) {
        throw UsageError(flag + ": \"" + std::string(value) +
                         "\" is not a number of connections from 1 to " +
                         std::to_string(kMaxMaxConnections));
      }
      options.max_connections = count;
      break;
    }
    case Opt::kConfigCheck:
    case Opt::kEnableLifecycle:
    case Opt::kVersion:
    case Opt::kHelp:
      break;  // booleans take no value
  }
}

void set_boolean(ExporterOptions& options, Opt id, bool on) {
  if (id == Opt::kConfigCheck) options.config_check = on;
  if (id == Opt::kEnableLifecycle) options.enable_lifecycle = on;
  if (id == Opt::kVersion) options.version = on;
  if (id == Opt::kHelp) options.help = on;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

// Calls `flag` for each flag of `args` in order: its spec, whether it was negated (--no-x),
// and its value (switches: none). Throws UsageError on what is not a flag.
void for_each_flag(
    const std::vector<std::string_view>& args,
    const std::function<void(const OptionSpec&, bool, std::optional<std::string_view>)>& flag) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "-h") {
      flag(*find_option("help"), false, std::nullopt);
      continue;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      throw UsageError("unexpected argument \"" + std::string(arg) +
                       "\" (flags are --name=value; see --help)");
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (const std::size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = find_option(name);
    bool negated = false;
    if (spec == nullptr && name.substr(0, 3) == "no-") {
      spec = find_option(name.substr(3));
      negated = spec != nullptr && spec->boolean;
      if (!negated) spec = nullptr;
    }
    if (spec == nullptr) throw UsageError("unknown flag --" + std::string(name));
    if (spec->boolean) {
      if (value) {
        throw UsageError("--" + std::string(name) + " is a switch and takes no value");
      }
      flag(*spec, negated, std::nullopt);
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) throw UsageError("--" + std::string(name) + " needs a value");
      value = args[++i];
    }
    flag(*spec, false, value);
  }
}

}  // namespace

ExporterOptions parse_exporter_options(const std::vector<std::string_view>& args) {
  ExporterOptions options;
  for_each_flag(args,
                [&](const OptionSpec& spec, bool negated, std::optional<std::string_view> value) {
                  if (spec.boolean) {
                    set_boolean(options, spec.id, !negated);
                  } else {
                    set_value(options, spec, *value);
                  }
                });
  if (options.listen_addresses.empty()) {
    options.listen_addresses.push_back(":" + std::to_string(kDefaultPort));
  }
  return options;
}

std::vector<std::string> service_run_arguments(const std::vector<std::string_view>& args) {
  parse_exporter_options(args);  // the same errors as a start with these flags
  std::vector<std::string> out;
  for_each_flag(
      args, [&](const OptionSpec& spec, bool negated, std::optional<std::string_view> value) {
        if (spec.id == Opt::kService) return;
        const std::string name(spec.name);
        if (spec.boolean) {
          out.push_back((negated ? "--no-" : "--") + name);
          return;
        }
        std::string text(*value);
        const bool file = spec.id == Opt::kConfigFile || spec.id == Opt::kVeeamExportFile ||
                          spec.id == Opt::kWebConfigFile || spec.id == Opt::kLogFile;
        if (file && !text.empty())
          text = std::filesystem::absolute(text).lexically_normal().string();
        out.push_back("--" + name + "=" + text);
      });
  return out;
}

std::string civetweb_listening_port(std::string_view address, bool tls) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    throw UsageError("--web.listen-address: \"" + std::string(address) +
                     "\" is not host:port (for every address use :port)");
  }
  const std::string_view host = address.substr(0, colon);
  const std::optional<std::uint16_t> port = parse_port(address.substr(colon + 1));
  if (!port) {
    throw UsageError("--web.listen-address: \"" + std::string(address) + "\" has no valid port");
  }
  std::string entry;
  if (host.empty()) {
    entry = std::to_string(*port);  // every IPv4 address
  } else if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      throw UsageError("--web.listen-address: \"" + std::string(address) +
                       "\" has an unterminated IPv6 address");
    }
    entry = std::string(host) + ":" + std::to_string(*port);
  } else {
    if (host.find(':') != std::string_view::npos) {
      throw UsageError("--web.listen-address: write IPv6 addresses in brackets: [" +
                       std::string(host) + "]:" + std::to_string(*port));
    }
    // civetweb takes IP literals only; "localhost" is the one name worth accepting.
    entry = (host == "localhost" ? std::string("127.0.0.1") : std::string(host)) + ":" +
            std::to_string(*port);
  }
  if (tls) entry += 's';
  return entry;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string exporter_usage() {
  const std::string port = std::to_string(kDefaultPort);
  return "usage: veeam_port_exporter [<flags>]\n"
         "\n"
         "Probes the TCP/UDP flows Veeam Agent for Microsoft Windows needs, on each flow's own\n"
         "interval, and serves the last results to Prometheus. Only the targets in the config\n"
         "file are ever probed; a scrape never starts a probe.\n"
         "\n"
         "Flags:\n"
         "  -h, --help                 Show this help and exit.\n"
         "      --config.file=\"targets.yaml\"\n"
         "                             The target file (flows, roles, defaults).\n"
         "      --role=ROLE            Probe the enabled flows whose `from` is ROLE (default:\n"
         "                             every enabled flow).\n"
         "      --veeam.export-file=FILE\n"
         "                             Veeam Agent's configuration export\n"
         "                             (Veeam.Agent.Configurator.exe -export): its jobs' backup\n"
         "                             server, shared folder and cloud gateways fill the roles\n"
         "                             backup_server, smb_share and cloud_gateway. Default: the\n"
         "                             target file's discover: {veeam_agent_export: FILE}.\n"
         "                             Read again on every reload and when the file changes.\n"
         "      --config.check         Validate --config.file (and --role, --web.config.file,\n"
         "                             the export), print what discovery produced, role by\n"
         "                             role, and exit 0 (valid) or 1.\n"
         "      --web.listen-address=\":" +
         port +
         "\"\n"
         "                             Address to listen on (repeatable): :PORT (every IPv4\n"
         "                             address), 127.0.0.1:PORT; [::1]:PORT where civetweb\n"
         "                             has IPv6 (Debian 12's has not).\n"
         "      --web.config.file=\"\"   exporter-toolkit web config: tls_server_config\n"
         "                             (cert_file, key_file, min_version) and\n"
         "                             basic_auth_users (bcrypt hashes).\n"
         "      --web.enable-lifecycle Enable POST /-/reload (off: 403; SIGHUP always\n"
         "                             reloads). Behind basic_auth_users when set.\n"
         "      --web.telemetry-path=\"/metrics\"\n"
         "                             Path under which to expose metrics.\n"
         "      --web.max-connections=" +
         std::to_string(kDefaultMaxConnections) +
         "\n"
         "                             HTTP connections served at once (1-" +
         std::to_string(kMaxMaxConnections) +
         "); more wait.\n"
         "                             Once 3/4 are open, responses close their connection.\n"
         "      --metrics.per-port-limit=16\n"
         "                             veeam_flow_port_up only for flows with at most this\n"
         "                             many ports (0: never).\n"
         "      --log.level=info       debug, info, warn or error. Logs are logfmt on stderr.\n"
         "      --log.file=PATH        Append the log to PATH instead of stderr.\n"
         "      --service=ACTION       Windows: install (register the exporter, with the other\n"
         "                             flags given, as the automatic service\n"
         "                             veeam_port_exporter), uninstall, or run (as the Service\n"
         "                             Control Manager starts it); the MSI's steps:\n"
         "                             install-and-start (waits until it runs),\n"
         "                             add-firewall-rule and remove-firewall-rule (inbound,\n"
         "                             the listen port, this program).\n"
         "      --version              Show the version and exit.\n"
         "\n"
         "Endpoints: /metrics, / (status page), /-/healthy, /-/ready, POST /-/reload\n"
         "(with --web.enable-lifecycle).\n"
         "Signals: SIGHUP reloads --config.file and the export; SIGTERM and SIGINT stop.\n"
         "Windows: Ctrl+C or stopping the service stops; POST /-/reload reloads.\n";
}

}  // namespace vpm::exporter
