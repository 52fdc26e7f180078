#pragma once
// The command line of veeam_port_exporter, in the Prometheus exporters' flag conventions
// (kingpin: --name=value or --name value, --flag / --no-flag for booleans).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/exporter_port.h"

namespace vpm::exporter {

inline constexpr std::uint16_t kDefaultPort = kExporterDefaultPort;  // vpm/exporter_port.h

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// --service (Windows): register, remove, or be the Windows service.
// install-and-start, add-firewall-rule and remove-firewall-rule are the installer's (MSI) steps.
enum class ServiceAction {
  kNone,
  kInstall,
  kUninstall,
  kRun,
  kInstallAndStart,
  kAddFirewallRule,
  kRemoveFirewallRule
};

// HTTP connections served at once (civetweb binds a worker thread to each while it is open).
// Prometheus keeps one per scrape target, a browser up to six; node_exporter caps concurrent
// scrapes at 40 (--web.max-requests). Each worker costs 20-40 KiB of resident memory once it
// has served (its stack, mostly civetweb's frames).
// 96 would keep the 64 connections of `wrk -c 64` alive (up to 3/4 of the workers keep theirs,
// HttpServer::kKeepAliveQuartersOfWorkers): with gzip, 2x the scrapes a second and half the
// p99 of 40 (bench/load_test.sh, issue 16). It stays 40: under the uncompressed flood with
// slow clients and reloads (the script's part 3, 1,000 flows) 96 workers sending 1.4 MB pages
// at once held 23-27 MiB after each round instead of 13 and took p99 from 0.9 s to 3 s. Many
// concurrent gzip scrapers: --web.max-connections=96.
constexpr unsigned kDefaultMaxConnections = 40;
constexpr unsigned kMaxMaxConnections = 1024;

struct ExporterOptions {
  std::string config_file = "targets.yaml";
  std::string veeam_export_file;  // --veeam.export-file; empty: the target file's discover:
  std::string role;               // empty: every enabled flow
  std::vector<std::string> listen_addresses;  // --web.listen-address, repeatable
  std::string web_config_file;                // empty: plain HTTP, no auth
  std::string telemetry_path = "/metrics";
  LogLevel log_level = LogLevel::kInfo;
  std::string log_file;  // --log.file; empty: stderr
  ServiceAction service = ServiceAction::kNone;
  std::size_t per_port_limit = 16;                    // --metrics.per-port-limit
  unsigned max_connections = kDefaultMaxConnections;  // --web.max-connections
  bool config_check = false;
  bool enable_lifecycle = false;  // --web.enable-lifecycle: POST /-/reload (as Prometheus)
  bool version = false;
  bool help = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // names the flag: "--log.level: ..."
};

// args excludes argv[0]. Throws UsageError. Fills the default listen address when none given.
ExporterOptions parse_exporter_options(const std::vector<std::string_view>& args);

std::string exporter_usage();

// The flags of `args` for the command line a Windows service is installed with: each as
// "--name=value" (switches as "--name" or "--no-name"), in their order, without --service, and
// with the file flags (--config.file, --veeam.export-file, --web.config.file, --log.file) made
// absolute, since a
// service starts in another directory. Throws UsageError as parse_exporter_options does.
std::vector<std::string> service_run_arguments(const std::vector<std::string_view>& args);
std::string_view to_string(LogLevel level);

// A Go-style listen address (":10387", "127.0.0.1:10387", "[::1]:10387") as civetweb's
// listening_ports entry ("10387", "127.0.0.1:10387", "[::1]:10387"), with "s" appended for TLS.
// Throws UsageError on anything else.
std::string civetweb_listening_port(std::string_view address, bool tls);

}  // namespace vpm::exporter
