#include "check_options.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

#include "option_values.h"
#include "vpm/probe_runner.h"
#include "vpm/quoted.h"
#include "vpm/source_address.h"

namespace vpm::nagios {
namespace {

enum class Opt {
  kHostname,
  kPorts,
  kUdp,
  kExpect,
  kTimeout,
  kMaxTime,
  kWarning,
  kCritical,
  kConfig,
  kRole,
  kConcurrency,
  kCertWarningDays,
  kCertCriticalDays,
  kPrintFirewallRules,
  kVeeamExport,
  kPrintDiscovery,
  kVerbose,
  kHelp,
  kVersion,
  kTrace,
  kJob,
  kTextfile,
  kSource,
  kPrintPrometheusSd,
  kExporterPort,
  kAllPorts,
  kProbeThreads,
};

struct OptionSpec {
  Opt id;
  char short_name;  // '\0': long only
  std::string_view long_name;
  bool takes_value;
};

constexpr std::array<OptionSpec, 27> kOptions = {{
    {Opt::kHostname, 'H', "hostname", true},
    {Opt::kPorts, 'p', "ports", true},
    {Opt::kUdp, '\0', "udp", false},
    {Opt::kExpect, '\0', "expect", true},
    {Opt::kTimeout, 't', "timeout", true},
    {Opt::kMaxTime, 'T', "max-time", true},
    {Opt::kWarning, 'w', "warning", true},
    {Opt::kCritical, 'c', "critical", true},
    {Opt::kConfig, '\0', "config", true},
    {Opt::kRole, '\0', "role", true},
    {Opt::kConcurrency, '\0', "concurrency", true},
    {Opt::kCertWarningDays, '\0', "cert-warning-days", true},
    {Opt::kCertCriticalDays, '\0', "cert-critical-days", true},
    {Opt::kPrintFirewallRules, '\0', "print-firewall-rules", true},
    {Opt::kVeeamExport, '\0', "veeam-export", true},
    {Opt::kPrintDiscovery, '\0', "print-discovery", false},
    {Opt::kVerbose, 'v', "verbose", false},
    {Opt::kHelp, 'h', "help", false},
    {Opt::kVersion, 'V', "version", false},
    {Opt::kTrace, '\0', "trace", false},
    {Opt::kJob, '\0', "job", true},
    {Opt::kTextfile, '\0', "textfile", true},
    {Opt::kSource, '\0', "source", true},
    {Opt::kPrintPrometheusSd, '\0', "print-prometheus-sd", false},
    {Opt::kExporterPort, '\0', "exporter-port", true},
    {Opt::kAllPorts, '\0', "all-ports", false},
    {Opt::kProbeThreads, '\0', "probe-threads", true},
}};

constexpr int kMaxTimeoutSeconds = 3600;
constexpr int kMaxRunSeconds = 86400;  // -T: room above the longest -t

const OptionSpec& spec(Opt id) {
  for (const OptionSpec& option : kOptions) {
    if (option.id == id) return option;
  }
  return kOptions.front();  // unreachable: every Opt has a spec
}

// "-p/--ports" or "--udp": how every message names a flag, whichever spelling was typed.
std::string flag_name(const OptionSpec& option) {
  std::string name;
  if (option.short_name != '\0') name = std::string("-") + option.short_name + "/";
  return name + "--" + std::string(option.long_name);
}
std::string flag_name(Opt id) { return flag_name(spec(id)); }

[[noreturn]] void usage_error(const std::string& message) { throw UsageError(message); }

const OptionSpec* find_long(std::string_view name) {
  for (const OptionSpec& option : kOptions) {
    if (option.long_name == name) return &option;
  }
  return nullptr;
}

const OptionSpec* find_short(char name) {
  for (const OptionSpec& option : kOptions) {
    if (option.short_name != '\0' && option.short_name == name) return &option;
  }
  return nullptr;
}

// A separate word that looks like an option is not taken as the previous flag's value:
// "-H -p 22" means -H lost its value, not a host named "-p". "-1:5" stays a value.
bool looks_like_option(std::string_view word) {
  if (word.size() < 2 || word.front() != '-') return false;
  const char c = word[1];
  return c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class Parser {
 public:
  CheckOptions parse(const std::vector<std::string_view>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string_view arg = args[i];
      const auto next_value = [&]() -> std::optional<std::string_view> {
        if (i + 1 < args.size() && !looks_like_option(args[i + 1])) return args[++i];
        return std::nullopt;
      };
      if (arg.size() > 2 && arg.substr(0, 2) == "--") {
        const std::size_t equals = arg.find('=');
        const std::string_view name = arg.substr(2, equals == arg.npos ? arg.npos : equals - 2);
        const OptionSpec* option = find_long(name);
        if (option == nullptr) usage_error("unknown option " + quoted(arg.substr(0, equals)));
        if (!option->takes_value) {
          if (equals != arg.npos) usage_error(flag_name(*option) + " does not take a value");
          apply(*option, {});
        } else if (equals != arg.npos) {
          apply(*option, arg.substr(equals + 1));
        } else {
          apply(*option, next_value());
        }
      } else if (arg.size() > 1 && arg.front() == '-' && arg != "--") {
        // A cluster of short flags ("-vv"); a flag that takes a value takes the rest of the
        // word ("-p22") or else the next word.
        for (std::size_t j = 1; j < arg.size(); ++j) {
          const OptionSpec* option = find_short(arg[j]);
          if (option == nullptr) usage_error("unknown option " + quoted(std::string("-") + arg[j]));
          if (!option->takes_value) {
            apply(*option, {});
            continue;
          }
          if (j + 1 < arg.size()) {
            apply(*option, arg.substr(j + 1));
          } else {
            apply(*option, next_value());
          }
          break;
        }
      } else {
        usage_error("unexpected argument " + quoted(arg));
      }
    }
    if (!options_.help && !options_.version) check_mode();
    return std::move(options_);
  }

 private:
  void apply(const OptionSpec& option, std::optional<std::string_view> value) {
    if (option.takes_value && (!value || value->empty())) {
      usage_error(flag_name(option) + " needs a value");
    }
    const bool repeatable = option.id == Opt::kHostname || option.id == Opt::kUdp ||
                            option.id == Opt::kVerbose || option.id == Opt::kHelp ||
                            option.id == Opt::kVersion;
    if (!repeatable && seen_[static_cast<std::size_t>(option.id)]) {
      usage_error(flag_name(option) + " is given more than once");
    }
    seen_[static_cast<std::size_t>(option.id)] = true;
    const std::string_view text = value.value_or(std::string_view());
    switch (option.id) {
      case Opt::kHostname: {
        for (std::string& host : parse_hosts(flag_name(option), text)) {
          // Each host is one perfdata label: a repeat would print the same label twice.
          if (std::find(options_.hosts.begin(), options_.hosts.end(), host) !=
              options_.hosts.end()) {
            usage_error(flag_name(option) + ": " + quoted(host) + " is listed twice");
          }
          options_.hosts.push_back(std::move(host));
        }
        break;
      }
      case Opt::kPorts: {
        std::string error;
        options_.ports = parse_port_list(text, &error);
        if (!options_.ports) usage_error(flag_name(option) + ": " + error);
        break;
      }
      case Opt::kUdp:
        options_.protocol = Protocol::kUdp;
        break;
      case Opt::kExpect: {
        const auto expect = parse_expectation(text);
        if (!expect) {
          usage_error(flag_name(option) + ": " + quoted(text) +
                      " is not one of open, reachable, closed");
        }
        options_.expect = *expect;
        break;
      }
      case Opt::kTimeout:
        options_.timeout = parse_seconds(flag_name(option), text, kMaxTimeoutSeconds);
        break;
      case Opt::kMaxTime:
        options_.max_time = parse_seconds(flag_name(option), text, kMaxRunSeconds);
        break;
      case Opt::kWarning:
        options_.warning = parse_range(flag_name(option), text);
        break;
      case Opt::kCritical:
        options_.critical = parse_range(flag_name(option), text);
        break;
      case Opt::kConfig:
        options_.config_path = std::string(text);
        break;
      case Opt::kRole:
        options_.role = std::string(text);
        break;
      case Opt::kConcurrency:
        options_.concurrency = parse_1_to_65535(flag_name(option), text);
        break;
      case Opt::kProbeThreads:
        options_.probe_threads = parse_1_to(kMaxProbeThreads, flag_name(option), text);
        break;
      case Opt::kCertWarningDays:
        options_.cert_warning_days = parse_cert_days(flag_name(option), text);
        break;
      case Opt::kCertCriticalDays:
        options_.cert_critical_days = parse_cert_days(flag_name(option), text);
        break;
      case Opt::kPrintFirewallRules: {
        options_.firewall_format = parse_firewall_format(text);
        if (!options_.firewall_format) {
          usage_error(flag_name(option) + ": " + quoted(text) +
                      " is not one of powershell, nftables");
        }
        break;
      }
      case Opt::kVeeamExport:
        options_.veeam_export = std::string(text);
        break;
      case Opt::kPrintDiscovery:
        options_.print_discovery = true;
        break;
      case Opt::kVerbose:
        ++options_.verbosity;
        break;
      case Opt::kHelp:
        options_.help = true;
        break;
      case Opt::kVersion:
        options_.version = true;
        break;
      case Opt::kTrace:
        options_.trace = true;
        break;
      case Opt::kJob:
        options_.job = std::string(text);
        break;
      case Opt::kTextfile:
        options_.textfile = std::string(text);
        break;
      case Opt::kPrintPrometheusSd:
        options_.print_prometheus_sd = true;
        break;
      case Opt::kAllPorts:
        options_.all_ports = true;
        break;
      case Opt::kExporterPort:
        options_.exporter_port =
            static_cast<std::uint16_t>(parse_1_to_65535(flag_name(option), text));
        break;
      case Opt::kSource: {
        std::string problem;
        if (!parse_source_address(text, &problem)) usage_error(flag_name(option) + ": " + problem);
        options_.source = std::string(text);
        break;
      }
    }
  }

  [[nodiscard]] bool seen(Opt id) const { return seen_[static_cast<std::size_t>(id)]; }

  // Exactly one mode: a config file, or an ad-hoc flow from -H and -p. Printing firewall rules
  // is a config mode for one role that probes nothing.
  void check_mode() const {
    if (options_.cert_critical_days > options_.cert_warning_days) {
      usage_error(flag_name(Opt::kCertCriticalDays) + " (" +
                  std::to_string(options_.cert_critical_days) + ") must not be more than " +
                  flag_name(Opt::kCertWarningDays) + " (" +
                  std::to_string(options_.cert_warning_days) + ")");
    }
    if (seen(Opt::kPrintFirewallRules)) {
      const std::string print = flag_name(Opt::kPrintFirewallRules);
      if (!seen(Opt::kConfig)) usage_error(print + " needs --config");
      if (!seen(Opt::kRole)) usage_error(print + " needs --role: the rules are for one machine");
      for (Opt probing : {Opt::kTimeout, Opt::kMaxTime, Opt::kWarning, Opt::kCritical,
                          Opt::kConcurrency, Opt::kCertWarningDays, Opt::kCertCriticalDays,
                          Opt::kVerbose, Opt::kTrace, Opt::kTextfile, Opt::kAllPorts}) {
        if (seen(probing)) {
          usage_error(flag_name(probing) + " has no effect with " + print + " (it probes nothing)");
        }
      }
    }
    if (seen(Opt::kExporterPort) && !seen(Opt::kPrintPrometheusSd)) {
      usage_error(flag_name(Opt::kExporterPort) + " needs " + flag_name(Opt::kPrintPrometheusSd));
    }
    if (seen(Opt::kPrintPrometheusSd)) {
      const std::string print = flag_name(Opt::kPrintPrometheusSd);
      if (!seen(Opt::kConfig)) usage_error(print + " needs --config");
      if (!seen(Opt::kRole))
        usage_error(print + " needs --role: the hosts whose exporters to list");
      for (Opt other : {Opt::kPrintFirewallRules, Opt::kPrintDiscovery}) {
        if (seen(other)) usage_error(print + " cannot be combined with " + flag_name(other));
      }
      if (seen(Opt::kAllPorts)) {
        usage_error(flag_name(Opt::kAllPorts) + " has no effect with " + print +
                    " (it probes nothing)");
      }
    }
    if (seen(Opt::kVeeamExport) && !seen(Opt::kConfig)) {
      usage_error(flag_name(Opt::kVeeamExport) +
                  " needs --config: the export fills the roles of a target file");
    }
    if (seen(Opt::kJob)) {
      if (!seen(Opt::kConfig)) {
        usage_error(flag_name(Opt::kJob) + " needs --config and a Veeam Agent export");
      }
      if (seen(Opt::kPrintDiscovery) || seen(Opt::kPrintFirewallRules)) {
        usage_error(flag_name(Opt::kJob) + " checks a job's flows; it cannot be combined with " +
                    flag_name(seen(Opt::kPrintDiscovery) ? Opt::kPrintDiscovery
                                                         : Opt::kPrintFirewallRules));
      }
    }
    if (seen(Opt::kPrintDiscovery)) {
      if (!seen(Opt::kConfig)) usage_error(flag_name(Opt::kPrintDiscovery) + " needs --config");
      if (seen(Opt::kPrintFirewallRules)) {
        usage_error(flag_name(Opt::kPrintDiscovery) + " cannot be combined with " +
                    flag_name(Opt::kPrintFirewallRules));
      }
      for (Opt probing : {Opt::kTextfile, Opt::kAllPorts}) {
        if (seen(probing)) {
          usage_error(flag_name(probing) + " has no effect with " +
                      flag_name(Opt::kPrintDiscovery) + " (it probes nothing)");
        }
      }
    }
    if (options_.timeout && *options_.timeout + kEndBeforeDeadline > options_.max_time) {
      // No probe could end within the limit (with the runner's margin): it would probe nothing.
      usage_error(flag_name(Opt::kTimeout) + " (" + format_duration(*options_.timeout) +
                  ") leaves no time within " + flag_name(Opt::kMaxTime) + " (" +
                  format_duration(options_.max_time) +
                  (seen(Opt::kMaxTime) ? "" : ", the default") + "): a probe starts only if it " +
                  "can end " + format_duration(kEndBeforeDeadline) + " before the limit");
    }
    if (seen(Opt::kTrace) && seen(Opt::kUdp)) {
      usage_error(flag_name(Opt::kTrace) + " traces TCP ports only; it cannot be combined with " +
                  flag_name(Opt::kUdp));
    }
    if (seen(Opt::kConfig)) {
      for (Opt adhoc : {Opt::kHostname, Opt::kPorts, Opt::kUdp, Opt::kExpect, Opt::kSource}) {
        if (seen(adhoc)) {
          usage_error(flag_name(Opt::kConfig) + " cannot be combined with " + flag_name(adhoc) +
                      " (ad-hoc mode)");
        }
      }
      return;
    }
    if (seen(Opt::kRole)) usage_error(flag_name(Opt::kRole) + " needs --config");
    if (seen(Opt::kAllPorts)) {
      usage_error(flag_name(Opt::kAllPorts) +
                  " needs --config: ad-hoc mode probes every port of -p/--ports anyway");
    }
    if (!seen(Opt::kHostname) && !seen(Opt::kPorts)) {
      usage_error("give either --config FILE, or -H/--hostname and -p/--ports");
    }
    if (!seen(Opt::kPorts)) usage_error("-p/--ports is required with -H/--hostname");
    if (!seen(Opt::kHostname)) usage_error("-H/--hostname is required with -p/--ports");
  }

  CheckOptions options_;
  std::array<bool, kOptions.size()> seen_{};
};

}  // namespace

CheckOptions parse_check_options(const std::vector<std::string_view>& args) {
  return Parser().parse(args);
}

}  // namespace vpm::nagios
